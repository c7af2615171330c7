package authz

import (
	"context"
	"slices"

	"github.com/nanpiao/sbqw/apperr"
	"github.com/nanpiao/sbqw/ent/schema/enum"
)

// OfficeOnly are the acts the programme gives to the poverty-alleviation office (扶贫办) alone:
// DISTRICT's "everything" policy line does not reach them, so they are checked against the
// office's own bindings, not only the policy.
var OfficeOnly = []string{ActionSetNeedy, ActionConfirmExit, ActionMonitor}

// RequireOffice: the caller holds an active POVERTY_OFFICE binding whose policy grants action
// district-wide. Any other role — DISTRICT included — is FORBIDDEN.
func RequireOffice(ctx context.Context, object, action string) error {
	if IsSystem(ctx) {
		return nil
	}
	v := FromContext(ctx)
	if v == nil {
		return ErrNoViewer
	}
	for _, b := range v.Bindings {
		if b.Role == enum.RolePovertyOffice && slices.Contains(v.policy.Scopes(string(b.Role), object, action), ScopeDistrict) {
			return nil
		}
	}
	return apperr.Forbiddenf("only the poverty-alleviation office may %s (仅区扶贫办可执行此操作)", action)
}
