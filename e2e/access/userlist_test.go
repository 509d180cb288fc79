package access

import (
	"slices"
	"strings"
	"testing"

	"github.com/patgov/pats/internal/testenv"
)

const usersQuery = `query($first: Int, $after: String, $search: String) {
  users(first: $first, after: $after, search: $search) {
    edges { cursor node { id name email accountType } }
    pageInfo { hasNextPage endCursor hasPreviousPage } } }`

// userPage is one page of Query.users.
type userPage struct {
	IDs      []string
	Cursors  []string
	HasNext  bool
	EndCurs  string
	HasPrev  bool
	Response *testenv.Response
}

func listUsers(t *testing.T, c *testenv.Client, vars map[string]any) userPage {
	t.Helper()
	r := c.Do(usersQuery, vars)
	if len(r.Errors) > 0 {
		t.Fatalf("users: %s", r.Raw)
	}
	var out struct {
		Users testenv.Connection[testenv.User]
	}
	r.DecodeData(t, &out)
	info := out.Users.PageInfo
	p := userPage{HasNext: info.HasNextPage, HasPrev: info.HasPreviousPage, Response: r}
	if info.EndCursor != nil {
		p.EndCurs = *info.EndCursor
	}
	for _, e := range out.Users.Edges {
		p.IDs = append(p.IDs, e.Node.ID)
		p.Cursors = append(p.Cursors, e.Cursor)
	}
	return p
}

// TestUserList: admins page through their organization's users by name
// (case-insensitive, then ID), search names and emails, and see no other
// organization's users; members may not list users.
func TestUserList(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, env *testenv.Env) {
		org, other := testenv.UniqueOrg("users"), testenv.UniqueOrg("users-other")
		admin := env.As(t, testenv.Identity{Org: org, Subject: "admin", Role: "admin", Name: "Zoe Admin", Email: "zoe@acme.test"})
		people := []testenv.Identity{
			{Org: org, Subject: "u-b", Name: "bob", Email: "bob@acme.test"},
			{Org: org, Subject: "u-a2", Name: "Alice", Email: "alice.two@acme.test"},
			{Org: org, Subject: "u-a1", Name: "alice", Email: "alice.one@acme.test"},
			{Org: org, Subject: "u-pct", Name: "100% Carol", Email: "carol@other.test"},
			{Org: org, Subject: "u-d", Name: "Dave", Email: "dave@acme.test", AccountType: "directory"},
		}
		for _, p := range people {
			env.As(t, p).MustDo(`{ viewer { id } }`, nil)
		}
		admin.MustDo(`{ viewer { id } }`, nil)
		env.As(t, testenv.Identity{Org: other, Subject: "u-x", Name: "Alice Elsewhere"}).MustDo(`{ viewer { id } }`, nil)

		// Names compared lower-cased, ties ("alice", "Alice") by ID.
		want := []string{"u-pct", "u-a1", "u-a2", "u-b", "u-d", "admin"}
		if got := listUsers(t, admin, nil).IDs; !slices.Equal(got, want) {
			t.Errorf("users: got %v, want %v", got, want)
		}
		// A walk in pages of 2 sees each once, in the same order.
		var walked []string
		vars := map[string]any{"first": 2}
		for {
			p := listUsers(t, admin, vars)
			walked = append(walked, p.IDs...)
			if !p.HasNext {
				break
			}
			vars["after"] = p.EndCurs
		}
		if !slices.Equal(walked, want) {
			t.Errorf("walk: got %v, want %v", walked, want)
		}
		searches := map[string][]string{
			"ALICE":   {"u-a1", "u-a2"},
			"acme":    {"u-a1", "u-a2", "u-b", "u-d", "admin"},
			"%":       {"u-pct"},
			"_":       nil,
			"two@":    {"u-a2"},
			"nothing": nil,
		}
		for term, want := range searches {
			if got := listUsers(t, admin, map[string]any{"search": term}).IDs; !slices.Equal(got, want) {
				t.Errorf("search %q: got %v, want %v", term, got, want)
			}
		}

		bad := []struct {
			name string
			c    *testenv.Client
			vars map[string]any
			code string
		}{
			{"member", env.Member(t, org, "u-b"), nil, "FORBIDDEN"},
			{"first 0", admin, map[string]any{"first": 0}, "BAD_USER_INPUT"},
			{"first 101", admin, map[string]any{"first": 101}, "BAD_USER_INPUT"},
			{"long search", admin, map[string]any{"search": strings.Repeat("a", 201)}, "BAD_USER_INPUT"},
			{"garbage cursor", admin, map[string]any{"after": "nope"}, "BAD_USER_INPUT"},
			{"cursor of another search", admin, map[string]any{"after": listUsers(t, admin, map[string]any{"first": 1}).EndCurs, "search": "a"}, "BAD_USER_INPUT"},
		}
		for _, b := range bad {
			if r := b.c.Do(usersQuery, b.vars); r.Code() != b.code {
				t.Errorf("%s: got %q, want %q: %s", b.name, r.Code(), b.code, r.Raw)
			}
		}
	})
}
