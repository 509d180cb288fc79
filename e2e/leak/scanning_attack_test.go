package leak

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"encoding/asn1"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/big"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/patgov/pats/internal/testenv"
)

// TestAlertSignatureVariants: variants of headers and bodies around a
// genuine signature.
func TestAlertSignatureVariants(t *testing.T) {
	s, logs := newScanner(t, "sqlite")
	env := s.env
	org := testenv.UniqueOrg("sig")
	tok := create(t, env, env.Member(t, org, "dev"), "t", 0)
	body, _ := json.Marshal([]alert{{tok.Token, "pats_pat", "https://github.com/x/y", "content"}})
	good := s.issuer.Sign(t, "k1", body)
	// Low-s / high-s twin of the genuine signature (ECDSA malleability).
	var sig struct{ R, S *big.Int }
	raw, _ := base64.StdEncoding.DecodeString(good)
	if _, err := asn1.Unmarshal(raw, &sig); err != nil {
		t.Fatal(err)
	}
	sig.S = new(big.Int).Sub(elliptic.P256().Params().N, sig.S)
	twinDER, _ := asn1.Marshal(sig)
	twin := base64.StdEncoding.EncodeToString(twinDER)

	noRevoke := []struct {
		name  string
		kid   string
		sig   string
		body  []byte
		extra http.Header
	}{
		{"trailing newline added to the body", "k1", good, append(append([]byte{}, body...), '\n'), nil},
		{"leading space", "k1", good, append([]byte(" "), body...), nil},
		{"re-encoded JSON (same meaning)", "k1", good, []byte(strings.Replace(string(body), `","`, `", "`, 1)), nil},
		{"duplicate key appended", "k1", good, []byte(strings.Replace(string(body), `"token":`, `"token":"x","token":`, 1)), nil},
		{"kid case", "K1", good, body, nil},
		{"base64url signature", "k1", base64.URLEncoding.EncodeToString(raw), body, nil}, // same as good when no '+' or '/'

		{"empty sig", "k1", "=", body, nil},
		{"second signature header bad first", "k1", "AAAA", body, http.Header{"Github-Public-Key-Signature": {good}}},
		{"raw r||s signature", "k1", base64.StdEncoding.EncodeToString(append(pad32(sig.R), pad32(sig.S)...)), body, nil},
	}
	for _, tc := range noRevoke {
		if tc.sig == good && tc.kid == "k1" && string(tc.body) == string(body) && tc.extra == nil {
			continue // e.g. base64url of a signature without '+' or '/': the same string
		}
		status, out := s.postHeaders(t, tc.kid, tc.sig, tc.body, tc.extra)
		t.Logf("%-38s HTTP %d %s", tc.name, status, strings.TrimSpace(string(out)))
		if status == http.StatusOK && strings.Contains(string(out), "true_positive") {
			t.Errorf("%s: accepted", tc.name)
		}
	}
	if !env.IntrospectActive(t, tok.Token) {
		t.Fatal("a variant revoked the token")
	}
	// Malleated twin: accepted (it is GitHub's signature of GitHub's body: a replay).
	status, out := s.post(t, "k1", twin, body)
	t.Logf("high-s twin of a genuine signature: HTTP %d %s", status, out)
	// Surrounding spaces of a header value are not part of it (HTTP OWS):
	// " k1 " is k1, the same genuine request.
	// Header name case and a trailing base64 newline are the same request.
	status, _ = s.postHeaders(t, "", "", body, http.Header{"github-public-key-identifier": {"k1"}, "GITHUB-PUBLIC-KEY-SIGNATURE": {good}})
	t.Logf("lower/upper-case header names: HTTP %d", status)
	if strings.Contains(logs.String(), tok.Token) {
		t.Error("token value logged")
	}
	_ = ecdsa.PublicKey{}
}

func pad32(n *big.Int) []byte {
	b := n.Bytes()
	return append(make([]byte, 32-len(b)), b...)
}

