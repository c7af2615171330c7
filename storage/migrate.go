package storage

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"strings"
	"time"

	"ariga.io/atlas/sql/migrate"
	atmysql "ariga.io/atlas/sql/mysql"
	"ariga.io/atlas/sql/schema"
	atsqlite "ariga.io/atlas/sql/sqlite"
	"entgo.io/ent/dialect"

	"github.com/nanpiao/sbqw/migrations"
)

// RevisionTable records the applied migration files, laid out like Atlas's own so that the
// atlas CLI can take over the directory later.
const RevisionTable = "atlas_schema_revisions"

// DirName is the directory under migrations/ holding a dialect's files.
func DirName(dia string) string {
	if dia == dialect.SQLite {
		return "sqlite"
	}
	return dia
}

// Dir returns the embedded migration directory of an ent dialect.
func Dir(dia string) (*migrate.MemDir, error) {
	sub, err := fs.Sub(migrations.FS, DirName(dia))
	if err != nil {
		return nil, err
	}
	entries, err := fs.ReadDir(sub, ".")
	if err != nil {
		return nil, fmt.Errorf("no migrations for %s: %w", dia, err)
	}
	dir := &migrate.MemDir{}
	for _, e := range entries {
		b, err := fs.ReadFile(sub, e.Name())
		if err != nil {
			return nil, err
		}
		if err := dir.WriteFile(e.Name(), b); err != nil {
			return nil, err
		}
	}
	return dir, nil
}

// MigrationStatus says where a database stands against the migration files.
type MigrationStatus struct {
	// Current is the last applied version, "" on an empty database.
	Current string
	// Applied lists the applied versions in order.
	Applied []string
	// Pending lists the files still to apply, e.g. "20261130150000_must_change_password.sql".
	Pending []string
	// Baseline is set when the database predates versioned migrations (its tables were made by
	// the release before them): it is taken to be at this version, the first file.
	Baseline string
}

// Behind is the refusal to serve a database whose schema is older than the binary's.
type Behind struct{ Status MigrationStatus }

func (e *Behind) Error() string {
	return fmt.Sprintf("the database schema is behind this version: %d pending migration(s) %s; run `sbqw admin migrate apply` (with the same --db) or start with --auto-migrate",
		len(e.Status.Pending), strings.Join(e.Status.Pending, ", "))
}

// Status reads the applied revisions and lists the pending files, without changing anything.
func (d *DB) Status(ctx context.Context) (MigrationStatus, error) {
	var st MigrationStatus
	err := d.withMigrator(ctx, false, func(ctx context.Context, m *migrator) error {
		var err error
		st, err = m.status(ctx, m.conn)
		return err
	})
	return st, err
}

// CheckCurrent returns a *Behind error when migration files are pending.
func (d *DB) CheckCurrent(ctx context.Context) error {
	st, err := d.Status(ctx)
	if err != nil {
		return err
	}
	if len(st.Pending) > 0 {
		return &Behind{Status: st}
	}
	return nil
}

// Apply applies every pending migration file, each in its own transaction on SQLite (MySQL
// commits DDL as it goes; a failed file stops the run and is reported with its statement).
// It returns the versions applied. Concurrent callers are serialized by a database lock.
func (d *DB) Apply(ctx context.Context) ([]string, error) {
	return d.ApplyThrough(ctx, "")
}

// ApplyThrough is Apply stopping after the file of version last ("": every file) — a database
// left at an earlier release's schema (the upgrade test).
func (d *DB) ApplyThrough(ctx context.Context, last string) ([]string, error) {
	var done []string
	err := d.withMigrator(ctx, true, func(ctx context.Context, m *migrator) error {
		for {
			v, err := m.applyNext(ctx, last)
			if err != nil || v == "" {
				return err
			}
			done = append(done, v)
		}
	})
	return done, err
}

// migrator runs Atlas's executor on one connection.
type migrator struct {
	dia  string
	conn *sql.Conn
	dir  *migrate.MemDir
}

func (d *DB) withMigrator(ctx context.Context, lock bool, fn func(context.Context, *migrator) error) error {
	dir, err := Dir(d.Dialect)
	if err != nil {
		return err
	}
	if err := migrate.Validate(dir); err != nil {
		return fmt.Errorf("the embedded migration directory is corrupt (atlas.sum): %w", err)
	}
	pool := d.SQL
	if d.migrateDSN != "" {
		// Altering a large table may take longer than the pool's statement limit allows.
		if pool, err = sql.Open("mysql", d.migrateDSN); err != nil {
			return err
		}
		defer pool.Close()
	}
	conn, err := pool.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	m := &migrator{dia: d.Dialect, conn: conn, dir: dir}
	if lock && d.Dialect == dialect.MySQL {
		// Two replicas started with --auto-migrate must not run the same file twice.
		var got sql.NullInt64
		if err := conn.QueryRowContext(ctx, "SELECT GET_LOCK('sbqw_migrate', 60)").Scan(&got); err != nil || got.Int64 != 1 {
			return fmt.Errorf("another process is migrating this database (lock sbqw_migrate not obtained in 60 s): %v", err)
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), "SELECT RELEASE_LOCK('sbqw_migrate')") //nolint:errcheck
	}
	if d.Dialect == dialect.SQLite {
		// Atlas rebuilds SQLite tables to change them (create new, copy, drop old, rename);
		// with foreign keys on, dropping a parent table would cascade into its children. The
		// pragma cannot change inside a transaction, so it is turned off on this connection
		// around the run and every file is checked with foreign_key_check before it commits.
		if _, err := conn.ExecContext(ctx, "PRAGMA foreign_keys = off"); err != nil {
			return err
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), "PRAGMA foreign_keys = on") //nolint:errcheck
	}
	return fn(ctx, m)
}

