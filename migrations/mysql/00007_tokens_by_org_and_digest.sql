-- Revocation by value looks a digest up within the caller's organization.
-- Through the global digest index a value of another organization's token
-- would find, and under FOR UPDATE lock, that organization's row: a
-- cross-tenant lock, and a read an unknown value does not cost. Within
-- this index both are the same miss in the caller's own range (the store
-- forces it). Built online: InnoDB adds a secondary index without blocking
-- writes.

-- +goose Up
ALTER TABLE personal_access_tokens ADD UNIQUE INDEX uq_pat_org_digest (organization_id, token_digest), ALGORITHM=INPLACE, LOCK=NONE;

-- +goose Down
ALTER TABLE personal_access_tokens DROP INDEX uq_pat_org_digest;
