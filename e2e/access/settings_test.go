package access

import (
	"net/http"
	"testing"
	"time"

	"github.com/patgov/pats/internal/testenv"
)

// TestSettingsDefaultsAndReaders: a new organization holds the defaults,
// readable by members and admins alike.
func TestSettingsDefaultsAndReaders(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, env *testenv.Env) {
		org := testenv.UniqueOrg("settings")
		for name, c := range map[string]*testenv.Client{
			"member": env.Member(t, org, "bob"),
			"admin":  env.Admin(t, org, "alice"),
		} {
			t.Run(name, func(t *testing.T) {
				s := c.Settings()
				if !s.Enabled {
					t.Errorf("enabled: got %v, want true", s.Enabled)
				}
				if s.MaxLifespanDays != 90 {
					t.Errorf("maxLifespanDays: got %v, want 90", s.MaxLifespanDays)
				}
				if s.UpdatedAt != nil {
					t.Errorf("updatedAt: got %v, want null", s.UpdatedAt)
				}
				if s.UpdatedBy != nil {
					t.Errorf("updatedBy: got %v, want null", s.UpdatedBy)
				}
			})
		}
		got := orgRow(t, env, org)
		want := orgSnapshot{PatEnabled: true, MaxLifespanDays: 90}
		if !got.equal(want) {
			t.Errorf("stored settings: got %v, want %v", got, want)
		}
	})
}

// TestSettingsUpdateRejected: members may not change the policy, and bad
// input changes nothing.
func TestSettingsUpdateRejected(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, env *testenv.Env) {
		cases := []struct {
			name   string
			member bool
			input  map[string]any
			code   string
		}{
			{"member disables", true, map[string]any{"enabled": false}, "FORBIDDEN"},
			{"member changes lifespan", true, map[string]any{"maxLifespanDays": 30}, "FORBIDDEN"},
			{"member sets current values", true, map[string]any{"enabled": true}, "FORBIDDEN"},
			{"member sends nothing", true, map[string]any{}, "FORBIDDEN"},
			{"lifespan 0", false, map[string]any{"maxLifespanDays": 0}, "BAD_USER_INPUT"},
			{"lifespan -1", false, map[string]any{"maxLifespanDays": -1}, "BAD_USER_INPUT"},
			{"lifespan 731", false, map[string]any{"maxLifespanDays": 731}, "BAD_USER_INPUT"},
			{"lifespan 731 with enabled", false, map[string]any{"enabled": false, "maxLifespanDays": 731}, "BAD_USER_INPUT"},
			{"no field set", false, map[string]any{}, "BAD_USER_INPUT"},
			{"explicit nulls", false, map[string]any{"enabled": nil, "maxLifespanDays": nil}, "BAD_USER_INPUT"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				org := testenv.UniqueOrg("settings")
				admin := env.Admin(t, org, "alice")
				// A recorded change first, so "unchanged" covers updatedAt/By too.
				admin.MustUpdateSettings(map[string]any{"maxLifespanDays": 60})
				before := orgRow(t, env, org)
				caller := admin
				if tc.member {
					caller = env.Member(t, org, "bob")
				}
				env.Clock.Advance(time.Minute)
				r := caller.UpdateSettings(tc.input)
				wantErrorData(t, r, tc.code)
				if after := orgRow(t, env, org); !after.equal(before) {
					t.Errorf("stored settings: got %v, want unchanged %v", after, before)
				}
				s := admin.Settings()
				if s.MaxLifespanDays != 60 || !s.Enabled {
					t.Errorf("settings: got %v, want enabled true, maxLifespanDays 60", s)
				}
			})
		}
	})
}

