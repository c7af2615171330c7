// Command sbqw serves the GraphQL API of Nanpiao District's "十百千万" party-building programme.
//
//	go run . --demo                      # embedded SQLite in ./data with the demo district
//	go run . --db mysql://u:p@h:3306/db  # production: needs --jwt-secret and --data-key
//	go run . admin create --username NAME
package main

//go:generate go run -mod=mod ./ent/entc.go
//go:generate go run -mod=mod github.com/99designs/gqlgen generate

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"
	"time"

	_ "github.com/nanpiao/sbqw/ent/runtime" // registers hooks, interceptors and privacy policies

	"github.com/nanpiao/sbqw/authn"
	"github.com/nanpiao/sbqw/demo"
	"github.com/nanpiao/sbqw/graph"
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
	api, err := graph.NewAPI(ctx, db.Client, graph.Config{JWTSecret: cfg.JWTSecret, Ready: ready})
	if err != nil {
		return err
	}
	srv := &http.Server{
		Addr:              cfg.Addr,
		Handler:           whenReady(api.Handler, &loaded),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       120 * time.Second,
	}
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.ListenAndServe() }()
	slog.Info("listening", "addr", cfg.Addr, "database", db.Dialect, "demo", cfg.Demo)

	if cfg.Demo {
		go loadDemo(ctx, db, cfg, &loaded)
	}

	select {
	case err := <-serveErr:
		return err
	case <-ctx.Done():
	}
	slog.Info("shutting down: finishing requests in flight")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	return srv.Shutdown(shutdownCtx)
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

// whenReady answers GraphQL requests with 503 until the demo district has loaded; the probes
// and GraphiQL answer meanwhile.
func whenReady(next http.Handler, loaded *atomic.Bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !loaded.Load() && r.URL.Path == "/graphql" {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Retry-After", "5")
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte(`{"errors":[{"message":"starting up: the demo district is loading (系统启动中)","extensions":{"code":"INTERNAL","retryAfterSeconds":5}}]}`))
			return
		}
		next.ServeHTTP(w, r)
	})
}
