-- An export of the token inventory is audited: who downloaded which
-- tokens (the format, and the normalized filter and order as JSON).
-- Adding NULL columns at the end is instant in MariaDB.

-- +goose Up
ALTER TABLE audit_events
  ADD COLUMN export_format VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin NULL,
  ADD COLUMN export_filter TEXT NULL;

-- +goose Down
ALTER TABLE audit_events DROP COLUMN export_format, DROP COLUMN export_filter;
