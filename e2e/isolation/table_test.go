package isolation

import (
	"encoding/json"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/patgov/pats/internal/testenv"
	"github.com/patgov/pats/pattoken"
)

// probe tries one argument of one field: once with the other
// organization's object (foreign) and once with one that does not exist
// (unknown). The two answers must be the same but for the argument itself,
// and neither may change anything.
type probe struct {
	name    string
	caller  func(a *tenant) *testenv.Client
	request func(arg string) (string, map[string]any)
	foreign func(b *tenant) string
	unknown string
}

// ownOnly runs a field that takes no object reference and checks that it
// reads or changes the caller's organization only.
type ownOnly struct {
	name  string
	run   func(t *testing.T, a *tenant) *testenv.Response
	reads bool // true: nothing may change at all; false: only the caller's organization may
}

const (
	listQ  = `query($first: Int, $after: String, $filter: PersonalAccessTokenFilter) { personalAccessTokens(first: $first, after: $after, filter: $filter) { totalCount nodes { id name owner { id name email } revokedBy { id } } } }`
	usersQ = `query($first: Int, $after: String, $search: String) { users(first: $first, after: $after, search: $search) { nodes { id name email accountType } pageInfo { endCursor } } }`
	auditQ = `query($after: String, $filter: AuditEventFilter) { auditEvents(first: 100, after: $after, filter: $filter) { nodes { id action actor { id } token { id name owner { id } } } } }`
)

// unknownID is a well-formed token ID that names nothing.
const unknownID = "01J00000000000000000000000"

func admin(a *tenant) *testenv.Client  { return a.admin }
func member(a *tenant) *testenv.Client { return a.alice }

