package lifecycle

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/patgov/pats/internal/entity"
	"github.com/patgov/pats/internal/pat"
	"github.com/patgov/pats/internal/store"
	"github.com/patgov/pats/internal/testenv"
)

// staleFixture is an organization under a 30-day stale-token policy with
// one token of each kind the sweeper must tell apart.
type staleFixture struct {
	org     string
	secrets map[string]string // kind -> secret
	ids     map[string]string // kind -> token ID
}

// newStaleFixture creates the tokens through the API, then ages them.
func newStaleFixture(t *testing.T, env *testenv.Env) *staleFixture {
	t.Helper()
	f := &staleFixture{org: testenv.UniqueOrg("stale"), secrets: map[string]string{}, ids: map[string]string{}}
	admin := env.Admin(t, f.org, "root")
	admin.MustUpdateSettings(map[string]any{"maxLifespanDays": 365, "revokeUnusedAfterDays": 30})
	member := env.Member(t, f.org, "ann")
	now := env.Clock.Now().UnixMilli()
	// kind -> created, last used (0: never), revoked
	ages := map[string][3]int64{
		"stale-never-used": {now - 40*day, 0, 0},
		"stale-used":       {now - 200*day, now - 35*day, 0},
		"soon-stale":       {now - 100*day, now - 25*day, 0}, // stale in 5 days: warned
		"fresh":            {now - 100*day, now - day, 0},
		"recent":           {now - 2*day, 0, 0},
		"expired":          {now - 400*day, 0, 0}, // past the 365-day maximum: expired, not stale
		"already-revoked":  {now - 100*day, 0, now - day},
	}
	for kind, a := range ages {
		p := member.MustCreateToken(map[string]any{"name": kind, "scopes": []string{"OR.Jobs.Read"}})
		f.secrets[kind], f.ids[kind] = p.Token, p.PersonalAccessToken.ID
		var lastUsed, revoked any
		if a[1] != 0 {
			lastUsed = a[1]
		}
		if a[2] != 0 {
			revoked = a[2]
		}
		err := env.DB.Exec(`UPDATE personal_access_tokens SET created_at = ?, expires_at = ?, last_used_at = ?, revoked_at = ?,
revoked_by_id = CASE WHEN ? IS NULL THEN NULL ELSE owner_id END, revocation_source = CASE WHEN ? IS NULL THEN NULL ELSE 'OWNER' END
WHERE id = ?`, a[0], now+300*day, lastUsed, revoked, revoked, revoked, p.PersonalAccessToken.ID).Error
		if err != nil {
			t.Fatal(err)
		}
	}
	return f
}

// tokenState is a token's revocation as stored.
type tokenState struct {
	RevokedAt        *int64
	RevocationSource *string
	RevokedBy        *string
}

func stateOf(t *testing.T, env *testenv.Env, id string) tokenState {
	t.Helper()
	var s []tokenState
	if err := env.DB.Raw(`SELECT t.revoked_at, t.revocation_source, u.subject AS revoked_by FROM personal_access_tokens t
LEFT JOIN users u ON u.id = t.revoked_by_id WHERE t.id = ?`, id).Scan(&s).Error; err != nil || len(s) != 1 {
		t.Fatalf("token %s: %v %v", id, s, err)
	}
	return s[0]
}

