package access

import (
	"bytes"
	"net/http"
	"net/url"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/patgov/pats/internal/entity"
	"github.com/patgov/pats/internal/testenv"
	"github.com/patgov/pats/pattoken"
)

// introspectRaw posts form to /introspect with the given Authorization
// header value (none when empty).
func introspectRaw(t *testing.T, env *testenv.Env, authorization string, form url.Values) (int, http.Header, string) {
	t.Helper()
	h := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}
	if authorization != "" {
		h.Set("Authorization", authorization)
	}
	return doHTTP(t, http.MethodPost, env.URL+"/introspect", h, strings.NewReader(form.Encode()))
}

// TestIntrospectionClientAuth: only resource servers with the shared
// secret may introspect.
func TestIntrospectionClientAuth(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, env *testenv.Env) {
		secret, _ := mustCreate(t, env.Member(t, testenv.UniqueOrg("introauth"), "alice"), simpleInput("ci"))
		form := url.Values{"token": {secret}}
		cases := []struct {
			name, authorization string
		}{
			{"no secret", ""},
			{"wrong secret", "Bearer wrong-secret"},
			{"secret with a suffix", "Bearer " + testenv.IntrospectionSecret + "x"},
			{"secret prefix", "Bearer " + testenv.IntrospectionSecret[:len(testenv.IntrospectionSecret)-1]},
			{"basic scheme", "Basic " + testenv.IntrospectionSecret},
			{"no scheme", testenv.IntrospectionSecret},
			{"the token itself", "Bearer " + secret},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				status, _, body := introspectRaw(t, env, tc.authorization, form)
				if status != http.StatusUnauthorized {
					t.Errorf("HTTP status: got %d, want 401 (body %s)", status, body)
				}
				if strings.Contains(body, `"active"`) {
					t.Errorf("body: got %s, want no introspection answer", body)
				}
			})
		}
		t.Run("right secret (control)", func(t *testing.T) {
			status, _, body := introspectRaw(t, env, "Bearer "+testenv.IntrospectionSecret, form)
			if status != http.StatusOK || !strings.HasPrefix(body, `{"active":true`) {
				t.Errorf("got HTTP %d %s, want 200 active", status, body)
			}
		})
		t.Run("token in the query string is ignored", func(t *testing.T) {
			h := http.Header{"Authorization": {"Bearer " + testenv.IntrospectionSecret}}
			status, _, body := doHTTP(t, http.MethodPost, env.URL+"/introspect?"+form.Encode(), h, nil)
			if status != http.StatusOK || body != inactive {
				t.Errorf("got HTTP %d %q, want 200 %q", status, body, inactive)
			}
		})
		t.Run("no token field", func(t *testing.T) {
			for _, form := range []url.Values{{}, {"other": {"x"}}, {"token": {""}}} {
				status, _, body := introspectRaw(t, env, "Bearer "+testenv.IntrospectionSecret, form)
				if status != http.StatusOK || body != inactive {
					t.Errorf("form %v: got HTTP %d %q, want 200 %q", form, status, body, inactive)
				}
			}
		})
	})
}

