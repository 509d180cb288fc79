package access

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/patgov/pats/internal/testenv"
)

// TestCreateRefusesInvisibleName: a token name with an invisible or
// bidirectional formatting character (or any other control or format
// character) is BAD_USER_INPUT naming the rule, the code point and its
// position, and nothing is stored: no token, no audit event.
func TestCreateRefusesInvisibleName(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, env *testenv.Env) {
		cases := []struct {
			name, input string
			character   string
			position    int
		}{
			// "invoice‮exe.txt" would show as "invoicetxt.exe".
			{"right-to-left override", "invoice\u202Eexe.txt", "U+202E", 8},
			{"left-to-right embedding", "\u202Adeploy", "U+202A", 1},
			{"left-to-right isolate", "ci \u2066x", "U+2066", 4},
			{"pop directional isolate", "ci\u2069", "U+2069", 3},
			{"zero width space", "de\u200Bploy", "U+200B", 3},
			{"right-to-left mark", "deploy\u200F", "U+200F", 7},
			{"byte order mark after trimming", "  \uFEFFdeploy  ", "U+FEFF", 1},
			{"other format character (soft hyphen)", "de\u00ADploy", "U+00AD", 3},
			{"control character", "de\u0007ploy", "U+0007", 3},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				org := testenv.UniqueOrg("invisible")
				admin := env.Admin(t, org, "alice")
				r := admin.CreateToken(simpleInput(tc.input))
				wantErrorData(t, r, "BAD_USER_INPUT")
				if len(r.Errors) == 0 {
					t.Fatalf("got no error, want BAD_USER_INPUT")
				}
				e := r.Errors[0]
				want := fmt.Sprintf("name must not contain control, invisible or bidirectional formatting characters (%s at position %d)", tc.character, tc.position)
				if e.Message != want {
					t.Errorf("message: got %q, want %q", e.Message, want)
				}
				if e.Extensions["field"] != "name" || e.Extensions["character"] != tc.character {
					t.Errorf("extensions: got %v, want field name and character %s", e.Extensions, tc.character)
				}
				if got, ok := e.Extensions["position"].(float64); !ok || int(got) != tc.position {
					t.Errorf("extensions.position: got %v, want %d", e.Extensions["position"], tc.position)
				}
				if strings.ContainsAny(r.Raw, "\u202E\u202A\u2066\u2069\u200B\u200F\uFEFF\u00AD\u0007") {
					t.Errorf("response: got %q, want no echo of the character itself", r.Raw)
				}
				if n := tokenCount(t, env, org); n != 0 {
					t.Errorf("stored tokens: got %d, want 0", n)
				}
				if n := env.AuditRows(t, org); n != 0 {
					t.Errorf("stored audit events: got %d, want 0", n)
				}
				if got := listAll(t, admin); len(got) != 0 {
					t.Errorf("listed tokens: got %v, want none", got)
				}
			})
		}
	})
}

// TestInvisibleIdentityStoredAsGiven: user names and e-mails from sessions
// and the User-Agent are not refused or changed: the API returns them as
// given (the console is what renders them inert), in the viewer, a token's
// owner and the audit trail.
func TestInvisibleIdentityStoredAsGiven(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, env *testenv.Env) {
		org := testenv.UniqueOrg("invisible")
		name := "Ann \u202Eeel\u202C \u200BLee\uFEFF"
		email := "ann\u2066@example.test\u2069"
		userAgent := "curl/8.5 \u202Eevil\u200F"
		c := env.As(t, testenv.Identity{Org: org, Subject: "ann", Role: roleOf("admin"), Name: name, Email: email})
		c.Header = http.Header{"User-Agent": {userAgent}}

		var me struct{ Viewer testenv.User }
		c.MustDoInto(`{ viewer { name email } }`, nil, &me)
		if viewer := me.Viewer; viewer.Name != name || viewer.Email != email {
			t.Errorf("viewer: got %+q, want name %+q and email %+q", viewer, name, email)
		}

		_, tok := mustCreate(t, c, simpleInput("deploy"))
		owner := tok.Owner
		if owner.Name != name || owner.Email != email {
			t.Errorf("owner: got %+q, want name %+q and email %+q", owner, name, email)
		}

		var data struct {
			AuditEvents testenv.Connection[testenv.AuditEvent]
		}
		c.MustDoInto(`{ auditEvents(first: 10) { nodes { action actor { name email } token { owner { name } } userAgent } } }`, nil, &data)
		nodes := data.AuditEvents.Nodes
		if len(nodes) != 1 {
			t.Fatalf("audit events: got %d, want 1", len(nodes))
		}
		event := nodes[0]
		if actor := event.Actor; actor.Name != name || actor.Email != email {
			t.Errorf("audit actor: got %+q, want name %+q and email %+q", actor, name, email)
		}
		if event.Token == nil {
			t.Fatalf("audit token: got null, want the created token")
		}
		if got := event.Token.Owner.Name; got != name {
			t.Errorf("audit token owner: got %+q, want %+q", got, name)
		}
		if event.UserAgent != userAgent {
			t.Errorf("audit userAgent: got %+q, want %+q", event.UserAgent, userAgent)
		}
	})
}
