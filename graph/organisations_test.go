package graph_test

import (
	"fmt"
	"testing"

	"github.com/nanpiao/sbqw/graph/scalar"
	"github.com/nanpiao/sbqw/internal/testkit"
)

const (
	moveMember    = `mutation($m: ID!, $o: ID!, $r: String!) { moveMember(memberID: $m, organizationID: $o, reason: $r) { id village { id } organization { id owner } } }`
	transferCadre = `mutation($c: ID!, $d: ID!, $on: Date!, $p: PairingDisposition!, $r: String!) { transferCadre(cadreID: $c, departmentID: $d, on: $on, pairings: $p, reason: $r) { cadre { id department { id } assignments { department { id } from to } } } }`
)

// TestMoveMember: a township moves one of its village members into its 两新 organisation; the
// member's posts, team posts and contributions follow, the old village's secretary loses sight
// of all of them, the move is audited; a second identical move is CONFLICT, a destination in
// another township NOT_FOUND, a village secretary FORBIDDEN.
func TestMoveMember(t *testing.T) {
	m := newMatrix(t)
	tID := m.accs["township01"].township
	vID := m.accs["village001"].village
	org := someInt(t, m.db, "SELECT id FROM party_organizations WHERE owner = 'ENTERPRISE_OR_SOCIAL' AND township_id = ?", tID)
	member := someInt(t, m.db, `SELECT id FROM party_members WHERE village_id = ? AND deleted_at IS NULL
		ORDER BY (SELECT COUNT(*) FROM posts p WHERE p.member_id = party_members.id) + (SELECT COUNT(*) FROM contributions c WHERE c.member_id = party_members.id) DESC, id LIMIT 1`, vID)
	children := someInt(t, m.db, `SELECT (SELECT COUNT(*) FROM posts WHERE member_id = ?) + (SELECT COUNT(*) FROM team_memberships WHERE member_id = ?) + (SELECT COUNT(*) FROM contributions WHERE member_id = ?)`, member, member, member)
	if children == 0 {
		t.Fatal("the moved member has no post, team post or contribution: the test proves little")
	}
	sec := m.apis["village001"]
	node := `query($id: ID!) { node(id: $id) { id } }`
	if r := sec.Do(t, node, map[string]any{"id": scalar.EncodeID(member)}); r.Code() != "" {
		t.Fatalf("before the move the secretary cannot see its member: %s", r.ErrorText())
	}
	vars := map[string]any{"m": scalar.EncodeID(member), "o": scalar.EncodeID(org), "r": "到合作社工作"}
	var out map[string]any
	m.apis["township01"].Must(t, moveMember, vars, &out)
	if dig(out, "moveMember", "village") != nil || dig(out, "moveMember", "organization", "owner") != "ENTERPRISE_OR_SOCIAL" {
		t.Fatalf("after the move: %v", out)
	}
	for _, table := range []string{"posts", "team_memberships", "contributions"} {
		if n := someInt(t, m.db, "SELECT COUNT(*) FROM "+table+" WHERE member_id = ? AND (village_id IS NOT NULL OR township_id IS NULL OR township_id <> ?)", member, tID); n != 0 {
			t.Errorf("%s: %d rows of the member did not follow it", table, n)
		}
	}
	if n := someInt(t, m.db, "SELECT COUNT(*) FROM party_members WHERE id = ? AND organization_id = ? AND village_id IS NULL AND township_id = ? AND department_id IS NULL", member, org, tID); n != 1 {
		t.Fatal("the member's row does not hold its new organisation's scope")
	}
	if r := sec.Do(t, node, map[string]any{"id": scalar.EncodeID(member)}); r.Code() != "NOT_FOUND" {
		t.Fatalf("the old village's secretary still reaches the moved member: %s %s", r.Data, r.ErrorText())
	}
	var lists map[string]any
	sec.Must(t, `query($m: ID!) { posts(where: {hasMemberWith: [{id: $m}]}) { totalCount } contributions(where: {hasMemberWith: [{id: $m}]}) { totalCount } teamMemberships(where: {hasMemberWith: [{id: $m}]}) { totalCount } }`,
		map[string]any{"m": scalar.EncodeID(member)}, &lists)
	for _, l := range []string{"posts", "contributions", "teamMemberships"} {
		if n := dig(lists, l, "totalCount").(float64); n != 0 {
			t.Errorf("the old village's secretary still lists %v of the moved member's %s", n, l)
		}
	}
	if n := someInt(t, m.db, "SELECT COUNT(*) FROM audit_events WHERE action = 'party_member.move' AND entity_id = ?", member); n != 1 {
		t.Fatalf("%d audit events for the move", n)
	}
	m.apis["township01"].Do(t, moveMember, vars).Fail(t, "CONFLICT")
	foreignOrg := someInt(t, m.db, "SELECT id FROM party_organizations WHERE township_id <> ? AND village_id IS NOT NULL LIMIT 1", tID)
	m.apis["township01"].Do(t, moveMember, map[string]any{"m": vars["m"], "o": scalar.EncodeID(foreignOrg), "r": "调出"}).Fail(t, "NOT_FOUND")
	other := someInt(t, m.db, "SELECT id FROM party_members WHERE village_id = ? AND id <> ? LIMIT 1", vID, member)
	sec.Do(t, moveMember, map[string]any{"m": scalar.EncodeID(other), "o": scalar.EncodeID(org), "r": "调出"}).Fail(t, "FORBIDDEN")
	// The district moves it on, into a department's branch: no township any more.
	deptOrg := someInt(t, m.db, "SELECT id FROM party_organizations WHERE owner = 'DEPARTMENT' LIMIT 1")
	m.apis["admin"].Must(t, moveMember, map[string]any{"m": vars["m"], "o": scalar.EncodeID(deptOrg), "r": "调入机关"}, nil)
	if n := someInt(t, m.db, "SELECT COUNT(*) FROM contributions WHERE member_id = ? AND township_id IS NULL AND village_id IS NULL", member); n == 0 {
		t.Fatal("the member's contributions did not follow it into the department")
	}
	m.apis["township01"].Do(t, node, map[string]any{"id": scalar.EncodeID(member)}).Fail(t, "NOT_FOUND")
}

