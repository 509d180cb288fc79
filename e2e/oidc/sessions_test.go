package oidc

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/golang-jwt/jwt/v5"

	"github.com/patgov/pats/internal/auth"
	"github.com/patgov/pats/internal/testenv"
	"github.com/patgov/pats/internal/testop"
)

// mappingEnv maps claims as a provider with tenants and groups puts
// them: nested org and account kind, admin by group membership.
var mappingEnv = map[string]string{
	"PATS_CLAIM_ORG":          "tenant.id",
	"PATS_CLAIM_ROLE":         "groups",
	"PATS_CLAIM_ADMIN_VALUES": "pats-admins,security",
	"PATS_CLAIM_ACCOUNT_TYPE": "account.kind",
	"PATS_CLAIM_LOCAL_VALUES": "local",
	"PATS_CLAIM_EMAIL":        "contact.email",
	"PATS_CLAIM_NAME":         "display_name",
}

// startService starts the service with p as its identity provider and
// mappingEnv, plus extra variables.
func startService(t *testing.T, dialect string, p *provider, extra map[string]string) *testenv.Env {
	t.Helper()
	env := map[string]string{"PATS_OIDC_ISSUER": p.Issuer, "PATS_JWT_AUDIENCE": audience}
	for k, v := range mappingEnv {
		env[k] = v
	}
	for k, v := range extra {
		env[k] = v
	}
	return testenv.NewWith(t, dialect, testenv.Options{AuthEnv: env})
}

// claims are a token's custom claims for mappingEnv.
func claims(org string, groups []string, kind string) map[string]any {
	return map[string]any{
		"tenant":       map[string]any{"id": org},
		"groups":       groups,
		"account":      map[string]any{"kind": kind},
		"contact":      map[string]any{"email": "someone@" + org + ".test"},
		"display_name": "Someone at " + org,
	}
}

const viewerQuery = `{ viewer { id email name accountType } }`

// viewer asks for the caller with token, failing unless it succeeds.
func viewer(t *testing.T, env *testenv.Env, token string) testenv.User {
	t.Helper()
	r := env.Post(t, token, viewerQuery, nil)
	if r.Status != http.StatusOK || len(r.Errors) != 0 {
		t.Fatalf("viewer: got HTTP %d %s, want 200 without errors", r.Status, r.Raw)
	}
	var data struct{ Viewer testenv.User }
	r.DecodeData(t, &data)
	return data.Viewer
}

// refused asserts that token opens no session.
func refused(t *testing.T, env *testenv.Env, token string) {
	t.Helper()
	r := env.Post(t, token, viewerQuery, nil)
	testenv.WantError(t, r, http.StatusUnauthorized, "UNAUTHENTICATED")
}

// enableTokens is an admin-only mutation.
func enableTokens(t *testing.T, env *testenv.Env, token string) *testenv.Response {
	t.Helper()
	return env.Post(t, token, testenv.UpdateSettingsMutation, map[string]any{"input": map[string]any{"enabled": true}})
}

