// Command sbqw serves the GraphQL API of Nanpiao District's "十百千万" party-building programme.
//
//	go run . --demo                      # embedded SQLite in ./data with the demo district
//	go run . --db mysql://u:p@h:3306/db  # production: needs --jwt-secret and --data-key
//	go run . admin create --username NAME
package main

//go:generate go run -mod=mod ./ent/entc.go
//go:generate go run -mod=mod github.com/99designs/gqlgen generate
//go:generate go run -mod=mod ./graph/schemaprint

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"
	"time"

	_ "github.com/nanpiao/sbqw/ent/runtime" // registers hooks, interceptors and privacy policies
	"github.com/nanpiao/sbqw/httpapi"

	"github.com/nanpiao/sbqw/authn"
	"github.com/nanpiao/sbqw/demo"
	"github.com/nanpiao/sbqw/storage"
)

func main() {
	slog.SetDefault(slog.New(slog.NewJSONHandler(os.Stderr, nil)))
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "sbqw:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	if len(args) > 0 && args[0] == "admin" {
		return runAdmin(args[1:], os.Getenv, os.Stdin)
	}
	cfg, err := parseConfig(args, os.Getenv)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	db, err := storage.Open(ctx, cfg.DatabaseURL, cfg.sealer, cfg.Pool)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		return err
	}

	var loaded atomic.Bool
	loaded.Store(!cfg.Demo)
	ready := func(ctx context.Context) error {
		if !loaded.Load() {
			return errors.New("loading the demo district")
		}
		return db.Ping(ctx)
	}
	opts := cfg.API
	opts.Pool, opts.Logger = db.SQL, slog.Default()
	opts.Starting = func() bool { return !loaded.Load() }
	api, err := httpapi.NewAPI(ctx, db.Client, httpapi.Config{JWTSecret: cfg.JWTSecret, Ready: ready, Options: opts,
		Auth: authn.Config{HashMemory: cfg.HashMemory}})
	if err != nil {
		return err
	}
	srv := &http.Server{
		Addr:              cfg.Addr,
		Handler:           api.Handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second, // a body trickled in slowly does not hold a connection for ever
		WriteTimeout:      writeTimeout(cfg.API.RequestTimeout),
		IdleTimeout:       120 * time.Second,
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("cannot listen on %s: %w", cfg.Addr, err)
	}
	slog.Info("listening", "addr", ln.Addr().String(), "database", db.Dialect, "demo", cfg.Demo)

	if cfg.Demo {
		go loadDemo(ctx, db, cfg, &loaded)
	}
	return serve(ctx, srv, ln, cfg.ShutdownGrace)
}

// serve answers on ln until ctx ends (SIGINT, SIGTERM), then stops accepting connections and
// waits up to grace for the requests in flight to finish.
func serve(ctx context.Context, srv *http.Server, ln net.Listener, grace time.Duration) error {
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	select {
	case err := <-serveErr:
		return err
	case <-ctx.Done():
	}
	slog.Info("shutting down: finishing requests in flight", "grace_seconds", grace.Seconds())
	shutdownCtx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("requests still running after %s were cut off: %w", grace, err)
	}
	return nil
}

// writeTimeout leaves a request its time budget to answer, and some slack to send the answer.
func writeTimeout(budget time.Duration) time.Duration {
	if budget <= 0 {
		return 0
	}
	return budget + 15*time.Second
}

func loadDemo(ctx context.Context, db *storage.DB, cfg config, loaded *atomic.Bool) {
	hash, err := authn.HashPassword(cfg.DemoPassword)
	if err != nil {
		slog.Error("hashing the demo password", "error", err)
		return
	}
	res, err := demo.Ensure(ctx, db.Client, demo.Options{PasswordHash: hash})
	if err != nil {
		slog.Error("loading the demo district failed; the server stays unready", "error", err.Error())
		return
	}
	if res.Loaded {
		slog.Info("demo district loaded", "seconds", res.Duration.Seconds(), "rows", res.Counts)
		if cfg.demoPasswordGenerated {
			fmt.Fprintf(os.Stderr, "\n  Demo district loaded. Every demo account (admin, auditor, township01, village001, dept01, cadre0001, …)\n  has the password: %s\n  It is shown only this once; set DEMO_PASSWORD to choose it.\n\n", cfg.DemoPassword)
		}
	} else {
		slog.Info("demo district already present")
	}
	loaded.Store(true)
}
