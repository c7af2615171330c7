package graph_test

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/nanpiao/sbqw/graph/scalar"
	"github.com/nanpiao/sbqw/internal/testkit"
	"github.com/nanpiao/sbqw/workflow"
)

// Workflow rules, allowed and refused, by role, on the demo district.

// stepContent is complete content for leaving stage (and for entering COMPLETION from REVIEW).
func stepContent(stage string) map[string]any {
	return map[string]map[string]any{
		"RESEARCH":       {"findings": "群众意愿强烈"},
		"EVALUATION":     {"evaluationScore": 88, "evaluationConclusion": "可行"},
		"APPROVAL":       {"approvalNumber": "南党促脱〔2026〕1号", "approvedBudget": "1000000.00"},
		"IMPLEMENTATION": {"progressPercent": 100, "spentToDate": "950000.50"},
		"REVIEW": {"reviewGrade": "GOOD", "finalInvestment": "990000.00", "finalHouseholdsDriven": 120,
			"acceptanceDate": dateIn(0)},
	}[stage]
}

func dateIn(days int) string { return time.Now().UTC().AddDate(0, 0, days).Format("2006-01-02") }

func TestDemoProjectStagesByRole(t *testing.T) {
	m := newMatrix(t)
	tw, admin := m.apis["township01"], m.apis["admin"]
	township := scalar.EncodeID(m.accs["township01"].township)
	var out map[string]any
	tw.Must(t, `mutation($t: ID!, $d: Date!) { createDemoProject(input: {townshipID: $t, year: 2026, name: "设施农业示范园",
		subjectKind: TOWNSHIP, subjectName: "暖池塘镇", industry: PRIMARY, goal: "带动100户增收", deadline: $d}) { id stage stages { stage result } } }`,
		map[string]any{"t": township, "d": dateIn(300)}, &out)
	id := dig(out, "createDemoProject", "id")
	if dig(out, "createDemoProject", "stage") != "RESEARCH" || dig(out, "createDemoProject", "stages", 0, "result") != "STARTED" {
		t.Fatalf("a new project: %v", out)
	}
	advance := `mutation($id: ID!, $f: ProjectStage!, $d: Date, $c: StageContentInput) { advanceDemoProject(id: $id, from: $f, remarks: "同意", dueOn: $d, content: $c) { stage overdue stageDueOn } }`
	ret := `mutation($id: ID!, $f: ProjectStage!, $r: String!) { returnDemoProject(id: $id, from: $f, reason: $r) { stage } }`
	steps := []struct {
		who, q string
		vars   map[string]any
		code   string // "" = allowed
		stage  string
	}{
		{"township01", advance, map[string]any{"id": id, "d": dateIn(30)}, "", "EVALUATION"},
		{"township01", advance, map[string]any{"id": id}, "FORBIDDEN", ""}, // 立项 is the district's
		{"village001", advance, map[string]any{"id": id}, "NOT_FOUND", ""}, // not its project
		{"township07", advance, map[string]any{"id": id}, "NOT_FOUND", ""}, // another township's
		{"admin", ret, map[string]any{"id": id, "r": "调研不充分"}, "", "RESEARCH"},
		{"township01", advance, map[string]any{"id": id}, "", "EVALUATION"},
		{"admin", advance, map[string]any{"id": id}, "", "APPROVAL"},
		{"admin", ret, map[string]any{"id": id, "r": "x不行"}, "BAD_USER_INPUT", ""},               // only evaluation or review send back
		{"township01", advance, map[string]any{"id": id, "d": dateIn(-1)}, "BAD_USER_INPUT", ""}, // deadline in the past
		{"township01", advance, map[string]any{"id": id}, "", "IMPLEMENTATION"},
		{"township01", advance, map[string]any{"id": id}, "FORBIDDEN", ""}, // 评审 is the district's
		{"admin", advance, map[string]any{"id": id}, "", "REVIEW"},
		{"township01", ret, map[string]any{"id": id, "r": "自行退回"}, "FORBIDDEN", ""},
		{"admin", ret, map[string]any{"id": id, "r": ""}, "BAD_USER_INPUT", ""}, // a reason is required
		{"admin", ret, map[string]any{"id": id, "r": "效益数据不足"}, "", "IMPLEMENTATION"},
		{"admin", advance, map[string]any{"id": id}, "", "REVIEW"},
		{"admin", advance, map[string]any{"id": id}, "", "COMPLETION"},
		{"admin", advance, map[string]any{"id": id}, "BAD_USER_INPUT", ""}, // nothing after 结题
	}
	var stage string
	for i, s := range steps {
		// Each move names the stage it leaves: the one stored now.
		if err := m.db.QueryRow("SELECT stage FROM demo_projects WHERE id = ?", decodeID(t, id.(string))).Scan(&stage); err != nil {
			t.Fatal(err)
		}
		s.vars["f"] = stage
		if s.q == advance { // each step's content (what these rules are not about) comes with the move
			s.vars["c"] = stepContent(stage)
		}
		r := m.apis[s.who].Do(t, s.q, s.vars)
		if s.code != "" {
			if r.Code() != s.code {
				t.Fatalf("step %d (%s): want %s, got %s", i, s.who, s.code, r.ErrorText())
			}
			continue
		}
		if len(r.Errors) > 0 {
			t.Fatalf("step %d (%s): %s", i, s.who, r.ErrorText())
		}
		out = nil
		_ = json.Unmarshal(r.Data, &out)
		for _, f := range []string{"advanceDemoProject", "returnDemoProject"} {
			if st := dig(out, f, "stage"); st != nil && st != s.stage {
				t.Fatalf("step %d: stage %v, want %s", i, st, s.stage)
			}
		}
	}
	// A move from a stage the project has left (a retry, a stale screen) is a CONFLICT.
	admin.Do(t, advance, map[string]any{"id": id, "f": "REVIEW"}).Fail(t, "CONFLICT")
	admin.Do(t, ret, map[string]any{"id": id, "f": "REVIEW", "r": "重复退回"}).Fail(t, "CONFLICT")
	// Every move is on record: STARTED + 9 moves, with who and why.
	admin.Must(t, `query($id: ID!) { node(id: $id) { ... on DemoProject { stage stages { stage result actorName remarks } } } }`, map[string]any{"id": id}, &out)
	stages := dig(out, "node", "stages").([]any)
	if len(stages) != 10 || dig(stages[2], "result") != "RETURNED" || dig(stages[2], "remarks") != "调研不充分" || dig(stages[2], "actorName") != "admin" {
		t.Fatalf("stage history: %v", stages)
	}
	// The stage cannot be set by an update.
	tw.Do(t, `mutation($id: ID!) { updateDemoProject(id: $id, input: {version: 1, stage: RESEARCH}) { id } }`, map[string]any{"id": id}).Fail(t, "BAD_USER_INPUT")
}

