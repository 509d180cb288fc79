package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/oklog/ulid/v2"

	"github.com/patgov/pats/internal/entity"
)

// Credential is everything needed to decide whether a token authenticates
// and to describe it to a resource server, read in one statement.
type Credential struct {
	TokenID            string
	OrganizationID     int64
	OwnerID            int64
	Scopes             string
	CreatedAt          entity.Time
	ExpiresAt          entity.Time
	RevokedAt          *entity.Time
	RevocationSource   *entity.RevocationSource
	OwnerSubject       string
	OwnerEmail         string
	OwnerAccountType   entity.AccountType
	OrgExternalID      string
	OrgPatEnabled      bool
	OrgMaxLifespanDays int
}

// CredentialByDigest returns the credential of the token with the given
// digest, in any organization (the digest itself identifies it).
func (s *Store) CredentialByDigest(ctx context.Context, digest []byte) (*Credential, error) {
	var rows []Credential
	err := s.prepared.WithContext(ctx).Raw(`SELECT t.id AS token_id, t.organization_id, t.owner_id, t.scopes,
  t.created_at, t.expires_at, t.revoked_at, t.revocation_source, u.subject AS owner_subject, u.email AS owner_email,
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

// Changes are the facts that changed since a point in time: they tell the
// validation caches of every instance what to forget.
type Changes struct {
	// RevokedDigests are revoked tokens' digests. ChangesSince leaves it
	// empty: it lists RevocationLogIDs, whose digests RevocationDigests
	// reads.
	RevokedDigests [][]byte
	// RevocationLogIDs are the revocation log's rows logged in the window.
	RevocationLogIDs []int64
	// CreatedDigests are new tokens' digests, which a cache may hold as
	// absent.
	CreatedDigests [][]byte
	OrgIDs         []int64
	UserIDs        []int64
}

// ChangesSince returns what changed at or after since: the revocation
// log's rows (their IDs: the digests are read once per row, with
// RevocationDigests), tokens created, organization policies updated,
// users refreshed (their account type may have changed). One statement,
// on indexed columns: creations are found on the primary key, whose ULIDs
// begin with the creating instance's clock in milliseconds, so a token
// created at or after since has an ID at or above the ULID of since with
// zero entropy.
func (s *Store) ChangesSince(ctx context.Context, since entity.Time) (*Changes, error) {
	var firstID ulid.ULID
	if err := firstID.SetTime(uint64(max(since.Millis(), 0))); err != nil {
		return nil, fmt.Errorf("poll changes: %w", err)
	}
	var rows []struct {
		Kind   string
		Digest []byte
		ID     int64
	}
	err := s.db.WithContext(ctx).Raw(ChangePollMarker+` SELECT 'r' AS kind, NULL AS digest, id FROM revocation_log WHERE logged_at >= ?
UNION ALL SELECT 'c', token_digest, 0 FROM personal_access_tokens WHERE id >= ?
UNION ALL SELECT 'o', NULL, id FROM organizations WHERE settings_updated_at >= ?
UNION ALL SELECT 'u', NULL, id FROM users WHERE updated_at >= ?`, since, firstID.String(), since, since).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("poll changes: %w", err)
	}
	var c Changes
	for _, r := range rows {
		switch r.Kind {
		case "r":
			c.RevocationLogIDs = append(c.RevocationLogIDs, r.ID)
		case "c":
			c.CreatedDigests = append(c.CreatedDigests, r.Digest)
		case "o":
			c.OrgIDs = append(c.OrgIDs, r.ID)
		case "u":
			c.UserIDs = append(c.UserIDs, r.ID)
		}
	}
	return &c, nil
}

// RecordUses writes the last use of several tokens in one statement
// (uses maps token ID to the time of its latest use). The condition keeps
// racing instances from moving last_used_at backwards. Callers bound the
// batch size and how often a token is written.
func (s *Store) RecordUses(ctx context.Context, uses map[string]entity.Time) error {
	if len(uses) == 0 {
		return nil
	}
	var (
		cases strings.Builder
		args  []any
		ids   []string
	)
	for id, at := range uses {
		cases.WriteString(" WHEN ? THEN ?")
		args = append(args, id, at)
		ids = append(ids, id)
	}
	newValue := "CASE id" + cases.String() + " END"
	query := "UPDATE personal_access_tokens SET last_used_at = " + newValue +
		" WHERE id IN ? AND (last_used_at IS NULL OR last_used_at < " + newValue + ")"
	all := append(append(append([]any{}, args...), ids), args...)
	if err := s.db.WithContext(ctx).Exec(query, all...).Error; err != nil {
		return fmt.Errorf("record uses: %w", err)
	}
	return nil
}