// TestProviderSessions: the service discovers the provider's keys at
// start and accepts the access tokens its token endpoint issues, with
// org, role, account type, email and name read through the mapping
// (nested objects, an array of groups).
func TestProviderSessions(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		p := newProvider(t)
		env := startService(t, dialect, p, nil)
		if n := p.keyFetches(); n != 1 {
			t.Errorf("key set fetches at start: got %d, want 1 (found through discovery)", n)
		}

		org := testenv.UniqueOrg("oidc")
		t.Run("admin by group, local account", func(t *testing.T) {
			token := p.token(t, "alice", claims(org, []string{"staff", "pats-admins"}, "local"))
			got := viewer(t, env, token)
			want := testenv.User{ID: "alice", Email: "someone@" + org + ".test", Name: "Someone at " + org, AccountType: "LOCAL"}
			if got != want {
				t.Errorf("viewer: got %v, want %v", got, want)
			}
			env.UserID(t, org, "alice") // provisioned in the mapped organization
			if r := enableTokens(t, env, token); r.Status != http.StatusOK || len(r.Errors) != 0 {
				t.Errorf("admin mutation: got HTTP %d %s, want success", r.Status, r.Raw)
			}
		})
		t.Run("member without an admin group, directory account", func(t *testing.T) {
			token := p.token(t, "bob", claims(org, []string{"staff"}, "sso"))
			if got := viewer(t, env, token); got.ID != "bob" || got.AccountType != "DIRECTORY" {
				t.Errorf("viewer: got %v, want bob, DIRECTORY", got)
			}
			testenv.RequireError(t, enableTokens(t, env, token), "FORBIDDEN")
		})
		t.Run("role as a single string", func(t *testing.T) {
			c := claims(org, nil, "local")
			c["groups"] = "security"
			if r := enableTokens(t, env, p.token(t, "carol", c)); r.Status != http.StatusOK || len(r.Errors) != 0 {
				t.Errorf("admin mutation: got HTTP %d %s, want success", r.Status, r.Raw)
			}
		})
		for _, tc := range []struct {
			name   string
			change func(c map[string]any)
		}{
			{"org missing", func(c map[string]any) { delete(c, "tenant") }},
			{"org not a string", func(c map[string]any) { c["tenant"] = map[string]any{"id": 42} }},
			{"groups missing", func(c map[string]any) { delete(c, "groups") }},
			{"account kind missing", func(c map[string]any) { c["account"] = map[string]any{} }},
			{"email not a string", func(c map[string]any) { c["contact"] = map[string]any{"email": []string{"a@b.test"}} }},
		} {
			t.Run("refused: "+tc.name, func(t *testing.T) {
				c := claims(testenv.UniqueOrg("oidc-refused"), []string{"pats-admins"}, "local")
				tc.change(c)
				refused(t, env, p.token(t, "dave", c))
			})
		}
		t.Run("refused: reserved subject", func(t *testing.T) {
			refused(t, env, p.token(t, auth.ReservedSubjectPrefix+"secret-scanning", claims(org, []string{"pats-admins"}, "local")))
		})
		t.Run("refused: an HS256 session, PATS_JWT_SECRET set or not", func(t *testing.T) {
			refused(t, env, testenv.SignToken(t, &auth.Claims{
				RegisteredClaims: jwt.RegisteredClaims{Subject: "eve", Issuer: p.Issuer, Audience: jwt.ClaimStrings{audience},
					ExpiresAt: jwt.NewNumericDate(time.Now().Add(time.Hour))},
				Org: org, Role: auth.RoleAdmin, AccountType: "local",
			}))
		})
	})
}

// TestProviderKeyRotation: a key the provider starts signing with is
// picked up without a restart; one it removed is refused from then on.
func TestProviderKeyRotation(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		p := newProvider(t)
		env := startService(t, dialect, p, nil)
		org := testenv.UniqueOrg("rotation")
		before := p.token(t, "alice", claims(org, []string{"pats-admins"}, "local"))
		viewer(t, env, before)

		// An abrupt rotation to an ES256 key: the RS256 key leaves the key
		// set at once.
		p.rotate(t, jose.ES256, false)
		after := p.token(t, "alice", claims(org, []string{"pats-admins"}, "local"))
		if alg := headerOf(t, after)["alg"]; alg != "ES256" {
			t.Fatalf("rotated token alg: got %v, want ES256", alg)
		}
		viewer(t, env, after)
		if n := p.keyFetches(); n != 2 {
			t.Errorf("key set fetches: got %d, want 2 (start, then the new kid)", n)
		}
		refused(t, env, before)
		viewer(t, env, after)
		if n := p.keyFetches(); n != 2 {
			t.Errorf("key set fetches after using known keys: got %d, want still 2", n)
		}
	})
}

// TestProviderGracefulRotation: while the provider still publishes the
// previous key, tokens signed with either are accepted (here the new key
// is EdDSA).
func TestProviderGracefulRotation(t *testing.T) {
	p := newProvider(t)
	env := startService(t, "sqlite", p, nil)
	org := testenv.UniqueOrg("graceful")
	before := p.token(t, "alice", claims(org, []string{"staff"}, "local"))
	p.rotate(t, jose.EdDSA, true)
	after := p.token(t, "alice", claims(org, []string{"staff"}, "local"))
	if alg := headerOf(t, after)["alg"]; alg != "EdDSA" {
		t.Fatalf("rotated token alg: got %v, want EdDSA", alg)
	}
	viewer(t, env, after)
	viewer(t, env, before)
}

// TestProviderDown: with the provider unreachable, tokens signed with the
// cached keys are still accepted, also after a failed fetch of the keys;
// a token naming an unknown key is refused at once.
func TestProviderDown(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		p := newProvider(t)
		env := startService(t, dialect, p, nil)
		org := testenv.UniqueOrg("down")
		used := p.token(t, "alice", claims(org, []string{"pats-admins"}, "local"))
		fresh := p.token(t, "bob", claims(org, []string{"staff"}, "local"))
		viewer(t, env, used)
		signer := p.current()
		p.Close()

		viewer(t, env, used)
		if got := viewer(t, env, fresh); got.ID != "bob" {
			t.Errorf("viewer: got %v, want bob", got)
		}
		// Minted with the provider's (cached) key after it went down.
		late := mint(t, signer, p.Issuer, "carol", claims(org, []string{"staff"}, "local"))
		viewer(t, env, late)

		other := &testop.SigningKey{KID: "unknown-kid", Alg: jose.RS256, Private: rsaKey(t)}
		start := time.Now()
		refused(t, env, mint(t, other, p.Issuer, "mallory", claims(org, []string{"pats-admins"}, "local")))
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("unknown kid with the provider down: answered after %v, want at once", d)
		}
		// That unknown kid sent the service to the unreachable provider:
		// the failed fetch keeps the cached keys.
		viewer(t, env, used)
		viewer(t, env, late)
	})
}

