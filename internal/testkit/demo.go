package testkit

import (
	"context"
	"testing"

	"github.com/nanpiao/sbqw/demo"
)

// LoadDemo opens a fresh test database and loads the demo district into it.
func LoadDemo(tb testing.TB) *DB {
	tb.Helper()
	db := Open(tb)
	tb.Cleanup(db.Close)
	if _, err := demo.Ensure(context.Background(), db.Client, demo.Options{PasswordHash: PasswordHash()}); err != nil {
		tb.Fatalf("loading the demo district: %v", err)
	}
	return db
}
