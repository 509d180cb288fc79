-- Indexes for the validation cache's change poll (store.ChangesSince):
-- every instance asks several times a second what was revoked, which
-- policies changed and which users were refreshed since a recent instant.

-- +goose Up
CREATE INDEX ix_pat_revoked_at ON personal_access_tokens (revoked_at);
CREATE INDEX ix_organizations_settings_updated_at ON organizations (settings_updated_at);
CREATE INDEX ix_users_updated_at ON users (updated_at);

-- +goose Down
DROP INDEX ix_users_updated_at ON users;
DROP INDEX ix_organizations_settings_updated_at ON organizations;
DROP INDEX ix_pat_revoked_at ON personal_access_tokens;
