-- Revocation by filter (revokeTokensMatching): see the MySQL migration.

-- +goose Up
CREATE TABLE revocation_jobs (
  id TEXT NOT NULL PRIMARY KEY,
  organization_id INTEGER NOT NULL REFERENCES organizations (id),
  created_by_id INTEGER NOT NULL REFERENCES users (id),
  confirmation_digest BLOB NOT NULL,
  filter TEXT NOT NULL,
  preview_at INTEGER NOT NULL,
  evaluated_at INTEGER NOT NULL,
  lifespan_days INTEGER NOT NULL,
  state TEXT NOT NULL,
  total INTEGER NOT NULL,
  revoked INTEGER NOT NULL DEFAULT 0,
  position_created_at INTEGER NOT NULL DEFAULT 0,
  position_id TEXT NOT NULL DEFAULT '',
  attempts INTEGER NOT NULL DEFAULT 0,
  lease_owner TEXT NOT NULL DEFAULT '',
  lease_until INTEGER NOT NULL DEFAULT 0,
  request_id TEXT NOT NULL,
  client_request_id TEXT NULL,
  client_ip TEXT NOT NULL,
  user_agent TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  finished_at INTEGER NULL
);
CREATE UNIQUE INDEX uq_revocation_jobs_confirmation ON revocation_jobs (organization_id, confirmation_digest);
CREATE INDEX ix_revocation_jobs_claim ON revocation_jobs (state, lease_until, created_at);

ALTER TABLE audit_events ADD COLUMN revocation_job_id TEXT NULL;

-- +goose Down
ALTER TABLE audit_events DROP COLUMN revocation_job_id;
DROP TABLE revocation_jobs;