func TestOverdue(t *testing.T) {
	past, future := time.Now().AddDate(0, 0, -2), time.Now().AddDate(0, 0, 2)
	if !workflow.Overdue(&past, true) || workflow.Overdue(&past, false) || workflow.Overdue(&future, true) || workflow.Overdue(nil, true) {
		t.Fatal("overdue: a passed deadline of open work, nothing else")
	}
}

func TestPairingRules(t *testing.T) {
	m := newMatrix(t)
	admin, dept := m.apis["admin"], m.apis["dept01"]
	d := m.accs["dept01"].dept
	linked := scalar.EncodeID(someInt(t, m.db, "SELECT village_id FROM department_village_links WHERE department_id = ? AND year = ? ORDER BY village_id", d, time.Now().Year()))
	notLinked := scalar.EncodeID(someInt(t, m.db, "SELECT id FROM villages WHERE id NOT IN (SELECT village_id FROM department_village_links WHERE department_id = ?) ORDER BY id", d))
	cadre := scalar.EncodeID(someInt(t, m.db, "SELECT id FROM cadres WHERE department_id = ? ORDER BY id", d))
	newHousehold := func(village, number string, needy bool) string {
		var out map[string]any
		admin.Must(t, `mutation($v: ID!, $n: String!) { createHousehold(input: {villageID: $v, number: $n, headName: "新户", povertyStatus: IN_POVERTY}) { id } }`,
			map[string]any{"v": village, "n": number}, &out)
		id := dig(out, "createHousehold", "id").(string)
		if needy { // needy is the poverty-alleviation office's to set
			m.apis["poverty01"].Must(t, `mutation($id: ID!) { setHouseholdNeedy(id: $id, needy: true, reason: "扶贫办认定") { id } }`, map[string]any{"id": id}, nil)
		}
		return id
	}
	pair := `mutation($c: ID!, $h: ID!) { createPairing(input: {cadreID: $c, householdID: $h, startOn: "` + dateIn(0) + `"}) { id active } }`
	needy := newHousehold(linked, "P-1", true)
	notNeedy := newHousehold(linked, "P-2", false)
	elsewhere := newHousehold(notLinked, "P-3", true)

	dept.Do(t, pair, map[string]any{"c": cadre, "h": notNeedy}).Fail(t, "BAD_USER_INPUT")
	admin.Do(t, pair, map[string]any{"c": cadre, "h": elsewhere}).Fail(t, "BAD_USER_INPUT") // village not linked to the department
	dept.Do(t, pair, map[string]any{"c": cadre, "h": elsewhere}).Fail(t, "NOT_FOUND")       // … and the department cannot even see it
	var out map[string]any
	dept.Must(t, pair, map[string]any{"c": cadre, "h": needy}, &out)
	first := dig(out, "createPairing", "id").(string)
	other := scalar.EncodeID(someInt(t, m.db, "SELECT id FROM cadres WHERE department_id = ? ORDER BY id DESC", d))
	dept.Do(t, pair, map[string]any{"c": other, "h": needy}).Fail(t, "BAD_USER_INPUT") // one cadre per household
	m.apis["cadre0001"].Do(t, pair, map[string]any{"c": cadre, "h": needy}).Fail(t, "FORBIDDEN")

	// The per-cadre limit is a setting the district tunes.
	load := someInt(t, m.db, "SELECT COUNT(*) FROM pairings WHERE cadre_id = (SELECT id FROM cadres WHERE department_id = ? ORDER BY id DESC LIMIT 1) AND active = ?", d, true)
	dept.Do(t, `mutation { updateProgrammeSettings(maxHouseholdsPerCadre: 3) { maxHouseholdsPerCadre } }`, nil).Fail(t, "FORBIDDEN")
	admin.Must(t, `mutation($n: Int) { updateProgrammeSettings(maxHouseholdsPerCadre: $n) { maxHouseholdsPerCadre } }`, map[string]any{"n": load}, nil)
	second := newHousehold(linked, "P-4", true)
	dept.Do(t, pair, map[string]any{"c": other, "h": second}).Fail(t, "BAD_USER_INPUT")
	admin.Must(t, `mutation { updateProgrammeSettings(maxHouseholdsPerCadre: 5) { maxHouseholdsPerCadre } }`, nil, nil)

	// Release with a reason, handing the household to another cadre in the same step.
	release := `mutation($id: ID!, $r: String!, $c: ID) { releasePairing(id: $id, reason: $r, replacementCadreID: $c) { released { active endOn releaseReason } replacement { active cadre { id } } } }`
	dept.Do(t, release, map[string]any{"id": first, "r": ""}).Fail(t, "BAD_USER_INPUT")
	m.apis["cadre0001"].Do(t, release, map[string]any{"id": first, "r": "调动"}).Fail(t, "FORBIDDEN") // its own pairing: visible, not its to end
	m.apis["dept20"].Do(t, release, map[string]any{"id": first, "r": "调动"}).Fail(t, "NOT_FOUND")
	dept.Must(t, release, map[string]any{"id": first, "r": "干部调动", "c": scalar.EncodeID(someInt(t, m.db, `SELECT c.id FROM cadres c WHERE c.department_id = ? AND c.id <> ?
		ORDER BY (SELECT COUNT(*) FROM pairings p WHERE p.cadre_id = c.id AND p.active = ?), c.id`, d, decodeID(t, cadre), true))}, &out)
	if dig(out, "releasePairing", "released", "active") != false || dig(out, "releasePairing", "replacement", "active") != true || dig(out, "releasePairing", "released", "releaseReason") != "干部调动" {
		t.Fatalf("release: %v", out)
	}
	dept.Do(t, release, map[string]any{"id": first, "r": "再次解除"}).Fail(t, "BAD_USER_INPUT")
	if n := someInt(t, m.db, "SELECT COUNT(*) FROM pairings WHERE household_id = ? AND active = ?", decodeID(t, needy), true); n != 1 {
		t.Fatalf("%d active pairings for one household", n)
	}
}

