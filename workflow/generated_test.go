package workflow

import (
	"context"
	"testing"

	"github.com/nanpiao/sbqw/authz"
)

// TestGeneratedCopyOnlyInSystemContexts: the rules are only skipped for the demo loader's
// system context, never for a request's, whatever its context carries.
func TestGeneratedCopyOnlyInSystemContexts(t *testing.T) {
	if isGeneratedCopy(GeneratedCopy(context.Background())) {
		t.Error("a context without authz.Bypass skips the rules")
	}
	if isGeneratedCopy(authz.Bypass(context.Background(), "test")) {
		t.Error("a system context that is not a generated copy skips the rules")
	}
	if !isGeneratedCopy(GeneratedCopy(authz.Bypass(context.Background(), "test"))) {
		t.Error("a generated copy in the loader's system context runs the rules")
	}
}
