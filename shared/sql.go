package shared

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"entgo.io/ent/dialect"
	"github.com/go-sql-driver/mysql"
)

// SQL is the store in the database's shared_states table. Every operation is one statement
// (an upsert with RETURNING, a SELECT or a DELETE) in its own autocommit transaction, so it
// never waits for a request's transaction. It needs MariaDB ≥ 10.5 or SQLite ≥ 3.35 (RETURNING);
// with MySQL or TiDB use Redis.
type SQL struct {
	db      *sql.DB
	dialect string
	now     func() time.Time
}

// NewSQL returns the store on db; dialectName is ent's (dialect.MySQL or dialect.SQLite).
func NewSQL(db *sql.DB, dialectName string) *SQL {
	return &SQL{db: db, dialect: dialectName, now: time.Now}
}

func (s *SQL) Kind() string { return "database" }
func (s *SQL) Close() error { return nil }

func (s *SQL) mysql() bool { return s.dialect == dialect.MySQL }

// Take: the bucket's row holds in n the theoretical arrival time (TAT) in Unix ms. n requests
// are allowed when max(TAT, now) + n·every − now ≤ every × burst, and then move the TAT on by
// n·every. MariaDB evaluates ON DUPLICATE KEY UPDATE assignments left to right, each seeing the
// ones before; SQLite's DO UPDATE sees only the old row, so it repeats the condition.
func (s *SQL) Take(ctx context.Context, key string, every time.Duration, burst, n int) (time.Duration, error) {
	now := s.now().UnixMilli()
	limit := max(every.Milliseconds(), 1) * int64(max(burst, 1))
	t := max(every.Milliseconds(), 1) * int64(max(n, 1)) // the cost of n requests
	var q string
	var args []any
	if s.mysql() {
		q = "INSERT INTO shared_states (name, n, ok, expires_at) VALUES (?, ?, 1, ?) ON DUPLICATE KEY UPDATE " +
			"ok = IF(GREATEST(n, ?) + ? - ? <= ?, 1, 0), n = IF(ok = 1, GREATEST(n, ?) + ?, n), expires_at = n " +
			"RETURNING n, ok"
		args = []any{storedKey(key), now + t, now + t, now, t, now, limit, now, t}
	} else {
		cond := "MAX(n, ?) + ? - ? <= ?"
		q = "INSERT INTO shared_states (name, n, ok, expires_at) VALUES (?, ?, 1, ?) ON CONFLICT(name) DO UPDATE SET " +
			"ok = CASE WHEN " + cond + " THEN 1 ELSE 0 END, " +
			"n = CASE WHEN " + cond + " THEN MAX(n, ?) + ? ELSE n END, " +
			"expires_at = CASE WHEN " + cond + " THEN MAX(n, ?) + ? ELSE n END " +
			"RETURNING n, ok"
		c := []any{now, t, now, limit}
		args = append([]any{storedKey(key), now + t, now + t}, c...)
		args = append(append(args, c...), now, t)
		args = append(append(args, c...), now, t)
	}
	var tat int64
	var ok int
	err := retryDeadlock(func() error { return s.db.QueryRowContext(ctx, q, args...).Scan(&tat, &ok) })
	if err != nil {
		return 0, fmt.Errorf("rate-limit bucket: %w", err)
	}
	if ok == 1 {
		return 0, nil
	}
	return time.Duration(tat+t-now-limit) * time.Millisecond, nil
}

// Hit upserts every key in one statement, in a fixed order so that two statements locking the
// same rows take them in the same order.
func (s *SQL) Hit(ctx context.Context, window time.Duration, keys ...string) error {
	if len(keys) == 0 {
		return nil
	}
	now := s.now().UnixMilli()
	end := now + window.Milliseconds()
	names := storedKeys(keys)
	sort.Strings(names)
	var b strings.Builder
	args := make([]any, 0, 2*len(names)+4)
	b.WriteString("INSERT INTO shared_states (name, n, ok, expires_at) VALUES ")
	for i, n := range names {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("(?, 1, 0, ?)")
		args = append(args, n, end)
	}
	if s.mysql() {
		// n is assigned first, so both assignments see the old expires_at.
		b.WriteString(" ON DUPLICATE KEY UPDATE n = IF(expires_at <= ?, 1, n + 1), expires_at = IF(expires_at <= ?, ?, expires_at)")
	} else {
		b.WriteString(" ON CONFLICT(name) DO UPDATE SET n = CASE WHEN expires_at <= ? THEN 1 ELSE n + 1 END, expires_at = CASE WHEN expires_at <= ? THEN ? ELSE expires_at END")
	}
	args = append(args, now, now, end)
	return retryDeadlock(func() error {
		_, err := s.db.ExecContext(ctx, b.String(), args...)
		return err
	})
}

