-- The audit trail: one row per change (token created, token revoked,
-- settings updated), inserted in the same transaction as the change.
-- Triggers make the table append-only: an UPDATE or DELETE fails, whoever
-- issues it. (With binary logging on, creating triggers needs the SUPER
-- privilege or log_bin_trust_function_creators=1; see docs/OPERATIONS.md.)
--
-- personal_access_tokens.revocation_source says how a token was revoked.
-- Tokens revoked before this migration get OWNER or ADMIN from who revoked
-- them; a revocation by value cannot be told apart from an admin's.

-- +goose Up
CREATE TABLE audit_events (
  id VARBINARY(26) NOT NULL,
  organization_id BIGINT NOT NULL,
  action VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  occurred_at BIGINT NOT NULL,
  actor_id BIGINT NOT NULL,
  token_id VARBINARY(26) NULL,
  token_owner_id BIGINT NULL,
  token_name VARCHAR(100) NULL,
  token_scopes VARBINARY(10240) NULL,
  token_expires_at BIGINT NULL,
  token_hint VARCHAR(32) NULL,
  revocation_source VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin NULL,
  previous_enabled BOOLEAN NULL,
  enabled BOOLEAN NULL,
  previous_max_lifespan_days INT NULL,
  max_lifespan_days INT NULL,
  request_id VARCHAR(64) NOT NULL,
  client_ip VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  user_agent VARCHAR(512) NOT NULL,
  PRIMARY KEY (id),
  -- Newest first, optionally within a time range; and the same per
  -- token, actor and action filter.
  KEY ix_audit_org_time (organization_id, occurred_at, id),
  KEY ix_audit_org_token (organization_id, token_id, occurred_at, id),
  KEY ix_audit_org_actor (organization_id, actor_id, occurred_at, id),
  KEY ix_audit_org_action (organization_id, action, occurred_at, id),
  CONSTRAINT fk_audit_organization FOREIGN KEY (organization_id) REFERENCES organizations (id),
  CONSTRAINT fk_audit_actor FOREIGN KEY (actor_id) REFERENCES users (id),
  CONSTRAINT fk_audit_token_owner FOREIGN KEY (token_owner_id) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose StatementBegin
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events FOR EACH ROW
  SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_events is append-only';
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events FOR EACH ROW
  SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_events is append-only';
-- +goose StatementEnd

ALTER TABLE personal_access_tokens
  ADD COLUMN revocation_source VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin NULL;
UPDATE personal_access_tokens
  SET revocation_source = CASE WHEN revoked_by_id = owner_id THEN 'OWNER' ELSE 'ADMIN' END
  WHERE revoked_at IS NOT NULL;

-- +goose Down
ALTER TABLE personal_access_tokens DROP COLUMN revocation_source;
DROP TABLE audit_events;
