//go:build fault

package faulttest

import (
	"context"
	"testing"
	"time"

	"entgo.io/ent/dialect"

	"github.com/nanpiao/sbqw/storage"
)

// TestTransactionEndsWithItsContext: a COMMIT or ROLLBACK sent while the network to the
// database is frozen ends when the transaction's context does — not when the network comes
// back, as database/sql's context-less Commit and Rollback would (a request of the stall
// fault once took the whole 8.8 s stall instead of its 4 s budget).
func TestTransactionEndsWithItsContext(t *testing.T) {
	px := startProxy(t, "127.0.0.1:3306")
	raw, err := storage.OpenSQL("mysql", "root@tcp("+px.addr()+")/")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	drv := storage.NewDriver(dialect.MySQL, raw)
	for _, end := range []string{"commit", "rollback"} {
		t.Run(end, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			defer cancel()
			tx, err := drv.Tx(ctx)
			if err != nil {
				t.Fatalf("MariaDB on 127.0.0.1:3306 through the proxy: %v", err)
			}
			if err := tx.Exec(ctx, "DO 1", []any{}, nil); err != nil {
				t.Fatal(err)
			}
			px.freeze()
			defer px.thaw()
			done := make(chan error, 1)
			start := time.Now()
			go func() {
				if end == "commit" {
					done <- tx.Commit()
				} else {
					done <- tx.Rollback()
				}
			}()
			select {
			case err := <-done:
				took := time.Since(start)
				if end == "commit" && err == nil {
					t.Error("a COMMIT nobody answered reported success")
				}
				t.Logf("%s over a frozen connection ended after %s: %v", end, took.Round(time.Millisecond), err)
			case <-time.After(5 * time.Second):
				t.Errorf("%s over a frozen connection still waiting 5 s after it was sent (context: 1 s)", end)
			}
		})
	}
}
