-- Indexes for the validation cache's change poll (store.ChangesSince).

-- +goose Up
CREATE INDEX ix_pat_revoked_at ON personal_access_tokens (revoked_at);
CREATE INDEX ix_organizations_settings_updated_at ON organizations (settings_updated_at);
CREATE INDEX ix_users_updated_at ON users (updated_at);

-- +goose Down
DROP INDEX ix_users_updated_at;
DROP INDEX ix_organizations_settings_updated_at;
DROP INDEX ix_pat_revoked_at;
