package inventory

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/patgov/pats/internal/testenv"
)

// Rule 3: every order field in both directions, on a small set whose
// expected orders are written out by hand, with ties broken by ID in the
// same direction and never-used tokens last in both directions.
func TestListOrdering(t *testing.T) {
	parallel(t)
	testenv.ForEachDialect(t, func(t *testing.T, env *testenv.Env) {
		org := testenv.UniqueOrg("order")
		admin := env.Admin(t, org, "boss")
		ann := env.Member(t, org, "ann")
		base := env.Clock.Now()
		at := func(d time.Duration) *time.Time { v := base.Add(d); return &v }

		// Created one second apart, in this order.
		specs := []struct {
			key, name string
			expires   *time.Time
		}{
			{"A", "charlie", at(30 * day)},
			{"B", "alpha", at(10 * day)},
			{"C", "Bravo", nil}, // default expiry, capped to created+40d below
			{"D", "delta", at(60 * day)},
			{"E", "echo", at(10 * day)}, // same expiry as B
			{"F", "ECHO", at(5 * day)},  // same name as E, case aside
		}
		tok := map[string]created{}
		byID := map[string]string{}
		for i, s := range specs {
			c := ann
			if i%2 == 1 {
				c = admin
			}
			tok[s.key] = createToken(t, c, s.name, []string{"OR.Jobs"}, s.expires)
			byID[tok[s.key].ID] = s.key
			env.Clock.Advance(time.Second)
		}
		// Lowering the maximum lifespan makes C and D's effective expiry
		// created+40d, which differs from what they asked for.
		admin.MustUpdateSettings(map[string]any{"maxLifespanDays": 40})
		// Used in the order C, D, A; B, E and F are never used.
		for _, k := range []string{"C", "D", "A"} {
			env.Clock.Advance(time.Second)
			if !env.IntrospectActive(t, tok[k].Secret) {
				t.Fatalf("introspect %s: got inactive, want active", k)
			}
		}

		// byIDAsc orders tied keys by ID ascending.
		byIDAsc := func(keys ...string) []string {
			return slices.SortedFunc(slices.Values(keys), func(a, b string) int { return strings.Compare(tok[a].ID, tok[b].ID) })
		}
		rev := func(s []string) []string { s = slices.Clone(s); slices.Reverse(s); return s }
		cat := func(parts ...[]string) []string { return slices.Concat(parts...) }
		one := func(k ...string) []string { return k }

		cases := []struct {
			field, dir string
			want       []string
		}{
			{"CREATED_AT", "ASC", one("A", "B", "C", "D", "E", "F")},
			{"CREATED_AT", "DESC", one("F", "E", "D", "C", "B", "A")},
			// F 5d; B and E 10d (tie); A 30d; C created+40d; D created+40d (a second later).
			{"EXPIRES_AT", "ASC", cat(one("F"), byIDAsc("B", "E"), one("A", "C", "D"))},
			{"EXPIRES_AT", "DESC", cat(one("D", "C", "A"), rev(byIDAsc("B", "E")), one("F"))},
			// "alpha" < "Bravo" < "charlie" < "delta" < "echo" = "ECHO".
			{"NAME", "ASC", cat(one("B", "C", "A", "D"), byIDAsc("E", "F"))},
			{"NAME", "DESC", cat(rev(byIDAsc("E", "F")), one("D", "A", "C", "B"))},
			// Never used (B, E, F) last in both directions, by ID.
			{"LAST_USED_AT", "ASC", cat(one("C", "D", "A"), byIDAsc("B", "E", "F"))},
			{"LAST_USED_AT", "DESC", cat(one("A", "D", "C"), rev(byIDAsc("B", "E", "F")))},
		}
		for _, tc := range cases {
			t.Run(tc.field+"_"+tc.dir, func(t *testing.T) {
				admin := env.As(t, admin.ID)
				for _, size := range []int{100, 1, 4} {
					var got []string
					var after any
					for range 10 {
						conn := mustList(t, admin, map[string]any{"first": size, "after": after, "orderBy": orderVars(tc.field, tc.dir)})
						for _, id := range ids(conn.Nodes) {
							got = append(got, byID[id])
						}
						if !conn.PageInfo.HasNextPage {
							break
						}
						after = *conn.PageInfo.EndCursor
					}
					if !slices.Equal(got, tc.want) {
						t.Fatalf("first %d: got %v, want %v", size, got, tc.want)
					}
				}
			})
		}

		t.Run("effective expiry and last use are shown", func(t *testing.T) {
			admin := env.As(t, admin.ID)
			conn := mustList(t, admin, map[string]any{"first": 100})
			for _, n := range conn.Nodes {
				k := byID[n.ID]
				created := n.CreatedAt.Time
				want := created.Add(40 * day)
				for _, s := range specs {
					if s.key == k && s.expires != nil && s.expires.Before(want) {
						want = *s.expires
					}
				}
				if got := n.ExpiresAt.Text; got != ts(want) {
					t.Errorf("%s expiresAt: got %v, want %v", k, got, ts(want))
				}
				if used := k == "A" || k == "C" || k == "D"; (n.LastUsedAt != nil) != used {
					t.Errorf("%s lastUsedAt: got %v, want used=%v", k, n.LastUsedAt, used)
				}
			}
		})
	})
}