// transferable: a cadre with pairings in force and a colleague in the same department, and
// another department to go to.
func transferable(t *testing.T, m *matrix, skip int) (cadre, from, to, active int) {
	t.Helper()
	cadre = someInt(t, m.db, `SELECT c.id FROM cadres c WHERE (SELECT COUNT(*) FROM pairings p WHERE p.cadre_id = c.id AND p.active) >= 2
		AND NOT EXISTS (SELECT 1 FROM cadre_assignments a WHERE a.cadre_id = c.id AND a.`+"`to`"+` IS NOT NULL) ORDER BY c.id LIMIT 1 OFFSET ?`, skip)
	from = someInt(t, m.db, "SELECT department_id FROM cadres WHERE id = ?", cadre)
	to = someInt(t, m.db, "SELECT id FROM departments WHERE id <> ? ORDER BY id LIMIT 1", from)
	active = someInt(t, m.db, "SELECT COUNT(*) FROM pairings WHERE cadre_id = ? AND active", cadre)
	return
}

// TestTransferCadre: HAND_OVER ends the cadre's pairings the day before and pairs each
// household with a colleague of the old department from the day; RELEASE only ends them; the
// assignment history is kept; a repeat is CONFLICT; only DISTRICT may transfer.
func TestTransferCadre(t *testing.T) {
	m := newMatrix(t)
	admin := m.apis["admin"]
	for i, how := range []string{"HAND_OVER", "RELEASE"} {
		cadre, from, to, active := transferable(t, m, i)
		vars := map[string]any{"c": scalar.EncodeID(cadre), "d": scalar.EncodeID(to), "on": "2026-11-01", "p": how, "r": "交流任职"}
		m.apis["dept01"].Do(t, transferCadre, vars).Fail(t, "FORBIDDEN")
		var out map[string]any
		admin.Must(t, transferCadre, vars, &out)
		as := dig(out, "transferCadre", "cadre", "assignments").([]any)
		if len(as) != 2 || dig(as[0], "to") != "2026-10-31" || dig(as[1], "from") != "2026-11-01" || dig(as[1], "to") != nil ||
			dig(as[0], "department", "id") != scalar.EncodeID(from) || dig(as[1], "department", "id") != scalar.EncodeID(to) {
			t.Fatalf("%s: assignments %v", how, as)
		}
		if n := someInt(t, m.db, "SELECT COUNT(*) FROM pairings WHERE cadre_id = ? AND NOT active AND date(end_on) = '2026-10-31' AND release_reason LIKE '%交流任职'", cadre); n != active {
			t.Fatalf("%s: %d of %d pairings ended the day before", how, n, active)
		}
		if n := someInt(t, m.db, "SELECT COUNT(*) FROM pairings WHERE cadre_id = ? AND active", cadre); n != 0 {
			t.Fatalf("%s: %d pairings still in force", how, n)
		}
		handed := someInt(t, m.db, `SELECT COUNT(*) FROM pairings p WHERE p.active AND p.department_id = ? AND p.household_id IN
			(SELECT household_id FROM pairings WHERE cadre_id = ? AND date(end_on) = '2026-10-31')`, from, cadre)
		if want := map[string]int{"HAND_OVER": active, "RELEASE": 0}[how]; handed != want {
			t.Fatalf("%s: %d households handed over, want %d", how, handed, want)
		}
		if n := someInt(t, m.db, "SELECT COUNT(*) FROM audit_events WHERE action = 'cadre.transfer' AND entity_id = ?", cadre); n != 1 {
			t.Fatalf("%s: %d audit events", how, n)
		}
		admin.Do(t, transferCadre, vars).Fail(t, "CONFLICT")
	}
}

