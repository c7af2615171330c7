// Package authz decides who may see and change what: the Viewer (who is calling), the Casbin
// model and policies (how far each role reaches), and the ent privacy rules that turn a Viewer
// into SQL predicates on the scope columns.
package authz

import "context"

type systemKey struct{}

// SystemContext marks work done by the platform itself — migrations, the demo loader,
// bootstrapping the first admin — which is not on behalf of any caller and bypasses the scope
// rules. It is the only bypass; resolvers never reach it. reason names the job for the logs.
func SystemContext(ctx context.Context, reason string) context.Context {
	return context.WithValue(ctx, systemKey{}, reason)
}

// SystemReason returns the job a system context was opened for, or "" outside one.
func SystemReason(ctx context.Context) string {
	r, _ := ctx.Value(systemKey{}).(string)
	return r
}

// IsSystem reports whether ctx is a system context.
func IsSystem(ctx context.Context) bool { return SystemReason(ctx) != "" }
