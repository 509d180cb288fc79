package leak

import (
	"bytes"
	"encoding/json"
	"maps"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/patgov/pats/internal/testenv"
	"github.com/patgov/pats/pattoken"
)

// alert is one entry of GitHub's alert body.
type alert struct {
	Token  string `json:"token"`
	Type   string `json:"type"`
	URL    string `json:"url"`
	Source string `json:"source"`
}

// feedback is one entry of the endpoint's answer.
type feedback struct {
	TokenHash string `json:"token_hash"`
	TokenType string `json:"token_type"`
	Label     string `json:"label"`
}

// TestSecretScanningAlert: a signed alert revokes every token of this
// service it holds, in whichever organization, by that organization's
// secret-scanning actor, with the alert's url and source in the audit
// trail; the answer labels each value by its SHA-256, never the value;
// the same alert again revokes nothing more; no value reaches the logs.
func TestSecretScanningAlert(t *testing.T) {
	for _, dialect := range testenv.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			s, logs := newScanner(t, dialect)
			env := s.env
			orgA, orgB := testenv.UniqueOrg("scan-a"), testenv.UniqueOrg("scan-b")
			adminA := env.Admin(t, orgA, "boss")
			a := create(t, env, env.Member(t, orgA, "dev"), "in .env", 0)
			b := create(t, env, env.Member(t, orgB, "dev"), "in a gist", 0)
			r := create(t, env, env.Member(t, orgB, "dev"), "revoked before", 0)
			if got, resp := revoke(t, env.Admin(t, orgB, "boss"), []string{r.Token}); got == nil {
				t.Fatalf("revoke beforehand: %s", resp.Raw)
			}
			unknown, err := pattoken.Generate()
			if err != nil {
				t.Fatal(err)
			}
			alerts := []alert{
				{a.Token, "pats_pat", "https://github.com/acme/app/blob/main/.env", "content"},
				{"opat_not-a-token", "pats_pat", "https://github.com/acme/app/blob/main/x", "content"},
				{b.Token, "pats_pat", "https://gist.github.com/someone/1", "gist"},
				{r.Token, "pats_pat", "https://github.com/acme/app/commit/abc", "commit"},
				{unknown.Value, "pats_pat", "https://github.com/acme/app/pull/7", "pull_request"},
				{a.Token, "pats_pat", "https://github.com/acme/app/blob/main/.env.bak", "content"},
			}
			body, _ := json.Marshal(alerts)
			status, out := s.post(t, "k1", "", body)
			if status != http.StatusOK {
				t.Fatalf("alert: got HTTP %d %s, want 200", status, out)
			}
			var got []feedback
			if err := json.Unmarshal(out, &got); err != nil || len(got) != len(alerts) {
				t.Fatalf("feedback: got %s (%v), want %d entries", out, err, len(alerts))
			}
			labels := []string{"true_positive", "false_positive", "true_positive", "true_positive", "false_positive", "true_positive"}
			for i, f := range got {
				if f.TokenHash != hashOf(alerts[i].Token) || f.TokenType != "pats_pat" || f.Label != labels[i] {
					t.Errorf("feedback %d: got %+v, want hash of the value, type pats_pat, %s", i, f, labels[i])
				}
			}
			for _, c := range []created{a, b, r} {
				if strings.Contains(string(out), c.Token) || strings.Contains(logs.String(), c.Token) {
					t.Errorf("a token value was echoed or logged")
				}
				if env.IntrospectActive(t, c.Token) {
					t.Errorf("%s: got active after the alert", c.PersonalAccessToken.Name)
				}
			}
			if strings.Contains(string(out), "token_raw") {
				t.Errorf("feedback carries token_raw: %s", out)
			}

			// The audit trail of organization A: one event, by the system actor, with where the token was found.
			var trail struct {
				AuditEvents testenv.Connection[struct {
					Action           string
					RevocationSource *string
					Actor            struct{ ID, Name, AccountType string }
					Token            *struct{ ID string }
					LeakAlert        *struct{ URL, Source string }
					UserAgent        string
				}]
			}
			adminA.MustDoInto(`{ auditEvents(first: 10, filter: { actions: [TOKEN_REVOKED] }) { nodes {
				action revocationSource actor { id name accountType } token { id } leakAlert { url source } userAgent } } }`, nil, &trail)
			events := trail.AuditEvents.Nodes
			if len(events) != 1 {
				t.Fatalf("organization A's revocations: got %d events, want 1", len(events))
			}
			e := events[0]
			if e.RevocationSource == nil || *e.RevocationSource != "SECRET_SCANNING" || e.Token == nil || e.Token.ID != a.PersonalAccessToken.ID ||
				e.Actor.ID != "pats:secret-scanning" || e.Actor.AccountType != "SYSTEM" || e.Actor.Name != "GitHub secret scanning" ||
				e.LeakAlert == nil || e.LeakAlert.URL != alerts[0].URL || e.LeakAlert.Source != "content" ||
				e.UserAgent != "GitHub-Secret-Scanning/1.0" {
				t.Errorf("audit event: got %+v, want SECRET_SCANNING of %s by the SYSTEM actor, with the first alert's url and source", e, a.PersonalAccessToken.ID)
			}
			var tokens struct {
				PersonalAccessTokens testenv.Connection[struct {
					ID               string
					RevocationSource *string
					RevokedBy        *struct{ ID, AccountType string }
				}]
			}
			adminA.MustDoInto(`{ personalAccessTokens(filter: { status: [REVOKED] }) { nodes { id revocationSource revokedBy { id accountType } } } }`, nil, &tokens)
			if n := tokens.PersonalAccessTokens.Nodes; len(n) != 1 || n[0].RevocationSource == nil || *n[0].RevocationSource != "SECRET_SCANNING" ||
				n[0].RevokedBy == nil || n[0].RevokedBy.AccountType != "SYSTEM" {
				t.Errorf("revoked token in the inventory: got %+v, want SECRET_SCANNING by the SYSTEM actor", n)
			}
			var users struct {
				Users testenv.Connection[struct{ ID string }]
			}
			adminA.MustDoInto(`{ users { nodes { id } } }`, nil, &users)
			for _, u := range users.Users.Nodes {
				if u.ID == "pats:secret-scanning" {
					t.Error("the system actor is listed among the organization's users")
				}
			}

			// The same alert again (GitHub retries, or a replay): same answer, nothing more revoked or audited.
			before := revokedState(t, env)
			events0 := auditCount(t, env, a.PersonalAccessToken.ID, "SECRET_SCANNING")
			status, again := s.post(t, "k1", "", body)
			var gotAgain []feedback
			_ = json.Unmarshal(again, &gotAgain)
			if status != http.StatusOK || len(gotAgain) != len(got) || gotAgain[0] != got[0] || gotAgain[2] != got[2] {
				t.Errorf("the same alert again: got HTTP %d %s, want the same feedback", status, again)
			}
			if after := revokedState(t, env); !maps.Equal(before, after) || auditCount(t, env, a.PersonalAccessToken.ID, "SECRET_SCANNING") != events0 {
				t.Error("the same alert again changed tokens or wrote audit events")
			}
		})
	}
}

