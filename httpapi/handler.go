package httpapi

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"regexp"
	"runtime"
	"runtime/debug"
	"time"

	"entgo.io/contrib/entgql"
	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/rs/cors"
	"github.com/vektah/gqlparser/v2/ast"
	"go.opentelemetry.io/otel/trace"

	"github.com/nanpiao/sbqw/apperr"
	"github.com/nanpiao/sbqw/attachments"
	"github.com/nanpiao/sbqw/authn"
	"github.com/nanpiao/sbqw/authz"
	"github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/graph"
	"github.com/nanpiao/sbqw/internal/gqllist"
	"github.com/nanpiao/sbqw/internal/graphiql"
)

// Options configures the GraphQL handler and the HTTP layer around it. Zero values take the
// defaults (DefaultOptions); for the limits marked "negative: off", a negative value turns the
// limit off.
type Options struct {
	// audit records an event (set by NewAPI; the export endpoint needs it).
	audit func(context.Context, authz.Event) error
	// client writes spreadsheet imports as the caller (set by NewAPI).
	client *ent.Client
	// links signs and checks attachment download links (set by NewAPI from the JWT secret).
	links *attachments.Signer

	// Files stores attachments and spools uploads (multipart requests); nil: no uploads, no
	// downloads.
	Files *attachments.Store
	// LinkTTL is how long an attachment download link is valid (5 minutes).
	LinkTTL time.Duration

	DefaultPageSize int // connection page size when a client gives no first/last (50)
	MaxPageSize     int // largest first/last accepted (500)

	MaxDepth      int // deepest nesting of fields in an operation (15; negative: off)
	MaxCost       int // most field values a response could hold, pages counted (250,000; negative: off)
	MaxAliases    int // aliased fields in an operation (50; negative: off)
	MaxOperations int // operations defined in one document (10; negative: off); batches are refused
	MaxTokens     int // lexical tokens in one document (5,000; negative: off)
	ListSize      int // elements a plain (unpaginated) list of objects is assumed to have (10)

	MaxSelections     int // field selections in a document, fragments counted where spread (1,000; negative: off)
	MaxListLength     int // elements of any list argument: idIn, …In, nodes(ids:) (1,000; negative: off)
	MaxFilterNesting  int // relation filters (has…With) nested in one another (3; negative: off)
	MaxFilters        int // relation filters in the arguments of one field (16; negative: off)
	MaxBooleanNesting int // not/and/or nested in one another (6; negative: off)
	MaxInputDepth     int // nesting of any argument value (32; negative: off)

	MaxBodyBytes   int64         // largest POST body (1 MiB); GET query strings: this or 64 KiB, the smaller
	RequestTimeout time.Duration // time budget of a request; its database work is cancelled after (15s; negative: off)
	RateLimit      float64       // requests a second per credential, on average (10; negative: off)
	RateBurst      int           // requests a credential may send at once (100)
	MaxInFlight    int           // requests of one credential running at the same time (4; negative: off)
	MaxStreams     int           // live streams (subscriptions) one credential may hold open; each also holds a place of MaxInFlight (2)
	MaxHeavy       int           // heavy queries (relation filters, cost ≥ 50,000) running at once in the service (processors − 1, at least 1; negative: off)

	APQCacheSize int // automatic persisted queries kept in memory (1,000)
	// Shared keeps rate-limit buckets and the APQ cache alike on every replica (database or
	// Redis, package shared); nil keeps them in this process (shared.go).
	Shared      SharedStore
	CORSOrigins []string // origins allowed to call the API from a browser; none by default

	// TrustedProxies are the peers whose X-Forwarded-For / X-Real-IP headers name the client;
	// none by default (the TCP peer is the client).
	TrustedProxies []netip.Prefix

	// Starting, when set and true, answers /graphql with 503 (the demo district is loading).
	Starting func() bool

	Pool   *sql.DB      // database pool whose statistics /metrics exports (optional)
	Logger *slog.Logger // request log (slog.Default())

	// TracerProvider, when set, traces requests, GraphQL operations and SQL statements
	// (tracing.go); nil: no tracing.
	TracerProvider trace.TracerProvider
}

// DefaultOptions are the limits in force when nothing is configured.
var DefaultOptions = Options{
	DefaultPageSize: 50, MaxPageSize: 500,
	MaxDepth: 15, MaxCost: 250_000, MaxAliases: 50, MaxOperations: 10, MaxTokens: 5_000, ListSize: 10,
	MaxSelections: 1_000, MaxListLength: 1_000, MaxFilterNesting: 3, MaxFilters: 16, MaxBooleanNesting: 6, MaxInputDepth: 32,
	MaxBodyBytes: 1 << 20, RequestTimeout: 15 * time.Second, RateLimit: 10, RateBurst: 100, MaxInFlight: 4,
	MaxStreams: 2, APQCacheSize: 1000,
}

// maxURLBytes bounds GET query strings: long documents belong in a POST, or registered.
const maxURLBytes = 64 << 10

// anonymousMaxBytes is the longest document accepted from a caller without credentials: it
// may only log in.
const anonymousMaxBytes = 4096

