package inventory

import (
	"slices"
	"testing"
	"time"

	"github.com/patgov/pats/internal/testenv"
)

// Rule 5: a cursor is bound to its query shape (filter, order, caller) but
// not to `first`; altered or forged cursors are refused.
func TestCursorBinding(t *testing.T) {
	parallel(t)
	testenv.ForEachDialect(t, func(t *testing.T, env *testenv.Env) {
		org, other := testenv.UniqueOrg("cursor"), testenv.UniqueOrg("cursor-other")
		admin := env.Admin(t, org, "boss")
		member := env.Member(t, org, "mem")
		for i := range 10 {
			c := admin
			if i%2 == 0 {
				c = member
			}
			env.Clock.Advance(time.Millisecond)
			createToken(t, c, "tok", []string{"OR.Jobs"}, nil)
		}
		otherAdmin := env.Admin(t, other, "boss") // same subject, other organization
		createToken(t, otherAdmin, "tok", []string{"OR.Jobs"}, nil)

		filter := map[string]any{"search": "tok"}
		order := orderVars("NAME", "ASC")
		full := ids(mustList(t, admin, map[string]any{"first": 100, "filter": filter, "orderBy": order}).Nodes)
		first := mustList(t, admin, map[string]any{"first": 3, "filter": filter, "orderBy": order})
		cursor := *first.PageInfo.EndCursor
		memberCursor := *mustList(t, member, map[string]any{"first": 1}).PageInfo.EndCursor
		otherCursor := *mustList(t, otherAdmin, map[string]any{"first": 1, "filter": filter, "orderBy": order}).PageInfo.EndCursor

		t.Run("another first works", func(t *testing.T) {
			admin := env.As(t, admin.ID)
			for _, size := range []int{1, 3, 5, 100} {
				conn := mustList(t, admin, map[string]any{"first": size, "after": cursor, "filter": filter, "orderBy": order})
				want := full[3:min(3+size, len(full))]
				if got := ids(conn.Nodes); !slices.Equal(got, want) {
					t.Fatalf("first %d after the third token: got %v, want %v", size, got, want)
				}
			}
		})

		// The message every refused cursor gets; forged and foreign cursors
		// must be indistinguishable.
		var refusal string
		cases := []struct {
			name   string
			caller testenv.Identity
			after  string
			filter map[string]any
			order  map[string]any
		}{
			{"another search", admin.ID, cursor, map[string]any{"search": "to"}, order},
			{"no filter", admin.ID, cursor, nil, order},
			{"another status filter", admin.ID, cursor, map[string]any{"search": "tok", "status": []string{"ACTIVE"}}, order},
			{"another owner filter", admin.ID, cursor, map[string]any{"search": "tok", "ownerIds": []string{"boss"}}, order},
			{"another scope filter", admin.ID, cursor, map[string]any{"search": "tok", "scopes": []string{"OR.Jobs"}}, order},
			{"another never-used filter", admin.ID, cursor, map[string]any{"search": "tok", "neverUsed": true}, order},
			{"another direction", admin.ID, cursor, filter, orderVars("NAME", "DESC")},
			{"another field", admin.ID, cursor, filter, orderVars("CREATED_AT", "ASC")},
			{"default order", admin.ID, cursor, filter, nil},
			{"another admin of the organization", testenv.Identity{Org: org, Subject: "boss2", Role: admin.ID.Role}, cursor, filter, order},
			{"a member of the organization", member.ID, cursor, filter, order},
			{"the admin of another organization", otherAdmin.ID, cursor, filter, order},
			{"a member's cursor used by the admin", admin.ID, memberCursor, nil, nil},
			{"another organization's cursor", admin.ID, otherCursor, filter, order},
			{"forged", admin.ID, "abc", filter, order},
			{"empty", admin.ID, "", filter, order},
			{"flipped character", admin.ID, flip(cursor, len(cursor)/2), filter, order},
			{"flipped first character", admin.ID, flip(cursor, 0), filter, order},
			{"flipped last character", admin.ID, flip(cursor, len(cursor)-1), filter, order},
			{"truncated", admin.ID, cursor[:len(cursor)-1], filter, order},
			{"extended", admin.ID, cursor + "A", filter, order},
			{"padded", admin.ID, cursor + "=", filter, order},
			{"too long", admin.ID, cursor + string(make([]byte, 3000)), filter, order},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				c := env.As(t, tc.caller)
				conn, r := list(t, c, map[string]any{"first": 3, "after": tc.after, "filter": tc.filter, "orderBy": tc.order})
				if conn != nil {
					t.Fatalf("errors: got none (ids %v), want BAD_USER_INPUT", ids(conn.Nodes))
				}
				testenv.RequireError(t, r, "BAD_USER_INPUT")
				if refusal == "" {
					refusal = r.Errors[0].Message
				}
				if got := r.Errors[0].Message; got != refusal {
					t.Fatalf("message: got %q, want %q (every refused cursor alike)", got, refusal)
				}
			})
		}

		t.Run("the cursor still works for its own query", func(t *testing.T) {
			admin := env.As(t, admin.ID)
			conn := mustList(t, admin, map[string]any{"first": 3, "after": cursor, "filter": filter, "orderBy": order})
			if got, want := ids(conn.Nodes), full[3:6]; !slices.Equal(got, want) {
				t.Fatalf("ids: got %v, want %v", got, want)
			}
		})
	})
}

// flip replaces the character at i of a base64url string by another
// character of the same alphabet.
func flip(s string, i int) string {
	b := []byte(s)
	if b[i] == 'A' {
		b[i] = 'B'
	} else {
		b[i] = 'A'
	}
	return string(b)
}
