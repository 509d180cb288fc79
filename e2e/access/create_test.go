package access

import (
	"crypto/sha256"
	"fmt"
	"net/http"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/patgov/pats/internal/entity"
	"github.com/patgov/pats/internal/testenv"
)

// TestCreateRejectedInput: invalid names, scopes and expiries are
// BAD_USER_INPUT and store nothing.
func TestCreateRejectedInput(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, env *testenv.Env) {
		now := func() time.Time { return env.Clock.Now() }
		cases := []struct {
			name string
			// input builds the input at the time of the request.
			input func() map[string]any
			// inMessage must appear in the error message when set.
			inMessage string
		}{
			{"empty name", func() map[string]any { return simpleInput("") }, ""},
			{"blank name", func() map[string]any { return simpleInput("   ") }, ""},
			{"white-space name", func() map[string]any { return simpleInput("\t \n") }, ""},
			{"101 characters", func() map[string]any { return simpleInput(strings.Repeat("a", 101)) }, ""},
			{"101 multibyte characters", func() map[string]any { return simpleInput(strings.Repeat("é", 101)) }, ""},
			{"101 characters inside spaces", func() map[string]any { return simpleInput("  " + strings.Repeat("b", 101) + "  ") }, ""},
			{"no scopes", func() map[string]any { return map[string]any{"name": "ci", "scopes": []string{}} }, ""},
			{"unknown scope", func() map[string]any { return map[string]any{"name": "ci", "scopes": []string{"Nope.Scope"}} }, "Nope.Scope"},
			{"unknown among known", func() map[string]any {
				return map[string]any{"name": "ci", "scopes": []string{"OR.Jobs", "OR.Bogus", "OR.Assets"}}
			}, "OR.Bogus"},
			{"scope in the wrong case", func() map[string]any { return map[string]any{"name": "ci", "scopes": []string{"or.jobs"}} }, "or.jobs"},
			{"empty scope", func() map[string]any { return map[string]any{"name": "ci", "scopes": []string{""}} }, ""},
			{"scope with a space", func() map[string]any { return map[string]any{"name": "ci", "scopes": []string{"OR.Jobs "}} }, ""},
			{"two scopes in one", func() map[string]any { return map[string]any{"name": "ci", "scopes": []string{"OR.Jobs OR.Assets"}} }, ""},
			{"expiry in the past", func() map[string]any {
				in := simpleInput("ci")
				in["expiresAt"] = testenv.FormatTime(now().Add(-time.Hour))
				return in
			}, ""},
			{"expiry now", func() map[string]any {
				in := simpleInput("ci")
				in["expiresAt"] = testenv.FormatTime(now())
				return in
			}, ""},
			{"expiry beyond the maximum", func() map[string]any {
				in := simpleInput("ci")
				in["expiresAt"] = testenv.FormatTime(now().Add(90*day + time.Hour))
				return in
			}, ""},
			{"expiry far beyond the maximum", func() map[string]any {
				in := simpleInput("ci")
				in["expiresAt"] = testenv.FormatTime(now().Add(731 * day))
				return in
			}, ""},
			{"expiry not a time", func() map[string]any {
				in := simpleInput("ci")
				in["expiresAt"] = "not-a-time"
				return in
			}, ""},
			{"expiry month 13", func() map[string]any {
				in := simpleInput("ci")
				in["expiresAt"] = "2030-13-01T00:00:00Z"
				return in
			}, ""},
			{"expiry without zone", func() map[string]any {
				in := simpleInput("ci")
				in["expiresAt"] = now().Add(day).Format("2006-01-02T15:04:05")
				return in
			}, ""},
			{"expiry a number", func() map[string]any {
				in := simpleInput("ci")
				in["expiresAt"] = now().Add(day).Unix()
				return in
			}, ""},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				org := testenv.UniqueOrg("create")
				c := env.Member(t, org, "alice")
				r := c.CreateToken(tc.input())
				if r.Code() != "BAD_USER_INPUT" {
					t.Errorf("extensions.code: got %q, want BAD_USER_INPUT (HTTP %d, body %s)", r.Code(), r.Status, r.Raw)
				}
				if r.Status != http.StatusOK && r.Status != http.StatusUnprocessableEntity {
					t.Errorf("HTTP status: got %d, want 200 or 422", r.Status)
				}
				var data struct{ CreatePersonalAccessToken *testenv.CreatePayload }
				r.DecodeData(t, &data)
				if data.CreatePersonalAccessToken != nil {
					t.Errorf("data: got %s, want no token", r.Raw)
				}
				if tc.inMessage != "" && (len(r.Errors) == 0 || !strings.Contains(r.Errors[0].Message, tc.inMessage)) {
					t.Errorf("message: got %q, want it to name %q", r.Raw, tc.inMessage)
				}
				if n := tokenCount(t, env, org); n != 0 {
					t.Errorf("stored tokens: got %d, want 0", n)
				}
			})
		}
	})
}

