package e2e

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/patgov/pats/internal/testenv"
)

const inactive = testenv.InactiveBody

// createSecret creates a token for user and returns its secret and ID.
func createSecret(t *testing.T, user *testenv.Client, name string) (secret, id string) {
	t.Helper()
	p := user.MustCreateToken(map[string]any{"name": name, "scopes": []string{"OR.Jobs"}})
	return p.Token, p.PersonalAccessToken.ID
}

// wantActive fails unless introspecting secret answers active as said.
func wantActive(t *testing.T, env *testenv.Env, secret string, active bool) {
	t.Helper()
	if got, _ := env.IntrospectToken(t, secret); got != active {
		t.Fatalf("introspect: got active=%v, want %v", got, active)
	}
}

// warm introspects secret until the validation cache answers it. A change
// poll may drop the entry between two introspections (it re-reports a
// change for a minute of look-back), so it tries a few times.
func warm(t *testing.T, env *testenv.Env, secret string) {
	t.Helper()
	for range 20 {
		wantActive(t, env, secret, true)
		hits, _ := env.Validator.CacheStats()
		wantActive(t, env, secret, true)
		if after, _ := env.Validator.CacheStats(); after == hits+1 {
			return
		}
	}
	t.Fatalf("introspection: never answered from the cache in 20 tries")
}

// TestCacheInvalidatedByChangesOnThisInstance warms the cache, changes
// something, and expects the very next introspection to see the change.
func TestCacheInvalidatedByChangesOnThisInstance(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, env *testenv.Env) {
		org := testenv.UniqueOrg("cache")
		admin := env.Admin(t, org, "admin")
		user := env.Member(t, org, "user")

		t.Run("revokeTokens", func(t *testing.T) {
			secret, id := createSecret(t, user, "bulk")
			warm(t, env, secret)
			admin.MustDo(`mutation($ids: [ID!]!) { revokeTokens(ids: $ids) { revokedCount } }`, map[string]any{"ids": []string{id}})
			wantActive(t, env, secret, false)
		})
		t.Run("revokeTokenByValue", func(t *testing.T) {
			secret, _ := createSecret(t, user, "leaked")
			warm(t, env, secret)
			admin.MustDo(`mutation($v: String!) { revokeTokenByValue(token: $v) { outcome } }`, map[string]any{"v": secret})
			wantActive(t, env, secret, false)
		})
		t.Run("updatePatSettings", func(t *testing.T) {
			secret, _ := createSecret(t, user, "policy")
			warm(t, env, secret)
			admin.MustDo(`mutation { updatePatSettings(input: {enabled: false}) { enabled } }`, nil)
			wantActive(t, env, secret, false)
			admin.MustDo(`mutation { updatePatSettings(input: {enabled: true}) { enabled } }`, nil)
			wantActive(t, env, secret, true)
			// Lowering the lifespan below the token's age expires it at once.
			env.Clock.Advance(2 * 24 * time.Hour)
			warm(t, env, secret)
			admin.MustDo(`mutation { updatePatSettings(input: {maxLifespanDays: 1}) { maxLifespanDays } }`, nil)
			wantActive(t, env, secret, false)
			admin.MustDo(`mutation { updatePatSettings(input: {maxLifespanDays: 90}) { maxLifespanDays } }`, nil)
		})
		t.Run("owner becomes a directory account", func(t *testing.T) {
			owner := env.Member(t, org, "soon-directory")
			secret, _ := createSecret(t, owner, "owner")
			warm(t, env, secret)
			env.As(t, testenv.Identity{Org: org, Subject: "soon-directory", AccountType: "directory"}).MustDo(`{ viewer { id } }`, nil)
			wantActive(t, env, secret, false)
		})
		t.Run("expiry is evaluated at request time", func(t *testing.T) {
			secret, _ := createSecret(t, user, "expiring")
			warm(t, env, secret)
			env.Clock.Advance(91 * 24 * time.Hour)
			wantActive(t, env, secret, false)
		})
	})
}

