package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/nanpiao/sbqw/storage"
)

// runMigrate implements `sbqw admin migrate apply|status [--db URL]`.
func runMigrate(args []string, getenv func(string) string, out io.Writer) error {
	usage := errors.New("usage: admin migrate apply|status [--db URL]")
	if len(args) == 0 || (args[0] != "apply" && args[0] != "status") {
		return usage
	}
	fs := flag.NewFlagSet("admin migrate", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	db := fs.String("db", envOr(getenv, "DATABASE_URL", defaultDatabaseURL), "database URL (DATABASE_URL)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usage
	}
	ctx := context.Background()
	// Migrations touch no sealed value: no data key needed.
	store, err := storage.Open(ctx, *db, nil, storage.DefaultPool)
	if err != nil {
		return err
	}
	defer store.Close()
	if args[0] == "apply" {
		done, err := store.Apply(ctx)
		for _, v := range done {
			fmt.Fprintf(out, "applied %s\n", v)
		}
		if err != nil {
			return err
		}
		if len(done) == 0 {
			fmt.Fprintln(out, "nothing to apply")
		}
	}
	st, err := store.Status(ctx)
	if err != nil {
		return err
	}
	printStatus(out, st)
	return nil
}

func printStatus(out io.Writer, st storage.MigrationStatus) {
	current := st.Current
	if current == "" {
		current = "none (empty database)"
	}
	if st.Baseline != "" {
		current += " (baseline: made before versioned migrations)"
	}
	fmt.Fprintf(out, "current version: %s\n", current)
	fmt.Fprintf(out, "applied: %d\n", len(st.Applied))
	if len(st.Pending) == 0 {
		fmt.Fprintln(out, "pending: none — the schema is current")
		return
	}
	fmt.Fprintf(out, "pending: %d\n  %s\n", len(st.Pending), strings.Join(st.Pending, "\n  "))
	fmt.Fprintln(out, "run `sbqw admin migrate apply` to apply them")
}
