package graph_test

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/nanpiao/sbqw/graph/scalar"
	"github.com/nanpiao/sbqw/internal/clock"
	"github.com/nanpiao/sbqw/internal/testkit"
)

// The role × entity matrix on the demo district. The expected rows of every role are
// computed here by plain SQL written from DESIGN.md §3 — independently of the authorization
// layer — and compared with what the API returns, through every read path: lists, totalCount,
// node/nodes, nested edges and filters on related rows. Then every attempt across the boundary
// must fail exactly as an absent row does.

// account is a demo account and where its binding places it.
type account struct {
	username                     string
	role                         string
	township, village, dept, cad int
}

func accountOf(t *testing.T, db *sql.DB, username string) account {
	t.Helper()
	a := account{username: username}
	var tw, v, d, c sql.NullInt64
	err := db.QueryRow(`SELECT rb.role, rb.township_id, rb.village_id, rb.department_id, rb.cadre_id
		FROM role_bindings rb JOIN users u ON u.id = rb.user_id WHERE u.username = ?`, username).Scan(&a.role, &tw, &v, &d, &c)
	if err != nil {
		t.Fatalf("account %s: %v", username, err)
	}
	a.township, a.village, a.dept, a.cad = int(tw.Int64), int(v.Int64), int(d.Int64), int(c.Int64)
	return a
}

// expected is the SQL WHERE clause (over the entity's own table) of the rows a role reaches,
// with its arguments; "" with forbidden means the role may not read the type at all.
type expected struct {
	where     string
	args      []any
	forbidden bool
}

var year = time.Now().Year()

// memberRecord: a member's posts, team posts and contributions are seen where the member is.
var memberRecord = map[string]bool{"posts": true, "team_memberships": true, "contributions": true}

