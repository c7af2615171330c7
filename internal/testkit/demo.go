package testkit

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"modernc.org/sqlite"

	"github.com/nanpiao/sbqw/attachments"
	"github.com/nanpiao/sbqw/demo"
	"github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/ent/migrate"
	"github.com/nanpiao/sbqw/internal/clock"
	"github.com/nanpiao/sbqw/storage"
)

// LoadDemo opens a fresh test database holding the demo district. The district is loaded once
// into a template database shared by the test binaries of the same code (demoKey) and copied
// for each test — a copy costs a fraction of a load, and every test still gets a database of
// its own to write to.
func LoadDemo(tb testing.TB) *DB {
	tb.Helper()
	if err := demoTemplate.make(); err != nil {
		tb.Fatalf("loading the demo district: %v", err)
	}
	// SQLite: the copy brings the schema with the rows, so the database is not migrated first.
	db, err := openDB(context.Background(), "", Backend() == "mysql")
	if err != nil {
		tb.Fatalf("opening the test database (%s): %v", Backend(), err)
	}
	tb.Cleanup(db.Close)
	if err := demoTemplate.copyInto(context.Background(), db); err != nil {
		tb.Fatalf("copying the demo district: %v", err)
	}
	return db
}

// template is the demo district loaded once for every test binary of the same code: a SQLite
// file in the temporary directory, or a database on the MySQL server of MySQLEnv.
type template struct {
	once sync.Once
	err  error
	db   *DB
	keep *sql.Conn // SQLite: keeps the in-memory template alive
	uri  string    // SQLite: the shared-cache URI other connections restore from
	name string    // MySQL: the template database
	// blobs is the attachment store directory holding the content of the template's demo
	// attachments (demo.Attachments): CopyDemoBlobs puts it into a test's own store.
	blobs string
}

var demoTemplate template

func (t *template) make() error {
	t.once.Do(func() {
		ctx := context.Background()
		key, err := demoKey()
		if err != nil {
			t.err = err
			return
		}
		if Backend() == "sqlite" {
			t.uri, t.err = sqliteTemplate(ctx, key)
			t.blobs = t.uri + ".blobs"
			return
		}
		dropStaleTemplates(ctx)
		t.name, t.err = mysqlTemplate(ctx, key)
		t.blobs = filepath.Join(os.TempDir(), t.name+".blobs")
	})
	return t.err
}

// demoKey names the demo district this code loads: a hash of every non-test Go file and
// migration of the module, and of the day (the demo's dates count from today). Test binaries
// of one build share the loaded district through it — each package used to load its own — and
// any change to the code makes a new one.
func demoKey() (string, error) {
	root, err := moduleRoot()
	if err != nil {
		return "", err
	}
	h := sha256.New()
	fmt.Fprintln(h, clock.Today().Format(time.DateOnly))
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") || d.Name() == "node_modules" || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if d.IsDir() || strings.HasSuffix(path, "_test.go") || !(strings.HasSuffix(path, ".go") || strings.HasSuffix(path, ".sql")) {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s %d\n", path[len(root):], len(b))
		h.Write(b)
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("hashing the module's code: %w", err)
	}
	return hex.EncodeToString(h.Sum(nil))[:16], nil
}

func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the test's directory")
		}
		dir = parent
	}
}

// sqliteTemplate returns the path of a SQLite file holding the demo district of key, loading
// it first unless another test binary has. A lock file makes the others wait for the one
// loading; the file appears under its final name only once complete.
func sqliteTemplate(ctx context.Context, key string) (string, error) {
	path := filepath.Join(os.TempDir(), "sbqw-demo-"+key+".db")
	unlock, err := lockFile(path + ".lock")
	if err != nil {
		return "", err
	}
	defer unlock()
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	// Templates of other code a day old go; a younger one may be in use by another checkout.
	if others, err := filepath.Glob(filepath.Join(os.TempDir(), "sbqw-demo-*.db")); err == nil {
		for _, f := range others {
			if fi, err := os.Stat(f); err == nil && time.Since(fi.ModTime()) > 24*time.Hour {
				_ = os.Remove(f)
				_ = os.RemoveAll(f + ".blobs")
			}
		}
	}
	tmp := path + ".loading"
	for _, f := range []string{tmp, tmp + "-wal", tmp + "-shm"} {
		_ = os.Remove(f)
	}
	db, err := openDB(ctx, tmp, true)
	if err != nil {
		return "", err
	}
	_, err = demo.Ensure(ctx, db.Client, demo.Options{PasswordHash: PasswordHash()})
	if err == nil {
		err = demoAttachments(ctx, db.Client, path+".blobs")
	}
	if err == nil {
		// One file, no write-ahead log beside it, before it is renamed into place.
		_, err = db.SQL.ExecContext(ctx, "PRAGMA journal_mode=DELETE")
	}
	db.Close()
	if err != nil {
		return "", err
	}
	return path, os.Rename(tmp, path)
}

