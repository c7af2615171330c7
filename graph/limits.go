package graph

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"golang.org/x/time/rate"

	"github.com/nanpiao/sbqw/apperr"
	"github.com/nanpiao/sbqw/authn"
	"github.com/nanpiao/sbqw/authz"
)

// Protection from hostile or careless requests. Every limit is refused before any SQL runs,
// except the time budget, which cancels the database work under way:
//
//   - body size and URL length (transport.go): 413 / 414;
//   - lexical tokens per document (gqlgen's parser token limit);
//   - documents from callers without credentials: a few KiB, enough for login;
//   - operations per document, depth, cost, aliases and page sizes (OperationLimits);
//   - requests per credential (rateLimiter): RATE_LIMITED with a retry hint;
//   - the time budget of a request (withTimeBudget).

// OperationLimits bounds what one operation may ask for. It runs after validation and before
// execution, walking the operation once (paging.go) both to give connections bounded pages and
// to measure it; a measure over its limit is QUERY_TOO_COMPLEX. A limit ≤ 0 is off.
//
// gqlgen's own extension.ComplexityLimit was considered and not used: its per-field
// complexity functions could express the first/last rule (through a wrapper over every
// connection field), but its walker re-walks a fragment at every spread — a 1.6 KB document of
// fragments spreading each other twice, 30 deep, kept it busy for seconds — it measures no
// depth, and it would be a second walk beside the page-size rewrite, which has to happen anyway.
type OperationLimits struct {
	DefaultPage   int // first when a connection is asked for without first/last
	MaxPage       int // largest first/last (larger is BAD_USER_INPUT)
	MaxDepth      int // deepest nesting of fields
	MaxCost       int // most field values the response could hold (see paging.go)
	MaxAliases    int // aliased fields, fragments counted as often as they are spread
	MaxOperations int // operations defined in one document
	ListSize      int // elements assumed for a plain (unpaginated) list of objects
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = OperationLimits{}

func (OperationLimits) ExtensionName() string                          { return "OperationLimits" }
func (OperationLimits) Validate(schema graphql.ExecutableSchema) error { return nil }

// OperationMeasure is what OperationLimits measured, kept in the operation's stats for logs.
type OperationMeasure struct {
	Depth, Cost, Aliases int
}

const operationMeasureKey = "OperationMeasure"

// MeasureOf returns what OperationLimits measured for the operation, or nil.
func MeasureOf(oc *graphql.OperationContext) *OperationMeasure {
	if oc == nil {
		return nil
	}
	m, _ := oc.Stats.GetExtension(operationMeasureKey).(*OperationMeasure)
	return m
}

// MutateOperationContext rewrites the operation about to run and refuses it when it is too
// big. Parsed documents are cached and shared between requests, so the rewrite works on a copy.
func (l OperationLimits) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil {
		return nil
	}
	if n := len(oc.Doc.Operations); l.MaxOperations > 0 && n > l.MaxOperations {
		return tooComplex("operations", n, l.MaxOperations,
			"the document defines %d operations; at most %d are allowed — send the operations you need (文档中的操作过多)", n, l.MaxOperations)
	}
	w := pageWalker{limits: l, vars: oc.Variables}
	doc, op, s := w.walk(oc.Doc, oc.Operation)
	if w.err != nil {
		return w.err
	}
	oc.Stats.SetExtension(operationMeasureKey, &OperationMeasure{Depth: s.depth, Cost: s.total(), Aliases: s.aliases})
	switch {
	case l.MaxDepth > 0 && s.depth > l.MaxDepth:
		return tooComplex("depth", s.depth, l.MaxDepth,
			"the query nests fields %d levels deep; at most %d are allowed (查询嵌套层数过多)", s.depth, l.MaxDepth)
	case l.MaxAliases > 0 && s.aliases > l.MaxAliases:
		return tooComplex("aliases", s.aliases, l.MaxAliases,
			"the query uses %d aliases; at most %d are allowed (查询别名过多)", s.aliases, l.MaxAliases)
	case l.MaxCost > 0 && s.total() > l.MaxCost:
		return tooComplex("cost", s.total(), l.MaxCost,
			"the query could return up to %d values; at most %d are allowed — ask for smaller pages (first/last) or fewer nested connections (查询过于复杂，请减小分页或嵌套)", s.total(), l.MaxCost)
	}
	oc.Doc, oc.Operation = doc, op
	return nil
}