func TestVisitRules(t *testing.T) {
	m := newMatrix(t)
	cadre := m.apis["cadre0001"]
	c := m.accs["cadre0001"].cad
	pairing := someID(t, m.db, "pairings", "cadre_id = ? AND active = ?", c, true)
	foreign := someID(t, m.db, "pairings", "cadre_id <> ? AND active = ?", c, true)
	start := someInt(t, m.db, "SELECT COUNT(*) FROM visits")
	visit := `mutation($p: ID!, $at: Time!, $k: String) { createVisit(input: {pairingID: $p, visitedAt: $at, occasion: ROUTINE, mode: HOME_VISIT, notes: "了解收入情况"}, idempotencyKey: $k) { id version } }`
	now := time.Now().UTC().Add(-time.Hour).Format(time.RFC3339)
	var a, b map[string]any
	cadre.Must(t, visit, map[string]any{"p": pairing, "at": now, "k": "app-0001"}, &a)
	cadre.Must(t, visit, map[string]any{"p": pairing, "at": now, "k": "app-0001"}, &b) // a retry
	if dig(a, "createVisit", "id") != dig(b, "createVisit", "id") || someInt(t, m.db, "SELECT COUNT(*) FROM visits") != start+1 {
		t.Fatal("a retried createVisit recorded twice")
	}
	cadre.Do(t, visit, map[string]any{"p": pairing, "at": time.Now().Add(48 * time.Hour).UTC().Format(time.RFC3339)}).Fail(t, "BAD_USER_INPUT")
	cadre.Do(t, visit, map[string]any{"p": pairing, "at": "2001-01-01T00:00:00Z"}).Fail(t, "BAD_USER_INPUT") // before the pairing
	cadre.Do(t, visit, map[string]any{"p": foreign, "at": now}).Fail(t, "NOT_FOUND")
	m.apis["admin"].Do(t, visit, map[string]any{"p": pairing, "at": now}).Fail(t, "FORBIDDEN") // only the paired cadre
	if code := m.apis["township01"].Do(t, visit, map[string]any{"p": pairing, "at": now}).Code(); code != "NOT_FOUND" && code != "FORBIDDEN" {
		t.Fatalf("a township recorded a cadre's visit: %s", code)
	}
	if someInt(t, m.db, "SELECT COUNT(*) FROM visits") != start+1 {
		t.Fatal("a refused visit was recorded")
	}
	// Corrections within the lock period; then locked.
	id := dig(a, "createVisit", "id")
	upd := `mutation($id: ID!, $v: Int!) { updateVisit(id: $id, input: {version: $v, heard: "希望解决饮水问题"}) { version } }`
	cadre.Must(t, upd, map[string]any{"id": id, "v": 1}, nil)
	m.apis["admin"].Must(t, `mutation { updateProgrammeSettings(visitLockDays: 0) { visitLockDays } }`, nil, nil)
	cadre.Do(t, upd, map[string]any{"id": id, "v": 2}).Fail(t, "BAD_USER_INPUT")
}

