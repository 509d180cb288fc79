package inventory

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/patgov/pats/internal/testenv"
)

// Rule 2: the Relay connection, the page size bounds and defaults,
// hasPreviousPage, totalCount and the default order.
func TestListConnection(t *testing.T) {
	parallel(t)
	testenv.ForEachDialect(t, func(t *testing.T, env *testenv.Env) {
		org := testenv.UniqueOrg("conn")
		admin := env.Admin(t, org, "boss")
		u1, u2 := env.Member(t, org, "u1"), env.Member(t, org, "u2")
		for i := range 55 {
			c := u1
			if i%2 == 1 {
				c = u2
			}
			env.Clock.Advance(time.Millisecond)
			createToken(t, c, fmt.Sprintf("token %02d", i), []string{"OR.Jobs"}, nil)
		}
		// Every token is ACTIVE, so the default filter keeps them all.
		want := expectedOrder(dbTokens(t, env, org), nil, "CREATED_AT", true, 90)
		if len(want) != 55 {
			t.Fatalf("setup: got %d tokens, want 55", len(want))
		}

		t.Run("first bounds", func(t *testing.T) {
			admin := env.As(t, admin.ID)
			cases := []struct {
				name  string
				vars  map[string]any
				code  string
				count int
			}{
				{"zero", map[string]any{"first": 0}, "BAD_USER_INPUT", 0},
				{"negative", map[string]any{"first": -1}, "BAD_USER_INPUT", 0},
				{"over the maximum", map[string]any{"first": 101}, "BAD_USER_INPUT", 0},
				{"one", map[string]any{"first": 1}, "", 1},
				{"maximum", map[string]any{"first": 100}, "", 55},
				{"null means 50", map[string]any{"first": nil}, "", 50},
				{"absent variable means 50", map[string]any{}, "", 50},
			}
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					admin := env.As(t, admin.ID)
					conn, r := list(t, admin, tc.vars)
					if tc.code != "" {
						testenv.RequireError(t, r, tc.code)
						return
					}
					if conn == nil {
						t.Fatalf("errors: got %s, want none", r.Raw)
					}
					if got := ids(conn.Nodes); !slices.Equal(got, want[:tc.count]) {
						t.Fatalf("ids: got %v, want %v (%s)", got, want[:tc.count], firstDiff(got, want[:tc.count]))
					}
					if got := conn.PageInfo.HasNextPage; got != (tc.count < 55) {
						t.Fatalf("hasNextPage: got %v, want %v", got, tc.count < 55)
					}
				})
			}
			// The schema default, with the argument left out of the document.
			t.Run("argument left out means 50", func(t *testing.T) {
				admin := env.As(t, admin.ID)
				var data struct{ PersonalAccessTokens connection }
				admin.MustDoInto(`{ personalAccessTokens { nodes { id } pageInfo { hasNextPage } } }`, nil, &data)
				conn := data.PersonalAccessTokens
				if got := ids(conn.Nodes); !slices.Equal(got, want[:50]) {
					t.Fatalf("ids: got %v, want %v", got, want[:50])
				}
				if !conn.PageInfo.HasNextPage {
					t.Fatalf("hasNextPage: got false, want true")
				}
			})
		})

		t.Run("pages", func(t *testing.T) {
			admin := env.As(t, admin.ID)
			var got []string
			var after any
			for page, size := range []int{20, 20, 15} {
				conn := mustList(t, admin, map[string]any{"first": 20, "after": after})
				if len(conn.Nodes) != size {
					t.Fatalf("page %d size: got %v, want %v", page, len(conn.Nodes), size)
				}
				if conn.TotalCount != 55 {
					t.Fatalf("page %d totalCount: got %v, want 55 (after is ignored)", page, conn.TotalCount)
				}
				if gotNext := conn.PageInfo.HasNextPage; gotNext != (page < 2) {
					t.Fatalf("page %d hasNextPage: got %v, want %v", page, gotNext, page < 2)
				}
				got = append(got, ids(conn.Nodes)...)
				after = *conn.PageInfo.EndCursor
			}
			if !slices.Equal(got, want) {
				t.Fatalf("walk: got %v, want %v (%s)", got, want, firstDiff(got, want))
			}
			// Past the end: an empty page that still knows `after` was given.
			conn := mustList(t, admin, map[string]any{"first": 20, "after": after})
			if len(conn.Nodes) != 0 || conn.TotalCount != 55 || conn.PageInfo.HasNextPage || !conn.PageInfo.HasPreviousPage {
				t.Fatalf("past the end: got %d nodes, totalCount %d, pageInfo %+v; want 0 nodes, 55, no next, a previous page",
					len(conn.Nodes), conn.TotalCount, conn.PageInfo)
			}
		})

		t.Run("explicit default order", func(t *testing.T) {
			admin := env.As(t, admin.ID)
			conn := mustList(t, admin, map[string]any{"first": 100, "orderBy": orderVars("CREATED_AT", "DESC")})
			if got := ids(conn.Nodes); !slices.Equal(got, want) {
				t.Fatalf("ids: got %v, want %v", got, want)
			}
		})

		t.Run("node fields", func(t *testing.T) {
			admin := env.As(t, admin.ID)
			owner := env.As(t, testenv.Identity{Org: org, Subject: "fields", Name: "Fiona Fields", Email: "Fiona@Example.TEST"})
			before := env.Clock.Now()
			c := createToken(t, owner, "  fields token  ", []string{"OR.Queues", "OR.Jobs", "OR.Queues"}, nil)
			after := env.Clock.Now()
			created := c.CreatedAt.Time
			if created.Before(before.Truncate(time.Millisecond)) || created.After(after) {
				t.Fatalf("createdAt: got %v, want within [%v, %v]", created, before, after)
			}
			conn := mustList(t, admin, map[string]any{"first": 1})
			if len(conn.Nodes) != 1 {
				t.Fatalf("nodes: got %d, want 1", len(conn.Nodes))
			}
			n := conn.Nodes[0]
			wantOwner := testenv.User{ID: "fields", Name: "Fiona Fields", Email: "Fiona@Example.TEST", AccountType: "LOCAL"}
			checks := []struct {
				field     string
				got, want any
			}{
				{"id", n.ID, c.ID},
				{"name", n.Name, "fields token"},
				{"owner", n.Owner, wantOwner},
				{"scopes", strings.Join(n.Scopes, ","), "OR.Jobs,OR.Queues"},
				{"createdAt", n.CreatedAt, ts(created)},
				{"expiresAt", n.ExpiresAt, ts(created.Add(90 * day))},
				{"lastUsedAt", n.LastUsedAt, (*testenv.Time)(nil)},
				{"status", n.Status, "ACTIVE"},
				{"revokedAt", n.RevokedAt, (*testenv.Time)(nil)},
				{"revokedBy", n.RevokedBy, (*testenv.User)(nil)},
				{"hint", n.Hint, "opat_…" + c.Secret[len(c.Secret)-4:]},
			}
			for _, ck := range checks {
				if fmt.Sprint(ck.got) != fmt.Sprint(ck.want) {
					t.Errorf("%s: got %v, want %v", ck.field, ck.got, ck.want)
				}
			}

			env.Clock.Advance(time.Second)
			usedAt := env.Clock.Now()
			if !env.IntrospectActive(t, c.Secret) {
				t.Fatalf("introspect: got inactive, want active")
			}
			env.Clock.Advance(time.Second)
			revokedAt := env.Clock.Now()
			mustRevoke(t, admin, c.ID)
			conn = mustList(t, admin, map[string]any{"first": 1, "filter": map[string]any{"status": []string{"REVOKED"}}})
			if len(conn.Nodes) != 1 || conn.Nodes[0].ID != c.ID {
				t.Fatalf("revoked list: got %v, want [%s]", ids(conn.Nodes), c.ID)
			}
			n = conn.Nodes[0]
			if n.LastUsedAt == nil || n.LastUsedAt.Time.Sub(usedAt).Abs() > time.Second {
				t.Errorf("lastUsedAt: got %v, want about %v", n.LastUsedAt, ts(usedAt))
			}
			if n.Status != "REVOKED" {
				t.Errorf("status: got %v, want REVOKED", n.Status)
			}
			if n.RevokedAt == nil || n.RevokedAt.Time.Sub(revokedAt).Abs() > time.Second {
				t.Errorf("revokedAt: got %v, want about %v", n.RevokedAt, ts(revokedAt))
			}
			wantBy := testenv.User{ID: "boss", Name: "User boss", Email: "boss@example.test", AccountType: "LOCAL"}
			if n.RevokedBy == nil || *n.RevokedBy != wantBy {
				t.Errorf("revokedBy: got %v, want %+v", n.RevokedBy, wantBy)
			}
		})
	})
}
