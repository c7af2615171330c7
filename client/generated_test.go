package client_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/Khan/genqlient/generate"
)

// TestGeneratedClientIsFresh runs genqlient in process over genqlient.yaml and compares its
// output with the committed generated.go: a change to schema.graphql or operations.graphql
// without `go generate ./client` fails here, in seconds (TestGeneratedCodeIsFresh covers it too,
// but only in CI).
func TestGeneratedClientIsFresh(t *testing.T) {
	cfg, err := generate.ReadAndValidateConfig("genqlient.yaml")
	if err != nil {
		t.Fatal(err)
	}
	files, err := generate.Generate(cfg)
	if err != nil {
		t.Fatalf("genqlient: %v", err)
	}
	if len(files) == 0 {
		t.Fatal("genqlient generated nothing")
	}
	for path, want := range files {
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s is stale: run `go generate ./client` and commit it", filepath.Base(path))
		}
	}
}
