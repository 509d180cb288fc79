package inventory

import (
	"strings"
	"testing"
	"time"

	"github.com/patgov/pats/internal/testenv"
	"github.com/patgov/pats/pattoken"
)

// revokeByValue calls revokeTokenByValue; the payload is nil on errors.
func revokeByValue(t testing.TB, c *testenv.Client, value string) (*testenv.RevokeByValuePayload, *testenv.Response) {
	t.Helper()
	r := c.Do(revokeByValueMutation, map[string]any{"token": value})
	if len(r.Errors) > 0 {
		return nil, r
	}
	var data struct{ RevokeTokenByValue testenv.RevokeByValuePayload }
	r.DecodeData(t, &data)
	return &data.RevokeTokenByValue, r
}

// Rule 8: revokeTokenByValue is for admins, tolerates white space and a
// "Bearer " prefix, answers every value that names no token of the
// organization alike, is idempotent, and revokes expired tokens for good.
func TestRevokeTokenByValue(t *testing.T) {
	parallel(t)
	testenv.ForEachDialect(t, func(t *testing.T, env *testenv.Env) {
		org, other := testenv.UniqueOrg("byvalue"), testenv.UniqueOrg("byvalue-other")
		boss := env.Admin(t, org, "boss")
		boss2 := env.Admin(t, org, "boss2")
		member := env.Member(t, org, "mem")
		otherAdmin := env.Admin(t, other, "boss")
		orgs := []string{org, other}
		mk := func(t *testing.T, c *testenv.Client, name string) created {
			env.Clock.Advance(time.Millisecond)
			return createToken(t, env.As(t, c.ID), name, []string{"OR.Jobs"}, nil)
		}

		t.Run("members may not", func(t *testing.T) {
			member := env.As(t, member.ID)
			own := mk(t, member, "own")
			before := dbTokens(t, env, orgs...)
			_, r := revokeByValue(t, member, own.Secret)
			testenv.RequireError(t, r, "FORBIDDEN")
			expectUnchanged(t, env, before, orgs...)
			if !env.IntrospectActive(t, own.Secret) {
				t.Fatalf("introspect: got inactive, want active")
			}
		})

		t.Run("not found looks the same for every value", func(t *testing.T) {
			boss := env.As(t, boss.ID)
			foreign := mk(t, otherAdmin, "foreign")
			mine := mk(t, member, "mine")
			unknown, err := pattoken.Generate()
			if err != nil {
				t.Fatalf("generate: %v", err)
			}
			flipped := []byte(mine.Secret)
			flipped[10] ^= 1 // breaks the checksum
			cases := []struct{ name, value string }{
				{"malformed", "opat_not-a-token"},
				{"empty", ""},
				{"only white space", " \t\n "},
				{"only Bearer", "Bearer "},
				{"checksum broken", string(flipped)},
				{"truncated", mine.Secret[:len(mine.Secret)-1]},
				{"lower-cased", strings.ToLower(mine.Secret)},
				{"unknown well-formed", unknown.Value},
				{"another organization's token", foreign.Secret},
				{"another organization's token with Bearer", "Bearer " + foreign.Secret},
				{"bearer without a space", "Bearer" + mine.Secret},
			}
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					before := dbTokens(t, env, orgs...)
					p, r := revokeByValue(t, boss, tc.value)
					if p != nil {
						t.Fatalf("revokeTokenByValue: got %+v, want NOT_FOUND", p)
					}
					testenv.RequireError(t, r, "NOT_FOUND")
					if got := r.Errors[0].Message; got != "token not found" {
						t.Fatalf("message: got %q, want %q", got, "token not found")
					}
					// Only the code, and the request ID every error carries.
					if _, hasID := r.Errors[0].Extensions["requestId"]; len(r.Errors[0].Extensions) != 2 || !hasID {
						t.Fatalf("extensions: got %v, want only the code and the request ID", r.Errors[0].Extensions)
					}
					expectUnchanged(t, env, before, orgs...)
				})
			}
			for _, c := range []created{foreign, mine} {
				if !env.IntrospectActive(t, c.Secret) {
					t.Fatalf("introspect %s: got inactive, want active", c.Name)
				}
			}
		})

		t.Run("spellings of a value", func(t *testing.T) {
			boss := env.As(t, boss.ID)
			cases := []struct {
				name string
				wrap func(string) string
			}{
				{"as is", func(v string) string { return v }},
				{"surrounding white space", func(v string) string { return " \t" + v + "\n " }},
				{"Bearer", func(v string) string { return "Bearer " + v }},
				{"bearer", func(v string) string { return "bearer " + v }},
				{"BEARER with two spaces", func(v string) string { return "BEARER  " + v }},
				{"bEaReR with white space around", func(v string) string { return "  bEaReR " + v + "\t" }},
			}
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					tok := mk(t, member, tc.name)
					at := env.Clock.Now()
					p, r := revokeByValue(t, boss, tc.wrap(tok.Secret))
					if p == nil {
						t.Fatalf("revokeTokenByValue: unexpected errors: %s", r.Raw)
					}
					if p.Outcome != "REVOKED" {
						t.Fatalf("outcome: got %v, want REVOKED", p.Outcome)
					}
					checkRevoked(t, []testenv.Token{p.Token}, []string{tok.ID}, "boss", at)
					if p.Token.Owner.ID != "mem" {
						t.Fatalf("owner: got %v, want mem", p.Token.Owner.ID)
					}
					if env.IntrospectActive(t, tok.Secret) {
						t.Fatalf("introspect: got active, want inactive")
					}
				})
			}
		})

		t.Run("again: already revoked, unchanged", func(t *testing.T) {
			boss, boss2 := env.As(t, boss.ID), env.As(t, boss2.ID)
			tok := mk(t, member, "twice")
			p, r := revokeByValue(t, boss, tok.Secret)
			if p == nil || p.Outcome != "REVOKED" {
				t.Fatalf("first revocation: got %v (%s), want REVOKED", p, r.Raw)
			}
			first := dbTokens(t, env, org)[tok.ID]
			env.Clock.Advance(time.Minute)
			for _, c := range []*testenv.Client{boss, boss2} {
				again, r := revokeByValue(t, c, "Bearer "+tok.Secret)
				if again == nil {
					t.Fatalf("second revocation: unexpected errors: %s", r.Raw)
				}
				if again.Outcome != "ALREADY_REVOKED" {
					t.Fatalf("outcome: got %v, want ALREADY_REVOKED", again.Outcome)
				}
				if again.Token.Status != "REVOKED" || again.Token.RevokedAt.Text != p.Token.RevokedAt.Text || again.Token.RevokedBy == nil || again.Token.RevokedBy.ID != "boss" {
					t.Fatalf("token: got status %v revokedAt %v revokedBy %v, want REVOKED %v boss", again.Token.Status, *again.Token.RevokedAt, again.Token.RevokedBy, *p.Token.RevokedAt)
				}
			}
			if got := dbTokens(t, env, org)[tok.ID]; !equalRow(got, first) {
				t.Fatalf("stored: got %s, want %s (unchanged)", describe(got), describe(first))
			}
		})

		t.Run("expired tokens are revoked for good", func(t *testing.T) {
			boss, member := env.As(t, boss.ID), env.As(t, member.ID)
			// Both ask for 10 days; a 1-day lifespan expires them.
			exp := env.Clock.Now().Add(10 * day)
			leaked := createToken(t, member, "leaked", []string{"OR.Jobs"}, &exp)
			control := createToken(t, member, "control", []string{"OR.Jobs"}, &exp)
			boss.MustUpdateSettings(map[string]any{"maxLifespanDays": 1})
			env.Clock.Advance(2 * day)
			conn := mustList(t, boss, map[string]any{"filter": map[string]any{"search": "leaked"}})
			if len(conn.Nodes) != 1 || conn.Nodes[0].Status != "EXPIRED" {
				t.Fatalf("before: got %+v, want one EXPIRED token", conn.Nodes)
			}
			at := env.Clock.Now()
			p, r := revokeByValue(t, boss, leaked.Secret)
			if p == nil {
				t.Fatalf("revokeTokenByValue: unexpected errors: %s", r.Raw)
			}
			if p.Outcome != "REVOKED" {
				t.Fatalf("outcome: got %v, want REVOKED", p.Outcome)
			}
			checkRevoked(t, []testenv.Token{p.Token}, []string{leaked.ID}, "boss", at)
			// Raising the lifespan revives the control token, not the revoked one.
			boss.MustUpdateSettings(map[string]any{"maxLifespanDays": 90})
			conn = mustList(t, boss, map[string]any{"filter": map[string]any{"status": allStatuses, "ownerIds": []string{"mem"}, "search": "l"}})
			status := map[string]string{}
			for _, n := range conn.Nodes {
				status[n.Name] = n.Status
			}
			if status["leaked"] != "REVOKED" || status["control"] != "ACTIVE" {
				t.Fatalf("after raising the lifespan: got %v, want leaked REVOKED and control ACTIVE", status)
			}
			if env.IntrospectActive(t, leaked.Secret) {
				t.Fatalf("introspect leaked: got active, want inactive")
			}
			if !env.IntrospectActive(t, control.Secret) {
				t.Fatalf("introspect control: got inactive, want active")
			}
		})
	})
}