// TestConcurrentTransferCadre: twelve simultaneous transfers of one cadre: exactly one applies,
// the rest are CONFLICT; one open assignment; every pairing ended and handed over exactly once.
// Meaningful on MariaDB (MYSQL_TEST_DSN); SQLite serialises writers.
func TestConcurrentTransferCadre(t *testing.T) {
	m := newMatrix(t)
	admin := m.apis["admin"]
	for round := range rounds {
		cadre, _, to, active := transferable(t, m, round)
		rs := race(t, racers, func(i int) *testkit.Response {
			return admin.Do(t, transferCadre, map[string]any{"c": scalar.EncodeID(cadre), "d": scalar.EncodeID(to), "on": "2026-11-01", "p": "HAND_OVER", "r": fmt.Sprintf("交流任职 %d", i)})
		})
		if won := winners(t, rs, "CONFLICT"); len(won) != 1 {
			t.Fatalf("round %d: %d transfers applied", round, len(won))
		}
		if n := someInt(t, m.db, "SELECT COUNT(*) FROM cadre_assignments WHERE cadre_id = ? AND `to` IS NULL", cadre); n != 1 {
			t.Fatalf("round %d: %d open assignments", round, n)
		}
		if n := someInt(t, m.db, "SELECT COUNT(*) FROM cadre_assignments WHERE cadre_id = ?", cadre); n != 2 {
			t.Fatalf("round %d: %d assignments, want 2", round, n)
		}
		if n := someInt(t, m.db, "SELECT COUNT(*) FROM pairings WHERE cadre_id = ? AND date(end_on) = '2026-10-31'", cadre); n != active {
			t.Fatalf("round %d: %d pairings ended, want %d", round, n, active)
		}
		if n := someInt(t, m.db, `SELECT COUNT(*) FROM pairings WHERE date(start_on) = '2026-11-01' AND household_id IN
			(SELECT household_id FROM pairings WHERE cadre_id = ? AND date(end_on) = '2026-10-31')`, cadre); n != active {
			t.Fatalf("round %d: %d hand-overs, want %d", round, n, active)
		}
	}
}

