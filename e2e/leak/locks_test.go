package leak

import (
	"testing"
	"time"

	"github.com/patgov/pats/internal/testenv"
)

// TestByValueLocksNoOtherOrganization (MySQL: SQLite has no row locks):
// revoking another organization's token value is a miss in the caller's
// own organization, so it neither waits for nor takes that organization's
// row lock. Through the global digest index the lookup would find the
// foreign row and wait for it (until the lock wait timeout), which is also
// how an admin could tell a foreign token from an unknown value.
func TestByValueLocksNoOtherOrganization(t *testing.T) {
	for _, dialect := range testenv.Dialects(t) {
		if dialect != "mysql" {
			continue
		}
		t.Run(dialect, func(t *testing.T) {
			env := testenv.New(t, dialect)
			org, other := testenv.UniqueOrg("locks"), testenv.UniqueOrg("locks-other")
			admin := env.Admin(t, org, "boss")
			foreign := create(t, env, env.Member(t, other, "dev"), "foreign", 0)
			admin.MustDo(`{ viewerRole }`, nil)

			hold := env.DB.DB.Begin()
			if err := hold.Exec("SELECT id FROM personal_access_tokens WHERE id = ? FOR UPDATE", foreign.PersonalAccessToken.ID).Error; err != nil {
				t.Fatalf("lock the other organization's token: %v", err)
			}
			defer hold.Rollback()
			for name, call := range map[string]func() string{
				"revokeTokensByValue": func() string {
					got, r := revoke(t, admin, []string{foreign.Token})
					if got == nil {
						return r.Code()
					}
					return got.Results[0].Outcome
				},
				"revokeTokenByValue": func() string {
					return admin.Do(`mutation($v: String!) { revokeTokenByValue(token: $v) { outcome } }`, map[string]any{"v": foreign.Token}).Code()
				},
			} {
				done := make(chan string, 1)
				go func() { done <- call() }()
				select {
				case got := <-done:
					if got != "NOT_FOUND" {
						t.Errorf("%s of another organization's value: got %s, want NOT_FOUND", name, got)
					}
				case <-time.After(10 * time.Second):
					hold.Rollback()
					<-done
					t.Fatalf("%s of another organization's value waited for that organization's row lock", name)
				}
			}
		})
	}
}
