package graph_test

import (
	"testing"
	"time"

	"github.com/nanpiao/sbqw/graph/scalar"
	"github.com/nanpiao/sbqw/internal/clock"
	"github.com/nanpiao/sbqw/internal/testkit"
)

const (
	setAssistants = `mutation($id: ID!, $ds: [ID!]!) { setDemandAssistants(id: $id, departmentIDs: $ds) { id status assistingDepartments { id } } }`
	assistDemand  = `mutation($id: ID!, $n: String!) { assistDemand(id: $id, note: $n) { id status } }`
	readDemand    = `query($id: ID!) { node(id: $id) { ... on Demand { id status events { note } } } }`
)

// TestJointDemandHandling (部门手拉手): the township names assisting departments; an assisting
// department reads the demand and records its part but may neither resolve nor return it, nor
// name assistants; a department not named reaches nothing; the lead may not record assistance;
// sending the demand back takes the assistants off it. Every refusal leaves no trace.
func TestJointDemandHandling(t *testing.T) {
	m := newMatrix(t)
	id, lead, tw := assignedDemand(t, m, 1)
	raw := decodeID(t, id)
	helperID := someInt(t, m.db, `SELECT id FROM departments WHERE id <> ? AND id NOT IN (SELECT department_id FROM department_assisted_demands WHERE demand_id = ?) ORDER BY id`, lead, raw)
	strangerID := someInt(t, m.db, `SELECT id FROM departments WHERE id NOT IN (?, ?) ORDER BY id DESC`, lead, helperID)
	helper, stranger, leadAPI := departmentAPI(t, m, helperID), departmentAPI(t, m, strangerID), departmentAPI(t, m, lead)
	if someInt(t, m.db, `SELECT COUNT(*) FROM demands WHERE id = ? AND department_id <> ? AND id IN (SELECT demand_id FROM department_assisted_demands WHERE department_id = ?)`, raw, helperID, helperID) != 0 {
		t.Fatal("setup: the helper already assists")
	}

	// Before being named, the helper reaches nothing.
	helper.Do(t, assistDemand, map[string]any{"id": id, "n": "主动协办"}).Fail(t, "NOT_FOUND")
	helper.Do(t, readDemand, map[string]any{"id": id}).Fail(t, "NOT_FOUND")
	var out map[string]any

	// Bad sets are refused and change nothing.
	events := func() int { return someInt(t, m.db, "SELECT COUNT(*) FROM demand_events WHERE demand_id = ?", raw) }
	assistants := func() int {
		return someInt(t, m.db, "SELECT COUNT(*) FROM department_assisted_demands WHERE demand_id = ?", raw)
	}
	before, assistedBefore := events(), assistants() // the demo may have named one already
	for name, ds := range map[string][]string{
		"the lead":      {scalar.EncodeID(lead)},
		"twice":         {scalar.EncodeID(helperID), scalar.EncodeID(helperID)},
		"no such":       {scalar.EncodeID(helperID + 100000)},
		"more than max": sixDepartments(t, m, lead),
	} {
		if r := tw.Do(t, setAssistants, map[string]any{"id": id, "ds": ds}); r.Code() != "BAD_USER_INPUT" && r.Code() != "NOT_FOUND" {
			t.Errorf("%s: want BAD_USER_INPUT, got %s", name, r.ErrorText())
		}
	}
	helper.Do(t, setAssistants, map[string]any{"id": id, "ds": []string{scalar.EncodeID(helperID)}}).Fail(t, "NOT_FOUND")
	leadAPI.Do(t, setAssistants, map[string]any{"id": id, "ds": []string{scalar.EncodeID(helperID)}}).Fail(t, "FORBIDDEN")
	otherTownship := m.apis["township07"]
	if m.accs["township07"].township == someInt(t, m.db, "SELECT township_id FROM demands WHERE id = ?", raw) {
		otherTownship = m.apis["township01"]
	}
	otherTownship.Do(t, setAssistants, map[string]any{"id": id, "ds": []string{scalar.EncodeID(helperID)}}).Fail(t, "NOT_FOUND")
	if n := assistants(); n != assistedBefore || events() != before {
		t.Fatalf("refused sets changed the assistants from %d to %d and left %d events", assistedBefore, n, events()-before)
	}

	// Named: the helper reads it, records its part; it may not resolve or return it.
	tw.Must(t, setAssistants, map[string]any{"id": id, "ds": []string{scalar.EncodeID(helperID)}}, &out)
	if got := dig(out, "setDemandAssistants", "assistingDepartments", 0, "id"); got != scalar.EncodeID(helperID) {
		t.Fatalf("assistants: %v", out)
	}
	helper.Must(t, readDemand, map[string]any{"id": id}, &out)
	if dig(out, "node", "id") != id {
		t.Fatalf("the assisting department does not read the demand: %v", out)
	}
	helper.Must(t, assistDemand, map[string]any{"id": id, "n": "已派员现场核实"}, nil)
	if n := someInt(t, m.db, "SELECT COUNT(*) FROM demand_events WHERE demand_id = ? AND department_id = ? AND from_status = 'ASSIGNED' AND to_status = 'ASSIGNED' AND note = '已派员现场核实'", raw, helperID); n != 1 {
		t.Fatalf("assistance recorded %d times", n)
	}
	helper.Do(t, resolve, map[string]any{"id": id}).Fail(t, "FORBIDDEN")
	helper.Do(t, returnDemand, map[string]any{"id": id, "r": "不是我们的"}).Fail(t, "FORBIDDEN")
	helper.Do(t, assistDemand, map[string]any{"id": id, "n": " "}).Fail(t, "BAD_USER_INPUT")
	leadAPI.Do(t, assistDemand, map[string]any{"id": id, "n": "我也协办"}).Fail(t, "FORBIDDEN")
	stranger.Do(t, assistDemand, map[string]any{"id": id, "n": "路过"}).Fail(t, "NOT_FOUND")
	// The helper's household reach follows the demand; its list of demands now holds it.
	helper.Must(t, `{ demands(first: 500) { edges { node { id } } } }`, nil, &out)
	if !containsID(out, id) {
		t.Fatal("the assisted demand is missing from the helper's demands list")
	}

	// Sent back by the lead: the assistants go, the helper reaches nothing again.
	leadAPI.Must(t, returnDemand, map[string]any{"id": id, "r": "属于其他部门职责"}, nil)
	if n := someInt(t, m.db, "SELECT COUNT(*) FROM department_assisted_demands WHERE demand_id = ?", raw); n != 0 {
		t.Fatalf("a returned demand keeps %d assistants", n)
	}
	helper.Do(t, assistDemand, map[string]any{"id": id, "n": "继续协办"}).Fail(t, "NOT_FOUND")

	// Reassigned with assistants named at once.
	tw.Must(t, `mutation($id: ID!, $d: ID!, $a: [ID!]) { assignDemand(id: $id, departmentID: $d, assistingDepartmentIDs: $a) { status assistingDepartments { id } } }`,
		map[string]any{"id": id, "d": scalar.EncodeID(lead), "a": []string{scalar.EncodeID(helperID)}}, &out)
	if dig(out, "assignDemand", "assistingDepartments", 0, "id") != scalar.EncodeID(helperID) {
		t.Fatalf("assign with assistants: %v", out)
	}
	helper.Must(t, assistDemand, map[string]any{"id": id, "n": "再次协办"}, nil)
}

