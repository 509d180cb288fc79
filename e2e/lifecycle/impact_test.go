package lifecycle

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/patgov/pats/internal/entity"
	"github.com/patgov/pats/internal/testenv"
)

const day = int64(24 * time.Hour / time.Millisecond)

// impactQuery asks for the impact of $input.
const impactQuery = `query Impact($input: UpdatePatSettingsInput!) { patSettingsImpact(input: $input) {
  tokensExpiring tokensRestored tokensBlocked tokensRevokedAsUnused affectedOwners sample { id owner { id } } } }`

type impact struct {
	TokensExpiring, TokensRestored, TokensBlocked, TokensRevokedAsUnused, AffectedOwners int
	Sample                                                                               []struct {
		ID    string
		Owner struct{ ID string }
	}
}

// row is a token as the brute force sees it.
type row struct {
	ID                  string
	OwnerID             int64
	CreatedAt           int64
	ExpiresAt           int64
	LastUsedAt, Revoked *int64
}

// seedRandomTokens creates n tokens per owner through the API, then gives
// each random creation, expiry, last use and revocation times (the API
// can only create tokens now), and returns them as stored.
func seedRandomTokens(t *testing.T, env *testenv.Env, org string, owners []string, n int, rnd *rand.Rand) []row {
	t.Helper()
	for _, o := range owners {
		member := env.Member(t, org, o)
		for i := range n {
			member.MustCreateToken(map[string]any{"name": fmt.Sprintf("%s-%d", o, i), "scopes": []string{"OR.Jobs.Read"}})
		}
	}
	var ids []string
	if err := env.DB.Raw(`SELECT t.id FROM personal_access_tokens t JOIN organizations o ON o.id = t.organization_id
WHERE o.external_id = ? ORDER BY t.id`, org).Scan(&ids).Error; err != nil {
		t.Fatal(err)
	}
	now := env.Clock.Now().UnixMilli()
	for _, id := range ids {
		created := now - rnd.Int64N(400*day)
		expires := created + day + rnd.Int64N(400*day)
		var lastUsed, revoked any
		if rnd.IntN(10) < 7 {
			lastUsed = created + rnd.Int64N(now-created+1)
		}
		if rnd.IntN(100) < 15 {
			revoked = now - rnd.Int64N(day)
		}
		err := env.DB.Exec(`UPDATE personal_access_tokens SET created_at = ?, expires_at = ?, last_used_at = ?, revoked_at = ?,
revoked_by_id = CASE WHEN ? IS NULL THEN NULL ELSE owner_id END, revocation_source = CASE WHEN ? IS NULL THEN NULL ELSE 'OWNER' END
WHERE id = ?`, created, expires, lastUsed, revoked, revoked, revoked, id).Error
		if err != nil {
			t.Fatal(err)
		}
	}
	var rows []row
	if err := env.DB.Raw(`SELECT t.id, t.owner_id, t.created_at, t.expires_at, t.last_used_at, t.revoked_at AS revoked
FROM personal_access_tokens t JOIN organizations o ON o.id = t.organization_id WHERE o.external_id = ?`, org).Scan(&rows).Error; err != nil {
		t.Fatal(err)
	}
	return rows
}

// policy is an organization's token policy.
type policy struct {
	enabled             bool
	maxDays, unusedDays int
}

// bruteImpact is what changing from cur to next does to rows at now,
// token by token, as the schema defines it.
func bruteImpact(rows []row, cur, next policy, now int64) (expiring, restored, blocked, unused int, owners map[int64]bool, affected map[string]bool) {
	owners, affected = map[int64]bool{}, map[string]bool{}
	active := func(r row, maxDays int) bool {
		return r.Revoked == nil && min(r.ExpiresAt, r.CreatedAt+int64(maxDays)*day) > now
	}
	for _, r := range rows {
		a, b := active(r, cur.maxDays), active(r, next.maxDays)
		hit := false
		switch {
		case a && !b:
			expiring++
			hit = true
		case !a && b:
			restored++
			hit = true
		case a && b && cur.enabled && !next.enabled:
			blocked++
			hit = true
		}
		basis := r.CreatedAt
		if r.LastUsedAt != nil {
			basis = *r.LastUsedAt
		}
		if next.unusedDays > 0 && b && basis < now-int64(next.unusedDays)*day {
			unused++
			hit = true
		}
		if hit {
			owners[r.OwnerID], affected[r.ID] = true, true
		}
	}
	return
}