// TestCacheStalenessAcrossInstances runs two instances on one database: a
// revocation or policy change through one is seen by the other, whose
// cache was warm, within one second.
func TestCacheStalenessAcrossInstances(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, a *testenv.Env) {
		b := testenv.NewWith(t, a.Dialect, testenv.Options{DatabaseURL: a.DatabaseURL})
		org := testenv.UniqueOrg("two-instances")
		admin := a.Admin(t, org, "admin")
		user := a.Member(t, org, "user")

		within := func(t *testing.T, secret string) time.Duration {
			t.Helper()
			start := time.Now()
			for {
				_, body := b.Introspect(t, testenv.IntrospectionSecret, secret)
				if body == inactive {
					return time.Since(start)
				}
				if time.Since(start) > 3*time.Second {
					t.Fatalf("instance B still reports %s after 3 s", body)
				}
				time.Sleep(20 * time.Millisecond)
			}
		}
		t.Run("revocation", func(t *testing.T) {
			secret, id := createSecret(t, user, "shared")
			warm(t, b, secret)
			admin.MustDo(`mutation($ids: [ID!]!) { revokeTokens(ids: $ids) { revokedCount } }`, map[string]any{"ids": []string{id}})
			if d := within(t, secret); d > time.Second {
				t.Fatalf("instance B saw the revocation after %v, want within 1 s", d)
			}
		})
		// Every way of revoking reaches B through the revocation log,
		// each of several tokens revoked in one transaction.
		seenOnB := func(t *testing.T, name string, revoke func(secrets []string)) {
			t.Helper()
			var secrets []string
			for i := range 3 {
				secret, _ := createSecret(t, user, fmt.Sprintf("%s %d", name, i))
				warm(t, b, secret)
				secrets = append(secrets, secret)
			}
			revoke(secrets)
			for _, secret := range secrets {
				if d := within(t, secret); d > time.Second {
					t.Fatalf("instance B saw the %s revocation after %v, want within 1 s", name, d)
				}
			}
		}
		t.Run("revocation by value in a batch", func(t *testing.T) {
			seenOnB(t, "batch", func(secrets []string) {
				admin.MustDo(`mutation($v: [String!]!) { revokeTokensByValue(tokens: $v) { revokedCount } }`, map[string]any{"v": secrets})
			})
		})
		t.Run("revocation by filter", func(t *testing.T) {
			seenOnB(t, "filtered", func([]string) {
				filter := map[string]any{"search": "filtered"}
				job := admin.MustRevokeMatching(filter, admin.MustPreview(filter).Confirmation)
				if job.State != "SUCCEEDED" || job.Revoked != 3 {
					t.Fatalf("revokeTokensMatching: got %+v, want 3 revoked inline", job)
				}
			})
		})
		t.Run("policy change", func(t *testing.T) {
			secret, _ := createSecret(t, user, "policy")
			warm(t, b, secret)
			admin.MustDo(`mutation { updatePatSettings(input: {enabled: false}) { enabled } }`, nil)
			if d := within(t, secret); d > time.Second {
				t.Fatalf("instance B saw the policy change after %v, want within 1 s", d)
			}
		})
	})
}

// TestIntrospectionDuringOutage: when the database cannot be reached, an
// uncached token gets HTTP 503 (never "inactive"); a cached one is served
// only while the cache's freshness lasts, then 503 too.
func TestIntrospectionDuringOutage(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, env *testenv.Env) {
		org := testenv.UniqueOrg("outage")
		user := env.Member(t, org, "user")
		cached, _ := createSecret(t, user, "cached")
		uncached, _ := createSecret(t, user, "uncached")
		warm(t, env, cached)

		if err := env.DB.Close(); err != nil {
			t.Fatalf("close database: %v", err)
		}
		status, body := env.Introspect(t, testenv.IntrospectionSecret, uncached)
		if status != http.StatusServiceUnavailable || strings.Contains(body, "active") {
			t.Fatalf("uncached token during outage: got %d %s, want 503 with a JSON error", status, body)
		}
		if !strings.Contains(body, `"error"`) {
			t.Fatalf("503 body: got %s, want a JSON error", body)
		}
		// The cached token may be answered from the cache until the last
		// successful poll is a second old; after that, 503 as well.
		time.Sleep(1500 * time.Millisecond)
		status, body = env.Introspect(t, testenv.IntrospectionSecret, cached)
		if status != http.StatusServiceUnavailable {
			t.Fatalf("cached token 1.5 s into the outage: got %d %s, want 503", status, body)
		}
	})
}

