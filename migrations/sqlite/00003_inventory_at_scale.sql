-- The inventory at scale (see the MySQL migration of the same number):
-- covering order indexes, the unrevoked-token counter and the highest
-- maximum lifespan an organization ever had.

-- +goose Up
DROP INDEX ix_pat_org_created;
DROP INDEX ix_pat_org_expires;
DROP INDEX ix_pat_org_last_used;
DROP INDEX ix_pat_org_name;
CREATE INDEX ix_pat_org_created ON personal_access_tokens (organization_id, created_at, id, revoked_at, expires_at, last_used_at, owner_id);
CREATE INDEX ix_pat_org_expires ON personal_access_tokens (organization_id, expires_at, id, revoked_at, created_at, last_used_at, owner_id);
CREATE INDEX ix_pat_org_last_used ON personal_access_tokens (organization_id, last_used_at, id, revoked_at, created_at, expires_at, owner_id);
CREATE INDEX ix_pat_org_name ON personal_access_tokens (organization_id, name_key, id, revoked_at, created_at, expires_at, last_used_at, owner_id);

ALTER TABLE organizations ADD COLUMN unrevoked_token_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE organizations ADD COLUMN max_lifespan_days_ever INTEGER NOT NULL DEFAULT 90;
UPDATE organizations SET
  unrevoked_token_count = (SELECT COUNT(*) FROM personal_access_tokens t
    WHERE t.organization_id = organizations.id AND t.revoked_at IS NULL),
  max_lifespan_days_ever = MAX(max_lifespan_days, 730);

-- +goose Down
ALTER TABLE organizations DROP COLUMN max_lifespan_days_ever;
ALTER TABLE organizations DROP COLUMN unrevoked_token_count;
DROP INDEX ix_pat_org_created;
DROP INDEX ix_pat_org_expires;
DROP INDEX ix_pat_org_last_used;
DROP INDEX ix_pat_org_name;
CREATE INDEX ix_pat_org_created ON personal_access_tokens (organization_id, created_at, id);
CREATE INDEX ix_pat_org_expires ON personal_access_tokens (organization_id, expires_at, id);
CREATE INDEX ix_pat_org_last_used ON personal_access_tokens (organization_id, last_used_at, id);
CREATE INDEX ix_pat_org_name ON personal_access_tokens (organization_id, name_key, id);
