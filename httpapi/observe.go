package httpapi

import (
	"context"
	"database/sql"
	"log/slog"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/nanpiao/sbqw/apperr"
	"github.com/nanpiao/sbqw/authz"
)

// What an operator sees of each request: one structured log line and Prometheus metrics.
// The log line names the request, the caller (user ID, API key ID, roles — never a token, a
// username, a query text or variables), the operation, its duration and error codes.

// observation collects what the layers a request passes through learn about it; the
// outermost middleware logs it and counts it when the request ends.
type observation struct {
	mu        sync.Mutex
	operation string // operation name; "" anonymous
	opType    string // query, mutation; "" when the request never became an operation
	codes     []string
	measure   *OperationMeasure
	trusted   string // name of the registered document run
	userID    int
	apiKeyID  int
	roles     string
	errorLogs int // error log lines written for the request (see errorLog)
}

// graphQLName is what an operation name may look like; anything else the client sent as
// operationName is not logged.
var graphQLName = regexp.MustCompile(`^[_A-Za-z][_0-9A-Za-z]{0,63}$`)

type (
	observationKey struct{}
	loggerKey      struct{}
)

// logFor is the logger of the request: the one the API was configured with.
func logFor(ctx context.Context) *slog.Logger {
	if l, ok := ctx.Value(loggerKey{}).(*slog.Logger); ok {
		return l
	}
	return slog.Default()
}

func observe(ctx context.Context) *observation {
	o, _ := ctx.Value(observationKey{}).(*observation)
	return o
}

// noteCodes records error codes of the response (nil-safe).
func (o *observation) noteCodes(codes ...string) {
	if o == nil {
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	o.codes = append(o.codes, codes...)
}

// noteOperation records the operation a GraphQL request became and the codes of its errors.
func (o *observation) noteOperation(oc *graphql.OperationContext, errs gqlerror.List) {
	if o == nil {
		return
	}
	codes := make([]string, 0, len(errs))
	for _, e := range errs {
		c, _ := e.Extensions["code"].(string)
		codes = append(codes, c)
	}
	o.noteCodes(codes...)
	o.mu.Lock()
	defer o.mu.Unlock()
	if oc != nil && oc.Operation != nil {
		o.operation, o.opType = oc.Operation.Name, string(oc.Operation.Operation)
	} else if oc != nil && graphQLName.MatchString(oc.OperationName) {
		o.operation = oc.OperationName // asked for, but the request never became an operation
	}
	o.measure = MeasureOf(oc)
	if run := TrustedRunOf(oc); run != nil {
		o.trusted = run.Name
	}
}

// maxErrorLogLines bounds the error and warning lines one request writes, beside its request
// line: a request that fails the same way a thousand times is one incident, not a thousand.
const maxErrorLogLines = 5

// errorLog returns the logger for one more error line of the request, or nil once the request
// has written maxErrorLogLines of them (the first line left out says so).
func errorLog(ctx context.Context) *slog.Logger {
	l := logFor(ctx)
	o := observe(ctx)
	if o == nil {
		return l
	}
	o.mu.Lock()
	o.errorLogs++
	n := o.errorLogs
	o.mu.Unlock()
	switch {
	case n <= maxErrorLogLines:
		return l
	case n == maxErrorLogLines+1:
		l.WarnContext(ctx, "further errors of this request are not logged", "request_id", RequestID(ctx), "logged", maxErrorLogLines)
	}
	return nil
}

// noteViewer records who made the request.
func (o *observation) noteViewer(v *authz.Viewer) {
	if o == nil || v == nil {
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	o.userID, o.apiKeyID, o.roles = v.UserID, v.APIKeyID, v.Roles()
}

// Metrics are the service's Prometheus metrics, in a registry of their own.
type Metrics struct {
	Registry   *prometheus.Registry
	requests   *prometheus.CounterVec
	operations *prometheus.CounterVec
	latency    *prometheus.HistogramVec
	errors     *prometheus.CounterVec
	names      *labelSet
}

// NewMetrics builds the registry: HTTP requests by route and status, GraphQL operations and
// their latency by operation name and type, errors by code, the database pool (when given),
// and the Go runtime and process.
func NewMetrics(pool *sql.DB) *Metrics {
	m := &Metrics{
		Registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sbqw_http_requests_total", Help: "HTTP requests by route and status code.",
		}, []string{"route", "status"}),
		operations: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sbqw_graphql_requests_total", Help: "GraphQL requests by operation name and type; (invalid) when the request never became an operation, (signed-out) for callers without credentials.",
		}, []string{"operation", "type"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "sbqw_graphql_request_duration_seconds", Help: "Time to answer a GraphQL request, by operation name and type.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"operation", "type"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sbqw_graphql_errors_total", Help: "Errors returned to clients, by extensions.code.",
		}, []string{"code"}),
		names: &labelSet{max: 200, seen: map[string]bool{}},
	}
	m.Registry.MustRegister(m.requests, m.operations, m.latency, m.errors,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if pool != nil {
		m.Registry.MustRegister(collectors.NewDBStatsCollector(pool, "main"))
	}
	return m
}

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{})
}

