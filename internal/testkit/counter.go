package testkit

import (
	"context"
	"database/sql"
	"slices"
	"strings"
	"sync"
	"time"

	"entgo.io/ent/dialect"

	"github.com/nanpiao/sbqw/authz"
)

// Counter is a driver wrapper that counts and optionally records the SQL statements run, to
// show that the number of statements of a query does not grow with the number of rows.
type Counter struct {
	dialect.Driver
	mu          sync.Mutex
	n           int
	record      bool
	statements  []string
	delay       time.Duration
	delayMatch  []string
	openFault   error
	commitFault error
	// commitFaults is how many more commits fail with commitFault; negative: all of them.
	commitFaults int
}

// SetDelay makes the statements whose text contains one of match (every statement when none)
// wait d before they run — or until their context ends, when they fail with the context's
// error as a cancelled driver call would: a slow database, for tests of time budgets. A zero d
// removes the delay.
func (c *Counter) SetDelay(d time.Duration, match ...string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.delay, c.delayMatch = d, match
}

// SetTxFault makes opening a transaction fail with open, and committing one fail with commit
// (after rolling it back); nil errors remove the faults. For tests of how such failures reach
// clients.
func (c *Counter) SetTxFault(open, commit error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.openFault, c.commitFault, c.commitFaults = open, commit, -1
}

// FailCommits makes the next n commits fail with err (after rolling back), then commits succeed
// again: a database that gives up on a transaction a few times, as under deadlocks.
func (c *Counter) FailCommits(n int, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.commitFault, c.commitFaults = err, n
}

func (c *Counter) wait(ctx context.Context, query string) error {
	c.mu.Lock()
	d, match := c.delay, c.delayMatch
	c.mu.Unlock()
	if d == 0 {
		return nil
	}
	if len(match) > 0 && !slices.ContainsFunc(match, func(m string) bool { return strings.Contains(query, m) }) {
		return nil
	}
	select {
	case <-time.After(d):
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
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

func (c *Counter) note(ctx context.Context, query string) {
	if authz.IsRevisionCheck(ctx) {
		return // once per replica per authz.RevisionInterval, not a statement of the request
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.record {
		c.n++
		c.statements = append(c.statements, query)
	}
}

func (c *Counter) Exec(ctx context.Context, query string, args, v any) error {
	c.note(ctx, query)
	if err := c.wait(ctx, query); err != nil {
		return err
	}
	return c.Driver.Exec(ctx, query, args, v)
}

func (c *Counter) Query(ctx context.Context, query string, args, v any) error {
	c.note(ctx, query)
	if err := c.wait(ctx, query); err != nil {
		return err
	}
	return c.Driver.Query(ctx, query, args, v)
}

// Tx wraps transactions so statements inside them are counted too.
func (c *Counter) Tx(ctx context.Context) (dialect.Tx, error) {
	c.mu.Lock()
	fault := c.openFault
	c.mu.Unlock()
	if fault != nil {
		return nil, fault
	}
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

func (t *countingTx) Commit() error {
	t.c.mu.Lock()
	fault := t.c.commitFault
	switch {
	case t.c.commitFaults > 0:
		t.c.commitFaults--
	case t.c.commitFaults == 0:
		fault = nil
	}
	t.c.mu.Unlock()
	if fault != nil {
		_ = t.Tx.Rollback()
		return fault
	}
	return t.Tx.Commit()
}

func (t *countingTx) Exec(ctx context.Context, query string, args, v any) error {
	t.c.note(ctx, query)
	if err := t.c.wait(ctx, query); err != nil {
		return err
	}
	return t.Tx.Exec(ctx, query, args, v)
}

func (t *countingTx) Query(ctx context.Context, query string, args, v any) error {
	t.c.note(ctx, query)
	if err := t.c.wait(ctx, query); err != nil {
		return err
	}
	return t.Tx.Query(ctx, query, args, v)
}

// The raw ExecContext/QueryContext of ent's sql/execquery feature (used by hooks) must pass
// through the wrapper too.
type rawExecQuerier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func (c *Counter) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	c.note(ctx, query)
	return c.Driver.(rawExecQuerier).ExecContext(ctx, query, args...)
}

func (c *Counter) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	c.note(ctx, query)
	return c.Driver.(rawExecQuerier).QueryContext(ctx, query, args...)
}

func (t *countingTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	t.c.note(ctx, query)
	return t.Tx.(rawExecQuerier).ExecContext(ctx, query, args...)
}

func (t *countingTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	t.c.note(ctx, query)
	return t.Tx.(rawExecQuerier).QueryContext(ctx, query, args...)
}
