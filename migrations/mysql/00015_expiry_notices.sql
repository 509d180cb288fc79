-- Expiry notices (issue 11): token.expiring 7 days and 1 day before a
-- token's effective expiry, token.expired once it passed, each once.
-- expiry_notice_for is the effective expiry the last notice was about and
-- expiry_notice_stage how close it was (7, 1, or 0 for expired): a
-- lowered lifespan that brings the expiry forward changes the effective
-- expiry, so the token is noticed again for the new date.

-- +goose Up
ALTER TABLE personal_access_tokens
  ADD COLUMN expiry_notice_for BIGINT NULL,
  ADD COLUMN expiry_notice_stage INT NULL;

-- +goose Down
ALTER TABLE personal_access_tokens DROP COLUMN expiry_notice_for, DROP COLUMN expiry_notice_stage;
