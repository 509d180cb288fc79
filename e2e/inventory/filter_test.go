package inventory

import (
	"slices"
	"testing"
	"time"

	"github.com/patgov/pats/internal/testenv"
)

// Rule 6: every filter, alone and combined, with totalCount matching.
func TestListFilters(t *testing.T) {
	parallel(t)
	testenv.ForEachDialect(t, func(t *testing.T, env *testenv.Env) {
		org, other := testenv.UniqueOrg("filter"), testenv.UniqueOrg("filter-other")
		admin := env.As(t, testenv.Identity{Org: org, Subject: "boss", Role: "admin", Name: "The Boss", Email: "boss@corp.test"})
		ann := env.As(t, testenv.Identity{Org: org, Subject: "ann", Name: "Ann Smith", Email: "ann@corp.test"})
		bob := env.As(t, testenv.Identity{Org: org, Subject: "bob", Name: "Bob Jones", Email: "Bob.Jones@Example.TEST"})
		// The other organization has a user "ann" too, and look-alike tokens.
		otherAnn := env.As(t, testenv.Identity{Org: other, Subject: "ann", Name: "Ann Smith", Email: "ann@corp.test"})
		otherZed := env.As(t, testenv.Identity{Org: other, Subject: "zed", Name: "Zed", Email: "zed@corp.test"})
		createToken(t, otherAnn, "deploy 50% off", []string{"OR.Jobs"}, nil)
		createToken(t, otherZed, "a_b token", []string{"OR.Queues"}, nil)

		now := env.Clock.Now()
		inHour, in80d := now.Add(time.Hour), now.Add(80*day)
		specs := []struct {
			owner   *testenv.Client
			name    string
			scopes  []string
			expires *time.Time
		}{
			{ann, "deploy 50% off", []string{"OR.Jobs"}, nil},
			{ann, "deploy 500 off", []string{"OR.Queues", "OR.Jobs"}, nil},
			{bob, "a_b token", []string{"OR.Queues"}, nil},
			{bob, "axb token", []string{"OR.Jobs.Read"}, nil},
			{admin, "CI-Runner", []string{"OR.Jobs", "OR.Queues", "OR.Assets"}, nil},
			{admin, "hello!world", []string{"OR.Assets"}, nil},
			{ann, "expiring", []string{"OR.Jobs"}, &inHour},
			{bob, "to revoke", []string{"OR.Jobs"}, nil},
			{bob, "long lived", []string{"TM.Projects.Read"}, &in80d},
		}
		tok := map[string]created{}
		byID := map[string]string{}
		for _, s := range specs {
			env.Clock.Advance(time.Second)
			tok[s.name] = createToken(t, s.owner, s.name, s.scopes, s.expires)
			byID[tok[s.name].ID] = s.name
		}
		// Used: "deploy 50% off", then "CI-Runner", then "a_b token".
		lastUsed := map[string]time.Time{}
		for _, name := range []string{"deploy 50% off", "CI-Runner", "a_b token"} {
			env.Clock.Advance(2 * time.Second)
			if !env.IntrospectActive(t, tok[name].Secret) {
				t.Fatalf("introspect %q: got inactive, want active", name)
			}
		}
		mustRevoke(t, admin, tok["to revoke"].ID)
		// Lowering the maximum lifespan to 30 days makes every effective
		// expiry differ from the requested one, except for "expiring".
		const lifespan = 30
		admin.MustUpdateSettings(map[string]any{"maxLifespanDays": lifespan})
		// "expiring" becomes EXPIRED.
		env.Clock.Advance(2 * time.Hour)

		rows := dbTokens(t, env, org)
		eff := map[string]time.Time{}
		for id, r := range rows {
			name := byID[id]
			created := tok[name].CreatedAt.Time
			requested := tok[name].ExpiresAt.Time // at creation: the requested expiry
			if r.CreatedAt != created.UnixMilli() || r.ExpiresAt != requested.UnixMilli() {
				t.Fatalf("%s: stored created/expires %d/%d, want %d/%d", name, r.CreatedAt, r.ExpiresAt, created.UnixMilli(), requested.UnixMilli())
			}
			eff[name] = requested
			if capped := created.Add(lifespan * day); capped.Before(requested) {
				eff[name] = capped
			}
			if r.LastUsedAt != nil {
				lastUsed[name] = time.UnixMilli(*r.LastUsedAt)
			}
		}
		if len(lastUsed) != 3 {
			t.Fatalf("setup: got %d used tokens, want 3", len(lastUsed))
		}
		if !eff["long lived"].Before(in80d) {
			t.Fatalf("setup: effective expiry of 'long lived' %v, want before the requested %v", eff["long lived"], in80d)
		}

		notRevoked := func(name string) bool { return name != "to revoke" }
		matching := func(pred func(name string) bool) []string {
			var out []string
			for _, s := range specs {
				if pred(s.name) {
					out = append(out, s.name)
				}
			}
			return out
		}
		names := func(n ...string) []string { return n }
		ms := time.Millisecond
		ll := eff["long lived"]
		ci := lastUsed["CI-Runner"]

		cases := []struct {
			name   string
			filter map[string]any
			want   []string
		}{
			// status
			{"status default", nil, matching(notRevoked)},
			{"status null", map[string]any{"status": nil}, matching(notRevoked)},
			{"status revoked", map[string]any{"status": []string{"REVOKED"}}, names("to revoke")},
			{"status active", map[string]any{"status": []string{"ACTIVE"}}, matching(func(n string) bool { return n != "to revoke" && n != "expiring" })},
			{"status expired", map[string]any{"status": []string{"EXPIRED"}}, names("expiring")},
			{"status empty", map[string]any{"status": []string{}}, nil},
			{"status all", map[string]any{"status": allStatuses}, matching(func(string) bool { return true })},
			{"status active and revoked", map[string]any{"status": []string{"REVOKED", "ACTIVE"}}, matching(func(n string) bool { return n != "expiring" })},
			{"status expired and revoked", map[string]any{"status": []string{"EXPIRED", "REVOKED"}}, names("expiring", "to revoke")},
			{"status default spelled out", map[string]any{"status": []string{"EXPIRED", "ACTIVE", "EXPIRED"}}, matching(notRevoked)},
			// ownerIds
			{"owner ann", map[string]any{"ownerIds": []string{"ann"}}, names("deploy 50% off", "deploy 500 off", "expiring")},
			{"owners ann and bob", map[string]any{"ownerIds": []string{"bob", "ann"}}, names("deploy 50% off", "deploy 500 off", "a_b token", "axb token", "expiring", "long lived")},
			{"owner twice", map[string]any{"ownerIds": []string{"ann", "ann"}}, names("deploy 50% off", "deploy 500 off", "expiring")},
			{"owners empty", map[string]any{"ownerIds": []string{}}, nil},
			{"owner of another organization only", map[string]any{"ownerIds": []string{"zed"}}, nil},
			{"owner unknown", map[string]any{"ownerIds": []string{"nobody"}}, nil},
			{"owner in another case", map[string]any{"ownerIds": []string{"ANN"}}, nil},
			{"owner bob with revoked", map[string]any{"ownerIds": []string{"bob"}, "status": []string{"REVOKED"}}, names("to revoke")},
			// search
			{"search percent literal", map[string]any{"search": "50%"}, names("deploy 50% off")},
			{"search percent alone", map[string]any{"search": "%"}, names("deploy 50% off")},
			{"search underscore literal", map[string]any{"search": "a_b"}, names("a_b token")},
			{"search underscore alone", map[string]any{"search": "_"}, names("a_b token")},
			{"search escape character", map[string]any{"search": "o!w"}, names("hello!world")},
			{"search escape character alone", map[string]any{"search": "!"}, names("hello!world")},
			{"search name case-insensitive", map[string]any{"search": "ci-RUN"}, names("CI-Runner")},
			{"search name prefix", map[string]any{"search": "DEPLOY"}, names("deploy 50% off", "deploy 500 off")},
			{"search owner name", map[string]any{"search": "aNN sMITH"}, names("deploy 50% off", "deploy 500 off", "expiring")},
			{"search owner email", map[string]any{"search": "jones@example.t"}, names("a_b token", "axb token", "long lived")},
			{"search owner email domain", map[string]any{"search": "@CORP.TEST"}, names("deploy 50% off", "deploy 500 off", "CI-Runner", "hello!world", "expiring")},
			{"search no match", map[string]any{"search": "zzz"}, nil},
			{"search empty", map[string]any{"search": ""}, matching(notRevoked)},
			{"search revoked", map[string]any{"search": "revoke", "status": allStatuses}, names("to revoke")},
			// scopes
			{"scope one", map[string]any{"scopes": []string{"OR.Jobs"}}, names("deploy 50% off", "deploy 500 off", "CI-Runner", "expiring")},
			{"scopes two", map[string]any{"scopes": []string{"OR.Queues", "OR.Jobs"}}, names("deploy 500 off", "CI-Runner")},
			{"scopes three", map[string]any{"scopes": []string{"OR.Queues", "OR.Jobs", "OR.Assets"}}, names("CI-Runner")},
			{"scope read", map[string]any{"scopes": []string{"OR.Jobs.Read"}}, names("axb token")},
			{"scope prefix", map[string]any{"scopes": []string{"OR.Job"}}, nil},
			{"scope suffix", map[string]any{"scopes": []string{"Jobs"}}, nil},
			{"scope with underscore", map[string]any{"scopes": []string{"OR_Jobs"}}, nil},
			{"scope with percent", map[string]any{"scopes": []string{"OR.%"}}, nil},
			{"scope in another case", map[string]any{"scopes": []string{"or.jobs"}}, nil},
			{"scopes nobody holds together", map[string]any{"scopes": []string{"OR.Jobs", "TM.Projects.Read"}}, nil},
			{"scopes empty", map[string]any{"scopes": []string{}}, matching(notRevoked)},
			// expiresBefore / expiresAfter on the effective expiry, exclusive
			{"expires before effective", map[string]any{"expiresBefore": ts(ll)}, matching(func(n string) bool { return notRevoked(n) && eff[n].Before(ll) })},
			{"expires before effective+1ms", map[string]any{"expiresBefore": ts(ll.Add(ms))}, matching(func(n string) bool { return notRevoked(n) && eff[n].Before(ll.Add(ms)) })},
			{"expires after effective-1ms", map[string]any{"expiresAfter": ts(ll.Add(-ms))}, matching(func(n string) bool { return notRevoked(n) && eff[n].After(ll.Add(-ms)) })},
			{"expires after effective", map[string]any{"expiresAfter": ts(ll)}, matching(func(n string) bool { return notRevoked(n) && eff[n].After(ll) })},
			{"expires after effective+1ms", map[string]any{"expiresAfter": ts(ll.Add(ms))}, matching(func(n string) bool { return notRevoked(n) && eff[n].After(ll.Add(ms)) })},
			{"expires before effective+0.5ms (sub-millisecond input)", map[string]any{"expiresBefore": ll.Add(ms / 2).UTC().Format(time.RFC3339Nano)}, matching(func(n string) bool { return notRevoked(n) && eff[n].Before(ll.Add(ms/2)) })},
			{"expires after effective-0.5ms (sub-millisecond input)", map[string]any{"expiresAfter": ll.Add(-ms / 2).UTC().Format(time.RFC3339Nano)}, matching(func(n string) bool { return notRevoked(n) && eff[n].After(ll.Add(-ms/2)) })},
			{"expires before effective+1ms with a zone offset", map[string]any{"expiresBefore": ll.Add(ms).In(time.FixedZone("", 2*3600)).Format(time.RFC3339Nano)}, matching(func(n string) bool { return notRevoked(n) && eff[n].Before(ll.Add(ms)) })},
			{"expires between", map[string]any{"expiresAfter": ts(ll.Add(-ms)), "expiresBefore": ts(ll.Add(ms))}, names("long lived")},
			{"expires before the requested expiry of long lived", map[string]any{"expiresBefore": ts(in80d), "ownerIds": []string{"bob"}}, names("a_b token", "axb token", "long lived")},
			{"expires after the effective of everything", map[string]any{"expiresAfter": ts(now.Add(31 * day))}, nil},
			{"expires before now (expired)", map[string]any{"expiresBefore": ts(env.Clock.Now())}, names("expiring")},
			// lastUsedBefore / neverUsed
			{"last used before exact", map[string]any{"lastUsedBefore": ts(ci)}, names("deploy 50% off")},
			{"last used before +1ms", map[string]any{"lastUsedBefore": ts(ci.Add(ms))}, names("deploy 50% off", "CI-Runner")},
			{"last used before +0.5ms (sub-millisecond input)", map[string]any{"lastUsedBefore": ci.Add(ms / 2).UTC().Format(time.RFC3339Nano)}, names("deploy 50% off", "CI-Runner")},
			{"last used before far future", map[string]any{"lastUsedBefore": ts(now.Add(365 * day))}, names("deploy 50% off", "a_b token", "CI-Runner")},
			{"last used before the first use", map[string]any{"lastUsedBefore": ts(lastUsed["deploy 50% off"])}, nil},
			{"never used", map[string]any{"neverUsed": true}, names("deploy 500 off", "axb token", "hello!world", "expiring", "long lived")},
			{"used", map[string]any{"neverUsed": false}, names("deploy 50% off", "a_b token", "CI-Runner")},
			{"never used and last used before", map[string]any{"neverUsed": true, "lastUsedBefore": ts(now.Add(365 * day))}, nil},
			// combinations
			{"search and scope", map[string]any{"search": "deploy", "scopes": []string{"OR.Queues"}}, names("deploy 500 off")},
			{"owner and never used", map[string]any{"ownerIds": []string{"ann"}, "neverUsed": true}, names("deploy 500 off", "expiring")},
			{"owner, search and status", map[string]any{"ownerIds": []string{"ann", "bob"}, "search": "TOKEN", "status": []string{"ACTIVE"}}, names("a_b token", "axb token")},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				admin := env.As(t, admin.ID)
				conn := mustList(t, admin, map[string]any{"first": 100, "filter": tc.filter})
				var got []string
				for _, id := range ids(conn.Nodes) {
					name, ok := byID[id]
					if !ok {
						t.Fatalf("token %s: not one of the organization's", id)
					}
					got = append(got, name)
				}
				if got, want := sorted(got), sorted(tc.want); !slices.Equal(got, want) {
					t.Fatalf("tokens: got %q, want %q", got, want)
				}
				if conn.TotalCount != len(tc.want) {
					t.Fatalf("totalCount: got %v, want %v", conn.TotalCount, len(tc.want))
				}
				// A small page: totalCount still counts every match.
				small := mustList(t, admin, map[string]any{"first": 1, "filter": tc.filter})
				if small.TotalCount != len(tc.want) {
					t.Fatalf("totalCount with first 1: got %v, want %v", small.TotalCount, len(tc.want))
				}
			})
		}

		t.Run("revoked tokens show who revoked them", func(t *testing.T) {
			admin := env.As(t, admin.ID)
			conn := mustList(t, admin, map[string]any{"filter": map[string]any{"status": []string{"REVOKED"}}})
			if len(conn.Nodes) != 1 {
				t.Fatalf("nodes: got %d, want 1", len(conn.Nodes))
			}
			n := conn.Nodes[0]
			wantBy := testenv.User{ID: "boss", Name: "The Boss", Email: "boss@corp.test", AccountType: "LOCAL"}
			if n.Status != "REVOKED" || n.RevokedAt == nil || n.RevokedBy == nil || *n.RevokedBy != wantBy {
				t.Fatalf("revoked token: got status %v revokedAt %v revokedBy %v, want REVOKED, a time, %+v", n.Status, n.RevokedAt, n.RevokedBy, wantBy)
			}
		})

		t.Run("a member's filters stay within their own tokens", func(t *testing.T) {
			ann := env.As(t, ann.ID)
			for _, filter := range []map[string]any{
				{"search": "token"},
				{"ownerIds": []string{"bob"}},
				{"scopes": []string{"OR.Assets"}},
			} {
				conn := mustList(t, ann, map[string]any{"filter": filter})
				if len(conn.Nodes) != 0 || conn.TotalCount != 0 {
					t.Fatalf("filter %v: got %v (totalCount %d), want nothing", filter, ids(conn.Nodes), conn.TotalCount)
				}
			}
		})
	})
}
