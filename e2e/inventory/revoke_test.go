package inventory

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/patgov/pats/internal/testenv"
)

// unknownID is a well-formed ULID that names no token.
const unknownID = "01ARZ3NDEKTSV4RRFFQ69G5FAV"

// errorIDs returns extensions.ids of the first error.
func errorIDs(t testing.TB, r *testenv.Response) []string {
	t.Helper()
	raw, ok := r.Errors[0].Extensions["ids"].([]any)
	if !ok {
		t.Fatalf("extensions.ids: got %v, want a list (%s)", r.Errors[0].Extensions["ids"], r.Raw)
	}
	out := make([]string, len(raw))
	for i, v := range raw {
		out[i], _ = v.(string)
	}
	return out
}

// expectRevokeNotFound calls revokeTokens, expects NOT_FOUND naming
// exactly missing, and checks that nothing changed in the database.
func expectRevokeNotFound(t testing.TB, env *testenv.Env, c *testenv.Client, ids, missing []string, orgs ...string) *testenv.Response {
	t.Helper()
	before := dbTokens(t, env, orgs...)
	p, r := revoke(t, c, ids)
	if p != nil {
		t.Fatalf("revokeTokens: got success %+v, want NOT_FOUND", p)
	}
	testenv.RequireError(t, r, "NOT_FOUND")
	got := errorIDs(t, r)
	if !slices.Equal(sorted(got), sorted(missing)) {
		t.Fatalf("extensions.ids: got %q, want %q", got, missing)
	}
	msg := r.Errors[0].Message
	for _, id := range missing {
		if len(missing) <= 20 && len([]rune(id)) <= 40 && !strings.Contains(msg, id) {
			t.Fatalf("message %q: want it to name %q", msg, id)
		}
	}
	for _, id := range ids {
		if !slices.Contains(missing, id) && len(id) >= 10 && strings.Contains(msg, id) {
			t.Fatalf("message %q: names %q, which was found", msg, id)
		}
	}
	expectUnchanged(t, env, before, orgs...)
	return r
}

