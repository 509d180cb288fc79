package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// floorBody is the HTTP floor's answer: the size and shape of an active
// token's introspection response.
var floorBody = []byte(`{"active":true,"scope":"OR.Jobs OR.Queues.Read","sub":"seed-user-000123",` +
	`"username":"ada.lovelace123@bench-big.example","org":"bench-big","exp":1800000000,` +
	`"iat":1790000000,"token_type":"personal_access_token"}` + "\n")

// startFloorServer starts an in-process bare net/http server whose
// POST /introspect reads the form and writes floorBody.
func startFloorServer() (base string, stop func(), err error) {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /introspect", func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		_, _ = w.Write(floorBody)
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second, IdleTimeout: 2 * time.Minute}
	go func() { _ = srv.Serve(ln) }()
	return "http://" + ln.Addr().String(), func() { _ = srv.Close() }, nil
}

var activeTrue = []byte(`"active":true`)

// introspectOp posts form bodies to base/introspect in turn and requires
// an active answer.
func introspectOp(hc *http.Client, base, secret string, bodies []string) op {
	url := base + "/introspect"
	return func(ctx context.Context, seq uint64) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, strings.NewReader(bodies[seq%uint64(len(bodies))]))
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer "+secret)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		body, status, err := roundTrip(hc, req)
		switch {
		case err != nil:
			return err
		case status != http.StatusOK:
			return fmt.Errorf("HTTP %d: %.200s", status, body)
		case !bytes.Contains(body, activeTrue):
			return fmt.Errorf("not active: %.200s", body)
		}
		return nil
	}
}

// roundTrip sends req and reads the whole response, so the connection is
// reused.
func roundTrip(hc *http.Client, req *http.Request) ([]byte, int, error) {
	resp, err := hc.Do(req)
	if err != nil {
		return nil, 0, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, 0, err
	}
	return body, resp.StatusCode, nil
}

// gql posts GraphQL documents as an admin.
type gql struct {
	base string
	jwt  string
}

// gqlBody is a GraphQL request body.
func gqlBody(query string, vars map[string]any) []byte {
	b, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		panic(err) // plain data
	}
	return b
}

var errorsKey = []byte(`"errors":`)

// post sends one GraphQL request and fails on a non-200 status or any
// GraphQL error.
func (g gql) post(ctx context.Context, hc *http.Client, body []byte) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, g.base+"/query", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+g.jwt)
	resp, status, err := roundTrip(hc, req)
	switch {
	case err != nil:
		return nil, err
	case status != http.StatusOK:
		return nil, fmt.Errorf("HTTP %d: %.300s", status, resp)
	case bytes.Contains(resp, errorsKey):
		return nil, fmt.Errorf("GraphQL error: %.300s", resp)
	}
	return resp, nil
}

// op returns a workload op that posts body and, when want is set, requires
// it in the response.
func (g gql) op(hc *http.Client, body []byte, want string) op {
	return func(ctx context.Context, _ uint64) error {
		resp, err := g.post(ctx, hc, body)
		if err == nil && want != "" && !bytes.Contains(resp, []byte(want)) {
			err = fmt.Errorf("response lacks %s: %.300s", want, resp)
		}
		return err
	}
}

// The GraphQL documents of the workloads.
const (
	nodeFields = `nodes { id name owner { id name email } scopes createdAt expiresAt lastUsedAt status }`
	searchNC   = `query FilteredNoCount { personalAccessTokens(first: 50, filter: {status: [ACTIVE], scopes: ["OR.Jobs"], search: "deploy"}) { pageInfo { hasNextPage endCursor } ` + nodeFields + ` } }`
	pageDoc    = `query Page($after: String) { personalAccessTokens(first: 50, after: $after) { totalCount pageInfo { hasNextPage endCursor } ` + nodeFields + ` } }`
	filterDoc  = `query Filtered { personalAccessTokens(first: 50, filter: {status: [ACTIVE], scopes: ["OR.Jobs"], search: "deploy"}) { totalCount pageInfo { hasNextPage endCursor } ` + nodeFields + ` } }`
	walkDoc    = `query Walk($after: String) { personalAccessTokens(first: 100, after: $after) { pageInfo { hasNextPage endCursor } nodes { id createdAt } } }`
	idsDoc     = `query ActiveIDs($after: String) { personalAccessTokens(first: 100, after: $after, filter: {status: [ACTIVE]}) { pageInfo { hasNextPage endCursor } nodes { id } } }`
	revokeDoc  = `mutation Revoke($ids: [ID!]!) { revokeTokens(ids: $ids) { revokedCount tokens { id status revokedAt } } }`
	byValueDoc = `mutation RevokeByValue($token: String!) { revokeTokenByValue(token: $token) { outcome token { id status revokedAt } } }`
)

