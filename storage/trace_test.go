package storage

import (
	"context"
	"testing"

	"entgo.io/ent/dialect"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
)

// fakeDriver answers every statement and records the context it was given.
type fakeDriver struct {
	dialect.Driver
	ctxs []context.Context
}

func (f *fakeDriver) Exec(ctx context.Context, _ string, _, _ any) error {
	f.ctxs = append(f.ctxs, ctx)
	return nil
}
func (f *fakeDriver) Dialect() string { return dialect.SQLite }

// TestStatementSpans: a statement gets a span under the recording span of its context, and
// none without one (tracing off): then the statement's context is passed on untouched.
func TestStatementSpans(t *testing.T) {
	fake := &fakeDriver{}
	drv := tracedDriver{fake}

	plain := context.Background()
	if err := drv.Exec(plain, "UPDATE households SET x = ?", []any{1}, nil); err != nil {
		t.Fatal(err)
	}
	// A remote parent (a traceparent header) without a local recording span: still nothing.
	remote := trace.ContextWithRemoteSpanContext(plain, trace.NewSpanContext(trace.SpanContextConfig{
		TraceID: trace.TraceID{1}, SpanID: trace.SpanID{1}, TraceFlags: trace.FlagsSampled}))
	if err := drv.Exec(remote, "SELECT 1", []any{}, nil); err != nil {
		t.Fatal(err)
	}
	if fake.ctxs[0] != plain || fake.ctxs[1] != remote {
		t.Fatal("without tracing the statement's context was changed")
	}

	exp := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exp))
	ctx, parent := tp.Tracer("test").Start(plain, "operation")
	if err := drv.Exec(ctx, "  insert INTO households VALUES (?)", []any{1}, nil); err != nil {
		t.Fatal(err)
	}
	parent.End()
	spans := exp.GetSpans()
	if len(spans) != 2 {
		t.Fatalf("spans: %v", spans)
	}
	s := spans[0]
	if s.Name != "sql INSERT" || s.Parent.SpanID() != parent.SpanContext().SpanID() || s.SpanKind != trace.SpanKindClient {
		t.Fatalf("statement span %q under %s (kind %v)", s.Name, s.Parent.SpanID(), s.SpanKind)
	}
}