// TestCreateExpiryBounds: the default expiry is exactly createdAt plus the
// maximum lifespan in 24-hour days; requests must lie in (now, now+max].
func TestCreateExpiryBounds(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, env *testenv.Env) {
		t.Run("default expiry", func(t *testing.T) {
			for _, days := range []int{90, 7, 1, 730} {
				org := testenv.UniqueOrg("expiry")
				admin := env.Admin(t, org, "alice")
				if days != 90 {
					admin.MustUpdateSettings(map[string]any{"maxLifespanDays": days})
				}
				_, tok := mustCreate(t, admin, simpleInput("default"))
				created, expires := tok.CreatedAt.Time, tok.ExpiresAt.Time
				testenv.Near(t, "createdAt", created, env.Clock.Now(), 5*time.Second)
				if got, want := expires.Sub(created), time.Duration(days)*day; got != want {
					t.Errorf("max %d days: expiresAt - createdAt: got %v, want %v", days, got, want)
				}
				if tok.Status != "ACTIVE" {
					t.Errorf("status: got %v, want ACTIVE", tok.Status)
				}
			}
		})

		t.Run("beyond the maximum names the latest allowed", func(t *testing.T) {
			org := testenv.UniqueOrg("expiry")
			admin := env.Admin(t, org, "alice")
			admin.MustUpdateSettings(map[string]any{"maxLifespanDays": 30})
			before := env.Clock.Now()
			in := simpleInput("late")
			in["expiresAt"] = testenv.FormatTime(before.Add(30*day + time.Minute))
			r := admin.CreateToken(in)
			wantErrorData(t, r, "BAD_USER_INPUT")
			if len(r.Errors) == 0 {
				t.Fatalf("got no error, want BAD_USER_INPUT")
			}
			latest, ok := r.Errors[0].Extensions["latestAllowed"].(string)
			if !ok {
				t.Fatalf("extensions.latestAllowed: got %v, want an RFC 3339 string", r.Errors[0].Extensions["latestAllowed"])
			}
			testenv.Near(t, "latestAllowed", testenv.ParseTime(t, latest), before.Add(30*day), 5*time.Second)
			if !strings.Contains(r.Errors[0].Message, latest) {
				t.Errorf("message: got %q, want it to contain %s", r.Errors[0].Message, latest)
			}
			if n := tokenCount(t, env, org); n != 0 {
				t.Errorf("stored tokens: got %d, want 0", n)
			}
		})

		t.Run("accepted expiries", func(t *testing.T) {
			cases := []struct {
				name   string
				offset time.Duration
				zone   *time.Location
			}{
				{"at the maximum (clock read before the request)", 90 * day, time.UTC},
				{"one second under the maximum", 90*day - time.Second, time.UTC},
				{"one minute ahead", time.Minute, time.UTC},
				{"one day ahead in another zone", day, time.FixedZone("CEST", 2*3600)},
			}
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					org := testenv.UniqueOrg("expiry")
					c := env.Member(t, org, "alice")
					want := env.Clock.Now().Truncate(time.Millisecond).Add(tc.offset)
					in := simpleInput("ok")
					in["expiresAt"] = want.In(tc.zone).Format(time.RFC3339Nano)
					_, tok := mustCreate(t, c, in)
					got := tok.ExpiresAt.Time
					if !got.Equal(want) {
						t.Errorf("expiresAt: got %v, want %v", got, want.UTC())
					}
					for f, s := range map[string]string{"createdAt": tok.CreatedAt.Text, "expiresAt": tok.ExpiresAt.Text} {
						if !timeFormat.MatchString(s) {
							t.Errorf("%s: got %q, want RFC 3339 in UTC with milliseconds", f, s)
						}
					}
				})
			}
		})
	})
}