func expectedRows(a account, entity string) expected {
	all := expected{where: "1 = 1"}
	paired := "SELECT household_id FROM pairings WHERE cadre_id = ? AND active = ? AND deleted_at IS NULL"
	activePairings := "SELECT id FROM pairings WHERE cadre_id = ? AND active = ? AND deleted_at IS NULL"
	deptMembers := "SELECT id FROM party_members WHERE deleted_at IS NULL AND organization_id IN (SELECT id FROM party_organizations WHERE department_id = ?)"
	deptHouseholds := `village_id IN (SELECT village_id FROM department_village_links WHERE department_id = ? AND year = ? AND deleted_at IS NULL)
		OR %s IN (SELECT household_id FROM pairings WHERE department_id = ? AND deleted_at IS NULL)
		OR %s IN (SELECT household_id FROM demands WHERE deleted_at IS NULL AND (department_id = ?
			OR id IN (SELECT demand_id FROM department_assisted_demands WHERE department_id = ?)))`
	// A binding places its holder only while in force.
	inForce, today := "valid_from <= ? AND (valid_to IS NULL OR valid_to >= ?)", clock.Today()
	if entity == "cadre_assignments" {
		// Like its cadre: cadres are reference data every signed-in caller reads (DESIGN.md §3,
		// the policy's first lines), and an assignment is read wherever its cadre is.
		return all
	}
	switch a.role {
	case "DISTRICT", "AUDITOR":
		return all
	case "POVERTY_OFFICE":
		switch entity {
		case "households", "residents", "poverty_status_changes":
			return all
		case "users":
			return expected{where: "username = ?", args: []any{a.username}}
		}
		return expected{forbidden: true}
	case "TOWNSHIP":
		if entity == "users" {
			return expected{where: "id IN (SELECT user_id FROM role_bindings WHERE township_id = ? AND deleted_at IS NULL AND " + inForce + ")", args: []any{a.township, today, today}}
		}
		if entity == "audit_events" {
			return expected{forbidden: true}
		}
		if memberRecord[entity] { // seen as their member is, whatever the team
			return expected{where: "member_id IN (SELECT id FROM party_members WHERE township_id = ?)", args: []any{a.township}}
		}
		if entity == "teams" { // its own teams, and those with a member from the township
			return expected{where: "township_id = ? OR id IN (SELECT team_id FROM team_memberships WHERE deleted_at IS NULL AND member_id IN (SELECT id FROM party_members WHERE township_id = ?))", args: []any{a.township, a.township}}
		}
		return expected{where: "township_id = ?", args: []any{a.township}}
	case "VILLAGE_SECRETARY":
		switch entity {
		case "users":
			return expected{where: "username = ?", args: []any{a.username}}
		case "audit_events":
			return expected{forbidden: true}
		case "posts", "team_memberships", "contributions":
			return expected{where: "member_id IN (SELECT id FROM party_members WHERE village_id = ?)", args: []any{a.village}}
		case "teams": // its village's teams, and those with a member from the village
			return expected{where: "village_id = ? OR id IN (SELECT team_id FROM team_memberships WHERE deleted_at IS NULL AND member_id IN (SELECT id FROM party_members WHERE village_id = ?))", args: []any{a.village, a.village}}
		}
		return expected{where: "village_id = ?", args: []any{a.village}}
	case "CADRE":
		switch entity {
		case "households":
			return expected{where: "id IN (" + paired + ")", args: []any{a.cad, true}}
		case "residents", "demands", "poverty_status_changes", "demand_events":
			return expected{where: "household_id IN (" + paired + ")", args: []any{a.cad, true}}
		case "pairings":
			return expected{where: "id IN (" + activePairings + ")", args: []any{a.cad, true}}
		case "visits":
			return expected{where: "pairing_id IN (" + activePairings + ")", args: []any{a.cad, true}}
		case "users":
			return expected{where: "username = ?", args: []any{a.username}}
		}
		return expected{forbidden: true}
	case "DEPARTMENT":
		d := a.dept
		switch entity {
		case "households":
			return expected{where: fmt.Sprintf(deptHouseholds, "id", "id"), args: []any{d, year, d, d, d}}
		case "residents", "poverty_status_changes":
			return expected{where: fmt.Sprintf(deptHouseholds, "household_id", "household_id"), args: []any{d, year, d, d, d}}
		case "pairings", "visits", "rectifications":
			return expected{where: "department_id = ?", args: []any{d}}
		case "demands": // led by the department, or assisted (部门手拉手)
			return expected{where: "department_id = ? OR id IN (SELECT demand_id FROM department_assisted_demands WHERE department_id = ?)", args: []any{d, d}}
		case "party_members":
			return expected{where: "id IN (" + deptMembers + ")", args: []any{d}}
		case "posts", "team_memberships", "contributions":
			return expected{where: "member_id IN (" + deptMembers + ")", args: []any{d}}
		case "demand_events":
			return expected{where: "demand_id IN (SELECT id FROM demands WHERE department_id = ? AND deleted_at IS NULL) OR demand_id IN (SELECT demand_id FROM department_assisted_demands WHERE department_id = ?)", args: []any{d, d}}
		case "teams":
			return expected{where: "id IN (SELECT team_id FROM team_memberships WHERE deleted_at IS NULL AND member_id IN (" + deptMembers + "))", args: []any{d}}
		case "users":
			return expected{where: "username = ? OR id IN (SELECT user_id FROM role_bindings WHERE department_id = ? AND deleted_at IS NULL AND " + inForce + ")", args: []any{a.username, d, today, today}}
		}
		return expected{forbidden: true}
	}
	panic("unknown role " + a.role)
}

// matrixEntities: root connection → table.
var matrixEntities = []struct{ root, table string }{
	{"households", "households"}, {"residents", "residents"}, {"partyMembers", "party_members"},
	{"pairings", "pairings"}, {"visits", "visits"}, {"demands", "demands"}, {"rectifications", "rectifications"},
	{"demoProjects", "demo_projects"}, {"trainingEnrollments", "training_enrollments"}, {"teams", "teams"},
	{"users", "users"}, {"auditEvents", "audit_events"}, {"povertyStatusChanges", "poverty_status_changes"},
	{"contributions", "contributions"}, {"posts", "posts"}, {"teamMemberships", "team_memberships"},
	{"demandEvents", "demand_events"}, {"demoProjectStages", "demo_project_stages"},
	{"cadreAssignments", "cadre_assignments"},
	// Outcome and assessment records: POVERTY_OFFICE may read neither (FORBIDDEN), a township its
	// own, a village secretary those of its village (investments of projects whose subject it is).
	{"projectInvestments", "project_investments"}, {"assessments", "assessments"},
}

var matrixAccounts = []string{"admin", "auditor", "township01", "township07", "village001", "village050",
	"cadre0001", "cadre0500", "dept01", "dept20", "poverty01"}