func (o Options) withDefaults() Options {
	d := DefaultOptions
	setInt := func(v *int, def int) {
		if *v == 0 {
			*v = def
		}
	}
	setInt(&o.DefaultPageSize, d.DefaultPageSize)
	setInt(&o.MaxPageSize, d.MaxPageSize)
	setInt(&o.MaxDepth, d.MaxDepth)
	setInt(&o.MaxCost, d.MaxCost)
	setInt(&o.MaxAliases, d.MaxAliases)
	setInt(&o.MaxOperations, d.MaxOperations)
	setInt(&o.MaxTokens, d.MaxTokens)
	setInt(&o.ListSize, d.ListSize)
	setInt(&o.MaxSelections, d.MaxSelections)
	setInt(&o.MaxListLength, d.MaxListLength)
	setInt(&o.MaxFilterNesting, d.MaxFilterNesting)
	setInt(&o.MaxFilters, d.MaxFilters)
	setInt(&o.MaxBooleanNesting, d.MaxBooleanNesting)
	setInt(&o.MaxInputDepth, d.MaxInputDepth)
	setInt(&o.MaxInFlight, d.MaxInFlight)
	setInt(&o.MaxStreams, d.MaxStreams)
	setInt(&o.MaxHeavy, max(1, runtime.GOMAXPROCS(0)-1))
	setInt(&o.RateBurst, d.RateBurst)
	setInt(&o.APQCacheSize, d.APQCacheSize)
	if o.MaxBodyBytes <= 0 {
		o.MaxBodyBytes = d.MaxBodyBytes
	}
	if o.RequestTimeout == 0 {
		o.RequestTimeout = d.RequestTimeout
	}
	if o.RateLimit == 0 {
		o.RateLimit = d.RateLimit
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return o
}

// NewGraphQL builds the GraphQL-over-HTTP handler: the spec's HTTP transport, a parsed-query
// cache, persisted operations, sign-in required for everything but login, transactions around
// mutations, operation limits and one error presenter.
func NewGraphQL(d graph.Deps, opts Options) *handler.Server {
	opts = opts.withDefaults()
	client := d.Client
	srv := handler.New(graph.NewSchema(d))
	srv.AddTransport(sseTransport{SSE: transport.SSE{KeepAlivePingInterval: 15 * time.Second}, maxBody: opts.MaxBodyBytes})
	srv.AddTransport(httpTransport{maxBody: opts.MaxBodyBytes, maxURL: int(min(opts.MaxBodyBytes, maxURLBytes)), files: opts.Files})
	queryCache := lru.New[*ast.QueryDocument](1000)
	srv.SetQueryCache(queryCache)
	if opts.MaxTokens > 0 {
		srv.SetParserTokenLimit(opts.MaxTokens)
	}
	// Validation errors never suggest names: the schema is not for callers who cannot
	// introspect it, and a suggestion is a piece of it.
	srv.SetDisableSuggestion(true)
	// Outermost: every error leaves with a code, whatever produced it.
	srv.AroundResponses(requireErrorCodes)
	srv.Use(extension.Introspection{}) // RequireSignIn keeps it from callers without credentials
	// Before parsing: short documents only without credentials; registered documents and
	// automatic persisted queries resolved into their text.
	srv.Use(AnonymousLimit{MaxBytes: anonymousMaxBytes})
	apq := newAPQCache(opts)
	srv.Use(TrustedDocuments{Client: client, APQ: apq})
	srv.Use(extension.AutomaticPersistedQuery{Cache: apq})
	// Before validation, on the document's final text: sign-in only without credentials,
	// bounded selections and argument values.
	srv.Use(InputLimits{
		Cache: queryCache, TokenLimit: max(opts.MaxTokens, 0),
		MaxSelections: opts.MaxSelections, MaxListLength: opts.MaxListLength,
		MaxFilterNesting: opts.MaxFilterNesting, MaxFilters: opts.MaxFilters, MaxBooleanNesting: opts.MaxBooleanNesting, MaxInputDepth: opts.MaxInputDepth,
	})
	// After validation, before execution.
	srv.Use(RequireSignIn{})
	// login manages its own transaction: a failed attempt must be audited, not rolled back.
	ownTx := entgql.SkipIfHasFields("login")
	if opts.TracerProvider != nil {
		// Outside the transaction and its retries: their statements are the operation's.
		srv.Use(OperationTracer{Provider: opts.TracerProvider})
	}
	srv.AroundOperations(retryLockContention(lockRetries, ownTx))
	srv.Use(entgql.Transactioner{TxOpener: client, SkipTxFunc: ownTx})
	srv.Use(OperationLimits{
		DefaultPage: opts.DefaultPageSize, MaxPage: opts.MaxPageSize,
		MaxDepth: opts.MaxDepth, MaxCost: opts.MaxCost, MaxAliases: opts.MaxAliases,
		MaxOperations: opts.MaxOperations, ListSize: opts.ListSize,
	})
	srv.AroundOperations(func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		return next(gqllist.WithArgs(graph.WithLoaders(ctx, client)))
	})
	srv.AroundOperations(sayWhyStreamsEnd)
	if opts.MaxHeavy > 0 {
		srv.AroundOperations(heavyGate(opts.MaxHeavy))
	}
	srv.SetErrorPresenter(presentError)
	srv.SetRecoverFunc(recoverPanic)
	return srv
}

