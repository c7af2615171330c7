package testkit

import (
	"os"
	"os/exec"
	"testing"
)

// NeedsTools runs a test only where the environment variable env is set to 1 (.ci/run sets it),
// so that `go test ./...` passes with Go alone; there, every listed tool must be on PATH and its
// absence fails the test instead of skipping it.
func NeedsTools(tb testing.TB, env string, tools ...string) {
	tb.Helper()
	if os.Getenv(env) != "1" {
		tb.Skipf("needs %v; set %s=1 to run it (.ci/run does)", tools, env)
	}
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			tb.Fatalf("%s=1 but %s is not on PATH: %v", env, tool, err)
		}
	}
}
