package graph_test

import (
	"fmt"
	"testing"

	"github.com/nanpiao/sbqw/graph/scalar"
	"github.com/nanpiao/sbqw/internal/testkit"
)

// departmentAPI signs in the demo account bound to a department.
func departmentAPI(t *testing.T, m *matrix, dept int) *testkit.API {
	t.Helper()
	var name string
	if err := m.db.QueryRow(`SELECT u.username FROM users u JOIN role_bindings rb ON rb.user_id = u.id
		WHERE rb.role = 'DEPARTMENT' AND rb.department_id = ? AND rb.deleted_at IS NULL`, dept).Scan(&name); err != nil {
		t.Fatal(err)
	}
	return m.srv.Login(t, name)
}

// assignedDemand picks an ASSIGNED demand of the demo district: its ID, department, township account.
func assignedDemand(t *testing.T, m *matrix, skip int) (string, int, *testkit.API) {
	t.Helper()
	var id, dept int
	if err := m.db.QueryRow(`SELECT id, department_id FROM demands WHERE status = 'ASSIGNED' AND deleted_at IS NULL ORDER BY id LIMIT 1 OFFSET ?`, skip).Scan(&id, &dept); err != nil {
		t.Fatal(err)
	}
	gid := scalar.EncodeID(id)
	return gid, dept, m.srv.Login(t, townshipAccount(t, m, scalar.EncodeID(someInt(t, m.db, "SELECT household_id FROM demands WHERE id = ?", id))))
}

const (
	returnDemand = `mutation($id: ID!, $r: String!) { returnDemand(id: $id, reason: $r) { id status department { id } } }`
	followUp     = `mutation($id: ID!, $s: Satisfaction!) { followUpDemand(id: $id, satisfaction: $s) { id status department { id } dueOn } }`
	resolve      = `mutation($id: ID!) { resolveDemand(id: $id, note: "已协调解决") { id status } }`
)

// TestDemandReturnAndReopen: the department a demand was routed to by mistake sends it back
// with a reason (only it: another department does not see it, the township may not); the
// township reassigns it; a DISSATISFIED follow-up reopens it with the same department, a
// satisfied one lets it close.
func TestDemandReturnAndReopen(t *testing.T) {
	m := newMatrix(t)
	id, d, tw := assignedDemand(t, m, 0)
	dept := departmentAPI(t, m, d)
	other := someInt(t, m.db, "SELECT id FROM departments WHERE id <> ? ORDER BY id", d)
	departmentAPI(t, m, other).Do(t, returnDemand, map[string]any{"id": id, "r": "不属于本部门职责"}).Fail(t, "NOT_FOUND")
	tw.Do(t, returnDemand, map[string]any{"id": id, "r": "不属于本部门职责"}).Fail(t, "FORBIDDEN")
	dept.Do(t, returnDemand, map[string]any{"id": id, "r": ""}).Fail(t, "BAD_USER_INPUT")
	var out map[string]any
	dept.Must(t, returnDemand, map[string]any{"id": id, "r": "属于国土部门职责，请改派"}, &out)
	if dig(out, "returnDemand", "status") != "ACCEPTED" || dig(out, "returnDemand", "department") != nil {
		t.Fatalf("after return: %v", out)
	}
	dept.Do(t, returnDemand, map[string]any{"id": id, "r": "再次退回"}).Fail(t, "NOT_FOUND") // no longer its demand
	var note string
	var eventDept int
	if err := m.db.QueryRow(`SELECT note, department_id FROM demand_events WHERE demand_id = ? AND from_status = 'ASSIGNED' AND to_status = 'ACCEPTED'`, decodeID(t, id)).Scan(&note, &eventDept); err != nil || note != "属于国土部门职责，请改派" || eventDept != d {
		t.Fatalf("return event: %q %d %v", note, eventDept, err)
	}

	// Reassigned to the right department, which resolves it; the household is dissatisfied.
	tw.Must(t, `mutation($id: ID!, $d: ID!) { assignDemand(id: $id, departmentID: $d) { status } }`, map[string]any{"id": id, "d": scalar.EncodeID(other)}, nil)
	right := departmentAPI(t, m, other)
	right.Must(t, resolve, map[string]any{"id": id}, nil)
	tw.Must(t, followUp, map[string]any{"id": id, "s": "DISSATISFIED"}, &out)
	if dig(out, "followUpDemand", "status") != "ASSIGNED" || dig(out, "followUpDemand", "department", "id") != scalar.EncodeID(other) || dig(out, "followUpDemand", "dueOn") == nil {
		t.Fatalf("a dissatisfied follow-up should reopen the demand with its department: %v", out)
	}
	tw.Do(t, `mutation($id: ID!) { closeDemand(id: $id) { status } }`, map[string]any{"id": id}).Fail(t, "BAD_USER_INPUT")
	right.Must(t, resolve, map[string]any{"id": id}, nil)
	tw.Must(t, followUp, map[string]any{"id": id, "s": "SATISFIED"}, &out)
	if dig(out, "followUpDemand", "status") != "FOLLOWED_UP" {
		t.Fatalf("satisfied: %v", out)
	}
	tw.Must(t, `mutation($id: ID!) { closeDemand(id: $id) { status } }`, map[string]any{"id": id}, nil)
	if n := someInt(t, m.db, "SELECT COUNT(*) FROM demands WHERE id = ? AND status = 'CLOSED'", decodeID(t, id)); n != 1 {
		t.Fatal("the demand did not close")
	}
}