// TestVillageSecretaryCannotReachDepartmentMembers: a department member (with a post, a team
// post and contributions, and a cadre record) is out of every village secretary's reach — by
// node, by the lists and their filters, through a cadre's member edge, in the exports and in
// the changes feed — and so are the ID number and phone; the department itself reaches it.
func TestVillageSecretaryCannotReachDepartmentMembers(t *testing.T) {
	m := newMatrix(t)
	member := someInt(t, m.db, `SELECT m.id FROM party_members m WHERE m.department_id IS NOT NULL AND EXISTS (SELECT 1 FROM cadres c WHERE c.member_id = m.id)
		AND EXISTS (SELECT 1 FROM posts p WHERE p.member_id = m.id) ORDER BY (SELECT COUNT(*) FROM contributions c WHERE c.member_id = m.id) DESC, m.id LIMIT 1`)
	cadre := someInt(t, m.db, "SELECT id FROM cadres WHERE member_id = ?", member)
	dept := someInt(t, m.db, "SELECT department_id FROM party_members WHERE id = ?", member)
	id := scalar.EncodeID(member)
	for _, u := range []string{"village001", "village050", "township01", "township07"} {
		api := m.apis[u]
		api.Do(t, `query($id: ID!) { node(id: $id) { ... on PartyMember { idNumber phone } } }`, map[string]any{"id": id}).Fail(t, "NOT_FOUND")
		var out map[string]any
		api.Must(t, `query($m: ID!, $c: ID!) {
			partyMembers(where: {id: $m}) { totalCount }
			posts(where: {hasMemberWith: [{id: $m}]}) { totalCount }
			teamMemberships(where: {hasMemberWith: [{id: $m}]}) { totalCount }
			contributions(where: {hasMemberWith: [{id: $m}]}) { totalCount }
			node(id: $c) { ... on Cadre { member { idNumber phone } } }
		}`, map[string]any{"m": id, "c": scalar.EncodeID(cadre)}, &out)
		for _, l := range []string{"partyMembers", "posts", "teamMemberships", "contributions"} {
			if n := dig(out, l, "totalCount").(float64); n != 0 {
				t.Errorf("%s lists %v %s of a department member", u, n, l)
			}
		}
		if mem := dig(out, "node", "member"); mem != nil {
			t.Errorf("%s reads the department member through the cadre: %v", u, mem)
		}
		if u == "village001" { // its export holds exactly its village's members
			_, rows := exportSheet(t, api, "partyMembers")
			if want := someInt(t, m.db, "SELECT COUNT(*) FROM party_members WHERE village_id = ? AND deleted_at IS NULL", m.accs[u].village); len(rows) != want+1 {
				t.Errorf("the village secretary's export has %d rows, its village %d members (+ header)", len(rows), want)
			}
		}
	}
	// The changes feed: the district edits the member (it floats now); the secretary's feed
	// does not carry it, the district's does.
	m.apis["admin"].Must(t, `mutation($id: ID!, $v: Int!) { updatePartyMember(id: $id, input: {version: $v, floatingSince: "2026-10-01", location: "沈阳"}) { floatingSince } }`,
		map[string]any{"id": id, "v": someInt(t, m.db, "SELECT version FROM party_members WHERE id = ?", member)}, nil)
	sequence(t, m.srv.DB.Client)
	for u, want := range map[string]bool{"village001": false, "admin": true} {
		seen, _ := follow(t, m.apis[u], "", 500)
		found := ids(seen, "")[id]
		if found != want {
			t.Errorf("%s's changes feed carries the department member's update: %v, want %v", u, found, want)
		}
	}
	var floating map[string]any
	m.apis["admin"].Must(t, `{ partyMembers(where: {floatingSinceNotNil: true}) { totalCount } }`, nil, &floating)
	if n := dig(floating, "partyMembers", "totalCount").(float64); n < 2 {
		t.Errorf("%v floating members listed", n)
	}
	var own map[string]any
	departmentAPI(t, m, dept).Must(t, `query($id: ID!) { node(id: $id) { ... on PartyMember { id } } }`, map[string]any{"id": id}, &own)
	if dig(own, "node", "id") != id {
		t.Fatalf("the member's own department does not reach it: %v", own)
	}
}

