package client

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/validator/rules"
)

// TestOperationsCoverSchema fails when a Query or Mutation field, or one
// of its arguments, is used by no operation in operations/: a field added
// to the schema needs an operation (and so a client function).
func TestOperationsCoverSchema(t *testing.T) {
	raw, err := os.ReadFile("../schema.graphqls")
	if err != nil {
		t.Fatalf("read schema: %v", err)
	}
	schema, gqlErr := gqlparser.LoadSchema(&ast.Source{Name: "schema.graphqls", Input: string(raw)})
	if gqlErr != nil {
		t.Fatalf("parse schema: %v", gqlErr)
	}
	doc := loadOperations(t, schema)

	// used[root type][field] holds the arguments passed to the field.
	used := map[string]map[string][]string{}
	for _, op := range doc.Operations {
		root := rootType(schema, op.Operation)
		if root == nil {
			continue
		}
		if used[root.Name] == nil {
			used[root.Name] = map[string][]string{}
		}
		for _, f := range rootFields(op.SelectionSet) {
			for _, a := range f.Arguments {
				used[root.Name][f.Name] = append(used[root.Name][f.Name], a.Name)
			}
			if _, ok := used[root.Name][f.Name]; !ok {
				used[root.Name][f.Name] = nil
			}
		}
	}

	for _, root := range []*ast.Definition{schema.Query, schema.Mutation} {
		for _, f := range root.Fields {
			if strings.HasPrefix(f.Name, "__") {
				continue // introspection fields
			}
			args, ok := used[root.Name][f.Name]
			if !ok {
				t.Errorf("%s.%s: used by no operation in operations/*.graphql", root.Name, f.Name)
				continue
			}
			for _, a := range f.Arguments {
				if !slices.Contains(args, a.Name) {
					t.Errorf("%s.%s(%s:): argument passed by no operation", root.Name, f.Name, a.Name)
				}
			}
		}
	}
}

// loadOperations parses and validates every operations/*.graphql file
// against schema as one document (fragments are shared between files).
func loadOperations(t *testing.T, schema *ast.Schema) *ast.QueryDocument {
	t.Helper()
	paths, err := filepath.Glob("operations/*.graphql")
	if err != nil || len(paths) == 0 {
		t.Fatalf("operations/*.graphql: got %d files (%v), want some", len(paths), err)
	}
	var all strings.Builder
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatalf("read %s: %v", p, err)
		}
		all.Write(b)
		all.WriteString("\n")
	}
	doc, errs := gqlparser.LoadQueryWithRules(schema, all.String(), rules.NewDefaultRules())
	if len(errs) > 0 {
		t.Fatalf("operations do not validate against the schema: %v", errs)
	}
	return doc
}

func rootType(schema *ast.Schema, op ast.Operation) *ast.Definition {
	switch op {
	case ast.Query:
		return schema.Query
	case ast.Mutation:
		return schema.Mutation
	}
	return nil
}

// rootFields returns the fields of a root selection set, looking through
// fragments.
func rootFields(set ast.SelectionSet) []*ast.Field {
	var out []*ast.Field
	for _, s := range set {
		switch s := s.(type) {
		case *ast.Field:
			out = append(out, s)
		case *ast.FragmentSpread:
			out = append(out, rootFields(s.Definition.SelectionSet)...)
		case *ast.InlineFragment:
			out = append(out, rootFields(s.SelectionSet)...)
		}
	}
	return out
}