// lockFile takes path as a lock (created exclusively), waiting while another process holds it;
// a lock older than ten minutes belonged to a process that died and is taken over.
func lockFile(path string) (func(), error) {
	for deadline := time.Now().Add(15 * time.Minute); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
		if err == nil {
			f.Close()
			return func() { _ = os.Remove(path) }, nil
		}
		if fi, serr := os.Stat(path); serr == nil && time.Since(fi.ModTime()) > 10*time.Minute {
			_ = os.Remove(path)
		}
	}
	return nil, fmt.Errorf("waited 15 minutes for %s", path)
}

// mysqlTemplate returns the name of a database holding the demo district of key, loading it
// first unless another test binary has (a named server lock makes the others wait; a load
// cut short is found half-loaded by demo.Ensure and done again).
func mysqlTemplate(ctx context.Context, key string) (string, error) {
	_, dsn, _, err := storage.ParseURL(os.Getenv(MySQLEnv))
	if err != nil {
		return "", err
	}
	admin, err := sql.Open("mysql", dsn)
	if err != nil {
		return "", err
	}
	defer admin.Close()
	conn, err := admin.Conn(ctx)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	var got sql.NullInt64
	if err := conn.QueryRowContext(ctx, "SELECT GET_LOCK('sbqw_demo_template', 900)").Scan(&got); err != nil || got.Int64 != 1 {
		return "", fmt.Errorf("waiting for the demo template lock: %v", err)
	}
	defer conn.ExecContext(ctx, "SELECT RELEASE_LOCK('sbqw_demo_template')") //nolint:errcheck // released with the connection anyway
	name := "sbqw_demo_" + key
	// Templates of other code a day old are dropped; a younger one may be in use by another
	// checkout's tests right now.
	rows, err := conn.QueryContext(ctx, `SELECT TABLE_SCHEMA FROM information_schema.TABLES
		WHERE TABLE_SCHEMA LIKE 'sbqw\\_demo\\_%' GROUP BY TABLE_SCHEMA HAVING MAX(CREATE_TIME) < NOW() - INTERVAL 1 DAY`)
	if err != nil {
		return "", err
	}
	var old []string
	for rows.Next() {
		var n string
		if rows.Scan(&n) == nil && n != name {
			old = append(old, n)
		}
	}
	rows.Close()
	for _, n := range old {
		_, _ = conn.ExecContext(ctx, "DROP DATABASE IF EXISTS `"+n+"`")
	}
	if _, err := conn.ExecContext(ctx, "CREATE DATABASE IF NOT EXISTS `"+name+"` CHARACTER SET utf8mb4"); err != nil {
		return "", err
	}
	u, _ := url.Parse(os.Getenv(MySQLEnv))
	u.Path = "/" + name
	db, err := storage.Open(ctx, u.String(), Sealer(), storage.Pool{MaxOpen: 4, MaxIdle: 1})
	if err != nil {
		return "", err
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		return "", err
	}
	if _, err := demo.Ensure(ctx, db.Client, demo.Options{PasswordHash: PasswordHash()}); err != nil {
		return "", err
	}
	blobs := filepath.Join(os.TempDir(), name+".blobs")
	if _, err := os.Stat(blobs); err != nil {
		// Rows without their content (a load cut short, another machine's files): again.
		if _, err := db.Client.ExecContext(ctx, "DELETE FROM attachments"); err != nil {
			return "", err
		}
		if err := demoAttachments(ctx, db.Client, blobs); err != nil {
			return "", err
		}
	}
	return name, nil
}

