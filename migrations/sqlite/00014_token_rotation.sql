-- Rotation with lineage: see the MySQL migration of the same number.

-- +goose Up
ALTER TABLE personal_access_tokens ADD COLUMN rotated_from_id TEXT NULL;
CREATE INDEX ix_pat_rotated_from ON personal_access_tokens (rotated_from_id);

-- +goose Down
DROP INDEX ix_pat_rotated_from;
ALTER TABLE personal_access_tokens DROP COLUMN rotated_from_id;