// TestAlertOddBodies: signed bodies GitHub could send that are unusual.
func TestAlertOddBodies(t *testing.T) {
	for _, dialect := range testenv.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			s, logs := newScanner(t, dialect)
			env := s.env
			org := testenv.UniqueOrg("odd")
			tok := create(t, env, env.Member(t, org, "dev"), "t", 0)
			for _, b := range []string{``, `null`, `[null]`, `[{}]`, `[1]`, `{"a":1}`, `[{"token":null}]`, `[{"TOKEN":"` + tok.Token + `x"}]`,
				`[{"token":"\u0000` + tok.Token + `"}]`, `[{"token":"` + tok.Token + `","token":"x"}]`} {
				status, out := s.post(t, "k1", "", []byte(b))
				if strings.Contains(string(out), tok.Token) || strings.Contains(strings.ToLower(string(out)), "sql") || strings.Contains(string(out), "goroutine") {
					t.Errorf("%s: answer leaks: %s", b, out)
				}
				t.Logf("%-60.60s HTTP %d %.200s", b, status, strings.TrimSpace(string(out)))
			}
			// Surrounding whitespace: revokes; hash over the raw value.
			ws := create(t, env, env.Member(t, org, "dev"), "ws", 0)
			body, _ := json.Marshal([]alert{{"\t " + ws.Token + "\r\n", "pats_pat", "u", "content"}})
			status, out := s.post(t, "k1", "", body)
			t.Logf("whitespace-wrapped: HTTP %d %s", status, out)
			if env.IntrospectActive(t, ws.Token) {
				t.Error("a whitespace-wrapped value did not revoke")
			}
			// 1000 copies of one token: one revocation, one audit event.
			dup := create(t, env, env.Member(t, org, "dev"), "dup", 0)
			var many []alert
			for i := 0; i < 1000; i++ {
				many = append(many, alert{dup.Token, "pats_pat", fmt.Sprintf("https://github.com/x/%d", i), "content"})
			}
			body, _ = json.Marshal(many)
			stmts := env.Statements.Record(func() { status, out = s.post(t, "k1", "", body) })
			if status != 200 || strings.Count(string(out), "true_positive") != 1000 {
				t.Errorf("1000 copies: HTTP %d", status)
			}
			if n := auditCount(t, env, dup.PersonalAccessToken.ID, ""); n != 1 {
				t.Errorf("1000 copies: %d audit events", n)
			}
			t.Logf("1000 copies of one token: %d statements", len(stmts))
			// 1001 alerts: refused.
			body, _ = json.Marshal(append(many, many[0]))
			status, out = s.post(t, "k1", "", body)
			t.Logf("1001 alerts: HTTP %d %s", status, out)
			if strings.Contains(logs.String(), tok.Token) || strings.Contains(logs.String(), dup.Token) || strings.Contains(logs.String(), ws.Token) {
				t.Error("a token value reached the logs")
			}
			if bad := unrevokedMismatch(t, env); len(bad) > 0 {
				t.Errorf("counters: %v", bad)
			}
		})
	}
}

// TestAlertManyOrganizations: one genuine alert holding tokens of many
// organizations: statements and time grow per organization, in one
// transaction under the request deadline.
func TestAlertManyOrganizations(t *testing.T) {
	for _, dialect := range testenv.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			s, _ := newScanner(t, dialect)
			env := s.env
			const orgs = 200
			var alerts []alert
			for i := 0; i < orgs; i++ {
				c := create(t, env, env.Member(t, testenv.UniqueOrg(fmt.Sprintf("many%d", i)), "dev"), "t", 0)
				alerts = append(alerts, alert{c.Token, "pats_pat", "https://github.com/x/y", "content"})
			}
			body, _ := json.Marshal(alerts)
			var status int
			var out []byte
			start := time.Now()
			stmts := env.Statements.Record(func() { status, out = s.post(t, "k1", "", body) })
			took := time.Since(start)
			if status != 200 || strings.Count(string(out), "true_positive") != orgs {
				t.Fatalf("HTTP %d %.300s", status, out)
			}
			t.Logf("%d organizations in one alert: %d statements, %v (%.2f statements per organization)", orgs, len(stmts), took.Round(time.Millisecond), float64(len(stmts))/orgs)
			if bad := unrevokedMismatch(t, env); len(bad) > 0 {
				t.Errorf("counters: %v", bad)
			}
		})
	}
}