// demoAttachments adds the demo district's attachments (demo.Attachments) with their content
// in an attachment store at dir, which appears under that name only once complete.
func demoAttachments(ctx context.Context, client *ent.Client, dir string) error {
	tmp := dir + ".loading"
	_ = os.RemoveAll(tmp)
	store, err := attachments.Open(ctx, filepath.Join(tmp, "blobs"), filepath.Join(tmp, "tmp"), attachments.Limits{})
	if err != nil {
		return err
	}
	_, err = demo.Attachments(ctx, client, store)
	if cerr := store.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("demo attachments: %w", err)
	}
	_ = os.RemoveAll(dir)
	return os.Rename(filepath.Join(tmp, "blobs"), dir)
}

// CopyDemoBlobs copies the content of the demo district's attachments into dir, the directory
// of a test's own attachment store (created if absent), so that their downloads work.
func CopyDemoBlobs(tb testing.TB, dir string) {
	tb.Helper()
	if err := demoTemplate.make(); err != nil {
		tb.Fatalf("loading the demo district: %v", err)
	}
	err := filepath.WalkDir(demoTemplate.blobs, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(demoTemplate.blobs, path)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dir, rel), 0o700)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, rel), b, 0o600)
	})
	if err != nil {
		tb.Fatalf("copying the demo attachments' content: %v", err)
	}
}

// copyInto fills a fresh, migrated database with the template's rows.
func (t *template) copyInto(ctx context.Context, db *DB) error {
	if db.Dialect != "mysql" {
		return restoreSQLite(ctx, db.SQL, t.uri)
	}
	conn, err := db.SQL.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	var target string
	if err := conn.QueryRowContext(ctx, "SELECT DATABASE()").Scan(&target); err != nil {
		return err
	}
	if _, err := conn.ExecContext(ctx, "SET FOREIGN_KEY_CHECKS = 0"); err != nil {
		return err
	}
	defer conn.ExecContext(ctx, "SET FOREIGN_KEY_CHECKS = 1") //nolint:errcheck // the connection is dropped with the test database
	// The tables come from the migration schema: both databases were migrated by the same
	// code, so their columns are in the same order; AUTO_INCREMENT moves past the copied IDs
	// and stays at the migration's global-ID range start in tables left empty.
	for _, tb := range migrate.Tables {
		q := fmt.Sprintf("INSERT INTO `%s`.`%s` SELECT * FROM `%s`.`%s`", target, tb.Name, t.name, tb.Name)
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("copying %s: %w", tb.Name, err)
		}
	}
	return nil
}

// restoreSQLite copies the database at uri, page by page, into the one db's pool opens (SQLite's
// online backup, run in reverse).
func restoreSQLite(ctx context.Context, db *sql.DB, uri string) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		r, ok := dc.(interface {
			NewRestore(string) (*sqlite.Backup, error)
		})
		if !ok {
			return fmt.Errorf("the SQLite driver cannot restore (%T)", dc)
		}
		b, err := r.NewRestore(uri)
		if err != nil {
			return err
		}
		for more := true; more; {
			if more, err = b.Step(-1); err != nil {
				_ = b.Finish()
				return err
			}
		}
		return b.Finish()
	})
}

// dropStaleTemplates drops test databases of processes that are no longer running: a template
// outlives the tests of its binary, which have no hook to drop it. Only for a server on this
// machine, where a process ID in a database's name can be looked up.
func dropStaleTemplates(ctx context.Context) {
	raw := os.Getenv(MySQLEnv)
	u, err := url.Parse(raw)
	if err != nil || (u.Hostname() != "127.0.0.1" && u.Hostname() != "localhost") {
		return
	}
	_, dsn, _, err := storage.ParseURL(raw)
	if err != nil {
		return
	}
	admin, err := sql.Open("mysql", dsn)
	if err != nil {
		return
	}
	defer admin.Close()
	rows, err := admin.QueryContext(ctx, "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE 'sbqw\\_test\\_%'")
	if err != nil {
		return
	}
	var stale []string
	for rows.Next() {
		var name string
		if rows.Scan(&name) != nil {
			continue
		}
		// sbqw_test_<pid>_<seq>_<suffix>
		parts := strings.Split(name, "_")
		if len(parts) < 4 {
			continue
		}
		pid, err := strconv.Atoi(parts[2])
		if err != nil || pid == os.Getpid() {
			continue
		}
		if _, err := os.Stat("/proc/" + strconv.Itoa(pid)); os.IsNotExist(err) {
			stale = append(stale, name)
		}
	}
	rows.Close()
	for _, name := range stale {
		_, _ = admin.ExecContext(ctx, "DROP DATABASE IF EXISTS `"+name+"`")
	}
}