// TestIntrospectionActive: an active token is described by exactly the
// RFC 7662 fields the contract lists.
func TestIntrospectionActive(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, env *testenv.Env) {
		org := testenv.UniqueOrg("introactive")
		alice := env.As(t, testenv.Identity{Org: org, Subject: "alice-sub", Email: "alice@corp.test", Name: "Alice"})
		cases := []struct {
			name      string
			scopes    []string
			wantScope string
		}{
			{"one scope", []string{"OR.Jobs"}, "OR.Jobs"},
			{"sorted and de-duplicated", []string{"TM.Projects.Read", "OR.Assets", "OR.Jobs.Read", "OR.Assets"}, "OR.Assets OR.Jobs.Read TM.Projects.Read"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				in := map[string]any{"name": tc.name, "scopes": tc.scopes}
				in["expiresAt"] = testenv.FormatTime(env.Clock.Now().Add(10*day + 1500*time.Millisecond))
				secret, tok := mustCreate(t, alice, in)
				status, header, body := introspectRaw(t, env, "Bearer "+testenv.IntrospectionSecret, url.Values{"token": {secret}})
				if status != http.StatusOK {
					t.Fatalf("HTTP status: got %d, want 200 (%s)", status, body)
				}
				if ct := header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
					t.Errorf("Content-Type: got %q, want application/json", ct)
				}
				if cc := header.Get("Cache-Control"); cc != "no-store" {
					t.Errorf("Cache-Control: got %q, want no-store", cc)
				}
				info := env.RequireActive(t, secret)
				keys := make([]string, 0, len(info))
				for k := range info {
					keys = append(keys, k)
				}
				sort.Strings(keys)
				if want := []string{"active", "exp", "iat", "org", "scope", "sub", "token_type", "username"}; !reflect.DeepEqual(keys, want) {
					t.Errorf("keys: got %v, want %v", keys, want)
				}
				want := map[string]any{
					"active": true, "scope": tc.wantScope, "sub": "alice-sub", "username": "alice@corp.test",
					"org": org, "token_type": "personal_access_token",
				}
				for k, v := range want {
					if info[k] != v {
						t.Errorf("%s: got %v, want %v", k, info[k], v)
					}
				}
				if got, want := jsonInt(t, info["exp"]), tok.ExpiresAt.Unix(); got != want {
					t.Errorf("exp: got %d, want %d", got, want)
				}
				if got, want := jsonInt(t, info["iat"]), tok.CreatedAt.Unix(); got != want {
					t.Errorf("iat: got %d, want %d", got, want)
				}
			})
		}
		t.Run("exp is the effective expiry", func(t *testing.T) {
			secret, tok := mustCreate(t, alice, simpleInput("default"))
			env.Admin(t, org, "root").MustUpdateSettings(map[string]any{"maxLifespanDays": 5})
			info := env.RequireActive(t, secret)
			if got, want := jsonInt(t, info["exp"]), tok.CreatedAt.Add(5*day).Unix(); got != want {
				t.Errorf("exp: got %d, want %d", got, want)
			}
		})
	})
}

// TestIntrospectionInactiveIndistinguishable: every token that does not
// authenticate gets the same bytes, whatever the reason.
func TestIntrospectionInactiveIndistinguishable(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, env *testenv.Env) {
		org := testenv.UniqueOrg("introinactive")
		alice := env.Member(t, org, "alice")

		good, _ := mustCreate(t, alice, simpleInput("good"))
		revoked, rtok := mustCreate(t, alice, simpleInput("revoked"))
		alice.MustDo(revokeMutation, map[string]any{"ids": []string{rtok.ID}})
		inExp := simpleInput("expired")
		inExp["expiresAt"] = testenv.FormatTime(env.Clock.Now().Add(time.Minute))
		expired, _ := mustCreate(t, alice, inExp)
		env.Clock.Advance(2 * time.Minute)

		disabledOrg := testenv.UniqueOrg("introinactive")
		disabledTok, _ := mustCreate(t, env.Member(t, disabledOrg, "dan"), simpleInput("in disabled org"))
		env.Admin(t, disabledOrg, "root").MustUpdateSettings(map[string]any{"enabled": false})

		dirTok, _ := mustCreate(t, env.Member(t, org, "dora"), simpleInput("owner now directory"))
		env.As(t, testenv.Identity{Org: org, Subject: "dora", AccountType: entity.AccountTypeDirectory}).MustDo(viewerQuery, nil)

		unknown, err := pattoken.Generate()
		if err != nil {
			t.Fatalf("generate: %v", err)
		}
		badChecksum := []byte(good)
		last := len(badChecksum) - 1
		if badChecksum[last] == 'A' {
			badChecksum[last] = 'B'
		} else {
			badChecksum[last] = 'A'
		}
		cases := []struct{ name, token string }{
			{"malformed", "hello"},
			{"prefix only", "opat_"},
			{"bad checksum", string(badChecksum)},
			{"truncated", good[:len(good)-1]},
			{"with a trailing space", good + " "},
			{"bearer-prefixed", "Bearer " + good},
			{"unknown well-formed", unknown.Value},
			{"revoked", revoked},
			{"expired", expired},
			{"organization disabled", disabledTok},
			{"owner directory", dirTok},
		}
		var bodies []string
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				status, header, body := introspectRaw(t, env, "Bearer "+testenv.IntrospectionSecret, url.Values{"token": {tc.token}})
				if status != http.StatusOK {
					t.Errorf("HTTP status: got %d, want 200", status)
				}
				if body != inactive {
					t.Errorf("body: got %q, want %q", body, inactive)
				}
				if cc := header.Get("Cache-Control"); cc != "no-store" {
					t.Errorf("Cache-Control: got %q, want no-store", cc)
				}
				bodies = append(bodies, body)
			})
		}
		for i := 1; i < len(bodies); i++ {
			if !bytes.Equal([]byte(bodies[i]), []byte(bodies[0])) {
				t.Errorf("inactive bodies differ: %q vs %q", bodies[i], bodies[0])
			}
		}
		// The good one is active, so the cases above are not vacuous.
		env.RequireActive(t, good)
	})
}

