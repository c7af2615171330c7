package httpapi

import (
	"context"
	"net/http"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// Tracing (off unless Options.TracerProvider is set): a server span per HTTP request, continuing
// the caller's W3C traceparent; under it a span per GraphQL operation; under that, a span per
// SQL statement (storage's driver). The request's log line carries the trace ID.

const tracerName = "github.com/nanpiao/sbqw/httpapi"

// traceHTTP wraps the whole handler in otelhttp's server spans, named by method and route.
func traceHTTP(tp trace.TracerProvider, next http.Handler) http.Handler {
	if tp == nil {
		return next
	}
	return otelhttp.NewHandler(next, "http",
		otelhttp.WithTracerProvider(tp),
		otelhttp.WithPropagators(propagation.TraceContext{}),
		otelhttp.WithSpanNameFormatter(func(_ string, r *http.Request) string {
			return r.Method + " " + routeOf(r.URL.Path)
		}))
}

// traceID is the ID of the trace the request belongs to, "" when it is not traced.
func traceID(ctx context.Context) string {
	sc := trace.SpanContextFromContext(ctx)
	if !sc.IsValid() || !sc.IsSampled() {
		return ""
	}
	return sc.TraceID().String()
}

// OperationTracer gives every GraphQL operation a span named after the operation, with its
// type, name and the number of errors it answered with.
type OperationTracer struct {
	Provider trace.TracerProvider
}

var (
	_ graphql.HandlerExtension     = OperationTracer{}
	_ graphql.OperationInterceptor = OperationTracer{}
)

func (OperationTracer) ExtensionName() string                   { return "OperationTracer" }
func (OperationTracer) Validate(graphql.ExecutableSchema) error { return nil }

func (t OperationTracer) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	oc := graphql.GetOperationContext(ctx)
	name, opType := "", ""
	if oc.Operation != nil {
		name, opType = oc.Operation.Name, string(oc.Operation.Operation)
	}
	spanName := name
	if spanName == "" {
		spanName = "anonymous " + opType
	}
	ctx, span := t.Provider.Tracer(tracerName).Start(ctx, spanName, trace.WithAttributes(
		attribute.String("graphql.operation.type", opType),
		attribute.String("graphql.operation.name", name),
	))
	respond := next(ctx)
	errorCount := 0
	ended := false
	return func(ctx context.Context) *graphql.Response {
		resp := respond(ctx)
		if ended {
			return resp
		}
		if resp != nil {
			errorCount += len(resp.Errors)
		}
		// A subscription answers until its stream closes (a nil response); the rest answer once.
		if resp == nil || opType != string(ast.Subscription) {
			ended = true
			span.SetAttributes(attribute.Int("graphql.errors.count", errorCount))
			if errorCount > 0 {
				span.SetStatus(codes.Error, "")
			}
			span.End()
		}
		return resp
	}
}