// TestSecretScanningRefusals: an alert without a valid signature by a
// published key, too large, or not a JSON array revokes nothing and says
// why with its status. A key GitHub rotated in is fetched when an alert
// first names it, but never sooner than a minute after the last fetch:
// until then such an alert is 503 with Retry-After (GitHub retries), not
// 401, and forged identifiers cannot make the service fetch more often.
func TestSecretScanningRefusals(t *testing.T) {
	for _, dialect := range testenv.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			s, logs := newScanner(t, dialect)
			env := s.env
			org := testenv.UniqueOrg("scan-refuse")
			tok := create(t, env, env.Member(t, org, "dev"), "target", 0)
			body, _ := json.Marshal([]alert{{tok.Token, "pats_pat", "https://github.com/x/y", "content"}})

			// GitHub rotates its keys: a key published after the first fetch is
			// fetched when an alert first names it.
			rotated := create(t, env, env.Member(t, org, "dev"), "rotated", 0)
			rotatedBody, _ := json.Marshal([]alert{{rotated.Token, "pats_pat", "https://github.com/x/w", "content"}})
			if status, out := s.post(t, "k1", "", []byte(`[]`)); status != http.StatusOK || string(bytes.TrimSpace(out)) != "[]" {
				t.Fatalf("an empty alert: got HTTP %d %s, want 200 []", status, out)
			}
			s.issuer.AddKey(t, "k2", true)
			status, out := s.post(t, "k2", "", rotatedBody)
			if status != http.StatusServiceUnavailable {
				t.Fatalf("a newly published key within a minute of the first fetch: got HTTP %d %s, want 503 (retry later)", status, out)
			}
			env.Clock.Advance(time.Minute)
			if status, out := s.post(t, "k2", "", rotatedBody); status != http.StatusOK || !strings.Contains(string(out), "true_positive") {
				t.Fatalf("an alert signed by a newly published key: got HTTP %d %s, want 200 and a true positive", status, out)
			}
			if env.IntrospectActive(t, rotated.Token) {
				t.Error("the token authenticates after the alert")
			}
			if n := s.issuer.Fetches.Load(); n != 2 {
				t.Errorf("keys fetched %d times, want 2 (first use, then the rotation)", n)
			}

			env.Clock.Advance(time.Minute) // the next unknown identifier may fetch again
			s.issuer.AddKey(t, "unpublished", false)
			tampered := bytes.Replace(body, []byte("x/y"), []byte("x/z"), 1)
			big := append([]byte(`[{"token":"`), bytes.Repeat([]byte("a"), 1<<20)...)
			big = append(big, []byte(`"}]`)...)
			for _, tc := range []struct {
				name       string
				keyID, sig string
				body       []byte
				want       int
			}{
				{"no signature", "", "", body, http.StatusUnauthorized},
				{"signature of another body", "k1", s.issuer.Sign(t, "k1", tampered), body, http.StatusUnauthorized},
				{"an unpublished key", "unpublished", "", body, http.StatusUnauthorized},
				{"an unknown identifier, the keys just fetched", "k9", s.issuer.Sign(t, "k1", body), body, http.StatusServiceUnavailable},
				{"garbage signature", "k1", "bm90IGEgc2lnbmF0dXJl", body, http.StatusUnauthorized},
				{"over 1 MiB", "k1", "", big, http.StatusRequestEntityTooLarge},
				{"signed, but not a JSON array", "k1", "", []byte(`{"token":"` + tok.Token + `"}`), http.StatusBadRequest},
				{"signed, but not JSON", "k1", "", []byte(`[{"token":`), http.StatusBadRequest},
			} {
				if status, out := s.post(t, tc.keyID, tc.sig, tc.body); status != tc.want {
					t.Errorf("%s: got HTTP %d %s, want %d", tc.name, status, out, tc.want)
				}
			}
			if !env.IntrospectActive(t, tok.Token) {
				t.Fatal("a refused alert revoked the token")
			}
			if strings.Contains(logs.String(), tok.Token) {
				t.Error("a refused alert's token value reached the logs")
			}
			if n := s.issuer.Fetches.Load(); n != 3 {
				t.Errorf("keys fetched %d times, want 3: first use, the rotation, the unpublished key (none for k9 within the minute)", n)
			}

		})
	}
}

