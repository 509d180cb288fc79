package client

import (
	"errors"
	"net/http"
	"slices"
	"testing"

	"github.com/Khan/genqlient/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/patgov/pats/client"
	"github.com/patgov/pats/internal/testenv"
)

// TestErrors: the generated functions return the service's errors in a
// form whose extensions.code a caller can read, for HTTP 200 errors
// (gqlerror.List) and for HTTP 401 (*graphql.HTTPError).
func TestErrors(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, env *testenv.Env) {
		ctx := t.Context()
		org := testenv.UniqueOrg("clienterr")
		admin := typed(env, env.Admin(t, org, "root"))
		member := typed(env, env.Member(t, org, "alice"))

		t.Run("FORBIDDEN as a gqlerror.List", func(t *testing.T) {
			_, err := client.AuditEvents(ctx, member, 10, nil, nil)
			// Without the helper: the error is a gqlerror.List (HTTP 200).
			var list gqlerror.List
			if !errors.As(err, &list) || len(list) == 0 {
				t.Fatalf("AuditEvents as a member: got %T %v, want a gqlerror.List", err, err)
			}
			if code, _ := list[0].Extensions["code"].(string); code != "FORBIDDEN" {
				t.Errorf("errors[0].extensions.code: got %q, want FORBIDDEN", code)
			}
			if got := list[0].Path.String(); got != "auditEvents" {
				t.Errorf("errors[0].path: got %q, want auditEvents", got)
			}
			// With the helper.
			if got := client.ErrorCode(err); got != "FORBIDDEN" {
				t.Errorf("ErrorCode: got %q, want FORBIDDEN", got)
			}
		})

		t.Run("codes of other refusals", func(t *testing.T) {
			cases := []struct {
				name string
				call func() error
				want string
			}{
				{"member updates settings", func() error {
					_, err := client.UpdatePatSettings(ctx, member, client.UpdatePatSettingsInput{Enabled: testenv.Ptr(false)})
					return err
				}, "FORBIDDEN"},
				{"member revokes by value", func() error {
					_, err := client.RevokeTokenByValue(ctx, member, "opat_x")
					return err
				}, "FORBIDDEN"},
				{"unknown token value", func() error {
					_, err := client.RevokeTokenByValue(ctx, admin, "opat_0000000000000000000000000000000000000000000000000")
					return err
				}, "NOT_FOUND"},
				{"unknown token ID", func() error {
					_, err := client.RevokeTokens(ctx, admin, []string{"01JD0000000000000000000000"})
					return err
				}, "NOT_FOUND"},
				{"page size out of range", func() error {
					_, err := client.PersonalAccessTokens(ctx, admin, 101, nil, nil, nil)
					return err
				}, "BAD_USER_INPUT"},
				{"no scopes", func() error {
					_, err := client.CreatePersonalAccessToken(ctx, member, client.CreatePersonalAccessTokenInput{Name: "x", Scopes: []string{}})
					return err
				}, "BAD_USER_INPUT"},
			}
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					err := tc.call()
					if got := client.ErrorCode(err); got != tc.want {
						t.Errorf("ErrorCode: got %q (%v), want %s", got, err, tc.want)
					}
				})
			}
		})

		t.Run("NOT_FOUND names the missing IDs", func(t *testing.T) {
			missing := "01JD0000000000000000000000"
			_, err := client.RevokeTokens(ctx, admin, []string{missing})
			var gqlErr *gqlerror.Error // errors.As finds the first error of the list
			if !errors.As(err, &gqlErr) {
				t.Fatalf("RevokeTokens: got %T %v, want a GraphQL error", err, err)
			}
			ids, _ := gqlErr.Extensions["ids"].([]any)
			if !slices.Equal(ids, []any{missing}) {
				t.Errorf("extensions.ids: got %v, want [%s]", gqlErr.Extensions["ids"], missing)
			}
		})

		t.Run("UNAUTHENTICATED as an HTTP error", func(t *testing.T) {
			_, err := client.Viewer(ctx, client.New(env.URL+"/query", "not-a-jwt", nil))
			var httpErr *graphql.HTTPError
			if !errors.As(err, &httpErr) {
				t.Fatalf("Viewer with a bad token: got %T %v, want *graphql.HTTPError", err, err)
			}
			if httpErr.StatusCode != http.StatusUnauthorized {
				t.Errorf("status: got %d, want 401", httpErr.StatusCode)
			}
			if got := client.ErrorCode(err); got != "UNAUTHENTICATED" {
				t.Errorf("ErrorCode: got %q, want UNAUTHENTICATED", got)
			}
		})
	})
}
