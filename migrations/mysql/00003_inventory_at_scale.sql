-- The inventory at a million tokens per organization.
--
-- 1. Each order field's index now also holds the columns every covered
--    filter reads (status, expiry, last use, owner), so a page's keyset
--    scan runs on the index alone. The list query selects a page of IDs
--    from the index in a derived table and joins the rows by primary key
--    afterwards: MariaDB picks a range scan that starts at the cursor for
--    such index-only queries, whereas with row lookups it prefers a
--    prefix-only ref plan that reads every row before the cursor.
-- 2. organizations.unrevoked_token_count is maintained in the same
--    transaction as every creation and revocation, so the unfiltered
--    totalCount is one column read instead of counting a million rows.
-- 3. organizations.max_lifespan_days_ever tells the list whether any token
--    can be capped by the current maximum lifespan (see store/keyset.go).

-- +goose Up
ALTER TABLE personal_access_tokens
  DROP INDEX ix_pat_org_created,
  DROP INDEX ix_pat_org_expires,
  DROP INDEX ix_pat_org_last_used,
  DROP INDEX ix_pat_org_name,
  ADD INDEX ix_pat_org_created (organization_id, created_at, id, revoked_at, expires_at, last_used_at, owner_id),
  ADD INDEX ix_pat_org_expires (organization_id, expires_at, id, revoked_at, created_at, last_used_at, owner_id),
  ADD INDEX ix_pat_org_last_used (organization_id, last_used_at, id, revoked_at, created_at, expires_at, owner_id),
  ADD INDEX ix_pat_org_name (organization_id, name_key, id, revoked_at, created_at, expires_at, last_used_at, owner_id);

ALTER TABLE organizations
  ADD COLUMN unrevoked_token_count BIGINT NOT NULL DEFAULT 0,
  ADD COLUMN max_lifespan_days_ever INT NOT NULL DEFAULT 90;

UPDATE organizations o SET
  unrevoked_token_count = (SELECT COUNT(*) FROM personal_access_tokens t
    WHERE t.organization_id = o.id AND t.revoked_at IS NULL),
  max_lifespan_days_ever = GREATEST(o.max_lifespan_days, 730);

-- +goose Down
ALTER TABLE organizations DROP COLUMN unrevoked_token_count, DROP COLUMN max_lifespan_days_ever;
ALTER TABLE personal_access_tokens
  DROP INDEX ix_pat_org_created,
  DROP INDEX ix_pat_org_expires,
  DROP INDEX ix_pat_org_last_used,
  DROP INDEX ix_pat_org_name,
  ADD INDEX ix_pat_org_created (organization_id, created_at, id),
  ADD INDEX ix_pat_org_expires (organization_id, expires_at, id),
  ADD INDEX ix_pat_org_last_used (organization_id, last_used_at, id),
  ADD INDEX ix_pat_org_name (organization_id, name_key, id);
