package storage

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"strings"

	"entgo.io/ent/dialect"
)

// Backup writes a consistent copy of the database to file while the server keeps running.
// SQLite: VACUUM INTO, which reads one snapshot and writes a compact database file (open it
// as the database to restore). MySQL/MariaDB: mariadb-dump (or mysqldump) with
// --single-transaction, a SQL script of one snapshot without locking tables (restore with
// `mariadb DBNAME < file`). Sealed personal data stays sealed: the copy is useless without
// the data key, which must be kept apart from it. file must not exist.
func (d *DB) Backup(ctx context.Context, file string) error {
	if _, err := os.Stat(file); err == nil {
		return fmt.Errorf("%s exists; a backup never overwrites a file", file)
	}
	if d.Dialect == dialect.SQLite {
		if _, err := d.SQL.ExecContext(ctx, "VACUUM INTO ?", file); err != nil {
			return fmt.Errorf("backing up to %s: %s", file, oneLine(err))
		}
		return os.Chmod(file, 0o600)
	}
	return d.dump(ctx, file)
}

func (d *DB) dump(ctx context.Context, file string) error {
	tool, err := exec.LookPath("mariadb-dump")
	if err != nil {
		if tool, err = exec.LookPath("mysqldump"); err != nil {
			return errors.New("backing up MySQL/MariaDB needs mariadb-dump or mysqldump on PATH")
		}
	}
	u, err := url.Parse(d.url)
	if err != nil || u.User == nil {
		return fmt.Errorf("backing up: cannot read the database URL %q", redact(d.url))
	}
	host, port := u.Hostname(), u.Port()
	if port == "" {
		port = "3306"
	}
	out, err := os.OpenFile(file, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, tool, "--single-transaction", "--routines", "--triggers", "--hex-blob",
		"--default-character-set=utf8mb4", "--host="+host, "--port="+port, "--user="+u.User.Username(),
		"--protocol=tcp", strings.TrimPrefix(u.Path, "/"))
	cmd.Stdout = out
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if pw, ok := u.User.Password(); ok {
		// The environment, not the command line, which other users can see.
		cmd.Env = append(os.Environ(), "MYSQL_PWD="+pw)
	}
	err = cmd.Run()
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(file)
		return fmt.Errorf("%s failed: %v %s", tool, err, strings.TrimSpace(stderr.String()))
	}
	return nil
}