func (s *SQL) Counts(ctx context.Context, keys ...string) (map[string]Counter, error) {
	out := map[string]Counter{}
	if len(keys) == 0 {
		return out, nil
	}
	byStored := map[string]string{}
	args := []any{s.now().UnixMilli()}
	for _, k := range keys {
		byStored[storedKey(k)] = k
		args = append(args, storedKey(k))
	}
	rows, err := s.db.QueryContext(ctx, "SELECT name, n, expires_at FROM shared_states WHERE expires_at > ? AND name IN (?"+strings.Repeat(", ?", len(keys)-1)+")", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		var n, until int64
		if err := rows.Scan(&name, &n, &until); err != nil {
			return nil, err
		}
		out[byStored[name]] = Counter{N: n, Until: time.UnixMilli(until)}
	}
	return out, rows.Err()
}

func (s *SQL) Mark(ctx context.Context, key string, ttl time.Duration) error {
	return s.upsertValue(ctx, key, nil, ttl)
}

func (s *SQL) Forget(ctx context.Context, keys ...string) error {
	if len(keys) == 0 {
		return nil
	}
	args := make([]any, len(keys))
	for i, k := range keys {
		args[i] = storedKey(k)
	}
	_, err := s.db.ExecContext(ctx, "DELETE FROM shared_states WHERE name IN (?"+strings.Repeat(", ?", len(keys)-1)+")", args...)
	return err
}

func (s *SQL) Get(ctx context.Context, key string) (string, bool, error) {
	var v sql.NullString
	err := s.db.QueryRowContext(ctx, "SELECT value FROM shared_states WHERE name = ? AND expires_at > ?", storedKey(key), s.now().UnixMilli()).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	return v.String, err == nil && v.Valid, err
}

func (s *SQL) Put(ctx context.Context, key, value string, ttl time.Duration) error {
	return s.upsertValue(ctx, key, &value, ttl)
}

func (s *SQL) upsertValue(ctx context.Context, key string, value *string, ttl time.Duration) error {
	end := s.now().Add(ttl).UnixMilli()
	q := "INSERT INTO shared_states (name, n, ok, expires_at, value) VALUES (?, 1, 0, ?, ?) "
	if s.mysql() {
		q += "ON DUPLICATE KEY UPDATE n = 1, expires_at = VALUES(expires_at), value = VALUES(value)"
	} else {
		q += "ON CONFLICT(name) DO UPDATE SET n = 1, expires_at = excluded.expires_at, value = excluded.value"
	}
	return retryDeadlock(func() error {
		_, err := s.db.ExecContext(ctx, q, storedKey(key), end, value)
		return err
	})
}

// Prune deletes expired rows, at most 10,000 a call (the hourly job comes back for the rest).
func (s *SQL) Prune(ctx context.Context) (int, error) {
	q := "DELETE FROM shared_states WHERE expires_at <= ?"
	if s.mysql() {
		q += " LIMIT 10000"
	} else {
		q = "DELETE FROM shared_states WHERE id IN (SELECT id FROM shared_states WHERE expires_at <= ? LIMIT 10000)"
	}
	res, err := s.db.ExecContext(ctx, q, s.now().UnixMilli())
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}

func storedKeys(keys []string) []string {
	out := make([]string, 0, len(keys))
	seen := map[string]bool{}
	for _, k := range keys {
		if k = storedKey(k); !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	return out
}

// retryDeadlock repeats a single-statement write that InnoDB (or Galera certification) chose
// as a deadlock victim; the statement is its own transaction, so repeating it is safe.
func retryDeadlock(f func() error) error {
	var err error
	for range 3 {
		var me *mysql.MySQLError
		if err = f(); err == nil || !errors.As(err, &me) || (me.Number != 1213 && me.Number != 1205) {
			return err
		}
	}
	return err
}
