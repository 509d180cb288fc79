-- The admins' user list (Query.users) pages by lower-cased name, then
-- subject, within an organization.

-- +goose Up
ALTER TABLE users ADD INDEX ix_users_org_name (organization_id, name_key, subject);

-- +goose Down
ALTER TABLE users DROP INDEX ix_users_org_name;