func expectedIDs(t *testing.T, db *sql.DB, table string, e expected) map[int]bool {
	t.Helper()
	where := "(" + e.where + ")"
	if table != "audit_events" {
		where += " AND deleted_at IS NULL"
	}
	rows, err := db.Query("SELECT id FROM "+table+" WHERE "+where, e.args...)
	if err != nil {
		t.Fatalf("oracle for %s: %v", table, err)
	}
	defer rows.Close()
	out := map[int]bool{}
	for rows.Next() {
		var id int
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		out[id] = true
	}
	return out
}

// allIDs pages through a root connection and returns every ID it yields, and its totalCount.
func allIDs(t *testing.T, api *testkit.API, root string) (map[int]bool, int) {
	t.Helper()
	q := fmt.Sprintf(`query($after: Cursor) { %s(first: 500, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id } } } }`, root)
	out := map[int]bool{}
	total := -1
	var after any
	for {
		var page map[string]any
		api.Must(t, q, map[string]any{"after": after}, &page)
		conn := dig(page, root)
		total = int(dig(conn, "totalCount").(float64))
		for _, e := range dig(conn, "edges").([]any) {
			out[decodeID(t, dig(e, "node", "id").(string))] = true
		}
		if !dig(conn, "pageInfo", "hasNextPage").(bool) {
			return out, total
		}
		after = dig(conn, "pageInfo", "endCursor")
	}
}

type matrix struct {
	srv  *testkit.Server
	db   *sql.DB
	apis map[string]*testkit.API
	accs map[string]account
}

func newMatrix(t *testing.T) *matrix {
	db := testkit.LoadDemo(t)
	m := &matrix{srv: testkit.NewServer(t, db), db: db.SQL, apis: map[string]*testkit.API{}, accs: map[string]account{}}
	for _, u := range matrixAccounts {
		m.apis[u] = m.srv.Login(t, u)
		m.accs[u] = accountOf(t, db.SQL, u)
	}
	return m
}

// TestRoleSeesExactlyItsScope: lists and totalCount equal the oracle for every sampled account
// and entity; a type the role may not read is FORBIDDEN.
func TestRoleSeesExactlyItsScope(t *testing.T) {
	m := newMatrix(t)
	for _, u := range matrixAccounts {
		for _, ent := range matrixEntities {
			t.Run(u+"/"+ent.root, func(t *testing.T) {
				want := expectedRows(m.accs[u], ent.table)
				if want.forbidden {
					r := m.apis[u].Do(t, fmt.Sprintf(`{ %s(first: 1) { totalCount } }`, ent.root), nil)
					r.Fail(t, "FORBIDDEN")
					return
				}
				wantIDs := expectedIDs(t, m.db, ent.table, want)
				if ent.table == "audit_events" {
					return // the audit trail grows as the test signs in; its scope is checked above
				}
				got, total := allIDs(t, m.apis[u], ent.root)
				if total != len(wantIDs) {
					t.Fatalf("totalCount %d, oracle %d", total, len(wantIDs))
				}
				if missing, extra := diff(wantIDs, got); len(missing)+len(extra) > 0 {
					t.Fatalf("missing %d rows (e.g. %v), %d rows outside the scope (e.g. %v)", len(missing), first(missing), len(extra), first(extra))
				}
				if u != "admin" && u != "auditor" && len(wantIDs) == 0 && ent.table != "users" {
					t.Logf("note: %s reaches no %s in the demo", u, ent.table)
				}
			})
		}
	}
}

