package store

import (
	"context"
	"fmt"

	"github.com/patgov/pats/model"
)

// Credential is everything needed to decide whether a token authenticates
// and to describe it to a resource server, read in one statement.
type Credential struct {
	TokenID            string
	Scopes             string
	CreatedAt          model.Time
	ExpiresAt          model.Time
	LastUsedAt         *model.Time
	RevokedAt          *model.Time
	OwnerSubject       string
	OwnerEmail         string
	OwnerAccountType   model.AccountType
	OrgExternalID      string
	OrgPatEnabled      bool
	OrgMaxLifespanDays int
}

// CredentialByDigest returns the credential of the token with the given
// digest, in any organization (the digest itself identifies it).
func (s *Store) CredentialByDigest(ctx context.Context, digest []byte) (*Credential, error) {
	var rows []Credential
	err := s.db.WithContext(ctx).Raw(`SELECT t.id AS token_id, t.scopes, t.created_at, t.expires_at,
  t.last_used_at, t.revoked_at, u.subject AS owner_subject, u.email AS owner_email,
  u.account_type AS owner_account_type, o.external_id AS org_external_id,
  o.pat_enabled AS org_pat_enabled, o.max_lifespan_days AS org_max_lifespan_days
FROM personal_access_tokens t
JOIN users u ON u.id = t.owner_id
JOIN organizations o ON o.id = t.organization_id
WHERE t.token_digest = ?`, digest).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("find credential: %w", err)
	}
	if len(rows) == 0 {
		return nil, ErrNotFound
	}
	return &rows[0], nil
}

// TouchLastUsed records a use of the token at now, unless one was recorded
// within the last minute. The condition also keeps racing writers from
// moving last_used_at backwards.
func (s *Store) TouchLastUsed(ctx context.Context, tokenID string, now model.Time) error {
	err := s.db.WithContext(ctx).Exec(`UPDATE personal_access_tokens SET last_used_at = ?
WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)`,
		now, tokenID, now.Millis()-60_000).Error
	if err != nil {
		return fmt.Errorf("touch last used: %w", err)
	}
	return nil
}
