package testkit

import (
	"context"
	"database/sql"
	"sync"

	"entgo.io/ent/dialect"
)

// Counter is a driver wrapper that counts and optionally records the SQL statements run, to
// show that the number of statements of a query does not grow with the number of rows.
type Counter struct {
	dialect.Driver
	mu         sync.Mutex
	n          int
	record     bool
	statements []string
}

// Start resets the count and starts recording statement texts.
func (c *Counter) Start() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n, c.record, c.statements = 0, true, nil
}

// Stop stops recording and returns the statements run since Start.
func (c *Counter) Stop() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.record = false
	return c.statements
}

func (c *Counter) note(query string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.record {
		c.n++
		c.statements = append(c.statements, query)
	}
}

func (c *Counter) Exec(ctx context.Context, query string, args, v any) error {
	c.note(query)
	return c.Driver.Exec(ctx, query, args, v)
}

func (c *Counter) Query(ctx context.Context, query string, args, v any) error {
	c.note(query)
	return c.Driver.Query(ctx, query, args, v)
}

// Tx wraps transactions so statements inside them are counted too.
func (c *Counter) Tx(ctx context.Context) (dialect.Tx, error) {
	tx, err := c.Driver.Tx(ctx)
	if err != nil {
		return nil, err
	}
	return &countingTx{Tx: tx, c: c}, nil
}

type countingTx struct {
	dialect.Tx
	c *Counter
}

func (t *countingTx) Exec(ctx context.Context, query string, args, v any) error {
	t.c.note(query)
	return t.Tx.Exec(ctx, query, args, v)
}

func (t *countingTx) Query(ctx context.Context, query string, args, v any) error {
	t.c.note(query)
	return t.Tx.Query(ctx, query, args, v)
}

// The raw ExecContext/QueryContext of ent's sql/execquery feature (used by hooks) must pass
// through the wrapper too.
type rawExecQuerier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func (c *Counter) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	c.note(query)
	return c.Driver.(rawExecQuerier).ExecContext(ctx, query, args...)
}

func (c *Counter) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	c.note(query)
	return c.Driver.(rawExecQuerier).QueryContext(ctx, query, args...)
}

func (t *countingTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	t.c.note(query)
	return t.Tx.(rawExecQuerier).ExecContext(ctx, query, args...)
}

func (t *countingTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	t.c.note(query)
	return t.Tx.(rawExecQuerier).QueryContext(ctx, query, args...)
}
