-- The service generates every request ID itself; the X-Request-ID a client
-- sends is kept beside it, never in its place. The application keeps only
-- 1 to 64 letters, digits, '-', '_' and '.'; the column is ASCII and
-- length-bounded as well. Adding a NULL column at the end is instant in
-- MariaDB (no copy of the audit trail), so no CHECK constraint here.

-- +goose Up
ALTER TABLE audit_events ADD COLUMN client_request_id VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NULL;

-- +goose Down
ALTER TABLE audit_events DROP COLUMN client_request_id;
