// Command sbqw serves the GraphQL API of Nanpiao District's "十百千万" party-building programme.
//
//	go run . --demo                      # embedded SQLite in ./data with the demo district
//	go run . --db mysql://u:p@h:3306/db  # production: needs --jwt-secret and --data-key
//	go run . admin create --username NAME
package main

//go:generate go run -mod=mod ./ent/entc.go
//go:generate go run -mod=mod ./graph/gqlgenerate
//go:generate go run -mod=mod ./graph/schemaprint

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"
	"time"

	"entgo.io/ent/dialect"

	_ "github.com/nanpiao/sbqw/ent/runtime" // registers hooks, interceptors and privacy policies
	"github.com/nanpiao/sbqw/httpapi"

	"github.com/nanpiao/sbqw/attachments"
	"github.com/nanpiao/sbqw/authn"
	"github.com/nanpiao/sbqw/authz"
	"github.com/nanpiao/sbqw/demo"
	"github.com/nanpiao/sbqw/feed"
	"github.com/nanpiao/sbqw/internal/clock"
	"github.com/nanpiao/sbqw/internal/tracing"
	"github.com/nanpiao/sbqw/shared"
	"github.com/nanpiao/sbqw/storage"
	"github.com/nanpiao/sbqw/workflow"
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
	var help helpError
	if errors.As(err, &help) {
		fmt.Print(string(help))
		return nil
	}
	if err != nil {
		return err
	}
	clock.SetZone(cfg.Zone)
	if cfg.PprofAddr != "" {
		go servePprof(cfg.PprofAddr)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	db, err := storage.Open(ctx, cfg.DatabaseURL, cfg.sealer, cfg.Pool)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := migrateAtStart(ctx, db, cfg.AutoMigrate); err != nil {
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
	if cfg.OTelEndpoint != "" {
		tp, err := tracing.New(ctx, cfg.OTelEndpoint)
		if err != nil {
			return err
		}
		defer func() {
			// The last batch of spans leaves before the process does.
			flushCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			_ = tp.Shutdown(flushCtx)
		}()
		opts.TracerProvider = tp
		slog.Info("tracing on: spans exported by OTLP", "endpoint", cfg.OTelEndpoint)
	}
	opts.Starting = func() bool { return !loaded.Load() }
	authCfg := authn.Config{HashMemory: cfg.HashMemory}
	store, err := openShared(ctx, cfg, db)
	if err != nil {
		return err
	}
	if store != nil {
		defer store.Close()
		opts.Shared, authCfg.ThrottleStore = store, store
		go repeat(ctx, time.Hour, "prune shared state", store.Prune)
	}
	files, err := openAttachments(ctx, cfg, db)
	if err != nil {
		return err
	}
	defer files.Close()
	opts.Files = files
	api, err := httpapi.NewAPI(ctx, db.Client, httpapi.Config{JWTSecret: cfg.JWTSecret, Ready: ready, Options: opts,
		Auth: authCfg})
	if err != nil {
		return err
	}
	go repeat(ctx, time.Hour, "prune ended sessions", api.Auth.PruneSessions)
	if days := cfg.AuditRetentionDays; days > 0 {
		go repeat(ctx, time.Hour, "audit retention", func(ctx context.Context) (int, error) {
			return authz.PruneAuditTrail(ctx, db.Client, time.Now().AddDate(0, 0, -days))
		})
	}
	if days := cfg.FeedRetentionDays; days > 0 {
		go repeat(ctx, time.Hour, "change feed retention", func(ctx context.Context) (int, error) {
			return feed.Prune(ctx, db.Client, time.Now().AddDate(0, 0, -days))
		})
	}
	// The change feed's sequencer (one at a time across replicas) and this replica's live streams.
	go api.Live.Run(ctx, db.Client, feedInterval)
	go repeat(ctx, time.Second, "seal the audit chain", func(ctx context.Context) (int, error) {
		return authz.SealAuditChain(ctx, db.Client, 500)
	})
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
		go loadDemo(ctx, db, cfg, files, &loaded)
	}
	return serve(ctx, srv, ln, cfg.ShutdownGrace)
}