// listPage is the part of a list response the walks read.
type listPage struct {
	Data struct {
		PersonalAccessTokens struct {
			PageInfo struct {
				HasNextPage bool    `json:"hasNextPage"`
				EndCursor   *string `json:"endCursor"`
			} `json:"pageInfo"`
			Nodes []struct {
				ID        string `json:"id"`
				CreatedAt string `json:"createdAt"`
			} `json:"nodes"`
		} `json:"personalAccessTokens"`
	} `json:"data"`
}

// walk pages through doc (first: 100) until stop returns true or the list
// ends; it returns the number of pages read.
func (g gql) walk(ctx context.Context, hc *http.Client, doc string, stop func(p *listPage) bool) (int, error) {
	var after any
	for pages := 1; ; pages++ {
		resp, err := g.post(ctx, hc, gqlBody(doc, map[string]any{"after": after}))
		if err != nil {
			return pages, fmt.Errorf("page %d: %w", pages, err)
		}
		var p listPage
		if err := json.Unmarshal(resp, &p); err != nil {
			return pages, fmt.Errorf("page %d: %w", pages, err)
		}
		conn := p.Data.PersonalAccessTokens
		if stop(&p) || !conn.PageInfo.HasNextPage || conn.PageInfo.EndCursor == nil {
			return pages, nil
		}
		after = *conn.PageInfo.EndCursor
	}
}

// keysetPos is the position of the last row before a page, in the default
// order (created_at DESC, id DESC).
type keysetPos struct {
	createdAt int64
	id        string
}

// sqlPage is the raw SQL of one inventory page as the store issues it
// (store/tokens_list.go, store/index_page.go, store/keyset.go): the list
// statement, the owners' look-up of the resolvers' user loader, and the
// statement behind totalCount.
type sqlPage struct {
	orgID     int64
	list      string
	listArgs  func(now int64) []any
	count     string // empty: totalCount not selected
	countArgs func(now int64) []any
}

// listedSQL is an admin's unfiltered page (default status: not revoked),
// newest first, as store.ListTokens builds it for a page covered by the
// order index: the page's IDs from ix_pat_org_created alone (a range scan
// from the cursor), then the rows joined by primary key.
func listedSQL(orgID int64, after *keysetPos) sqlPage {
	keyset := ""
	if after != nil {
		keyset = " AND (k.created_at < ? OR (k.created_at = ? AND k.id < ?))"
	}
	return sqlPage{
		orgID: orgID,
		list: "SELECT t.* FROM personal_access_tokens AS t JOIN (SELECT k.id FROM personal_access_tokens AS k" +
			" WHERE k.organization_id = ? AND k.revoked_at IS NULL" + keyset +
			" ORDER BY k.created_at DESC, k.id DESC LIMIT ?) page ON page.id = t.id" +
			" WHERE t.organization_id = ? ORDER BY t.created_at DESC, t.id DESC LIMIT ?",
		listArgs: func(int64) []any {
			args := []any{orgID}
			if after != nil {
				args = append(args, after.createdAt, after.createdAt, after.id)
			}
			return append(args, 51, orgID, 51)
		},
		// The unfiltered totalCount is the organization's maintained
		// counter (the service reads it with the caller's organization).
		count:     "SELECT unrevoked_token_count FROM organizations WHERE id = ?",
		countArgs: func(int64) []any { return []any{orgID} },
	}
}

// filteredSQL is the page of filter {status: [ACTIVE], scopes: [scope],
// search: needle}: a search reads rows directly in the list's order, and
// its totalCount counts every match.
func filteredSQL(orgID, lifespanMs int64, needle, scope string) sqlPage {
	from := " FROM personal_access_tokens AS t JOIN users u ON u.id = t.owner_id" +
		" WHERE t.organization_id = ? AND t.revoked_at IS NULL AND t.expires_at > ? AND t.created_at > ?" +
		" AND (INSTR(t.name_key, ?) > 0 OR INSTR(u.name_key, ?) > 0 OR INSTR(u.email_key, ?) > 0)" +
		" AND INSTR(t.scopes, ?) > 0"
	args := func(now int64) []any {
		return []any{orgID, now, now - lifespanMs, needle, needle, needle, " " + scope + " "}
	}
	return sqlPage{
		orgID:    orgID,
		list:     "SELECT t.*" + from + " ORDER BY t.created_at DESC, t.id DESC LIMIT ?",
		listArgs: func(now int64) []any { return append(args(now), 51) },
		count:    "SELECT count(*)" + from, countArgs: args,
	}
}

