package graph_test

import (
	"strings"
	"testing"
	"time"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/nanpiao/sbqw/ent/schema/enum"
	"github.com/nanpiao/sbqw/httpapi"
	"github.com/nanpiao/sbqw/internal/testkit"
)

// TestTracingSpansOneRequest: with tracing on, one request is one trace that continues the
// caller's traceparent: the HTTP server span, under it the operation's span (named after the
// operation, with its type and error count), under that the SQL statements' spans; the request
// log line names the same trace.
func TestTracingSpansOneRequest(t *testing.T) {
	exp := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exp))
	env := newHTTPEnv(t, httpapi.Options{TracerProvider: tp})
	exp.Reset()

	const callerTrace, callerSpan = "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"
	r := env.do(t, call{body: gql(meOp, nil), header: map[string]string{"traceparent": "00-" + callerTrace + "-" + callerSpan + "-01"}})
	if r.Status != 200 || len(r.Errors) > 0 {
		t.Fatal(r)
	}

	var httpSpan, opSpan *tracetest.SpanStub
	var sqlSpans []tracetest.SpanStub
	deadline := time.Now().Add(5 * time.Second)
	for httpSpan == nil && time.Now().Before(deadline) {
		spans := exp.GetSpans()
		for i := range spans {
			s := &spans[i]
			switch {
			case s.SpanKind == trace.SpanKindServer:
				httpSpan = s
			case s.Name == "Me":
				opSpan = s
			}
		}
		if httpSpan == nil {
			time.Sleep(10 * time.Millisecond)
			continue
		}
		for _, s := range spans {
			if strings.HasPrefix(s.Name, "sql ") && opSpan != nil && s.Parent.SpanID() == opSpan.SpanContext.SpanID() {
				sqlSpans = append(sqlSpans, s)
			}
		}
	}
	if httpSpan == nil || opSpan == nil {
		t.Fatalf("want an HTTP server span and a span named Me; got %v", spanNames(exp.GetSpans()))
	}
	if got := httpSpan.SpanContext.TraceID().String(); got != callerTrace || httpSpan.Parent.SpanID().String() != callerSpan {
		t.Errorf("the HTTP span is in trace %s under %s; want the caller's %s under %s", got, httpSpan.Parent.SpanID(), callerTrace, callerSpan)
	}
	if httpSpan.Name != "POST graphql" {
		t.Errorf("HTTP span named %q", httpSpan.Name)
	}
	if opSpan.Parent.SpanID() != httpSpan.SpanContext.SpanID() {
		t.Errorf("the operation span is not a child of the HTTP span")
	}
	attrs := map[string]string{}
	for _, a := range opSpan.Attributes {
		attrs[string(a.Key)] = a.Value.Emit()
	}
	if attrs["graphql.operation.type"] != "query" || attrs["graphql.operation.name"] != "Me" || attrs["graphql.errors.count"] != "0" {
		t.Errorf("operation span attributes: %v", attrs)
	}
	if len(sqlSpans) == 0 {
		t.Fatalf("no SQL span under the operation span; spans: %v", spanNames(exp.GetSpans()))
	}
	for _, s := range sqlSpans {
		if s.SpanContext.TraceID().String() != callerTrace {
			t.Errorf("SQL span %s in another trace", s.Name)
		}
	}

	var line map[string]any
	for _, l := range env.logs.lines(t, "request") {
		if l["operation"] == "Me" {
			line = l
		}
	}
	if line == nil || line["traceId"] != callerTrace {
		t.Fatalf("request log line %v: want traceId %s", line, callerTrace)
	}

	// An operation answering with errors says how many.
	exp.Reset()
	env.do(t, call{body: gql(`query Broken { node(id: "nonsense") { id } }`, nil)})
	for _, s := range exp.GetSpans() {
		if s.Name == "Broken" {
			for _, a := range s.Attributes {
				if a.Key == "graphql.errors.count" && a.Value.AsInt64() == 0 {
					t.Errorf("operation with errors counted none")
				}
			}
		}
	}
}

// TestTracingOffByDefault: without a tracer provider the caller's traceparent changes nothing:
// no trace ID in the log line (and no spans: nothing is set up to make them).
func TestTracingOffByDefault(t *testing.T) {
	env := newHTTPEnv(t, httpapi.Options{})
	r := env.do(t, call{body: gql(meOp, nil), header: map[string]string{"traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}})
	if r.Status != 200 {
		t.Fatal(r)
	}
	for _, l := range env.logs.lines(t, "request") {
		if _, ok := l["traceId"]; ok {
			t.Fatalf("tracing off, yet the log line has a trace ID: %v", l)
		}
	}
}

func spanNames(spans tracetest.SpanStubs) []string {
	var out []string
	for _, s := range spans {
		out = append(out, s.Name)
	}
	return out
}

// BenchmarkTracingOverhead: one signed-in query (Me: a few statements) over HTTP with tracing
// off, and on with every span exported (to a no-op exporter, so only the tracing is measured).
func BenchmarkTracingOverhead(b *testing.B) {
	for _, on := range []bool{false, true} {
		name, opts := "off", httpapi.Options{}
		if on {
			name = "on"
			opts.TracerProvider = sdktrace.NewTracerProvider(sdktrace.WithBatcher(tracetest.NewNoopExporter()))
		}
		b.Run(name, func(b *testing.B) {
			db := testkit.Open(b)
			defer db.Close()
			srv := testkit.NewServerWith(b, db, opts)
			testkit.CreateUser(b, db.Client, "admin", testkit.Binding{Role: enum.RoleDistrict})
			api := srv.Login(b, "admin")
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				api.Must(b, meOp, nil, nil)
			}
		})
	}
}
