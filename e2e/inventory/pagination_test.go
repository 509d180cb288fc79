package inventory

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/patgov/pats/internal/testenv"
)

// walkQuery is a light page query for long walks; totalCount (a second
// statement) is only asked for on some pages.
const walkQuery = `query Walk($first: Int, $after: String, $filter: PersonalAccessTokenFilter, $orderBy: PersonalAccessTokenOrder, $count: Boolean!) {
  personalAccessTokens(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {
    totalCount @include(if: $count)
    edges { cursor node { id } }
    nodes { id }
    pageInfo { hasNextPage endCursor hasPreviousPage startCursor }
  }
}`

// Rule 4: 250+ tokens walked page by page in every order field and
// direction equal the full set ordered independently in Go, while tokens
// are revoked (seen and unseen ones) and created between pages. With every
// status shown the walk holds every token exactly once; under the default
// filter the unseen revoked tokens disappear and nothing else is skipped or
// repeated; a token created mid-walk shows up iff it sorts after the page
// the walk had reached.
func TestPaginationWalk(t *testing.T) {
	parallel(t)
	testenv.ForEachDialect(t, func(t *testing.T, env *testenv.Env) {
		const (
			owners        = 6
			perOwner      = 47 // under the quota of 50 active tokens
			soonToExpire  = 41 // every 41st token expires within the hour
			usedEvery     = 4  // every 4th token is used once
			creationBatch = 8
		)
		org := testenv.UniqueOrg("walk")
		admin := env.Admin(t, org, "boss")
		base := env.Clock.Now()
		names := []string{"alpha", "Bravo", "charlie", "DELTA", "echo", "Foxtrot", "golf", "Alpha", "bravo"}

		var all []created
		for o := range owners {
			owner := env.Member(t, org, fmt.Sprintf("owner%d", o))
			for start := 0; start < perOwner; start += creationBatch {
				var specs []tokenSpec
				for k := start; k < min(start+creationBatch, perOwner); k++ {
					i := o*perOwner + k
					name := names[i%len(names)]
					if i%3 != 0 { // the others share their name: ties broken by ID
						name = fmt.Sprintf("%s %03d", name, (i*37)%1000)
					}
					var exp *time.Time
					switch {
					case i%soonToExpire == 0:
						v := base.Add(time.Hour)
						exp = &v
					case i%3 == 1:
						v := base.Add(20 * day) // a shared expiry: ties broken by ID
						exp = &v
					case i%3 == 2:
						v := base.Add(time.Duration(1+i%80)*day + time.Duration(i)*time.Millisecond)
						exp = &v
					}
					specs = append(specs, tokenSpec{Name: name, Scopes: []string{"OR.Jobs"}, ExpiresAt: exp})
				}
				// One request per batch: tokens of a batch may share createdAt.
				all = append(all, createMany(t, owner, specs)...)
				env.Clock.Advance(time.Millisecond)
			}
		}
		// Lowering the maximum lifespan caps the default and far expiries,
		// so the effective expiry differs from the requested one.
		admin.MustUpdateSettings(map[string]any{"maxLifespanDays": walkLifespanDays})
		for i := 0; i < len(all); i += usedEvery {
			env.Clock.Advance(10 * time.Millisecond)
			if !env.IntrospectActive(t, all[i].Secret) {
				t.Fatalf("introspect token %d: got inactive, want active", i)
			}
		}
		// The soon-to-expire tokens become EXPIRED; the default filter keeps them.
		env.Clock.Advance(2 * time.Hour)

		inserted := 0
		newToken := func(t *testing.T) string {
			// At most 45 tokens per inserter, under the quota.
			inserter := env.Member(t, org, fmt.Sprintf("inserter%d", inserted/45))
			n := inserted
			inserted++
			name := []string{"aaa new", "MMM new", "zzz new", "Charlie new"}[n%4]
			exp := env.Clock.Now().Add(time.Duration(1+(n*7)%44) * day)
			env.Clock.Advance(time.Millisecond)
			return createToken(t, inserter, fmt.Sprintf("%s %d", name, n), []string{"OR.Jobs"}, &exp).ID
		}

		// Each field and direction is walked with both page sizes, once
		// with every status shown and once with the default filter.
		for _, field := range []string{"CREATED_AT", "EXPIRES_AT", "LAST_USED_AT", "NAME"} {
			for _, desc := range []bool{false, true} {
				for _, size := range []int{7, 100} {
					statusAll := (size == 7) != desc
					name := fmt.Sprintf("%s_desc=%v_first=%d_allStatuses=%v", field, desc, size, statusAll)
					t.Run(name, func(t *testing.T) {
						walk(t, env, org, env.As(t, admin.ID), field, desc, size, statusAll, newToken)
					})
				}
			}
		}
	})
}

// walkLifespanDays is the maximum lifespan during the walks.
const walkLifespanDays = 45

