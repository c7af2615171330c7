// Package storage opens the database named by a URL — embedded SQLite by default, MySQL or
// MariaDB in production — and migrates the schema.
package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
	"github.com/go-sql-driver/mysql"
	_ "modernc.org/sqlite" // registers the pure-Go "sqlite" driver

	"github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/feed"
	"github.com/nanpiao/sbqw/pii"
)

// Pool tunes the connection pool (MySQL; SQLite keeps its own small pool).
type Pool struct {
	MaxOpen     int
	MaxIdle     int
	MaxLifetime time.Duration
	// StatementTimeout is the database's own limit on one statement (MariaDB
	// max_statement_time, set on every session; 0: none). A request's time budget cancels its
	// work on the client side, but a MariaDB statement goes on running on the server after its
	// connection is dropped — this stops it there. SQLite is interrupted through the request's
	// context instead (modernc.org/sqlite calls sqlite3_interrupt when it ends). Migrations run
	// without it.
	StatementTimeout time.Duration
}

// DefaultPool suits a single replica on a small machine. As many idle connections are kept as
// may be open, so a burst does not close and reopen connections (a TCP and authentication
// round trip each on MySQL).
var DefaultPool = Pool{MaxOpen: 20, MaxIdle: 20, MaxLifetime: 30 * time.Minute, StatementTimeout: 10 * time.Second}

// DB is an open database: the ent client for everything, the raw handle for health checks and
// pool metrics.
type DB struct {
	Client  *ent.Client
	SQL     *sql.DB
	Dialect string
	// Path is the SQLite file, "" for MySQL.
	Path string
	// migrateDSN opens the connections migrations run on, without the statement limit ("":
	// migrate through the pool).
	migrateDSN string

	url string // for tools that connect on their own (mariadb-dump)
}

// Close closes the client and the pool.
func (d *DB) Close() error { return d.Client.Close() }

// Ping checks that the database answers within the context's deadline.
func (d *DB) Ping(ctx context.Context) error { return d.SQL.PingContext(ctx) }

// Open parses a database URL — sqlite:<path> or mysql://user[:pass]@host:port/dbname — opens a
// pool and checks that the database answers.
func Open(ctx context.Context, rawURL string, sealer *pii.Sealer, pool Pool) (*DB, error) {
	driver, dsn, path, err := ParseURL(rawURL)
	if err != nil {
		return nil, err
	}
	if path != "" {
		if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
			return nil, fmt.Errorf("cannot create the directory for %s: %w", path, err)
		}
	}
	migrateDSN := ""
	if driver == "mysql" && pool.StatementTimeout > 0 {
		migrateDSN = dsn
		if dsn, err = withStatementTimeout(dsn, pool.StatementTimeout); err != nil {
			return nil, err
		}
	}
	db, err := OpenSQL(driver, dsn)
	if err != nil {
		return nil, fmt.Errorf("cannot open database: %w", err)
	}
	dia := dialect.SQLite
	if driver == "mysql" {
		dia = dialect.MySQL
		sizeMySQLPool(db, pool)
	} else {
		// WAL lets readers run beside the one writer; _txlock=immediate makes writers queue on
		// busy_timeout instead of failing with SQLITE_BUSY half-way through a transaction.
		db.SetMaxOpenConns(max(pool.MaxOpen, 4))
		db.SetMaxIdleConns(max(pool.MaxIdle, 4))
	}
	pingCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := db.PingContext(pingCtx); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("database unreachable: %s", oneLine(err))
	}
	if driver == "mysql" {
		if err := checkAutoIncrement(pingCtx, db); err != nil {
			_ = db.Close()
			return nil, err
		}
		if galera, causal := causalReads(pingCtx, db, dsn); galera != dsn {
			_ = db.Close()
			if db, err = reopen(pingCtx, galera, pool); err != nil {
				return nil, err
			}
		} else if causal != nil {
			_ = db.Close()
			return nil, causal
		}
	}
	client := ent.NewClient(ent.Driver(NewDriver(dia, db)), ent.Sealer(sealer))
	client.Use(feed.Hook()) // every record write leaves its change-feed entry (feed/)
	return &DB{Client: client, SQL: db, Dialect: dia, Path: path, migrateDSN: migrateDSN, url: rawURL}, nil
}

// checkAutoIncrement refuses a server whose AUTO_INCREMENT steps by more than one: ent's bulk
// inserts on MySQL number the rows LAST_INSERT_ID()+i, so with a step of 3 (Galera's default,
// wsrep_auto_increment_control) every row after the first would get another row's ID and its
// children the wrong parent. See docs/databases.md.
func checkAutoIncrement(ctx context.Context, db *sql.DB) error {
	var step int
	if err := db.QueryRowContext(ctx, "SELECT @@auto_increment_increment").Scan(&step); err != nil {
		return fmt.Errorf("database unreachable: %s", oneLine(err))
	}
	if step != 1 {
		return fmt.Errorf("the database's auto_increment_increment is %d; this server needs 1 (bulk inserts number rows consecutively). "+
			"On a Galera cluster set wsrep_auto_increment_control=OFF and send writes to one node at a time (docs/databases.md)", step)
	}
	return nil
}

