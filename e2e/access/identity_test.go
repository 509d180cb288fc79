package access

import (
	"net/http"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/patgov/pats/internal/auth"
	"github.com/patgov/pats/internal/entity"
	"github.com/patgov/pats/internal/testenv"
)

// signWith signs claims with method and key.
func signWith(t *testing.T, method jwt.SigningMethod, key any, claims *auth.Claims) string {
	t.Helper()
	s, err := jwt.NewWithClaims(method, claims).SignedString(key)
	if err != nil {
		t.Fatalf("sign: %v", err)
	}
	return s
}

// TestSessionTokenRejected: every request needs a valid HS256 session
// token; anything else is HTTP 401 UNAUTHENTICATED and provisions nothing.
// (A role or account type the service does not know is not refused but
// falls to the lesser privilege: TestUnknownRoleIsLeastPrivilege.)
func TestSessionTokenRejected(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, env *testenv.Env) {
		valid := func(t *testing.T, org string) *auth.Claims { return claimsFor(org, "alice") }
		hs256 := func(t *testing.T, c *auth.Claims) string { return testenv.SignToken(t, c) }
		cases := []struct {
			name string
			// header builds the Authorization header for org ("" = none).
			header func(t *testing.T, org string) string
		}{
			{"missing header", func(t *testing.T, org string) string { return "" }},
			{"basic scheme", func(t *testing.T, org string) string { return "Basic " + hs256(t, valid(t, org)) }},
			{"token scheme", func(t *testing.T, org string) string { return "Token " + hs256(t, valid(t, org)) }},
			{"no scheme", func(t *testing.T, org string) string { return hs256(t, valid(t, org)) }},
			{"bearer without token", func(t *testing.T, org string) string { return "Bearer " }},
			{"expired", func(t *testing.T, org string) string {
				c := valid(t, org)
				c.ExpiresAt = jwt.NewNumericDate(time.Now().Add(-time.Hour))
				return "Bearer " + hs256(t, c)
			}},
			{"expired beyond the leeway", func(t *testing.T, org string) string {
				c := valid(t, org)
				c.ExpiresAt = jwt.NewNumericDate(time.Now().Add(-2 * time.Minute))
				return "Bearer " + hs256(t, c)
			}},
			{"not yet valid", func(t *testing.T, org string) string {
				c := valid(t, org)
				c.NotBefore = jwt.NewNumericDate(time.Now().Add(time.Hour))
				return "Bearer " + hs256(t, c)
			}},
			{"signed with another key", func(t *testing.T, org string) string {
				return "Bearer " + signWith(t, jwt.SigningMethodHS256, []byte("some-other-key-0123456789abcdef-0123456"), valid(t, org))
			}},
			{"malformed", func(t *testing.T, org string) string { return "Bearer not-a-jwt" }},
			{"three garbage segments", func(t *testing.T, org string) string { return "Bearer aaa.bbb.ccc" }},
			{"truncated signature", func(t *testing.T, org string) string {
				s := hs256(t, valid(t, org))
				return "Bearer " + s[:len(s)-4]
			}},
			{"no exp", func(t *testing.T, org string) string {
				c := valid(t, org)
				c.ExpiresAt = nil
				return "Bearer " + hs256(t, c)
			}},
			{"alg none", func(t *testing.T, org string) string {
				return "Bearer " + signWith(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, valid(t, org))
			}},
			{"alg HS512", func(t *testing.T, org string) string {
				return "Bearer " + signWith(t, jwt.SigningMethodHS512, testenv.JWTKey, valid(t, org))
			}},
			{"alg HS384", func(t *testing.T, org string) string {
				return "Bearer " + signWith(t, jwt.SigningMethodHS384, testenv.JWTKey, valid(t, org))
			}},
			{"role missing", func(t *testing.T, org string) string {
				c := valid(t, org)
				c.Role = ""
				return "Bearer " + hs256(t, c)
			}},
			{"account_type missing", func(t *testing.T, org string) string {
				c := valid(t, org)
				c.AccountType = ""
				return "Bearer " + hs256(t, c)
			}},
			{"sub missing", func(t *testing.T, org string) string {
				c := valid(t, org)
				c.Subject = ""
				return "Bearer " + hs256(t, c)
			}},
			{"org missing", func(t *testing.T, org string) string {
				c := valid(t, org)
				c.Org = ""
				return "Bearer " + hs256(t, c)
			}},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				org := testenv.UniqueOrg("identity")
				r := postQuery(t, env, tc.header(t, org), viewerBody)
				testenv.WantError(t, r, http.StatusUnauthorized, "UNAUTHENTICATED")
				if r.Data != nil {
					t.Errorf("data: got %v, want null", r.Data)
				}
				if n := orgCount(t, env, org); n != 0 {
					t.Errorf("organizations provisioned for a rejected token: got %d, want 0", n)
				}
			})
		}
		t.Run("valid token (control)", func(t *testing.T) {
			org := testenv.UniqueOrg("identity")
			r := postQuery(t, env, "Bearer "+hs256(t, valid(t, org)), viewerBody)
			if r.Status != http.StatusOK || len(r.Errors) != 0 {
				t.Fatalf("got HTTP %d %s, want 200 without errors", r.Status, r.Raw)
			}
			if got := viewerID(t, r); got != "alice" {
				t.Errorf("viewer.id: got %v, want alice", got)
			}
			if n := orgCount(t, env, org); n != 1 {
				t.Errorf("organizations provisioned: got %d, want 1", n)
			}
		})
		t.Run("lower-case bearer scheme is accepted", func(t *testing.T) {
			org := testenv.UniqueOrg("identity")
			r := postQuery(t, env, "bearer "+hs256(t, valid(t, org)), viewerBody)
			if r.Status != http.StatusOK || len(r.Errors) != 0 {
				t.Fatalf("got HTTP %d %s, want 200 without errors", r.Status, r.Raw)
			}
		})
	})
}

