package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/nanpiao/sbqw/authz"
	"github.com/nanpiao/sbqw/storage"
)

// runRotateDataKey implements `sbqw admin rotate-data-key [--db URL] [--batch N]`: every
// sealed personal value moves to the current data key (DATA_KEY), read with it or one of the
// earlier keys (OLD_DATA_KEYS), while the servers keep serving. Killed, it continues where it
// stopped when run again (docs/keys.md).
func runRotateDataKey(args []string, getenv func(string) string, out io.Writer) error {
	fs := flag.NewFlagSet("admin rotate-data-key", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	db := fs.String("db", envOr(getenv, "DATABASE_URL", defaultDatabaseURL), "database URL (DATABASE_URL)")
	dataKey := fs.String("data-key", getenv("DATA_KEY"), "the new data key (DATA_KEY)")
	oldKeys := fs.String("old-data-keys", getenv("OLD_DATA_KEYS"), "earlier data keys, comma-separated or @FILE (OLD_DATA_KEYS)")
	batch := fs.Int("batch", 500, "rows per transaction")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *dataKey == "" {
		return errors.New("admin rotate-data-key needs the new key in DATA_KEY or --data-key, and the earlier ones in OLD_DATA_KEYS or --old-data-keys")
	}
	sealer, err := newSealer(*dataKey, *oldKeys)
	if err != nil {
		return err
	}
	ctx := authz.Bypass(context.Background(), "rotate data key")
	store, err := storage.Open(ctx, *db, sealer, storage.DefaultPool)
	if err != nil {
		return err
	}
	defer store.Close()
	if err := store.CheckCurrent(ctx); err != nil {
		return err
	}
	start := time.Now()
	st, err := store.RotateDataKey(ctx, *batch, func(table string, after int, st storage.RotationStats) {
		fmt.Fprintf(out, "%s: done up to id %d (%d values rewritten)\n", table, after, st.Rewritten)
	})
	if err != nil {
		return fmt.Errorf("rotation stopped (run again to continue): %v", err)
	}
	resumed := ""
	if st.Resumed {
		resumed = ", continuing an interrupted rotation"
	}
	fmt.Fprintf(out, "rotated to key %s in %s%s: %d values rewritten, %d rows changed meanwhile by requests (already under the new key)\n",
		sealer.CurrentKeyID(), time.Since(start).Round(time.Millisecond), resumed, st.Rewritten, st.Changed)
	if len(st.Unreadable) > 0 {
		return fmt.Errorf("%d values open with no configured key and were left as they are:\n  %s", len(st.Unreadable), strings.Join(st.Unreadable, "\n  "))
	}
	return nil
}