// TestForeignRowsLookAbsent: node, nodes, nested edges and filters never reveal a row outside
// the caller's scope; the answer is the one for an ID that does not exist.
func TestForeignRowsLookAbsent(t *testing.T) {
	m := newMatrix(t)
	tw := m.apis["township01"]
	own := someID(t, m.db, "households", "township_id = ?", m.accs["township01"].township)
	foreign := someID(t, m.db, "households", "township_id <> ?", m.accs["township01"].township)
	absent := scalar.EncodeID(55834574848 + 4_000_000_000)

	// node(id:): foreign and absent give the same error, the same data.
	rf := tw.Do(t, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": foreign})
	ra := tw.Do(t, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": absent})
	if rf.Code() != "NOT_FOUND" || ra.Code() != "NOT_FOUND" || rf.Errors[0].Message != ra.Errors[0].Message || string(rf.Data) != string(ra.Data) {
		t.Fatalf("foreign vs absent node differ:\n%s %s\n%s %s", rf.ErrorText(), rf.Data, ra.ErrorText(), ra.Data)
	}
	// nodes with a mix of own and foreign IDs: own resolve, foreign are null with one NOT_FOUND
	// for them all.
	var mixed struct{ Nodes []*struct{ ID string } }
	r := tw.Do(t, `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, map[string]any{"ids": []string{own, foreign, absent}})
	if err := json.Unmarshal(r.Data, &mixed); err != nil || len(mixed.Nodes) != 3 || mixed.Nodes[0] == nil || mixed.Nodes[1] != nil || mixed.Nodes[2] != nil {
		t.Fatalf("nodes(own, foreign, absent) = %s %s", r.Data, r.ErrorText())
	}
	if got := strings.Join(r.Codes(), ","); got != "NOT_FOUND" {
		t.Fatalf("nodes errors: %s", got)
	}

	// A secretary walking up and down the hierarchy finds only its own village's households.
	sec := m.apis["village001"]
	q := `{ me { roleBindings { village { township { villages(first: 100) { edges { node { id households(first: 100) { totalCount edges { node { villageID } } } } } } } } } } }`
	var walk map[string]any
	sec.Must(t, q, nil, &walk)
	ownVillage := scalar.EncodeID(m.accs["village001"].village)
	seen := 0
	for _, v := range dig(walk, "me", "roleBindings", 0, "village", "township", "villages", "edges").([]any) {
		n := int(dig(v, "node", "households", "totalCount").(float64))
		if dig(v, "node", "id") != ownVillage && n != 0 {
			t.Fatalf("secretary sees %d households of village %v", n, dig(v, "node", "id"))
		}
		seen += n
	}
	if want := len(expectedIDs(t, m.db, "households", expectedRows(m.accs["village001"], "households"))); seen != want {
		t.Fatalf("secretary's walk found %d households, its village has %d", seen, want)
	}

	// A cadre filtering households by another village gets nothing; by its own, its own.
	cadre := m.apis["cadre0001"]
	otherVillage := someID(t, m.db, "villages", "id NOT IN (SELECT village_id FROM pairings WHERE cadre_id = ?)", m.accs["cadre0001"].cad)
	var out map[string]any
	cadre.Must(t, `query($v: ID!) { households(where: {hasVillageWith: [{id: $v}]}) { totalCount } }`, map[string]any{"v": otherVillage}, &out)
	if dig(out, "households", "totalCount").(float64) != 0 {
		t.Fatalf("cadre filtered another village's households: %v", out)
	}

	// A filter on related rows is no existence oracle: villages "having a household headed by
	// X" — X in another township — matches nothing for the township, everything for DISTRICT.
	var head string
	if err := m.db.QueryRow("SELECT head_name FROM households WHERE township_id <> ? LIMIT 1", m.accs["township01"].township).Scan(&head); err != nil {
		t.Fatal(err)
	}
	fq := `query($h: String!) { villages(where: {hasHouseholdsWith: [{headName: $h}]}) { totalCount } }`
	tw.Must(t, fq, map[string]any{"h": head}, &out)
	if n := dig(out, "villages", "totalCount").(float64); n != 0 {
		t.Fatalf("township learnt that %d foreign villages have a household headed by %s", int(n), head)
	}
	m.apis["admin"].Must(t, fq, map[string]any{"h": head}, &out)
	if n := dig(out, "villages", "totalCount").(float64); n == 0 {
		t.Fatal("the filter found nothing even for DISTRICT: the test proves nothing")
	}
}

// TestWritesAcrossTheBoundary: out-of-scope targets and references are NOT_FOUND; in-scope
// targets without the permission are FORBIDDEN; no write moves a row or grants a wider role.
func TestWritesAcrossTheBoundary(t *testing.T) {
	m := newMatrix(t)
	tw := m.apis["township01"]
	tID := m.accs["township01"].township
	foreignHH := someID(t, m.db, "households", "township_id <> ?", tID)
	ownHH := someID(t, m.db, "households", "township_id = ?", tID)
	foreignVillage := someID(t, m.db, "villages", "township_id <> ?", tID)
	ownVillage := someID(t, m.db, "villages", "township_id = ?", tID)

	cases := []struct {
		name, who, q string
		vars         map[string]any
		code         string
	}{
		{"update a foreign household", "township01", `mutation($id: ID!) { updateHousehold(id: $id, input: {version: 1, headName: "篡改"}) { id } }`, map[string]any{"id": foreignHH}, "NOT_FOUND"},
		{"delete a foreign household", "township01", `mutation($id: ID!) { deleteHousehold(id: $id) }`, map[string]any{"id": foreignHH}, "NOT_FOUND"},
		{"add a resident to a foreign household", "township01", `mutation($h: ID!) { createResident(input: {householdID: $h, name: "外人", relation: OTHER, idNumber: "` + testkit.IDNumber("19900101", 3, false) + `"}) { id } }`, map[string]any{"h": foreignHH}, "NOT_FOUND"},
		{"create a household in a foreign village", "township01", `mutation($v: ID!) { createHousehold(input: {villageID: $v, number: "X-1", headName: "外人"}) { id } }`, map[string]any{"v": foreignVillage}, "FORBIDDEN"},
		{"move an own household to another township", "township01", `mutation($id: ID!, $v: ID!) { moveHousehold(id: $id, villageID: $v) { id } }`, map[string]any{"id": ownHH, "v": foreignVillage}, "FORBIDDEN"},
		{"grant itself DISTRICT", "township01", `mutation($u: ID!) { createRoleBinding(userID: $u, input: {role: DISTRICT}) { id } }`, map[string]any{"u": userID(t, m.db, "township01")}, "FORBIDDEN"},
		{"grant TOWNSHIP of another township", "township01", `mutation($u: ID!, $t: ID!) { createRoleBinding(userID: $u, input: {role: TOWNSHIP, townshipID: $t}) { id } }`, map[string]any{"u": userID(t, m.db, "township01"), "t": scalar.EncodeID(someInt(t, m.db, "SELECT id FROM townships WHERE id <> ?", tID))}, "FORBIDDEN"},
		{"auditor writes", "auditor", `mutation($id: ID!) { updateHousehold(id: $id, input: {version: 1, headName: "x"}) { id } }`, map[string]any{"id": ownHH}, "FORBIDDEN"},
		{"cadre updates its paired household", "cadre0001", `mutation($id: ID!) { updateHousehold(id: $id, input: {version: 1, headName: "x"}) { id } }`,
			map[string]any{"id": someID(t, m.db, "households", "id IN (SELECT household_id FROM pairings WHERE cadre_id = ? AND active = ?)", m.accs["cadre0001"].cad, true)}, "FORBIDDEN"},
		{"secretary deletes a household of its village", "village001", `mutation($id: ID!) { deleteHousehold(id: $id) }`,
			map[string]any{"id": someID(t, m.db, "households", "village_id = ?", m.accs["village001"].village)}, "FORBIDDEN"},
		{"secretary edits another village's member", "village001", `mutation($id: ID!) { updatePartyMember(id: $id, input: {version: 1, location: "x"}) { id } }`,
			map[string]any{"id": someID(t, m.db, "party_members", "village_id <> ?", m.accs["village001"].village)}, "NOT_FOUND"},
		{"department reads audit trail", "dept01", `{ auditEvents { totalCount } }`, nil, "FORBIDDEN"},
		{"township edits policies", "township01", `mutation { updatePolicies(add: [{role: "TOWNSHIP", object: "*", action: "*", scope: DISTRICT}]) { role } }`, nil, "FORBIDDEN"},
		{"township explains access", "township01", `query($u: ID!, $n: ID!) { explainAccess(userID: $u, nodeID: $n, action: "read") { allowed } }`, map[string]any{"u": userID(t, m.db, "admin"), "n": ownHH}, "FORBIDDEN"},
		{"township probes for a user", "township01", `query($u: ID!, $n: ID!) { explainAccess(userID: $u, nodeID: $n, action: "read") { allowed } }`, map[string]any{"u": scalar.EncodeID(120259084288 + 999999), "n": ownHH}, "FORBIDDEN"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := m.apis[c.who].Do(t, c.q, c.vars)
			r.Fail(t, c.code)
		})
	}
	// The refused writes changed nothing: the foreign household is as it was.
	var head string
	if err := m.db.QueryRow("SELECT head_name FROM households WHERE id = ?", decodeID(t, foreignHH)).Scan(&head); err != nil || head == "篡改" {
		t.Fatalf("foreign household head = %q (%v)", head, err)
	}
	var n int
	if err := m.db.QueryRow("SELECT COUNT(*) FROM role_bindings WHERE role = 'DISTRICT'").Scan(&n); err != nil || n != 1 {
		t.Fatalf("DISTRICT bindings = %d (%v), want only admin's", n, err)
	}

	// Inside the scope the same township may work: create in its village, update, delete.
	var created map[string]any
	tw.Must(t, `mutation($v: ID!) { createHousehold(input: {villageID: $v, number: "T-1", headName: "新户"}) { id } }`, map[string]any{"v": ownVillage}, &created)
	id := dig(created, "createHousehold", "id")
	tw.Must(t, `mutation($id: ID!) { updateHousehold(id: $id, input: {version: 1, headName: "新户主"}) { id } }`, map[string]any{"id": id}, nil)
	tw.Must(t, `mutation($id: ID!) { deleteHousehold(id: $id) }`, map[string]any{"id": id}, nil)
	// Its deletion shows in the township's change feed, not in another township's.
	feed := `{ deletedRecords(type: "Household", since: "2000-01-01T00:00:00Z") { recordID } }`
	var own, other map[string]any
	tw.Must(t, feed, nil, &own)
	m.apis["township07"].Must(t, feed, nil, &other)
	if len(dig(own, "deletedRecords").([]any)) != 1 || dig(own, "deletedRecords", 0, "recordID") != id || len(dig(other, "deletedRecords").([]any)) != 0 {
		t.Fatalf("deletion feed: own %v, other township %v", own, other)
	}
	// … and DISTRICT may move a household, which carries everything under it along — unless its
	// number is taken in the destination.
	move := `mutation($id: ID!, $v: ID!) { moveHousehold(id: $id, villageID: $v) { villageID } }`
	first := scalar.EncodeID(someInt(t, m.db, "SELECT id FROM households WHERE township_id = ? AND number = '0001' ORDER BY id", tID))
	m.apis["admin"].Do(t, move, map[string]any{"id": first, "v": foreignVillage}).Fail(t, "CONFLICT")
	ownHH = scalar.EncodeID(someInt(t, m.db, "SELECT id FROM households WHERE township_id = ? AND deleted_at IS NULL ORDER BY number DESC, id", tID))
	foreignVillage = someID(t, m.db, "villages", "id NOT IN (SELECT village_id FROM households WHERE number = (SELECT number FROM households WHERE id = ?)) AND township_id <> ?", decodeID(t, ownHH), tID)
	m.apis["admin"].Must(t, move, map[string]any{"id": ownHH, "v": foreignVillage}, nil)
	// Every table under households, read from the foreign keys: a new child entity is checked too.
	for _, table := range testkit.TablesUnder("households") {
		var wrong int
		if err := m.db.QueryRow("SELECT COUNT(*) FROM "+table+" WHERE household_id = ? AND village_id <> ?", decodeID(t, ownHH), decodeID(t, foreignVillage)).Scan(&wrong); err != nil || wrong != 0 {
			t.Fatalf("%d %s rows left behind by the move (%v)", wrong, table, err)
		}
	}
	m.apis["township01"].Do(t, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": ownHH}).Fail(t, "NOT_FOUND")
}

func someID(t *testing.T, db *sql.DB, table, where string, args ...any) string {
	t.Helper()
	return scalar.EncodeID(someInt(t, db, "SELECT id FROM "+table+" WHERE deleted_at IS NULL AND ("+where+") ORDER BY id", args...))
}

func someInt(t *testing.T, db *sql.DB, q string, args ...any) int {
	t.Helper()
	var id int
	if err := db.QueryRow(q, args...).Scan(&id); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return id
}

func userID(t *testing.T, db *sql.DB, username string) string {
	return scalar.EncodeID(someInt(t, db, "SELECT id FROM users WHERE username = ?", username))
}

func diff(want, got map[int]bool) (missing, extra []int) {
	for id := range want {
		if !got[id] {
			missing = append(missing, id)
		}
	}
	for id := range got {
		if !want[id] {
			extra = append(extra, id)
		}
	}
	sort.Ints(missing)
	sort.Ints(extra)
	return missing, extra
}

func first(ids []int) []int {
	if len(ids) > 3 {
		return ids[:3]
	}
	return ids
}