// tooComplex is the QUERY_TOO_COMPLEX refusal; extensions say which limit and by how much.
func tooComplex(limit string, got, allowed int, format string, args ...any) *gqlerror.Error {
	return &gqlerror.Error{Message: fmt.Sprintf(format, args...), Extensions: map[string]any{
		"code": string(apperr.TooComplex), "limit": limit, "measured": got, "allowed": allowed,
	}}
}

// AnonymousLimit refuses long documents from callers without credentials before they are
// parsed: such a caller may only log in, and parsing and validating a large document is the
// expensive part of refusing it.
type AnonymousLimit struct{ MaxBytes int }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
} = AnonymousLimit{}

func (AnonymousLimit) ExtensionName() string                          { return "AnonymousLimit" }
func (AnonymousLimit) Validate(schema graphql.ExecutableSchema) error { return nil }

func (a AnonymousLimit) MutateOperationParameters(ctx context.Context, raw *graphql.RawParams) *gqlerror.Error {
	if authz.FromContext(ctx) == nil && a.MaxBytes > 0 && len(raw.Query) > a.MaxBytes {
		return &gqlerror.Error{Message: authn.ErrUnauthenticated.Message, Extensions: map[string]any{"code": string(apperr.Unauthenticated)}}
	}
	return nil
}

// rateLimiter keeps a token bucket per credential (login session or API key): Rate requests a
// second on average, Burst at once. Buckets idle long enough to be full again are dropped.
type rateLimiter struct {
	rate  rate.Limit
	burst int
	now   func() time.Time

	mu        sync.Mutex
	buckets   map[string]*rate.Limiter
	lastSweep time.Time
}

func newRateLimiter(perSecond float64, burst int) *rateLimiter {
	return &rateLimiter{rate: rate.Limit(perSecond), burst: burst, now: time.Now, buckets: map[string]*rate.Limiter{}}
}

// take spends one request of key's bucket; when the bucket is empty it returns how long to
// wait instead.
func (l *rateLimiter) take(key string) (ok bool, wait time.Duration) {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buckets[key]
	if b == nil {
		b = rate.NewLimiter(l.rate, l.burst)
		l.buckets[key] = b
	}
	r := b.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return false, d
	}
	if now.Sub(l.lastSweep) > time.Minute {
		l.sweep(now)
	}
	return true, 0
}

// sweep drops full buckets: forgetting them changes nothing.
func (l *rateLimiter) sweep(now time.Time) {
	l.lastSweep = now
	for k, b := range l.buckets {
		if b.TokensAt(now) >= float64(l.burst) {
			delete(l.buckets, k)
		}
	}
}

// rateKey names the credential of a request: its login session, or its API key.
func rateKey(v *authz.Viewer) string {
	switch {
	case v.APIKeyID != 0:
		return "key:" + strconv.Itoa(v.APIKeyID)
	case v.SessionID != "":
		return "session:" + v.SessionID
	}
	return "user:" + strconv.Itoa(v.UserID)
}

// limitRate answers 429 RATE_LIMITED, with Retry-After and extensions.retryAfterSeconds, once a
// credential has spent its bucket. Requests without credentials are not counted here: they can
// only log in, and failed logins have limits of their own.
func limitRate(l *rateLimiter, next http.Handler) http.Handler {
	if l == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v := authz.FromContext(r.Context())
		if v == nil {
			next.ServeHTTP(w, r)
			return
		}
		if ok, wait := l.take(rateKey(v)); !ok {
			secs := max(1, int(math.Ceil(wait.Seconds())))
			w.Header().Set("Retry-After", strconv.Itoa(secs))
			writeRefusal(w, r, http.StatusTooManyRequests, &apperr.Error{Code: apperr.RateLimited,
				Message: fmt.Sprintf("too many requests with this credential; try again in %d seconds (请求过于频繁，请%d秒后再试)", secs, secs),
				Extra:   map[string]any{"retryAfterSeconds": secs}})
			return
		}
		next.ServeHTTP(w, r)
	})
}

type budgetKey struct{}

// withTimeBudget gives a request a deadline: the database work of a request that overruns it
// is cancelled, and the request answers with an INTERNAL error saying so (see presentError).
func withTimeBudget(d time.Duration, next http.Handler) http.Handler {
	if d <= 0 {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(context.WithValue(r.Context(), budgetKey{}, d), d)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// timeBudget is the time budget of the request, 0 outside one.
func timeBudget(ctx context.Context) time.Duration {
	d, _ := ctx.Value(budgetKey{}).(time.Duration)
	return d
}
