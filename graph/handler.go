package graph

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"regexp"
	"runtime/debug"
	"time"

	"entgo.io/contrib/entgql"
	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/99designs/gqlgen/graphql/playground"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/nanpiao/sbqw/apperr"
	"github.com/nanpiao/sbqw/authn"
	"github.com/nanpiao/sbqw/authz"
	"github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/graph/generated"
)

// Options configures the GraphQL handler. Zero values take the defaults.
type Options struct {
	DefaultPageSize int // connection page size when a client gives no first/last (50)
	MaxPageSize     int // largest first/last accepted (500)
}

func (o Options) withDefaults() Options {
	if o.DefaultPageSize == 0 {
		o.DefaultPageSize = 50
	}
	if o.MaxPageSize == 0 {
		o.MaxPageSize = 500
	}
	return o
}

// Deps are what the resolvers work with.
type Deps struct {
	Client   *ent.Client
	Auth     *authn.Service
	Policies *authz.Policies
}

// NewGraphQL builds the GraphQL-over-HTTP handler: explicit transports, a parsed-query cache,
// sign-in required for everything but login, transactions around mutations, page limits and
// one error presenter.
func NewGraphQL(d Deps, opts Options) *handler.Server {
	opts = opts.withDefaults()
	client := d.Client
	srv := handler.New(generated.NewExecutableSchema(generated.Config{
		Resolvers:  &Resolver{client: client, auth: d.Auth, policies: d.Policies},
		Directives: generated.DirectiveRoot{Scoped: scoped},
	}))
	srv.AddTransport(transport.GET{})
	srv.AddTransport(transport.POST{})
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	srv.Use(extension.Introspection{})
	srv.Use(RequireSignIn{})
	// login manages its own transaction: a failed attempt must be audited, not rolled back.
	srv.Use(entgql.Transactioner{TxOpener: client, SkipTxFunc: entgql.SkipIfHasFields("login")})
	srv.Use(PageLimits{Default: opts.DefaultPageSize, Max: opts.MaxPageSize})
	srv.AroundOperations(func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		return next(withLoaders(ctx, client))
	})
	srv.SetErrorPresenter(presentError)
	srv.SetRecoverFunc(recoverPanic)
	return srv
}

// recoverPanic turns a panic in a resolver into an INTERNAL error; the stack goes to the log.
func recoverPanic(ctx context.Context, p any) error {
	slog.ErrorContext(ctx, "panic in resolver", "request_id", RequestID(ctx), "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
	return &apperr.Error{Code: apperr.Internal, Message: "internal error"}
}

// Routes mounts the API: GraphQL at /graphql (behind authentication), GraphiQL at /, health
// and readiness probes.
func Routes(gql http.Handler, auth *authn.Service, ready func(context.Context) error) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/graphql", Authenticate(auth, gql))
	mux.Handle("GET /{$}", playground.Handler("南票区“十百千万”工程 GraphQL API", "/graphql"))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if err := ready(ctx); err != nil {
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte("not ready: " + err.Error() + "\n"))
			return
		}
		_, _ = w.Write([]byte("ready\n"))
	})
	return WithRequestID(mux)
}

type (
	requestIDKey  struct{}
	clientAddrKey struct{}
)

var safeRequestID = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// WithRequestID gives every request an ID — the caller's X-Request-ID when it is sane, a fresh
// one otherwise — echoed in the response and attached to logs and INTERNAL errors.
func WithRequestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-ID")
		if !safeRequestID.MatchString(id) {
			b := make([]byte, 8)
			_, _ = rand.Read(b)
			id = hex.EncodeToString(b)
		}
		w.Header().Set("X-Request-ID", id)
		ctx := context.WithValue(r.Context(), requestIDKey{}, id)
		ctx = context.WithValue(ctx, clientAddrKey{}, clientAddr(r))
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// RequestID returns the ID of the request being served ("" outside one).
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// ClientAddr returns the address the request came from.
func ClientAddr(ctx context.Context) string {
	a, _ := ctx.Value(clientAddrKey{}).(string)
	return a
}

// clientAddr is the peer address; proxies' forwarding headers are not trusted, so a client
// cannot choose the address its failed logins count against.
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
