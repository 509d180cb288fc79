package access

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/patgov/pats/internal/auth"
	"github.com/patgov/pats/internal/entity"
	"github.com/patgov/pats/internal/testenv"
)

const viewerQuery = `{ viewer { id email name accountType } }`

func viewerOf(t *testing.T, c *testenv.Client) testenv.User {
	t.Helper()
	var data struct{ Viewer testenv.User }
	c.MustDoInto(viewerQuery, nil, &data)
	return data.Viewer
}

// TestJustInTimeUsers: a user is (org, sub), created on first sight and
// refreshed from later claims; unchanged claims write nothing.
func TestJustInTimeUsers(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, env *testenv.Env) {
		t.Run("viewer shows the claims", func(t *testing.T) {
			org := testenv.UniqueOrg("jit")
			cases := []struct {
				sub         string
				accountType entity.AccountType
				want        string
			}{
				{"loc", entity.AccountTypeLocal, "LOCAL"},
				{"dir", entity.AccountTypeDirectory, "DIRECTORY"},
			}
			for _, tc := range cases {
				c := env.As(t, testenv.Identity{Org: org, Subject: tc.sub, Email: tc.sub + "@x.test", Name: "N " + tc.sub, AccountType: tc.accountType})
				v := viewerOf(t, c)
				if v.ID != tc.sub || v.Email != tc.sub+"@x.test" || v.Name != "N "+tc.sub || v.AccountType != tc.want {
					t.Errorf("viewer: got %v, want id %s email %s@x.test name %q accountType %s", v, tc.sub, tc.sub, "N "+tc.sub, tc.want)
				}
			}
		})

		t.Run("later claims refresh the user", func(t *testing.T) {
			org := testenv.UniqueOrg("jit")
			alice := env.As(t, testenv.Identity{Org: org, Subject: "alice", Email: "alice@old.test", Name: "Alice Old"})
			secret, tok := mustCreate(t, alice, simpleInput("ci"))
			if got := tok.Owner.Name; got != "Alice Old" {
				t.Fatalf("owner.name at creation: got %v, want Alice Old", got)
			}
			renamed := env.As(t, testenv.Identity{Org: org, Subject: "alice", Email: "alice@new.test", Name: "Alice New"})
			v := viewerOf(t, renamed)
			if v.Email != "alice@new.test" || v.Name != "Alice New" {
				t.Errorf("viewer after new claims: got %v, want alice@new.test / Alice New", v)
			}
			// As owner, seen by herself and by an admin (loaded from the DB).
			admin := env.Admin(t, org, "root")
			for who, c := range map[string]*testenv.Client{"owner": renamed, "admin": admin} {
				owner := tokenByID(t, c, tok.ID).Owner
				if owner.ID != "alice" || owner.Email != "alice@new.test" || owner.Name != "Alice New" {
					t.Errorf("owner seen by %s: got %v, want alice / alice@new.test / Alice New", who, owner)
				}
			}
			// Introspection reports the email as last seen.
			if got := env.RequireActive(t, secret)["username"]; got != "alice@new.test" {
				t.Errorf("introspection username: got %v, want alice@new.test", got)
			}
		})

		t.Run("same sub in another org is another user", func(t *testing.T) {
			org1, org2 := testenv.UniqueOrg("jit"), testenv.UniqueOrg("jit")
			a1 := env.As(t, testenv.Identity{Org: org1, Subject: "alice", Email: "a1@x.test", Name: "Alice One"})
			a2 := env.As(t, testenv.Identity{Org: org2, Subject: "alice", Email: "a2@x.test", Name: "Alice Two", AccountType: entity.AccountTypeDirectory})
			_, tok := mustCreate(t, a1, simpleInput("org1 token"))
			v2 := viewerOf(t, a2)
			if v2.Email != "a2@x.test" || v2.Name != "Alice Two" || v2.AccountType != "DIRECTORY" {
				t.Errorf("viewer in org2: got %v, want a2@x.test / Alice Two / DIRECTORY", v2)
			}
			v1 := viewerOf(t, a1)
			if v1.Email != "a1@x.test" || v1.Name != "Alice One" || v1.AccountType != "LOCAL" {
				t.Errorf("viewer in org1 after org2 sign-in: got %v, want a1@x.test / Alice One / LOCAL", v1)
			}
			if id1, id2 := env.UserID(t, org1, "alice"), env.UserID(t, org2, "alice"); id1 == id2 {
				t.Errorf("user rows: got the same ID %d in both organizations, want distinct", id1)
			}
			if got := listAll(t, a2); len(got) != 0 {
				t.Errorf("org2 list: got %d tokens, want 0 (org1's token %s must not show)", len(got), tok.ID)
			}
			admin2 := env.Admin(t, org2, "root")
			if got := listAll(t, admin2); len(got) != 0 {
				t.Errorf("org2 admin list: got %d tokens, want 0", len(got))
			}
		})

		t.Run("unchanged claims write nothing", func(t *testing.T) {
			org := testenv.UniqueOrg("jit")
			id := testenv.Identity{Org: org, Subject: "alice", Email: "alice@x.test", Name: "Alice", Role: auth.RoleMember}
			viewerOf(t, env.As(t, id))
			before := userUpdatedAt(t, env, org, "alice")
			env.Clock.Advance(time.Hour) // a write now would store a different time
			// Same claims, a fresh JWT and another role: no user change.
			id.Role = auth.RoleAdmin
			viewerOf(t, env.As(t, id))
			viewerOf(t, env.As(t, id))
			if after := userUpdatedAt(t, env, org, "alice"); after != before {
				t.Errorf("users.updated_at after unchanged claims: got %d, want %d", after, before)
			}
			// A real change is written at the service clock.
			id.Name = "Alice Renamed"
			viewerOf(t, env.As(t, id))
			after := userUpdatedAt(t, env, org, "alice")
			if after == before {
				t.Fatalf("users.updated_at after a name change: got %d unchanged, want a new time", after)
			}
			testenv.Near(t, "users.updated_at after a name change", time.UnixMilli(after), env.Clock.Now(), 5*time.Second)
			// Each claim alone counts as a change.
			for _, change := range []func(*testenv.Identity){
				func(i *testenv.Identity) { i.Email = "alice@other.test" },
				func(i *testenv.Identity) { i.AccountType = entity.AccountTypeDirectory },
			} {
				prev := userUpdatedAt(t, env, org, "alice")
				env.Clock.Advance(time.Minute)
				change(&id)
				viewerOf(t, env.As(t, id))
				if got := userUpdatedAt(t, env, org, "alice"); got == prev {
					t.Errorf("users.updated_at after changing %+v: got %d unchanged, want a new time", id, got)
				}
			}
		})
	})
}