func sixDepartments(t *testing.T, m *matrix, except int) []string {
	rows, err := m.db.Query("SELECT id FROM departments WHERE id <> ? ORDER BY id LIMIT 6", except)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id int
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		out = append(out, scalar.EncodeID(id))
	}
	if len(out) != 6 {
		t.Fatalf("the demo has %d other departments", len(out))
	}
	return out
}

func containsID(out map[string]any, id string) bool {
	edges, _ := dig(out, "demands", "edges").([]any)
	for _, e := range edges {
		if dig(e, "node", "id") == id {
			return true
		}
	}
	return false
}

// TestDemandCategoryDeadlines: the catalogue lists every category with the default; only the
// district edits it, within bounds; a demand assigned afterwards gets its category's deadline.
func TestDemandCategoryDeadlines(t *testing.T) {
	m := newMatrix(t)
	var out map[string]any
	m.apis["village001"].Must(t, `{ demandCategories { category name handleDays } }`, nil, &out)
	rows, _ := out["demandCategories"].([]any)
	if len(rows) != 11 || dig(rows[0], "handleDays") != float64(15) || dig(rows[0], "name") == "" {
		t.Fatalf("catalogue: %v", out)
	}
	set := `mutation($c: DemandCategory!, $d: Int!) { setDemandHandleDays(category: $c, days: $d) { category handleDays } }`
	m.apis["township01"].Do(t, set, map[string]any{"c": "HEALTH", "d": 3}).Fail(t, "FORBIDDEN")
	m.apis["admin"].Do(t, set, map[string]any{"c": "HEALTH", "d": 0}).Fail(t, "BAD_USER_INPUT")
	m.apis["admin"].Do(t, set, map[string]any{"c": "HEALTH", "d": 181}).Fail(t, "BAD_USER_INPUT")
	m.apis["admin"].Must(t, set, map[string]any{"c": "HEALTH", "d": 3}, &out)
	if dig(out, "setDemandHandleDays", "handleDays") != float64(3) {
		t.Fatalf("set: %v", out)
	}

	// An accepted demand of the category, assigned now, is due in three days.
	var raw int
	if err := m.db.QueryRow(`SELECT id FROM demands WHERE status = 'ACCEPTED' AND department_id IS NULL AND deleted_at IS NULL ORDER BY id LIMIT 1`).Scan(&raw); err != nil {
		t.Fatal(err)
	}
	if _, err := m.db.Exec("UPDATE demands SET category = 'HEALTH' WHERE id = ?", raw); err != nil {
		t.Fatal(err)
	}
	id := scalar.EncodeID(raw)
	tw := m.srv.Login(t, townshipAccount(t, m, scalar.EncodeID(someInt(t, m.db, "SELECT household_id FROM demands WHERE id = ?", raw))))
	dept := someInt(t, m.db, "SELECT id FROM departments ORDER BY id")
	tw.Must(t, `mutation($id: ID!, $d: ID!) { assignDemand(id: $id, departmentID: $d) { dueOn } }`, map[string]any{"id": id, "d": scalar.EncodeID(dept)}, &out)
	if want := clock.Today().AddDate(0, 0, 3).Format(time.DateOnly); dig(out, "assignDemand", "dueOn") != want {
		t.Fatalf("dueOn %v, want %s", dig(out, "assignDemand", "dueOn"), want)
	}
}