func countRows(t *testing.T, env *testenv.Env, sql string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := env.DB.Raw(sql, args...).Scan(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

// TestSweeperRevokesStaleTokensOnce: two instances sweep at once; one
// runs (the lease), the stale active tokens are revoked once each (source
// UNUSED, by the policy's system user, audited, in the outbox), the
// others are left alone, the soon-stale token's owner is warned once, and
// a revoked token stops authenticating.
func TestSweeperRevokesStaleTokensOnce(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, a *testenv.Env) {
		b := testenv.NewWith(t, a.Dialect, testenv.Options{DatabaseURL: a.DatabaseURL})
		f := newStaleFixture(t, a)
		for _, kind := range []string{"stale-never-used", "stale-used", "soon-stale", "fresh"} {
			if active, _ := a.IntrospectToken(t, f.secrets[kind]); !active && kind != "stale-never-used" && kind != "stale-used" {
				t.Fatalf("%s: inactive before the sweep", kind)
			}
		}
		// Introspection recorded uses: put the ages back (the fixture's
		// last uses are what the test is about).
		if err := a.Validator.FlushUses(context.Background()); err != nil {
			t.Fatal(err)
		}
		f2 := ageAgain(t, a, f)

		var wg sync.WaitGroup
		results := make([]pat.SweepResult, 2)
		errs := make([]error, 2)
		for i, env := range []*testenv.Env{a, b} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				results[i], errs[i] = env.Service.SweepStaleTokens(context.Background())
			}()
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		if results[0].Ran == results[1].Ran {
			t.Fatalf("sweeps: got %+v, want exactly one instance to run", results)
		}
		ran := results[0]
		if !ran.Ran {
			ran = results[1]
		}
		// Other tests' organizations of this database have policies too:
		// the run counts theirs; this organization's rows are exact.
		if ran.Revoked < 2 || ran.Warned < 1 {
			t.Errorf("sweep: got %+v, want at least 2 revoked and 1 warned", ran)
		}
		org := orgID(t, a, f.org)
		revokedHere := func() int64 {
			return countRows(t, a, `SELECT COUNT(*) FROM personal_access_tokens WHERE organization_id = ? AND revocation_source = 'UNUSED'`, org)
		}
		warnedHere := func() int64 {
			return countRows(t, a, `SELECT COUNT(*) FROM outbox_events WHERE organization_id = ? AND event_type = ?`, org, string(entity.EventTokenStaleWarning))
		}
		if r, w := revokedHere(), warnedHere(); r != 2 || w != 1 {
			t.Errorf("this organization: %d revoked as unused, %d warned, want 2 and 1", r, w)
		}
		for _, kind := range []string{"stale-never-used", "stale-used"} {
			s := stateOf(t, a, f2.ids[kind])
			if s.RevokedAt == nil || s.RevocationSource == nil || *s.RevocationSource != "UNUSED" || s.RevokedBy == nil || *s.RevokedBy != pat.StaleTokenActor.Subject {
				t.Errorf("%s: got %+v, want revoked UNUSED by %s", kind, s, pat.StaleTokenActor.Subject)
			}
			if n := countRows(t, a, `SELECT COUNT(*) FROM audit_events WHERE token_id = ? AND action = 'TOKEN_REVOKED' AND revocation_source = 'UNUSED'`, f2.ids[kind]); n != 1 {
				t.Errorf("%s: %d audit events, want 1", kind, n)
			}
			if n := countRows(t, a, `SELECT COUNT(*) FROM outbox_events WHERE token_id = ? AND event_type = ?`, f2.ids[kind], string(entity.EventTokenRevoked)); n != 1 {
				t.Errorf("%s: %d token.revoked outbox events, want 1", kind, n)
			}
			if active, _ := b.IntrospectToken(t, f2.secrets[kind]); active {
				t.Errorf("%s: still authenticates on the other instance", kind)
			}
		}
		for _, kind := range []string{"soon-stale", "fresh", "recent", "expired"} {
			if s := stateOf(t, a, f2.ids[kind]); s.RevokedAt != nil {
				t.Errorf("%s: revoked (%+v), want left alone", kind, s)
			}
		}
		if s := stateOf(t, a, f2.ids["already-revoked"]); s.RevocationSource == nil || *s.RevocationSource != "OWNER" {
			t.Errorf("already revoked: got %+v, want its owner's revocation kept", s)
		}
		var payloads []string
		a.DB.Raw(`SELECT payload FROM outbox_events WHERE token_id = ? AND event_type = ?`, f2.ids["soon-stale"], string(entity.EventTokenStaleWarning)).Scan(&payloads)
		if len(payloads) != 1 {
			t.Fatalf("soon-stale: %d warnings, want 1", len(payloads))
		}
		var w pat.StaleWarningPayload
		if err := json.Unmarshal([]byte(payloads[0]), &w); err != nil || w.TokenID != f2.ids["soon-stale"] || w.TokenName != "soon-stale" {
			t.Errorf("warning payload: got %s (%v)", payloads[0], err)
		}
		if lastUse := w.LastUsedAt; lastUse == nil || w.RevokeAt.Millis() != lastUse.Millis()+30*day {
			t.Errorf("warning: revokeAt %v, want last use %v + 30 days", w.RevokeAt, lastUse)
		}
		for _, secret := range f2.secrets {
			if contains(payloads[0], secret) {
				t.Errorf("warning payload holds a secret")
			}
		}

		// Again, by the instance that holds the lease: nothing more.
		holder := a
		if !results[0].Ran {
			holder = b
		}
		again, err := holder.Service.SweepStaleTokens(context.Background())
		if err != nil || !again.Ran {
			t.Errorf("second sweep: got %+v, %v, want it to run", again, err)
		}
		if r, w := revokedHere(), warnedHere(); r != 2 || w != 1 {
			t.Errorf("after a second sweep: %d revoked as unused, %d warned, want still 2 and 1", r, w)
		}
	})
}

