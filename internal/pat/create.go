package pat

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/oklog/ulid/v2"

	"github.com/patgov/pats/internal/apperr"
	"github.com/patgov/pats/internal/auth"
	"github.com/patgov/pats/internal/entity"
	"github.com/patgov/pats/pattoken"
)

// CreateRequest asks for a new token for the caller.
type CreateRequest struct {
	Name   string
	Scopes []string
	// ExpiresAt defaults to now plus the maximum lifespan.
	ExpiresAt *entity.Time
}

// Created is a new token and its secret, which exists only here.
type Created struct {
	Secret string
	Token  *entity.PersonalAccessToken
}

// CreateToken creates a token owned by the caller. Only local accounts may,
// only while the organization allows tokens, within the maximum lifespan
// and the per-user quota of active tokens.
func (s *Service) CreateToken(ctx context.Context, p *auth.Principal, req CreateRequest) (*Created, error) {
	if p.User.AccountType != entity.AccountTypeLocal {
		return nil, apperr.New(apperr.LocalAccountRequired, "only users with a local account may create personal access tokens")
	}
	name, err := validName(req.Name)
	if err != nil {
		return nil, err
	}
	scopes, err := s.validScopes(req.Scopes)
	if err != nil {
		return nil, err
	}
	secret, err := pattoken.Generate()
	if err != nil {
		return nil, fmt.Errorf("create token: %w", err)
	}
	now := s.clock()
	tok, org, err := s.store.CreateToken(ctx, p.Org.ID, p.User.ID, now,
		func(org *entity.Organization, active int64) (*entity.PersonalAccessToken, *entity.AuditEvent, error) {
			if !org.PatEnabled {
				return nil, nil, apperr.New(apperr.PatDisabled, "personal access tokens are disabled for this organization")
			}
			expiresAt, err := validExpiry(req.ExpiresAt, now, org.MaxLifespanDays)
			if err != nil {
				return nil, nil, err
			}
			if active >= MaxActiveTokensPerUser {
				return nil, nil, apperr.New(apperr.QuotaExceeded, "a user may hold at most %d active personal access tokens", MaxActiveTokensPerUser).
					With("limit", MaxActiveTokensPerUser)
			}
			tok := &entity.PersonalAccessToken{
				ID: ulid.Make().String(), OrganizationID: org.ID, OwnerID: p.User.ID,
				Name: name, NameKey: strings.ToLower(name), Scopes: entity.JoinScopes(scopes),
				TokenDigest: secret.Digest[:], Hint: secret.Hint,
				CreatedAt: now, ExpiresAt: expiresAt,
			}
			event := withToken(newAuditEvent(ctx, p, entity.AuditTokenCreated, now), tok,
				EffectiveExpiry(now, expiresAt, org.MaxLifespanDays))
			return tok, event, nil
		})
	s.validator.created(secret.Digest)
	if err != nil {
		return nil, err
	}
	deriveStatus(org, now, tok)
	return &Created{Secret: secret.Value, Token: tok}, nil
}

// validName trims name and checks its length and characters.
//
// A token's name is shown to admins beside other people's tokens and in the
// audit trail, so it may not hide or reorder its own text: every control
// character (Unicode category Cc) and format character (Cf) is refused.
// That covers the zero-width characters (U+200B-U+200D, U+2060, U+FEFF),
// the bidirectional marks, embeddings, overrides and isolates (U+200E,
// U+200F, U+061C, U+202A-U+202E, U+2066-U+2069), the soft hyphen and the
// tag characters; emoji joined with U+200D are refused with them. The
// error names the first such character's code point and its position (in
// characters from 1, after trimming), which are safe to echo.
func validName(name string) (string, error) {
	name = strings.TrimSpace(name)
	if n := utf8.RuneCountInString(name); n < 1 || n > MaxNameLength {
		return "", apperr.New(apperr.BadUserInput, "name must be 1 to %d characters after trimming", MaxNameLength).With("field", "name")
	}
	if !utf8.ValidString(name) {
		return "", apperr.New(apperr.BadUserInput, "name must be valid UTF-8").With("field", "name")
	}
	position := 0
	for _, r := range name {
		position++
		if invisible(r) {
			return "", apperr.New(apperr.BadUserInput,
				"name must not contain control, invisible or bidirectional formatting characters (%U at position %d)", r, position).
				With("field", "name").With("character", fmt.Sprintf("%U", r)).With("position", position)
		}
	}
	return name, nil
}

// invisible reports whether r is a control (Cc) or format (Cf) character.
func invisible(r rune) bool {
	return unicode.In(r, unicode.Cc, unicode.Cf)
}

// validScopes checks that scopes is non-empty and every scope is known, and
// returns them sorted and de-duplicated.
func (s *Service) validScopes(scopes []string) ([]string, error) {
	if len(scopes) == 0 {
		return nil, apperr.New(apperr.BadUserInput, "at least one scope is required").With("field", "scopes")
	}
	out := make([]string, 0, len(scopes))
	for _, sc := range scopes {
		if !s.known[sc] {
			return nil, apperr.New(apperr.BadUserInput, "unknown scope %q", truncate(sc, 100)).
				With("field", "scopes").With("scope", truncate(sc, 100))
		}
		out = append(out, sc)
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// validExpiry returns the requested expiry, or the default, after checking
// it lies in (now, now + max lifespan].
func validExpiry(requested *entity.Time, now entity.Time, maxDays int) (entity.Time, error) {
	latest := LatestAllowedExpiry(now, maxDays)
	if requested == nil {
		return latest, nil
	}
	// Compared at the storage precision (milliseconds), so that an expiry
	// within the current millisecond is refused rather than stored equal
	// to the creation time.
	expiry := entity.TimeOf(requested.Time)
	if !expiry.After(now.Time) || expiry.After(latest.Time) {
		return entity.Time{}, apperr.New(apperr.BadUserInput,
			"expiresAt must be in the future and no later than %s (the maximum lifespan is %d days)", latest, maxDays).
			With("field", "expiresAt").With("latestAllowed", latest.String())
	}
	return expiry, nil
}

// truncate shortens s to at most n runes for echoing in a message.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}
