-- The token lifecycle that runs itself: see the MySQL migration of the
-- same number.

-- +goose Up
ALTER TABLE organizations ADD COLUMN revoke_unused_after_days INTEGER NOT NULL DEFAULT 0;
ALTER TABLE audit_events ADD COLUMN previous_revoke_unused_after_days INTEGER NULL;
ALTER TABLE audit_events ADD COLUMN revoke_unused_after_days INTEGER NULL;
ALTER TABLE personal_access_tokens ADD COLUMN stale_warned_basis INTEGER NULL;
CREATE TABLE outbox_events (
  id TEXT NOT NULL PRIMARY KEY,
  organization_id INTEGER NOT NULL REFERENCES organizations (id),
  event_type TEXT NOT NULL,
  occurred_at INTEGER NOT NULL,
  audit_event_id TEXT NULL,
  token_id TEXT NULL,
  payload TEXT NULL,
  dispatched_at INTEGER NULL
);
CREATE INDEX ix_outbox_pending ON outbox_events (dispatched_at, id);
CREATE TABLE worker_leases (
  name TEXT NOT NULL PRIMARY KEY,
  owner TEXT NOT NULL DEFAULT '',
  lease_until INTEGER NOT NULL DEFAULT 0,
  generation INTEGER NOT NULL DEFAULT 0
);

-- +goose Down
DROP TABLE worker_leases;
DROP TABLE outbox_events;
ALTER TABLE personal_access_tokens DROP COLUMN stale_warned_basis;
ALTER TABLE audit_events DROP COLUMN previous_revoke_unused_after_days;
ALTER TABLE audit_events DROP COLUMN revoke_unused_after_days;
ALTER TABLE organizations DROP COLUMN revoke_unused_after_days;