// TestIntrospectionRecordsUse: a successful introspection sets lastUsedAt,
// at most once a minute; failed ones do not.
func TestIntrospectionRecordsUse(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, env *testenv.Env) {
		org := testenv.UniqueOrg("lastused")
		alice := env.Member(t, org, "alice")
		secret, tok := mustCreate(t, alice, simpleInput("ci"))
		id := tok.ID
		// Uses are written in batches: flush as the background loop would.
		lastUsed := func() *testenv.Time {
			env.FlushUses(t)
			return tokenByID(t, alice, id).LastUsedAt
		}
		if got := lastUsed(); got != nil {
			t.Fatalf("lastUsedAt before use: got %v, want null", got)
		}
		if _, ok := listWith(t, alice, map[string]any{"neverUsed": true})[id]; !ok {
			t.Errorf("filter neverUsed: token missing before use")
		}

		env.RequireActive(t, secret)
		first := lastUsed()
		if first == nil {
			t.Fatalf("lastUsedAt after use: got null, want a time")
		}
		testenv.Near(t, "lastUsedAt", testenv.ParseTime(t, first), env.Clock.Now(), 5*time.Second)
		if _, ok := listWith(t, alice, map[string]any{"neverUsed": false})[id]; !ok {
			t.Errorf("filter neverUsed false: token missing after use")
		}

		steps := []struct {
			name    string
			advance time.Duration
			changes bool
		}{
			{"immediately again", 0, false},
			{"30 seconds later", 30 * time.Second, false},
			{"61 seconds after the first use", 31 * time.Second, true},
			{"right after that", 0, false},
			{"an hour later", time.Hour, true},
		}
		prev := first
		for _, st := range steps {
			t.Run(st.name, func(t *testing.T) {
				env.Clock.Advance(st.advance)
				env.RequireActive(t, secret)
				got := lastUsed()
				if st.changes {
					if got.Same(prev) {
						t.Fatalf("lastUsedAt: got %v unchanged, want updated", got)
					}
					testenv.Near(t, "lastUsedAt", testenv.ParseTime(t, got), env.Clock.Now(), 5*time.Second)
				} else if !got.Same(prev) {
					t.Errorf("lastUsedAt: got %v, want unchanged %v", got, prev)
				}
				prev = got
			})
		}

		t.Run("failed introspection records nothing", func(t *testing.T) {
			other, otok := mustCreate(t, alice, simpleInput("revoked"))
			alice.MustDo(revokeMutation, map[string]any{"ids": []string{otok.ID}})
			wantInactive(t, env, other)
			if got := tokenByID(t, alice, otok.ID).LastUsedAt; got != nil {
				t.Errorf("lastUsedAt of a revoked token: got %v, want null", got)
			}
		})
	})
}
