package client

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/Khan/genqlient/generate"
)

// TestGeneratedUpToDate regenerates the client in memory and compares it
// with the committed generated.go, so a schema or operation change without
// `go generate ./client/` fails (and an operation the schema no longer
// accepts fails to generate).
func TestGeneratedUpToDate(t *testing.T) {
	cfg, err := generate.ReadAndValidateConfig("genqlient.yaml")
	if err != nil {
		t.Fatalf("read genqlient.yaml: %v", err)
	}
	files, err := generate.Generate(cfg)
	if err != nil {
		t.Fatalf("generate: %v", err)
	}
	if len(files) == 0 {
		t.Fatalf("generate: got no files, want generated.go")
	}
	for name, want := range files {
		got, err := os.ReadFile(name)
		if err != nil {
			t.Errorf("read %s: %v (run go generate ./client/)", filepath.Base(name), err)
			continue
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s is stale: run go generate ./client/ and commit the result", filepath.Base(name))
		}
	}
}