// walk pages through the list once, revoking and creating tokens between
// some pages, and checks the result against the independently ordered set.
func walk(t *testing.T, env *testenv.Env, org string, admin *testenv.Client, field string, desc bool, size int,
	statusAll bool, newToken func(t *testing.T) string,
) {
	var filter map[string]any
	keep := func(r dbToken) bool { return r.RevokedAt == nil }
	if statusAll {
		filter = map[string]any{"status": allStatuses}
		keep = nil
	}
	dir := "ASC"
	if desc {
		dir = "DESC"
	}
	start := dbTokens(t, env, org)
	want := expectedOrder(start, keep, field, desc, walkLifespanDays)
	if len(want) < 250 {
		t.Fatalf("setup: got %d matching tokens, want at least 250", len(want))
	}
	pages := (len(want) + size - 1) / size
	// Revoke at two gaps between pages, create at a few.
	revokeAt := map[int]bool{1: true, pages / 2: true}
	insertAt := map[int]bool{}
	for g := 1; g < pages; g += max(1, pages/4) {
		insertAt[g] = true
	}
	// Revoked now, before this walk or by it.
	isRevoked := map[string]bool{}
	for id, r := range start {
		isRevoked[id] = r.RevokedAt != nil
	}
	var (
		got           []string
		seen          = map[string]bool{}
		after         any
		gaps          int
		revokedUnseen = map[string]bool{} // revoked by this walk before being reached
		insertedAt    = map[string]string{}
		matching      = len(want)
		count         = true
		lastWasFull   = true
	)
	for range pages + 50 {
		vars := map[string]any{"first": size, "after": after, "filter": filter, "orderBy": orderVars(field, dir), "count": count}
		r := admin.Do(walkQuery, vars)
		if len(r.Errors) > 0 {
			t.Fatalf("page %d: unexpected errors: %s", gaps, r.Raw)
		}
		var data struct{ PersonalAccessTokens connection }
		r.DecodeData(t, &data)
		conn := data.PersonalAccessTokens
		checkConnection(t, &conn, after != nil)
		if count && conn.TotalCount != matching {
			t.Fatalf("page %d totalCount: got %v, want %v", gaps, conn.TotalCount, matching)
		}
		if len(conn.Nodes) > size {
			t.Fatalf("page %d: got %d nodes, want at most %d", gaps, len(conn.Nodes), size)
		}
		if conn.PageInfo.HasNextPage && len(conn.Nodes) != size {
			t.Fatalf("page %d: got %d nodes and a next page, want a full page of %d", gaps, len(conn.Nodes), size)
		}
		if !lastWasFull {
			t.Fatalf("page %d: a short page was followed by another page", gaps)
		}
		lastWasFull = len(conn.Nodes) == size
		for _, id := range ids(conn.Nodes) {
			if seen[id] {
				t.Fatalf("page %d: token %s repeated", gaps, id)
			}
			if revokedUnseen[id] && !statusAll {
				t.Fatalf("page %d: token %s was revoked before being reached, want it gone", gaps, id)
			}
			seen[id] = true
			got = append(got, id)
		}
		if !conn.PageInfo.HasNextPage {
			break
		}
		after = *conn.PageInfo.EndCursor
		gaps++
		count = gaps%10 == 0 || revokeAt[gaps] || insertAt[gaps]
		if revokeAt[gaps] {
			// A seen row (the one under the cursor unless already revoked),
			// the first unseen row and, under the default filter, one
			// further ahead.
			var ids []string
			for i := len(got) - 1; i >= 0; i-- {
				if !isRevoked[got[i]] {
					ids = append(ids, got[i])
					break
				}
			}
			unseen := func(id string) bool { return !seen[id] && !isRevoked[id] }
			if next := nthMatch(want, unseen, 0); next != "" {
				ids = append(ids, next)
				revokedUnseen[next] = true
			}
			if !statusAll {
				if far := nthMatch(want, unseen, size+size/2); far != "" && !revokedUnseen[far] {
					ids = append(ids, far)
					revokedUnseen[far] = true
				}
			}
			newly := 0
			for _, id := range ids {
				if !isRevoked[id] {
					newly++
					isRevoked[id] = true
				}
			}
			p := mustRevoke(t, admin, ids...)
			if p.RevokedCount != newly {
				t.Fatalf("revokedCount: got %v, want %v", p.RevokedCount, newly)
			}
			if !statusAll {
				matching -= newly
			}
		}
		if insertAt[gaps] {
			id := newToken(t)
			insertedAt[id] = got[len(got)-1]
			matching++
		}
	}

	// The exact expected walk: the tokens matching at the start, minus
	// the unseen ones revoked under the default filter, plus the new
	// tokens that sorted after the page reached when they were created.
	end := dbTokens(t, env, org)
	compare := compareRows(field, desc, walkLifespanDays)
	for id, cursorID := range insertedAt {
		if wantSeen := compare(end[cursorID], end[id]) < 0; seen[id] != wantSeen {
			t.Errorf("new token %s created while at %s: got seen=%v, want %v", describe(end[id]), describe(end[cursorID]), seen[id], wantSeen)
		}
	}
	var exp []dbToken
	for _, id := range want {
		if statusAll || !revokedUnseen[id] {
			exp = append(exp, end[id])
		} else if seen[id] {
			t.Errorf("token %s revoked before being reached: got it in the walk, want it gone", id)
		}
	}
	for id, cursorID := range insertedAt {
		if compare(end[cursorID], end[id]) < 0 {
			exp = append(exp, end[id])
		}
	}
	slices.SortFunc(exp, compare)
	wantIDs := make([]string, len(exp))
	for i, r := range exp {
		wantIDs[i] = r.ID
	}
	if !slices.Equal(got, wantIDs) {
		t.Fatalf("walk: got %d tokens, want %d in order (%s)", len(got), len(wantIDs), firstDiff(got, wantIDs))
	}
	for _, id := range want {
		if !seen[id] && (statusAll || !revokedUnseen[id]) {
			t.Fatalf("walk: existing token %s skipped", describe(end[id]))
		}
	}
}

// nthMatch returns the n-th (from 0) ID of want that ok accepts; "" if
// there are not that many.
func nthMatch(want []string, ok func(string) bool, n int) string {
	for _, id := range want {
		if !ok(id) {
			continue
		}
		if n == 0 {
			return id
		}
		n--
	}
	return ""
}