// Rule 7: revokeTokens is bounded, de-duplicates, keeps first-seen order,
// is all or nothing, idempotent for revoked tokens, and reaches exactly
// what the caller may revoke.
func TestRevokeTokens(t *testing.T) {
	parallel(t)
	testenv.ForEachDialect(t, func(t *testing.T, env *testenv.Env) {
		org, other := testenv.UniqueOrg("revoke"), testenv.UniqueOrg("revoke-other")
		boss := env.Admin(t, org, "boss")
		boss2 := env.Admin(t, org, "boss2")
		boss2.MustDo(`{ viewer { id } }`, nil) // provisions the user
		m1 := env.Member(t, org, "m1")
		m2 := env.Member(t, org, "m2")
		otherAdmin := env.Admin(t, other, "boss")
		mk := func(c *testenv.Client, n int) []created {
			specs := make([]tokenSpec, n)
			for i := range specs {
				specs[i] = tokenSpec{Name: fmt.Sprintf("%s-%d", c.ID.Subject, i)}
			}
			env.Clock.Advance(time.Millisecond)
			return createMany(t, c, specs)
		}
		m1t, m2t, bt, ot := mk(m1, 8), mk(m2, 3), mk(boss, 2), mk(otherAdmin, 2)
		id := func(cs []created, i int) string { return cs[i].ID }
		orgs := []string{org, other}

		t.Run("bad input", func(t *testing.T) {
			boss := env.As(t, boss.ID)
			many := make([]string, 1001)
			for i := range many {
				many[i] = id(m1t, 0)
			}
			distinct := make([]string, 1001)
			for i := range distinct {
				distinct[i] = fmt.Sprintf("01ARZ3NDEKTSV4RRFFQ6%06d", i)
			}
			cases := []struct {
				name string
				ids  []string
			}{
				{"no IDs", []string{}},
				{"1001 copies of one ID", many},
				{"1001 distinct IDs", distinct},
			}
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					before := dbTokens(t, env, orgs...)
					_, r := revoke(t, boss, tc.ids)
					testenv.RequireError(t, r, "BAD_USER_INPUT")
					expectUnchanged(t, env, before, orgs...)
				})
			}
		})

		t.Run("all or nothing", func(t *testing.T) {
			long := strings.Repeat("X", 200)
			cases := []struct {
				name    string
				caller  *testenv.Client
				ids     []string
				missing []string
			}{
				{"unknown ID", boss, []string{id(m1t, 0), unknownID, id(m1t, 1)}, []string{unknownID}},
				{"another organization's token", boss, []string{id(m1t, 0), id(ot, 0)}, []string{id(ot, 0)}},
				{"malformed ID", boss, []string{id(m1t, 0), "not-an-id"}, []string{"not-an-id"}},
				{"empty ID", boss, []string{id(m1t, 0), ""}, []string{""}},
				{"very long ID", boss, []string{id(m1t, 0), long}, []string{long}},
				{"non-ASCII ID", boss, []string{id(m1t, 0), "ÿ€😀"}, []string{"ÿ€😀"}},
				{"lower-cased ID", boss, []string{strings.ToLower(id(m1t, 0))}, []string{strings.ToLower(id(m1t, 0))}},
				{"ID with a trailing space", boss, []string{id(m1t, 1), id(m1t, 0) + " "}, []string{id(m1t, 0) + " "}},
				{"ID with a leading space", boss, []string{" " + id(m1t, 0)}, []string{" " + id(m1t, 0)}},
				{"member naming another member's token", m1, []string{id(m1t, 0), id(m2t, 0)}, []string{id(m2t, 0)}},
				{"member naming an admin's token", m1, []string{id(bt, 0)}, []string{id(bt, 0)}},
				{"member naming another organization's token", m1, []string{id(ot, 0), id(m1t, 0)}, []string{id(ot, 0)}},
				{"several missing, repeated", m1, []string{unknownID, id(m1t, 0), id(m2t, 1), unknownID, id(m2t, 1)}, []string{unknownID, id(m2t, 1)}},
				{"other organization's admin naming this one's tokens", otherAdmin, []string{id(ot, 0), id(m1t, 0)}, []string{id(m1t, 0)}},
			}
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					expectRevokeNotFound(t, env, env.As(t, tc.caller.ID), tc.ids, tc.missing, orgs...)
				})
			}
		})

		t.Run("another member's token is like a nonexistent one", func(t *testing.T) {
			m1 := env.As(t, m1.ID)
			foreign := expectRevokeNotFound(t, env, m1, []string{id(m2t, 2)}, []string{id(m2t, 2)}, orgs...)
			unknown := expectRevokeNotFound(t, env, m1, []string{unknownID}, []string{unknownID}, orgs...)
			otherOrg := expectRevokeNotFound(t, env, m1, []string{id(ot, 1)}, []string{id(ot, 1)}, orgs...)
			msg := func(r *testenv.Response, id string) string {
				return strings.ReplaceAll(r.Errors[0].Message, id, "<ID>")
			}
			keys := func(r *testenv.Response) []string {
				var k []string
				for key := range r.Errors[0].Extensions {
					k = append(k, key)
				}
				return sorted(k)
			}
			if got, want := msg(foreign, id(m2t, 2)), msg(unknown, unknownID); got != want {
				t.Fatalf("message for another member's token: got %q, want %q (as for a nonexistent ID)", got, want)
			}
			if got, want := msg(otherOrg, id(ot, 1)), msg(unknown, unknownID); got != want {
				t.Fatalf("message for another organization's token: got %q, want %q (as for a nonexistent ID)", got, want)
			}
			if got, want := keys(foreign), keys(unknown); !slices.Equal(got, want) {
				t.Fatalf("extensions: got %v, want %v", got, want)
			}
		})

		t.Run("revoke with duplicates, then again", func(t *testing.T) {
			boss, boss2 := env.As(t, boss.ID), env.As(t, boss2.ID)
			bossID, boss2ID := env.UserID(t, org, "boss"), env.UserID(t, org, "boss2")
			rowsBefore := len(dbTokens(t, env, orgs...))
			a, b, c, d := id(m1t, 0), id(m1t, 1), id(m1t, 2), id(m1t, 3)
			env.Clock.Advance(time.Minute)
			at := env.Clock.Now()
			p := mustRevoke(t, boss, a, b, a, c, b)
			if p.RevokedCount != 3 {
				t.Fatalf("revokedCount: got %v, want 3", p.RevokedCount)
			}
			checkRevoked(t, p.Tokens, []string{a, b, c}, "boss", at)
			rows := dbTokens(t, env, orgs...)
			if len(rows) != rowsBefore {
				t.Fatalf("rows: got %d, want %d (nothing deleted)", len(rows), rowsBefore)
			}
			for _, x := range []string{a, b, c} {
				r := rows[x]
				if r.RevokedAt == nil || r.RevokedByID == nil || *r.RevokedByID != bossID || *r.RevokedAt != p.Tokens[0].RevokedAt.Time.UnixMilli() {
					t.Fatalf("stored %s: got %s, want revoked_at %s by %d", x, describe(r), *p.Tokens[0].RevokedAt, bossID)
				}
			}
			if r := rows[d]; r.RevokedAt != nil {
				t.Fatalf("stored %s: got %s, want not revoked", d, describe(r))
			}
			for i, want := range []bool{false, false, false, true} {
				if got := env.IntrospectActive(t, m1t[i].Secret); got != want {
					t.Fatalf("introspect token %d: got active=%v, want %v", i, got, want)
				}
			}

			// Again, by another admin and later: only d is newly revoked;
			// a keeps its revocation time and revoker.
			env.Clock.Advance(time.Minute)
			later := env.Clock.Now()
			p2 := mustRevoke(t, boss2, d, a, d)
			if p2.RevokedCount != 1 {
				t.Fatalf("revokedCount: got %v, want 1", p2.RevokedCount)
			}
			if got := []string{p2.Tokens[0].ID, p2.Tokens[1].ID}; len(p2.Tokens) != 2 || !slices.Equal(got, []string{d, a}) {
				t.Fatalf("tokens: got %v, want [%s %s]", got, d, a)
			}
			checkRevoked(t, p2.Tokens[:1], []string{d}, "boss2", later)
			if got, want := p2.Tokens[1].RevokedAt.Text, p.Tokens[0].RevokedAt.Text; got != want {
				t.Fatalf("revokedAt of the already revoked token: got %v, want %v (unchanged)", got, want)
			}
			if got := p2.Tokens[1].RevokedBy; got == nil || got.ID != "boss" {
				t.Fatalf("revokedBy of the already revoked token: got %v, want boss (unchanged)", got)
			}
			rows2 := dbTokens(t, env, orgs...)
			if !equalRow(rows2[a], rows[a]) {
				t.Fatalf("stored %s: got %s, want %s (unchanged)", a, describe(rows2[a]), describe(rows[a]))
			}
			if r := rows2[d]; r.RevokedByID == nil || *r.RevokedByID != boss2ID {
				t.Fatalf("stored %s: got %s, want revoked by %d", d, describe(r), boss2ID)
			}

			// Only already revoked tokens: success, nothing counted.
			before := dbTokens(t, env, orgs...)
			p3 := mustRevoke(t, boss, c, a)
			if p3.RevokedCount != 0 || len(p3.Tokens) != 2 || p3.Tokens[0].ID != c || p3.Tokens[1].ID != a {
				t.Fatalf("revoking revoked tokens: got count %d tokens %d, want 0 and [%s %s]", p3.RevokedCount, len(p3.Tokens), c, a)
			}
			expectUnchanged(t, env, before, orgs...)
		})

		t.Run("who may revoke what", func(t *testing.T) {
			m1, boss := env.As(t, m1.ID), env.As(t, boss.ID)
			at := env.Clock.Now()
			p := mustRevoke(t, m1, id(m1t, 4))
			if p.RevokedCount != 1 {
				t.Fatalf("member revoking their own: got count %v, want 1", p.RevokedCount)
			}
			checkRevoked(t, p.Tokens, []string{id(m1t, 4)}, "m1", at)
			// An admin reaches any token of the organization, in first-seen order.
			ids := []string{id(m2t, 0), id(bt, 0), id(m1t, 5)}
			p = mustRevoke(t, boss, ids...)
			if p.RevokedCount != 3 {
				t.Fatalf("admin revoking members' and own tokens: got count %v, want 3", p.RevokedCount)
			}
			checkRevoked(t, p.Tokens, ids, "boss", at)
			// Another organization's tokens were never touched.
			for _, o := range ot {
				if !env.IntrospectActive(t, o.Secret) {
					t.Fatalf("another organization's token %s: got inactive, want active", o.ID)
				}
			}
		})

		t.Run("1000 IDs", func(t *testing.T) {
			boss := env.As(t, boss.ID)
			bulk := slices.Concat(mk(env.Member(t, org, "bulk1"), 30), mk(env.Member(t, org, "bulk2"), 30))
			realIDs := make([]string, len(bulk))
			for i, c := range bulk {
				realIDs[i] = c.ID
			}
			// 1000 distinct IDs, 940 of them unknown: nothing happens.
			ids := slices.Clone(realIDs)
			var missing []string
			for i := len(ids); i < 1000; i++ {
				x := fmt.Sprintf("01ARZ3NDEKTSV4RRFFQ6%06d", i)
				ids = append(ids, x)
				missing = append(missing, x)
			}
			slices.Reverse(ids)
			r := expectRevokeNotFound(t, env, boss, ids, missing, orgs...)
			if len(errorIDs(t, r)) != 940 {
				t.Fatalf("extensions.ids: got %d IDs, want 940", len(errorIDs(t, r)))
			}
			// 1000 IDs: the 60 real ones, repeated.
			ids = ids[:0]
			for i := range 1000 {
				ids = append(ids, realIDs[(i*7)%len(realIDs)])
			}
			var firstSeen []string
			for _, x := range ids {
				if !slices.Contains(firstSeen, x) {
					firstSeen = append(firstSeen, x)
				}
			}
			at := env.Clock.Now()
			p := mustRevoke(t, boss, ids...)
			if p.RevokedCount != 60 {
				t.Fatalf("revokedCount: got %v, want 60", p.RevokedCount)
			}
			checkRevoked(t, p.Tokens, firstSeen, "boss", at)
			rows := dbTokens(t, env, org)
			for _, x := range realIDs {
				if rows[x].RevokedAt == nil {
					t.Fatalf("stored %s: got %s, want revoked", x, describe(rows[x]))
				}
			}
		})
	})
}