// TestUnknownKeyFlood: tokens naming made-up key IDs, many and in
// parallel, cost the provider one key-set request, not one each.
func TestUnknownKeyFlood(t *testing.T) {
	p := newProvider(t)
	env := startService(t, "sqlite", p, nil)
	org := testenv.UniqueOrg("flood")
	start := p.keyFetches()
	const workers, each = 8, 25
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				k := &testop.SigningKey{KID: fmt.Sprintf("random-%d-%d", w, i), Alg: jose.RS256, Private: floodKey}
				r := env.Post(t, mint(t, k, p.Issuer, "mallory", claims(org, []string{"pats-admins"}, "local")), viewerQuery, nil)
				if r.Status != http.StatusUnauthorized {
					t.Errorf("random kid: got HTTP %d, want 401", r.Status)
				}
			}
		}()
	}
	wg.Wait()
	if n := p.keyFetches() - start; n > 1 {
		t.Errorf("key set fetches for %d unknown kids: got %d, want at most 1", workers*each, n)
	}
	// The provider's own tokens still pass.
	viewer(t, env, p.token(t, "alice", claims(org, []string{"staff"}, "local")))
}

// floodKey signs the flood's tokens (one key: generating 200 would only
// slow the test).
var floodKey = func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
}()

// TestAlgorithmConfusion: tokens that name the provider's key but are
// not signed by it with an allowed algorithm are refused.
func TestAlgorithmConfusion(t *testing.T) {
	p := newProvider(t)
	env := startService(t, "sqlite", p, nil)
	org := testenv.UniqueOrg("confusion")
	good := p.current()
	c := claims(org, []string{"pats-admins"}, "local")
	viewer(t, env, p.token(t, "alice", c))
	registered := func(sub string) jwt.MapClaims {
		m := jwt.MapClaims{"sub": sub, "iss": p.Issuer, "aud": audience, "iat": time.Now().Unix(), "exp": time.Now().Add(time.Hour).Unix()}
		for k, v := range c {
			m[k] = v
		}
		return m
	}
	der, err := x509.MarshalPKIXPublicKey(good.Private.Public())
	if err != nil {
		t.Fatal(err)
	}
	pemKey := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
	hs := func(key []byte) string {
		tok := jwt.NewWithClaims(jwt.SigningMethodHS256, registered("mallory"))
		tok.Header["kid"] = good.KID
		s, err := tok.SignedString(key)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	none := func() string {
		tok := jwt.NewWithClaims(jwt.SigningMethodNone, registered("mallory"))
		tok.Header["kid"] = good.KID
		s, err := tok.SignedString(jwt.UnsafeAllowNoneSignatureType)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	cases := []struct{ name, token string }{
		{"HS256 keyed with the public key (PEM)", hs(pemKey)},
		{"HS256 keyed with the public key (DER)", hs(der)},
		{"alg none", none()},
		{"alg none, signature stripped from a real token", stripToNone(t, p.token(t, "alice", c))},
		{"RS256 by another key under the provider's kid", mint(t, &testop.SigningKey{KID: good.KID, Alg: jose.RS256, Private: rsaKey(t)}, p.Issuer, "mallory", c)},
		{"provider's key, another audience", mintClaims(t, good, withClaim(registered("mallory"), "aud", "another-api"))},
		// An ID token is signed with the same keys; its audience is the
		// client's (the console's), not the API's. Even carrying every
		// mapped claim, it opens no session (docs/SECURITY.md, Audience).
		{"an ID token of the console's client, every mapped claim in it", mintClaims(t, good, withClaim(withClaim(withClaim(
			registered("alice"), "aud", "pats-console"), "azp", "pats-console"), "nonce", "n-0S6_WzA2Mj"))},
		{"provider's key, another issuer", mintClaims(t, good, withClaim(registered("mallory"), "iss", "https://evil.example"))},
		{"provider's key, no exp", mintClaims(t, good, withClaim(registered("mallory"), "exp", nil))},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { refused(t, env, tc.token) })
	}
	t.Run("control: the provider's key, as the provider signs", func(t *testing.T) {
		viewer(t, env, mintClaims(t, good, registered("alice")))
	})
}

// TestAlgorithmAllowList: PATS_JWT_ALGORITHMS narrows what the provider's
// keys may sign with.
func TestAlgorithmAllowList(t *testing.T) {
	p := newProvider(t) // RS256
	env := startService(t, "sqlite", p, map[string]string{"PATS_JWT_ALGORITHMS": "ES256"})
	org := testenv.UniqueOrg("allow")
	refused(t, env, p.token(t, "alice", claims(org, []string{"staff"}, "local")))
	p.rotate(t, jose.ES256, false)
	viewer(t, env, p.token(t, "alice", claims(org, []string{"staff"}, "local")))
}

// TestProviderMeansProduction: with an identity provider there is no
// development sign-in, even without PATS_JWT_SECRET.
func TestProviderMeansProduction(t *testing.T) {
	p := newProvider(t)
	env := testenv.NewWith(t, "sqlite", testenv.Options{DevMode: true, AuthEnv: map[string]string{
		"PATS_OIDC_ISSUER": p.Issuer, "PATS_JWT_AUDIENCE": audience,
	}})
	for path, want := range map[string]int{"/admin/api/dev-session": http.StatusNotFound, "/admin/api/config": http.StatusOK} {
		req, _ := http.NewRequest(http.MethodPost, env.URL+path, strings.NewReader(`{"role":"admin"}`))
		if path == "/admin/api/config" {
			req.Method = http.MethodGet
		}
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var body strings.Builder
		_, _ = fmt.Fprint(&body, readAll(t, resp))
		if resp.StatusCode != want {
			t.Errorf("%s: got HTTP %d, want %d", path, resp.StatusCode, want)
		}
		if path == "/admin/api/config" && !strings.Contains(body.String(), `"devMode":false`) {
			t.Errorf("%s: got %s, want devMode false", path, body.String())
		}
	}
	// The default mapping: the service's own claim names, from the provider.
	org := testenv.UniqueOrg("prod")
	viewer(t, env, p.token(t, "alice", map[string]any{"org": org, "role": "member", "account_type": "local"}))
	// A role the service does not know is a member, not a refusal; a
	// missing one is refused.
	bob := p.token(t, "bob", map[string]any{"org": org, "role": "owner", "account_type": "local"})
	viewer(t, env, bob)
	testenv.RequireError(t, enableTokens(t, env, bob), "FORBIDDEN")
	refused(t, env, p.token(t, "carol", map[string]any{"org": org, "account_type": "local"}))
}

// forEachDialect runs fn on each dialect under test.
func forEachDialect(t *testing.T, fn func(t *testing.T, dialect string)) {
	for _, d := range testenv.Dialects(t) {
		t.Run(d, func(t *testing.T) { fn(t, d) })
	}
}

// mint signs a token as the provider would (claims, iss, aud, iat, exp)
// with key, its kid in the header.
func mint(t *testing.T, key *testop.SigningKey, issuer, subject string, custom map[string]any) string {
	t.Helper()
	m := jwt.MapClaims{"sub": subject, "iss": issuer, "aud": audience, "iat": time.Now().Unix(), "exp": time.Now().Add(5 * time.Minute).Unix()}
	for k, v := range custom {
		m[k] = v
	}
	return mintClaims(t, key, m)
}

// mintClaims signs exactly claims with key, its kid in the header.
func mintClaims(t *testing.T, key *testop.SigningKey, claims jwt.MapClaims) string {
	t.Helper()
	tok := jwt.NewWithClaims(jwt.GetSigningMethod(string(key.Alg)), claims)
	tok.Header["kid"] = key.KID
	s, err := tok.SignedString(key.Private)
	if err != nil {
		t.Fatalf("sign: %v", err)
	}
	return s
}

// withClaim sets (or, with nil, removes) one claim.
func withClaim(m jwt.MapClaims, name string, v any) jwt.MapClaims {
	if v == nil {
		delete(m, name)
	} else {
		m[name] = v
	}
	return m
}

// stripToNone turns a signed token into an unsigned one: alg none, no
// signature, the same claims.
func stripToNone(t *testing.T, token string) string {
	t.Helper()
	parts := strings.Split(token, ".")
	h := headerOf(t, token)
	h["alg"] = "none"
	b, err := json.Marshal(h)
	if err != nil {
		t.Fatal(err)
	}
	return base64.RawURLEncoding.EncodeToString(b) + "." + parts[1] + "."
}

// headerOf decodes a token's header.
func headerOf(t *testing.T, token string) map[string]any {
	t.Helper()
	seg, _, _ := strings.Cut(token, ".")
	b, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil {
		t.Fatal(err)
	}
	var h map[string]any
	if err := json.Unmarshal(b, &h); err != nil {
		t.Fatal(err)
	}
	return h
}

func rsaKey(t *testing.T) *rsa.PrivateKey {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func readAll(t *testing.T, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