// TestUsesAreBatched: a thousand introspections of one token within a
// minute cause at most one write of lastUsedAt, and an inactive token
// causes none.
func TestUsesAreBatched(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, env *testenv.Env) {
		org := testenv.UniqueOrg("uses")
		admin := env.Admin(t, org, "admin")
		user := env.Member(t, org, "user")
		secret, _ := createSecret(t, user, "busy")
		revoked, revokedID := createSecret(t, user, "revoked")
		admin.MustDo(`mutation($ids: [ID!]!) { revokeTokens(ids: $ids) { revokedCount } }`, map[string]any{"ids": []string{revokedID}})

		writes := 0
		for round := 0; round < 10; round++ {
			sqls := env.Statements.Record(func() {
				for range 100 {
					wantActive(t, env, secret, true)
					wantActive(t, env, revoked, false)
				}
				env.Clock.Advance(5 * time.Second) // 50 s in all: within a minute
				env.FlushUses(t)
			})
			writes += countMatching(sqls, "LAST_USED_AT =")
		}
		if writes != 1 {
			t.Fatalf("got %d writes of lastUsedAt for 1,000 uses within a minute, want 1", writes)
		}
		var revokedUse *int64
		env.DB.Raw("SELECT last_used_at FROM personal_access_tokens WHERE id = ?", revokedID).Scan(&revokedUse)
		if revokedUse != nil {
			t.Fatalf("revoked token's last_used_at: got %v, want NULL", *revokedUse)
		}
	})
}

// TestMalformedTokensNeverReachTheDatabase: values that fail the format or
// the checksum are answered without a single statement.
func TestMalformedTokensNeverReachTheDatabase(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, env *testenv.Env) {
		user := env.Member(t, testenv.UniqueOrg("malformed"), "user")
		secret, _ := createSecret(t, user, "real")
		flipped := []byte(secret)
		flipped[10] ^= 1 // a body character: the checksum no longer matches
		for _, value := range []string{"", "garbage", "opat_", secret[:len(secret)-1], string(flipped), strings.ToUpper(secret)} {
			sqls := env.Statements.Record(func() { wantActive(t, env, value, false) })
			if len(sqls) != 0 {
				t.Errorf("introspect %q: got %d statements, want none:\n%s", value, len(sqls), strings.Join(sqls, "\n"))
			}
		}
	})
}

// TestRevocationLogIsPruned: every instance deletes revocation log rows
// past their retention (10 minutes; the poll looks back one), at start and
// every minute, and keeps the recent ones.
func TestRevocationLogIsPruned(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, a *testenv.Env) {
		org := testenv.UniqueOrg("log-prune")
		user := a.Member(t, org, "user")
		_, id := createSecret(t, user, "recent")
		user.MustDo(`mutation($ids: [ID!]!) { revokeTokens(ids: $ids) { revokedCount } }`, map[string]any{"ids": []string{id}})
		var orgID int64
		if err := a.DB.Raw(`SELECT id FROM organizations WHERE external_id = ?`, org).Scan(&orgID).Error; err != nil {
			t.Fatal(err)
		}
		old := a.Clock.Now().Add(-11 * time.Minute).UnixMilli()
		if err := a.DB.Exec(`INSERT INTO revocation_log (organization_id, logged_at, digests) VALUES (?, ?, ?)`,
			orgID, old, make([]byte, 32)).Error; err != nil {
			t.Fatal(err)
		}
		count := func(cond string) (n int64) {
			if err := a.DB.Raw(`SELECT COUNT(*) FROM revocation_log WHERE organization_id = ? AND `+cond, orgID, old).Scan(&n).Error; err != nil {
				t.Fatal(err)
			}
			return n
		}
		// A second instance prunes when it starts.
		testenv.NewWith(t, a.Dialect, testenv.Options{DatabaseURL: a.DatabaseURL})
		for deadline := time.Now().Add(5 * time.Second); count("logged_at = ?") != 0; time.Sleep(20 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatal("a revocation log row 11 minutes old is still there 5 s after an instance started")
			}
		}
		if n := count("logged_at > ?"); n != 1 {
			t.Fatalf("recent revocation log rows: got %d, want the one of the revocation", n)
		}
	})
}
