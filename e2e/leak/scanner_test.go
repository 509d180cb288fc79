package leak

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"testing"

	"github.com/patgov/pats/internal/scanalert/scanalerttest"
	"github.com/patgov/pats/internal/testenv"
)

// scanner posts alerts to the partner endpoint as GitHub does.
type scanner struct {
	env    *testenv.Env
	issuer *scanalerttest.Issuer
}

// post sends body signed by keyID (sig overrides; keyID "" sends no headers).
func (s scanner) post(t testing.TB, keyID, sig string, body []byte) (int, []byte) {
	t.Helper()
	return s.postHeaders(t, keyID, sig, body, nil)
}

// postHeaders is post with extra request headers.
func (s scanner) postHeaders(t testing.TB, keyID, sig string, body []byte, extra http.Header) (int, []byte) {
	t.Helper()
	status, _, out := s.exchange(t, keyID, sig, body, extra)
	return status, out
}

// exchange posts body signed by keyID (see post) with extra headers and
// returns the answer's status, headers and body.
func (s scanner) exchange(t testing.TB, keyID, sig string, body []byte, extra http.Header) (int, http.Header, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.env.URL+"/secret-scanning/github", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "GitHub-Secret-Scanning/1.0")
	if keyID != "" {
		if sig == "" {
			sig = s.issuer.Sign(t, keyID, body)
		}
		req.Header.Set("Github-Public-Key-Identifier", keyID)
		req.Header.Set("Github-Public-Key-Signature", sig)
	}
	for k, vs := range extra {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Error(err)
		return 0, nil, nil
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, out
}

// hashOf is the SHA-256 (hex) of a value, as the feedback names it.
func hashOf(v string) string { sum := sha256.Sum256([]byte(v)); return hex.EncodeToString(sum[:]) }

// newScannerURL starts the service with the partner endpoint on keysURL
// (issuer signs), its logs captured.
func newScannerURL(t testing.TB, dialect, keysURL string, issuer *scanalerttest.Issuer, opts testenv.Options) (scanner, *testenv.LogBuffer) {
	t.Helper()
	logs := &testenv.LogBuffer{}
	opts.SecretScanningKeysURL = keysURL
	opts.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	env := testenv.NewWith(t, dialect, opts)
	return scanner{env: env, issuer: issuer}, logs
}

// newScanner is newScannerURL with a fresh issuer publishing k1.
func newScanner(t testing.TB, dialect string) (scanner, *testenv.LogBuffer) {
	t.Helper()
	issuer := scanalerttest.New(t, "k1")
	return newScannerURL(t, dialect, issuer.URL, issuer, testenv.Options{})
}

// unrevokedMismatch compares organizations.unrevoked_token_count with the
// real count of unrevoked tokens, per organization.
func unrevokedMismatch(t testing.TB, env *testenv.Env) []string {
	t.Helper()
	var rows []struct {
		ID      int64
		Counter int64
		Real    int64
	}
	if err := env.DB.Raw(`SELECT o.id AS id, o.unrevoked_token_count AS counter,
		(SELECT COUNT(*) FROM personal_access_tokens p WHERE p.organization_id = o.id AND p.revoked_at IS NULL) AS ` + "`real`" + `
		FROM organizations o`).Scan(&rows).Error; err != nil {
		t.Fatalf("counters: %v", err)
	}
	var bad []string
	for _, r := range rows {
		if r.Counter != r.Real {
			bad = append(bad, fmt.Sprintf("org %d: counter %d, real %d", r.ID, r.Counter, r.Real))
		}
	}
	return bad
}