// probes lists, per schema field, every argument that takes an ID, a
// token value, a filter or a cursor.
func probes(unknownValue string) map[string][]probe {
	listWith := func(filterKey string) func(string) (string, map[string]any) {
		return func(arg string) (string, map[string]any) {
			return listQ, map[string]any{"filter": map[string]any{filterKey: []string{arg}, "status": []string{"ACTIVE", "EXPIRED", "REVOKED"}}}
		}
	}
	auditWith := func(filterKey string) func(string) (string, map[string]any) {
		return func(arg string) (string, map[string]any) {
			return auditQ, map[string]any{"filter": map[string]any{filterKey: []string{arg}}}
		}
	}
	revokeIDs := func(arg string) (string, map[string]any) {
		return `mutation($ids: [ID!]!) { revokeTokens(ids: $ids) { revokedCount tokens { id } } }`, map[string]any{"ids": []string{arg}}
	}
	return map[string][]probe{
		"personalAccessTokens": {
			{"filter.ownerIds, admin", admin, listWith("ownerIds"), func(b *tenant) string { return b.tag + "-alice" }, "nobody"},
			{"filter.ownerIds, member", member, listWith("ownerIds"), func(b *tenant) string { return b.tag + "-alice" }, "nobody"},
			{"filter.search, admin", admin, func(arg string) (string, map[string]any) {
				return listQ, map[string]any{"filter": map[string]any{"search": arg}}
			}, func(b *tenant) string { return b.tag + "-token-0" }, "zz-no-such-name"},
			{"after, admin", admin, func(arg string) (string, map[string]any) {
				return listQ, map[string]any{"first": 1, "after": arg}
			}, func(b *tenant) string { return b.cursor }, "bm90LWEtY3Vyc29y"},
			{"after, member", member, func(arg string) (string, map[string]any) {
				return listQ, map[string]any{"first": 1, "after": arg}
			}, func(b *tenant) string { return b.cursor }, "bm90LWEtY3Vyc29y"},
		},
		"users": {
			{"search", admin, func(arg string) (string, map[string]any) {
				return usersQ, map[string]any{"search": arg}
			}, func(b *tenant) string { return b.tag + " alice" }, "zz-no-such-user"},
			{"after", admin, func(arg string) (string, map[string]any) {
				return usersQ, map[string]any{"first": 1, "after": arg}
			}, func(b *tenant) string { return b.users }, "bm90LWEtY3Vyc29y"},
			{"after, as a member", member, func(arg string) (string, map[string]any) {
				return usersQ, map[string]any{"after": arg}
			}, func(b *tenant) string { return b.users }, "bm90LWEtY3Vyc29y"},
		},
		"auditEvents": {
			{"filter.tokenIds", admin, auditWith("tokenIds"), func(b *tenant) string { return b.tokens[0].ID }, unknownID},
			{"filter.tokenIds, revoked token", admin, auditWith("tokenIds"), func(b *tenant) string { return b.revoked.ID }, unknownID},
			{"filter.actorIds", admin, auditWith("actorIds"), func(b *tenant) string { return b.tag + "-admin" }, "nobody"},
			{"after", admin, func(arg string) (string, map[string]any) {
				return auditQ, map[string]any{"after": arg}
			}, func(b *tenant) string { return b.audit }, "bm90LWEtY3Vyc29y"},
			{"after, as a member", member, func(arg string) (string, map[string]any) {
				return auditQ, map[string]any{"after": arg}
			}, func(b *tenant) string { return b.audit }, "bm90LWEtY3Vyc29y"},
		},
		"revokeTokens": {
			{"ids, admin", admin, revokeIDs, func(b *tenant) string { return b.tokens[0].ID }, unknownID},
			{"ids, admin, revoked token", admin, revokeIDs, func(b *tenant) string { return b.revoked.ID }, unknownID},
			{"ids, member", member, revokeIDs, func(b *tenant) string { return b.tokens[0].ID }, unknownID},
		},
		"revokeTokenByValue": {
			{"token", admin, func(arg string) (string, map[string]any) {
				return `mutation($t: String!) { revokeTokenByValue(token: $t) { outcome token { id } } }`, map[string]any{"t": arg}
			}, func(b *tenant) string { return b.tokens[0].Secret }, unknownValue},
			{"token, already revoked", admin, func(arg string) (string, map[string]any) {
				return `mutation($t: String!) { revokeTokenByValue(token: $t) { outcome token { id } } }`, map[string]any{"t": arg}
			}, func(b *tenant) string { return b.revoked.Secret }, unknownValue},
		},
		"tokenRevocationPreview": {
			{"filter.ownerIds", admin, func(arg string) (string, map[string]any) {
				return previewQ, map[string]any{"filter": map[string]any{"ownerIds": []string{arg}}}
			}, func(b *tenant) string { return b.tag + "-alice" }, "nobody"},
		},
		"revocationJob": {
			{"id", admin, func(arg string) (string, map[string]any) {
				return `query($id: ID!) { revocationJob(id: $id) { id state total revoked createdBy { id } } }`, map[string]any{"id": arg}
			}, func(b *tenant) string { return b.job }, unknownID},
		},
		"revokeTokensMatching": {
			{"confirmation", admin, func(arg string) (string, map[string]any) {
				return revokeMatchingQ, map[string]any{"filter": map[string]any{}, "confirmation": arg}
			}, func(b *tenant) string { return b.confirmation }, "bm90LWEtY29uZmlybWF0aW9u"},
		},
		"rotatePersonalAccessToken": {
			{"id, member", member, func(arg string) (string, map[string]any) {
				return `mutation($id: ID!) { rotatePersonalAccessToken(id: $id) { token personalAccessToken { id rotatedFrom { id } } } }`, map[string]any{"id": arg}
			}, func(b *tenant) string { return b.tokens[0].ID }, unknownID},
		},
		"updateWebhookEndpoint": {
			{"id", admin, func(arg string) (string, map[string]any) {
				return `mutation($id: ID!) { updateWebhookEndpoint(id: $id, input: {eventTypes: [TOKEN_CREATED]}) { id url } }`, map[string]any{"id": arg}
			}, func(b *tenant) string { return b.webhook }, unknownID},
		},
		"deleteWebhookEndpoint": {
			{"id", admin, func(arg string) (string, map[string]any) {
				return `mutation($id: ID!) { deleteWebhookEndpoint(id: $id) }`, map[string]any{"id": arg}
			}, func(b *tenant) string { return b.webhook }, unknownID},
		},
		"rotateWebhookSecret": {
			{"id", admin, func(arg string) (string, map[string]any) {
				return `mutation($id: ID!) { rotateWebhookSecret(id: $id) { secret endpoint { id } } }`, map[string]any{"id": arg}
			}, func(b *tenant) string { return b.webhook }, unknownID},
		},
		"sendTestWebhook": {
			{"id", admin, func(arg string) (string, map[string]any) {
				return `mutation($id: ID!) { sendTestWebhook(id: $id) { id status } }`, map[string]any{"id": arg}
			}, func(b *tenant) string { return b.webhook }, unknownID},
		},
		"webhookDeliveries": {
			{"endpointId", admin, func(arg string) (string, map[string]any) {
				return `query($id: ID!) { webhookDeliveries(endpointId: $id) { nodes { id eventType } } }`, map[string]any{"id": arg}
			}, func(b *tenant) string { return b.webhook }, unknownID},
		},
		"redeliverWebhook": {
			{"deliveryId", admin, func(arg string) (string, map[string]any) {
				return `mutation($id: ID!) { redeliverWebhook(deliveryId: $id) { id status } }`, map[string]any{"id": arg}
			}, func(b *tenant) string { return b.delivery }, unknownID},
		},
		"revokeTokensByValue": {
			{"tokens", admin, revokeValues, func(b *tenant) string { return b.tokens[0].Secret }, unknownValue},
			{"tokens, already revoked", admin, revokeValues, func(b *tenant) string { return b.revoked.Secret }, unknownValue},
		},
	}
}