// TestSessionTokenIssuerAudience: when the service is configured with an
// issuer and an audience, both must match.
func TestSessionTokenIssuerAudience(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, base *testenv.Env) {
		env := testenv.NewWith(t, base.Dialect, testenv.Options{JWTIssuer: "https://idp.test", JWTAudience: "pats"})
		cases := []struct {
			name       string
			iss        string
			aud        jwt.ClaimStrings
			wantStatus int
		}{
			{"correct", "https://idp.test", jwt.ClaimStrings{"pats"}, http.StatusOK},
			{"audience among several", "https://idp.test", jwt.ClaimStrings{"other", "pats"}, http.StatusOK},
			{"wrong issuer", "https://evil.test", jwt.ClaimStrings{"pats"}, http.StatusUnauthorized},
			{"issuer with trailing slash", "https://idp.test/", jwt.ClaimStrings{"pats"}, http.StatusUnauthorized},
			{"missing issuer", "", jwt.ClaimStrings{"pats"}, http.StatusUnauthorized},
			{"wrong audience", "https://idp.test", jwt.ClaimStrings{"other"}, http.StatusUnauthorized},
			{"audience differs in case", "https://idp.test", jwt.ClaimStrings{"PATS"}, http.StatusUnauthorized},
			{"missing audience", "https://idp.test", nil, http.StatusUnauthorized},
			{"both missing", "", nil, http.StatusUnauthorized},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				org := testenv.UniqueOrg("issaud")
				c := claimsFor(org, "alice")
				c.Issuer, c.Audience = tc.iss, tc.aud
				r := postQuery(t, env, "Bearer "+testenv.SignToken(t, c), viewerBody)
				if tc.wantStatus == http.StatusOK {
					if r.Status != http.StatusOK || len(r.Errors) != 0 {
						t.Fatalf("got HTTP %d %s, want 200 without errors", r.Status, r.Raw)
					}
					if n := orgCount(t, env, org); n != 1 {
						t.Errorf("organizations provisioned: got %d, want 1", n)
					}
					return
				}
				testenv.WantError(t, r, tc.wantStatus, "UNAUTHENTICATED")
				if n := orgCount(t, env, org); n != 0 {
					t.Errorf("organizations provisioned for a rejected token: got %d, want 0", n)
				}
			})
		}
	})
}

// TestUnknownRoleIsLeastPrivilege: a session whose role is not "admin"
// (another value, another case) is a member, and one whose account type
// is not "local" a directory account: the unexpected value always gets
// the lesser privilege, as issue 13's claim mapping says, never a 401
// and never admin.
func TestUnknownRoleIsLeastPrivilege(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, env *testenv.Env) {
		for _, tc := range []struct{ role, accountType string }{
			{"owner", "local"}, {"ADMIN", "local"}, {"member", "federated"}, {"member", "LOCAL"},
		} {
			t.Run(tc.role+"/"+tc.accountType, func(t *testing.T) {
				c := claimsFor(testenv.UniqueOrg("identity"), "alice")
				c.Role, c.AccountType = auth.Role(tc.role), entity.AccountType(tc.accountType)
				bearer := "Bearer " + testenv.SignToken(t, c)
				r := postQuery(t, env, bearer, []byte(`{"query":"{ viewerRole viewer { accountType } }"}`))
				var data struct {
					ViewerRole string
					Viewer     struct{ AccountType string }
				}
				r.DecodeData(t, &data)
				wantType := "LOCAL"
				if tc.accountType != "local" {
					wantType = "DIRECTORY"
				}
				if data.ViewerRole != "MEMBER" || data.Viewer.AccountType != wantType {
					t.Errorf("got role %s account type %s, want MEMBER %s", data.ViewerRole, data.Viewer.AccountType, wantType)
				}
				r = postQuery(t, env, bearer, []byte(`{"query":"{ users(first: 1) { nodes { id } } }"}`))
				testenv.WantError(t, r, http.StatusOK, "FORBIDDEN")
			})
		}
	})
}