// causalReads returns dsn with wsrep_sync_wait=1 when the server is a Galera node and the URL
// does not choose a value itself. A Galera node applies other nodes' commits a little after they
// were acknowledged; once the load balancer moves this server to another node (the writer
// died), a read there without the wait could miss a session or a row committed a moment
// before — and answer "not signed in" or "not found" for what exists. With it, every read
// first waits until the node has applied what the cluster committed before the read began.
func causalReads(ctx context.Context, db *sql.DB, dsn string) (string, error) {
	var on sql.NullString
	// MySQL has no wsrep_on: not a Galera node, nothing to do.
	if err := db.QueryRowContext(ctx, "SELECT @@wsrep_on").Scan(&on); err != nil || (on.String != "1" && !strings.EqualFold(on.String, "ON")) {
		return dsn, nil
	}
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		return dsn, fmt.Errorf("cannot read the MySQL DSN: %s", oneLine(err))
	}
	if cfg.Params == nil {
		cfg.Params = map[string]string{}
	}
	if _, set := cfg.Params["wsrep_sync_wait"]; set {
		return dsn, nil
	}
	cfg.Params["wsrep_sync_wait"] = "1"
	return cfg.FormatDSN(), nil
}

// reopen opens the MySQL pool again with a changed DSN.
func reopen(ctx context.Context, dsn string, pool Pool) (*sql.DB, error) {
	db, err := OpenSQL("mysql", dsn)
	if err != nil {
		return nil, fmt.Errorf("cannot open database: %w", err)
	}
	sizeMySQLPool(db, pool)
	if err := db.PingContext(ctx); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("database unreachable: %s", oneLine(err))
	}
	return db, nil
}

func sizeMySQLPool(db *sql.DB, pool Pool) {
	db.SetMaxOpenConns(pool.MaxOpen)
	db.SetMaxIdleConns(pool.MaxIdle)
	db.SetConnMaxLifetime(pool.MaxLifetime)
}

// withStatementTimeout adds MariaDB's max_statement_time (seconds) to a MySQL DSN's session
// variables, unless the database URL sets it itself.
func withStatementTimeout(dsn string, d time.Duration) (string, error) {
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		return "", fmt.Errorf("cannot read the MySQL DSN: %s", oneLine(err))
	}
	if cfg.Params == nil {
		cfg.Params = map[string]string{}
	}
	if _, set := cfg.Params["max_statement_time"]; !set {
		cfg.Params["max_statement_time"] = strconv.FormatFloat(d.Seconds(), 'f', -1, 64)
	}
	return cfg.FormatDSN(), nil
}

// NewDriver is the ent driver over a pool. On MySQL its transactions run at READ COMMITTED:
// a rule that locks a parent row and then reads (workflow.LockRow) must see what the transaction
// it waited for wrote, and under the default REPEATABLE READ it would read its older snapshot
// instead. SQLite transactions are serialisable already. Statements run within a traced
// request get spans (tracedDriver). Open the pool with OpenSQL, so that a MySQL transaction's
// COMMIT and ROLLBACK end with its context.
func NewDriver(dia string, db *sql.DB) dialect.Driver {
	drv := entsql.OpenDB(dia, db)
	if dia != dialect.MySQL {
		return tracedDriver{drv}
	}
	return tracedDriver{readCommitted{drv}}
}

type readCommitted struct{ *entsql.Driver }

func (d readCommitted) Tx(ctx context.Context) (dialect.Tx, error) {
	return d.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelReadCommitted})
}

// ParseURL turns a database URL into a driver name and DSN (and the file path for SQLite).
func ParseURL(raw string) (driver, dsn, path string, err error) {
	switch {
	case strings.HasPrefix(raw, "sqlite:"):
		path = strings.TrimPrefix(strings.TrimPrefix(raw, "sqlite:"), "//")
		if path == "" {
			return "", "", "", errors.New("database URL sqlite: needs a file path, e.g. sqlite:data/app.db")
		}
		return "sqlite", SQLiteDSN(path), path, nil
	case strings.HasPrefix(raw, "mysql://"):
		dsn, err := mysqlDSN(raw)
		return "mysql", dsn, "", err
	}
	return "", "", "", fmt.Errorf("database URL must start with sqlite: or mysql:// (got %q)", redact(raw))
}

