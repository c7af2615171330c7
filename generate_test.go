package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nanpiao/sbqw/internal/testkit"
)

// TestGeneratedCodeIsFresh regenerates the ent and gqlgen code in a copy of the tree and fails
// when the result differs from what is committed: the generated code must always be what
// `go generate ./...` produces from the hand-written schemas. It takes minutes, so it runs only
// with SBQW_TEST_GENERATED=1 (.ci/run sets it).
func TestGeneratedCodeIsFresh(t *testing.T) {
	testkit.NeedsTools(t, "SBQW_TEST_GENERATED", "go", "git")
	files, err := exec.Command("git", "ls-files", "--cached", "--others", "--exclude-standard").Output()
	if err != nil {
		t.Fatalf("listing the tree with git: %v", err)
	}
	dir := t.TempDir()
	before := map[string][]byte{}
	for _, f := range strings.Fields(string(files)) {
		b, err := os.ReadFile(f)
		if err != nil {
			continue // deleted in the working tree
		}
		before[f] = b
		dst := filepath.Join(dir, f)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command("go", "generate", "./...")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go generate failed: %v\n%s", err, out)
	}
	var stale []string
	err = filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		got, _ := os.ReadFile(path)
		if want, ok := before[rel]; !ok {
			stale = append(stale, rel+" (new)")
		} else if !bytes.Equal(got, want) {
			stale = append(stale, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for f := range before {
		if _, err := os.Stat(filepath.Join(dir, f)); os.IsNotExist(err) {
			stale = append(stale, f+" (removed)")
		}
	}
	if len(stale) > 0 {
		t.Fatalf("generated code is stale; run `go generate ./...` and commit:\n  %s", strings.Join(stale, "\n  "))
	}
}
