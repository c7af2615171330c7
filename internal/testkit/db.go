// Package testkit opens test databases and talks GraphQL to the real HTTP handler, so that
// every package tests against the same setup: in-memory SQLite by default, and MySQL/MariaDB
// when MYSQL_TEST_DSN is set (CI sets it).
package testkit

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"testing"

	"entgo.io/ent/dialect"

	"github.com/nanpiao/sbqw/ent"
	_ "github.com/nanpiao/sbqw/ent/runtime" // hooks, interceptors and privacy policies
	"github.com/nanpiao/sbqw/feed"
	"github.com/nanpiao/sbqw/pii"
	"github.com/nanpiao/sbqw/storage"
)

// MySQLEnv names the variable holding a MySQL URL (mysql://user[:pass]@host:port/db) of a
// server where tests may create and drop databases.
const MySQLEnv = "MYSQL_TEST_DSN"

// DataKey is the fixed data key of test databases.
var DataKey = make([]byte, pii.KeySize)

// Sealer seals personal data with DataKey.
func Sealer() *pii.Sealer {
	s, err := pii.NewSealer(DataKey)
	if err != nil {
		panic(err)
	}
	return s
}

// Backend says which database tests run on: "sqlite" or "mysql".
func Backend() string {
	if os.Getenv(MySQLEnv) != "" {
		return "mysql"
	}
	return "sqlite"
}

var seq atomic.Int64

// DB is a fresh, migrated test database with a statement counter.
type DB struct {
	*storage.DB
	Counter *Counter
	cleanup func()
}

// Close drops the database (MySQL) and closes the pool.
func (d *DB) Close() {
	_ = d.DB.Close()
	if d.cleanup != nil {
		d.cleanup()
	}
}

// Open returns a fresh, migrated database: a private in-memory SQLite database, or a new
// database on the MySQL server named by MYSQL_TEST_DSN (dropped by Close). It fails the test
// — never skips — when that server cannot be reached.
func Open(tb testing.TB) *DB {
	tb.Helper()
	db, err := OpenFresh(context.Background())
	if err != nil {
		tb.Fatalf("opening the test database (%s): %v", Backend(), err)
	}
	return db
}

// OpenFresh is Open for TestMain, where there is no testing.TB.
func OpenFresh(ctx context.Context) (*DB, error) {
	return openDB(ctx, "", true)
}

// openDB opens a new database — on SQLite the in-memory one named sqliteURI, or a new private
// one when it is empty — and migrates it when asked to.
func openDB(ctx context.Context, sqliteURI string, migrate bool) (*DB, error) {
	var (
		drv, dsn, dia string
		cleanup       func()
	)
	if raw := os.Getenv(MySQLEnv); raw != "" {
		name, drop, err := createMySQLDatabase(ctx, raw)
		if err != nil {
			return nil, err
		}
		u, _ := url.Parse(raw)
		u.Path = "/" + name
		_, dsn, _, err = storage.ParseURL(u.String())
		if err != nil {
			return nil, err
		}
		drv, dia, cleanup = "mysql", dialect.MySQL, drop
	} else {
		drv, dia = "sqlite", dialect.SQLite
		if sqliteURI == "" {
			sqliteURI = memoryURI("test")
		}
		dsn = storage.SQLiteDSN(sqliteURI)
	}
	raw, err := storage.OpenSQL(drv, dsn)
	if err != nil {
		return nil, err
	}
	if dia == dialect.SQLite {
		raw.SetMaxOpenConns(4)
	}
	counter := &Counter{Driver: storage.NewDriver(dia, raw)}
	client := ent.NewClient(ent.Driver(counter), ent.Sealer(Sealer()))
	client.Use(feed.Hook()) // as storage.Open does
	db := &DB{DB: &storage.DB{Client: client, SQL: raw, Dialect: dia}, Counter: counter, cleanup: cleanup}
	if !migrate {
		return db, nil
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// memoryURI names a new private in-memory SQLite database that every connection of one pool
// shares.
func memoryURI(prefix string) string {
	return fmt.Sprintf("file:%s%d_%s?mode=memory&cache=shared", prefix, seq.Add(1), randomSuffix())
}

func randomSuffix() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// createMySQLDatabase creates a uniquely named database on the server and returns its name
// and a function that drops it.
func createMySQLDatabase(ctx context.Context, raw string) (string, func(), error) {
	_, dsn, _, err := storage.ParseURL(raw)
	if err != nil {
		return "", nil, fmt.Errorf("%s: %w", MySQLEnv, err)
	}
	admin, err := sql.Open("mysql", dsn)
	if err != nil {
		return "", nil, err
	}
	if err := admin.PingContext(ctx); err != nil {
		_ = admin.Close()
		return "", nil, fmt.Errorf("MySQL at %s is unreachable: %w", MySQLEnv, err)
	}
	name := "sbqw_test_" + strings.ReplaceAll(fmt.Sprintf("%d_%d_%s", os.Getpid(), seq.Add(1), randomSuffix()), "-", "_")
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name+" CHARACTER SET utf8mb4"); err != nil {
		_ = admin.Close()
		return "", nil, err
	}
	return name, func() {
		_, _ = admin.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name)
		_ = admin.Close()
	}, nil
}

// Replica opens a second client on the same database, with its own counter and hooks: what
// another server process would have (tests of what replicas see of each other's changes).
// It shares the first one's pool, so it needs no closing of its own.
func (d *DB) Replica() *DB {
	var drv dialect.Driver = storage.NewDriver(d.Dialect, d.SQL)
	counter := &Counter{Driver: drv}
	client := ent.NewClient(ent.Driver(counter), ent.Sealer(Sealer()))
	return &DB{DB: &storage.DB{Client: client, SQL: d.SQL, Dialect: d.Dialect}, Counter: counter}
}
