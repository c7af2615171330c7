package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/nanpiao/sbqw/storage"
)

// runBackup implements `sbqw admin backup [--db URL] FILE` (restore: docs/operations.md).
func runBackup(args []string, getenv func(string) string, out io.Writer) error {
	fs := flag.NewFlagSet("admin backup", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	db := fs.String("db", envOr(getenv, "DATABASE_URL", defaultDatabaseURL), "database URL (DATABASE_URL)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("usage: admin backup [--db URL] FILE")
	}
	ctx := context.Background()
	store, err := storage.Open(ctx, *db, nil, storage.DefaultPool)
	if err != nil {
		return err
	}
	defer store.Close()
	if err := store.Backup(ctx, fs.Arg(0)); err != nil {
		return err
	}
	fmt.Fprintf(out, "backed up to %s; personal data in it is sealed: keep the data key (DATA_KEY), apart from the backup, to restore it\n", fs.Arg(0))
	return nil
}