// TestSettingsUpdate: admins change the policy within 1..730 days; a real
// change records when and who, a no-op records nothing.
func TestSettingsUpdate(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, env *testenv.Env) {
		t.Run("bounds", func(t *testing.T) {
			for _, days := range []int{1, 730, 2, 729} {
				org := testenv.UniqueOrg("settings")
				admin := env.Admin(t, org, "alice")
				s := admin.MustUpdateSettings(map[string]any{"maxLifespanDays": days})
				if s.MaxLifespanDays != days {
					t.Errorf("maxLifespanDays %d: got %v, want %d", days, s.MaxLifespanDays, days)
				}
				if got := orgRow(t, env, org).MaxLifespanDays; got != int64(days) {
					t.Errorf("stored max_lifespan_days: got %d, want %d", got, days)
				}
			}
		})

		t.Run("current values are a no-op", func(t *testing.T) {
			org := testenv.UniqueOrg("settings")
			admin := env.Admin(t, org, "alice")
			cases := []map[string]any{
				{"enabled": true},
				{"maxLifespanDays": 90},
				{"enabled": true, "maxLifespanDays": 90},
			}
			for _, in := range cases {
				s := admin.MustUpdateSettings(in)
				if s.UpdatedAt != nil || s.UpdatedBy != nil {
					t.Errorf("update %v on defaults: got updatedAt %v updatedBy %v, want null, null", in, s.UpdatedAt, s.UpdatedBy)
				}
			}
			if got, want := orgRow(t, env, org), (orgSnapshot{PatEnabled: true, MaxLifespanDays: 90}); !got.equal(want) {
				t.Errorf("stored settings after no-ops: got %v, want %v", got, want)
			}
		})

		t.Run("a change records when and who", func(t *testing.T) {
			org := testenv.UniqueOrg("settings")
			alice := env.Admin(t, org, "alice")
			carol := env.Admin(t, org, "carol")
			member := env.Member(t, org, "bob")
			env.Clock.Advance(3 * time.Hour)
			s := alice.MustUpdateSettings(map[string]any{"enabled": false, "maxLifespanDays": 30})
			changedAt := testenv.ParseTime(t, s.UpdatedAt)
			testenv.Near(t, "updatedAt", changedAt, env.Clock.Now(), 5*time.Second)
			if s.Enabled || s.MaxLifespanDays != 30 {
				t.Errorf("settings: got %v, want enabled false, maxLifespanDays 30", s)
			}
			if by := s.UpdatedBy; by == nil || by.ID != "alice" {
				t.Errorf("updatedBy: got %v, want {id: alice}", s.UpdatedBy)
			}
			// Every member reads the same, the editor loaded from the DB.
			for who, c := range map[string]*testenv.Client{"member": member, "other admin": carol} {
				got := c.Settings()
				if !got.UpdatedAt.Same(s.UpdatedAt) || got.Enabled || got.MaxLifespanDays != 30 {
					t.Errorf("settings read by %s: got %v, want %v", who, got, s)
				}
				if by := got.UpdatedBy; by == nil || by.ID != "alice" {
					t.Errorf("updatedBy read by %s: got %v, want {id: alice}", who, got.UpdatedBy)
				}
			}
			stored := orgRow(t, env, org)
			if stored.SettingsUpdatedAt == nil || *stored.SettingsUpdatedAt != changedAt.UnixMilli() {
				t.Errorf("stored settings_updated_at: got %v, want %d", stored, changedAt.UnixMilli())
			}
			if id := env.UserID(t, org, "alice"); stored.SettingsUpdatedByID == nil || *stored.SettingsUpdatedByID != id {
				t.Errorf("stored settings_updated_by_id: got %v, want %d", stored, id)
			}

			// Another admin setting the current values changes nothing.
			env.Clock.Advance(time.Hour)
			for _, in := range []map[string]any{{"enabled": false}, {"maxLifespanDays": 30}, {"enabled": false, "maxLifespanDays": 30}} {
				got := carol.MustUpdateSettings(in)
				if !got.UpdatedAt.Same(s.UpdatedAt) {
					t.Errorf("no-op %v: updatedAt got %v, want %v", in, got.UpdatedAt, s.UpdatedAt)
				}
				if by := got.UpdatedBy; by == nil || by.ID != "alice" {
					t.Errorf("no-op %v: updatedBy got %v, want {id: alice}", in, got.UpdatedBy)
				}
			}
			if after := orgRow(t, env, org); !after.equal(stored) {
				t.Errorf("stored settings after no-ops: got %v, want %v", after, stored)
			}

			// A real change by the other admin moves both.
			got := carol.MustUpdateSettings(map[string]any{"enabled": true, "maxLifespanDays": 30})
			testenv.Near(t, "updatedAt after carol's change", testenv.ParseTime(t, got.UpdatedAt), env.Clock.Now(), 5*time.Second)
			if !testenv.ParseTime(t, got.UpdatedAt).After(changedAt) {
				t.Errorf("updatedAt after carol's change: got %v, want after %v", got.UpdatedAt, s.UpdatedAt)
			}
			if by := got.UpdatedBy; by == nil || by.ID != "carol" {
				t.Errorf("updatedBy after carol's change: got %v, want {id: carol}", got.UpdatedBy)
			}
			if r := member.Do(testenv.SettingsQuery, nil); r.Status != http.StatusOK || len(r.Errors) != 0 {
				t.Errorf("member read: got HTTP %d %s, want 200", r.Status, r.Raw)
			}
		})
	})
}
