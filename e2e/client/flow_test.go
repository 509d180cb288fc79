package client

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/Khan/genqlient/graphql"

	"github.com/patgov/pats/client"
	"github.com/patgov/pats/internal/testenv"
)

// TestCoreFlow drives the API's core flow through the generated client:
// policy, creation, listing with a filter and pagination, both kinds of
// revocation and the audit trail.
func TestCoreFlow(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, env *testenv.Env) {
		ctx := t.Context()
		org := testenv.UniqueOrg("client")
		start := env.Clock.Now()
		admin := typed(env, env.Admin(t, org, "root"))
		alice := typed(env, env.Member(t, org, "alice"))
		bob := typed(env, env.Member(t, org, "bob"))

		// Who am I, and what may I grant?
		me, err := client.Viewer(ctx, alice)
		if err != nil {
			t.Fatalf("Viewer: %v", err)
		}
		if me.Viewer.Id != "alice" || me.Viewer.AccountType != client.AccountTypeLocal {
			t.Errorf("viewer: got %+v, want alice, LOCAL", me.Viewer)
		}
		for _, tc := range []struct {
			who  string
			c    graphql.Client
			want client.Role
		}{{"alice", alice, client.RoleMember}, {"root", admin, client.RoleAdmin}} {
			role, err := client.ViewerRole(ctx, tc.c)
			if err != nil || role.ViewerRole != tc.want {
				t.Errorf("viewerRole of %s: got %v (%v), want %v", tc.who, role.GetViewerRole(), err, tc.want)
			}
		}
		scopes, err := client.AvailableScopes(ctx, alice)
		if err != nil {
			t.Fatalf("AvailableScopes: %v", err)
		}
		if !slices.Contains(scopes.AvailableScopes, "OR.Jobs") {
			t.Errorf("availableScopes: got %v, want OR.Jobs among them", scopes.AvailableScopes)
		}

		// The admin reads the policy and lowers the maximum lifespan.
		settings, err := client.OrganizationPatSettings(ctx, admin)
		if err != nil {
			t.Fatalf("OrganizationPatSettings: %v", err)
		}
		if s := settings.OrganizationPatSettings; !s.Enabled || s.MaxLifespanDays != 90 || s.UpdatedAt != nil || s.UpdatedBy != nil {
			t.Errorf("initial settings: got %+v, want enabled, 90 days, never updated", s)
		}
		updated, err := client.UpdatePatSettings(ctx, admin, client.UpdatePatSettingsInput{MaxLifespanDays: testenv.Ptr(30)})
		if err != nil {
			t.Fatalf("UpdatePatSettings: %v", err)
		}
		if s := updated.UpdatePatSettings; !s.Enabled || s.MaxLifespanDays != 30 || s.UpdatedAt == nil || s.UpdatedBy == nil || s.UpdatedBy.Id != "root" {
			t.Errorf("updated settings: got %+v, want enabled (kept), 30 days, updated by root", s)
		} else {
			testenv.Near(t, "updatedAt", *s.UpdatedAt, env.Clock.Now(), 5*time.Second)
		}

		// Alice creates tokens; the secret comes back once.
		expiry := env.Clock.Now().Add(7 * 24 * time.Hour)
		created, err := client.CreatePersonalAccessToken(ctx, alice, client.CreatePersonalAccessTokenInput{
			Name: "deploy-a", Scopes: []string{"OR.Jobs", "OR.Assets"}, ExpiresAt: &expiry,
		})
		if err != nil {
			t.Fatalf("CreatePersonalAccessToken: %v", err)
		}
		secret, first := created.CreatePersonalAccessToken.Token, created.CreatePersonalAccessToken.PersonalAccessToken
		if !strings.HasPrefix(secret, "opat_") || len(secret) != 54 {
			t.Errorf("secret: got %q, want opat_ and 54 characters", secret)
		}
		if !strings.HasSuffix(secret, strings.TrimPrefix(first.Hint, "opat_…")) {
			t.Errorf("hint %q: want the secret's last characters", first.Hint)
		}
		if want := expiry.Truncate(time.Millisecond); !first.ExpiresAt.Equal(want) {
			t.Errorf("expiresAt: got %v, want %v (the requested expiry, in milliseconds)", first.ExpiresAt, want)
		}
		if first.Status != client.TokenStatusActive || first.Owner.Id != "alice" || !slices.Equal(first.Scopes, []string{"OR.Assets", "OR.Jobs"}) {
			t.Errorf("created token: got %+v, want ACTIVE, owned by alice, scopes in canonical order", first)
		}
		if first.LastUsedAt != nil || first.RevokedAt != nil || first.RevokedBy != nil || first.RevocationSource != nil {
			t.Errorf("created token: got %+v, want never used nor revoked", first)
		}
		ids := []string{first.Id}
		for _, name := range []string{"deploy-d", "deploy-c", "deploy-e", "deploy-b", "other"} {
			c, err := client.CreatePersonalAccessToken(ctx, alice, client.CreatePersonalAccessTokenInput{Name: name, Scopes: []string{"OR.Jobs"}})
			if err != nil {
				t.Fatalf("create %s: %v", name, err)
			}
			ids = append(ids, c.CreatePersonalAccessToken.PersonalAccessToken.Id)
		}
		if _, err := client.CreatePersonalAccessToken(ctx, bob, client.CreatePersonalAccessTokenInput{Name: "deploy-bob", Scopes: []string{"OR.Jobs"}}); err != nil {
			t.Fatalf("create bob's: %v", err)
		}

		// Alice lists her own tokens only.
		own, err := client.PersonalAccessTokens(ctx, alice, 100, nil, nil, nil)
		if err != nil {
			t.Fatalf("PersonalAccessTokens (alice): %v", err)
		}
		if page := own.PersonalAccessTokens; page.TotalCount != 6 || len(page.Nodes) != 6 || page.PageInfo.HasNextPage {
			t.Errorf("alice's list: got %d of %d (more: %v), want 6 of 6", len(page.Nodes), page.TotalCount, page.PageInfo.HasNextPage)
		}
		for _, n := range own.PersonalAccessTokens.Nodes {
			if n.Owner.Id != "alice" {
				t.Errorf("alice's list: got a token of %s", n.Owner.Id)
			}
		}

		// The admin pages through alice's "deploy" tokens by name, two at a time.
		filter := &client.PersonalAccessTokenFilter{Search: testenv.Ptr("deploy"), OwnerIds: []string{"alice"}}
		order := &client.PersonalAccessTokenOrder{Field: client.PersonalAccessTokenOrderFieldName, Direction: client.OrderDirectionAsc}
		var names []string
		var after *string
		for pages := 0; ; pages++ {
			if pages == 5 {
				t.Fatalf("pagination: still more after %d pages (%v)", pages, names)
			}
			resp, err := client.PersonalAccessTokens(ctx, admin, 2, after, filter, order)
			if err != nil {
				t.Fatalf("PersonalAccessTokens (admin, page %d): %v", pages, err)
			}
			page := resp.PersonalAccessTokens
			if page.TotalCount != 5 {
				t.Errorf("page %d totalCount: got %d, want 5", pages, page.TotalCount)
			}
			for _, n := range page.Nodes {
				names = append(names, n.Name)
			}
			if !page.PageInfo.HasNextPage {
				break
			}
			after = page.PageInfo.EndCursor
		}
		if want := []string{"deploy-a", "deploy-b", "deploy-c", "deploy-d", "deploy-e"}; !slices.Equal(names, want) {
			t.Errorf("paged names: got %v, want %v", names, want)
		}

		// The admin revokes two of them, then the first by its value.
		revoked, err := client.RevokeTokens(ctx, admin, ids[1:3])
		if err != nil {
			t.Fatalf("RevokeTokens: %v", err)
		}
		if r := revoked.RevokeTokens; r.RevokedCount != 2 || len(r.Tokens) != 2 {
			t.Errorf("revokeTokens: got count %d and %d tokens, want 2 and 2", r.RevokedCount, len(r.Tokens))
		}
		for _, tok := range revoked.RevokeTokens.Tokens {
			if tok.Status != client.TokenStatusRevoked || tok.RevokedAt == nil || tok.RevokedBy == nil || tok.RevokedBy.Id != "root" ||
				tok.RevocationSource == nil || *tok.RevocationSource != client.RevocationSourceAdmin {
				t.Errorf("revoked token: got %+v, want REVOKED by root (ADMIN)", tok)
			}
		}
		byValue, err := client.RevokeTokenByValue(ctx, admin, "Bearer "+secret)
		if err != nil {
			t.Fatalf("RevokeTokenByValue: %v", err)
		}
		if r := byValue.RevokeTokenByValue; r.Outcome != client.RevokeOutcomeRevoked || r.Token.Id != first.Id ||
			r.Token.RevocationSource == nil || *r.Token.RevocationSource != client.RevocationSourceByValue {
			t.Errorf("revokeTokenByValue: got %+v, want REVOKED, token %s, BY_VALUE", r, first.Id)
		}
		again, err := client.RevokeTokenByValue(ctx, admin, secret)
		if err != nil {
			t.Fatalf("RevokeTokenByValue again: %v", err)
		}
		if again.RevokeTokenByValue.Outcome != client.RevokeOutcomeAlreadyRevoked {
			t.Errorf("second revokeTokenByValue: got %s, want ALREADY_REVOKED", again.RevokeTokenByValue.Outcome)
		}
		batch, err := client.RevokeTokensByValue(ctx, admin, []string{secret, "opat_not-a-token"})
		if err != nil {
			t.Fatalf("RevokeTokensByValue: %v", err)
		}
		if b := batch.RevokeTokensByValue; b.RevokedCount != 0 || len(b.Results) != 2 ||
			b.Results[0].Outcome != client.RevokeByValueOutcomeAlreadyRevoked || b.Results[0].Token == nil || b.Results[0].Token.Id != first.Id ||
			b.Results[1].Index != 1 || b.Results[1].Outcome != client.RevokeByValueOutcomeNotFound || b.Results[1].Token != nil {
			t.Errorf("revokeTokensByValue: got %+v, want ALREADY_REVOKED for %s, then NOT_FOUND with no token", b, first.Id)
		}
		gone, err := client.PersonalAccessTokens(ctx, alice, 100, nil, &client.PersonalAccessTokenFilter{Status: []client.TokenStatus{client.TokenStatusRevoked}}, nil)
		if err != nil {
			t.Fatalf("PersonalAccessTokens (revoked): %v", err)
		}
		if got := gone.PersonalAccessTokens.TotalCount; got != 3 {
			t.Errorf("alice's revoked tokens: got %d, want 3", got)
		}

		// The audit trail of the revocations and of the policy change.
		events, err := client.AuditEvents(ctx, admin, 50, nil, &client.AuditEventFilter{
			Actions: []client.AuditAction{client.AuditActionTokenRevoked, client.AuditActionSettingsUpdated}, Since: &start,
		})
		if err != nil {
			t.Fatalf("AuditEvents: %v", err)
		}
		var got []string
		for _, e := range events.AuditEvents.Nodes {
			if e.OccurredAt.Before(start.Truncate(time.Millisecond)) {
				t.Errorf("event %s at %v: before since %v", e.Id, e.OccurredAt, start)
			}
			switch {
			case e.Action == client.AuditActionSettingsUpdated && e.SettingsChange != nil && e.Token == nil:
				c := e.SettingsChange
				got = append(got, fmt.Sprintf("settings %d->%d by %s", c.PreviousMaxLifespanDays, c.MaxLifespanDays, e.Actor.Id))
			case e.Action == client.AuditActionTokenRevoked && e.Token != nil && e.RevocationSource != nil:
				got = append(got, fmt.Sprintf("revoked %s (%s) by %s", e.Token.Name, *e.RevocationSource, e.Actor.Id))
			default:
				t.Errorf("event: got %+v, want a revocation with its token or a settings change", e)
			}
		}
		// Newest first.
		want := []string{"revoked deploy-a (BY_VALUE) by root", "revoked deploy-c (ADMIN) by root",
			"revoked deploy-d (ADMIN) by root", "settings 90->30 by root"}
		if len(got) == len(want) {
			// The two revoked in one call share their time: compare them as a set.
			slices.Sort(got[1:3])
		}
		if !slices.Equal(got, want) {
			t.Errorf("audit trail: got %q, want %q", got, want)
		}
	})
}

// typed returns a generated-client connection to env as c's caller.
func typed(env *testenv.Env, c *testenv.Client) graphql.Client {
	return client.New(env.URL+"/query", c.Bearer, nil)
}