// sqlPageOp returns an op that runs the page's statements in sequence, as
// one request of the service would, and as the service sends them: text
// protocol with the parameters interpolated by the driver (one round trip
// per statement; the plan is made for the actual values).
func sqlPageOp(db *sql.DB, p sqlPage) op {
	return func(ctx context.Context, _ uint64) error {
		now := time.Now().UnixMilli()
		owners, n, err := scanOwners(db.QueryContext(ctx, p.list, p.listArgs(now)...))
		if err != nil {
			return fmt.Errorf("list: %w", err)
		}
		if n == 0 {
			return errors.New("list: empty page")
		}
		// The user loader's query.
		q := "SELECT * FROM users WHERE organization_id = ? AND id IN (?" + strings.Repeat(",?", len(owners)-1) + ")"
		uargs := append(make([]any, 0, len(owners)+1), p.orgID)
		for _, id := range owners {
			uargs = append(uargs, id)
		}
		if _, _, err := scanRaw(db.QueryContext(ctx, q, uargs...)); err != nil {
			return fmt.Errorf("owners: %w", err)
		}
		if p.count != "" {
			var total int64
			if err := db.QueryRowContext(ctx, p.count, p.countArgs(now)...).Scan(&total); err != nil {
				return fmt.Errorf("count: %w", err)
			}
		}
		return nil
	}
}

// scanOwners reads every row as raw bytes and returns the distinct
// owner_id values (at most 50 of the 51 rows, as the service shows 50).
func scanOwners(rows *sql.Rows, err error) ([]int64, int, error) {
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, 0, err
	}
	ownerCol := -1
	for i, c := range cols {
		if c == "owner_id" {
			ownerCol = i
		}
	}
	if ownerCol < 0 {
		return nil, 0, errors.New("no owner_id column")
	}
	raw := make([]sql.RawBytes, len(cols))
	dest := make([]any, len(cols))
	for i := range raw {
		dest[i] = &raw[i]
	}
	var owners []int64
	seen := map[int64]bool{}
	n := 0
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return nil, 0, err
		}
		n++
		if n > 50 {
			continue
		}
		id, err := strconv.ParseInt(string(raw[ownerCol]), 10, 64)
		if err != nil {
			return nil, 0, fmt.Errorf("owner_id: %w", err)
		}
		if !seen[id] {
			seen[id] = true
			owners = append(owners, id)
		}
	}
	return owners, n, rows.Err()
}

// scanRaw reads every row as raw bytes.
func scanRaw(rows *sql.Rows, err error) (int, int, error) {
	if err != nil {
		return 0, 0, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return 0, 0, err
	}
	raw := make([]sql.RawBytes, len(cols))
	dest := make([]any, len(cols))
	for i := range raw {
		dest[i] = &raw[i]
	}
	n := 0
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return 0, 0, err
		}
		n++
	}
	return n, len(cols), rows.Err()
}

// credentialSQL is the introspection's point lookup (store/introspect.go).
const credentialSQL = `SELECT t.id, t.scopes, t.created_at, t.expires_at, t.last_used_at, t.revoked_at, ` +
	`u.subject, u.email, u.account_type, o.external_id, o.pat_enabled, o.max_lifespan_days ` +
	`FROM personal_access_tokens t JOIN users u ON u.id = t.owner_id ` +
	`JOIN organizations o ON o.id = t.organization_id WHERE t.token_digest = ?`

// pointLookupOp runs the prepared credential look-up for each digest in
// turn, decoding the row as the service does.
func pointLookupOp(stmt *sql.Stmt, digests [][]byte) op {
	return func(ctx context.Context, seq uint64) error {
		var (
			id, scopes, subject, email, account, org string
			created, expires                         int64
			lastUsed, revoked                        sql.NullInt64
			enabled                                  bool
			lifespan                                 int
		)
		err := stmt.QueryRowContext(ctx, digests[seq%uint64(len(digests))]).Scan(
			&id, &scopes, &created, &expires, &lastUsed, &revoked, &subject, &email, &account, &org, &enabled, &lifespan)
		if err != nil {
			return err
		}
		if revoked.Valid {
			return errors.New("token revoked")
		}
		return nil
	}
}