// TestImpactMatchesBruteForce: for random organizations and random
// proposals, patSettingsImpact's counts equal a token-by-token
// computation, its sample holds only affected tokens, and nothing
// changes.
func TestImpactMatchesBruteForce(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, env *testenv.Env) {
		rnd := rand.New(rand.NewPCG(11, uint64(time.Now().UnixNano())))
		org := testenv.UniqueOrg("impact")
		admin := env.Admin(t, org, "root")
		rows := seedRandomTokens(t, env, org, []string{"ann", "ben", "cat", "dan", "eve"}, 12, rnd)
		for i := range 12 {
			cur := policy{enabled: rnd.IntN(4) > 0, maxDays: 1 + rnd.IntN(400)}
			if rnd.IntN(2) == 0 {
				cur.unusedDays = 7 + rnd.IntN(300)
			}
			admin.MustUpdateSettings(map[string]any{"enabled": cur.enabled, "maxLifespanDays": cur.maxDays, "revokeUnusedAfterDays": cur.unusedDays})
			auditBefore := env.AuditRows(t, org)
			next, input := cur, map[string]any{}
			if rnd.IntN(3) > 0 {
				next.maxDays = 1 + rnd.IntN(400)
				input["maxLifespanDays"] = next.maxDays
			}
			if rnd.IntN(3) == 0 {
				next.enabled = !cur.enabled
				input["enabled"] = next.enabled
			}
			if rnd.IntN(2) == 0 || len(input) == 0 {
				next.unusedDays = []int{0, 7, 30, 90, 365}[rnd.IntN(5)]
				input["revokeUnusedAfterDays"] = next.unusedDays
			}
			var got struct{ PatSettingsImpact impact }
			now := env.Clock.Now().UnixMilli()
			admin.MustDoInto(impactQuery, map[string]any{"input": input}, &got)
			expiring, restored, blocked, unused, owners, affected := bruteImpact(rows, cur, next, now)
			im := got.PatSettingsImpact
			if im.TokensExpiring != expiring || im.TokensRestored != restored || im.TokensBlocked != blocked ||
				im.TokensRevokedAsUnused != unused || im.AffectedOwners != len(owners) {
				t.Errorf("round %d, %+v -> %+v: got expiring %d restored %d blocked %d unused %d owners %d, want %d %d %d %d %d",
					i, cur, next, im.TokensExpiring, im.TokensRestored, im.TokensBlocked, im.TokensRevokedAsUnused, im.AffectedOwners,
					expiring, restored, blocked, unused, len(owners))
			}
			if want := min(20, len(affected)); len(im.Sample) != want {
				t.Errorf("round %d: sample of %d, want %d", i, len(im.Sample), want)
			}
			var ids []string
			for _, s := range im.Sample {
				if !affected[s.ID] || slices.Contains(ids, s.ID) {
					t.Errorf("round %d: sample token %s is not affected, or twice", i, s.ID)
				}
				ids = append(ids, s.ID)
			}
			if s := admin.Settings(); s.Enabled != cur.enabled || s.MaxLifespanDays != cur.maxDays || s.RevokeUnusedAfterDays != cur.unusedDays {
				t.Errorf("round %d: settings changed by the preview: %+v, want %+v", i, s, cur)
			}
			if n := env.AuditRows(t, org); n != auditBefore {
				t.Errorf("round %d: audit events %d, want %d (the preview writes nothing)", i, n, auditBefore)
			}
		}
	})
}

