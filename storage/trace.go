package storage

import (
	"context"
	"database/sql"
	"strings"

	"entgo.io/ent/dialect"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// tracedDriver gives each SQL statement a span, a child of the span in its context. A statement
// whose context holds no recording span — tracing off, or work outside a traced request — goes
// straight to the database: one context look-up is all tracing costs when it is off.
type tracedDriver struct {
	dialect.Driver
}

// tracerName names the instrumentation in exported spans.
const tracerName = "github.com/nanpiao/sbqw/storage"

func (d tracedDriver) Exec(ctx context.Context, query string, args, v any) error {
	ctx, span := startStatement(ctx, d.Dialect(), query)
	if span == nil {
		return d.Driver.Exec(ctx, query, args, v)
	}
	return endStatement(span, d.Driver.Exec(ctx, query, args, v))
}

func (d tracedDriver) Query(ctx context.Context, query string, args, v any) error {
	ctx, span := startStatement(ctx, d.Dialect(), query)
	if span == nil {
		return d.Driver.Query(ctx, query, args, v)
	}
	return endStatement(span, d.Driver.Query(ctx, query, args, v))
}

// Tx wraps transactions so their statements get spans too.
func (d tracedDriver) Tx(ctx context.Context) (dialect.Tx, error) {
	tx, err := d.Driver.Tx(ctx)
	if err != nil {
		return nil, err
	}
	return tracedTx{Tx: tx, dialect: d.Dialect()}, nil
}

// BeginTx is ent's Client.BeginTx (transactions with options).
func (d tracedDriver) BeginTx(ctx context.Context, opts *sql.TxOptions) (dialect.Tx, error) {
	tx, err := d.Driver.(interface {
		BeginTx(context.Context, *sql.TxOptions) (dialect.Tx, error)
	}).BeginTx(ctx, opts)
	if err != nil {
		return nil, err
	}
	return tracedTx{Tx: tx, dialect: d.Dialect()}, nil
}

// rawExecQuerier is ent's sql/execquery feature (Client.ExecContext, used by hooks).
type rawExecQuerier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func (d tracedDriver) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return tracedExecContext(ctx, d.Driver.(rawExecQuerier), d.Dialect(), query, args)
}

func (d tracedDriver) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return tracedQueryContext(ctx, d.Driver.(rawExecQuerier), d.Dialect(), query, args)
}

type tracedTx struct {
	dialect.Tx
	dialect string
}

func (t tracedTx) Exec(ctx context.Context, query string, args, v any) error {
	ctx, span := startStatement(ctx, t.dialect, query)
	if span == nil {
		return t.Tx.Exec(ctx, query, args, v)
	}
	return endStatement(span, t.Tx.Exec(ctx, query, args, v))
}

func (t tracedTx) Query(ctx context.Context, query string, args, v any) error {
	ctx, span := startStatement(ctx, t.dialect, query)
	if span == nil {
		return t.Tx.Query(ctx, query, args, v)
	}
	return endStatement(span, t.Tx.Query(ctx, query, args, v))
}

func (t tracedTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return tracedExecContext(ctx, t.Tx.(rawExecQuerier), t.dialect, query, args)
}

func (t tracedTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return tracedQueryContext(ctx, t.Tx.(rawExecQuerier), t.dialect, query, args)
}

func tracedExecContext(ctx context.Context, q rawExecQuerier, dia, query string, args []any) (sql.Result, error) {
	ctx, span := startStatement(ctx, dia, query)
	res, err := q.ExecContext(ctx, query, args...)
	if span != nil {
		err = endStatement(span, err)
	}
	return res, err
}

func tracedQueryContext(ctx context.Context, q rawExecQuerier, dia, query string, args []any) (*sql.Rows, error) {
	ctx, span := startStatement(ctx, dia, query)
	rows, err := q.QueryContext(ctx, query, args...)
	if span != nil {
		err = endStatement(span, err)
	}
	return rows, err
}

// startStatement starts the span of one statement under the recording span of ctx, from that
// span's own provider; nil when ctx has none. The statement's text is recorded (ent sends
// parameters separately; their values never are).
func startStatement(ctx context.Context, dia, query string) (context.Context, trace.Span) {
	parent := trace.SpanFromContext(ctx)
	if !parent.IsRecording() {
		return ctx, nil
	}
	op, _, _ := strings.Cut(strings.TrimSpace(query), " ")
	op = strings.ToUpper(op)
	system := "sqlite"
	if dia == dialect.MySQL {
		system = "mysql"
	}
	return parent.TracerProvider().Tracer(tracerName).Start(ctx, "sql "+op,
		trace.WithSpanKind(trace.SpanKindClient),
		trace.WithAttributes(
			attribute.String("db.system.name", system),
			attribute.String("db.operation.name", op),
			attribute.String("db.query.text", query),
		))
}

func endStatement(span trace.Span, err error) error {
	if err != nil {
		span.RecordError(err)
		span.SetStatus(codes.Error, "")
	}
	span.End()
	return err
}