// timeFormat is the contract's Time output: UTC with exactly milliseconds.
var timeFormat = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$`)

// TestCreateNamesAndScopes: names are trimmed and counted in characters;
// scopes are canonical and come from the configured list.
func TestCreateNamesAndScopes(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, env *testenv.Env) {
		hundred := strings.Repeat("ß", 40) + strings.Repeat("日", 40) + strings.Repeat("😀", 20)
		names := []struct{ in, want string }{
			{"  ci token  ", "ci token"},
			{"\tdeploy\n", "deploy"},
			{"x", "x"},
			{hundred, hundred},
			{"  " + hundred + "  ", hundred},
			{strings.Repeat("a", 100), strings.Repeat("a", 100)},
		}
		for i, tc := range names {
			t.Run(fmt.Sprintf("name %d", i), func(t *testing.T) {
				org := testenv.UniqueOrg("names")
				c := env.Member(t, org, "alice")
				_, tok := mustCreate(t, c, simpleInput(tc.in))
				if tok.Name != tc.want {
					t.Errorf("name: got %q, want %q", tok.Name, tc.want)
				}
				if got := tokenByID(t, c, tok.ID).Name; got != tc.want {
					t.Errorf("listed name: got %q, want %q", got, tc.want)
				}
				var stored string
				if err := env.DB.Raw(`SELECT name FROM personal_access_tokens WHERE id = ?`, tok.ID).Row().Scan(&stored); err != nil {
					t.Fatalf("read name: %v", err)
				}
				if stored != tc.want {
					t.Errorf("stored name: got %q, want %q", stored, tc.want)
				}
			})
		}

		scopes := []struct {
			in, want []string
		}{
			{[]string{"OR.Jobs", "OR.Assets", "OR.Jobs"}, []string{"OR.Assets", "OR.Jobs"}},
			{[]string{"TM.Projects.Read", "OR.Queues", "TM.Projects.Read", "TM.Projects.Read"}, []string{"OR.Queues", "TM.Projects.Read"}},
			{[]string{"OR.Jobs.Read"}, []string{"OR.Jobs.Read"}},
		}
		for i, tc := range scopes {
			t.Run(fmt.Sprintf("scopes %d", i), func(t *testing.T) {
				org := testenv.UniqueOrg("scopes")
				c := env.Member(t, org, "alice")
				_, tok := mustCreate(t, c, map[string]any{"name": "s", "scopes": tc.in})
				if got := tok.Scopes; !reflect.DeepEqual(got, tc.want) {
					t.Errorf("scopes: got %v, want %v", got, tc.want)
				}
			})
		}

		t.Run("default scope list", func(t *testing.T) {
			c := env.Member(t, testenv.UniqueOrg("scopes"), "alice")
			got := availableScopes(t, c)
			want := []string{"OR.Assets", "OR.Assets.Read", "OR.Folders", "OR.Folders.Read", "OR.Jobs", "OR.Jobs.Read",
				"OR.Queues", "OR.Queues.Read", "TM.Defects.Read", "TM.Projects.Read"}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("availableScopes: got %v, want %v", got, want)
			}
		})
	})
}

// availableScopes reads the scopes c may grant.
func availableScopes(t *testing.T, c *testenv.Client) []string {
	t.Helper()
	var data struct{ AvailableScopes []string }
	c.MustDoInto(`{ availableScopes }`, nil, &data)
	return data.AvailableScopes
}

// TestCreateConfiguredScopes: a configured scope list replaces the default.
func TestCreateConfiguredScopes(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, base *testenv.Env) {
		env := testenv.NewWith(t, base.Dialect, testenv.Options{Scopes: []string{"b.write", "a.read"}})
		org := testenv.UniqueOrg("cfgscopes")
		c := env.Member(t, org, "alice")
		if got, want := availableScopes(t, c), []string{"a.read", "b.write"}; !reflect.DeepEqual(got, want) {
			t.Errorf("availableScopes: got %v, want %v", got, want)
		}
		for _, scope := range []string{"OR.Jobs", "A.READ", "c.admin"} {
			r := c.CreateToken(map[string]any{"name": "x", "scopes": []string{scope}})
			wantErrorData(t, r, "BAD_USER_INPUT")
			if len(r.Errors) > 0 && !strings.Contains(r.Errors[0].Message, scope) {
				t.Errorf("message for %s: got %q, want it to name the scope", scope, r.Errors[0].Message)
			}
		}
		if n := tokenCount(t, env, org); n != 0 {
			t.Errorf("stored tokens: got %d, want 0", n)
		}
		secret, tok := mustCreate(t, c, map[string]any{"name": "x", "scopes": []string{"b.write", "a.read"}})
		if got, want := tok.Scopes, []string{"a.read", "b.write"}; !reflect.DeepEqual(got, want) {
			t.Errorf("scopes: got %v, want %v", got, want)
		}
		if got := env.RequireActive(t, secret)["scope"]; got != "a.read b.write" {
			t.Errorf("introspection scope: got %v, want %q", got, "a.read b.write")
		}
	})
}

// TestCreateRequiresLocalAccountAndEnabledOrg: directory accounts may not
// create tokens, nor may anyone while the organization disables them.
func TestCreateRequiresLocalAccountAndEnabledOrg(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, env *testenv.Env) {
		cases := []struct {
			name        string
			accountType entity.AccountType
			admin       bool
			disable     bool
			code        string
		}{
			{"directory member", entity.AccountTypeDirectory, false, false, "LOCAL_ACCOUNT_REQUIRED"},
			{"directory admin", entity.AccountTypeDirectory, true, false, "LOCAL_ACCOUNT_REQUIRED"},
			{"local member, disabled org", entity.AccountTypeLocal, false, true, "PAT_DISABLED"},
			{"local admin, disabled org", entity.AccountTypeLocal, true, true, "PAT_DISABLED"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				org := testenv.UniqueOrg("create")
				boss := env.Admin(t, org, "boss")
				if tc.disable {
					boss.MustUpdateSettings(map[string]any{"enabled": false})
				}
				role := "member"
				if tc.admin {
					role = "admin"
				}
				c := env.As(t, testenv.Identity{Org: org, Subject: "alice", Role: roleOf(role), AccountType: tc.accountType})
				r := c.CreateToken(simpleInput("ci"))
				wantErrorData(t, r, tc.code)
				if n := tokenCount(t, env, org); n != 0 {
					t.Errorf("stored tokens: got %d, want 0", n)
				}
			})
		}
		t.Run("local member of an enabled org (control)", func(t *testing.T) {
			org := testenv.UniqueOrg("create")
			mustCreate(t, env.Member(t, org, "alice"), simpleInput("ci"))
			if n := tokenCount(t, env, org); n != 1 {
				t.Errorf("stored tokens: got %d, want 1", n)
			}
		})
	})
}

// TestCreateQuota: at most 50 ACTIVE tokens per user; revoked and expired
// ones do not count, nor do other users' tokens.
func TestCreateQuota(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, env *testenv.Env) {
		org := testenv.UniqueOrg("quota")
		alice := env.Member(t, org, "alice")
		var ids []string
		for i := 0; i < 49; i++ {
			_, tok := mustCreate(t, alice, simpleInput(fmt.Sprintf("t%02d", i)))
			ids = append(ids, tok.ID)
		}
		short := simpleInput("short")
		short["expiresAt"] = testenv.FormatTime(env.Clock.Now().Add(time.Hour))
		mustCreate(t, alice, short)

		wantQuota := func(t *testing.T, stored int64) {
			t.Helper()
			r := alice.CreateToken(simpleInput("one too many"))
			wantErrorData(t, r, "QUOTA_EXCEEDED")
			if n := tokenCount(t, env, org); n != stored {
				t.Errorf("stored tokens: got %d, want %d", n, stored)
			}
		}
		t.Run("51st active", func(t *testing.T) { wantQuota(t, 50) })

		t.Run("other users are not limited", func(t *testing.T) {
			mustCreate(t, env.Member(t, org, "bob"), simpleInput("bob's"))
		})

		t.Run("a revoked token frees a slot", func(t *testing.T) {
			if got := mustRevoke(t, alice, ids[0]).RevokedCount; got != 1 {
				t.Fatalf("revokedCount: got %v, want 1", got)
			}
			mustCreate(t, alice, simpleInput("after revoke"))
			wantQuota(t, 52)
		})

		t.Run("an expired token frees a slot", func(t *testing.T) {
			env.Clock.Advance(2 * time.Hour)
			mustCreate(t, alice, simpleInput("after expiry"))
			wantQuota(t, 53)
		})

		t.Run("a lowered lifespan that expires tokens frees slots", func(t *testing.T) {
			admin := env.Admin(t, org, "root")
			admin.MustUpdateSettings(map[string]any{"maxLifespanDays": 1})
			env.Clock.Advance(day) // every token of alice is now past createdAt + 1 day
			mustCreate(t, alice, simpleInput("after lowering"))
		})
	})
}

// TestCreateSecretShownOnce: the secret is returned by the creation only;
// the database holds its SHA-256 digest, never the secret.
func TestCreateSecretShownOnce(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, env *testenv.Env) {
		org := testenv.UniqueOrg("secret")
		alice := env.Member(t, org, "alice")
		admin := env.Admin(t, org, "root")
		secret, tok := mustCreate(t, alice, map[string]any{"name": "ci", "scopes": []string{"OR.Jobs", "OR.Assets"}})
		id := tok.ID

		if !strings.HasPrefix(secret, "opat_") || len(secret) != 54 {
			t.Errorf("secret: got %q, want opat_ and 54 characters", secret)
		}
		wantHint := "opat_…" + secret[len(secret)-4:]
		if tok.Hint != wantHint {
			t.Errorf("hint: got %q, want %q", tok.Hint, wantHint)
		}
		// Later responses never carry the secret (nor its random body).
		body := secret[len("opat_") : len(secret)-6]
		later := []struct {
			name string
			c    *testenv.Client
			q    string
			vars map[string]any
		}{
			{"owner list", alice, listQuery, map[string]any{"filter": allStatuses}},
			{"admin list", admin, listQuery, map[string]any{"filter": allStatuses}},
			{"edges", alice, `{ personalAccessTokens { edges { cursor node { id hint name } } pageInfo { endCursor startCursor } } }`, nil},
			{"search by the secret", admin, listQuery, map[string]any{"filter": map[string]any{"search": secret}}},
			{"revoke", alice, revokeMutation, map[string]any{"ids": []string{id}}},
			{"list after revoke", admin, listQuery, map[string]any{"filter": allStatuses}},
		}
		for _, tc := range later {
			t.Run(tc.name, func(t *testing.T) {
				r := tc.c.Do(tc.q, tc.vars)
				if r.Status != http.StatusOK || len(r.Errors) != 0 {
					t.Fatalf("got HTTP %d %s, want 200", r.Status, r.Raw)
				}
				if strings.Contains(r.Raw, secret) || strings.Contains(r.Raw, body) {
					t.Errorf("response contains the secret: %s", r.Raw)
				}
			})
		}
		got := tokenByID(t, admin, id)
		if got.Hint != wantHint {
			t.Errorf("listed hint: got %q, want %q", got.Hint, wantHint)
		}

		t.Run("database holds the digest only", func(t *testing.T) {
			var digest []byte
			if err := env.DB.Raw(`SELECT token_digest FROM personal_access_tokens WHERE id = ?`, id).Row().Scan(&digest); err != nil {
				t.Fatalf("read digest: %v", err)
			}
			want := sha256.Sum256([]byte(secret))
			if len(digest) != 32 || string(digest) != string(want[:]) {
				t.Errorf("token_digest: got %x (%d bytes), want %x (32 bytes)", digest, len(digest), want)
			}
			for _, table := range []string{"personal_access_tokens", "users", "organizations"} {
				rows, err := env.DB.Raw("SELECT * FROM " + table).Rows()
				if err != nil {
					t.Fatalf("read %s: %v", table, err)
				}
				cols, _ := rows.Columns()
				for rows.Next() {
					vals := make([]any, len(cols))
					ptrs := make([]any, len(cols))
					for i := range vals {
						ptrs[i] = &vals[i]
					}
					if err := rows.Scan(ptrs...); err != nil {
						t.Fatalf("scan %s: %v", table, err)
					}
					for i, v := range vals {
						var s string
						switch v := v.(type) {
						case []byte:
							s = string(v)
						default:
							s = fmt.Sprint(v)
						}
						if strings.Contains(s, secret) || strings.Contains(s, body) {
							t.Errorf("%s.%s holds the secret: %q", table, cols[i], s)
						}
					}
				}
				if err := rows.Err(); err != nil {
					t.Fatalf("rows %s: %v", table, err)
				}
				rows.Close()
			}
		})
	})
}

// TestCreateQuotaConcurrent: concurrent creations by one user cannot
// exceed the quota together.
func TestCreateQuotaConcurrent(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, env *testenv.Env) {
		org := testenv.UniqueOrg("quotarace")
		alice := env.Member(t, org, "alice")
		for i := 0; i < 44; i++ {
			mustCreate(t, alice, simpleInput(fmt.Sprintf("t%02d", i)))
		}
		const parallel = 14
		codes := make([]string, parallel)
		errs := make([]error, parallel)
		var wg sync.WaitGroup
		for i := 0; i < parallel; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				var raw string
				var status int
				status, codes[i], raw, errs[i] = postFromGoroutine(env, alice.Bearer, testenv.CreateMutation,
					map[string]any{"input": simpleInput(fmt.Sprintf("p%02d", i))})
				if errs[i] == nil && status != http.StatusOK {
					errs[i] = fmt.Errorf("HTTP %d: %s", status, raw)
				}
			}(i)
		}
		wg.Wait()
		created, refused := 0, 0
		for i := range codes {
			switch {
			case errs[i] != nil:
				t.Errorf("request %d: %v", i, errs[i])
			case codes[i] == "":
				created++
			case codes[i] == "QUOTA_EXCEEDED":
				refused++
			default:
				t.Errorf("request %d: got code %q, want success or QUOTA_EXCEEDED", i, codes[i])
			}
		}
		if created != 6 || refused != parallel-6 {
			t.Errorf("concurrent creations: got %d created, %d refused, want 6 and %d", created, refused, parallel-6)
		}
		if n := tokenCount(t, env, org); n != 50 {
			t.Errorf("stored tokens: got %d, want 50", n)
		}
	})
}

// TestCreateWithEveryScope: a token may hold every available scope, however
// long the configured list (PATS_SCOPES allows scopes of up to 100 characters).
func TestCreateWithEveryScope(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, base *testenv.Env) {
		cases := []struct {
			name          string
			count, length int
		}{
			{"10 scopes of 100 characters", 10, 100},
			{"40 scopes of 100 characters", 40, 100},
			{"100 scopes of 60 characters", 100, 60},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				scopes := make([]string, tc.count)
				for i := range scopes {
					p := fmt.Sprintf("s%03d.", i)
					scopes[i] = p + strings.Repeat("x", tc.length-len(p))
				}
				env := testenv.NewWith(t, base.Dialect, testenv.Options{Scopes: scopes})
				org := testenv.UniqueOrg("allscopes")
				c := env.Member(t, org, "alice")
				r := c.CreateToken(map[string]any{"name": "all", "scopes": scopes})
				if r.Status != http.StatusOK || len(r.Errors) != 0 {
					t.Fatalf("create with all %d scopes: got HTTP %d %s, want success", tc.count, r.Status, r.Raw)
				}
				var data struct{ CreatePersonalAccessToken testenv.CreatePayload }
				r.DecodeData(t, &data)
				payload := data.CreatePersonalAccessToken
				tok := payload.PersonalAccessToken
				if got := tokenByID(t, c, tok.ID).Scopes; !reflect.DeepEqual(got, scopes) {
					t.Errorf("listed scopes: got %d scopes, want all %d", len(got), len(scopes))
				}
				if got := env.RequireActive(t, payload.Token)["scope"]; got != strings.Join(scopes, " ") {
					t.Errorf("introspection scope: got %.80v…, want all %d scopes", got, len(scopes))
				}
			})
		}
	})
}
