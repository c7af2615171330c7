// Command migrations writes a new versioned migration file for each dialect: the difference
// between the schema the existing files build (replayed on a scratch database) and the ent
// schema in ent/migrate.
//
//	go run ./cmd/migrations new add_widget                # SQLite (in memory) and MySQL
//	go run ./cmd/migrations new -dialect sqlite add_widget
//
// MySQL needs a MariaDB server to replay on: -mysql-dev (MYSQL_DEV_URL), by default
// mysql://root@127.0.0.1:3306/; a scratch database is created and dropped there. Review the
// files, then commit them with atlas.sum. `migrations lint` is the CI check (see
// migrations.Lint); `migrations hash` rewrites atlas.sum after a hand edit.
package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"text/template"
	"time"

	"ariga.io/atlas/sql/migrate"
	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
	"entgo.io/ent/dialect/sql/schema"

	entmigrate "github.com/nanpiao/sbqw/ent/migrate"
	"github.com/nanpiao/sbqw/migrations"
	"github.com/nanpiao/sbqw/storage"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "migrations:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	if len(args) > 0 && args[0] == "lint" {
		root := "migrations"
		if len(args) > 1 {
			root = args[1]
		}
		if problems := migrations.Lint(os.DirFS(root)); len(problems) > 0 {
			return errors.New("lint:\n" + strings.Join(problems, "\n"))
		}
		fmt.Println("migrations: directories intact, no unacknowledged destructive change")
		return nil
	}
	if len(args) > 0 && args[0] == "hash" {
		return rehash(args[1:])
	}
	if len(args) == 0 || args[0] != "new" {
		return errors.New("usage: migrations new [-dialect sqlite|mysql|all] [-mysql-dev URL] [-dir migrations] NAME | migrations hash [DIR...] | migrations lint [DIR]")
	}
	fs := flag.NewFlagSet("new", flag.ContinueOnError)
	dia := fs.String("dialect", "all", "sqlite, mysql or all")
	dev := fs.String("mysql-dev", envOr("MYSQL_DEV_URL", "mysql://root@127.0.0.1:3306/"), "MariaDB server for a scratch database (MYSQL_DEV_URL)")
	root := fs.String("dir", "migrations", "the migrations directory")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if fs.NArg() != 1 || strings.ContainsAny(fs.Arg(0), " /.") {
		return errors.New("give one name, in snake_case, e.g. add_widget")
	}
	name := fs.Arg(0)
	ctx := context.Background()
	// One version for every dialect, so that files pair up across directories.
	version := time.Now().UTC().Format("20060102150405")
	for _, d := range []string{dialect.SQLite, dialect.MySQL} {
		if *dia != "all" && *dia != storage.DirName(d) {
			continue
		}
		path := filepath.Join(*root, storage.DirName(d))
		wrote, err := diff(ctx, d, *dev, path, version, name)
		if err != nil {
			return fmt.Errorf("%s: %w", d, err)
		}
		if wrote {
			fmt.Printf("%s: wrote a new migration in %s\n", storage.DirName(d), path)
		} else {
			fmt.Printf("%s: no change, no file written\n", storage.DirName(d))
		}
	}
	return nil
}

// diff replays dir on a scratch database and writes the statements that bring it to the ent
// schema. It reports false when there is nothing to write.
func diff(ctx context.Context, dia, devURL, path, version, name string) (bool, error) {
	format := migrate.TemplateFormatter{{
		N: template.Must(template.New("name").Parse(version + "_{{ .Name }}.sql")),
		C: migrate.DefaultFormatter[0].C,
	}}
	if err := os.MkdirAll(path, 0o755); err != nil {
		return false, err
	}
	dir, err := migrate.NewLocalDir(path)
	if err != nil {
		return false, err
	}
	db, cleanup, err := scratch(ctx, dia, devURL)
	if err != nil {
		return false, err
	}
	defer cleanup()
	m, err := schema.NewMigrate(entsql.OpenDB(dia, db),
		schema.WithDir(dir),
		schema.WithMigrationMode(schema.ModeReplay),
		schema.WithDialect(dia),
		schema.WithFormatter(format),
		// Files say every change, drops included; the lint in .ci/run makes a destructive
		// one be acknowledged.
		schema.WithDropColumn(true),
		schema.WithDropIndex(true),
		schema.WithErrNoPlan(true),
	)
	if err != nil {
		return false, err
	}
	err = m.NamedDiff(ctx, name, entmigrate.Tables...)
	if errors.Is(err, migrate.ErrNoPlan) {
		return false, nil
	}
	return err == nil, err
}

// scratch opens an empty database: SQLite in memory, or a new database on the MariaDB server.
func scratch(ctx context.Context, dia, devURL string) (*sql.DB, func(), error) {
	if dia == dialect.SQLite {
		b := make([]byte, 6)
		_, _ = rand.Read(b)
		db, err := sql.Open("sqlite", storage.SQLiteDSN("file:dev"+hex.EncodeToString(b)+"?mode=memory"))
		if err != nil {
			return nil, nil, err
		}
		db.SetMaxOpenConns(1) // an in-memory database lives in its one connection
		return db, func() { db.Close() }, nil
	}
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	name := "sbqw_migrations_dev_" + hex.EncodeToString(b)
	_, dsn, _, err := storage.ParseURL(strings.TrimSuffix(devURL, "/") + "/" + name)
	if err != nil {
		return nil, nil, err
	}
	server, err := sql.Open("mysql", strings.Replace(dsn, "/"+name, "/", 1))
	if err != nil {
		return nil, nil, err
	}
	if _, err := server.ExecContext(ctx, "CREATE DATABASE "+name+" CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"); err != nil {
		server.Close()
		return nil, nil, fmt.Errorf("creating a scratch database on %s: %w", devURL, err)
	}
	db, err := sql.Open("mysql", dsn)
	if err != nil {
		return nil, nil, err
	}
	db.SetMaxOpenConns(1)
	return db, func() {
		db.Close()
		_, _ = server.ExecContext(context.Background(), "DROP DATABASE "+name)
		server.Close()
	}, nil
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// rehash rewrites atlas.sum after a file was edited by hand before it was released (e.g. to
// add data statements to a generated file), like `atlas migrate hash`.
func rehash(dirs []string) error {
	if len(dirs) == 0 {
		dirs = []string{"migrations/sqlite", "migrations/mysql"}
	}
	for _, p := range dirs {
		d, err := migrate.NewLocalDir(p)
		if err != nil {
			return err
		}
		sum, err := d.Checksum()
		if err != nil {
			return err
		}
		if err := migrate.WriteSumFile(d, sum); err != nil {
			return err
		}
	}
	return nil
}
