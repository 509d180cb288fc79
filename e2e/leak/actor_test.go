package leak

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/patgov/pats/internal/auth"
	"github.com/patgov/pats/internal/entity"
	"github.com/patgov/pats/internal/testenv"
)

// TestSystemActorCannotBeImpersonated: sessions whose subject looks like the
// system actor's, and what such sessions (where accepted) can reach.
func TestSystemActorCannotBeImpersonated(t *testing.T) {
	for _, dialect := range testenv.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			s, _ := newScanner(t, dialect)
			env := s.env
			org := testenv.UniqueOrg("actor")
			admin := env.Admin(t, org, "boss")
			tok := create(t, env, env.Member(t, org, "dev"), "leaked", 0)
			body, _ := json.Marshal([]alert{{tok.Token, "pats_pat", "https://github.com/x/y", "content"}})
			if status, _ := s.post(t, "k1", "", body); status != 200 {
				t.Fatal("alert")
			}
			var sysID int64
			env.DB.Raw("SELECT id FROM users WHERE subject = ?", "pats:secret-scanning").Scan(&sysID)
			if sysID == 0 {
				t.Fatal("no system actor row")
			}
			for _, sub := range []string{"pats:secret-scanning", "PATS:secret-scanning", " pats:secret-scanning", "pats:secret-scanning ",
				"pats\uff1asecret-scanning", "ｐats:secret-scanning", "pats:secret-scanning\u00a0", "pats:Secret-Scanning", "pats: secret-scanning"} {
				for _, acct := range []entity.AccountType{entity.AccountTypeLocal, entity.AccountTypeDirectory, entity.AccountTypeSystem, "SYSTEM"} {
					bearer := testenv.SignToken(t, &auth.Claims{
						RegisteredClaims: jwt.RegisteredClaims{Subject: sub, ExpiresAt: jwt.NewNumericDate(time.Now().Add(time.Hour))},
						Org:              org, Role: auth.RoleAdmin, Email: "x@example.test", Name: "GitHub secret scanning", AccountType: acct,
					})
					r := env.Post(t, bearer, `{ viewer { id accountType } }`, nil)
					if r.Status == http.StatusUnauthorized {
						continue
					}
					var uid int64
					env.DB.Raw("SELECT id FROM users u JOIN organizations o ON o.id = u.organization_id WHERE o.external_id = ? AND u.subject = ?", org, sub).Scan(&uid)
					t.Logf("sub %q acct %q accepted: %.200s (user row %d, system actor %d)", sub, acct, r.Raw, uid, sysID)
					if uid == sysID {
						t.Errorf("session %q became the system actor", sub)
					}
				}
			}
			// ownerIds filter and users list.
			r := admin.Do(`{ personalAccessTokens(filter: { ownerIds: ["pats:secret-scanning"] }) { totalCount } users { nodes { id accountType } } }`, nil)
			t.Logf("ownerIds=system actor, users: %.300s", r.Raw)
			if strings.Contains(string(r.Raw), `"SYSTEM"`) {
				t.Error("the users list shows the system actor")
			}
			var n int64
			env.DB.Raw("SELECT COUNT(*) FROM personal_access_tokens WHERE owner_id = ?", sysID).Scan(&n)
			if n != 0 {
				t.Errorf("the system actor owns %d tokens", n)
			}
			// A regular user named like the actor is not the actor in the audit trail.
			imp := env.As(t, testenv.Identity{Org: org, Subject: "impostor", Role: auth.RoleAdmin, Name: "GitHub secret scanning"})
			imp.MustDo(`{ viewerRole }`, nil)
			_ = fmt.Sprint()
		})
	}
}
