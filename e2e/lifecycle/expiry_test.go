package lifecycle

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/patgov/pats/internal/pat"
	"github.com/patgov/pats/internal/testenv"
)

// notices returns the expiry notices of token id: for each, the event type
// and the days left it announced.
func notices(t *testing.T, env *testenv.Env, id string) []string {
	t.Helper()
	var rows []struct {
		EventType string
		Payload   string
	}
	if err := env.DB.Raw(`SELECT event_type, payload FROM outbox_events WHERE token_id = ? AND event_type IN ('token.expiring', 'token.expired') ORDER BY id`, id).
		Scan(&rows).Error; err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range rows {
		var p pat.ExpiryPayload
		if err := json.Unmarshal([]byte(r.Payload), &p); err != nil || p.TokenID != id {
			t.Fatalf("payload %s: %v", r.Payload, err)
		}
		out = append(out, fmt.Sprintf("%s/%d", r.EventType, p.DaysLeft))
	}
	return out
}

func sweep(t *testing.T, env *testenv.Env) {
	t.Helper()
	if r, err := env.Service.SweepStaleTokens(context.Background()); err != nil || !r.Ran {
		t.Fatalf("sweep: %+v, %v", r, err)
	}
}

// TestExpiryNotices: token.expiring 7 days and 1 day before the effective
// expiry (its own or the lifespan's), token.expired after it, once each;
// a lowered lifespan that brings the expiry forward notices again; tokens
// long expired or far from expiry get none.
func TestExpiryNotices(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, env *testenv.Env) {
		org := testenv.UniqueOrg("expiry")
		admin, member := env.Admin(t, org, "root"), env.Member(t, org, "ann")
		admin.MustUpdateSettings(map[string]any{"maxLifespanDays": 90})
		now := env.Clock.Now().UnixMilli()
		ids := map[string]string{}
		for kind, times := range map[string][2]int64{ // created, expires
			"own-expiry":      {now - day, now + 5*day},
			"lifespan-expiry": {now - 85*day, now + 300*day},
			"far":             {now - 50*day, now + 20*day},
			"just-expired":    {now - 30*day, now - day},
			"long-expired":    {now - 30*day, now - 10*day},
		} {
			p := member.MustCreateToken(map[string]any{"name": kind, "scopes": []string{"OR.Jobs.Read"}})
			ids[kind] = p.PersonalAccessToken.ID
			if err := env.DB.Exec(`UPDATE personal_access_tokens SET created_at = ?, expires_at = ? WHERE id = ?`, times[0], times[1], p.PersonalAccessToken.ID).Error; err != nil {
				t.Fatal(err)
			}
		}
		check := func(step string, want map[string][]string) {
			t.Helper()
			for kind, id := range ids {
				got := notices(t, env, id)
				if len(got) != len(want[kind]) {
					t.Errorf("%s, %s: notices %v, want %v", step, kind, got, want[kind])
					continue
				}
				for i := range got {
					if got[i] != want[kind][i] {
						t.Errorf("%s, %s: notices %v, want %v", step, kind, got, want[kind])
					}
				}
			}
		}
		sweep(t, env)
		sweep(t, env) // once each
		// daysLeft is the real time left, rounded up: 5 days, not the
		// 7-day stage.
		check("first sweeps", map[string][]string{
			"own-expiry": {"token.expiring/5"}, "lifespan-expiry": {"token.expiring/5"}, "just-expired": {"token.expired/0"},
		})
		env.Clock.Advance(4*24*time.Hour + 12*time.Hour)
		sweep(t, env)
		check("a day before", map[string][]string{
			"own-expiry": {"token.expiring/5", "token.expiring/1"}, "lifespan-expiry": {"token.expiring/5", "token.expiring/1"},
			"just-expired": {"token.expired/0"},
		})
		// Lowering the lifespan to 60 days brings "far" (created 54.5 days
		// ago) within 7 days of its new effective expiry.
		admin.MustUpdateSettings(map[string]any{"maxLifespanDays": 60})
		sweep(t, env)
		env.Clock.Advance(24 * time.Hour)
		sweep(t, env)
		check("after lowering the lifespan, then a day", map[string][]string{
			"own-expiry":      {"token.expiring/5", "token.expiring/1", "token.expired/0"},
			"lifespan-expiry": {"token.expiring/5", "token.expiring/1", "token.expired/0"},
			"far":             {"token.expiring/6"}, "just-expired": {"token.expired/0"},
		})
	})
}
