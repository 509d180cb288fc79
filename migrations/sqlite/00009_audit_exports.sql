-- An export of the token inventory is audited (see the MySQL migration).

-- +goose Up
ALTER TABLE audit_events ADD COLUMN export_format TEXT NULL;
ALTER TABLE audit_events ADD COLUMN export_filter TEXT NULL;

-- +goose Down
ALTER TABLE audit_events DROP COLUMN export_format;
ALTER TABLE audit_events DROP COLUMN export_filter;
