-- Rotation with lineage (issue 11): a token issued by
-- rotatePersonalAccessToken names the token it replaced. The replaced one
-- is revoked in the same transaction (source ROTATED); presenting it later
-- is reuse, which revokes every active token descended from it (source
-- REUSE_DETECTED). ix_pat_rotated_from finds a token's successor (its
-- rotatedTo, and the lineage walk of reuse detection).

-- +goose Up
ALTER TABLE personal_access_tokens ADD COLUMN rotated_from_id VARBINARY(26) NULL,
  ADD INDEX ix_pat_rotated_from (rotated_from_id);

-- +goose Down
ALTER TABLE personal_access_tokens DROP INDEX ix_pat_rotated_from, DROP COLUMN rotated_from_id;