// TestCadreAssignmentsReadLikeTheirCadre: the root list cadreAssignments (the scope matrix
// checks who lists which rows) and node(id:) give an assignment to exactly those who may read
// its cadre — here every account, cadres being reference data — including the history of a
// transferred cadre in another department. What a caller may not reach stays out of reach
// through it: a village secretary filtering assignments by a department member's record, or
// walking to it through the cadre, finds nothing; and no mutation writes an assignment.
func TestCadreAssignmentsReadLikeTheirCadre(t *testing.T) {
	m := newMatrix(t)
	// The demo's transferred cadre: its closed assignment is in a department it left.
	var asg, cad int
	if err := m.db.QueryRow("SELECT id, cadre_id FROM cadre_assignments WHERE `to` IS NOT NULL ORDER BY id LIMIT 1").Scan(&asg, &cad); err != nil {
		t.Fatalf("the demo district has no transferred cadre: %v", err)
	}
	node := `query($id: ID!) { node(id: $id) { id } }`
	for _, u := range matrixAccounts {
		ra := m.apis[u].Do(t, node, map[string]any{"id": scalar.EncodeID(asg)})
		rc := m.apis[u].Do(t, node, map[string]any{"id": scalar.EncodeID(cad)})
		if ra.Code() != rc.Code() {
			t.Errorf("%s: the assignment answers %q, its cadre %q", u, ra.Code(), rc.Code())
		}
		if ra.Code() != "" {
			t.Errorf("%s cannot read a cadre's assignment: %s", u, ra.ErrorText())
		}
	}
	member := someInt(t, m.db, `SELECT m.id FROM party_members m JOIN cadres c ON c.member_id = m.id
		WHERE m.department_id IS NOT NULL AND m.deleted_at IS NULL ORDER BY m.id LIMIT 1`)
	memberCadre := someInt(t, m.db, "SELECT id FROM cadres WHERE member_id = ?", member)
	q := `query($m: ID!, $c: ID!) {
		cadreAssignments(where: {hasCadreWith: [{hasMemberWith: [{id: $m}]}]}) { totalCount }
		all: cadreAssignments(where: {hasCadreWith: [{id: $c}]}) { edges { node { cadre { member { id idNumber phone } } } } }
	}`
	count := func(u string) (int, map[string]bool) {
		var out map[string]any
		m.apis[u].Must(t, q, map[string]any{"m": scalar.EncodeID(member), "c": scalar.EncodeID(memberCadre)}, &out)
		seen := map[string]bool{}
		for _, e := range dig(out, "all", "edges").([]any) {
			if id, ok := dig(e, "node", "cadre", "member", "id").(string); ok {
				seen[id] = true
			}
		}
		return int(dig(out, "cadreAssignments", "totalCount").(float64)), seen
	}
	if n, seen := count("admin"); n == 0 || !seen[scalar.EncodeID(member)] {
		t.Fatalf("DISTRICT finds %d assignments of the department member's cadre (seen through the cadre: %v): the test proves nothing", n, seen[scalar.EncodeID(member)])
	}
	for _, u := range []string{"village001", "village050", "township01", "township07"} {
		n, seen := count(u)
		if n != 0 {
			t.Errorf("%s learns that a department member is a cadre: %d assignments match", u, n)
		}
		if seen[scalar.EncodeID(member)] {
			t.Errorf("%s reaches a department member through an assignment's cadre", u)
		}
	}
	for _, mutation := range []string{
		`mutation($id: ID!) { updateCadreAssignment(id: $id, input: {to: "2020-01-01"}) { id } }`,
		`mutation($id: ID!) { deleteCadreAssignment(id: $id) }`,
	} {
		r := m.apis["admin"].Do(t, mutation, map[string]any{"id": scalar.EncodeID(asg)})
		if len(r.Errors) == 0 {
			t.Fatalf("%s: not refused (%d %s)", mutation, r.Status, r.Data)
		}
	}
	if n := someInt(t, m.db, "SELECT COUNT(*) FROM cadre_assignments WHERE id = ? AND `to` IS NOT NULL AND date(`to`) <> '2020-01-01'", asg); n != 1 {
		t.Fatal("the assignment changed")
	}
}