// TestJustInTimeUsersIdentity: organizations and subjects compare exactly,
// and concurrent first requests create one organization and one user each.
func TestJustInTimeUsersIdentity(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, env *testenv.Env) {
		t.Run("exact comparison", func(t *testing.T) {
			org := testenv.UniqueOrg("Exact")
			cases := []struct{ org, sub, email string }{
				{org, "alice", "1@x.test"},
				{strings.ToLower(org), "alice", "2@x.test"},
				{org + " ", "alice", "3@x.test"},
				{org, "Alice", "4@x.test"},
				{org, "alice ", "5@x.test"},
			}
			for _, tc := range cases {
				viewerOf(t, env.As(t, testenv.Identity{Org: tc.org, Subject: tc.sub, Email: tc.email}))
			}
			// Each identity kept its own email: none was refreshed by another.
			for _, tc := range cases {
				v := viewerOf(t, env.As(t, testenv.Identity{Org: tc.org, Subject: tc.sub, Email: tc.email}))
				if v.ID != tc.sub {
					t.Errorf("viewer.id for %q/%q: got %q, want %q", tc.org, tc.sub, v.ID, tc.sub)
				}
			}
			for _, tc := range cases {
				var email string
				err := env.DB.Raw(`SELECT u.email FROM users u JOIN organizations o ON o.id = u.organization_id
WHERE o.external_id = ? AND u.subject = ?`, tc.org, tc.sub).Row().Scan(&email)
				if err != nil || email != tc.email {
					t.Errorf("stored email of %q/%q: got %q (%v), want %q", tc.org, tc.sub, email, err, tc.email)
				}
			}
		})

		t.Run("concurrent first requests", func(t *testing.T) {
			org := testenv.UniqueOrg("jitrace")
			const n = 16
			var wg sync.WaitGroup
			type result struct {
				status int
				code   string
				raw    string
				err    error
			}
			results := make([]result, 2*n)
			for i := 0; i < 2*n; i++ {
				// n distinct users, then n requests of one more user.
				sub := fmt.Sprintf("user%02d", i)
				if i >= n {
					sub = "same"
				}
				bearer := env.Member(t, org, sub).Bearer
				wg.Add(1)
				go func(i int) {
					defer wg.Done()
					s, c, raw, err := postFromGoroutine(env, bearer, viewerQuery, nil)
					results[i] = result{s, c, raw, err}
				}(i)
			}
			wg.Wait()
			for i, r := range results {
				if r.err != nil || r.status != http.StatusOK || r.code != "" {
					t.Errorf("request %d: got HTTP %d code %q err %v (%s), want 200", i, r.status, r.code, r.err, r.raw)
				}
			}
			if got := orgCount(t, env, org); got != 1 {
				t.Errorf("organizations: got %d, want 1", got)
			}
			var users int64
			if err := env.DB.Raw(`SELECT COUNT(*) FROM users u JOIN organizations o ON o.id = u.organization_id
WHERE o.external_id = ?`, org).Row().Scan(&users); err != nil {
				t.Fatalf("count users: %v", err)
			}
			if users != n+1 {
				t.Errorf("users: got %d, want %d", users, n+1)
			}
		})
	})
}