const (
	previewQ        = `query($filter: PersonalAccessTokenFilter!) { tokenRevocationPreview(filter: $filter) { matchingCount ownerCount sample { id owner { id } } } }`
	revokeMatchingQ = `mutation($filter: PersonalAccessTokenFilter!, $confirmation: String!) { revokeTokensMatching(filter: $filter, confirmation: $confirmation) { id state total revoked } }`
)

// revokeValues revokes one value with revokeTokensByValue.
func revokeValues(arg string) (string, map[string]any) {
	return `mutation($t: [String!]!) { revokeTokensByValue(tokens: $t) { revokedCount results { index outcome token { id } } } }`,
		map[string]any{"t": []string{arg}}
}

// ownOnlies lists the fields that take no reference to an object: each
// must touch the caller's organization only.
func ownOnlies() map[string][]ownOnly {
	do := func(c func(*tenant) *testenv.Client, q string, vars map[string]any) func(*testing.T, *tenant) *testenv.Response {
		return func(_ *testing.T, a *tenant) *testenv.Response { return c(a).Do(q, vars) }
	}
	return map[string][]ownOnly{
		"viewer":                    {{"viewer", do(member, `{ viewer { id name email } }`, nil), true}},
		"viewerRole":                {{"role", do(member, `{ viewerRole }`, nil), true}},
		"organizationPatSettings":   {{"settings", do(member, `{ organizationPatSettings { enabled maxLifespanDays revokeUnusedAfterDays updatedAt updatedBy { id name } } }`, nil), true}},
		"availableScopes":           {{"scopes", do(member, `{ availableScopes }`, nil), true}},
		"createPersonalAccessToken": {{"create", do(member, `mutation { createPersonalAccessToken(input: {name: "own-new", scopes: ["OR.Jobs"]}) { personalAccessToken { id owner { id } } } }`, nil), false}},
		"updatePatSettings":         {{"settings", do(admin, `mutation { updatePatSettings(input: {maxLifespanDays: 5}) { enabled maxLifespanDays updatedBy { id } } }`, nil), false}},
		"emailNotifications":        {{"list", do(admin, `{ emailNotifications(first: 100) { nodes { id to subject text recipient { id } } } }`, nil), true}},
		"webhookEndpoints":          {{"list", do(admin, `{ webhookEndpoints { id url eventTypes createdBy { id } } }`, nil), true}},
		"createWebhookEndpoint":     {{"create", do(admin, `mutation { createWebhookEndpoint(input: {url: "http://127.0.0.1:9/own", eventTypes: [TOKEN_CREATED]}) { endpoint { id createdBy { id } } } }`, nil), false}},
		"patSettingsImpact": {{"every kind", do(admin, `{ patSettingsImpact(input: {enabled: false, maxLifespanDays: 1, revokeUnusedAfterDays: 7}) {
  tokensExpiring tokensBlocked tokensRevokedAsUnused affectedOwners sample { id name owner { id name email } } } }`, nil), true}},
		// Another organization's confirmation is in the probes; this is
		// one of the caller's own, confirmed.
		"revokeTokensMatching": {{"a filter of its own users", func(t *testing.T, a *tenant) *testenv.Response {
			return a.admin.RevokeMatching(map[string]any{"ownerIds": []string{a.tag + "-nobody-else"}},
				a.admin.MustPreview(map[string]any{"ownerIds": []string{a.tag + "-nobody-else"}}).Confirmation)
		}, false}},
	}
}

