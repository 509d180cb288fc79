package fuzz

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/patgov/pats/internal/auth"
	"github.com/patgov/pats/internal/entity"
	"github.com/patgov/pats/internal/testenv"
)

// caller is an identity of the fixture organization that fuzzed requests
// are sent as.
type caller struct {
	subject string
	role    auth.Role
	account entity.AccountType
}

// callers: a fuzz input picks one by index (modulo the length).
var callers = []caller{
	{"fuzz-admin", auth.RoleAdmin, entity.AccountTypeLocal},
	{"fuzz-member", auth.RoleMember, entity.AccountTypeLocal},
	{"fuzz-directory-admin", auth.RoleAdmin, entity.AccountTypeDirectory},
	{"fuzz-directory-member", auth.RoleMember, entity.AccountTypeDirectory},
}

// fixtureMaxAge bounds a fixture's life: its session tokens last an hour.
const fixtureMaxAge = 10 * time.Minute

// target is one running service (one per dialect) with its current fixture.
type target struct {
	env       *testenv.Env
	client    *http.Client
	bystander *org
	fixture   *org
	// dirty means a mutation may have changed the fixture: the next
	// input gets a fresh one, so every input starts from the same state.
	dirty bool
}

// org is a seeded organization: its callers' session tokens, an active
// token of the admin and of the member, and a revoked token of the member.
// Placeholders in fuzz inputs (see replace) name its values.
type org struct {
	id      string
	created time.Time
	bearers []string
	// pairs are placeholders and their values, for strings.NewReplacer;
	// the cursors are added on first use (see replace).
	pairs         []string
	replacer      *strings.Replacer
	cursorsLoaded bool
	// private strings may never appear in a response unless the request
	// has them: session tokens, token secrets and digests, and for the
	// bystander its identifiers too.
	private []string
}

// newTarget starts the service on dialect, with a bystander organization
// whose data no fuzzed request may see or change.
func newTarget(tb testing.TB, dialect string) *target {
	tb.Helper()
	tg := &target{env: testenv.New(tb, dialect), client: &http.Client{Timeout: time.Minute}}
	tg.bystander = tg.seed(tb, testenv.UniqueOrg("fuzz-bystander"), bystanderPrefix, nil)
	return tg
}

// current returns the fixture organization for the next input.
func (tg *target) current(tb testing.TB) *org {
	tb.Helper()
	if tg.fixture == nil || tg.dirty || time.Since(tg.fixture.created) > fixtureMaxAge {
		tg.fixture = tg.seed(tb, testenv.UniqueOrg("fuzz"), "", tg.bystander)
		tg.dirty = false
	}
	return tg.fixture
}

// bystanderPrefix starts the subjects (and so the names and emails) of the
// bystander organization's users.
const bystanderPrefix = "bystander-"

// seed creates an organization's tokens and cursors over GraphQL, for
// callers whose subjects start with prefix. other is the organization
// that @OTHER_ID and @OTHER_SECRET name.
func (tg *target) seed(tb testing.TB, orgID, prefix string, other *org) *org {
	tb.Helper()
	o := &org{id: orgID, created: time.Now()}
	for _, c := range callers {
		cl := tg.env.As(tb, testenv.Identity{Org: orgID, Subject: prefix + c.subject, Role: c.role, AccountType: c.account})
		o.bearers = append(o.bearers, cl.Bearer)
	}
	admin, member := o.bearers[0], o.bearers[1]
	create := func(bearer, name string) (id, secret string) {
		var d struct {
			CreatePersonalAccessToken struct {
				Token               string
				PersonalAccessToken struct{ ID string }
			}
		}
		tg.mustDo(tb, bearer, operations[3].document, map[string]any{"input": map[string]any{"name": name, "scopes": []string{"OR.Jobs", "OR.Queues.Read"}}}, &d)
		return d.CreatePersonalAccessToken.PersonalAccessToken.ID, d.CreatePersonalAccessToken.Token
	}
	adminID, adminSecret := create(admin, "fuzz admin token "+orgID)
	memberID, memberSecret := create(member, "fuzz member token "+orgID)
	revokedID, revokedSecret := create(member, "fuzz revoked token "+orgID)
	tg.mustDo(tb, admin, operations[1].document, map[string]any{"ids": []string{revokedID}}, nil)
	now := time.Now().UTC()
	o.pairs = []string{
		"@ADMIN_ID", adminID, "@ADMIN_SECRET", adminSecret,
		"@MEMBER_ID", memberID, "@MEMBER_SECRET", memberSecret,
		"@REVOKED_ID", revokedID, "@REVOKED_SECRET", revokedSecret,
		"@FUTURE", now.Add(24 * time.Hour).Format(time.RFC3339Nano),
		"@PAST", now.Add(-24 * time.Hour).Format(time.RFC3339Nano),
		"@ORG", orgID,
	}
	o.private = append(o.private, o.bearers...)
	for _, s := range []string{adminSecret, memberSecret, revokedSecret} {
		o.private = append(o.private, digests(s)...)
	}
	if prefix != "" {
		o.private = append(o.private, orgID, prefix, adminID, memberID, revokedID)
	}
	if other != nil {
		o.pairs = append(o.pairs, "@OTHER_ID", other.value("@ADMIN_ID"), "@OTHER_SECRET", other.value("@ADMIN_SECRET"))
	}
	o.replacer = strings.NewReplacer(o.pairs...)
	return o
}

