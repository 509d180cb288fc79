-- The change poll's source of revocations: see the MySQL migration.

-- +goose Up
CREATE TABLE revocation_log (
  id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
  organization_id INTEGER NOT NULL REFERENCES organizations (id),
  logged_at INTEGER NOT NULL,
  digests BLOB NOT NULL
);
CREATE INDEX ix_revocation_log_logged_at ON revocation_log (logged_at);
DROP INDEX ix_pat_revoked_at;

-- +goose Down
CREATE INDEX ix_pat_revoked_at ON personal_access_tokens (revoked_at);
DROP TABLE revocation_log;
