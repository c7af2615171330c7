package authn

import (
	"context"
	"slices"

	"github.com/nanpiao/sbqw/apperr"
	"github.com/nanpiao/sbqw/authz"
)

type credentialKey struct{}

// WithCredential keeps the bearer credential a request presented in its context, so that work
// outliving the moment it was authenticated — a live stream — can check it again (Recheck).
func WithCredential(ctx context.Context, bearer string) context.Context {
	return context.WithValue(ctx, credentialKey{}, bearer)
}

// ErrAccessChanged ends a live stream whose credential still holds but whose role bindings or
// policy changed since the stream began: what it may see is no longer what it was reading.
var ErrAccessChanged = &apperr.Error{Code: apperr.Forbidden,
	Message: "the access of this credential changed; subscribe again with your last cursor (权限已变更，请重新订阅)"}

// Recheck authenticates ctx's credential again, as a new request would — through the cache, so
// a warm check runs no statement, and a revocation committed on any replica is seen within
// authz.RevisionInterval and one read. It returns ErrUnauthenticated when the credential was
// revoked (logout, password change, key revoked, user disabled) or expired, and
// ErrAccessChanged when it holds but its bindings or the policy differ from ctx's viewer's.
// A context without a credential (a call from inside the process) passes.
func (s *Service) Recheck(ctx context.Context) error {
	bearer, ok := ctx.Value(credentialKey{}).(string)
	if !ok {
		return nil
	}
	was := authz.FromContext(ctx)
	now, err := s.Authenticate(ctx, bearer)
	if err != nil {
		return err
	}
	if was == nil || policyVersion(now) != policyVersion(was) || !slices.Equal(byID(now.Bindings), byID(was.Bindings)) {
		return ErrAccessChanged
	}
	return nil
}

func policyVersion(v *authz.Viewer) int {
	if v.Policy() == nil {
		return -1
	}
	return v.Policy().Version()
}

// byID is a sorted copy: two loads of the same bindings may list them in another order.
func byID(bs []authz.Binding) []authz.Binding {
	return slices.SortedFunc(slices.Values(bs), func(a, b authz.Binding) int { return a.ID - b.ID })
}
