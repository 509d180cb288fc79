-- Webhook endpoint changes are audited (issue 11): an endpoint receives
-- the organization's token events, so adding one, changing where it
-- points or what it receives, rotating its secret and deleting it are
-- recorded like token changes, with the endpoint's ID and URL as they
-- were after the change (before it, for a deletion).

-- +goose Up
ALTER TABLE audit_events
  ADD COLUMN webhook_endpoint_id VARBINARY(26) NULL,
  ADD COLUMN webhook_url VARCHAR(2048) NULL;

-- +goose Down
ALTER TABLE audit_events DROP COLUMN webhook_endpoint_id, DROP COLUMN webhook_url;