func TestDemandWorkflow(t *testing.T) {
	m := newMatrix(t)
	cadre := m.apis["cadre0001"]
	c := m.accs["cadre0001"].cad
	household := someID(t, m.db, "households", "id IN (SELECT household_id FROM pairings WHERE cadre_id = ? AND active = ?)", c, true)
	townshipAPI := m.srv.Login(t, townshipAccount(t, m, household))
	create := `mutation($h: ID!, $k: String) { createDemand(input: {householdID: $h, category: HEALTH, content: "慢性病用药报销慢"}, idempotencyKey: $k) { id status dueOn overdue } }`
	var out, again map[string]any
	cadre.Must(t, create, map[string]any{"h": household, "k": "d-1"}, &out)
	cadre.Must(t, create, map[string]any{"h": household, "k": "d-1"}, &again)
	id := dig(out, "createDemand", "id")
	if id != dig(again, "createDemand", "id") || dig(out, "createDemand", "status") != "REGISTERED" || dig(out, "createDemand", "dueOn") == nil {
		t.Fatalf("created: %v / %v", out, again)
	}
	dept := scalar.EncodeID(m.accs["dept20"].dept)
	steps := []struct {
		who, q string
		vars   map[string]any
		code   string
		status string
	}{
		{"cadre", `mutation($id: ID!) { acceptDemand(id: $id) { status } }`, nil, "FORBIDDEN", ""},
		{"township", `mutation($id: ID!) { resolveDemand(id: $id, note: "已办") { status } }`, nil, "FORBIDDEN", ""},   // the department's step
		{"admin", `mutation($id: ID!) { resolveDemand(id: $id, note: "已办") { status } }`, nil, "BAD_USER_INPUT", ""}, // not assigned yet
		{"township", `mutation($id: ID!) { acceptDemand(id: $id, note: "受理") { status } }`, nil, "", "ACCEPTED"},
		{"township", `mutation($id: ID!) { acceptDemand(id: $id) { status } }`, nil, "BAD_USER_INPUT", ""}, // twice
		{"township", `mutation($id: ID!, $d: ID!) { assignDemand(id: $id, departmentID: $d, note: "请卫健局办理") { status } }`, map[string]any{"d": dept}, "", "ASSIGNED"},
		{"township", `mutation($id: ID!) { rejectDemand(id: $id, reason: "不属实") { status } }`, nil, "BAD_USER_INPUT", ""}, // too late to reject
		{"dept01", `mutation($id: ID!) { resolveDemand(id: $id, note: "已办") { status } }`, nil, "NOT_FOUND", ""},          // not routed to it
		{"dept20", `mutation($id: ID!) { resolveDemand(id: $id, note: "") { status } }`, nil, "BAD_USER_INPUT", ""},       // say how
		{"dept20", `mutation($id: ID!) { resolveDemand(id: $id, note: "已纳入慢病报销") { status } }`, nil, "", "RESOLVED"},
		{"cadre", `mutation($id: ID!) { followUpDemand(id: $id, satisfaction: SATISFIED, note: "满意") { status } }`, nil, "", "FOLLOWED_UP"},
		{"dept20", `mutation($id: ID!) { closeDemand(id: $id) { status } }`, nil, "FORBIDDEN", ""},
		{"township", `mutation($id: ID!) { closeDemand(id: $id, note: "办结") { status overdue closedAt } }`, nil, "", "CLOSED"},
		{"township", `mutation($id: ID!) { closeDemand(id: $id) { status } }`, nil, "BAD_USER_INPUT", ""},
	}
	apis := map[string]*testkit.API{"cadre": cadre, "township": townshipAPI, "dept01": m.apis["dept01"], "dept20": m.apis["dept20"], "admin": m.apis["admin"]}
	for i, s := range steps {
		vars := map[string]any{"id": id}
		for k, v := range s.vars {
			vars[k] = v
		}
		r := apis[s.who].Do(t, s.q, vars)
		if s.code != "" {
			if r.Code() != s.code {
				t.Fatalf("step %d (%s): want %s, got %s", i, s.who, s.code, r.ErrorText())
			}
			continue
		}
		if len(r.Errors) > 0 {
			t.Fatalf("step %d (%s): %s", i, s.who, r.ErrorText())
		}
	}
	m.apis["admin"].Must(t, `query($id: ID!) { node(id: $id) { ... on Demand { status satisfaction overdue closedAt events { fromStatus toStatus actorName } } } }`, map[string]any{"id": id}, &out)
	events := dig(out, "node", "events").([]any)
	want := []string{"REGISTERED", "ACCEPTED", "ASSIGNED", "RESOLVED", "FOLLOWED_UP", "CLOSED"}
	if len(events) != len(want) || dig(out, "node", "overdue") != false || dig(out, "node", "closedAt") == nil || dig(out, "node", "satisfaction") != "SATISFIED" {
		t.Fatalf("demand after the workflow: %v", out)
	}
	for i, e := range events {
		if dig(e, "toStatus") != want[i] || (i > 0 && dig(e, "fromStatus") != want[i-1]) {
			t.Fatalf("event %d: %v", i, e)
		}
	}
	// Rejection needs a reason and ends the demand.
	cadre.Must(t, create, map[string]any{"h": household, "k": "d-2"}, &out)
	id2 := dig(out, "createDemand", "id")
	townshipAPI.Do(t, `mutation($id: ID!) { rejectDemand(id: $id, reason: "") { status } }`, map[string]any{"id": id2}).Fail(t, "BAD_USER_INPUT")
	townshipAPI.Must(t, `mutation($id: ID!) { rejectDemand(id: $id, reason: "不属于帮扶范围") { status } }`, map[string]any{"id": id2}, nil)
}