// labelSet bounds the operation names used as label values: operation names are chosen by
// clients, and each new one would be a new time series. Past max names, "(other)".
type labelSet struct {
	mu   sync.Mutex
	max  int
	seen map[string]bool
}

func (s *labelSet) label(name string) string {
	if name == "" {
		return "(anonymous)"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.seen[name] {
		return name
	}
	if len(s.seen) >= s.max || len(name) > 64 {
		return "(other)"
	}
	s.seen[name] = true
	return name
}

// statusRecorder remembers the status a handler wrote.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}

func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// instrument logs every request once it is answered and counts it in the metrics.
func instrument(m *Metrics, logger *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		o := &observation{}
		rec := &statusRecorder{ResponseWriter: w}
		ctx := context.WithValue(context.WithValue(r.Context(), observationKey{}, o), loggerKey{}, logger)
		next.ServeHTTP(rec, r.WithContext(ctx))
		if rec.status == 0 {
			rec.status = http.StatusOK
		}
		elapsed := time.Since(start)
		route := routeOf(r.URL.Path)

		o.mu.Lock()
		codes := append([]string(nil), o.codes...)
		if len(codes) == 0 && rec.status >= 400 && route == "graphql" {
			codes = []string{string(codeForStatus(rec.status))} // refused by a layer that records none
		}
		op, opType, signedIn := o.operation, o.opType, o.userID != 0
		attrs := []slog.Attr{
			slog.String("request_id", RequestID(r.Context())),
			slog.String("method", r.Method),
			slog.String("path", r.URL.Path), // never the query string: GET variables may carry personal data
			slog.Int("status", rec.status),
			slog.Float64("duration_ms", float64(elapsed.Microseconds())/1000),
		}
		if id := traceID(r.Context()); id != "" {
			attrs = append(attrs, slog.String("traceId", id))
		}
		if o.userID != 0 {
			attrs = append(attrs, slog.Int("user_id", o.userID), slog.String("roles", o.roles))
		}
		if o.apiKeyID != 0 {
			attrs = append(attrs, slog.Int("api_key_id", o.apiKeyID))
		}
		if route == "graphql" {
			attrs = append(attrs, slog.String("operation", op), slog.String("operation_type", opType))
		}
		if o.trusted != "" {
			attrs = append(attrs, slog.String("trusted_document", o.trusted))
		}
		if o.measure != nil {
			attrs = append(attrs, slog.Int("depth", o.measure.Depth), slog.Int("cost", o.measure.Cost))
		}
		if len(codes) > 0 {
			attrs = append(attrs, slog.String("error_codes", strings.Join(uniqueSorted(codes), ",")))
		}
		o.mu.Unlock()

		level := slog.LevelInfo
		switch {
		case rec.status >= 500 || slices.Contains(codes, string(apperr.Internal)):
			level = slog.LevelError
		case rec.status >= 400:
			level = slog.LevelWarn
		}
		if route != "healthz" && route != "readyz" && route != "metrics" || level > slog.LevelInfo {
			logger.LogAttrs(r.Context(), level, "request", attrs...)
		}

		m.requests.WithLabelValues(route, strconv.Itoa(rec.status)).Inc()
		if route == "graphql" && r.Method != http.MethodOptions {
			// Operation names are the client's choice: only signed-in callers' become labels.
			name := "(invalid)"
			switch {
			case !signedIn:
				// Refused before parsing unless it is a sign-in: its type is then unknown.
				name = "(signed-out)"
			case opType != "":
				name = m.names.label(op)
			}
			m.operations.WithLabelValues(name, opType).Inc()
			m.latency.WithLabelValues(name, opType).Observe(elapsed.Seconds())
			for _, c := range codes {
				m.errors.WithLabelValues(c).Inc()
			}
		}
	})
}

// routeOf names the route of a path, for a metric label of bounded cardinality.
func routeOf(path string) string {
	switch path {
	case "/graphql":
		return "graphql"
	case "/healthz", "/readyz", "/metrics":
		return path[1:]
	case "/":
		return "graphiql"
	}
	return "other"
}

// codeForStatus is the contract code of a refusal made by a layer that records none.
func codeForStatus(status int) apperr.Code {
	switch {
	case status == http.StatusUnauthorized:
		return apperr.Unauthenticated
	case status == http.StatusForbidden:
		return apperr.Forbidden
	case status == http.StatusTooManyRequests:
		return apperr.RateLimited
	case status >= 500:
		return apperr.Internal
	}
	return apperr.BadUserInput
}

func uniqueSorted(s []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, v := range s {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	sort.Strings(out)
	return out
}

// noteCaller records the caller in the request's observation once authentication has found it.
func noteCaller(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		observe(r.Context()).noteViewer(authz.FromContext(r.Context()))
		next.ServeHTTP(w, r)
	})
}
