package leak

import (
	"fmt"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/patgov/pats/internal/testenv"
	"github.com/patgov/pats/pattoken"
)

// TestRevokeTokensByValue: one result per value in input order; the first
// copy of a value revokes, later copies and already revoked tokens are
// ALREADY_REVOKED; expired tokens are revoked for good; every value that
// names no token of the organization is NOT_FOUND with no token, alike;
// the audit trail has one BY_VALUE event per token revoked; no value is
// echoed.
func TestRevokeTokensByValue(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, env *testenv.Env) {
		org, other := testenv.UniqueOrg("leak"), testenv.UniqueOrg("leak-other")
		admin, member := env.Admin(t, org, "boss"), env.Member(t, org, "dev")
		stranger := env.Admin(t, other, "boss")

		active := create(t, env, member, "active", 0)
		revoked := create(t, env, member, "revoked", 0)
		if _, r := revoke(t, admin, []string{revoked.Token}); r.Code() != "" {
			t.Fatalf("revoke beforehand: %s", r.Raw)
		}
		expiring := create(t, env, member, "expiring", time.Hour)
		foreign := create(t, env, stranger, "foreign", 0)
		unknown, err := pattoken.Generate()
		if err != nil {
			t.Fatal(err)
		}
		flipped := []byte(active.Token)
		flipped[10] ^= 1
		env.Clock.Advance(2 * time.Hour) // expiring has expired

		values := []string{
			active.Token,                       // 0 REVOKED
			"opat_not-a-token",                 // 1 malformed
			"  Bearer " + expiring.Token + " ", // 2 REVOKED, though expired
			revoked.Token,                      // 3 ALREADY_REVOKED
			unknown.Value,                      // 4 unknown
			foreign.Token,                      // 5 another organization's
			"bearer " + active.Token,           // 6 the same token again: ALREADY_REVOKED
			string(flipped),                    // 7 bad checksum
			"",                                 // 8 empty
		}
		got, r := revoke(t, admin, values)
		if got == nil {
			t.Fatalf("revokeTokensByValue: %s", r.Raw)
		}
		want := []struct {
			outcome string
			token   string
		}{
			{"REVOKED", active.PersonalAccessToken.ID}, {"NOT_FOUND", ""}, {"REVOKED", expiring.PersonalAccessToken.ID},
			{"ALREADY_REVOKED", revoked.PersonalAccessToken.ID}, {"NOT_FOUND", ""}, {"NOT_FOUND", ""},
			{"ALREADY_REVOKED", active.PersonalAccessToken.ID}, {"NOT_FOUND", ""}, {"NOT_FOUND", ""},
		}
		if got.RevokedCount != 2 || len(got.Results) != len(want) {
			t.Fatalf("got revokedCount %d and %d results, want 2 and %d: %s", got.RevokedCount, len(got.Results), len(want), r.Raw)
		}
		for i, w := range want {
			res := got.Results[i]
			if res.Index != i || res.Outcome != w.outcome {
				t.Errorf("result %d: got index %d %s, want %d %s", i, res.Index, res.Outcome, i, w.outcome)
			}
			switch {
			case w.token == "" && res.Token != nil:
				t.Errorf("result %d: got token %s, want null for NOT_FOUND", i, res.Token.ID)
			case w.token != "" && (res.Token == nil || res.Token.ID != w.token || res.Token.Status != "REVOKED"):
				t.Errorf("result %d: got token %+v, want %s, REVOKED", i, res.Token, w.token)
			}
		}
		for _, v := range []string{active.Token, expiring.Token, foreign.Token, unknown.Value, "opat_not-a-token", string(flipped)} {
			if strings.Contains(r.Raw, v) {
				t.Errorf("the response echoes a value: %s", r.Raw)
			}
		}
		for _, c := range []created{active, expiring} {
			if env.IntrospectActive(t, c.Token) {
				t.Errorf("%s: got active after revocation", c.PersonalAccessToken.Name)
			}
			if n := auditCount(t, env, c.PersonalAccessToken.ID, "BY_VALUE"); n != 1 {
				t.Errorf("%s: got %d BY_VALUE audit events, want 1", c.PersonalAccessToken.Name, n)
			}
		}
		if n := auditCount(t, env, revoked.PersonalAccessToken.ID, "BY_VALUE"); n != 1 {
			t.Errorf("the token revoked beforehand: got %d BY_VALUE events, want the earlier one only", n)
		}
		if !env.IntrospectActive(t, foreign.Token) {
			t.Error("another organization's token: got revoked, want untouched")
		}

		again, r := revoke(t, admin, values[:1])
		if again == nil || again.RevokedCount != 0 || again.Results[0].Outcome != "ALREADY_REVOKED" {
			t.Errorf("the same value again: got %s, want ALREADY_REVOKED and revokedCount 0", r.Raw)
		}
	})
}