// executor builds Atlas's executor over q (the connection or a transaction on it).
func (m *migrator) executor(q schema.ExecQuerier) (*migrate.Executor, error) {
	var drv migrate.Driver
	var err error
	if m.dia == dialect.MySQL {
		drv, err = atmysql.Open(q)
	} else {
		drv, err = atsqlite.Open(q)
	}
	if err != nil {
		return nil, err
	}
	return migrate.NewExecutor(drv, m.dir, &revisions{q: q, mysql: m.dia == dialect.MySQL})
}

// baseline returns the first file's version when the database holds the platform's tables but
// no revisions: it was created by ent's automatic migration in the release before versioned
// migrations, whose schema is the first file.
func (m *migrator) baseline(ctx context.Context, q schema.ExecQuerier) (string, error) {
	query := "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'users'"
	if m.dia == dialect.MySQL {
		query = "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = 'users'"
	}
	var n int
	if err := scanOne(ctx, q, query, &n); err != nil || n == 0 {
		return "", err
	}
	files, err := m.dir.Files()
	if err != nil || len(files) == 0 {
		return "", err
	}
	return files[0].Version(), nil
}

// status reads where the database stands without writing anything. Files apply in version
// order; a file older than the last applied one that was never applied (a bad merge) is an
// error, not silently skipped.
func (m *migrator) status(ctx context.Context, q schema.ExecQuerier) (MigrationStatus, error) {
	var st MigrationStatus
	revs, err := (&revisions{q: q, mysql: m.dia == dialect.MySQL}).ReadRevisions(ctx)
	if err != nil {
		return st, err
	}
	applied := map[string]bool{}
	for _, r := range revs {
		if r.Applied != r.Total || r.Error != "" {
			return st, fmt.Errorf("migration %s was left half-applied (%d of %d statements): %s; repair the database by hand, then delete its row from %s", r.Version, r.Applied, r.Total, r.Error, RevisionTable)
		}
		st.Applied = append(st.Applied, r.Version)
		applied[r.Version] = true
	}
	if len(revs) == 0 {
		if st.Baseline, err = m.baseline(ctx, q); err != nil {
			return st, err
		}
		if st.Baseline != "" {
			st.Applied = []string{st.Baseline}
			applied[st.Baseline] = true
		}
	}
	if n := len(st.Applied); n > 0 {
		st.Current = st.Applied[n-1]
	}
	files, err := m.dir.Files()
	if err != nil {
		return st, err
	}
	for _, f := range files {
		switch {
		case applied[f.Version()]:
		case f.Version() < st.Current:
			return st, fmt.Errorf("migration %s is older than the applied %s but was never applied (were two branches merged?); give it a newer version", f.Name(), st.Current)
		default:
			st.Pending = append(st.Pending, f.Name())
		}
	}
	return st, nil
}

// applyNext applies the first pending file and returns its version, "" when none is left (or
// the next is newer than last, when set). The
// file runs in one transaction with the reading of the revisions, so that on SQLite (whose
// write transactions are immediate) two processes cannot both apply it; on MySQL GET_LOCK does
// that, DDL committing as it goes.
func (m *migrator) applyNext(ctx context.Context, last string) (string, error) {
	tx, err := m.conn.BeginTx(ctx, nil)
	if err != nil {
		return "", err
	}
	defer tx.Rollback() //nolint:errcheck
	st, err := m.status(ctx, tx)
	if err != nil || len(st.Pending) == 0 {
		return "", err
	}
	if v, _, _ := strings.Cut(st.Pending[0], "_"); last != "" && v > last {
		return "", nil // the next file is newer than asked for
	}
	files, err := m.dir.Files()
	if err != nil {
		return "", err
	}
	var f migrate.File
	for _, file := range files {
		if file.Name() == st.Pending[0] {
			f = file
		}
	}
	if st.Baseline != "" {
		// A database made before versioned migrations: record where it starts.
		rrw := &revisions{q: tx, mysql: m.dia == dialect.MySQL}
		if err := rrw.WriteRevision(ctx, &migrate.Revision{Version: st.Baseline, Description: "baseline (database made before versioned migrations)",
			Type: migrate.RevisionTypeBaseline, ExecutedAt: time.Now(), OperatorVersion: "sbqw"}); err != nil {
			return "", err
		}
	}
	ex, err := m.executor(tx)
	if err != nil {
		return "", err
	}
	if err := ex.Execute(ctx, f); err != nil {
		return "", fmt.Errorf("migration %s failed: %s", f.Name(), oneLine(err))
	}
	if m.dia == dialect.SQLite {
		rows, err := tx.QueryContext(ctx, "PRAGMA foreign_key_check")
		if err != nil {
			return "", err
		}
		bad := rows.Next()
		rows.Close()
		if bad {
			return "", fmt.Errorf("migration %s leaves rows whose foreign keys point nowhere (PRAGMA foreign_key_check)", f.Name())
		}
	}
	return f.Version(), tx.Commit()
}

