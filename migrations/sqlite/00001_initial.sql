-- Initial schema: organizations (with their PAT policy), users, personal
-- access tokens. Times are INTEGER Unix milliseconds (see model.Time).
-- SQLite compares TEXT with the BINARY collation by default, so IDs,
-- subjects and sort keys compare exactly.

-- +goose Up
CREATE TABLE organizations (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  external_id TEXT NOT NULL,
  pat_enabled INTEGER NOT NULL DEFAULT 1,
  max_lifespan_days INTEGER NOT NULL DEFAULT 90,
  settings_updated_at INTEGER NULL,
  settings_updated_by_id INTEGER NULL REFERENCES users (id),
  created_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX uq_organizations_external_id ON organizations (external_id);

CREATE TABLE users (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  organization_id INTEGER NOT NULL REFERENCES organizations (id),
  subject TEXT NOT NULL,
  email TEXT NOT NULL,
  name TEXT NOT NULL,
  account_type TEXT NOT NULL,
  name_key TEXT NOT NULL,
  email_key TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX uq_users_organization_subject ON users (organization_id, subject);

CREATE TABLE personal_access_tokens (
  id TEXT NOT NULL PRIMARY KEY,
  organization_id INTEGER NOT NULL REFERENCES organizations (id),
  owner_id INTEGER NOT NULL REFERENCES users (id),
  name TEXT NOT NULL,
  name_key TEXT NOT NULL,
  scopes TEXT NOT NULL,
  token_digest BLOB NOT NULL,
  hint TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  last_used_at INTEGER NULL,
  revoked_at INTEGER NULL,
  revoked_by_id INTEGER NULL REFERENCES users (id)
);
CREATE UNIQUE INDEX uq_pat_token_digest ON personal_access_tokens (token_digest);
CREATE INDEX ix_pat_org_created ON personal_access_tokens (organization_id, created_at, id);
CREATE INDEX ix_pat_org_expires ON personal_access_tokens (organization_id, expires_at, id);
CREATE INDEX ix_pat_org_last_used ON personal_access_tokens (organization_id, last_used_at, id);
CREATE INDEX ix_pat_org_name ON personal_access_tokens (organization_id, name_key, id);
CREATE INDEX ix_pat_owner_created ON personal_access_tokens (owner_id, created_at, id);

-- +goose Down
DROP TABLE personal_access_tokens;
DROP TABLE users;
DROP TABLE organizations;
