package matching

import (
	"testing"
	"time"

	"github.com/patgov/pats/internal/testenv"
)

// TestPreviewCountsAndSamples: the preview counts the tokens that match
// the filter and are not revoked, and their owners, samples them newest
// first, and changes nothing.
func TestPreviewCountsAndSamples(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, env *testenv.Env) {
		org := testenv.UniqueOrg("preview")
		admin := env.Admin(t, org, "admin")
		alice, bob := env.Member(t, org, "alice"), env.Member(t, org, "bob")
		var aliceIDs []string
		for _, n := range []string{"a1", "a2", "a3"} {
			aliceIDs = append(aliceIDs, create(t, alice, n).PersonalAccessToken.ID)
			env.Clock.Advance(time.Millisecond)
		}
		b1 := create(t, bob, "b1")
		b2 := create(t, bob, "b2")
		bob.MustDo(`mutation($ids: [ID!]!) { revokeTokens(ids: $ids) { revokedCount } }`, map[string]any{"ids": []string{b2.PersonalAccessToken.ID}})
		events := env.AuditRows(t, org)

		all := admin.MustPreview(map[string]any{})
		if all.MatchingCount != 4 || all.OwnerCount != 2 || len(all.Sample) != 4 {
			t.Fatalf("whole organization: got %d tokens of %d owners, %d sampled; want 4, 2, 4", all.MatchingCount, all.OwnerCount, len(all.Sample))
		}
		if all.Sample[0].ID != b1.PersonalAccessToken.ID || all.Sample[3].ID != aliceIDs[0] {
			t.Fatalf("sample order: got %s first and %s last, want newest first", all.Sample[0].Name, all.Sample[3].Name)
		}
		if all.Confirmation == "" {
			t.Fatal("no confirmation")
		}
		testenv.Near(t, "expiresAt", all.ExpiresAt.Time, env.Clock.Now().Add(10*time.Minute), time.Second)

		bobs := admin.MustPreview(map[string]any{"ownerIds": []string{"bob"}})
		if bobs.MatchingCount != 1 || bobs.OwnerCount != 1 || bobs.Sample[0].ID != b1.PersonalAccessToken.ID {
			t.Fatalf("bob's: got %+v", bobs)
		}
		revoked := admin.MustPreview(map[string]any{"status": []string{"REVOKED"}})
		if revoked.MatchingCount != 0 || revoked.OwnerCount != 0 || len(revoked.Sample) != 0 {
			t.Fatalf("revoked tokens are never matched: got %+v", revoked)
		}
		none := admin.MustPreview(map[string]any{"ownerIds": []string{}})
		if none.MatchingCount != 0 {
			t.Fatalf("an empty owner list matches nothing: got %d", none.MatchingCount)
		}
		if got := env.AuditRows(t, org); got != events {
			t.Fatalf("a preview wrote %d audit events", got-events)
		}
		for id, src := range sources(t, env, org) {
			if id != b2.PersonalAccessToken.ID && src != "" {
				t.Fatalf("a preview revoked %s", id)
			}
		}
	})
}

// TestPreviewSampleIsBounded: many matches, 20 sampled.
func TestPreviewSampleIsBounded(t *testing.T) {
	env := testenv.New(t, "sqlite")
	org := testenv.UniqueOrg("preview-many")
	admin := env.Admin(t, org, "admin")
	for i := range 25 {
		create(t, admin, "t"+string(rune('a'+i)))
	}
	p := admin.MustPreview(map[string]any{})
	if p.MatchingCount != 25 || len(p.Sample) != 20 {
		t.Fatalf("got %d matching, %d sampled; want 25, 20", p.MatchingCount, len(p.Sample))
	}
}

// TestPreviewAndRevokeAreForAdmins: members get FORBIDDEN for both, and
// for reading jobs; bad filters get BAD_USER_INPUT.
func TestPreviewAndRevokeAreForAdmins(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, env *testenv.Env) {
		org := testenv.UniqueOrg("preview-auth")
		admin := env.Admin(t, org, "admin")
		member := env.Member(t, org, "member")
		create(t, member, "mine")
		conf := admin.MustPreview(map[string]any{}).Confirmation

		testenv.RequireError(t, member.Do(testenv.PreviewQuery, map[string]any{"filter": map[string]any{}}), "FORBIDDEN")
		testenv.RequireError(t, member.RevokeMatching(map[string]any{}, conf), "FORBIDDEN")
		testenv.RequireError(t, member.Do(testenv.RevocationJobQuery, map[string]any{"id": "x"}), "FORBIDDEN")
		long := make([]byte, 201)
		for i := range long {
			long[i] = 'x'
		}
		testenv.RequireError(t, admin.Do(testenv.PreviewQuery, map[string]any{"filter": map[string]any{"search": string(long)}}), "BAD_USER_INPUT")
		testenv.RequireError(t, admin.RevokeMatching(map[string]any{"search": string(long)}, conf), "BAD_USER_INPUT")
		if src := sources(t, env, org); len(src) != 1 || firstValue(src) != "" {
			t.Fatalf("tokens after refused calls: %v", src)
		}
	})
}

func firstValue(m map[string]string) string {
	for _, v := range m {
		return v
	}
	return ""
}