// TestAlertConcurrency: the same tokens revoked at once by alerts, by an
// admin by value, and by an admin by ID: one revocation and one audit
// event per token, counters right, no 5xx.
func TestAlertConcurrency(t *testing.T) {
	for _, dialect := range testenv.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			s, logs := newScanner(t, dialect)
			env := s.env
			orgA, orgB := testenv.UniqueOrg("ca"), testenv.UniqueOrg("cb")
			adminA, adminB := env.Admin(t, orgA, "boss"), env.Admin(t, orgB, "boss")
			for round := 0; round < 5; round++ {
				var toks []created
				for i := 0; i < 6; i++ {
					org := orgA
					if i%2 == 1 {
						org = orgB
					}
					toks = append(toks, create(t, env, env.Member(t, org, fmt.Sprintf("dev%d", i)), fmt.Sprintf("r%d-%d", round, i), 0))
				}
				var alerts []alert
				for _, c := range toks {
					alerts = append(alerts, alert{c.Token, "pats_pat", "https://github.com/x/y", "content"})
				}
				body, _ := json.Marshal(alerts)
				rev := make([]alert, len(alerts))
				for i := range alerts {
					rev[i] = alerts[len(alerts)-1-i]
				}
				bodyRev, _ := json.Marshal(rev)
				var wg sync.WaitGroup
				errs := make(chan string, 100)
				for g := 0; g < 4; g++ {
					wg.Add(1)
					go func(g int) {
						defer wg.Done()
						b := body
						if g%2 == 1 {
							b = bodyRev
						}
						if status, out := s.post(t, "k1", "", b); status != 200 {
							errs <- fmt.Sprintf("alert: HTTP %d %s", status, out)
						}
					}(g)
				}
				for _, adm := range []*testenv.Client{adminA, adminB} {
					wg.Add(2)
					go func(adm *testenv.Client) {
						defer wg.Done()
						var vals []string
						for _, c := range toks {
							vals = append(vals, c.Token)
						}
						r := adm.Do(revokeByValues, map[string]any{"v": vals})
						if len(r.Errors) > 0 || r.Status != 200 {
							errs <- "byValue: " + string(r.Raw)
						}
					}(adm)
					go func(adm *testenv.Client, org string) {
						defer wg.Done()
						var ids []string
						for i, c := range toks {
							if (org == orgA) == (i%2 == 0) {
								ids = append(ids, c.PersonalAccessToken.ID)
							}
						}
						r := adm.Do(`mutation($ids: [ID!]!) { revokeTokens(ids: $ids) { revokedCount } }`, map[string]any{"ids": ids})
						if r.Status != 200 || (len(r.Errors) > 0 && r.Code() != "NOT_FOUND") {
							errs <- "byID: " + string(r.Raw)
						}
					}(adm, map[*testenv.Client]string{adminA: orgA, adminB: orgB}[adm])
				}
				wg.Wait()
				close(errs)
				for e := range errs {
					t.Errorf("round %d: %.400s", round, e)
				}
				for _, c := range toks {
					if n := auditCount(t, env, c.PersonalAccessToken.ID, ""); n != 1 {
						t.Errorf("round %d: token %s has %d revocation events", round, c.PersonalAccessToken.Name, n)
					}
				}
				if bad := unrevokedMismatch(t, env); len(bad) > 0 {
					t.Errorf("round %d: counters: %v", round, bad)
				}
			}
			if strings.Contains(logs.String(), "deadlock") || strings.Contains(logs.String(), "Deadlock") {
				t.Logf("deadlocks were logged (retried)")
			}
		})
	}
}