// TestSecretScanningDisabled: without PATS_SECRET_SCANNING_KEYS_URL the
// partner endpoint does not exist.
func TestSecretScanningDisabled(t *testing.T) {
	env := testenv.New(t, "sqlite")
	resp, err := http.Post(env.URL+"/secret-scanning/github", "application/json", strings.NewReader(`[]`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("disabled endpoint: got HTTP %d, want 404", resp.StatusCode)
	}
}

// TestSecretScanningRevocationReachesOtherInstances: a token revoked on an
// alert to one instance stops authenticating on another within the change
// poll (about 1 s), as every revocation does.
func TestSecretScanningRevocationReachesOtherInstances(t *testing.T) {
	for _, dialect := range testenv.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			s, _ := newScanner(t, dialect)
			other := testenv.NewWith(t, dialect, testenv.Options{DatabaseURL: s.env.DatabaseURL})
			tok := create(t, s.env, s.env.Member(t, testenv.UniqueOrg("scan-two"), "dev"), "t", 0)
			if !other.IntrospectActive(t, tok.Token) { // now cached on the other instance
				t.Fatal("the token does not authenticate on the other instance")
			}
			body, _ := json.Marshal([]alert{{tok.Token, "pats_pat", "https://github.com/x/y", "content"}})
			if status, out := s.post(t, "k1", "", body); status != http.StatusOK {
				t.Fatalf("alert: got HTTP %d %s", status, out)
			}
			deadline := time.Now().Add(5 * time.Second)
			for other.IntrospectActive(t, tok.Token) {
				if time.Now().After(deadline) {
					t.Fatal("the other instance still authenticates the token 5 s after the alert")
				}
				time.Sleep(50 * time.Millisecond)
			}
		})
	}
}
