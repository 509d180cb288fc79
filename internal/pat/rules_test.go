package pat_test

// The token rules, tested on the domain itself over a real SQLite store:
// no HTTP, no GraphQL. Each test names the rule it pins; the end-to-end
// suites (e2e/) prove the same rules through the API on both dialects.

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/patgov/pats/internal/apperr"
	"github.com/patgov/pats/internal/auth"
	"github.com/patgov/pats/internal/database"
	"github.com/patgov/pats/internal/entity"
	"github.com/patgov/pats/internal/pat"
	"github.com/patgov/pats/internal/store"
)

// rules is a domain service over a fresh SQLite database, with a clock the
// test moves.
type rules struct {
	svc   *pat.Service
	val   *pat.Validator
	store pat.Store
	clock *clock
}

// clock is a settable time source.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

func (c *clock) Advance(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.now = c.now.Add(d) }

// revokeByValuePerMinute is the by-value limit of the rules' service.
const revokeByValuePerMinute = 3

func newRules(t *testing.T) *rules {
	t.Helper()
	return newRulesOver(t, func(s pat.Store) pat.Store { return s })
}

// newRulesOver builds the service over wrap(the SQLite store), so a test
// can interpose on the store the domain declares.
func newRulesOver(t *testing.T, wrap func(pat.Store) pat.Store) *rules {
	t.Helper()
	db, err := database.Open(context.Background(), "sqlite:"+filepath.Join(t.TempDir(), "pats.db"))
	if err != nil {
		t.Fatalf("open database: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	st := store.New(db.DB, db.Dialect)
	c := &clock{now: time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)}
	val := pat.NewValidator(st, pat.ValidatorConfig{Now: c.Now})
	svc, err := pat.NewService(wrap(st), val, pat.Config{
		Scopes: []string{"read", "write"}, CursorKey: bytes.Repeat([]byte("k"), 32), PreviewKey: bytes.Repeat([]byte("p"), 32), Now: c.Now, RevokeByValuePerMinute: revokeByValuePerMinute,
		Webhooks: pat.WebhookConfig{Key: bytes.Repeat([]byte("w"), 32)},
	})
	if err != nil {
		t.Fatalf("new service: %v", err)
	}
	return &rules{svc: svc, val: val, store: st, clock: c}
}

// signIn provisions and returns the caller org/sub with the given role and
// account type, as a session token claiming them would.
func (r *rules) signIn(t *testing.T, org, sub string, role auth.Role, account entity.AccountType) *auth.Principal {
	t.Helper()
	p, err := r.svc.Provision(context.Background(), &auth.Claims{
		RegisteredClaims: jwt.RegisteredClaims{Subject: sub},
		Org:              org, Role: role, Email: sub + "@example.com", Name: "User " + sub, AccountType: account,
	})
	if err != nil {
		t.Fatalf("provision %s/%s: %v", org, sub, err)
	}
	return p
}

func (r *rules) admin(t *testing.T, org, sub string) *auth.Principal {
	return r.signIn(t, org, sub, auth.RoleAdmin, entity.AccountTypeLocal)
}

func (r *rules) member(t *testing.T, org, sub string) *auth.Principal {
	return r.signIn(t, org, sub, auth.RoleMember, entity.AccountTypeLocal)
}

// create makes a token for p, failing the test on error.
func (r *rules) create(t *testing.T, p *auth.Principal, expiresAt *entity.Time) *pat.Created {
	t.Helper()
	c, err := r.svc.CreateToken(context.Background(), p, pat.CreateRequest{Name: "ci", Scopes: []string{"read"}, ExpiresAt: expiresAt})
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	return c
}

// authenticates reports whether the secret authenticates now.
func (r *rules) authenticates(t *testing.T, secret string) bool {
	t.Helper()
	in, err := r.val.Introspect(context.Background(), secret)
	if err != nil {
		t.Fatalf("introspect: %v", err)
	}
	return in != nil
}

// wantCode fails unless err is a domain error with code.
func wantCode(t *testing.T, err error, code apperr.Code) *apperr.Error {
	t.Helper()
	e, ok := apperr.As(err)
	if !ok || e.Code != code {
		t.Fatalf("error: got %v, want %s", err, code)
	}
	return e
}

func ptr[T any](v T) *T { return &v }

// TestQuotaCountsActiveTokens: a user holds at most MaxActiveTokensPerUser
// active tokens; revoked and expired ones free their place, and one user's
// quota is not another's.
func TestQuotaCountsActiveTokens(t *testing.T) {
	r := newRules(t)
	ctx := context.Background()
	alice, bob := r.member(t, "acme", "alice"), r.member(t, "acme", "bob")
	var first string
	for i := range pat.MaxActiveTokensPerUser {
		var exp *entity.Time
		if i == 1 { // the one that expires first
			exp = ptr(entity.TimeOf(r.clock.Now().Add(time.Hour)))
		}
		if c := r.create(t, alice, exp); i == 0 {
			first = c.Token.ID
		}
	}
	_, err := r.svc.CreateToken(ctx, alice, pat.CreateRequest{Name: "one more", Scopes: []string{"read"}})
	if e := wantCode(t, err, apperr.QuotaExceeded); e.Extensions["limit"] != pat.MaxActiveTokensPerUser {
		t.Errorf("limit extension: got %v, want %d", e.Extensions["limit"], pat.MaxActiveTokensPerUser)
	}
	r.create(t, bob, nil) // bob's quota is his own

	if _, err := r.svc.RevokeTokens(ctx, alice, []string{first}); err != nil {
		t.Fatalf("revoke: %v", err)
	}
	r.create(t, alice, nil) // the revoked token's place
	if _, err := r.svc.CreateToken(ctx, alice, pat.CreateRequest{Name: "again", Scopes: []string{"read"}}); err == nil {
		t.Fatal("create at the quota again: got success, want QUOTA_EXCEEDED")
	}
	r.clock.Advance(time.Hour) // the short-lived token expires
	r.create(t, alice, nil)
}

// TestLifespanAndEffectiveExpiry: a token expires at what it asked for or
// the organization's maximum, whichever is earlier, and the maximum applies
// to existing tokens as it changes: lowering it expires them at once,
// raising it restores their own expiry.
func TestLifespanAndEffectiveExpiry(t *testing.T) {
	r := newRules(t)
	ctx := context.Background()
	admin := r.admin(t, "acme", "root")
	now := r.clock.Now()

	c := r.create(t, admin, nil)
	if got, want := c.Token.EffectiveExpiresAt.Millis(), now.Add(pat.DefaultMaxLifespanDays*24*time.Hour).UnixMilli(); got != want {
		t.Errorf("default expiry: got %v, want now + %d days", c.Token.EffectiveExpiresAt, pat.DefaultMaxLifespanDays)
	}
	for name, exp := range map[string]time.Time{
		"in the past":                  now.Add(-time.Second),
		"now":                          now,
		"one millisecond past the max": now.Add(pat.DefaultMaxLifespanDays*24*time.Hour + time.Millisecond),
	} {
		_, err := r.svc.CreateToken(ctx, admin, pat.CreateRequest{Name: "x", Scopes: []string{"read"}, ExpiresAt: ptr(entity.TimeOf(exp))})
		if e := wantCode(t, err, apperr.BadUserInput); e.Extensions["field"] != "expiresAt" {
			t.Errorf("%s: field extension: got %v, want expiresAt", name, e.Extensions["field"])
		}
	}

	long := r.create(t, admin, ptr(entity.TimeOf(now.Add(60*24*time.Hour))))
	r.clock.Advance(40 * 24 * time.Hour)
	if !r.authenticates(t, long.Secret) {
		t.Fatal("a 60-day token after 40 days: got inactive, want active")
	}
	if _, err := r.svc.UpdateSettings(ctx, admin, pat.SettingsChange{MaxLifespanDays: ptr(30)}); err != nil {
		t.Fatalf("lower the maximum: %v", err)
	}
	if r.authenticates(t, long.Secret) {
		t.Error("after lowering the maximum to 30 days: got active, want expired")
	}
	page, err := r.svc.ListTokens(ctx, admin, pat.ListRequest{Filter: &pat.TokenFilter{Statuses: []entity.TokenStatus{entity.TokenStatusExpired}}})
	if err != nil {
		t.Fatalf("list: %v", err)
	}
	if len(page.Items) != 2 || page.Items[0].EffectiveExpiresAt.Millis() != now.Add(30*24*time.Hour).UnixMilli() {
		t.Errorf("expired tokens after lowering: got %d, want both, capped at creation + 30 days", len(page.Items))
	}
	if _, err := r.svc.UpdateSettings(ctx, admin, pat.SettingsChange{MaxLifespanDays: ptr(90)}); err != nil {
		t.Fatalf("raise the maximum: %v", err)
	}
	if !r.authenticates(t, long.Secret) {
		t.Error("after raising the maximum back: got inactive, want its own 60-day expiry restored")
	}
	for _, days := range []int{pat.MinLifespanDays - 1, pat.MaxLifespanDays + 1} {
		_, err := r.svc.UpdateSettings(ctx, admin, pat.SettingsChange{MaxLifespanDays: ptr(days)})
		wantCode(t, err, apperr.BadUserInput)
	}
}

// TestRevokeIsAllOrNothing: when any requested ID is out of the caller's
// reach (unknown, another member's, another organization's), nothing is
// revoked and the error names exactly those IDs.
func TestRevokeIsAllOrNothing(t *testing.T) {
	r := newRules(t)
	ctx := context.Background()
	alice, bob := r.member(t, "acme", "alice"), r.member(t, "acme", "bob")
	stranger := r.member(t, "globex", "eve")
	mine := r.create(t, alice, nil)
	bobs := r.create(t, bob, nil)
	foreign := r.create(t, stranger, nil)

	_, err := r.svc.RevokeTokens(ctx, alice, []string{mine.Token.ID, bobs.Token.ID, foreign.Token.ID, "01UNKNOWN"})
	e := wantCode(t, err, apperr.NotFound)
	if got, want := e.Extensions["ids"], []string{bobs.Token.ID, foreign.Token.ID, "01UNKNOWN"}; !equal(got, want) {
		t.Errorf("ids extension: got %v, want %v", got, want)
	}
	for _, c := range []*pat.Created{mine, bobs, foreign} {
		if !r.authenticates(t, c.Secret) {
			t.Errorf("token %s after a refused revocation: got revoked, want untouched", c.Token.ID)
		}
	}

	admin := r.admin(t, "acme", "root")
	got, err := r.svc.RevokeTokens(ctx, admin, []string{mine.Token.ID, bobs.Token.ID, mine.Token.ID})
	if err != nil {
		t.Fatalf("admin revoke: %v", err)
	}
	if got.Count != 2 || len(got.Tokens) != 2 || got.Tokens[0].ID != mine.Token.ID || got.Tokens[1].Status != entity.TokenStatusRevoked {
		t.Errorf("admin revoke: got count %d, %d tokens, want 2 distinct revoked tokens in first-seen order", got.Count, len(got.Tokens))
	}
	if again, err := r.svc.RevokeTokens(ctx, admin, []string{mine.Token.ID}); err != nil || again.Count != 0 {
		t.Errorf("revoking again: got count %v, err %v, want 0 and success", again, err)
	}
	for _, n := range []int{0, pat.MaxRevokeIDs + 1} {
		_, err := r.svc.RevokeTokens(ctx, admin, make([]string, n))
		wantCode(t, err, apperr.BadUserInput)
	}
}

// failingAudit is the SQL store whose revocation fails after the domain
// has planned it, as a lost connection would.
type failingAudit struct{ pat.Store }

func (f failingAudit) RevokeTokens(ctx context.Context, reach store.Reach, ids []string, by int64, now entity.Time,
	plan func(found []*entity.PersonalAccessToken) ([]*entity.AuditEvent, error),
) ([]*entity.PersonalAccessToken, int64, error) {
	return f.Store.RevokeTokens(ctx, reach, ids, by, now, func(found []*entity.PersonalAccessToken) ([]*entity.AuditEvent, error) {
		if _, err := plan(found); err != nil {
			return nil, err
		}
		return nil, errors.New("connection lost")
	})
}

// TestRevokeFailureRevokesNothing: a revocation whose transaction fails is
// an error and leaves every token authenticating (over the declared Store).
func TestRevokeFailureRevokesNothing(t *testing.T) {
	r := newRulesOver(t, func(s pat.Store) pat.Store { return failingAudit{s} })
	alice := r.member(t, "acme", "alice")
	a, b := r.create(t, alice, nil), r.create(t, alice, nil)
	if _, err := r.svc.RevokeTokens(context.Background(), alice, []string{a.Token.ID, b.Token.ID}); err == nil {
		t.Fatal("revoke over a failing store: got success, want an error")
	}
	for _, c := range []*pat.Created{a, b} {
		if !r.authenticates(t, c.Secret) {
			t.Errorf("token %s: got revoked, want untouched", c.Token.ID)
		}
	}
}

// TestRevokeByValueRateLimit: each admin may revoke by value
// RevokeByValuePerMinute times a minute, whatever the outcome, each admin
// on their own budget; members are refused before the limit is consulted.
func TestRevokeByValueRateLimit(t *testing.T) {
	r := newRules(t)
	ctx := context.Background()
	admin, other := r.admin(t, "acme", "root"), r.admin(t, "acme", "root2")
	member := r.member(t, "acme", "alice")
	leaked := r.create(t, member, nil)

	outcome, tok, err := r.svc.RevokeTokenByValue(ctx, admin, "  bearer "+leaked.Secret+" ")
	if err != nil || outcome != pat.OutcomeRevoked || tok.ID != leaked.Token.ID {
		t.Fatalf("revoke by value: got %v %v %v, want REVOKED of the leaked token", outcome, tok, err)
	}
	if outcome, _, err := r.svc.RevokeTokenByValue(ctx, admin, leaked.Secret); err != nil || outcome != pat.OutcomeAlreadyRevoked {
		t.Fatalf("again: got %v %v, want ALREADY_REVOKED", outcome, err)
	}
	_, _, err = r.svc.RevokeTokenByValue(ctx, admin, "not a token")
	wantCode(t, err, apperr.NotFound) // the third call of the minute
	_, _, err = r.svc.RevokeTokenByValue(ctx, admin, leaked.Secret)
	if e := wantCode(t, err, apperr.RateLimited); e.Extensions["retryAfter"] == nil {
		t.Error("rate limited: got no retryAfter extension")
	}
	if _, _, err := r.svc.RevokeTokenByValue(ctx, other, leaked.Secret); err != nil {
		t.Errorf("another admin: got %v, want their own budget", err)
	}
	_, _, err = r.svc.RevokeTokenByValue(ctx, member, leaked.Secret)
	wantCode(t, err, apperr.Forbidden)
}

// TestLocalAccountRequired: only local accounts create tokens, and a token
// stops authenticating once its owner signs in with another account type
// (and works again if they come back as local).
func TestLocalAccountRequired(t *testing.T) {
	r := newRules(t)
	ctx := context.Background()
	sso := r.signIn(t, "acme", "dana", auth.RoleMember, entity.AccountTypeDirectory)
	_, err := r.svc.CreateToken(ctx, sso, pat.CreateRequest{Name: "x", Scopes: []string{"read"}})
	wantCode(t, err, apperr.LocalAccountRequired)

	local := r.member(t, "acme", "carl")
	c := r.create(t, local, nil)
	r.signIn(t, "acme", "carl", auth.RoleMember, entity.AccountTypeDirectory)
	if r.authenticates(t, c.Secret) {
		t.Error("after the owner became a directory account: got active, want inactive")
	}
	r.member(t, "acme", "carl")
	if !r.authenticates(t, c.Secret) {
		t.Error("after the owner is local again: got inactive, want active")
	}
}

// TestDisabledOrganization: while an organization disables tokens, none can
// be created and none of its tokens authenticates; other organizations are
// unaffected, and enabling again restores its tokens. Only admins change
// the policy.
func TestDisabledOrganization(t *testing.T) {
	r := newRules(t)
	ctx := context.Background()
	admin, member := r.admin(t, "acme", "root"), r.member(t, "acme", "alice")
	elsewhere := r.member(t, "globex", "eve")
	mine, theirs := r.create(t, member, nil), r.create(t, elsewhere, nil)

	_, err := r.svc.UpdateSettings(ctx, member, pat.SettingsChange{Enabled: ptr(false)})
	wantCode(t, err, apperr.Forbidden)
	if _, err := r.svc.UpdateSettings(ctx, admin, pat.SettingsChange{Enabled: ptr(false)}); err != nil {
		t.Fatalf("disable: %v", err)
	}
	member = r.member(t, "acme", "alice") // a new request sees the new policy
	_, err = r.svc.CreateToken(ctx, member, pat.CreateRequest{Name: "x", Scopes: []string{"read"}})
	wantCode(t, err, apperr.PatDisabled)
	if r.authenticates(t, mine.Secret) {
		t.Error("token of a disabled organization: got active, want inactive")
	}
	if !r.authenticates(t, theirs.Secret) {
		t.Error("token of another organization: got inactive, want active")
	}
	if _, err := r.svc.UpdateSettings(ctx, admin, pat.SettingsChange{Enabled: ptr(true)}); err != nil {
		t.Fatalf("enable: %v", err)
	}
	if !r.authenticates(t, mine.Secret) {
		t.Error("after enabling again: got inactive, want active")
	}
	_, err = r.svc.UpdateSettings(ctx, admin, pat.SettingsChange{})
	wantCode(t, err, apperr.BadUserInput)
}

// TestPagesWalkEveryTokenOnce: the one keyset routine returns every token
// once across pages, a cursor is valid only for its own query and caller,
// and the page size is bounded.
func TestPagesWalkEveryTokenOnce(t *testing.T) {
	r := newRules(t)
	ctx := context.Background()
	member := r.member(t, "acme", "alice")
	want := map[string]bool{}
	for range 7 {
		want[r.create(t, member, nil).Token.ID] = true
		r.clock.Advance(time.Millisecond)
	}
	admin := r.admin(t, "acme", "root") // signed in after the creations: the organization's count holds the 7
	req := pat.ListRequest{PageRequest: pat.PageRequest{First: ptr(3)}, Order: &pat.TokenOrder{Field: pat.OrderName}}
	seen := map[string]bool{}
	for pages := 1; ; pages++ {
		page, err := r.svc.ListTokens(ctx, admin, req)
		if err != nil {
			t.Fatalf("page %d: %v", pages, err)
		}
		if page.HasPreviousPage != (req.After != nil) || len(page.Cursors) != len(page.Items) {
			t.Fatalf("page %d: previous %v with after %v, %d cursors for %d items", pages, page.HasPreviousPage, req.After, len(page.Cursors), len(page.Items))
		}
		for _, tok := range page.Items {
			if seen[tok.ID] {
				t.Fatalf("token %s seen twice", tok.ID)
			}
			seen[tok.ID] = true
		}
		if total, err := page.Total(ctx); err != nil || total != len(want) {
			t.Errorf("total: got %d %v, want %d", total, err, len(want))
		}
		if !page.HasNextPage {
			break
		}
		if pages == 1 {
			// The same cursor is refused for another order or another caller.
			other := req
			other.After, other.Order = &page.Cursors[len(page.Cursors)-1], nil
			_, err := r.svc.ListTokens(ctx, admin, other)
			wantCode(t, err, apperr.BadUserInput)
			_, err = r.svc.ListTokens(ctx, member, pat.ListRequest{PageRequest: pat.PageRequest{After: other.After}, Order: req.Order})
			wantCode(t, err, apperr.BadUserInput)
		}
		req.After = &page.Cursors[len(page.Cursors)-1]
	}
	if len(seen) != len(want) {
		t.Errorf("walked %d tokens, want %d", len(seen), len(want))
	}
	for _, first := range []int{0, pat.MaxPageSize + 1} {
		_, err := r.svc.ListTokens(ctx, admin, pat.ListRequest{PageRequest: pat.PageRequest{First: ptr(first)}})
		if e := wantCode(t, err, apperr.BadUserInput); e.Extensions["field"] != "first" {
			t.Errorf("first=%d: field %v, want first", first, e.Extensions["field"])
		}
	}
	_, err := r.svc.ListTokens(ctx, admin, pat.ListRequest{Filter: &pat.TokenFilter{Search: ptr(strings.Repeat("x", 201))}})
	wantCode(t, err, apperr.BadUserInput)
}

// equal compares an extension value with want.
func equal(got any, want []string) bool {
	ids, ok := got.([]string)
	if !ok || len(ids) != len(want) {
		return false
	}
	for i := range ids {
		if ids[i] != want[i] {
			return false
		}
	}
	return true
}
