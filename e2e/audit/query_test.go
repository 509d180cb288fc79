package audit

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/patgov/pats/internal/testenv"
)

// TestAuditEventsAccess: admins only, and only their organization's events.
func TestAuditEventsAccess(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, env *testenv.Env) {
		orgA, orgB := testenv.UniqueOrg("audit-a"), testenv.UniqueOrg("audit-b")
		adminA, adminB := env.Admin(t, orgA, "admin"), env.Admin(t, orgB, "admin")
		alice := env.Member(t, orgA, "alice")
		tok := create(t, alice, "a")
		adminA.MustDo(testenv.UpdateSettingsMutation, map[string]any{"input": map[string]any{"maxLifespanDays": 20}})

		testenv.RequireError(t, alice.Do(eventsQuery, nil), "FORBIDDEN")
		if r := env.Post(t, "", eventsQuery, nil); r.Code() != "UNAUTHENTICATED" || r.Status != 401 {
			t.Errorf("anonymous: got %q (HTTP %d), want UNAUTHENTICATED (401)", r.Code(), r.Status)
		}
		// Another organization's admin sees nothing of A, whatever the
		// filter names: A's token, A's actors (B has users of the same
		// subjects, with no events).
		env.Member(t, orgB, "alice").MustDo(`{ viewer { id } }`, nil)
		for _, f := range []map[string]any{nil, {"tokenIds": []string{tok.ID}}, {"actorIds": []string{"alice", "admin"}}} {
			if got := allEvents(t, adminB, f); len(got) != 0 {
				t.Errorf("organization B with filter %v: got %d events, want none", f, len(got))
			}
		}
		if got := allEvents(t, adminA, nil); len(got) != 2 {
			t.Errorf("organization A: got %d events, want 2", len(got))
		}
		// A cursor of A's trail means nothing to B's admin.
		p := listEvents(t, adminA, map[string]any{"first": 1})
		testenv.RequireError(t, adminB.Do(eventsQuery, map[string]any{"first": 1, "after": p.Cursors[0]}), "BAD_USER_INPUT")
	})
}