const transferCadreMember = `mutation($c: ID!, $d: ID!, $on: Date!, $r: String!) { transferCadre(cadreID: $c, departmentID: $d, on: $on, pairings: RELEASE, reason: $r) {
	memberMoved cadre { id department { id } member { id organization { id } } } } }`

// cadreWithBranchMember picks a cadre, never transferred, whose party-member record is in its
// department's branch, the one with the most posts, team posts and contributions first.
func cadreWithBranchMember(t *testing.T, m *matrix, skip int) (cadre, member, from int) {
	t.Helper()
	err := m.db.QueryRow(`SELECT c.id, c.member_id, c.department_id FROM cadres c JOIN party_members pm ON pm.id = c.member_id
		WHERE pm.department_id = c.department_id AND pm.deleted_at IS NULL AND c.deleted_at IS NULL
		AND NOT EXISTS (SELECT 1 FROM cadre_assignments a WHERE a.cadre_id = c.id AND a.`+"`to`"+` IS NOT NULL)
		ORDER BY (SELECT COUNT(*) FROM posts p WHERE p.member_id = pm.id) + (SELECT COUNT(*) FROM contributions x WHERE x.member_id = pm.id)
			+ (SELECT COUNT(*) FROM team_memberships tm WHERE tm.member_id = pm.id) DESC, c.id LIMIT 1 OFFSET ?`, skip).Scan(&cadre, &member, &from)
	if err != nil {
		t.Fatalf("no cadre with a member record in its department's branch: %v", err)
	}
	return
}

