package e2e

import (
	"testing"

	"github.com/patgov/pats/internal/testenv"
)

func TestSmokeCreateAndList(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, env *testenv.Env) {
		org := testenv.UniqueOrg("smoke")
		admin := env.Admin(t, org, "alice")
		var created struct{ CreatePersonalAccessToken testenv.CreatePayload }
		admin.MustDoInto(`mutation { createPersonalAccessToken(input:{name:"ci", scopes:["OR.Jobs"]}) { token personalAccessToken { id status } } }`, nil, &created)
		token := created.CreatePersonalAccessToken.Token
		var list struct {
			PersonalAccessTokens testenv.Connection[testenv.Token]
		}
		admin.MustDoInto(`{ personalAccessTokens { totalCount nodes { id owner { id } } } }`, nil, &list)
		if got := list.PersonalAccessTokens.TotalCount; got != 1 {
			t.Fatalf("totalCount: got %v, want 1", got)
		}
		status, body := env.Introspect(t, testenv.IntrospectionSecret, token)
		if status != 200 || body == `{"active":false}`+"\n" {
			t.Fatalf("introspect: got %d %s, want active", status, body)
		}
	})
}
