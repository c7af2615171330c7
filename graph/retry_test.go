package graph_test

import (
	"context"
	"testing"

	"github.com/go-sql-driver/mysql"

	"github.com/nanpiao/sbqw/authz"
)

// TestMutationRetriedAfterDeadlock: a mutation whose transaction the database gives up on
// (deadlock, or a Galera certification failure — both error 1213) runs again in a fresh
// transaction; it succeeds once the database lets it, stored once, and after the last attempt the
// client gets CONFLICT with reason LOCK_CONTENTION and nothing is stored.
func TestMutationRetriedAfterDeadlock(t *testing.T) {
	e := newEnv(t)
	deadlock := &mysql.MySQLError{Number: 1213, Message: "Deadlock found when trying to get lock; try restarting transaction"}
	create := `mutation($d: ID!, $c: String!) { createTownship(input: {code: $c, name: "暖池塘镇", districtID: $d}) { id } }`
	count := func() int {
		n, err := e.db.Client.Township.Query().Count(authz.Bypass(context.Background(), "test"))
		if err != nil {
			t.Fatal(err)
		}
		return n
	}

	e.db.Counter.FailCommits(2, deadlock)
	e.api.Must(t, create, map[string]any{"d": e.district, "c": "211404100000"}, nil)
	if n := count(); n != 1 {
		t.Fatalf("%d townships after two deadlocks and a success, want 1", n)
	}

	e.db.Counter.FailCommits(10, deadlock)
	r := e.api.Do(t, create, map[string]any{"d": e.district, "c": "211404101000"})
	e.db.Counter.FailCommits(0, nil)
	r.Fail(t, "CONFLICT")
	if reason := r.Errors[0].Extensions["reason"]; reason != "LOCK_CONTENTION" {
		t.Fatalf("reason %v, want LOCK_CONTENTION: %s", reason, r.ErrorText())
	}
	if n := count(); n != 1 {
		t.Fatalf("%d townships after a mutation that always deadlocked, want still 1", n)
	}
}