// TestTransferCadreTakesItsMemberAlong: a cadre whose member record is in the old department's
// branch is transferred to a department with one branch: the member moves there in the same
// transfer, with its posts, team posts and contributions, audited as a member move; the old
// department loses sight of it, the new one gains it. To a department with two branches the
// member stays, and memberMoved says so.
func TestTransferCadreTakesItsMemberAlong(t *testing.T) {
	m := newMatrix(t)
	admin := m.apis["admin"]
	cadre, member, from := cadreWithBranchMember(t, m, 0)
	to := someInt(t, m.db, "SELECT id FROM departments WHERE id <> ? ORDER BY id LIMIT 1", from)
	branch := someInt(t, m.db, "SELECT id FROM party_organizations WHERE owner = 'DEPARTMENT' AND department_id = ? AND deleted_at IS NULL", to)
	children := someInt(t, m.db, `SELECT (SELECT COUNT(*) FROM posts WHERE member_id = ?) + (SELECT COUNT(*) FROM team_memberships WHERE member_id = ?) + (SELECT COUNT(*) FROM contributions WHERE member_id = ?)`, member, member, member)
	if children == 0 {
		t.Fatal("the cadre's member record has no post, team post or contribution: the test proves little")
	}
	node := `query($id: ID!) { node(id: $id) { id } }`
	departmentAPI(t, m, from).Must(t, node, map[string]any{"id": scalar.EncodeID(member)}, nil)
	departmentAPI(t, m, to).Do(t, node, map[string]any{"id": scalar.EncodeID(member)}).Fail(t, "NOT_FOUND")

	var out map[string]any
	admin.Must(t, transferCadreMember, map[string]any{"c": scalar.EncodeID(cadre), "d": scalar.EncodeID(to), "on": "2026-11-01", "r": "交流任职"}, &out)
	if dig(out, "transferCadre", "memberMoved") != true || dig(out, "transferCadre", "cadre", "member", "organization", "id") != scalar.EncodeID(branch) {
		t.Fatalf("the member did not follow the cadre into the new department's only branch: %v", out)
	}
	if n := someInt(t, m.db, "SELECT COUNT(*) FROM party_members WHERE id = ? AND organization_id = ? AND department_id = ? AND township_id IS NULL AND village_id IS NULL", member, branch, to); n != 1 {
		t.Fatal("the member's row does not hold the new branch's scope")
	}
	// The member's posts, team posts and contributions are seen where the member is: by the new
	// department, no longer by the old one.
	records := `query($m: ID!) { posts(where: {hasMemberWith: [{id: $m}]}) { totalCount }
		contributions(where: {hasMemberWith: [{id: $m}]}) { totalCount } teamMemberships(where: {hasMemberWith: [{id: $m}]}) { totalCount } }`
	for dept, want := range map[int]int{to: children, from: 0} {
		var got map[string]any
		departmentAPI(t, m, dept).Must(t, records, map[string]any{"m": scalar.EncodeID(member)}, &got)
		n := 0
		for _, l := range []string{"posts", "contributions", "teamMemberships"} {
			n += int(dig(got, l, "totalCount").(float64))
		}
		if n != want {
			t.Errorf("department %d reaches %d of the member's posts, team posts and contributions, want %d", dept, n, want)
		}
	}
	if n := someInt(t, m.db, "SELECT COUNT(*) FROM audit_events WHERE action = 'party_member.move' AND entity_id = ? AND detail LIKE '%干部调动%'", member); n != 1 {
		t.Fatalf("%d audit events for the member's move", n)
	}
	departmentAPI(t, m, from).Do(t, node, map[string]any{"id": scalar.EncodeID(member)}).Fail(t, "NOT_FOUND")
	departmentAPI(t, m, to).Must(t, node, map[string]any{"id": scalar.EncodeID(member)}, nil)

	// A department with two branches: which one is for a person to choose; the member stays.
	cadre2, member2, from2 := cadreWithBranchMember(t, m, 0)
	if cadre2 == cadre {
		t.Fatal("the transferred cadre was picked again")
	}
	to2 := someInt(t, m.db, "SELECT id FROM departments WHERE id NOT IN (?, ?) ORDER BY id LIMIT 1", from2, to)
	org2 := someInt(t, m.db, "SELECT organization_id FROM party_members WHERE id = ?", member2)
	admin.Must(t, `mutation($d: ID!) { createPartyOrganization(input: {name: "第二党支部", kind: BRANCH, departmentID: $d}) { id } }`, map[string]any{"d": scalar.EncodeID(to2)}, nil)
	admin.Must(t, transferCadreMember, map[string]any{"c": scalar.EncodeID(cadre2), "d": scalar.EncodeID(to2), "on": "2026-11-01", "r": "交流任职"}, &out)
	if dig(out, "transferCadre", "memberMoved") != false || dig(out, "transferCadre", "cadre", "department", "id") != scalar.EncodeID(to2) {
		t.Fatalf("to a department with two branches: %v", out)
	}
	if n := someInt(t, m.db, "SELECT COUNT(*) FROM party_members WHERE id = ? AND organization_id = ? AND department_id = ?", member2, org2, from2); n != 1 {
		t.Fatal("the member moved although the new department has two branches")
	}
}

