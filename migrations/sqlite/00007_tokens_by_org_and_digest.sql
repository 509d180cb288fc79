-- Revocation by value looks a digest up within the caller's organization,
-- so that another organization's token and an unknown value are the same
-- miss in the caller's own range (see the MySQL migration; the store
-- forces this index).

-- +goose Up
CREATE UNIQUE INDEX uq_pat_org_digest ON personal_access_tokens (organization_id, token_digest);

-- +goose Down
DROP INDEX uq_pat_org_digest;
