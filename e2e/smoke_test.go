package e2e

import (
	"testing"

	"github.com/patgov/pats/internal/testenv"
)

func TestSmokeCreateAndList(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, env *testenv.Env) {
		org := testenv.UniqueOrg("smoke")
		admin := env.Admin(t, org, "alice")
		data := admin.MustDo(`mutation { createPersonalAccessToken(input:{name:"ci", scopes:["OR.Jobs"]}) { token personalAccessToken { id status } } }`, nil)
		created := data["createPersonalAccessToken"].(map[string]any)
		token := created["token"].(string)
		list := admin.MustDo(`{ personalAccessTokens { totalCount nodes { id owner { id } } } }`, nil)
		if got := list["personalAccessTokens"].(map[string]any)["totalCount"]; got != float64(1) {
			t.Fatalf("totalCount: got %v, want 1", got)
		}
		status, body := env.Introspect(t, testenv.IntrospectionSecret, token)
		if status != 200 || body == `{"active":false}`+"\n" {
			t.Fatalf("introspect: got %d %s, want active", status, body)
		}
	})
}
