package httpapi

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"
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
//   - documents from callers without credentials: a few KiB, enough for login, and nothing but
//     a sign-in operation (InputLimits, before validation);
//   - selections per document and the shape of argument values — list lengths, filter and
//     not/and/or nesting (InputLimits, before validation);
//   - operations per document, depth, cost, aliases and page sizes (OperationLimits);
//   - requests per credential (rateLimiter) and requests of one credential running at once
//     (inFlight): RATE_LIMITED with a retry hint;
//   - the time budget of a request (withTimeBudget), and the database's own limit on one
//     statement (storage: MariaDB max_statement_time), QUERY_TOO_COMPLEX when it strikes.

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
	Filters              int // relation filters (has…With)
}

// heavy: an operation whose database work may take long — relation filters are joins run per
// row, and a cost this high reads thousands of rows.
func (m *OperationMeasure) heavy() bool { return m != nil && (m.Filters > 0 || m.Cost >= heavyCost) }

const heavyCost = 50_000

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
	oc.Stats.SetExtension(operationMeasureKey, &OperationMeasure{Depth: s.depth, Cost: s.total(), Aliases: s.aliases, Filters: s.filters})
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

// inFlight counts the requests of each credential running at once, so that one caller —
// however slow its requests — holds only a few of the database's connections and the others
// keep theirs.
type inFlight struct {
	max     int
	mu      sync.Mutex
	running map[string]int
}

func newInFlight(n int) *inFlight { return &inFlight{max: n, running: map[string]int{}} }

// enter takes one of key's places, false when all are taken; leave gives it back.
func (f *inFlight) enter(key string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.running[key] >= f.max {
		return false
	}
	f.running[key]++
	return true
}

func (f *inFlight) leave(key string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.running[key]--; f.running[key] <= 0 {
		delete(f.running, key)
	}
}

// refuseRate answers 429 RATE_LIMITED with Retry-After and extensions.retryAfterSeconds.
func refuseRate(w http.ResponseWriter, r *http.Request, secs int, why string) {
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	writeRefusal(w, r, http.StatusTooManyRequests, &apperr.Error{Code: apperr.RateLimited,
		Message: fmt.Sprintf("%s; try again in %d seconds (请求过于频繁，请%d秒后再试)", why, secs, secs),
		Extra:   map[string]any{"retryAfterSeconds": secs}})
}

// limitRate answers RATE_LIMITED once a credential has spent its bucket. Requests without
// credentials are not counted here: they can only log in, and failed logins have limits of
// their own.
func limitRate(take takeFunc, next http.Handler) http.Handler {
	if take == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v := authz.FromContext(r.Context())
		if v == nil {
			next.ServeHTTP(w, r)
			return
		}
		if ok, wait := take(r.Context(), rateKey(v)); !ok {
			refuseRate(w, r, max(1, int(math.Ceil(wait.Seconds()))), "too many requests with this credential")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// limitInFlight answers RATE_LIMITED while the credential of a request already has as many
// requests running as it may. It runs before the credential is checked, keyed by the
// credential as sent (one token is one session, one API key one key): a caller hammering at
// full burst is turned away without a database query each time. A credential that is not
// valid is refused by Authenticate all the same, after it.
func limitInFlight(f *inFlight, next http.Handler) http.Handler {
	if f == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := r.Header.Get("Authorization")
		if key == "" {
			next.ServeHTTP(w, r)
			return
		}
		if !f.enter(key) {
			refuseRate(w, r, 1, fmt.Sprintf("this credential already has %d requests running; wait for one to finish", f.max))
			return
		}
		defer f.leave(key)
		next.ServeHTTP(w, r)
	})
}

// heavyGate lets only a few heavy queries (see OperationMeasure.heavy) run at once in the whole
// service — fewer than the processors, so that light queries always find one free. The
// database work of a heavy query is CPU-bound (and SQLite runs in this process): without the
// gate, one caller's few admitted heavy queries occupy every processor and everybody's small
// query waits its turn behind them. A heavy query waits for a place within its time budget.
func heavyGate(places int) func(context.Context, graphql.OperationHandler) graphql.ResponseHandler {
	sem := make(chan struct{}, places)
	return func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		oc := graphql.GetOperationContext(ctx)
		if oc.Operation == nil || oc.Operation.Operation != ast.Query || !MeasureOf(oc).heavy() {
			return next(ctx)
		}
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			return graphql.OneShot(&graphql.Response{Errors: gqlerror.List{presentError(ctx, ctx.Err())}})
		}
		h := next(ctx)
		return func(ctx context.Context) *graphql.Response {
			defer func() { <-sem }()
			return h(ctx)
		}
	}
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