// TestRevokeTokensByValueRefusals: members are refused, and so are empty
// and oversized batches; nothing is revoked by a refused call.
func TestRevokeTokensByValueRefusals(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, env *testenv.Env) {
		org := testenv.UniqueOrg("leak-refuse")
		admin, member := env.Admin(t, org, "boss"), env.Member(t, org, "dev")
		own := create(t, env, member, "own", 0)
		before := revokedState(t, env)
		tooMany := make([]string, 1001)
		for i := range tooMany {
			tooMany[i] = own.Token
		}
		for _, tc := range []struct {
			name   string
			caller *testenv.Client
			values []string
			code   string
		}{
			{"member", member, []string{own.Token}, "FORBIDDEN"},
			{"no values", admin, []string{}, "BAD_USER_INPUT"},
			{"1001 values", admin, tooMany, "BAD_USER_INPUT"},
		} {
			if got, r := revoke(t, tc.caller, tc.values); got != nil || r.Code() != tc.code {
				t.Errorf("%s: got %s, want %s", tc.name, r.Raw, tc.code)
			}
		}
		if after := revokedState(t, env); !maps.Equal(before, after) {
			t.Errorf("refused calls changed tokens: before %v, after %v", before, after)
		}
		if !env.IntrospectActive(t, own.Token) {
			t.Error("own token: got revoked by a refused call")
		}
	})
}

// TestRevokeTokensByValueStatements: the statements a batch sends do not
// grow with its size, and a batch of malformed values sends none beyond
// what any authenticated request does.
func TestRevokeTokensByValueStatements(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, env *testenv.Env) {
		org := testenv.UniqueOrg("leak-stmts")
		admin, member := env.Admin(t, org, "boss"), env.Member(t, org, "dev")
		var small, big []string
		for i := range 41 {
			c := create(t, env, member, fmt.Sprintf("t%d", i), 0)
			if i == 0 {
				small = append(small, c.Token)
			} else {
				big = append(big, c.Token, "opat_junk", c.Token)
			}
		}
		admin.MustDo(`{ viewerRole }`, nil) // provisioned
		baseline := len(env.Statements.Record(func() { admin.MustDo(`{ viewerRole }`, nil) }))
		count := func(values []string) int {
			return len(env.Statements.Record(func() {
				if got, r := revoke(t, admin, values); got == nil {
					t.Fatalf("revoke: %s", r.Raw)
				}
			}))
		}
		one, many := count(small), count(big)
		if one != many {
			t.Errorf("statements: %d for 1 token, %d for 40 tokens (120 values): want the same", one, many)
		}
		if junk := count([]string{"opat_junk", "", "Bearer x"}); junk != baseline {
			t.Errorf("statements for malformed values only: got %d, want %d (an authenticated request's)", junk, baseline)
		}
	})
}

// TestRevokeByValueLimitCountsValues: the per-admin by-value limit counts
// values, in batches and single calls alike; a batch is taken whole or
// not at all; a batch larger than the whole budget is bad input, as
// retrying cannot help.
func TestRevokeByValueLimitCountsValues(t *testing.T) {
	env := testenv.NewWith(t, "sqlite", testenv.Options{RevokeByValuePerMinute: 5})
	org := testenv.UniqueOrg("leak-limit")
	admin, other := env.Admin(t, org, "a1"), env.Admin(t, org, "a2")
	junk := func(n int) []string { return strings.Split(strings.Repeat("opat_x,", n-1)+"opat_x", ",") }
	if got, r := revoke(t, admin, junk(4)); got == nil {
		t.Fatalf("4 of 5: %s", r.Raw)
	}
	if _, r := revoke(t, admin, junk(2)); r.Code() != "RATE_LIMITED" {
		t.Fatalf("2 more (1 left): got %s, want RATE_LIMITED", r.Raw)
	}
	const single = `mutation($v: String!) { revokeTokenByValue(token: $v) { outcome } }`
	if r := admin.Do(single, map[string]any{"v": "opat_x"}); r.Code() != "NOT_FOUND" {
		t.Fatalf("the last value, by the single call: got %s, want NOT_FOUND (the refused batch took nothing)", r.Raw)
	}
	if r := admin.Do(single, map[string]any{"v": "opat_x"}); r.Code() != "RATE_LIMITED" {
		t.Fatalf("a single call past the budget: got %s, want RATE_LIMITED", r.Raw)
	}
	_, r := revoke(t, other, junk(6))
	if r.Code() != "BAD_USER_INPUT" || r.Errors[0].Extensions["limit"] != float64(5) {
		t.Fatalf("6 values with a budget of 5: got %s, want BAD_USER_INPUT with limit 5", r.Raw)
	}
	if got, r := revoke(t, other, junk(5)); got == nil {
		t.Fatalf("another admin's budget: %s", r.Raw)
	}
}
