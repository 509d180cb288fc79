package isolation

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/patgov/pats/internal/entity"
	"github.com/patgov/pats/internal/testenv"
)

// tenant is one organization's people and objects. Every name, subject
// and token name of a tenant starts with its tag, so a response that
// mentions the other tenant's tag has leaked.
type tenant struct {
	org, tag     string
	admin, alice *testenv.Client
	// shared has the same subject ("shared") in both organizations.
	shared  *testenv.Client
	tokens  []token // alice's and shared's, active
	revoked token   // revoked by the admin
	cursor  string  // a personalAccessTokens cursor of the admin
	audit   string  // an auditEvents cursor of the admin
	users   string  // a users cursor of the admin
	// job is a revocation job of the admin (one that matched nothing);
	// confirmation a preview's confirmation of the admin, for every
	// token of the organization.
	job, confirmation string
	// webhook is an endpoint of the admin, delivery one of its deliveries
	// (a test one).
	webhook, delivery string
}

type token struct{ ID, Secret, Hint string }

// newTenant creates an organization with tokens, a revocation and a
// settings change, so every kind of object and audit event exists.
func newTenant(t *testing.T, env *testenv.Env, tag string) *tenant {
	t.Helper()
	org := testenv.UniqueOrg(tag)
	tn := &tenant{org: org, tag: tag}
	id := func(subject string, admin bool) testenv.Identity {
		i := testenv.Identity{Org: org, Subject: subject, Name: tag + " " + subject, Email: subject + "@" + tag + ".test"}
		if admin {
			i.Role = "admin"
		}
		return i
	}
	tn.admin = env.As(t, id(tag+"-admin", true))
	tn.alice = env.As(t, id(tag+"-alice", false))
	tn.shared = env.As(t, id("shared", false))
	for i, c := range []*testenv.Client{tn.alice, tn.alice, tn.shared} {
		tn.tokens = append(tn.tokens, create(t, c, fmt.Sprintf("%s-token-%d", tag, i)))
	}
	tn.revoked = create(t, tn.shared, tag+"-revoked")
	tn.admin.MustDo(`mutation($ids: [ID!]!) { revokeTokens(ids: $ids) { revokedCount } }`, map[string]any{"ids": []string{tn.revoked.ID}})
	tn.admin.MustDo(`mutation { updatePatSettings(input: {maxLifespanDays: 80}) { enabled } }`, nil)
	nobody := map[string]any{"ownerIds": []string{tag + "-nobody"}}
	tn.job = tn.admin.MustRevokeMatching(nobody, tn.admin.MustPreview(nobody).Confirmation).ID
	tn.confirmation = tn.admin.MustPreview(map[string]any{}).Confirmation
	var hook struct {
		CreateWebhookEndpoint struct{ Endpoint struct{ ID string } }
	}
	tn.admin.MustDoInto(`mutation($url: String!) { createWebhookEndpoint(input: {url: $url, eventTypes: [TOKEN_REVOKED]}) { endpoint { id } } }`,
		map[string]any{"url": "http://127.0.0.1:9/" + tag}, &hook)
	tn.webhook = hook.CreateWebhookEndpoint.Endpoint.ID
	var test struct{ SendTestWebhook struct{ ID string } }
	tn.admin.MustDoInto(`mutation($id: ID!) { sendTestWebhook(id: $id) { id } }`, map[string]any{"id": tn.webhook}, &test)
	tn.delivery = test.SendTestWebhook.ID
	var page struct {
		PersonalAccessTokens testenv.Connection[testenv.Token]
		AuditEvents          testenv.Connection[testenv.AuditEvent]
		Users                testenv.Connection[testenv.User]
	}
	tn.admin.MustDoInto(`{ personalAccessTokens(first: 1) { pageInfo { endCursor } }
  auditEvents(first: 1) { pageInfo { endCursor } } users(first: 1) { pageInfo { endCursor } } }`, nil, &page)
	for _, c := range []struct {
		dst  *string
		info testenv.PageInfo
	}{
		{&tn.cursor, page.PersonalAccessTokens.PageInfo},
		{&tn.audit, page.AuditEvents.PageInfo},
		{&tn.users, page.Users.PageInfo},
	} {
		if c.info.EndCursor == nil {
			t.Fatalf("%s: got no endCursor, want one of each list", tag)
		}
		*c.dst = *c.info.EndCursor
	}
	return tn
}

func create(t *testing.T, c *testenv.Client, name string) token {
	t.Helper()
	p := c.MustCreateToken(map[string]any{"name": name, "scopes": []string{"OR.Jobs"}})
	return token{ID: p.PersonalAccessToken.ID, Secret: p.Token, Hint: p.PersonalAccessToken.Hint}
}

// snapshot is everything stored about some organizations.
type snapshot struct {
	Orgs   []entity.Organization
	Tokens []entity.PersonalAccessToken
	Users  []entity.User
	Events []entity.AuditEvent
	Jobs   []entity.RevocationJob
	Hooks  []entity.WebhookEndpoint
	Sent   []entity.Delivery
	Outbox []entity.OutboxEvent
}

// takeSnapshot reads every row of the organizations, in a fixed order.
func takeSnapshot(t testing.TB, env *testenv.Env, orgs ...string) snapshot {
	t.Helper()
	var s snapshot
	read := func(out any, q string) {
		if err := env.DB.Raw(q, orgs).Scan(out).Error; err != nil {
			t.Fatalf("snapshot: %v", err)
		}
	}
	read(&s.Orgs, `SELECT o.* FROM organizations o WHERE o.external_id IN ? ORDER BY o.id`)
	read(&s.Tokens, `SELECT t.* FROM personal_access_tokens t JOIN organizations o ON o.id = t.organization_id
WHERE o.external_id IN ? ORDER BY t.id`)
	read(&s.Users, `SELECT u.* FROM users u JOIN organizations o ON o.id = u.organization_id
WHERE o.external_id IN ? ORDER BY u.id`)
	read(&s.Events, `SELECT e.* FROM audit_events e JOIN organizations o ON o.id = e.organization_id
WHERE o.external_id IN ? ORDER BY e.id`)
	read(&s.Jobs, `SELECT j.* FROM revocation_jobs j JOIN organizations o ON o.id = j.organization_id
WHERE o.external_id IN ? ORDER BY j.id`)
	read(&s.Hooks, `SELECT w.* FROM webhook_endpoints w JOIN organizations o ON o.id = w.organization_id
WHERE o.external_id IN ? ORDER BY w.id`)
	read(&s.Sent, `SELECT d.* FROM deliveries d JOIN organizations o ON o.id = d.organization_id
WHERE o.external_id IN ? ORDER BY d.id`)
	read(&s.Outbox, `SELECT e.* FROM outbox_events e JOIN organizations o ON o.id = e.organization_id
WHERE o.external_id IN ? ORDER BY e.id`)
	return s
}

// expectSame fails t if the stored state changed.
func expectSame(t testing.TB, before, after snapshot) {
	t.Helper()
	if !reflect.DeepEqual(before, after) {
		t.Fatalf("the database changed: %d/%d tokens, %d/%d events, organizations %v -> %v",
			len(before.Tokens), len(after.Tokens), len(before.Events), len(after.Events), before.Orgs, after.Orgs)
	}
}
