package console

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/patgov/pats/internal/testenv"
)

// devSession signs in through the console's development API as role.
func devSession(t *testing.T, env *testenv.Env, role string) string {
	t.Helper()
	status, body := postDevSession(t, env, "application/json", `{"role":"`+role+`"}`)
	if status != http.StatusOK {
		t.Fatalf("dev-session %s: got %d %s, want 200", role, status, body)
	}
	var resp struct{ Token, ExpiresAt string }
	if err := json.Unmarshal([]byte(body), &resp); err != nil || resp.Token == "" {
		t.Fatalf("dev-session %s: body %s, want a token", role, body)
	}
	exp, err := time.Parse(time.RFC3339, resp.ExpiresAt)
	if err != nil || time.Until(exp) < 12*time.Hour-time.Minute || time.Until(exp) > 12*time.Hour {
		t.Errorf("expiresAt: got %q, want about 12 hours from now", resp.ExpiresAt)
	}
	return resp.Token
}

func postDevSession(t *testing.T, env *testenv.Env, contentType, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, env.URL+"/admin/api/dev-session", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	return do(t, req)
}

func do(t *testing.T, req *http.Request) (int, string) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

const viewerQuery = `{ viewer { id name email accountType } }`

func wantViewer(t *testing.T, env *testenv.Env, bearer, id, name, email, accountType string) {
	t.Helper()
	r := env.Post(t, bearer, viewerQuery, nil)
	if r.Status != http.StatusOK || len(r.Errors) > 0 {
		t.Fatalf("viewer: got %d %s, want data", r.Status, r.Raw)
	}
	var data struct{ Viewer testenv.User }
	r.DecodeData(t, &data)
	if v := data.Viewer; v.ID != id || v.Name != name || v.Email != email || v.AccountType != accountType {
		t.Errorf("viewer: got %v, want %s %q %s %s", v, id, name, email, accountType)
	}
}

// TestDevSignIn: in development mode the console's three demo sessions
// work on /query as their identities of demo-org, with their roles.
func TestDevSignIn(t *testing.T) {
	for _, dialect := range testenv.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			env := testenv.NewWith(t, dialect, testenv.Options{DevMode: true})

			t.Run("admin", func(t *testing.T) {
				admin := devSession(t, env, "admin")
				wantViewer(t, env, admin, "demo-admin", "Demo Admin", "admin@demo.example", "LOCAL")
				// Admins only: the role is admin.
				r := env.Post(t, admin, `{ auditEvents(first: 1) { pageInfo { hasNextPage } } }`, nil)
				if r.Status != http.StatusOK || len(r.Errors) > 0 {
					t.Errorf("auditEvents as the demo admin: got %d %s, want data", r.Status, r.Raw)
				}
				var org string
				if err := env.DB.DB.Raw(`SELECT o.external_id FROM users u JOIN organizations o ON o.id = u.organization_id WHERE u.subject = ?`, "demo-admin").
					Scan(&org).Error; err != nil || org != "demo-org" {
					t.Errorf("demo-admin's organization: got %q, %v, want demo-org", org, err)
				}
			})
			t.Run("member", func(t *testing.T) {
				member := devSession(t, env, "member")
				wantViewer(t, env, member, "demo-member", "Demo Member", "member@demo.example", "LOCAL")
				r := env.Post(t, member, `{ auditEvents(first: 1) { pageInfo { hasNextPage } } }`, nil)
				if r.Code() != "FORBIDDEN" {
					t.Errorf("auditEvents as the demo member: got %s, want FORBIDDEN", r.Raw)
				}
			})
			t.Run("directory", func(t *testing.T) {
				directory := devSession(t, env, "directory")
				wantViewer(t, env, directory, "demo-directory", "Demo Directory User", "directory@demo.example", "DIRECTORY")
				r := env.Post(t, directory, `mutation { createPersonalAccessToken(input: {name: "ci", scopes: ["OR.Jobs"]}) { token } }`, nil)
				if r.Code() != "LOCAL_ACCOUNT_REQUIRED" {
					t.Errorf("createPersonalAccessToken as the directory user: got %s, want LOCAL_ACCOUNT_REQUIRED", r.Raw)
				}
			})
			t.Run("a form post mints nothing", func(t *testing.T) {
				status, body := postDevSession(t, env, "application/x-www-form-urlencoded", `role=admin`)
				if status != http.StatusUnsupportedMediaType || strings.Contains(body, "token") {
					t.Errorf("form post: got %d %s, want 415 without a token", status, body)
				}
			})
			t.Run("duplicate keys mint nothing", func(t *testing.T) {
				for _, body := range []string{`{"role":"member","role":"admin"}`, `{"role":"member","ROLE":"admin"}`} {
					status, resp := postDevSession(t, env, "application/json", body)
					if status != http.StatusBadRequest || !strings.Contains(resp, `"BAD_REQUEST"`) || strings.Contains(resp, "token") {
						t.Errorf("%s: got %d %s, want 400 BAD_REQUEST without a token", body, status, resp)
					}
				}
			})
			t.Run("config", func(t *testing.T) {
				if status, body := get(t, env, "/admin/api/config"); status != http.StatusOK || body != `{"devMode":true}`+"\n" {
					t.Errorf("config: got %d %s, want 200 devMode true", status, body)
				}
			})
		})
	}
}

// TestDevSignInWithIssuerAndAudience: development sessions carry the
// configured issuer and audience, so the service accepts them.
func TestDevSignInWithIssuerAndAudience(t *testing.T) {
	env := testenv.NewWith(t, "sqlite", testenv.Options{DevMode: true, JWTIssuer: "https://idp.example", JWTAudience: "pats"})
	wantViewer(t, env, devSession(t, env, "admin"), "demo-admin", "Demo Admin", "admin@demo.example", "LOCAL")
}

// TestProductionHasNoDevSignIn: in production mode the dev-session path is
// an unknown path for every role, and the configuration says so.
func TestProductionHasNoDevSignIn(t *testing.T) {
	for _, dialect := range testenv.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			env := testenv.New(t, dialect)
			for _, role := range []string{"admin", "member", "directory"} {
				status, body := postDevSession(t, env, "application/json", `{"role":"`+role+`"}`)
				if status != http.StatusNotFound || !strings.Contains(body, `"code":"NOT_FOUND"`) || strings.Contains(body, "token") {
					t.Errorf("dev-session %s in production: got %d %s, want 404 NOT_FOUND", role, status, body)
				}
			}
			if status, body := get(t, env, "/admin/api/config"); status != http.StatusOK || body != `{"devMode":false}`+"\n" {
				t.Errorf("config: got %d %s, want 200 devMode false", status, body)
			}
		})
	}
}

func get(t *testing.T, env *testenv.Env, path string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, env.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	return do(t, req)
}
