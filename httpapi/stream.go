package httpapi

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/nanpiao/sbqw/graph"
)

// Live updates: GraphQL subscriptions over server-sent events (gqlgen's SSE transport), POST
// /graphql with Accept: text/event-stream. A stream passes the same door as any request —
// authentication, the rate limit, the cap on requests in flight (a stream holds one place for
// its life) — and the body limit; the resolvers cap open streams per credential
// (Options.MaxStreams) and end every stream when the server shuts down. Only the time budget
// differs: a stream lives until the client or the server ends it.

// sseTransport is gqlgen's SSE transport with the body limit of the HTTP transport.
type sseTransport struct {
	transport.SSE
	maxBody int64
}

func (t sseTransport) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	r.Body = http.MaxBytesReader(w, r.Body, t.maxBody)
	t.SSE.Do(flushing{w}, r, exec)
}

// flushing gives gqlgen's SSE transport the http.Flusher it asserts, through the middleware's
// response writers (which unwrap to the server's).
type flushing struct{ http.ResponseWriter }

func (f flushing) Flush() { _ = http.NewResponseController(f.ResponseWriter).Flush() }

func (f flushing) Unwrap() http.ResponseWriter { return f.ResponseWriter }

// isStream: a request asking for server-sent events.
func isStream(r *http.Request) bool {
	return r.Method == http.MethodPost && strings.Contains(r.Header.Get("Accept"), "text/event-stream")
}

// streamsOutliveBudget exempts streams from the time budget and the server's write timeout;
// everything else gets budget.
func streamsOutliveBudget(budget func(http.Handler) http.Handler, next http.Handler) http.Handler {
	limited := budget(next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !isStream(r) {
			limited.ServeHTTP(w, r)
			return
		}
		rc := http.NewResponseController(w)
		_ = rc.SetReadDeadline(time.Time{}) // else the server cancels the request once ReadTimeout passes
		_ = rc.SetWriteDeadline(time.Time{})
		next.ServeHTTP(w, r)
	})
}

// sayWhyStreamsEnd sends, as a subscription's last event, the error its resolver ended it with
// (graph.StreamEnd): UNAUTHENTICATED when its credential was revoked, FORBIDDEN when its access
// changed. A stream the client or the server ended just ends.
func sayWhyStreamsEnd(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	if oc := graphql.GetOperationContext(ctx); oc == nil || oc.Operation == nil || oc.Operation.Operation != ast.Subscription {
		return next(ctx)
	}
	ctx, end := graph.WithStreamEnd(ctx)
	responses := next(ctx)
	return func(ctx context.Context) *graphql.Response {
		resp := responses(ctx)
		if resp != nil {
			return resp
		}
		if err := end.Take(); err != nil {
			return &graphql.Response{Errors: gqlerror.List{presentError(ctx, err)}}
		}
		return nil
	}
}