// checkRevoked checks tokens are exactly ids, in order, revoked by the
// given subject no earlier than notBefore.
func checkRevoked(t testing.TB, tokens []testenv.Token, ids []string, by string, notBefore time.Time) {
	t.Helper()
	got := make([]string, len(tokens))
	for i, tk := range tokens {
		got[i] = tk.ID
	}
	if !slices.Equal(got, ids) {
		t.Fatalf("tokens: got %v, want %v", got, ids)
	}
	for _, tk := range tokens {
		if tk.Status != "REVOKED" {
			t.Fatalf("%s status: got %v, want REVOKED", tk.ID, tk.Status)
		}
		if tk.RevokedBy == nil || tk.RevokedBy.ID != by {
			t.Fatalf("%s revokedBy: got %v, want %s", tk.ID, tk.RevokedBy, by)
		}
		if tk.RevokedAt == nil {
			t.Fatalf("%s revokedAt: got null, want a time", tk.ID)
		}
		at := tk.RevokedAt.Time
		if at.Before(notBefore.Truncate(time.Millisecond)) || at.After(notBefore.Add(time.Minute)) {
			t.Fatalf("%s revokedAt: got %v, want about %v", tk.ID, at, notBefore)
		}
	}
}

// equalRow compares two stored rows.
func equalRow(a, b dbToken) bool { return describe(a) == describe(b) && a.OwnerID == b.OwnerID }
