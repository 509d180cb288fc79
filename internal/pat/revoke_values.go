package pat

import (
	"context"

	"github.com/patgov/pats/internal/apperr"
	"github.com/patgov/pats/internal/auth"
	"github.com/patgov/pats/internal/entity"
	"github.com/patgov/pats/internal/store"
	"github.com/patgov/pats/pattoken"
)

// ValueResult is what a batch revocation by value did with one value.
type ValueResult struct {
	Outcome Outcome
	// Token is the token as it now stands; nil for OutcomeNotFound.
	Token *entity.PersonalAccessToken
}

// RevokedByValues is the result of a batch revocation by value.
type RevokedByValues struct {
	// Count is how many tokens this call revoked.
	Count int
	// Results holds one result per value, in the order of the values.
	Results []ValueResult
}

// RevokeTokensByValue revokes the organization's tokens whose secrets are
// among values, e.g. every token a leaked log holds (admins only). Each
// value is cleaned as by RevokeTokenByValue. Values that name no token of
// the organization (malformed, unknown, another organization's) are all
// OutcomeNotFound, alike; a repeated value is OutcomeAlreadyRevoked after
// its first occurrence. Every value counts against the by-value rate
// limit. One transaction, a fixed number of statements; none at all when
// no value is well-formed. No value is kept, logged or returned.
func (s *Service) RevokeTokensByValue(ctx context.Context, p *auth.Principal, values []string) (*RevokedByValues, error) {
	if !p.IsAdmin() {
		return nil, errForbiddenAdmin()
	}
	if len(values) < 1 || len(values) > MaxRevokeValues {
		return nil, apperr.New(apperr.BadUserInput, "tokens must hold between 1 and %d values", MaxRevokeValues).With("field", "tokens")
	}
	if err := s.allowByValue(p, len(values)); err != nil {
		return nil, err
	}
	slot, digests := distinctDigests(values, CleanTokenValue)
	out := &RevokedByValues{Results: make([]ValueResult, len(values))}
	for i := range out.Results {
		out.Results[i].Outcome = OutcomeNotFound
	}
	if len(digests) == 0 {
		return out, nil
	}
	now := s.clock()
	var revokedNow map[string]bool
	found, count, err := s.store.RevokeByDigests(ctx, p.Org.ID, digests, p.User.ID, now,
		func(unrevoked []*entity.PersonalAccessToken) []*entity.AuditEvent {
			// Called again if the transaction is retried: start afresh.
			revokedNow = make(map[string]bool, len(unrevoked))
			events := make([]*entity.AuditEvent, len(unrevoked))
			for i, t := range unrevoked {
				revokedNow[t.ID] = true
				events[i] = revocationEvent(ctx, p, now, t, entity.RevokedByValue)
			}
			return events
		})
	if err != nil {
		return nil, err
	}
	deriveStatus(p.Org, now, found...)
	byDigest := make(map[string]*entity.PersonalAccessToken, len(found))
	changed := store.Changes{}
	for _, t := range found {
		byDigest[string(t.TokenDigest)] = t
		changed.RevokedDigests = append(changed.RevokedDigests, t.TokenDigest)
	}
	s.validator.invalidate(changed)
	answered := make([]bool, len(digests))
	for i, n := range slot {
		if n < 0 {
			continue
		}
		t := byDigest[string(digests[n])]
		if t == nil {
			continue
		}
		out.Results[i] = ValueResult{Outcome: OutcomeAlreadyRevoked, Token: t}
		if !answered[n] && revokedNow[t.ID] {
			out.Results[i].Outcome = OutcomeRevoked
		}
		answered[n] = true
	}
	out.Count = int(count)
	return out, nil
}

// distinctDigests parses each value, cleaned by clean, as a token: slot[i]
// is the position of value i's digest in digests (-1: not a well-formed
// token), and digests holds each distinct digest once, in first-seen
// order.
func distinctDigests(values []string, clean func(string) string) (slot []int, digests [][]byte) {
	slot = make([]int, len(values))
	first := make(map[[32]byte]int, len(values))
	for i, v := range values {
		d, err := pattoken.Parse(clean(v))
		if err != nil {
			slot[i] = -1
			continue
		}
		n, seen := first[d]
		if !seen {
			n = len(digests)
			first[d] = n
			digests = append(digests, d[:])
		}
		slot[i] = n
	}
	return slot, digests
}