// TestAuditEventsFilters checks each filter alone and combined.
func TestAuditEventsFilters(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, env *testenv.Env) {
		org := testenv.UniqueOrg("audit-filter")
		admin := env.Admin(t, org, "admin")
		alice, bob := env.Member(t, org, "alice"), env.Member(t, org, "bob")
		a1 := create(t, alice, "a1")
		a2 := create(t, alice, "a2")
		env.Clock.Advance(time.Hour)
		mid := env.Clock.Now()
		env.Clock.Advance(time.Hour)
		b1 := create(t, bob, "b1")
		alice.MustDo(revokeMutation, map[string]any{"ids": []string{a1.ID}})
		admin.MustDo(revokeMutation, map[string]any{"ids": []string{b1.ID}})
		admin.MustDo(testenv.UpdateSettingsMutation, map[string]any{"input": map[string]any{"maxLifespanDays": 60}})
		// 6 events: a1, a2 created (before mid); b1 created, a1 revoked by
		// alice, b1 revoked by admin, settings (after mid).

		tokenOf := func(es []testenv.AuditEvent) []string {
			var out []string
			for _, e := range es {
				id := "settings"
				if e.Token != nil {
					id = e.Action[6:] + ":" + e.Token.Name
				}
				out = append(out, id)
			}
			return out
		}
		tests := []struct {
			name   string
			filter map[string]any
			want   []string
		}{
			{"none", nil, []string{"settings", "REVOKED:b1", "REVOKED:a1", "CREATED:b1", "CREATED:a2", "CREATED:a1"}},
			{"actions", map[string]any{"actions": []string{"TOKEN_REVOKED"}}, []string{"REVOKED:b1", "REVOKED:a1"}},
			{"two actions", map[string]any{"actions": []string{"SETTINGS_UPDATED", "TOKEN_CREATED"}}, []string{"settings", "CREATED:b1", "CREATED:a2", "CREATED:a1"}},
			{"empty actions", map[string]any{"actions": []string{}}, nil},
			{"actor", map[string]any{"actorIds": []string{"alice"}}, []string{"REVOKED:a1", "CREATED:a2", "CREATED:a1"}},
			{"actors, one unknown", map[string]any{"actorIds": []string{"admin", "nobody"}}, []string{"settings", "REVOKED:b1"}},
			{"empty actors", map[string]any{"actorIds": []string{}}, nil},
			{"token", map[string]any{"tokenIds": []string{a1.ID}}, []string{"REVOKED:a1", "CREATED:a1"}},
			{"tokens", map[string]any{"tokenIds": []string{b1.ID, a2.ID, "01UNKNOWN"}}, []string{"REVOKED:b1", "CREATED:b1", "CREATED:a2"}},
			{"empty tokens", map[string]any{"tokenIds": []string{}}, nil},
			{"since", map[string]any{"since": testenv.FormatTime(mid)}, []string{"settings", "REVOKED:b1", "REVOKED:a1", "CREATED:b1"}},
			{"until", map[string]any{"until": testenv.FormatTime(mid)}, []string{"CREATED:a2", "CREATED:a1"}},
			{"since after until", map[string]any{"since": testenv.FormatTime(mid), "until": testenv.FormatTime(mid.Add(-time.Minute))}, nil},
			{"combined", map[string]any{"actions": []string{"TOKEN_REVOKED", "TOKEN_CREATED"}, "actorIds": []string{"alice", "bob"},
				"tokenIds": []string{a1.ID, b1.ID}, "since": testenv.FormatTime(mid)}, []string{"REVOKED:a1", "CREATED:b1"}},
		}
		for _, tt := range tests {
			got := tokenOf(allEvents(t, admin, tt.filter))
			if !slices.Equal(got, tt.want) {
				t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
			}
		}

		// since is inclusive and until exclusive, to the millisecond.
		all := allEvents(t, admin, nil)
		at := all[0].OccurredAt.Text
		if got := allEvents(t, admin, map[string]any{"since": at}); len(got) == 0 || got[len(got)-1].OccurredAt.Text != at {
			t.Errorf("since = the newest event's time: got %v, want it included", tokenOf(got))
		}
		for _, e := range allEvents(t, admin, map[string]any{"until": at}) {
			if e.OccurredAt.Text >= at {
				t.Errorf("until = %s: got an event at %s", at, e.OccurredAt.Text)
			}
		}

		bad := []struct {
			name string
			vars map[string]any
			code string
		}{
			{"first 0", map[string]any{"first": 0}, "BAD_USER_INPUT"},
			{"first 101", map[string]any{"first": 101}, "BAD_USER_INPUT"},
			{"unknown action", map[string]any{"filter": map[string]any{"actions": []string{"TOKEN_DELETED"}}}, "BAD_USER_INPUT"},
			{"bad time", map[string]any{"filter": map[string]any{"since": "yesterday"}}, "BAD_USER_INPUT"},
			{"too many actors", map[string]any{"filter": map[string]any{"actorIds": make([]string, 1001)}}, "BAD_USER_INPUT"},
			{"too many tokens", map[string]any{"filter": map[string]any{"tokenIds": make([]string, 1001)}}, "BAD_USER_INPUT"},
			{"garbage cursor", map[string]any{"after": "not-a-cursor"}, "BAD_USER_INPUT"},
		}
		for _, b := range bad {
			r := admin.Do(eventsQuery, b.vars)
			if r.Code() != b.code {
				t.Errorf("%s: got %q, want %q: %s", b.name, r.Code(), b.code, r.Raw)
			}
		}
	})
}