func TestRectificationTrainingAssessmentTeams(t *testing.T) {
	m := newMatrix(t)
	tw, admin := m.apis["township01"], m.apis["admin"]
	tID := m.accs["township01"].township
	village := someID(t, m.db, "villages", "township_id = ?", tID)
	var out map[string]any
	tw.Must(t, `mutation($v: ID!) { createRectification(input: {villageID: $v, year: 2026, kind: DISPUTES, measures: "成立调解委员会"}) { id status version } }`, map[string]any{"v": village}, &out)
	rect := dig(out, "createRectification", "id")
	tw.Must(t, `mutation($id: ID!) { updateRectification(id: $id, input: {version: 1, progress: 40}) { status } }`, map[string]any{"id": rect}, &out)
	if dig(out, "updateRectification", "status") != "IN_PROGRESS" {
		t.Fatalf("progress did not start the rectification: %v", out)
	}
	tw.Do(t, `mutation($id: ID!) { acceptRectification(id: $id, score: 90) { status } }`, map[string]any{"id": rect}).Fail(t, "FORBIDDEN")
	admin.Do(t, `mutation($id: ID!) { acceptRectification(id: $id, score: 101) { status } }`, map[string]any{"id": rect}).Fail(t, "BAD_USER_INPUT")
	admin.Must(t, `mutation($id: ID!) { acceptRectification(id: $id, score: 65) { status acceptanceScore } }`, map[string]any{"id": rect}, &out)
	if dig(out, "acceptRectification", "status") != "FAILED" {
		t.Fatalf("score 65: %v", out)
	}
	admin.Do(t, `mutation($id: ID!) { acceptRectification(id: $id, score: 80) { status } }`, map[string]any{"id": rect}).Fail(t, "BAD_USER_INPUT")
	tw.Do(t, `mutation($id: ID!) { updateRectification(id: $id, input: {version: 3, progress: 90}) { status } }`, map[string]any{"id": rect}).Fail(t, "BAD_USER_INPUT")

	// Training: only serving village secretaries enrol; hours are bounded by the course.
	secretary := someInt(t, m.db, `SELECT p.member_id FROM posts p JOIN party_organizations o ON o.id = p.organization_id
		WHERE p.title = 'SECRETARY' AND p.end_on IS NULL AND o.village_id IS NOT NULL AND p.township_id = ? ORDER BY p.member_id`, tID)
	notSecretary := someInt(t, m.db, "SELECT id FROM party_members WHERE township_id = ? AND id NOT IN (SELECT member_id FROM posts WHERE title = 'SECRETARY') ORDER BY id", tID)
	admin.Must(t, `mutation { createTrainingCourse(input: {name: "电商技能班", kind: SKILL_CLASS, year: 2026, hours: 16, startOn: "2026-11-01", endOn: "2026-11-03"}) { id } }`, nil, &out)
	course := dig(out, "createTrainingCourse", "id")
	enrol := `mutation($c: ID!, $s: ID!) { createTrainingEnrollment(input: {courseID: $c, secretaryID: $s}) { id } }`
	tw.Do(t, enrol, map[string]any{"c": course, "s": scalar.EncodeID(notSecretary)}).Fail(t, "BAD_USER_INPUT")
	tw.Must(t, enrol, map[string]any{"c": course, "s": scalar.EncodeID(secretary)}, &out)
	enrolment := dig(out, "createTrainingEnrollment", "id")
	tw.Do(t, `mutation($id: ID!) { updateTrainingEnrollment(id: $id, input: {version: 1, attendance: ATTENDED, hoursAttended: 20}) { id } }`, map[string]any{"id": enrolment}).Fail(t, "BAD_USER_INPUT")
	var before map[string]any
	tw.Must(t, `query($id: ID!) { node(id: $id) { ... on PartyMember { trainingProgress(year: 2026) { targetedCourses hours } } } }`, map[string]any{"id": scalar.EncodeID(secretary)}, &before)
	tw.Must(t, `mutation($id: ID!) { updateTrainingEnrollment(id: $id, input: {version: 1, attendance: ATTENDED, hoursAttended: 16, grade: GOOD}) { id } }`, map[string]any{"id": enrolment}, nil)
	tw.Must(t, `query($id: ID!) { node(id: $id) { ... on PartyMember { trainingProgress(year: 2026) { targetedCourses hours } } } }`, map[string]any{"id": scalar.EncodeID(secretary)}, &out)
	if dig(out, "node", "trainingProgress", "targetedCourses").(float64) != dig(before, "node", "trainingProgress", "targetedCourses").(float64)+1 ||
		dig(out, "node", "trainingProgress", "hours").(float64) != dig(before, "node", "trainingProgress", "hours").(float64)+16 {
		t.Fatalf("progress before %v after %v", before, out)
	}

	// Assessments: capability gains for a secretary, performance gains for the village, once a year.
	secVillage := scalar.EncodeID(someInt(t, m.db, "SELECT village_id FROM party_members WHERE id = ?", secretary))
	assess := `mutation($v: ID!, $s: ID, $i: Indicator!) { createAssessment(input: {villageID: $v, secretaryID: $s, year: 2027, indicator: $i, baseline: 60, target: 80}) { id } }`
	tw.Do(t, assess, map[string]any{"v": secVillage, "i": "CAP_CLOSE_TIES"}).Fail(t, "BAD_USER_INPUT")
	tw.Do(t, assess, map[string]any{"v": secVillage, "s": scalar.EncodeID(secretary), "i": "PERF_RURAL_ECONOMY"}).Fail(t, "BAD_USER_INPUT")
	tw.Must(t, assess, map[string]any{"v": secVillage, "s": scalar.EncodeID(secretary), "i": "CAP_CLOSE_TIES"}, nil)
	tw.Do(t, assess, map[string]any{"v": secVillage, "s": scalar.EncodeID(secretary), "i": "CAP_CLOSE_TIES"}).Fail(t, "CONFLICT")

	// Teams draw members from any township (DISTRICT sees both); one member may hold posts in
	// several teams, each once.
	admin.Must(t, `mutation($t: ID!) { createTeam(input: {townshipID: $t, name: "产业发展服务团", kind: INDUSTRY_DEVELOPMENT}) { id } }`, map[string]any{"t": scalar.EncodeID(tID)}, &out)
	team := dig(out, "createTeam", "id")
	foreignMember := scalar.EncodeID(someInt(t, m.db, "SELECT id FROM party_members WHERE township_id <> ? ORDER BY id", tID))
	join := `mutation($t: ID!, $m: ID!) { createTeamMembership(input: {teamID: $t, memberID: $m, post: MEMBER, joinedOn: "2026-11-01"}) { id } }`
	admin.Must(t, join, map[string]any{"t": team, "m": foreignMember}, nil)
	tw.Do(t, join, map[string]any{"t": team, "m": foreignMember}).Fail(t, "NOT_FOUND") // not the township's to see
	tw.Must(t, join, map[string]any{"t": team, "m": scalar.EncodeID(secretary)}, nil)
	tw.Do(t, join, map[string]any{"t": team, "m": scalar.EncodeID(secretary)}).Fail(t, "CONFLICT")
}

// townshipAccount names the demo account (township01…township10) responsible for a household.
func townshipAccount(t *testing.T, m *matrix, household string) string {
	tw := someInt(t, m.db, "SELECT township_id FROM households WHERE id = ?", decodeID(t, household))
	return fmt.Sprintf("township%02d", someInt(t, m.db, "SELECT COUNT(*) FROM townships WHERE id <= ?", tw))
}
