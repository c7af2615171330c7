package testkit

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"testing"
	"time"
)

// NpmInstall prepares the npm package in the directory src (its package.json, package-lock.json
// and scripts: every regular file directly in src) with its dependencies installed by `npm ci`,
// in a cache directory named after name and the content of those files (so a changed lock file
// gets a fresh install), and returns that directory. npm runs only when the directory has no
// installed copy of the package sentinel yet. Call it only after NeedsTools(…, "npm").
func NpmInstall(tb testing.TB, src, name, sentinel string) string {
	tb.Helper()
	entries, err := os.ReadDir(src)
	if err != nil {
		tb.Fatal(err)
	}
	sum := sha256.New()
	contents := map[string][]byte{}
	var names []string
	for _, e := range entries {
		if e.Type().IsRegular() {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	for _, f := range names {
		b, err := os.ReadFile(filepath.Join(src, f))
		if err != nil {
			tb.Fatal(err)
		}
		contents[f] = b
		sum.Write([]byte(f))
		sum.Write(b)
	}
	base, err := os.UserCacheDir()
	if err != nil {
		base = os.TempDir()
	}
	dir := filepath.Join(base, "sbqw", name, hex.EncodeToString(sum.Sum(nil))[:16])
	installed := filepath.Join(dir, "node_modules", sentinel, "package.json")
	if _, err := os.Stat(installed); err == nil {
		return dir
	}
	// Install beside the final directory and move it into place, so that a concurrent or
	// interrupted run never sees a half-installed one.
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		tb.Fatal(err)
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dir), "install-")
	if err != nil {
		tb.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	for f, b := range contents {
		if err := os.WriteFile(filepath.Join(tmp, f), b, 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "npm", "ci", "--no-audit", "--no-fund", "--loglevel=error")
	cmd.Dir = tmp
	if out, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("npm ci in %s failed: %v\n%s", src, err, out)
	}
	if err := os.Rename(tmp, dir); err != nil {
		if _, statErr := os.Stat(installed); statErr != nil {
			tb.Fatalf("installing %s into %s: %v", src, dir, err)
		}
	}
	return dir
}
