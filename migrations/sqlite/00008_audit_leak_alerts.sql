-- Where a secret scanner found a token, kept on the audit event of the
-- revocation its alert caused (see the MySQL migration).

-- +goose Up
ALTER TABLE audit_events ADD COLUMN alert_url TEXT NULL;
ALTER TABLE audit_events ADD COLUMN alert_source TEXT NULL;

-- +goose Down
ALTER TABLE audit_events DROP COLUMN alert_url;
ALTER TABLE audit_events DROP COLUMN alert_source;
