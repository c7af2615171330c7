package httpapi

import (
	"errors"
	"fmt"
	"testing"

	"github.com/go-sql-driver/mysql"
)

// The errors each supported engine gives when it rolls a transaction back because of competing
// writers are retried; a rule's error from the same driver is not.
func TestIsLockContention(t *testing.T) {
	wrap := func(n uint16) error { return fmt.Errorf("ent: commit: %w", &mysql.MySQLError{Number: n, Message: "x"}) }
	for _, c := range []struct {
		name string
		err  error
		want bool
	}{
		{"deadlock or Galera certification", wrap(1213), true},
		{"lock wait timeout", wrap(1205), true},
		{"group replication certification", wrap(3101), true},
		{"TiDB write conflict", wrap(9007), true},
		{"duplicate key", wrap(1062), false},
		{"statement timeout", wrap(1969), false},
		{"SQLite busy", errors.New("database is locked (5) (SQLITE_BUSY)"), true},
		{"other", errors.New("no such table"), false},
	} {
		if got := isLockContention(c.err); got != c.want {
			t.Errorf("%s: isLockContention = %v, want %v", c.name, got, c.want)
		}
	}
}
