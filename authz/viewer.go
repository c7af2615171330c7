// Package authz decides who may see and change what: the Viewer (who is calling and where its
// role bindings place it), the Casbin model and policies (how far each role reaches), and the
// ent privacy rules and hooks that turn a Viewer into SQL predicates on the scope columns.
package authz

import (
	"context"
	"log/slog"
	"sort"
	"strings"

	"github.com/nanpiao/sbqw/ent/schema/enum"
)

// Binding is one active role binding: a role at a unit. Exactly the unit the role is bound to
// is set (DISTRICT and AUDITOR have none).
type Binding struct {
	ID           int
	Role         enum.Role
	TownshipID   int
	VillageID    int
	DepartmentID int
	CadreID      int
}

// Viewer is the caller of a request: a user (or an API key acting as one) with its bindings
// active today, and the policy snapshot in force when the request began.
type Viewer struct {
	UserID   int
	Username string
	Bindings []Binding
	// APIKeyID is set when the caller authenticated with an API key.
	APIKeyID int
	// TrustedDocumentsOnly: the API key may run only registered operations.
	TrustedDocumentsOnly bool
	// SessionID is the token's session, for logout.
	SessionID string
	// RequestID and ClientAddr go into audit events.
	RequestID  string
	ClientAddr string

	policy  *Snapshot
	journal *Journal
}

// WithPolicy attaches the policy snapshot the viewer's decisions use.
func (v *Viewer) WithPolicy(p *Snapshot) *Viewer { v.policy = p; return v }

// Policy is the snapshot the viewer's decisions use.
func (v *Viewer) Policy() *Snapshot { return v.policy }

// Roles lists the viewer's roles, sorted and de-duplicated, joined by commas (for audit and logs).
func (v *Viewer) Roles() string {
	seen := map[string]bool{}
	var out []string
	for _, b := range v.Bindings {
		if !seen[string(b.Role)] {
			seen[string(b.Role)] = true
			out = append(out, string(b.Role))
		}
	}
	sort.Strings(out)
	return strings.Join(out, ",")
}

// Has reports whether the viewer holds the role in any active binding.
func (v *Viewer) Has(role enum.Role) bool {
	for _, b := range v.Bindings {
		if b.Role == role {
			return true
		}
	}
	return false
}

type viewerKey struct{}

// NewContext returns a context carrying the viewer.
func NewContext(ctx context.Context, v *Viewer) context.Context {
	return context.WithValue(ctx, viewerKey{}, v)
}

// FromContext returns the viewer of the request, or nil.
func FromContext(ctx context.Context) *Viewer {
	v, _ := ctx.Value(viewerKey{}).(*Viewer)
	return v
}

type systemKey struct{}

// Bypass marks work done by the platform itself — migrations, the demo loader, bootstrapping
// the first admin, signing in, writing audit events, workflow rules checking across scopes —
// which is not on behalf of a caller and bypasses the scope rules. It is the only bypass
// (grep "authz.Bypass"); resolvers never reach it. reason names the job: it is logged (debug
// level) and audit events written under the context name their actor "system:<reason>".
func Bypass(ctx context.Context, reason string) context.Context {
	slog.DebugContext(ctx, "authz bypass", "reason", reason)
	return context.WithValue(ctx, systemKey{}, reason)
}

// SystemReason returns the job a system context was opened for, or "" outside one.
func SystemReason(ctx context.Context) string {
	r, _ := ctx.Value(systemKey{}).(string)
	return r
}

// IsSystem reports whether ctx is a system context.
func IsSystem(ctx context.Context) bool { return SystemReason(ctx) != "" }

type actionKey struct{}

// WithAction names the action a workflow step performs on the records it writes (e.g.
// "advance", "assign"), so that the write is checked against that permission rather than a
// plain "update".
func WithAction(ctx context.Context, action string) context.Context {
	return context.WithValue(ctx, actionKey{}, action)
}

func actionFrom(ctx context.Context) string {
	a, _ := ctx.Value(actionKey{}).(string)
	return a
}

type readAsKey struct{}

// readAs makes queries under ctx filter by the scope of another action than "read": the write
// checks look a target up "as update" to see whether the caller may change it.
func readAs(ctx context.Context, action string) context.Context {
	return context.WithValue(ctx, readAsKey{}, action)
}

func queryAction(ctx context.Context) string {
	if a, ok := ctx.Value(readAsKey{}).(string); ok {
		return a
	}
	return ActionRead
}

// IsWorkflowStep reports whether ctx carries a named workflow action (set with WithAction).
func IsWorkflowStep(ctx context.Context) bool { return actionFrom(ctx) != "" }
