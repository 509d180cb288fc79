package client

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/Khan/genqlient/graphql"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/patgov/pats/client"
	"github.com/patgov/pats/internal/gqllimits/gqllimitstest"
	"github.com/patgov/pats/internal/testenv"
)

// introspected is the part of the introspection result compared with
// schema.graphqls.
type introspected struct {
	Schema struct {
		Types []struct {
			Kind, Name  string
			Fields      []struct{ Name string }
			InputFields []struct{ Name string }
			EnumValues  []struct{ Name string }
		}
	} `json:"__schema"`
}

// TestIntrospectionServesTheSchema: the standard introspection query of
// client tooling describes the same types, fields and enum values as
// schema.graphqls, so a third party may generate its client from either.
// It runs with the default limits: the depth limit does not count the
// chain of ofType fields (see gqllimits), which would otherwise put the
// query one level past the default PATS_GRAPHQL_MAX_DEPTH of 12.
func TestIntrospectionServesTheSchema(t *testing.T) {
	raw, err := os.ReadFile("../../schema.graphqls")
	if err != nil {
		t.Fatalf("read schema: %v", err)
	}
	want, gqlErr := gqlparser.LoadSchema(&ast.Source{Name: "schema.graphqls", Input: string(raw)})
	if gqlErr != nil {
		t.Fatalf("parse schema: %v", gqlErr)
	}
	testenv.ForEachDialect(t, func(t *testing.T, env *testenv.Env) {
		c := typed(env, env.Member(t, testenv.UniqueOrg("clientintro"), "alice"))
		var got introspected
		err := c.MakeRequest(t.Context(), &graphql.Request{Query: gqllimitstest.IntrospectionQuery, OpName: "IntrospectionQuery"}, &graphql.Response{Data: &got})
		if err != nil {
			t.Fatalf("introspection (code %q): %v", client.ErrorCode(err), err)
		}
		served := map[string][]string{}
		for _, ty := range got.Schema.Types {
			var names []string
			for _, f := range ty.Fields {
				names = append(names, f.Name)
			}
			for _, f := range ty.InputFields {
				names = append(names, f.Name)
			}
			for _, v := range ty.EnumValues {
				names = append(names, v.Name)
			}
			served[ty.Name] = names
		}
		for name, def := range want.Types {
			if def.BuiltIn || strings.HasPrefix(name, "__") {
				continue
			}
			names, ok := served[name]
			if !ok {
				t.Errorf("type %s: not served by introspection", name)
				continue
			}
			var defined []string
			for _, f := range def.Fields {
				if !strings.HasPrefix(f.Name, "__") {
					defined = append(defined, f.Name)
				}
			}
			for _, v := range def.EnumValues {
				defined = append(defined, v.Name)
			}
			slices.Sort(names)
			slices.Sort(defined)
			if !slices.Equal(names, defined) {
				t.Errorf("type %s: introspection serves %v, schema.graphqls defines %v", name, names, defined)
			}
		}

		// Without a session token there is no introspection.
		anon := client.New(env.URL+"/query", "", nil)
		err = anon.MakeRequest(t.Context(), &graphql.Request{Query: `{ __schema { queryType { name } } }`}, &graphql.Response{Data: &introspected{}})
		if code := client.ErrorCode(err); code != "UNAUTHENTICATED" {
			t.Errorf("anonymous introspection: got code %q (%v), want UNAUTHENTICATED", code, err)
		}
	})
}
