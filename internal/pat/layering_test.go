package pat_test

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// TestDomainKnowsNoGraphQL: the domain (pat and its subpackages), the
// entities it works on and the store it declares its needs of build
// without gqlgen, gqlparser, or the project's GraphQL packages. The
// resolvers convert at the edge; this keeps it so.
func TestDomainKnowsNoGraphQL(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is needed to list the domain's imports: %v", err)
	}
	domain := []string{
		"github.com/patgov/pats/internal/pat/...",
		"github.com/patgov/pats/internal/entity",
		"github.com/patgov/pats/internal/store",
	}
	out, err := exec.Command(goTool, append([]string{"list", "-deps"}, domain...)...).Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 10 || !slices.Contains(deps, "github.com/patgov/pats/internal/pat") {
		t.Fatalf("go list -deps listed %d packages without the domain itself: %q", len(deps), deps)
	}
	forbidden := []string{
		"github.com/99designs/gqlgen",
		"github.com/vektah/gqlparser",
		"github.com/patgov/pats/graph",
		"github.com/patgov/pats/model",
		"github.com/patgov/pats/resolvers",
		"github.com/patgov/pats/internal/httpapi",
	}
	for _, dep := range deps {
		for _, f := range forbidden {
			if dep == f || strings.HasPrefix(dep, f+"/") {
				t.Errorf("the domain depends on %s (forbidden: %s)", dep, f)
			}
		}
	}
}
