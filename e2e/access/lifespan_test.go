package access

import (
	"testing"
	"time"

	"github.com/patgov/pats/internal/entity"
	"github.com/patgov/pats/internal/testenv"
)

// wantToken fails unless the listed token id has the given effective
// expiry and status, and introspection agrees (active with exp, or not).
func wantToken(t *testing.T, env *testenv.Env, c *testenv.Client, id, secret string, expires time.Time, status string) {
	t.Helper()
	tok := tokenByID(t, c, id)
	if got := tok.ExpiresAt.Time; !got.Equal(expires) {
		t.Errorf("expiresAt: got %v, want %v", got, expires)
	}
	if tok.Status != status {
		t.Errorf("status: got %v, want %s", tok.Status, status)
	}
	// The list filter (computed in SQL) agrees with the status.
	if _, ok := listWith(t, c, map[string]any{"status": []string{status}})[id]; !ok {
		t.Errorf("filter status [%s]: token %s missing", status, id)
	}
	if status == "ACTIVE" {
		info := env.RequireActive(t, secret)
		if got := jsonInt(t, info["exp"]); got != expires.Unix() {
			t.Errorf("introspection exp: got %d, want %d", got, expires.Unix())
		}
	} else {
		wantInactive(t, env, secret)
	}
}

// TestLifespanFollowsPolicy: the effective expiry is min(own expiry,
// createdAt + current max lifespan), in the list, the status and
// introspection alike.
func TestLifespanFollowsPolicy(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, env *testenv.Env) {
		org := testenv.UniqueOrg("lifespan")
		admin := env.Admin(t, org, "root")
		alice := env.Member(t, org, "alice")
		secretA, a := mustCreate(t, alice, simpleInput("default"))
		inB := simpleInput("twenty days")
		inB["expiresAt"] = testenv.FormatTime(env.Clock.Now().Truncate(time.Millisecond).Add(20 * day))
		secretB, b := mustCreate(t, alice, inB)
		idA, idB := a.ID, b.ID
		createdA, createdB := a.CreatedAt.Time, b.CreatedAt.Time
		ownA, ownB := a.ExpiresAt.Time, b.ExpiresAt.Time
		if !ownA.Equal(createdA.Add(90 * day)) {
			t.Fatalf("own expiry of A: got %v, want %v", ownA, createdA.Add(90*day))
		}

		steps := []struct {
			name    string
			max     int
			advance time.Duration
			wantA   time.Time
			statusA string
			wantB   time.Time
			statusB string
		}{
			{"lowered to 10 days shortens both", 10, 0, createdA.Add(10 * day), "ACTIVE", createdB.Add(10 * day), "ACTIVE"},
			{"raised to 30 restores B to its own expiry", 30, 0, createdA.Add(30 * day), "ACTIVE", ownB, "ACTIVE"},
			{"raised to 730 caps at own expiry", 730, 0, ownA, "ACTIVE", ownB, "ACTIVE"},
			{"lowered to 10, then 10 days and a minute pass", 10, 10*day + time.Minute, createdA.Add(10 * day), "EXPIRED", createdB.Add(10 * day), "EXPIRED"},
			{"raised to 90 revives both", 90, 0, ownA, "ACTIVE", ownB, "ACTIVE"},
			{"B's own expiry passes", 90, 10 * day, ownA, "ACTIVE", ownB, "EXPIRED"},
			{"raising further does not revive B", 730, 0, ownA, "ACTIVE", ownB, "EXPIRED"},
			{"lowered to 1 expires A", 1, 0, createdA.Add(day), "EXPIRED", createdB.Add(day), "EXPIRED"},
		}
		for _, st := range steps {
			t.Run(st.name, func(t *testing.T) {
				if got := admin.Settings().MaxLifespanDays; got != st.max {
					admin.MustUpdateSettings(map[string]any{"maxLifespanDays": st.max})
				}
				env.Clock.Advance(st.advance)
				t.Run("A", func(t *testing.T) { wantToken(t, env, alice, idA, secretA, st.wantA, st.statusA) })
				t.Run("B", func(t *testing.T) { wantToken(t, env, alice, idB, secretB, st.wantB, st.statusB) })
			})
		}
	})
}

