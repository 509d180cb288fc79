package inventory

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/patgov/pats/internal/testenv"
	"github.com/patgov/pats/pattoken"
)

// Rule 9: for every argument that takes an ID, a token value, a filter or a
// cursor, another organization's objects behave exactly like nonexistent
// ones (same code, same message but for the ID) and change nothing.
func TestCrossOrganization(t *testing.T) {
	parallel(t)
	testenv.ForEachDialect(t, func(t *testing.T, env *testenv.Env) {
		org, other := testenv.UniqueOrg("xorg"), testenv.UniqueOrg("xorg-other")
		orgs := []string{org, other}
		// Same subjects in both organizations: only the organization differs.
		boss, mem := env.Admin(t, org, "boss"), env.Member(t, org, "mem")
		otherBoss, otherMem, otherOnly := env.Admin(t, other, "boss"), env.Member(t, other, "mem"), env.Member(t, other, "only-there")
		mine := createToken(t, mem, "mine", []string{"OR.Jobs"}, nil)
		createToken(t, boss, "boss's", []string{"OR.Jobs"}, nil)
		theirs := createToken(t, otherMem, "theirs", []string{"OR.Jobs"}, nil)
		createToken(t, otherOnly, "theirs too", []string{"OR.Jobs"}, nil)
		createToken(t, otherBoss, "theirs three", []string{"OR.Jobs"}, nil)
		unknownValue, err := pattoken.Generate()
		if err != nil {
			t.Fatalf("generate: %v", err)
		}
		order := orderVars("NAME", "ASC")
		foreignCursor := *mustList(t, otherBoss, map[string]any{"first": 1, "orderBy": order}).PageInfo.EndCursor
		ownCursor := *mustList(t, boss, map[string]any{"first": 1, "orderBy": order}).PageInfo.EndCursor
		forgedCursor := flip(ownCursor, len(ownCursor)/2)

		type call func(t *testing.T, c *testenv.Client, arg string) *testenv.Response
		revokeIDs := func(t *testing.T, c *testenv.Client, arg string) *testenv.Response {
			_, r := revoke(t, c, []string{mine.ID, arg})
			return r
		}
		revokeValue := func(t *testing.T, c *testenv.Client, arg string) *testenv.Response {
			_, r := revokeByValue(t, c, arg)
			return r
		}
		ownerFilter := func(t *testing.T, c *testenv.Client, arg string) *testenv.Response {
			_, r := list(t, c, map[string]any{"filter": map[string]any{"ownerIds": []string{arg}}})
			return r
		}
		after := func(t *testing.T, c *testenv.Client, arg string) *testenv.Response {
			_, r := list(t, c, map[string]any{"first": 1, "after": arg, "orderBy": order})
			return r
		}
		cases := []struct {
			name             string
			caller           testenv.Identity
			do               call
			foreign, unknown string
			code             string
		}{
			{"revokeTokens ids, admin", boss.ID, revokeIDs, theirs.ID, unknownID, "NOT_FOUND"},
			{"revokeTokens ids, member", mem.ID, revokeIDs, theirs.ID, unknownID, "NOT_FOUND"},
			{"revokeTokenByValue token", boss.ID, revokeValue, theirs.Secret, unknownValue.Value, "NOT_FOUND"},
			{"revokeTokenByValue token with Bearer", boss.ID, revokeValue, "Bearer " + theirs.Secret, "Bearer " + unknownValue.Value, "NOT_FOUND"},
			{"filter.ownerIds, admin", boss.ID, ownerFilter, "only-there", "nobody", ""},
			{"filter.ownerIds, member", mem.ID, ownerFilter, "only-there", "nobody", ""},
			{"after, admin", boss.ID, after, foreignCursor, forgedCursor, "BAD_USER_INPUT"},
			{"after, garbage", boss.ID, after, foreignCursor, "abc", "BAD_USER_INPUT"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				c := env.As(t, tc.caller)
				results := map[string]*testenv.Response{}
				for _, arg := range []string{tc.foreign, tc.unknown} {
					before := dbTokens(t, env, orgs...)
					r := tc.do(t, c, arg)
					expectUnchanged(t, env, before, orgs...)
					if tc.code == "" {
						if len(r.Errors) > 0 {
							t.Fatalf("errors: got %s, want none", r.Raw)
						}
						var data struct{ PersonalAccessTokens connection }
						r.DecodeData(t, &data)
						conn := data.PersonalAccessTokens
						// The ownerIds filter also runs with totalCount.
						conn2 := mustList(t, c, map[string]any{"filter": map[string]any{"ownerIds": []string{arg}}})
						if len(conn.Nodes) != 0 || conn2.TotalCount != 0 {
							t.Fatalf("ownerIds %q: got %v (totalCount %d), want nothing", arg, ids(conn.Nodes), conn2.TotalCount)
						}
					} else {
						testenv.RequireError(t, r, tc.code)
					}
					results[arg] = r
				}
				if tc.code == "" {
					return
				}
				f, u := results[tc.foreign], results[tc.unknown]
				norm := func(r *testenv.Response, arg string) string {
					return strings.ReplaceAll(r.Errors[0].Message, strings.TrimPrefix(arg, "Bearer "), "<X>")
				}
				if got, want := norm(f, tc.foreign), norm(u, tc.unknown); got != want {
					t.Fatalf("message: got %q for another organization's, want %q as for a nonexistent one", got, want)
				}
				if got, want := slices.Sorted(maps.Keys(f.Errors[0].Extensions)), slices.Sorted(maps.Keys(u.Errors[0].Extensions)); !slices.Equal(got, want) {
					t.Fatalf("extensions: got %v for another organization's, want %v", got, want)
				}
				if f.Status != u.Status {
					t.Fatalf("HTTP status: got %d for another organization's, want %d", f.Status, u.Status)
				}
			})
		}
		// The other organization's tokens still authenticate.
		if !env.IntrospectActive(t, theirs.Secret) {
			t.Fatalf("introspect another organization's token: got inactive, want active")
		}
	})
}
