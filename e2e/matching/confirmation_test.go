package matching

import (
	"strings"
	"testing"
	"time"

	"github.com/patgov/pats/internal/testenv"
)

// TestConfirmationIsBound: a confirmation is refused (BAD_USER_INPUT on
// `confirmation`, nothing revoked) for another filter, another admin,
// another organization, when altered, and after 10 minutes; it is
// accepted for an equivalent filter (same set, other order) and, given
// again, returns the same job.
func TestConfirmationIsBound(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, env *testenv.Env) {
		org, other := testenv.UniqueOrg("confirm"), testenv.UniqueOrg("confirm-other")
		admin, second := env.Admin(t, org, "admin"), env.Admin(t, org, "second")
		for _, u := range []string{"x", "y", "z"} {
			create(t, env.Member(t, org, u), u)
		}
		filter := map[string]any{"ownerIds": []string{"x", "y"}}
		conf := admin.MustPreview(filter).Confirmation

		refused := func(what string, c *testenv.Client, f map[string]any, confirmation string) {
			t.Helper()
			r := c.RevokeMatching(f, confirmation)
			testenv.RequireError(t, r, "BAD_USER_INPUT")
			if field, _ := r.Errors[0].Extensions["field"].(string); field != "confirmation" {
				t.Fatalf("%s: field %q, want confirmation", what, field)
			}
			for id, s := range sources(t, env, org) {
				if s != "" {
					t.Fatalf("%s: token %s was revoked", what, id)
				}
			}
		}
		refused("another filter", admin, map[string]any{"ownerIds": []string{"x"}}, conf)
		refused("a wider filter", admin, map[string]any{}, conf)
		refused("another admin", second, filter, conf)
		refused("another organization", env.Admin(t, other, "admin"), filter, conf)
		refused("empty", admin, filter, "")
		refused("garbage", admin, filter, "not a confirmation")
		flipped := []byte(conf)
		flipped[len(flipped)/2] ^= 1
		refused("altered", admin, filter, string(flipped))
		refused("a cursor", admin, filter, cursorOf(t, admin))

		env.Clock.Advance(10*time.Minute + time.Second)
		refused("expired", admin, filter, conf)

		conf = admin.MustPreview(filter).Confirmation
		env.Clock.Advance(9 * time.Minute)
		job := admin.MustRevokeMatching(map[string]any{"ownerIds": []string{"y", "x", "y"}}, conf)
		if job.State != "SUCCEEDED" || job.Revoked != 2 {
			t.Fatalf("equivalent filter: got %+v", job)
		}
		again := admin.MustRevokeMatching(filter, conf)
		if again.ID != job.ID || again.Revoked != 2 {
			t.Fatalf("the same confirmation again: got %+v, want job %s", again, job.ID)
		}
		if events, _ := jobEvents(t, env, job.ID); events != 2 {
			t.Fatalf("job events: got %d, want 2", events)
		}
	})
}

// cursorOf returns a real pagination cursor: signed too, but never a
// confirmation.
func cursorOf(t *testing.T, c *testenv.Client) string {
	t.Helper()
	var out struct {
		PersonalAccessTokens testenv.Connection[testenv.Token]
	}
	c.MustDoInto(`{ personalAccessTokens(first: 1) { pageInfo { endCursor hasNextPage hasPreviousPage startCursor } } }`, nil, &out)
	end := out.PersonalAccessTokens.PageInfo.EndCursor
	if end == nil || strings.TrimSpace(*end) == "" {
		t.Fatal("no cursor")
	}
	return *end
}