// InputLimits is a cheap pass over the parsed document and its variables that runs BEFORE
// gqlgen validates the document, because validation is the expensive part of refusing a
// hostile one: its OverlappingFieldsCanBeMerged rule is quadratic in the fields of a
// selection set (4,800 repeats of one field cost seconds), and filters nested a thousand
// deep cost recursion in validation, coercion and SQL building. It refuses, with ONE error:
//
//   - callers without credentials sending anything but a sign-in operation (UNAUTHENTICATED,
//     nothing of the document echoed, nothing validated);
//   - documents with more than MaxSelections field selections, fragments counted as often as
//     they are spread (QUERY_TOO_COMPLEX);
//   - argument values (literals and the variables they use) that nest relation filters
//     (has…With) deeper than MaxFilterNesting or more than MaxFilters of them in one field, not/and/or deeper than MaxBooleanNesting,
//     anything deeper than MaxInputDepth (QUERY_TOO_COMPLEX), or hold a list longer than
//     MaxListLength (BAD_USER_INPUT) — idIn, …In, nodes(ids:) alike.
//
// Values are walked generically, by shape and key name, not per input type: a new filter
// input is covered without code. A document in the query cache has been validated already;
// it is not parsed again, but its values are walked again with this request's variables.
type InputLimits struct {
	Cache             graphql.Cache[*ast.QueryDocument] // the server's parsed-query cache
	TokenLimit        int                               // the parser's token limit
	MaxSelections     int
	MaxListLength     int
	MaxFilterNesting  int
	MaxFilters        int // relation filters in the arguments of one field
	MaxBooleanNesting int
	MaxInputDepth     int
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
} = InputLimits{}

func (InputLimits) ExtensionName() string                          { return "InputLimits" }
func (InputLimits) Validate(schema graphql.ExecutableSchema) error { return nil }

// signInFields are the root mutation fields a caller without credentials may send.
var signInFields = map[string]bool{"login": true}

func (l InputLimits) MutateOperationParameters(ctx context.Context, raw *graphql.RawParams) *gqlerror.Error {
	if raw.Query == "" {
		return nil // an unknown persisted query: gqlgen answers it
	}
	anonymous := authz.FromContext(ctx) == nil
	doc, cached := l.Cache.Get(ctx, raw.Query)
	if !cached {
		var err error
		doc, err = parser.ParseQueryWithTokenLimit(&ast.Source{Input: raw.Query}, l.TokenLimit)
		if err != nil {
			if anonymous {
				return unauthenticated()
			}
			return nil // gqlgen parses it again and reports the syntax error
		}
	}
	if anonymous && !onlySignIn(doc) {
		return unauthenticated()
	}
	if !cached && l.MaxSelections > 0 {
		if n := countSelections(doc); n > l.MaxSelections {
			return tooComplex("selections", n, l.MaxSelections,
				"the document selects %d fields (fragments counted where they are spread); at most %d are allowed (查询字段过多)", n, l.MaxSelections)
		}
	}
	return l.checkValues(doc, raw.Variables)
}

func unauthenticated() *gqlerror.Error {
	return &gqlerror.Error{Message: authn.ErrUnauthenticated.Message, Extensions: map[string]any{"code": string(apperr.Unauthenticated)}}
}

// onlySignIn: one mutation whose root fields are sign-in fields (and __typename).
func onlySignIn(doc *ast.QueryDocument) bool {
	if len(doc.Operations) != 1 || doc.Operations[0].Operation != ast.Mutation {
		return false
	}
	for _, sel := range doc.Operations[0].SelectionSet {
		f, ok := sel.(*ast.Field)
		if !ok || (!signInFields[f.Name] && f.Name != "__typename") {
			return false
		}
	}
	return true
}

// countSelections counts the field selections of every operation, each fragment's fields
// counted as often as it is spread (saturating; a fragment is counted once and its count
// reused, so a fragment bomb costs time in proportion to its text). Validation has not run:
// unknown fragments count 0 and a cycle is cut, to be reported by validation.
func countSelections(doc *ast.QueryDocument) int {
	memo := map[string]int{}
	var inSet func(ast.SelectionSet) int
	fragment := func(name string) int {
		if n, ok := memo[name]; ok {
			return n
		}
		memo[name] = 0 // cuts a cycle
		if def := doc.Fragments.ForName(name); def != nil {
			memo[name] = inSet(def.SelectionSet)
		}
		return memo[name]
	}
	inSet = func(set ast.SelectionSet) int {
		n := 0
		for _, sel := range set {
			switch s := sel.(type) {
			case *ast.Field:
				n = satAdd(n, satAdd(1, inSet(s.SelectionSet)))
			case *ast.InlineFragment:
				n = satAdd(n, inSet(s.SelectionSet))
			case *ast.FragmentSpread:
				n = satAdd(n, fragment(s.Name))
			}
		}
		return n
	}
	total := 0
	for _, op := range doc.Operations {
		total = satAdd(total, inSet(op.SelectionSet))
	}
	return total
}