func scanOne(ctx context.Context, q schema.ExecQuerier, query string, dst any) error {
	rows, err := q.QueryContext(ctx, query)
	if err != nil {
		return err
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return err
		}
		return sql.ErrNoRows
	}
	return rows.Scan(dst)
}

// revisions stores Atlas's revisions in RevisionTable.
type revisions struct {
	q     schema.ExecQuerier
	mysql bool
}

func (r *revisions) Ident() *migrate.TableIdent { return &migrate.TableIdent{Name: RevisionTable} }

func (r *revisions) ensure(ctx context.Context) error {
	ddl := `CREATE TABLE IF NOT EXISTS ` + RevisionTable + ` (
  version varchar(255) NOT NULL PRIMARY KEY,
  description varchar(255) NOT NULL,
  type bigint NOT NULL DEFAULT 2,
  applied bigint NOT NULL DEFAULT 0,
  total bigint NOT NULL DEFAULT 0,
  executed_at timestamp NOT NULL,
  execution_time bigint NOT NULL,
  error text NULL,
  error_stmt text NULL,
  hash varchar(255) NOT NULL,
  partial_hashes text NULL,
  operator_version varchar(255) NOT NULL
)`
	if r.mysql {
		ddl += " CHARSET utf8mb4 COLLATE utf8mb4_bin"
	}
	_, err := r.q.ExecContext(ctx, ddl)
	return err
}

func (r *revisions) exists(ctx context.Context) (bool, error) {
	query := "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '" + RevisionTable + "'"
	if r.mysql {
		query = "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = '" + RevisionTable + "'"
	}
	var n int
	err := scanOne(ctx, r.q, query, &n)
	return n > 0, err
}

const revisionColumns = "version, description, type, applied, total, executed_at, execution_time, error, error_stmt, hash, partial_hashes, operator_version"

func (r *revisions) ReadRevisions(ctx context.Context) ([]*migrate.Revision, error) {
	return r.read(ctx, "")
}

func (r *revisions) read(ctx context.Context, version string) ([]*migrate.Revision, error) {
	if ok, err := r.exists(ctx); err != nil || !ok {
		return nil, err
	}
	query := "SELECT " + revisionColumns + " FROM " + RevisionTable
	var args []any
	if version != "" {
		query += " WHERE version = ?"
		args = append(args, version)
	}
	rows, err := r.q.QueryContext(ctx, query+" ORDER BY version", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var revs []*migrate.Revision
	for rows.Next() {
		var (
			rev           migrate.Revision
			errText, stmt sql.NullString
			partial       sql.NullString
			execNanos     int64
			typ           int64
		)
		if err := rows.Scan(&rev.Version, &rev.Description, &typ, &rev.Applied, &rev.Total, &rev.ExecutedAt,
			&execNanos, &errText, &stmt, &rev.Hash, &partial, &rev.OperatorVersion); err != nil {
			return nil, err
		}
		rev.Type = migrate.RevisionType(typ)
		rev.ExecutionTime = time.Duration(execNanos)
		rev.Error, rev.ErrorStmt = errText.String, stmt.String
		if partial.String != "" {
			rev.PartialHashes = strings.Split(partial.String, ",")
		}
		revs = append(revs, &rev)
	}
	return revs, rows.Err()
}

func (r *revisions) ReadRevision(ctx context.Context, version string) (*migrate.Revision, error) {
	revs, err := r.read(ctx, version)
	if err != nil {
		return nil, err
	}
	if len(revs) == 0 {
		return nil, migrate.ErrRevisionNotExist
	}
	return revs[0], nil
}

func (r *revisions) WriteRevision(ctx context.Context, rev *migrate.Revision) error {
	if err := r.ensure(ctx); err != nil {
		return err
	}
	if _, err := r.q.ExecContext(ctx, "DELETE FROM "+RevisionTable+" WHERE version = ?", rev.Version); err != nil {
		return err
	}
	nullable := func(s string) any {
		if s == "" {
			return nil
		}
		return s
	}
	_, err := r.q.ExecContext(ctx, "INSERT INTO "+RevisionTable+" ("+revisionColumns+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		rev.Version, rev.Description, int64(rev.Type), rev.Applied, rev.Total, rev.ExecutedAt.UTC(), int64(rev.ExecutionTime),
		nullable(rev.Error), nullable(rev.ErrorStmt), rev.Hash, nullable(strings.Join(rev.PartialHashes, ",")), rev.OperatorVersion)
	return err
}

func (r *revisions) DeleteRevision(ctx context.Context, version string) error {
	_, err := r.q.ExecContext(ctx, "DELETE FROM "+RevisionTable+" WHERE version = ?", version)
	return err
}
