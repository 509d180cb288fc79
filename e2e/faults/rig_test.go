package faults

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/patgov/pats/internal/faultproxy"
	"github.com/patgov/pats/internal/testenv"
)

// margin is how much later than its deadline a response may arrive
// (scheduling under -race on a small machine, encoding, the HTTP hop).
const margin = 1500 * time.Millisecond

// rig is a service instance that reaches MariaDB through a fault proxy,
// plus a second instance on the same database that reaches it directly:
// the test sets up through it and reads what was stored through its pool.
type rig struct {
	proxy  *faultproxy.Proxy
	env    *testenv.Env // through the proxy
	direct *testenv.Env
	dbName string
	// timeout is env's GraphQL request deadline.
	timeout time.Duration
}

// rigOptions configure newRig.
type rigOptions struct {
	// timeout is the GraphQL deadline of the instance behind the proxy
	// (zero: the service's default, 15 s).
	timeout time.Duration
	// directCache turns the direct instance's validation cache on (it is
	// off unless a test needs that instance to answer introspections).
	directCache bool
}

// requireMySQL skips the test when no MariaDB is configured; in CI
// (CI=true) testenv.Dialects fails it instead.
func requireMySQL(t *testing.T) {
	t.Helper()
	if !slices.Contains(testenv.Dialects(t), "mysql") {
		t.Skipf("database faults need MariaDB: set %s (SQLite has no network to cut)", testenv.MySQLEnv)
	}
}

func newRig(t *testing.T, opts rigOptions) *rig {
	t.Helper()
	requireMySQL(t)
	direct := testenv.NewWith(t, "mysql", testenv.Options{DisableCache: !opts.directCache})
	u, err := url.Parse(direct.DatabaseURL)
	if err != nil {
		t.Fatalf("parse database URL: %v", err)
	}
	upstream := u.Host
	if u.Port() == "" {
		upstream += ":3306"
	}
	proxy, err := faultproxy.New(upstream)
	if err != nil {
		t.Fatalf("start fault proxy: %v", err)
	}
	t.Cleanup(func() { _ = proxy.Close() })
	u.Host = proxy.Addr()
	env := testenv.NewWith(t, "mysql", testenv.Options{DatabaseURL: u.String(), RequestTimeout: opts.timeout})
	// Cleanups run last-registered first: the instance behind the proxy
	// shuts down over a working link, then the proxy closes.
	t.Cleanup(proxy.Restore)
	timeout := opts.timeout
	if timeout == 0 {
		timeout = 15 * time.Second
	}
	return &rig{proxy: proxy, env: env, direct: direct, dbName: strings.TrimPrefix(u.Path, "/"), timeout: timeout}
}

// token is a created token.
type token struct{ id, secret string }

// createTokens creates n tokens in org through the direct instance, 25 per
// owner (within the quota of 50 active tokens).
func createTokens(t *testing.T, env *testenv.Env, org string, n int) []token {
	t.Helper()
	out := make([]token, 0, n)
	for i := range n {
		owner := env.Member(t, org, fmt.Sprintf("owner-%d", i/25))
		var data struct{ CreatePersonalAccessToken testenv.CreatePayload }
		owner.MustDoInto(`mutation($n: String!) { createPersonalAccessToken(input:{name:$n, scopes:["OR.Jobs"]}) { token personalAccessToken { id } } }`,
			map[string]any{"n": fmt.Sprintf("token %d", i)}, &data)
		created := data.CreatePersonalAccessToken
		out = append(out, token{id: created.PersonalAccessToken.ID, secret: created.Token})
	}
	return out
}

// tokenRow is a token's revocation state as stored.
type tokenRow struct {
	ID          string
	RevokedAt   *int64
	RevokedByID *int64
}

// stored reads, through the direct instance, the revocation state of every
// token of org, the org's unrevoked-token counter and its admin's user ID.
func (r *rig) stored(t *testing.T, org, adminSubject string) (rows map[string]tokenRow, counter int64, adminID int64) {
	t.Helper()
	db := r.direct.DB
	var orgID int64
	if err := db.Raw("SELECT id FROM organizations WHERE external_id = ?", org).Scan(&orgID).Error; err != nil || orgID == 0 {
		t.Fatalf("read organization %s: id %d, %v", org, orgID, err)
	}
	var list []tokenRow
	if err := db.Raw("SELECT id, revoked_at, revoked_by_id FROM personal_access_tokens WHERE organization_id = ?", orgID).Scan(&list).Error; err != nil {
		t.Fatalf("read tokens: %v", err)
	}
	rows = make(map[string]tokenRow, len(list))
	for _, row := range list {
		rows[row.ID] = row
	}
	if err := db.Raw("SELECT unrevoked_token_count FROM organizations WHERE id = ?", orgID).Scan(&counter).Error; err != nil {
		t.Fatalf("read counter: %v", err)
	}
	if err := db.Raw("SELECT id FROM users WHERE organization_id = ? AND subject = ?", orgID, adminSubject).Scan(&adminID).Error; err != nil || adminID == 0 {
		t.Fatalf("read admin: id %d, %v", adminID, err)
	}
	return rows, counter, adminID
}

// checkInvariants checks what no fault may break: revoked_at and
// revoked_by_id are set together, only tokens some call asked to revoke
// are revoked (attempted nil: not checked), and the organization's
// unrevoked-token counter equals the number of unrevoked tokens.
func (r *rig) checkInvariants(t *testing.T, org, adminSubject string, attempted map[string]bool) map[string]tokenRow {
	t.Helper()
	rows, counter, adminID := r.stored(t, org, adminSubject)
	unrevoked := int64(0)
	for id, row := range rows {
		switch {
		case row.RevokedAt == nil && row.RevokedByID == nil:
			unrevoked++
		case row.RevokedAt == nil || row.RevokedByID == nil:
			t.Errorf("token %s: revoked_at %v and revoked_by_id %v, want both set or both NULL", id, row.RevokedAt, row.RevokedByID)
		case *row.RevokedByID != adminID:
			t.Errorf("token %s: revoked by user %d, want the admin %d", id, *row.RevokedByID, adminID)
		case attempted != nil && !attempted[id]:
			t.Errorf("token %s is revoked, but no call asked for it", id)
		}
	}
	if counter != unrevoked {
		t.Errorf("organizations.unrevoked_token_count: got %d, want %d (the unrevoked tokens counted)", counter, unrevoked)
	}
	return rows
}