// openAttachments opens the attachment store and clears what interrupted uploads left: spooled
// temp files, and stored content no record refers to (older than --attachment-orphan-age, so
// that another replica's upload between storing its content and committing its row is spared).
func openAttachments(ctx context.Context, cfg config, db *storage.DB) (*attachments.Store, error) {
	files, err := attachments.Open(ctx, cfg.AttachmentsURL, cfg.AttachmentsTmp, cfg.AttachmentLimits)
	if err != nil {
		return nil, err
	}
	if n, err := files.CleanTemp(); err != nil {
		_ = files.Close()
		return nil, fmt.Errorf("attachments: cleaning %s: %w", cfg.AttachmentsTmp, err)
	} else if n > 0 {
		slog.Info("removed temp files of interrupted uploads", "files", n)
	}
	n, err := files.Sweep(ctx, cfg.AttachmentOrphans, func(ctx context.Context, hs []string) (map[string]bool, error) {
		return workflow.ReferencedContent(ctx, db.Client, hs)
	})
	if err != nil {
		slog.Warn("attachments: sweeping unreferenced content failed", "err", err)
	} else if n > 0 {
		slog.Info("removed attachment content no record refers to", "blobs", n)
	}
	return files, nil
}

// openShared opens where the state every replica must see alike lives (package shared):
// Redis with --redis; else the database, unless it is SQLite (one process: memory serves) or
// --shared-state=memory; nil for memory.
func openShared(ctx context.Context, cfg config, db *storage.DB) (shared.Store, error) {
	var store shared.Store
	switch {
	case cfg.RedisURL != "":
		r, err := shared.OpenRedis(ctx, cfg.RedisURL)
		if err != nil {
			return nil, err
		}
		store = r
	case cfg.SharedState == "database" || (cfg.SharedState == "auto" && db.Dialect != dialect.SQLite):
		store = shared.NewSQL(db.SQL, db.Dialect)
	default:
		slog.Info("rate limits, sign-in throttles and the APQ cache kept in this process (one replica only)")
		return nil, nil
	}
	slog.Info("rate limits, sign-in throttles and the APQ cache shared", "store", store.Kind())
	return store, nil
}

// feedInterval is how often the change feed's committed entries are positioned: the most a
// change waits before `changes` and the live streams show it.
const feedInterval = 250 * time.Millisecond

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

func loadDemo(ctx context.Context, db *storage.DB, cfg config, files *attachments.Store, loaded *atomic.Bool) {
	hash, err := authn.HashPassword(cfg.DemoPassword)
	if err != nil {
		slog.Error("hashing the demo password", "error", err)
		return
	}
	res, err := demo.Ensure(ctx, db.Client, demo.Options{PasswordHash: hash, Scale: cfg.DemoScale})
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
	if n, err := demo.Attachments(ctx, db.Client, files); err != nil {
		slog.Error("demo attachments failed", "error", err.Error())
	} else if n > 0 {
		slog.Info("demo attachments stored", "attachments", n)
	}
	loaded.Store(true)
}

// migrateAtStart refuses a database whose schema is behind the binary's, or brings it up to
// date when asked to (--auto-migrate, and always in demo mode).
func migrateAtStart(ctx context.Context, db *storage.DB, auto bool) error {
	if !auto {
		return db.CheckCurrent(ctx)
	}
	done, err := db.Apply(ctx)
	if len(done) > 0 {
		slog.Info("schema migrated", "applied", done)
	}
	return err
}

// servePprof serves Go's profiler on its own loopback listener (--pprof-addr), apart from the
// API: nothing of it is reachable through the API's address or its reverse proxy.
func servePprof(addr string) {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	slog.Info("profiler listening", "addr", addr)
	srv := &http.Server{Addr: addr, Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	if err := srv.ListenAndServe(); err != nil {
		slog.Error("profiler stopped", "err", err)
	}
}

// repeat runs a housekeeping job now and then every interval until ctx ends. Every replica runs
// them: each job is safe to run on several at once.
func repeat(ctx context.Context, interval time.Duration, job string, run func(context.Context) (int, error)) {
	for {
		if n, err := run(ctx); err != nil && ctx.Err() == nil {
			slog.Warn("housekeeping failed", "job", job, "err", err)
		} else if n > 0 {
			slog.Debug("housekeeping", "job", job, "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(interval):
		}
	}
}
