package leak

import (
	"context"
	"testing"

	"github.com/golang-jwt/jwt/v5"

	"github.com/patgov/pats/internal/auth"
	"github.com/patgov/pats/internal/entity"
	"github.com/patgov/pats/internal/testenv"
	"github.com/patgov/pats/pattoken"
)

// BenchmarkRevokeByValuesNotFound compares a batch of 100 unknown values
// with a batch of 100 values of another organization's tokens, and a batch
// of 100 malformed ones: the first two must cost the same (one locking
// read that matches nothing either way), so an admin cannot tell from the
// time whether a value is some other organization's token. Run:
//
//	go test ./e2e/leak/ -run '^$' -bench RevokeByValuesNotFound -count 6
func BenchmarkRevokeByValuesNotFound(b *testing.B) {
	for _, dialect := range testenv.Dialects(b) {
		b.Run(dialect, func(b *testing.B) {
			env := testenv.New(b, dialect)
			org, other := testenv.UniqueOrg("bench"), testenv.UniqueOrg("bench-other")
			owners := []*testenv.Client{env.Member(b, other, "dev1"), env.Member(b, other, "dev2")} // 50 tokens each at most
			var foreign, unknown, malformed []string
			for i := range 100 {
				foreign = append(foreign, create(b, env, owners[i%2], "t", 0).Token)
				u, err := pattoken.Generate()
				if err != nil {
					b.Fatal(err)
				}
				unknown = append(unknown, u.Value)
				malformed = append(malformed, "opat_not-a-token")
			}
			admin := env.Admin(b, org, "boss")
			admin.MustDo(`{ viewerRole }`, nil)
			p, err := env.Service.Provision(context.Background(), &auth.Claims{
				RegisteredClaims: jwt.RegisteredClaims{Subject: "boss"}, Org: org, Role: auth.RoleAdmin,
				Email: "boss@example.com", Name: "Boss", AccountType: entity.AccountTypeLocal,
			})
			if err != nil {
				b.Fatal(err)
			}
			for _, bc := range []struct {
				name   string
				values []string
			}{{"unknown", unknown}, {"foreign", foreign}, {"malformed", malformed}} {
				b.Run(bc.name, func(b *testing.B) {
					for b.Loop() {
						got, err := env.Service.RevokeTokensByValue(context.Background(), p, bc.values)
						if err != nil || got.Count != 0 {
							b.Fatalf("got %v, %v; want nothing revoked", got, err)
						}
					}
				})
			}
		})
	}
}