// TestConcurrentDemandAssistants: a dozen simultaneous replacements of one demand's assistants,
// each naming another department, leave exactly one of them — never a mix — and one event per
// success. Meaningful on MariaDB (MYSQL_TEST_DSN); SQLite serialises writers.
func TestConcurrentDemandAssistants(t *testing.T) {
	m := newMatrix(t)
	id, lead, tw := assignedDemand(t, m, 2)
	raw := decodeID(t, id)
	var ds []int
	rows, err := m.db.Query("SELECT id FROM departments WHERE id <> ? ORDER BY id LIMIT ?", lead, racers)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var d int
		if err := rows.Scan(&d); err != nil {
			t.Fatal(err)
		}
		ds = append(ds, d)
	}
	rows.Close()
	before := someInt(t, m.db, "SELECT COUNT(*) FROM demand_events WHERE demand_id = ?", raw)
	rs := race(t, racers, func(i int) *testkit.Response {
		return tw.Do(t, setAssistants, map[string]any{"id": id, "ds": []string{scalar.EncodeID(ds[i%len(ds)])}})
	})
	won := winners(t, rs, "CONFLICT")
	if n := someInt(t, m.db, "SELECT COUNT(*) FROM department_assisted_demands WHERE demand_id = ?", raw); n != 1 {
		t.Fatalf("%d assistants after %d replacements of one", n, len(won))
	}
	if got := someInt(t, m.db, "SELECT COUNT(*) FROM demand_events WHERE demand_id = ?", raw) - before; got != len(won) {
		t.Fatalf("%d events for %d successful replacements", got, len(won))
	}
}