// lockRetries is how many times a mutation runs at most when the database gives up on its
// transaction because of competing writers (retryLockContention).
const lockRetries = 3

// recoverPanic turns a panic in a resolver into an INTERNAL error; the stack goes to the log.
func recoverPanic(ctx context.Context, p any) error {
	if l := errorLog(ctx); l != nil {
		l.ErrorContext(ctx, "panic in resolver", "request_id", RequestID(ctx), "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
	}
	return &apperr.Error{Code: apperr.Internal, Message: "internal error"}
}

// Routes mounts the API: GraphQL at /graphql (behind authentication, the time budget and the
// rate limit), GraphiQL at /, health and readiness probes and Prometheus metrics; every request
// gets an ID, a log line and its metrics, panics become INTERNAL errors, and cross-origin
// access is allowed to the configured origins only.
func Routes(gql http.Handler, auth *authn.Service, ready func(context.Context) error, opts Options) http.Handler {
	opts = opts.withDefaults()
	metrics := NewMetrics(opts.Pool)
	limiter := newTaker(opts)
	var running *inFlight
	if opts.MaxInFlight > 0 {
		running = newInFlight(opts.MaxInFlight)
	}
	mux := http.NewServeMux()
	budget := func(h http.Handler) http.Handler { return withTimeBudget(opts.RequestTimeout, h) }
	mux.Handle("/graphql", whileStarting(opts.Starting, streamsOutliveBudget(budget, limitInFlight(running, Authenticate(auth, noteCaller(limitRate(limiter, gql)))))))
	if opts.audit != nil {
		mux.Handle("GET /export/{list}", whileStarting(opts.Starting, withTimeBudget(2*time.Minute, Authenticate(auth, noteCaller(limitRate(limiter, exportList(gql, opts.audit)))))))
	}
	if opts.client != nil && opts.audit != nil {
		mux.Handle("GET /closed-reports/{file}", whileStarting(opts.Starting, budget(Authenticate(auth, noteCaller(limitRate(limiter, closedReportDownload(opts.client, opts.audit)))))))
	}
	if opts.client != nil {
		mux.Handle("GET /import/{kind}/template.xlsx", Authenticate(auth, noteCaller(importTemplate())))
		mux.Handle("POST /import/{kind}", whileStarting(opts.Starting, withTimeBudget(2*time.Minute, Authenticate(auth, noteCaller(limitRate(limiter, importWorkbook(opts.client)))))))
	}
	if opts.Files != nil && opts.links != nil && opts.client != nil {
		mux.Handle("GET /attachments/{id}", whileStarting(opts.Starting, Authenticate(auth, noteCaller(limitRate(limiter, downloadAttachment(opts.client, opts.Files, opts.links, opts.audit))))))
	}
	mux.Handle("GET /{$}", graphiql.Page())
	mux.Handle("GET "+graphiql.Prefix, graphiql.Assets())
	mux.Handle("GET /metrics", metrics.Handler())
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
	var h http.Handler = mux
	if len(opts.CORSOrigins) > 0 {
		h = cors.New(cors.Options{
			AllowedOrigins: opts.CORSOrigins,
			AllowedMethods: []string{http.MethodGet, http.MethodPost},
			AllowedHeaders: []string{"Authorization", "Content-Type", "Accept", "X-Request-ID"},
			ExposedHeaders: []string{"X-Request-ID", "Retry-After", "X-Error-Reason"},
			MaxAge:         600,
		}).Handler(h)
	}
	return withClientAddr(opts.TrustedProxies, traceHTTP(opts.TracerProvider, WithRequestID(instrument(metrics, opts.Logger, withLanguage(recoverHTTP(h))))))
}

// whileStarting answers GraphQL requests with 503 while starting() is true; the probes and
// GraphiQL answer meanwhile.
func whileStarting(starting func() bool, next http.Handler) http.Handler {
	if starting == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if starting() {
			w.Header().Set("Retry-After", "5")
			writeRefusal(w, r, http.StatusServiceUnavailable, &apperr.Error{Code: apperr.Internal,
				Message: "starting up: the demo district is loading (系统启动中)", Extra: map[string]any{"retryAfterSeconds": 5}})
			return
		}
		next.ServeHTTP(w, r)
	})
}

// recoverHTTP answers a panic outside GraphQL execution with an INTERNAL error body instead
// of a dropped connection.
func recoverHTTP(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				logFor(r.Context()).ErrorContext(r.Context(), "panic in handler", "request_id", RequestID(r.Context()), "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
				writeRefusal(w, r, http.StatusInternalServerError, &apperr.Error{Code: apperr.Internal,
					Message: "internal error (系统内部错误); quote request " + RequestID(r.Context()) + " when reporting it"})
			}
		}()
		next.ServeHTTP(w, r)
	})
}

type requestIDKey struct{}

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
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// RequestID returns the ID of the request being served ("" outside one).
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}
