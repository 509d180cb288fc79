package testop

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/go-jose/go-jose/v4"
)

// TestPublicClientCodeFlow: a browser application signs a user in on the
// login page with the code flow and PKCE; the access token is a JWT for
// the API's audience with the user's claims, and the code is worth
// nothing without the verifier.
func TestPublicClientCodeFlow(t *testing.T) {
	srv := httptest.NewUnstartedServer(nil)
	issuer := "http://" + srv.Listener.Addr().String()
	p, err := New(issuer, "pats-api", jose.RS256)
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = p
	srv.Start()
	defer srv.Close()
	p.Storage.AddUser(User{ID: "u1", Username: "ada", Password: "pw", FirstName: "Ada", LastName: "Lovelace", Email: "ada@acme.test",
		Claims: map[string]any{"org": "acme", "role": "admin"}})
	const redirect = "http://127.0.0.1:1/admin/"
	p.Storage.AddPublicClient("console")
	if !p.Storage.AddRedirectURI("console", redirect) || p.Storage.AddRedirectURI("nobody", redirect) {
		t.Fatal("AddRedirectURI: want true for the client, false for an unknown one")
	}

	verifier := strings.Repeat("v", 50)
	sum := sha256.Sum256([]byte(verifier))
	code := signIn(t, issuer, url.Values{
		"client_id": {"console"}, "redirect_uri": {redirect}, "response_type": {"code"}, "scope": {"openid profile"},
		"state": {"st"}, "nonce": {"no"}, "code_challenge": {base64.RawURLEncoding.EncodeToString(sum[:])}, "code_challenge_method": {"S256"},
	})

	exchange := func(verifier string) (int, map[string]any) {
		form := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {redirect}, "client_id": {"console"}}
		if verifier != "" {
			form.Set("code_verifier", verifier)
		}
		resp, err := http.PostForm(issuer+"/oauth/token", form)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out map[string]any
		if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode, out
	}
	if status, _ := exchange("wrong-" + verifier); status == http.StatusOK {
		t.Fatal("token with a wrong verifier: got 200, want an error")
	}
	// A failed exchange spends the code at some providers; this one keeps
	// it, so the right verifier still works and shows the rest.
	status, out := exchange(verifier)
	access, _ := out["access_token"].(string)
	if status != http.StatusOK || strings.Count(access, ".") != 2 || out["id_token"] == nil {
		t.Fatalf("token: got %d %v, want a JWT access token and an ID token", status, out)
	}
	claims := payload(t, access)
	aud, _ := claims["aud"].([]any)
	if !slices.Contains(aud, any("pats-api")) || claims["sub"] != "u1" || claims["org"] != "acme" || claims["role"] != "admin" || claims["iss"] != issuer {
		t.Errorf("access token claims: got %v, want sub u1, the API's audience and the user's claims", claims)
	}
}

// signIn follows the authorization endpoint to the login page, signs in
// as ada and returns the code from the redirect to the application.
func signIn(t *testing.T, issuer string, params url.Values) string {
	t.Helper()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get(issuer + "/auth?" + params.Encode())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	login, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || resp.StatusCode != http.StatusFound || login.Path != "/login/username" {
		t.Fatalf("authorize: got %d to %q, want the login page", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, err = client.PostForm(issuer+"/login/username", url.Values{"username": {"ada"}, "password": {"pw"}, "id": {login.Query().Get("authRequestID")}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	// The login page hands back to the provider, which redirects to the
	// application with the code.
	for range 3 {
		next, err := url.Parse(resp.Header.Get("Location"))
		if err != nil || resp.StatusCode != http.StatusFound {
			t.Fatalf("after login: got %d to %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		if next.Path == "/admin/" {
			if next.Query().Get("state") != "st" || next.Query().Get("code") == "" {
				t.Fatalf("redirect: got %q, want the code and the state", next)
			}
			return next.Query().Get("code")
		}
		if !next.IsAbs() {
			next = resolve(t, issuer, next)
		}
		if resp, err = client.Get(next.String()); err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	t.Fatal("no redirect to the application")
	return ""
}

func resolve(t *testing.T, issuer string, ref *url.URL) *url.URL {
	base, err := url.Parse(issuer)
	if err != nil {
		t.Fatal(err)
	}
	return base.ResolveReference(ref)
}

func payload(t *testing.T, jwt string) map[string]any {
	t.Helper()
	seg := strings.Split(jwt, ".")[1]
	b, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}
