-- The admins' user list (Query.users) pages by lower-cased name, then
-- subject, within an organization.

-- +goose Up
CREATE INDEX ix_users_org_name ON users (organization_id, name_key, subject);

-- +goose Down
DROP INDEX ix_users_org_name;
