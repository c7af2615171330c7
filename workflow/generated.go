package workflow

import (
	"context"

	"github.com/nanpiao/sbqw/authz"
)

type generatedCopyKey struct{}

// GeneratedCopy marks the writes of a generated copy: rows that repeat, under codes of their
// own, rows the same deterministic generator already wrote in the same load through every rule
// (copy k ≥ 1 of a scaled demo load, demo/scale.go; copy 0 is checked in full). The per-row
// checks of PairingRules, AssessmentRules and EnrollmentRules, which only refuse, never change
// a row, are skipped for them: at 100× they would cost seven lookups per pairing. It only takes
// effect in system contexts (authz.Bypass); nothing reachable from a request uses it.
func GeneratedCopy(ctx context.Context) context.Context {
	return context.WithValue(ctx, generatedCopyKey{}, true)
}

func isGeneratedCopy(ctx context.Context) bool {
	on, _ := ctx.Value(generatedCopyKey{}).(bool)
	return on && authz.IsSystem(ctx)
}
