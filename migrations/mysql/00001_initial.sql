-- Initial schema: organizations (with their PAT policy), users, personal
-- access tokens. Times are BIGINT Unix milliseconds (see model.Time).
-- IDs, subjects, digests, scopes and sort keys are VARBINARY: they compare
-- byte for byte (case-sensitively, with no trailing-space padding), exactly
-- as SQLite's BINARY collation does, so both dialects agree on equality and
-- order.

-- +goose Up
CREATE TABLE organizations (
  id BIGINT NOT NULL AUTO_INCREMENT,
  external_id VARBINARY(1020) NOT NULL,
  pat_enabled BOOLEAN NOT NULL DEFAULT TRUE,
  max_lifespan_days INT NOT NULL DEFAULT 90,
  settings_updated_at BIGINT NULL,
  settings_updated_by_id BIGINT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_organizations_external_id (external_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE users (
  id BIGINT NOT NULL AUTO_INCREMENT,
  organization_id BIGINT NOT NULL,
  subject VARBINARY(1020) NOT NULL,
  email VARCHAR(320) NOT NULL,
  name VARCHAR(255) NOT NULL,
  account_type VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  name_key VARBINARY(1020) NOT NULL,
  email_key VARBINARY(1280) NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_users_organization_subject (organization_id, subject),
  CONSTRAINT fk_users_organization FOREIGN KEY (organization_id) REFERENCES organizations (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

ALTER TABLE organizations
  ADD CONSTRAINT fk_organizations_settings_updated_by FOREIGN KEY (settings_updated_by_id) REFERENCES users (id);

CREATE TABLE personal_access_tokens (
  id VARBINARY(26) NOT NULL,
  organization_id BIGINT NOT NULL,
  owner_id BIGINT NOT NULL,
  name VARCHAR(100) NOT NULL,
  name_key VARBINARY(800) NOT NULL,
  -- At most 100 scopes of at most 100 bytes each (pat.NormalizeScopeList).
  scopes VARBINARY(10240) NOT NULL,
  token_digest BINARY(32) NOT NULL,
  hint VARCHAR(32) NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  last_used_at BIGINT NULL,
  revoked_at BIGINT NULL,
  revoked_by_id BIGINT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_pat_token_digest (token_digest),
  -- One index per order field, each ending in the ID tie-breaker, so a
  -- keyset page is an index range scan.
  KEY ix_pat_org_created (organization_id, created_at, id),
  KEY ix_pat_org_expires (organization_id, expires_at, id),
  KEY ix_pat_org_last_used (organization_id, last_used_at, id),
  KEY ix_pat_org_name (organization_id, name_key, id),
  -- A member's own list and the per-user active quota.
  KEY ix_pat_owner_created (owner_id, created_at, id),
  CONSTRAINT fk_pat_organization FOREIGN KEY (organization_id) REFERENCES organizations (id),
  CONSTRAINT fk_pat_owner FOREIGN KEY (owner_id) REFERENCES users (id),
  CONSTRAINT fk_pat_revoked_by FOREIGN KEY (revoked_by_id) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE personal_access_tokens;
ALTER TABLE organizations DROP FOREIGN KEY fk_organizations_settings_updated_by;
DROP TABLE users;
DROP TABLE organizations;