// checkValues walks every argument and variable default of the document, with the request's
// variables substituted, and refuses the first value over a limit.
func (l InputLimits) checkValues(doc *ast.QueryDocument, vars map[string]any) *gqlerror.Error {
	w := valueWalker{limits: l, vars: vars}
	var inSet func(ast.SelectionSet)
	args := func(list ast.ArgumentList) {
		w.filters = 0 // counted per field: one field is one statement
		for _, a := range list {
			w.literal(a.Value, valueLevel{})
		}
	}
	dirs := func(list ast.DirectiveList) {
		for _, d := range list {
			args(d.Arguments)
		}
	}
	inSet = func(set ast.SelectionSet) {
		for _, sel := range set {
			if w.err != nil {
				return
			}
			switch s := sel.(type) {
			case *ast.Field:
				args(s.Arguments)
				dirs(s.Directives)
				inSet(s.SelectionSet)
			case *ast.InlineFragment:
				dirs(s.Directives)
				inSet(s.SelectionSet)
			case *ast.FragmentSpread:
				dirs(s.Directives)
			}
		}
	}
	for _, op := range doc.Operations {
		for _, v := range op.VariableDefinitions {
			w.literal(v.DefaultValue, valueLevel{})
		}
		dirs(op.Directives)
		inSet(op.SelectionSet)
	}
	for _, f := range doc.Fragments {
		inSet(f.SelectionSet)
	}
	return w.err
}

// valueLevel is where the walker stands in a value: how deep, and inside how many relation
// filters and boolean combinators.
type valueLevel struct{ depth, filters, booleans int }

type valueWalker struct {
	limits  InputLimits
	vars    map[string]any
	filters int // relation filters seen in the current field's arguments
	err     *gqlerror.Error
}

// relationFilter: entgql's has<Edge>With inputs.
func relationFilter(key string) bool {
	return len(key) > len("hasWith") && strings.HasPrefix(key, "has") && strings.HasSuffix(key, "With")
}

func booleanCombinator(key string) bool { return key == "not" || key == "and" || key == "or" }

// enter steps into the value under key (key "" for a list element) and reports whether the
// walk may go on.
func (w *valueWalker) enter(at valueLevel, key string) (valueLevel, bool) {
	if w.err != nil {
		return at, false
	}
	at.depth++
	if relationFilter(key) {
		at.filters++
		w.filters++
	}
	if booleanCombinator(key) {
		at.booleans++
	}
	l := w.limits
	switch {
	case l.MaxFilterNesting > 0 && at.filters > l.MaxFilterNesting:
		w.err = tooComplex("filterNesting", at.filters, l.MaxFilterNesting,
			"relation filters (has…With) are nested %d deep; at most %d are allowed (关联过滤嵌套过深)", at.filters, l.MaxFilterNesting)
	case l.MaxFilters > 0 && w.filters > l.MaxFilters:
		w.err = tooComplex("filters", w.filters, l.MaxFilters,
			"a field has more than %d relation filters (has…With); at most %d are allowed (关联过滤条件过多)", l.MaxFilters, l.MaxFilters)
	case l.MaxBooleanNesting > 0 && at.booleans > l.MaxBooleanNesting:
		w.err = tooComplex("booleanNesting", at.booleans, l.MaxBooleanNesting,
			"not/and/or are nested %d deep; at most %d are allowed (过滤条件嵌套过深)", at.booleans, l.MaxBooleanNesting)
	case l.MaxInputDepth > 0 && at.depth > l.MaxInputDepth:
		w.err = tooComplex("inputDepth", at.depth, l.MaxInputDepth,
			"an argument nests values %d deep; at most %d are allowed (参数嵌套过深)", at.depth, l.MaxInputDepth)
	}
	return at, w.err == nil
}

func (w *valueWalker) list(n int) bool {
	if l := w.limits.MaxListLength; l > 0 && n > l && w.err == nil {
		w.err = &gqlerror.Error{
			Message:    fmt.Sprintf("a list argument has %d elements; at most %d are allowed — split the request (列表参数过长)", n, l),
			Extensions: map[string]any{"code": string(apperr.BadUserInput), "limit": "listLength", "measured": n, "allowed": l},
		}
	}
	return w.err == nil
}

// literal walks a value written in the document; a variable continues into the request's
// value of it.
func (w *valueWalker) literal(v *ast.Value, at valueLevel) {
	if v == nil || w.err != nil {
		return
	}
	switch v.Kind {
	case ast.Variable:
		if x, ok := w.vars[v.Raw]; ok {
			w.value(x, at)
		}
	case ast.ListValue:
		if !w.list(len(v.Children)) {
			return
		}
		for _, c := range v.Children {
			if next, ok := w.enter(at, ""); ok {
				w.literal(c.Value, next)
			}
		}
	case ast.ObjectValue:
		for _, c := range v.Children {
			if next, ok := w.enter(at, c.Name); ok {
				w.literal(c.Value, next)
			}
		}
	}
}

// value walks a variable's value as decoded from JSON.
func (w *valueWalker) value(x any, at valueLevel) {
	switch x := x.(type) {
	case []any:
		if !w.list(len(x)) {
			return
		}
		for _, c := range x {
			if next, ok := w.enter(at, ""); ok {
				w.value(c, next)
			}
		}
	case map[string]any:
		for k, c := range x {
			if next, ok := w.enter(at, k); ok {
				w.value(c, next)
			}
		}
	}
}
