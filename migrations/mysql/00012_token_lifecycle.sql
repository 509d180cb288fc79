-- The token lifecycle that runs itself (issue 11): the stale-token policy,
-- the notification outbox and the leases of the background workers.
--
-- organizations.revoke_unused_after_days: 0 = off, else 7..730; a token
-- unused (or, never used, since its creation) for longer is revoked by the
-- sweeper (source UNUSED). The audit trail records its old and new value.
--
-- personal_access_tokens.stale_warned_basis: the inactivity basis (last
-- use, or creation if never used) for which the owner was last warned that
-- the token will be revoked as unused; a use since moves the basis, so the
-- next inactivity period warns again. NULL: never warned.
--
-- outbox_events: every change that notifies (token created, revoked,
-- settings updated; and the sweeper's and lifecycle worker's events) is
-- inserted in the same transaction as the change. dispatched_at is set
-- once the event has been turned into deliveries; pending events are read
-- through ix_outbox_pending (dispatched_at IS NULL, oldest first). The
-- event's content is its audit event's (audit_event_id) or, for events
-- that are not changes (warnings), the payload JSON. id is the event's
-- ULID, also the webhook-id of its deliveries.
--
-- worker_leases: one row per singleton background worker (the stale-token
-- sweeper): the instance that holds an unexpired lease runs it; a crashed
-- holder's lease expires and another instance takes it over.

-- +goose Up
ALTER TABLE organizations ADD COLUMN revoke_unused_after_days INT NOT NULL DEFAULT 0;
ALTER TABLE audit_events
  ADD COLUMN previous_revoke_unused_after_days INT NULL,
  ADD COLUMN revoke_unused_after_days INT NULL;
ALTER TABLE personal_access_tokens ADD COLUMN stale_warned_basis BIGINT NULL;
CREATE TABLE outbox_events (
  id VARBINARY(26) NOT NULL,
  organization_id BIGINT NOT NULL,
  event_type VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  occurred_at BIGINT NOT NULL,
  audit_event_id VARBINARY(26) NULL,
  token_id VARBINARY(26) NULL,
  payload MEDIUMTEXT NULL,
  dispatched_at BIGINT NULL,
  PRIMARY KEY (id),
  KEY ix_outbox_pending (dispatched_at, id),
  CONSTRAINT fk_outbox_organization FOREIGN KEY (organization_id) REFERENCES organizations (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
CREATE TABLE worker_leases (
  name VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  owner VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL DEFAULT '',
  lease_until BIGINT NOT NULL DEFAULT 0,
  -- Incremented by every take and renewal, so that each changes the row:
  -- MySQL counts changed rows, and a renewal within the same millisecond
  -- would otherwise look like a lost lease.
  generation BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE worker_leases;
DROP TABLE outbox_events;
ALTER TABLE personal_access_tokens DROP COLUMN stale_warned_basis;
ALTER TABLE audit_events
  DROP COLUMN previous_revoke_unused_after_days,
  DROP COLUMN revoke_unused_after_days;
ALTER TABLE organizations DROP COLUMN revoke_unused_after_days;
