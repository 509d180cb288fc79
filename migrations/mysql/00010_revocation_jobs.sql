-- Revocation by filter (revokeTokensMatching): one row per job, its filter,
-- progress and lease. A chunk is one transaction that revokes up to a
-- chunk of tokens after (position_created_at, position_id), writes their
-- audit events (with the job's ID) and advances the position, written only
-- by the lease holder; any instance claims a job whose lease has expired.
-- The audit event of a token revoked by a job names it.

-- +goose Up
CREATE TABLE revocation_jobs (
  id VARBINARY(26) NOT NULL,
  organization_id BIGINT NOT NULL,
  created_by_id BIGINT NOT NULL,
  confirmation_digest BINARY(32) NOT NULL,
  filter TEXT NOT NULL,
  preview_at BIGINT NOT NULL,
  evaluated_at BIGINT NOT NULL,
  lifespan_days INT NOT NULL,
  state VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  total INT NOT NULL,
  revoked INT NOT NULL DEFAULT 0,
  position_created_at BIGINT NOT NULL DEFAULT 0,
  position_id VARBINARY(26) NOT NULL DEFAULT '',
  attempts INT NOT NULL DEFAULT 0,
  lease_owner VARBINARY(64) NOT NULL DEFAULT '',
  lease_until BIGINT NOT NULL DEFAULT 0,
  request_id VARCHAR(64) NOT NULL,
  client_request_id VARCHAR(64) NULL,
  client_ip VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  user_agent VARCHAR(512) NOT NULL,
  created_at BIGINT NOT NULL,
  finished_at BIGINT NULL,
  PRIMARY KEY (id),
  -- The same confirmation twice is the same job (a retried mutation).
  UNIQUE KEY uq_revocation_jobs_confirmation (organization_id, confirmation_digest),
  -- The claim: running jobs whose lease has expired, oldest first.
  KEY ix_revocation_jobs_claim (state, lease_until, created_at),
  CONSTRAINT fk_revocation_jobs_organization FOREIGN KEY (organization_id) REFERENCES organizations (id),
  CONSTRAINT fk_revocation_jobs_created_by FOREIGN KEY (created_by_id) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

ALTER TABLE audit_events ADD COLUMN revocation_job_id VARBINARY(26) NULL;

-- +goose Down
ALTER TABLE audit_events DROP COLUMN revocation_job_id;
DROP TABLE revocation_jobs;