// value returns what placeholder stands for in o.
func (o *org) value(placeholder string) string { return o.replacer.Replace(placeholder) }

// replace substitutes o's values for the placeholders in s. The cursors
// (@CURSOR: the admin's first page of tokens, @AUDIT_CURSOR: of the audit
// trail) are read only when an input first names them: reads change no
// state, and most inputs do not need them.
func (tg *target) replace(tb testing.TB, o *org, s string) string {
	tb.Helper()
	if !o.cursorsLoaded && strings.Contains(s, "CURSOR") {
		var list struct {
			PersonalAccessTokens struct{ PageInfo struct{ EndCursor string } }
			AuditEvents          struct{ PageInfo struct{ EndCursor string } }
		}
		tg.mustDo(tb, o.bearers[0], `{ personalAccessTokens(first: 1) { pageInfo { endCursor } }
  auditEvents(first: 1) { pageInfo { endCursor } } }`, nil, &list)
		o.pairs = append(o.pairs, "@CURSOR", list.PersonalAccessTokens.PageInfo.EndCursor,
			"@AUDIT_CURSOR", list.AuditEvents.PageInfo.EndCursor)
		o.replacer = strings.NewReplacer(o.pairs...)
		o.cursorsLoaded = true
	}
	return o.replacer.Replace(s)
}

// digests returns a token secret and the forms of its stored digest.
func digests(secret string) []string {
	d := sha256.Sum256([]byte(secret))
	return []string{secret, hex.EncodeToString(d[:]), base64.StdEncoding.EncodeToString(d[:]), base64.RawURLEncoding.EncodeToString(d[:])}
}

// response is one HTTP exchange's outcome.
type response struct {
	status int
	header http.Header
	raw    []byte
}

// post sends body to /query with the bearer token and extra headers.
func (tg *target) post(tb testing.TB, bearer string, body []byte, header http.Header) response {
	tb.Helper()
	req, err := http.NewRequest(http.MethodPost, tg.env.URL+"/query", bytes.NewReader(body))
	if err != nil {
		tb.Fatalf("request: %v", err)
	}
	req.Header.Set("Content-Type", "application/json")
	for k, vs := range header {
		req.Header.Del(k)
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	req.Header.Set("Authorization", "Bearer "+bearer)
	resp, err := tg.client.Do(req)
	if err != nil {
		tb.Fatalf("post (the server dropped the connection?): %v", err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatalf("read response: %v", err)
	}
	return response{status: resp.StatusCode, header: resp.Header, raw: raw}
}

// mustDo sends a setup operation and decodes its data into out.
func (tg *target) mustDo(tb testing.TB, bearer, query string, vars map[string]any, out any) {
	tb.Helper()
	r := tg.post(tb, bearer, graphQLBody(tb, query, vars), nil)
	var env struct {
		Data   json.RawMessage
		Errors []any
	}
	if err := json.Unmarshal(r.raw, &env); err != nil || r.status != http.StatusOK || len(env.Errors) > 0 {
		tb.Fatalf("setup request failed (HTTP %d): %s", r.status, r.raw)
	}
	if out != nil {
		if err := json.Unmarshal(env.Data, out); err != nil {
			tb.Fatalf("setup response: %v: %s", err, r.raw)
		}
	}
}

// graphQLBody encodes a request body.
func graphQLBody(tb testing.TB, query string, vars map[string]any) []byte {
	tb.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		tb.Fatalf("marshal: %v", err)
	}
	return body
}

// checkBystander fails if the bystander organization's policy or token
// changed: no request of another organization may touch them.
func (tg *target) checkBystander(tb testing.TB) {
	tb.Helper()
	var d struct {
		OrganizationPatSettings struct {
			Enabled         bool
			MaxLifespanDays int
		}
		PersonalAccessTokens struct {
			Nodes []struct{ ID, Status string }
		}
	}
	tg.mustDo(tb, tg.bystander.bearers[0], `{ organizationPatSettings { enabled maxLifespanDays }
  personalAccessTokens(filter: { status: [ACTIVE, EXPIRED, REVOKED] }) { nodes { id status } } }`, nil, &d)
	s, n := d.OrganizationPatSettings, d.PersonalAccessTokens.Nodes
	if !s.Enabled || s.MaxLifespanDays != 90 || len(n) != 3 ||
		!tokenHasStatus(n, tg.bystander.value("@ADMIN_ID"), "ACTIVE") ||
		!tokenHasStatus(n, tg.bystander.value("@MEMBER_ID"), "ACTIVE") ||
		!tokenHasStatus(n, tg.bystander.value("@REVOKED_ID"), "REVOKED") {
		tb.Fatalf("another organization changed the bystander organization: got %+v", d)
	}
}

func tokenHasStatus(nodes []struct{ ID, Status string }, id, status string) bool {
	for _, n := range nodes {
		if n.ID == id {
			return n.Status == status
		}
	}
	return false
}