// TestEveryFieldIsCovered fails when the schema gains a query or mutation
// the isolation table does not list.
func TestEveryFieldIsCovered(t *testing.T) {
	src, err := os.ReadFile("../../schema.graphqls")
	if err != nil {
		t.Fatalf("read schema: %v", err)
	}
	schema, gqlErr := gqlparser.LoadSchema(&ast.Source{Name: "schema.graphqls", Input: string(src)})
	if gqlErr != nil {
		t.Fatalf("load schema: %v", gqlErr)
	}
	covered := map[string]bool{}
	for f := range probes("") {
		covered[f] = true
	}
	for f := range ownOnlies() {
		covered[f] = true
	}
	for _, typ := range []*ast.Definition{schema.Query, schema.Mutation} {
		for _, f := range typ.Fields {
			if strings.HasPrefix(f.Name, "__") {
				continue
			}
			if !covered[f.Name] {
				t.Errorf("%s.%s is not in the isolation table", typ.Name, f.Name)
			}
			delete(covered, f.Name)
		}
	}
	for f := range covered {
		t.Errorf("the isolation table lists %s, which the schema does not have", f)
	}
}

// TestIsolationTable runs every probe and every own-only field with two
// organizations, in both directions.
func TestIsolationTable(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, env *testenv.Env) {
		a, b := newTenant(t, env, "ta"), newTenant(t, env, "tb")
		unknown, err := pattoken.Generate()
		if err != nil {
			t.Fatalf("generate: %v", err)
		}
		for _, dir := range []struct {
			name       string
			self, them *tenant
		}{{"a sees b", a, b}, {"b sees a", b, a}} {
			all := probes(unknown.Value)
			for _, field := range slices.Sorted(maps.Keys(all)) {
				for _, p := range all[field] {
					t.Run(dir.name+"/"+field+"/"+p.name, func(t *testing.T) {
						c := p.caller(dir.self)
						foreign := p.foreign(dir.them)
						answer := func(arg string) string {
							before := takeSnapshot(t, env, a.org, b.org)
							q, vars := p.request(arg)
							r := c.Do(q, vars)
							expectSame(t, before, takeSnapshot(t, env, a.org, b.org))
							if r.Status >= 500 || r.Code() == "INTERNAL" {
								t.Fatalf("%s: got HTTP %d %s", arg, r.Status, r.Raw)
							}
							return normalize(t, r, arg)
						}
						got, want := answer(foreign), answer(p.unknown)
						if got != want {
							t.Fatalf("another organization's object:\n got  %s\n want %s (as for one that does not exist)", got, want)
						}
						if strings.Contains(got, dir.them.tag+"-") {
							t.Fatalf("the answer names the other organization: %s", got)
						}
					})
				}
			}
			own := ownOnlies()
			for _, field := range slices.Sorted(maps.Keys(own)) {
				for _, o := range own[field] {
					t.Run(dir.name+"/"+field+"/"+o.name, func(t *testing.T) {
						theirs := takeSnapshot(t, env, dir.them.org)
						mine := takeSnapshot(t, env, dir.self.org)
						r := o.run(t, dir.self)
						if len(r.Errors) > 0 {
							t.Fatalf("errors: %s", r.Raw)
						}
						expectSame(t, theirs, takeSnapshot(t, env, dir.them.org))
						if o.reads {
							expectSame(t, mine, takeSnapshot(t, env, dir.self.org))
						}
						if strings.Contains(r.Raw, dir.them.tag+"-") || strings.Contains(r.Raw, dir.them.org) {
							t.Fatalf("the answer names the other organization: %s", r.Raw)
						}
					})
				}
			}
			// Put back what the own-only mutations changed.
			dir.self.admin.MustDo(`mutation { updatePatSettings(input: {maxLifespanDays: 80}) { enabled } }`, nil)
		}
	})
}

// normalize is a response with the probed argument, the request ID and
// nothing else replaced, for comparison.
func normalize(t *testing.T, r *testenv.Response, arg string) string {
	t.Helper()
	type errOut struct {
		Message    string
		Path       []any
		Code       any
		Extensions []string
	}
	out := struct {
		Status int
		Data   map[string]any
		Errors []errOut
	}{Status: r.Status, Data: r.Data}
	for _, e := range r.Errors {
		keys := slices.Sorted(maps.Keys(e.Extensions))
		out.Errors = append(out.Errors, errOut{Message: e.Message, Path: e.Path, Code: e.Extensions["code"], Extensions: keys})
	}
	b, err := json.Marshal(out)
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	s := string(b)
	if arg != "" {
		s = strings.ReplaceAll(s, arg, "<ARG>")
	}
	return s
}