// TestConcurrentDemandReturnAndReopen: a dozen simultaneous returns of one demand, and a dozen
// simultaneous DISSATISFIED follow-ups of another, each take effect exactly once — one event,
// one winner — and the others are refused, never INTERNAL. Meaningful on MariaDB
// (MYSQL_TEST_DSN); SQLite serialises writers.
func TestConcurrentDemandReturnAndReopen(t *testing.T) {
	m := newMatrix(t)
	count := func(id string, from, to string) int {
		return someInt(t, m.db, "SELECT COUNT(*) FROM demand_events WHERE demand_id = ? AND from_status = ? AND to_status = ?", decodeID(t, id), from, to)
	}
	for round := range rounds {
		id, d, tw := assignedDemand(t, m, round)
		dept := departmentAPI(t, m, d)
		rs := race(t, racers, func(i int) *testkit.Response {
			return dept.Do(t, returnDemand, map[string]any{"id": id, "r": fmt.Sprintf("退回 %d", i)})
		})
		// A loser that saw the demand before the winner committed may be told FORBIDDEN: by then
		// the demand is no longer its department's to return.
		if won := winners(t, rs, "CONFLICT", "NOT_FOUND", "BAD_USER_INPUT", "FORBIDDEN"); len(won) != 1 {
			t.Fatalf("round %d: %d returns succeeded", round, len(won))
		}
		if n := count(id, "ASSIGNED", "ACCEPTED"); n != 1 {
			t.Fatalf("round %d: %d return events", round, n)
		}
		// Back to the department, resolved, then a dozen dissatisfied follow-ups at once.
		tw.Must(t, `mutation($id: ID!, $d: ID!) { assignDemand(id: $id, departmentID: $d) { status } }`, map[string]any{"id": id, "d": scalar.EncodeID(d)}, nil)
		dept.Must(t, resolve, map[string]any{"id": id}, nil)
		rs = race(t, racers, func(int) *testkit.Response {
			return tw.Do(t, followUp, map[string]any{"id": id, "s": "DISSATISFIED"})
		})
		if won := winners(t, rs, "CONFLICT", "BAD_USER_INPUT"); len(won) != 1 {
			t.Fatalf("round %d: %d dissatisfied follow-ups succeeded", round, len(won))
		}
		if n := count(id, "RESOLVED", "ASSIGNED"); n != 1 {
			t.Fatalf("round %d: %d reopen events", round, n)
		}
	}
}
