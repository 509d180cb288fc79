-- A secret scanner's alert says where it found a token (a URL) and what
-- kind of place that is (content, commit, pull request, ...): kept on the
-- audit event of the revocation it caused. Adding NULL columns at the end
-- is instant in MariaDB (no copy of the audit trail).

-- +goose Up
ALTER TABLE audit_events
  ADD COLUMN alert_url VARCHAR(2048) NULL,
  ADD COLUMN alert_source VARCHAR(64) NULL;

-- +goose Down
ALTER TABLE audit_events DROP COLUMN alert_url, DROP COLUMN alert_source;
