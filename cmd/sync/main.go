// Command sync keeps a copy of the households an account may see, by the sync protocol of
// docs/sync.md, with the typed client of package client: the first run takes the feed's end and
// reads every household page by page; every run then follows the change feed from the cursor
// stored in -dir, so a restarted command continues where the last one stopped. The copy is
// -dir/households.jsonl (one household a line); -print writes each change applied to standard
// output as a JSON line. With an API key created with trustedDocumentsOnly, register the
// operations that -operations lists and run with -trusted.
//
//	SBQW_TOKEN=<token or API key> go run ./cmd/sync -url http://localhost:8080/graphql -dir ./copy
//	SBQW_PASSWORD=... go run ./cmd/sync -username township01 -every 1m -print
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"sort"
	"syscall"
	"time"

	"github.com/nanpiao/sbqw/client"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return
		}
		log.SetFlags(0)
		log.Fatalf("sync: %v", err)
	}
}

// run is the command with its arguments, environment and output given, so that tests run it as
// it is.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("sync", flag.ContinueOnError)
	fs.SetOutput(stderr)
	url := fs.String("url", envOr(getenv, "SBQW_URL", "http://localhost:8080/graphql"), "the API's GraphQL endpoint (env SBQW_URL)")
	dir := fs.String("dir", "sbqw-sync", "directory of the copy (households.jsonl) and the stored cursor (cursor)")
	username := fs.String("username", getenv("SBQW_USERNAME"), "sign in as this account with the password in SBQW_PASSWORD, instead of a token (env SBQW_USERNAME)")
	every := fs.Duration("every", 0, "follow the feed again at this interval until interrupted; 0 runs once")
	page := fs.Int("page", 500, "rows a request, 1–500")
	print := fs.Bool("print", false, "write every change applied to standard output as a JSON line")
	trusted := fs.Bool("trusted", false, "send each operation by its documentId, for an API key created with trustedDocumentsOnly (register the operations -operations lists first)")
	operations := fs.Bool("operations", false, "list the operations this command sends (name, documentId, text) as JSON lines, for registerOperation, and exit")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: sync [flags]\n\nCredentials: SBQW_TOKEN holds a token or an API key; or -username with SBQW_PASSWORD.\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if *operations {
		names := make([]string, 0, len(client.Operations()))
		for name := range client.Operations() {
			names = append(names, name)
		}
		sort.Strings(names)
		enc := json.NewEncoder(stdout)
		for _, name := range names {
			text := client.Operations()[name]
			if err := enc.Encode(map[string]string{"name": name, "documentId": client.DocumentID(text), "document": text}); err != nil {
				return err
			}
		}
		return nil
	}
	if *page < 1 || *page > 500 {
		return fmt.Errorf("-page %d: must be 1–500", *page)
	}
	if *every < 0 {
		return fmt.Errorf("-every %s: must not be negative", *every)
	}
	credential := getenv("SBQW_TOKEN")
	switch {
	case *username != "" && credential != "":
		return errors.New("give SBQW_TOKEN or -username, not both")
	case *username != "":
		password := getenv("SBQW_PASSWORD")
		if password == "" {
			return errors.New("-username needs the password in SBQW_PASSWORD")
		}
		res, err := client.SignIn(ctx, client.New(*url, ""), *username, password)
		if err != nil {
			return fmt.Errorf("signing in as %s: %w", *username, err)
		}
		credential = res.Login.Token
	case credential == "":
		return errors.New("no credentials: set SBQW_TOKEN (a token or an API key), or -username with SBQW_PASSWORD")
	}

	c := client.New(*url, credential)
	if *trusted {
		c = client.NewTrusted(*url, credential)
	}
	s := &client.Sync{Client: c, Dir: *dir, PageSize: *page}
	if *print {
		enc := json.NewEncoder(stdout)
		s.OnChange = func(c client.Change) { _ = enc.Encode(c) }
	}
	for {
		n, err := s.Run(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(stderr, "sync: %d changes applied; %d households in %s\n", n, len(s.Households()), *dir)
		if *every == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(*every):
		}
	}
}

func envOr(getenv func(string) string, name, def string) string {
	if v := getenv(name); v != "" {
		return v
	}
	return def
}
