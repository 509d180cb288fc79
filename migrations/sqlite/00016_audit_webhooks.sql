-- Webhook endpoint changes are audited: see the MySQL migration of the
-- same number.

-- +goose Up
ALTER TABLE audit_events ADD COLUMN webhook_endpoint_id TEXT NULL;
ALTER TABLE audit_events ADD COLUMN webhook_url TEXT NULL;

-- +goose Down
ALTER TABLE audit_events DROP COLUMN webhook_url;
ALTER TABLE audit_events DROP COLUMN webhook_endpoint_id;