// SQLiteDSN is the modernc.org/sqlite DSN for a file (or ":memory:"-style name) with the pragmas
// the platform needs: foreign keys on, WAL, a busy timeout, immediate write transactions and
// times stored in a form that scans back.
func SQLiteDSN(path string) string {
	v := url.Values{}
	v.Add("_pragma", "foreign_keys(1)")
	v.Add("_pragma", "busy_timeout(10000)")
	if !strings.HasPrefix(path, "file::memory:") {
		v.Add("_pragma", "journal_mode(WAL)")
		v.Add("_pragma", "synchronous(NORMAL)")
	}
	v.Set("_time_format", "sqlite")
	v.Set("_txlock", "immediate")
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	return "file:" + strings.TrimPrefix(path, "file:") + sep + v.Encode()
}

func mysqlDSN(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("malformed database URL %q", redact(raw))
	}
	name := strings.TrimPrefix(u.Path, "/")
	if u.Host == "" || name == "" || u.User == nil || u.User.Username() == "" {
		return "", fmt.Errorf("database URL must look like mysql://user[:password]@host:port/dbname (got %q)", redact(raw))
	}
	cfg := mysql.NewConfig()
	cfg.User = u.User.Username()
	cfg.Passwd, _ = u.User.Password()
	cfg.Net = "tcp"
	cfg.Addr = u.Host
	if u.Port() == "" {
		cfg.Addr += ":3306"
	}
	cfg.DBName = name
	cfg.ParseTime = true
	cfg.Loc = time.UTC
	cfg.Collation = "utf8mb4_general_ci"
	cfg.Timeout = 5 * time.Second
	cfg.Params = map[string]string{"time_zone": "'+00:00'"}
	// Without it every statement with arguments is prepared, executed and closed on the
	// server: three round trips instead of one. The connection's character set (utf8mb4) is
	// one the driver escapes safely.
	cfg.InterpolateParams = true
	for k, vs := range u.Query() {
		cfg.Params[k] = vs[0]
	}
	return cfg.FormatDSN(), nil
}

// redact hides a password in a URL for error messages.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

func oneLine(err error) string { return strings.ReplaceAll(err.Error(), "\n", " ") }

// Migrate creates or upgrades the schema with ent's automatic migration, then removes what
// older versions kept in clear. Test databases use it; deployments change their schema only
// through the versioned files (Apply), whose forget_clear_personal_data file does the same
// clean-up once.
func (d *DB) Migrate(ctx context.Context) error {
	m := d
	if d.migrateDSN != "" { // altering a large table may take longer than a statement may
		raw, err := sql.Open("mysql", d.migrateDSN)
		if err != nil {
			return fmt.Errorf("migrating the schema: %s", oneLine(err))
		}
		m = &DB{Client: ent.NewClient(ent.Driver(NewDriver(dialect.MySQL, raw))), SQL: raw, Dialect: d.Dialect}
		defer m.Client.Close()
	}
	if err := m.Client.Schema.Create(ctx); err != nil {
		return fmt.Errorf("migrating the schema: %s", oneLine(err))
	}
	if err := m.forgetClearPersonalData(ctx); err != nil {
		return fmt.Errorf("migrating the schema: %s", oneLine(err))
	}
	return nil
}

// forgetClearPersonalData upgrades a database written before personal values were kept sealed
// only: older versions stored the masked ID number and phone and the full birth date in clear
// beside the sealed values, which together rebuild the ID number. The masked columns are
// emptied (reads now derive them from the sealed value) and the birth_date columns dropped.
// Each step is idempotent: a database already upgraded is left as it is.
func (d *DB) forgetClearPersonalData(ctx context.Context) error {
	for _, stmt := range []string{
		"UPDATE residents SET id_number = '' WHERE id_number <> ''",
		"UPDATE party_members SET id_number = '' WHERE id_number <> ''",
		"UPDATE residents SET phone = '' WHERE phone <> ''",
		"UPDATE party_members SET phone = '' WHERE phone <> ''",
		"UPDATE cadres SET phone = '' WHERE phone <> ''",
	} {
		if _, err := d.SQL.ExecContext(ctx, stmt); err != nil {
			return err
		}
	}
	for _, table := range []string{"residents", "party_members"} {
		has, err := d.hasColumn(ctx, table, "birth_date")
		if err != nil {
			return err
		}
		if has {
			if _, err := d.SQL.ExecContext(ctx, "ALTER TABLE "+table+" DROP COLUMN birth_date"); err != nil {
				return err
			}
		}
	}
	return nil
}

func (d *DB) hasColumn(ctx context.Context, table, column string) (bool, error) {
	q := "SELECT COUNT(*) FROM pragma_table_info(?) WHERE name = ?"
	args := []any{table, column}
	if d.Dialect != dialect.SQLite {
		q = "SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = ? AND column_name = ?"
	}
	var n int
	err := d.SQL.QueryRowContext(ctx, q, args...).Scan(&n)
	return n > 0, err
}