// TestDisabledOrganization: while disabled, creation fails and tokens do
// not authenticate, yet stay listed and revocable; re-enabling revives the
// unexpired, unrevoked ones.
func TestDisabledOrganization(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, env *testenv.Env) {
		org := testenv.UniqueOrg("disabled")
		admin := env.Admin(t, org, "root")
		alice := env.Member(t, org, "alice")
		secretA, a := mustCreate(t, alice, simpleInput("keeps"))
		secretB, b := mustCreate(t, alice, simpleInput("revoked while disabled"))
		inC := simpleInput("expires while disabled")
		inC["expiresAt"] = testenv.FormatTime(env.Clock.Now().Add(time.Hour))
		secretC, c := mustCreate(t, alice, inC)
		secretD, d := mustCreate(t, alice, simpleInput("revoked by admin while disabled"))
		for _, s := range []string{secretA, secretB, secretC, secretD} {
			env.RequireActive(t, s)
		}

		admin.MustUpdateSettings(map[string]any{"enabled": false})
		t.Run("creation fails", func(t *testing.T) {
			before := tokenCount(t, env, org)
			wantErrorData(t, alice.CreateToken(simpleInput("new")), "PAT_DISABLED")
			if n := tokenCount(t, env, org); n != before {
				t.Errorf("stored tokens: got %d, want %d", n, before)
			}
		})
		t.Run("no token authenticates", func(t *testing.T) {
			for _, s := range []string{secretA, secretB, secretC, secretD} {
				wantInactive(t, env, s)
			}
		})
		t.Run("tokens are still listed", func(t *testing.T) {
			for who, cl := range map[string]*testenv.Client{"owner": alice, "admin": admin} {
				list := listAll(t, cl)
				for _, tok := range []testenv.Token{a, b, c, d} {
					if _, ok := list[tok.ID]; !ok {
						t.Errorf("%s list: token %s missing", who, tok.ID)
					}
				}
			}
		})
		t.Run("tokens are revocable", func(t *testing.T) {
			for _, rv := range []struct {
				c  *testenv.Client
				id string
			}{{alice, b.ID}, {admin, d.ID}} {
				if got := mustRevoke(t, rv.c, rv.id).RevokedCount; got != 1 {
					t.Errorf("revokedCount: got %v, want 1", got)
				}
				if got := tokenByID(t, admin, rv.id).Status; got != "REVOKED" {
					t.Errorf("status after revoke: got %v, want REVOKED", got)
				}
			}
		})

		env.Clock.Advance(2 * time.Hour) // C's own expiry passes while disabled
		admin.MustUpdateSettings(map[string]any{"enabled": true})
		t.Run("re-enabled", func(t *testing.T) {
			info := env.RequireActive(t, secretA)
			if info["sub"] != "alice" {
				t.Errorf("introspection sub: got %v, want alice", info["sub"])
			}
			wantInactive(t, env, secretB)
			wantInactive(t, env, secretC)
			wantInactive(t, env, secretD)
			mustCreate(t, alice, simpleInput("new"))
		})
	})
}

// TestOwnerAccountType: tokens authenticate only while their owner, as last
// seen, holds a local account.
func TestOwnerAccountType(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, env *testenv.Env) {
		org := testenv.UniqueOrg("acctype")
		local := testenv.Identity{Org: org, Subject: "alice", Email: "alice@x.test", Name: "Alice"}
		directory := local
		directory.AccountType = entity.AccountTypeDirectory
		alice := env.As(t, local)
		secret, tok := mustCreate(t, alice, simpleInput("ci"))
		other, _ := mustCreate(t, env.Member(t, org, "bob"), simpleInput("bob"))
		env.RequireActive(t, secret)

		steps := []struct {
			name   string
			id     testenv.Identity
			active bool
			view   string
		}{
			{"becomes directory", directory, false, "DIRECTORY"},
			{"back to local", local, true, "LOCAL"},
			{"directory again", directory, false, "DIRECTORY"},
			{"local again", local, true, "LOCAL"},
		}
		for _, st := range steps {
			t.Run(st.name, func(t *testing.T) {
				c := env.As(t, st.id)
				if got := viewerOf(t, c).AccountType; got != st.view {
					t.Errorf("viewer.accountType: got %v, want %s", got, st.view)
				}
				if got := tokenByID(t, c, tok.ID).Owner.AccountType; got != st.view {
					t.Errorf("owner.accountType: got %v, want %s", got, st.view)
				}
				if st.active {
					env.RequireActive(t, secret)
				} else {
					wantInactive(t, env, secret)
					before := tokenCount(t, env, org)
					wantErrorData(t, c.CreateToken(simpleInput("new")), "LOCAL_ACCOUNT_REQUIRED")
					if n := tokenCount(t, env, org); n != before {
						t.Errorf("stored tokens: got %d, want %d", n, before)
					}
				}
				// Another user's token is unaffected.
				env.RequireActive(t, other)
			})
		}
	})
}
