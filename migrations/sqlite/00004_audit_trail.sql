-- The audit trail (see the MySQL migration of the same number): one row per
-- change, inserted in the same transaction; triggers make it append-only.

-- +goose Up
CREATE TABLE audit_events (
  id TEXT NOT NULL PRIMARY KEY,
  organization_id INTEGER NOT NULL REFERENCES organizations (id),
  action TEXT NOT NULL,
  occurred_at INTEGER NOT NULL,
  actor_id INTEGER NOT NULL REFERENCES users (id),
  token_id TEXT NULL,
  token_owner_id INTEGER NULL REFERENCES users (id),
  token_name TEXT NULL,
  token_scopes TEXT NULL,
  token_expires_at INTEGER NULL,
  token_hint TEXT NULL,
  revocation_source TEXT NULL,
  previous_enabled INTEGER NULL,
  enabled INTEGER NULL,
  previous_max_lifespan_days INTEGER NULL,
  max_lifespan_days INTEGER NULL,
  request_id TEXT NOT NULL,
  client_ip TEXT NOT NULL,
  user_agent TEXT NOT NULL
);
CREATE INDEX ix_audit_org_time ON audit_events (organization_id, occurred_at, id);
CREATE INDEX ix_audit_org_token ON audit_events (organization_id, token_id, occurred_at, id);
CREATE INDEX ix_audit_org_actor ON audit_events (organization_id, actor_id, occurred_at, id);
CREATE INDEX ix_audit_org_action ON audit_events (organization_id, action, occurred_at, id);

-- +goose StatementBegin
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
  SELECT RAISE(ABORT, 'audit_events is append-only');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
  SELECT RAISE(ABORT, 'audit_events is append-only');
END;
-- +goose StatementEnd

ALTER TABLE personal_access_tokens ADD COLUMN revocation_source TEXT NULL;
UPDATE personal_access_tokens
  SET revocation_source = CASE WHEN revoked_by_id = owner_id THEN 'OWNER' ELSE 'ADMIN' END
  WHERE revoked_at IS NOT NULL;

-- +goose Down
ALTER TABLE personal_access_tokens DROP COLUMN revocation_source;
DROP TABLE audit_events;