// TestAuditEventsPagination walks the trail in small pages: newest first,
// ties (one bulk revocation shares a time) broken by ID, every event once,
// and cursors bound to their filter and caller.
func TestAuditEventsPagination(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, env *testenv.Env) {
		org := testenv.UniqueOrg("audit-pages")
		admin := env.Admin(t, org, "admin")
		var ids []string
		for i := range 12 {
			ids = append(ids, create(t, env.Member(t, org, "user"+string(rune('a'+i%3))), "t").ID)
		}
		admin.MustDo(revokeMutation, map[string]any{"ids": ids[:9]})
		admin.MustDo(testenv.UpdateSettingsMutation, map[string]any{"input": map[string]any{"enabled": false}})
		// 12 created + 9 revoked (one time) + 1 settings = 22 events.

		whole := listEvents(t, admin, map[string]any{"first": 100}).Events
		if len(whole) != 22 {
			t.Fatalf("events: got %d, want 22", len(whole))
		}
		for i := 1; i < len(whole); i++ {
			p, c := whole[i-1], whole[i]
			if p.OccurredAt.Text < c.OccurredAt.Text || (p.OccurredAt.Text == c.OccurredAt.Text && p.ID <= c.ID) {
				t.Fatalf("order at %d: %s/%s before %s/%s, want newest first, then ID descending", i, p.OccurredAt.Text, p.ID, c.OccurredAt.Text, c.ID)
			}
		}
		var walked []testenv.AuditEvent
		vars := map[string]any{"first": 5}
		for pages := 0; ; pages++ {
			p := listEvents(t, admin, vars)
			if _, hasAfter := vars["after"]; p.PageInfo.HasPreviousPage != hasAfter {
				t.Errorf("page %d: hasPreviousPage %v, want %v", pages, p.PageInfo.HasPreviousPage, hasAfter)
			}
			if len(p.Events) > 0 && (*p.PageInfo.StartCursor != p.Cursors[0] || *p.PageInfo.EndCursor != p.Cursors[len(p.Cursors)-1]) {
				t.Errorf("page %d: start/end cursors do not match the edges", pages)
			}
			walked = append(walked, p.Events...)
			if !p.PageInfo.HasNextPage {
				break
			}
			vars["after"] = *p.PageInfo.EndCursor
		}
		if len(walked) != len(whole) {
			t.Fatalf("walk: got %d events, want %d", len(walked), len(whole))
		}
		for i := range whole {
			if walked[i].ID != whole[i].ID {
				t.Fatalf("walk position %d: got %s, want %s", i, walked[i].ID, whole[i].ID)
			}
		}

		// Events written between pages appear on no later page: the walk
		// goes back in time.
		p1 := listEvents(t, admin, map[string]any{"first": 3})
		admin.MustDo(testenv.UpdateSettingsMutation, map[string]any{"input": map[string]any{"enabled": true}})
		rest := allEvents(t, admin, nil)
		p2 := listEvents(t, admin, map[string]any{"first": 100, "after": p1.Cursors[2]})
		if len(p2.Events) != 19 || p2.Events[0].ID != whole[3].ID {
			t.Errorf("page after a new event: got %d events from %s, want 19 from %s", len(p2.Events), p2.Events[0].ID, whole[3].ID)
		}
		if len(rest) != 23 {
			t.Errorf("trail after one more change: got %d events, want 23", len(rest))
		}

		// A cursor belongs to its filter and its caller.
		filtered := map[string]any{"actions": []string{"TOKEN_CREATED"}}
		r := admin.Do(eventsQuery, map[string]any{"first": 2, "after": p1.Cursors[0], "filter": filtered})
		testenv.RequireError(t, r, "BAD_USER_INPUT")
		if !strings.Contains(r.Errors[0].Message, "cursor") {
			t.Errorf("message: got %q, want it to name the cursor", r.Errors[0].Message)
		}
		other := env.Admin(t, org, "admin2")
		testenv.RequireError(t, other.Do(eventsQuery, map[string]any{"first": 2, "after": p1.Cursors[0]}), "BAD_USER_INPUT")
		// A token-list cursor is no audit cursor.
		var tl struct {
			PersonalAccessTokens testenv.Connection[testenv.Token]
		}
		admin.MustDoInto(`{ personalAccessTokens(first: 1) { edges { cursor } } }`, nil, &tl)
		testenv.RequireError(t, admin.Do(eventsQuery, map[string]any{"after": tl.PersonalAccessTokens.Edges[0].Cursor}), "BAD_USER_INPUT")
	})
}
