package tracing

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/patgov/pats/internal/testenv"
	"github.com/patgov/pats/pattoken"
)

// TestSpansHoldNoSecrets: token values sent in variables, inline in a
// document, in a document that fails, and to /introspect, their digests,
// the session tokens, and any argument of any statement issued meanwhile
// (emails, names, hints, IDs) reach no span: not its name, attributes,
// events, links or status. The statements they were looked up with are
// there, with placeholders.
func TestSpansHoldNoSecrets(t *testing.T) {
	forEachDialect(t, testenv.Options{}, func(t *testing.T, env *traced) {
		org := testenv.UniqueOrg("secrets")
		admin := env.Admin(t, org, "boss")
		member := env.Member(t, org, "dev")
		var values []string
		statements := env.Statements.RecordStatements(func() { env.act(t, admin, member, &values) })

		// The revocation by variable looked the digest up: its statements
		// are in its trace, the digest is not.
		_, spans := env.requestSpans(t, values[4])
		values = values[:4]
		var lookups int
		for _, s := range spans {
			if strings.Contains(attr(s, "db.query.text"), "?") {
				lookups++
			}
		}
		if lookups == 0 {
			t.Errorf("no statement span with placeholders in the revocation's trace: %v", names(spans))
		}

		secrets := []string{admin.Bearer, member.Bearer}
		for _, v := range values {
			d := pattoken.Digest(v)
			secrets = append(secrets, v, v[len(pattoken.Prefix):], hex.EncodeToString(d[:]), strings.ToUpper(hex.EncodeToString(d[:])),
				base64.StdEncoding.EncodeToString(d[:]), base64.RawURLEncoding.EncodeToString(d[:]), string(d[:]))
		}
		all := env.spans.GetSpans()
		// What the request spans record on purpose, and the audit trail
		// too: the request ID, the client's address and User-Agent.
		deliberate := map[string]bool{}
		for _, s := range all {
			for _, key := range []string{"pats.request_id", "client.address", "user_agent.original"} {
				deliberate[attr(s, key)] = true
			}
		}
		for _, st := range statements {
			for _, v := range st.Vars {
				if s := fmt.Sprint(v); len(s) >= 8 && !deliberate[s] {
					secrets = append(secrets, s)
				}
			}
		}
		if len(all) < 10 {
			t.Fatalf("got %d spans, want those of every request above", len(all))
		}
		for _, s := range all {
			text := everything(s)
			for _, secret := range secrets {
				if strings.Contains(text, secret) {
					t.Errorf("span %q holds a secret or a statement argument (%.12q...):\n%s", s.Name, secret, text)
				}
			}
		}
	})
}

// act creates four tokens of member's and revokes or introspects them in
// every way; values gets the four values, then the request ID of the
// revocation by variable.
func (env *traced) act(t *testing.T, admin, member *testenv.Client, values *[]string) {
	t.Helper()
	var v []string
	for _, name := range []string{"variable", "inline", "batch", "introspected"} {
		v = append(v, member.MustCreateToken(map[string]any{"name": name, "scopes": []string{"OR.Jobs"}}).Token)
	}
	byVariable := admin.Do(`mutation Revoke($token: String!) { revokeTokenByValue(token: $token) { outcome } }`, map[string]any{"token": v[0]})
	if byVariable.Status != http.StatusOK || len(byVariable.Errors) > 0 {
		t.Fatalf("revokeTokenByValue: HTTP %d %s", byVariable.Status, byVariable.Raw)
	}
	admin.MustDo(`mutation { revokeTokenByValue(token: "`+v[1]+`") { outcome } }`, nil)
	admin.MustDo(`mutation Many($v: [String!]!) { revokeTokensByValue(tokens: $v) { revokedCount } }`, map[string]any{"v": []string{v[2], v[0]}})
	admin.Do(`mutation { revokeTokenByValue(token: "`+v[2]+`") { nope } }`, nil)   // refused: unknown field
	admin.Do(`mutation { revokeTokenByValue(token: "`+v[2]+`" { outcome } }`, nil) // refused: no parse
	if !env.IntrospectActive(t, v[3]) {
		t.Fatal("the introspected token is not active")
	}
	env.FlushUses(t)
	*values = append(v, byVariable.Header.Get("X-Request-ID"))
}
