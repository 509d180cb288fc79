-- Expiry notices: see the MySQL migration of the same number.

-- +goose Up
ALTER TABLE personal_access_tokens ADD COLUMN expiry_notice_for INTEGER NULL;
ALTER TABLE personal_access_tokens ADD COLUMN expiry_notice_stage INTEGER NULL;

-- +goose Down
ALTER TABLE personal_access_tokens DROP COLUMN expiry_notice_stage;
ALTER TABLE personal_access_tokens DROP COLUMN expiry_notice_for;
