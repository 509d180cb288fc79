package matching

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/patgov/pats/internal/testenv"
)

// create makes a token for c.
func create(t testing.TB, c *testenv.Client, name string) testenv.CreatePayload {
	t.Helper()
	return c.MustCreateToken(map[string]any{"name": name, "scopes": []string{"OR.Jobs"}})
}

// sources maps each token of org to its revocation source ("" while not
// revoked, "?" if revoked without one, as the seed's are).
func sources(t testing.TB, env *testenv.Env, org string) map[string]string {
	t.Helper()
	var rows []struct {
		ID               string
		RevokedAt        *int64
		RevocationSource *string
	}
	err := env.DB.Raw(`SELECT t.id, t.revoked_at, t.revocation_source FROM personal_access_tokens t
		JOIN organizations o ON o.id = t.organization_id WHERE o.external_id = ?`, org).Scan(&rows).Error
	if err != nil {
		t.Fatalf("read tokens: %v", err)
	}
	out := make(map[string]string, len(rows))
	for _, r := range rows {
		switch {
		case r.RevokedAt == nil:
			out[r.ID] = ""
		case r.RevocationSource == nil:
			out[r.ID] = "?"
		default:
			out[r.ID] = *r.RevocationSource
		}
	}
	return out
}

// jobEvents counts the audit events of a job: all of them, and the
// distinct tokens they are about; every one must be a FILTER revocation.
func jobEvents(t testing.TB, env *testenv.Env, jobID string) (events, tokens int) {
	t.Helper()
	var row struct{ Events, Tokens, Other int }
	err := env.DB.Raw(`SELECT COUNT(*) AS events, COUNT(DISTINCT token_id) AS tokens,
		SUM(CASE WHEN action = 'TOKEN_REVOKED' AND revocation_source = 'FILTER' THEN 0 ELSE 1 END) AS other
		FROM audit_events WHERE revocation_job_id = ?`, jobID).Scan(&row).Error
	if err != nil {
		t.Fatalf("count job events: %v", err)
	}
	if row.Other != 0 {
		t.Fatalf("job %s: %d events are not FILTER revocations", jobID, row.Other)
	}
	return row.Events, row.Tokens
}

// unrevokedCounter returns the organization's maintained count of
// unrevoked tokens and the actual count.
func unrevokedCounter(t testing.TB, env *testenv.Env, org string) (kept, actual int64) {
	t.Helper()
	if err := env.DB.Raw("SELECT unrevoked_token_count FROM organizations WHERE external_id = ?", org).Scan(&kept).Error; err != nil {
		t.Fatal(err)
	}
	err := env.DB.Raw(`SELECT COUNT(*) FROM personal_access_tokens t JOIN organizations o ON o.id = t.organization_id
		WHERE o.external_id = ? AND t.revoked_at IS NULL`, org).Scan(&actual).Error
	if err != nil {
		t.Fatal(err)
	}
	return kept, actual
}

// wantMetrics fails t unless the instance's /metrics holds every line.
func wantMetrics(t testing.TB, env *testenv.Env, lines ...string) {
	t.Helper()
	// The runner counts a job's end just after the commit that a poll of
	// the job can already see: allow it a moment.
	var missing []string
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		missing = missingMetrics(t, env, lines)
		if len(missing) == 0 || time.Now().After(deadline) {
			break
		}
	}
	for _, want := range missing {
		t.Errorf("metrics: missing %q", want)
	}
}

// missingMetrics returns the lines that env's /metrics lacks.
func missingMetrics(t testing.TB, env *testenv.Env, lines []string) []string {
	t.Helper()
	resp, err := http.Get(env.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	var missing []string
	for _, want := range lines {
		if !strings.Contains(string(body), want+"\n") {
			missing = append(missing, want)
		}
	}
	return missing
}
