package resolvers

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/patgov/pats/internal/pat"
)

// TestSchemaStatesTheDomainsNumbers: the defaults and bounds the contract
// states (argument defaults, and the numbers its descriptions give) are
// the domain's constants, so the schema cannot drift from the rules that
// enforce them. Each default and bound has one home (internal/pat); this
// pins its copies in schema.graphqls to it.
func TestSchemaStatesTheDomainsNumbers(t *testing.T) {
	src, err := os.ReadFile("../schema.graphqls")
	if err != nil {
		t.Fatal(err)
	}
	schema, gqlErr := gqlparser.LoadSchema(&ast.Source{Name: "schema.graphqls", Input: string(src)})
	if gqlErr != nil {
		t.Fatal(gqlErr)
	}
	firsts := 0
	for _, root := range []*ast.Definition{schema.Query, schema.Mutation} {
		for _, f := range root.Fields {
			for _, a := range f.Arguments {
				if a.Name != "first" {
					continue
				}
				firsts++
				if a.DefaultValue == nil || a.DefaultValue.Raw != strconv.Itoa(pat.DefaultPageSize) {
					t.Errorf("%s(first:) defaults to %v, want pat.DefaultPageSize (%d)", f.Name, a.DefaultValue, pat.DefaultPageSize)
				}
				if want := fmt.Sprintf("`first` is 1..%d", pat.MaxPageSize); !strings.Contains(f.Description, want) {
					t.Errorf("%s: description %q does not say %q (pat.MaxPageSize)", f.Name, f.Description, want)
				}
			}
		}
	}
	if firsts != 5 {
		t.Errorf("found %d paginated root fields, want 5 (personalAccessTokens, users, auditEvents, webhookDeliveries, emailNotifications)", firsts)
	}
	perMinute := fmt.Sprintf("%d,%03d values a minute", pat.DefaultRevokeByValuePerMinute/1000, pat.DefaultRevokeByValuePerMinute%1000)
	for field, wants := range map[string][]string{
		"revokeTokens":        {fmt.Sprintf("1..%d IDs", pat.MaxRevokeIDs)},
		"revokeTokenByValue":  {perMinute},
		"revokeTokensByValue": {fmt.Sprintf("1..%d values", pat.MaxRevokeValues), perMinute},
	} {
		f := schema.Mutation.Fields.ForName(field)
		if f == nil {
			t.Fatalf("Mutation.%s is missing", field)
		}
		desc := strings.Join(strings.Fields(f.Description), " ")
		for _, w := range wants {
			if !strings.Contains(desc, w) {
				t.Errorf("Mutation.%s: description %q does not say %q", field, desc, w)
			}
		}
	}
}
