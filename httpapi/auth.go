package httpapi

import (
	"context"
	"net/http"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/nanpiao/sbqw/apperr"
	"github.com/nanpiao/sbqw/authn"
	"github.com/nanpiao/sbqw/authz"
)

// Authenticate puts the caller of a request in its context. A request without credentials
// goes on without a viewer (only login is open to it, see RequireSignIn); a request with bad
// credentials is answered 401 at once.
func Authenticate(auth *authn.Service, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		header := r.Header.Get("Authorization")
		if header == "" {
			next.ServeHTTP(w, r)
			return
		}
		scheme, credential, _ := strings.Cut(header, " ")
		if !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(credential) == "" {
			writeRefusal(w, r, http.StatusUnauthorized, authn.ErrUnauthenticated)
			return
		}
		v, err := auth.Authenticate(r.Context(), strings.TrimSpace(credential))
		if err != nil {
			if e, ok := apperr.As(err); ok && e.Code == apperr.Unauthenticated {
				writeRefusal(w, r, http.StatusUnauthorized, e)
				return
			}
			writeRefusal(w, r, http.StatusServiceUnavailable, &apperr.Error{Code: apperr.Internal,
				Message: "cannot check credentials right now (系统暂不可用); request " + RequestID(r.Context())})
			return
		}
		v.RequestID, v.ClientAddr = RequestID(r.Context()), authn.ClientAddr(r.Context())
		// Kept for a live stream, which checks it again while it runs (authn.Recheck).
		ctx := authn.WithCredential(authz.NewContext(r.Context(), v), strings.TrimSpace(credential))
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// RequireSignIn refuses every operation from a caller without credentials except a mutation
// that only logs in — introspection included. login must be sent alone: it runs outside the
// mutation transaction.
type RequireSignIn struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = RequireSignIn{}

func (RequireSignIn) ExtensionName() string                          { return "RequireSignIn" }
func (RequireSignIn) Validate(schema graphql.ExecutableSchema) error { return nil }

func (RequireSignIn) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	login, other := 0, 0
	for _, sel := range oc.Operation.SelectionSet {
		if f, ok := sel.(*ast.Field); ok && f.Name == "login" && oc.Operation.Operation == ast.Mutation {
			login++
		} else if !ok || f.Name != "__typename" {
			other++
		}
	}
	if login > 0 && other > 0 {
		return &gqlerror.Error{Message: "send login alone, not with other fields (登录请求不能包含其他字段)",
			Extensions: map[string]any{"code": string(apperr.BadUserInput)}}
	}
	if authz.FromContext(ctx) == nil && login == 0 {
		return &gqlerror.Error{Message: authn.ErrUnauthenticated.Message,
			Extensions: map[string]any{"code": string(apperr.Unauthenticated)}}
	}
	return nil
}
