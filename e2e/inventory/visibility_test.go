package inventory

import (
	"slices"
	"testing"
	"time"

	"github.com/patgov/pats/internal/entity"
	"github.com/patgov/pats/internal/testenv"
)

// Rule 1: an admin sees every token of the organization, a member only
// their own; another organization's tokens never appear.
func TestListVisibility(t *testing.T) {
	parallel(t)
	testenv.ForEachDialect(t, func(t *testing.T, env *testenv.Env) {
		org, other := testenv.UniqueOrg("vis"), testenv.UniqueOrg("vis-other")
		admin := env.Admin(t, org, "boss")
		m1 := env.Member(t, org, "m1")
		m2 := env.Member(t, org, "m2")
		directory := env.As(t, testenv.Identity{Org: org, Subject: "dir", AccountType: entity.AccountTypeDirectory})
		// The other organization reuses the same subjects on purpose.
		otherAdmin := env.Admin(t, other, "boss")
		otherM1 := env.Member(t, other, "m1")

		owned := map[*testenv.Client][]string{}
		for _, c := range []*testenv.Client{admin, m1, m1, m1, m2, m2, otherAdmin, otherAdmin, otherM1} {
			env.Clock.Advance(time.Millisecond)
			owned[c] = append(owned[c], createToken(t, c, "tok-"+c.ID.Subject, []string{"OR.Jobs"}, nil).ID)
		}
		// A revoked token stays visible under the status filter.
		mustRevoke(t, admin, owned[m2][0])
		directory.MustDo(`{ viewer { id } }`, nil) // provisions the user

		concat := func(cs ...*testenv.Client) []string {
			var out []string
			for _, c := range cs {
				out = append(out, owned[c]...)
			}
			return out
		}
		cases := []struct {
			name   string
			caller *testenv.Client
			filter map[string]any
			want   []string
		}{
			{"admin sees the whole organization", admin, nil, concat(admin, m1, m2)},
			{"member sees only their own", m1, nil, owned[m1]},
			{"other member sees only their own", m2, nil, owned[m2]},
			{"directory member owns nothing", directory, nil, nil},
			{"other organization's admin sees only theirs", otherAdmin, nil, concat(otherAdmin, otherM1)},
			{"other organization's member", otherM1, nil, owned[otherM1]},
			{"admin filtered to one owner", admin, map[string]any{"ownerIds": []string{"m1"}}, owned[m1]},
			{"member asking for another member's tokens", m1, map[string]any{"ownerIds": []string{"m2"}}, nil},
			{"member asking for the admin's tokens", m1, map[string]any{"ownerIds": []string{"boss", "m2"}}, nil},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				filter := map[string]any{"status": allStatuses}
				for k, v := range tc.filter {
					filter[k] = v
				}
				conn := mustList(t, env.As(t, tc.caller.ID), map[string]any{"first": 100, "filter": filter})
				if got, want := sorted(ids(conn.Nodes)), sorted(tc.want); !slices.Equal(got, want) {
					t.Fatalf("ids: got %v, want %v", got, want)
				}
				if conn.TotalCount != len(tc.want) {
					t.Fatalf("totalCount: got %v, want %v", conn.TotalCount, len(tc.want))
				}
				for _, n := range conn.Nodes {
					var owner *testenv.Client
					for c, ids := range owned {
						if slices.Contains(ids, n.ID) {
							owner = c
						}
					}
					want := testenv.User{ID: owner.ID.Subject, Name: owner.ID.Name, Email: owner.ID.Email, AccountType: "LOCAL"}
					if n.Owner != want {
						t.Fatalf("token %s owner: got %+v, want %+v", n.ID, n.Owner, want)
					}
				}
			})
		}
		// The default filter hides the revoked token from everyone.
		t.Run("default filter hides revoked", func(t *testing.T) {
			conn := mustList(t, env.As(t, m2.ID), map[string]any{"first": 100})
			if got, want := ids(conn.Nodes), owned[m2][1:]; !slices.Equal(got, want) {
				t.Fatalf("ids: got %v, want %v", got, want)
			}
		})
	})
}
