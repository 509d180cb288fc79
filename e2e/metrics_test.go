package e2e

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/patgov/pats/internal/gqllimits/gqllimitstest"

	"github.com/patgov/pats/internal/testenv"
)

// TestMetrics: GET /metrics serves, in Prometheus' format, the outcomes of
// GraphQL root fields and introspections, validation-cache hits and
// misses, last-use flushes and the database pool.
func TestMetrics(t *testing.T) {
	env := testenv.New(t, "sqlite")
	org := testenv.UniqueOrg("metrics")
	user := env.Member(t, org, "u")
	secret, _ := createSecret(t, user, "m")
	wantActive(t, env, secret, true)
	wantActive(t, env, secret, true)
	wantActive(t, env, "opat_garbage", false)
	env.FlushUses(t)
	user.Do(`mutation { updatePatSettings(input: {enabled: false}) { enabled } }`, nil) // FORBIDDEN
	user.Do(`{ nope }`, nil)
	// Refused before validation, for its expansion: counted and timed too.
	if r := user.Do(gqllimitstest.Doubling(20, false), nil); r.Code() != "COMPLEXITY_LIMIT_EXCEEDED" {
		t.Fatalf("doubling document: got %s, want COMPLEXITY_LIMIT_EXCEEDED", r.Raw)
	}

	resp, err := http.Get(env.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	for _, want := range []string{
		`pats_graphql_operations_total{code="OK",field="createPersonalAccessToken"} 1`,
		`pats_graphql_operations_total{code="FORBIDDEN",field="updatePatSettings"} 1`,
		`pats_graphql_operations_total{code="GRAPHQL_VALIDATION_FAILED",field="(invalid)"} 1`,
		`pats_graphql_operations_total{code="COMPLEXITY_LIMIT_EXCEEDED",field="(invalid)"} 1`,
		`pats_graphql_operation_duration_seconds_count{field="(invalid)"} 2`,
		`pats_graphql_operation_duration_seconds_count{field="createPersonalAccessToken"} 1`,
		`pats_introspections_total{outcome="active"} 2`,
		`pats_introspections_total{outcome="inactive"} 1`,
		`pats_validation_cache_hits_total 1`,
		`pats_validation_cache_misses_total 1`,
		`pats_last_used_flush_size_count 1`,
		`pats_last_used_flush_failures_total 0`,
		`go_sql_open_connections{db_name="pats"}`,
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("metrics: missing %q", want)
		}
	}
	if t.Failed() {
		t.Logf("metrics:\n%s", grepLines(string(body), "pats_"))
	}
}

func grepLines(s, substr string) string {
	var out []string
	for _, line := range strings.Split(s, "\n") {
		if strings.Contains(line, substr) && !strings.HasPrefix(line, "#") {
			out = append(out, line)
		}
	}
	return strings.Join(out, "\n")
}
