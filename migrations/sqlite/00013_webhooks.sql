-- Webhooks: see the MySQL migration of the same number.

-- +goose Up
CREATE TABLE webhook_endpoints (
  id TEXT NOT NULL PRIMARY KEY,
  organization_id INTEGER NOT NULL REFERENCES organizations (id),
  url TEXT NOT NULL,
  event_types TEXT NOT NULL,
  secret_ciphertext BLOB NOT NULL,
  previous_secret_ciphertext BLOB NOT NULL DEFAULT x'',
  previous_secret_expires_at INTEGER NULL,
  status TEXT NOT NULL,
  failing_since INTEGER NULL,
  last_success_at INTEGER NULL,
  created_at INTEGER NOT NULL,
  created_by_id INTEGER NOT NULL REFERENCES users (id),
  updated_at INTEGER NOT NULL
);
CREATE INDEX ix_webhook_org ON webhook_endpoints (organization_id, created_at, id);
CREATE TABLE deliveries (
  id TEXT NOT NULL PRIMARY KEY,
  organization_id INTEGER NOT NULL REFERENCES organizations (id),
  channel TEXT NOT NULL,
  endpoint_id TEXT NULL,
  recipient_user_id INTEGER NULL,
  event_id TEXT NOT NULL,
  event_type TEXT NOT NULL,
  body TEXT NOT NULL,
  test INTEGER NOT NULL DEFAULT 0,
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  last_status_code INTEGER NULL,
  last_error TEXT NULL,
  last_duration_ms INTEGER NULL,
  lease_owner TEXT NOT NULL DEFAULT '',
  lease_until INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  finished_at INTEGER NULL
);
CREATE INDEX ix_delivery_due ON deliveries (state, next_attempt_at, id);
CREATE INDEX ix_delivery_endpoint ON deliveries (organization_id, endpoint_id, created_at, id);

-- +goose Down
DROP TABLE deliveries;
DROP TABLE webhook_endpoints;