// TestMovesLeaveClosedYearsAlone: the demo closes 2025. Moving a member whose posts and
// contributions lie in 2025 to another township, and transferring a cadre whose member record
// follows it, are allowed and leave the stored 2025 reports — the district's and both
// townships' — byte for byte as they were. A transfer dated into 2025, or on 1 January 2026
// (the old assignment would end on 31 December 2025), is CONFLICT with reason YEAR_CLOSED and
// changes nothing.
func TestMovesLeaveClosedYearsAlone(t *testing.T) {
	m := newMatrix(t)
	admin := m.apis["admin"]
	from := m.accs["township01"].township
	member := someInt(t, m.db, `SELECT m.id FROM party_members m WHERE m.township_id = ? AND m.village_id IS NOT NULL AND m.deleted_at IS NULL
		AND EXISTS (SELECT 1 FROM contributions c WHERE c.member_id = m.id AND c.`+"`on`"+` < '2026-01-01') ORDER BY m.id LIMIT 1`, from)
	org := someInt(t, m.db, "SELECT id FROM party_organizations WHERE owner = 'VILLAGE' AND township_id <> ? AND deleted_at IS NULL ORDER BY id LIMIT 1", from)
	to := someInt(t, m.db, "SELECT township_id FROM party_organizations WHERE id = ?", org)
	sums := func() map[string]string {
		out := map[string]string{}
		for name, tw := range map[string]any{"district": nil, "from": scalar.EncodeID(from), "to": scalar.EncodeID(to)} {
			var r map[string]any
			admin.Must(t, `query($t: ID) { closedReport(year: 2025, townshipID: $t) { sha256 } }`, map[string]any{"t": tw}, &r)
			out[name] = dig(r, "closedReport", "sha256").(string)
		}
		return out
	}
	before := sums()
	admin.Must(t, moveMember, map[string]any{"m": scalar.EncodeID(member), "o": scalar.EncodeID(org), "r": "跨乡镇转接"}, nil)
	if n := someInt(t, m.db, "SELECT COUNT(*) FROM contributions WHERE member_id = ? AND township_id = ? AND `on` < '2026-01-01'", member, to); n == 0 {
		t.Fatal("the member's 2025 contributions did not move: the test proves nothing")
	}
	if after := sums(); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Fatalf("moving a member changed closed 2025 reports: %v → %v", before, after)
	}
	cadre, _, dept := cadreWithBranchMember(t, m, 0)
	other := someInt(t, m.db, "SELECT id FROM departments WHERE id <> ? ORDER BY id LIMIT 1", dept)
	vars := map[string]any{"c": scalar.EncodeID(cadre), "d": scalar.EncodeID(other), "r": "交流任职"}
	assignments := someInt(t, m.db, "SELECT COUNT(*) FROM cadre_assignments WHERE cadre_id = ?", cadre)
	// Its pairings released first (today), so that only the assignment history can be what a
	// transfer into 2025 would rewrite — not the pairings' end dates, which are locked anyway.
	rows, err := m.db.Query("SELECT id FROM pairings WHERE cadre_id = ? AND active AND deleted_at IS NULL", cadre)
	if err != nil {
		t.Fatal(err)
	}
	var pairings []int
	for rows.Next() {
		var id int
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		pairings = append(pairings, id)
	}
	rows.Close()
	for _, p := range pairings {
		admin.Must(t, `mutation($id: ID!) { releasePairing(id: $id, reason: "调动前解除") { __typename } }`, map[string]any{"id": scalar.EncodeID(p)}, nil)
	}
	for _, on := range []string{"2025-06-01", "2026-01-01"} {
		vars["on"] = on
		e := admin.Do(t, transferCadreMember, vars).Fail(t, "CONFLICT")
		if e.Extensions["reason"] != "YEAR_CLOSED" {
			t.Fatalf("transfer on %s: reason %v, want YEAR_CLOSED (%s)", on, e.Extensions["reason"], e.Message)
		}
	}
	if n := someInt(t, m.db, "SELECT COUNT(*) FROM cadre_assignments WHERE cadre_id = ? AND `to` IS NULL AND department_id = ?", cadre, dept); n != 1 ||
		someInt(t, m.db, "SELECT COUNT(*) FROM cadre_assignments WHERE cadre_id = ?", cadre) != assignments {
		t.Fatal("a refused transfer left assignments behind")
	}
	vars["on"] = "2026-01-02"
	var out map[string]any
	admin.Must(t, transferCadreMember, vars, &out)
	if dig(out, "transferCadre", "memberMoved") != true {
		t.Fatalf("the cadre's member did not follow it: %v", out)
	}
	if after := sums(); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Fatalf("transferring a cadre changed closed 2025 reports: %v → %v", before, after)
	}
}
