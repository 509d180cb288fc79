-- Webhooks (issue 11): each organization's endpoints and the deliveries
-- of its outbox events to them (and, later, e-mail to token owners: the
-- channel column).
--
-- webhook_endpoints.secret_ciphertext is the endpoint's signing secret
-- (whsec_...) sealed with AES-256-GCM under a key derived from the
-- service's master key: it is needed to sign, so it cannot be a digest,
-- and it is never stored in the clear. After rotateWebhookSecret the
-- previous secret keeps signing beside the new one until
-- previous_secret_expires_at (the Standard Webhooks rotation: receivers
-- accept either). status is ACTIVE or FAILING (a delivery gave up).
--
-- deliveries: one row per event and endpoint (or recipient), the unit of
-- retrying. The body is frozen at dispatch. Workers claim due rows
-- (state PENDING, next_attempt_at reached, lease expired) with a lease,
-- so no delivery is sent by two instances at once; ix_delivery_due serves
-- the claim, ix_delivery_endpoint the admins' list.

-- +goose Up
CREATE TABLE webhook_endpoints (
  id VARBINARY(26) NOT NULL,
  organization_id BIGINT NOT NULL,
  url VARCHAR(2048) NOT NULL,
  event_types VARCHAR(512) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  secret_ciphertext VARBINARY(256) NOT NULL,
  previous_secret_ciphertext VARBINARY(256) NOT NULL DEFAULT '',
  previous_secret_expires_at BIGINT NULL,
  status VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  failing_since BIGINT NULL,
  last_success_at BIGINT NULL,
  created_at BIGINT NOT NULL,
  created_by_id BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (id),
  KEY ix_webhook_org (organization_id, created_at, id),
  CONSTRAINT fk_webhook_organization FOREIGN KEY (organization_id) REFERENCES organizations (id),
  CONSTRAINT fk_webhook_creator FOREIGN KEY (created_by_id) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
CREATE TABLE deliveries (
  id VARBINARY(26) NOT NULL,
  organization_id BIGINT NOT NULL,
  channel VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  endpoint_id VARBINARY(26) NULL,
  recipient_user_id BIGINT NULL,
  event_id VARBINARY(26) NOT NULL,
  event_type VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  body MEDIUMTEXT NOT NULL,
  test BOOLEAN NOT NULL DEFAULT FALSE,
  state VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  attempts INT NOT NULL DEFAULT 0,
  next_attempt_at BIGINT NOT NULL,
  last_status_code INT NULL,
  last_error VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NULL,
  last_duration_ms INT NULL,
  lease_owner VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL DEFAULT '',
  lease_until BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  finished_at BIGINT NULL,
  PRIMARY KEY (id),
  KEY ix_delivery_due (state, next_attempt_at, id),
  KEY ix_delivery_endpoint (organization_id, endpoint_id, created_at, id),
  CONSTRAINT fk_delivery_organization FOREIGN KEY (organization_id) REFERENCES organizations (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE deliveries;
DROP TABLE webhook_endpoints;
