package leak

import (
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/patgov/pats/internal/testenv"
)

// TestByValueNothingLogged: values inline in documents that fail to parse,
// to validate, or time out, and in variables, never reach the log.
func TestByValueNothingLogged(t *testing.T) {
	for _, dialect := range testenv.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			logs := &testenv.LogBuffer{}
			env := testenv.NewWith(t, dialect, testenv.Options{RevokeByValuePerMinute: 5,
				Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
			org := testenv.UniqueOrg("logs")
			admin := env.Admin(t, org, "boss")
			tok := create(t, env, env.Member(t, org, "dev"), "t", 0)
			v := tok.Token
			for _, doc := range []string{
				`mutation { revokeTokensByValue(tokens: ["` + v + `" "` + v + `) { revokedCount } }`,
				`mutation { revokeTokensByValue(tokens: ["` + v + `"], extra: "` + v + `") { revokedCount } }`,
				`mutation { revokeTokensByValue(tokens: "` + v + `") { nope } }`,
				`mutation { revokeTokensByValue(tokens: [` + v + `]) { revokedCount } }`,
				`mutation { revokeTokenByValue(token: 5) { outcome } x: revokeTokensByValue(tokens: ["` + v + `"]) { revokedCount } }`,
			} {
				r := admin.Do(doc, nil)
				t.Logf("HTTP %d %.160s", r.Status, r.Raw)
			}
			admin.Do(`mutation($v: [String!]!) { revokeTokensByValue(tokens: $v) { revokedCount } }`, map[string]any{"v": []any{v, 5}})
			for i := 0; i < 3; i++ { // past the limit
				admin.Do(revokeByValues, map[string]any{"v": []string{v, v, v}})
			}
			time.Sleep(100 * time.Millisecond)
			if strings.Contains(logs.String(), v) || strings.Contains(logs.String(), v[5:30]) {
				t.Error("a token value reached the logs")
			}
		})
	}
}