// ageAgain re-applies the fixture's ages, which the introspections before
// the sweep moved (a use is a use), and returns the fixture.
func ageAgain(t *testing.T, env *testenv.Env, f *staleFixture) *staleFixture {
	t.Helper()
	now := env.Clock.Now().UnixMilli()
	for kind, lastUsed := range map[string]any{"stale-never-used": nil, "stale-used": now - 35*day, "soon-stale": now - 25*day, "fresh": now - day} {
		if err := env.DB.Exec(`UPDATE personal_access_tokens SET last_used_at = ? WHERE id = ?`, lastUsed, f.ids[kind]).Error; err != nil {
			t.Fatal(err)
		}
	}
	return f
}

func contains(s, sub string) bool {
	return len(sub) > 0 && len(s) >= len(sub) && (s == sub || indexOf(s, sub) >= 0)
}

func indexOf(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return i
		}
	}
	return -1
}

// TestSweeperLeaseTakeover: an instance that took the lease and died
// holds it until it expires; then another takes over and sweeps, and the
// dead one's late chunk writes nothing.
func TestSweeperLeaseTakeover(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, a *testenv.Env) {
		b := testenv.NewWith(t, a.Dialect, testenv.Options{DatabaseURL: a.DatabaseURL})
		f := newStaleFixture(t, a)
		st := store.New(a.DB.DB, a.DB.Dialect)
		// "a" took the lease and crashed before its first chunk.
		now := entity.TimeOf(a.Clock.Now())
		if err := st.AcquireLease(context.Background(), "stale-token-sweeper", "crashed-instance", now, now.Millis()+pat.DefaultSweepLease.Milliseconds()); err != nil {
			t.Fatal(err)
		}
		if r, err := b.Service.SweepStaleTokens(context.Background()); err != nil || r.Ran {
			t.Fatalf("while the lease is held: got %+v, %v, want no run", r, err)
		}
		if s := stateOf(t, a, f.ids["stale-used"]); s.RevokedAt != nil {
			t.Fatalf("revoked while another instance held the lease")
		}
		b.Clock.Advance(pat.DefaultSweepLease + time.Second)
		r, err := b.Service.SweepStaleTokens(context.Background())
		if err != nil || !r.Ran || r.Revoked < 2 {
			t.Fatalf("after the lease expired: got %+v, %v, want a run revoking (at least) this organization's 2", r, err)
		}
		for _, kind := range []string{"stale-never-used", "stale-used"} {
			if s := stateOf(t, a, f.ids[kind]); s.RevocationSource == nil || *s.RevocationSource != "UNUSED" {
				t.Errorf("%s after the takeover: got %+v, want revoked UNUSED", kind, s)
			}
		}
		// The crashed instance's late chunk: its lease is gone.
		q := store.StaleQuery{OrgID: orgID(t, a, f.org), Now: now.Millis(), Cap: now.Millis() - 365*day,
			StaleBefore: now.Millis() - 30*day, WarnBefore: now.Millis() - 23*day, Size: 10,
			Lease: "stale-token-sweeper", Owner: "crashed-instance", LeaseUntil: now.Millis() + 60_000}
		if _, _, err := st.RevokeStaleChunk(context.Background(), q, pat.StaleTokenActor, now,
			func(store.StaleRevocation) []*entity.AuditEvent {
				t.Error("audit called without the lease")
				return nil
			}); !errors.Is(err, store.ErrLeaseLost) {
			t.Errorf("late chunk: got %v, want ErrLeaseLost", err)
		}
		if _, _, err := st.RecordStaleWarnings(context.Background(), q, func([]store.StaleWarning) []*entity.OutboxEvent {
			t.Error("warnings made without the lease")
			return nil
		}); !errors.Is(err, store.ErrLeaseLost) {
			t.Errorf("late warnings: got %v, want ErrLeaseLost", err)
		}
	})
}