// TestImpactRefusals: the same validation as updatePatSettings, admins
// only, and the caller's organization only.
func TestImpactRefusals(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, env *testenv.Env) {
		org := testenv.UniqueOrg("impact-refused")
		admin, member := env.Admin(t, org, "root"), env.Member(t, org, "ann")
		for _, input := range []map[string]any{
			{}, {"maxLifespanDays": 0}, {"maxLifespanDays": 731}, {"revokeUnusedAfterDays": 6},
			{"revokeUnusedAfterDays": 731}, {"revokeUnusedAfterDays": -1},
		} {
			testenv.WantError(t, admin.Do(impactQuery, map[string]any{"input": input}), http.StatusOK, "BAD_USER_INPUT")
			testenv.WantError(t, admin.UpdateSettings(input), http.StatusOK, "BAD_USER_INPUT")
		}
		testenv.WantError(t, member.Do(impactQuery, map[string]any{"input": map[string]any{"maxLifespanDays": 1}}), http.StatusOK, "FORBIDDEN")

		// Another organization's tokens are not counted.
		other := testenv.UniqueOrg("impact-other")
		env.Member(t, other, "zed").MustCreateToken(map[string]any{"name": "z", "scopes": []string{"OR.Jobs.Read"}})
		var got struct{ PatSettingsImpact impact }
		admin.MustDoInto(impactQuery, map[string]any{"input": map[string]any{"enabled": false}}, &got)
		if got.PatSettingsImpact.TokensBlocked != 0 || len(got.PatSettingsImpact.Sample) != 0 {
			t.Errorf("another organization's token counted: %+v", got.PatSettingsImpact)
		}
		member.MustCreateToken(map[string]any{"name": "a", "scopes": []string{"OR.Jobs.Read"}})
		admin.MustDoInto(impactQuery, map[string]any{"input": map[string]any{"enabled": false}}, &got)
		if got.PatSettingsImpact.TokensBlocked != 1 || got.PatSettingsImpact.AffectedOwners != 1 {
			t.Errorf("disabling with one active token: %+v, want 1 blocked of 1 owner", got.PatSettingsImpact)
		}
	})
}

// TestStalePolicySetting: revokeUnusedAfterDays is stored, read back and
// audited with its old and new values.
func TestStalePolicySetting(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, env *testenv.Env) {
		org := testenv.UniqueOrg("stale-setting")
		admin := env.Admin(t, org, "root")
		if s := admin.Settings(); s.RevokeUnusedAfterDays != 0 {
			t.Fatalf("default: got %d, want 0 (off)", s.RevokeUnusedAfterDays)
		}
		if s := admin.MustUpdateSettings(map[string]any{"revokeUnusedAfterDays": 90}); s.RevokeUnusedAfterDays != 90 {
			t.Errorf("after update: got %d, want 90", s.RevokeUnusedAfterDays)
		}
		var out struct {
			AuditEvents struct {
				Nodes []struct {
					SettingsChange struct{ PreviousRevokeUnusedAfterDays, RevokeUnusedAfterDays int }
				}
			}
		}
		admin.MustDoInto(`{ auditEvents(first: 1, filter: {actions: [SETTINGS_UPDATED]}) { nodes { settingsChange { previousRevokeUnusedAfterDays revokeUnusedAfterDays } } } }`, nil, &out)
		if n := out.AuditEvents.Nodes; len(n) != 1 || n[0].SettingsChange.PreviousRevokeUnusedAfterDays != 0 || n[0].SettingsChange.RevokeUnusedAfterDays != 90 {
			t.Errorf("audit: got %+v, want 0 -> 90", n)
		}
		var outbox int64
		env.DB.Raw(`SELECT COUNT(*) FROM outbox_events e JOIN organizations o ON o.id = e.organization_id
WHERE o.external_id = ? AND e.event_type = ?`, org, string(entity.EventSettingsUpdated)).Scan(&outbox)
		if outbox != 1 {
			t.Errorf("outbox: %d settings.updated events, want 1", outbox)
		}
	})
}