// TestStaleWarningCanceledByUse: a warned token used afterwards is no
// longer stale: it is not revoked, and it is warned again only when a new
// inactivity period comes near its end.
func TestStaleWarningCanceledByUse(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, env *testenv.Env) {
		f := newStaleFixture(t, env)
		if r, err := env.Service.SweepStaleTokens(context.Background()); err != nil || !r.Ran || r.Warned < 1 {
			t.Fatalf("first sweep: got %+v, %v, want a run with a warning", r, err)
		}
		// Used now (the introspection), then time passes 6 days: the old
		// basis would have been stale by then.
		if active, _ := env.IntrospectToken(t, f.secrets["soon-stale"]); !active {
			t.Fatal("soon-stale: inactive")
		}
		if err := env.Validator.FlushUses(context.Background()); err != nil {
			t.Fatal(err)
		}
		env.Clock.Advance(6 * 24 * time.Hour)
		if _, err := env.Service.SweepStaleTokens(context.Background()); err != nil {
			t.Fatal(err)
		}
		if s := stateOf(t, env, f.ids["soon-stale"]); s.RevokedAt != nil {
			t.Errorf("used after the warning, yet revoked: %+v", s)
		}
		if n := countRows(t, env, `SELECT COUNT(*) FROM outbox_events WHERE token_id = ? AND event_type = ?`, f.ids["soon-stale"], string(entity.EventTokenStaleWarning)); n != 1 {
			t.Errorf("warnings after the use: %d, want still 1", n)
		}
		// 24 days later the new period is within 7 days of its end: warned
		// again, once.
		env.Clock.Advance(18 * 24 * time.Hour)
		if _, err := env.Service.SweepStaleTokens(context.Background()); err != nil {
			t.Fatal(err)
		}
		if _, err := env.Service.SweepStaleTokens(context.Background()); err != nil {
			t.Fatal(err)
		}
		if n := countRows(t, env, `SELECT COUNT(*) FROM outbox_events WHERE token_id = ? AND event_type = ?`, f.ids["soon-stale"], string(entity.EventTokenStaleWarning)); n != 2 {
			t.Errorf("warnings for the new period: %d in all, want 2", n)
		}
	})
}

func orgID(t *testing.T, env *testenv.Env, org string) int64 {
	t.Helper()
	return countRows(t, env, `SELECT id FROM organizations WHERE external_id = ?`, org)
}
