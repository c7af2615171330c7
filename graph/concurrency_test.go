package graph_test

import (
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/nanpiao/sbqw/graph/scalar"
	"github.com/nanpiao/sbqw/internal/testkit"
)

// Rules under concurrency: for each check-then-write rule, a dozen requests released at the same
// instant through the real HTTP handler, a few rounds each. Afterwards the database holds exactly
// what the rule allows, every caller told "success" has its write stored, and the others are
// refused (CONFLICT, or the rule's own refusal) — or, for an idempotency key, all get the first
// result. SQLite serialises writers, so these hold there trivially; run with MYSQL_TEST_DSN for
// the real test (MariaDB's writers run side by side).

const (
	racers = 12
	rounds = 3
)

// race sends n requests at once: every goroutine waits at one barrier, then sends.
func race(t *testing.T, n int, send func(i int) *testkit.Response) []*testkit.Response {
	t.Helper()
	out := make([]*testkit.Response, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			out[i] = send(i)
		}()
	}
	close(start)
	wg.Wait()
	return out
}

// winners are the indexes of the requests that succeeded; every other request must have been
// refused with one of the allowed codes (never INTERNAL).
func winners(t *testing.T, rs []*testkit.Response, allowed ...string) []int {
	t.Helper()
	var won []int
	for i, r := range rs {
		if len(r.Errors) == 0 {
			won = append(won, i)
			continue
		}
		ok := false
		for _, c := range allowed {
			ok = ok || r.Code() == c
		}
		if !ok {
			t.Errorf("request %d: want one of %v, got %s", i, allowed, r.ErrorText())
		}
	}
	return won
}

func data(t *testing.T, r *testkit.Response) map[string]any {
	t.Helper()
	var out map[string]any
	if err := json.Unmarshal(r.Data, &out); err != nil {
		t.Fatalf("decoding %s: %v", r.Data, err)
	}
	return out
}

func TestConcurrentRules(t *testing.T) {
	m := newMatrix(t)
	admin, dept, cadre := m.apis["admin"], m.apis["dept01"], m.apis["cadre0001"]
	d := m.accs["dept01"].dept
	year := time.Now().Year()
	linked := scalar.EncodeID(someInt(t, m.db, "SELECT village_id FROM department_village_links WHERE department_id = ? AND year = ? ORDER BY village_id", d, year))
	seq := 0
	newHousehold := func() string {
		seq++
		var out map[string]any
		admin.Must(t, `mutation($v: ID!, $n: String!) { createHousehold(input: {villageID: $v, number: $n, headName: "并发户", povertyStatus: IN_POVERTY}) { id } }`,
			map[string]any{"v": linked, "n": fmt.Sprintf("C-%03d", seq)}, &out)
		id := dig(out, "createHousehold", "id").(string)
		m.apis["poverty01"].Must(t, `mutation($id: ID!) { setHouseholdNeedy(id: $id, needy: true, reason: "扶贫办认定") { id } }`, map[string]any{"id": id}, nil)
		return id
	}
	pair := `mutation($c: ID!, $h: ID!) { createPairing(input: {cadreID: $c, householdID: $h, startOn: "` + dateIn(0) + `"}) { id } }`
	activeOf := func(col string, id string) int {
		return someInt(t, m.db, "SELECT COUNT(*) FROM pairings WHERE "+col+" = ? AND active = ?", decodeID(t, id), true)
	}
	var cadres []string
	rows, err := m.db.Query("SELECT id FROM cadres WHERE department_id = ? ORDER BY id", d)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int
		_ = rows.Scan(&id)
		cadres = append(cadres, scalar.EncodeID(id))
	}
	rows.Close()

	t.Run("one active pairing per household", func(t *testing.T) {
		admin.Must(t, `mutation { updateProgrammeSettings(maxHouseholdsPerCadre: 50) { maxHouseholdsPerCadre } }`, nil, nil)
		for range rounds {
			h := newHousehold()
			rs := race(t, racers, func(i int) *testkit.Response {
				return dept.Do(t, pair, map[string]any{"c": cadres[i%len(cadres)], "h": h})
			})
			won := winners(t, rs, "BAD_USER_INPUT", "CONFLICT")
			if n := activeOf("household_id", h); len(won) != 1 || n != 1 {
				t.Fatalf("%d told success, %d active pairings for one household", len(won), n)
			}
		}
	})

	t.Run("the cadre's maximum", func(t *testing.T) {
		c := cadres[0]
		for range rounds {
			held := activeOf("cadre_id", c)
			admin.Must(t, `mutation($n: Int) { updateProgrammeSettings(maxHouseholdsPerCadre: $n) { maxHouseholdsPerCadre } }`, map[string]any{"n": held + 1}, nil)
			hs := make([]string, racers)
			for i := range hs {
				hs[i] = newHousehold()
			}
			rs := race(t, racers, func(i int) *testkit.Response { return dept.Do(t, pair, map[string]any{"c": c, "h": hs[i]}) })
			won := winners(t, rs, "BAD_USER_INPUT", "CONFLICT")
			if n := activeOf("cadre_id", c); len(won) != 1 || n != held+1 {
				t.Fatalf("limit %d: %d told success, %d active pairings", held+1, len(won), n)
			}
			if activeOf("household_id", hs[won[0]]) != 1 {
				t.Fatal("the winner's pairing is not stored")
			}
		}
		admin.Must(t, `mutation { updateProgrammeSettings(maxHouseholdsPerCadre: 50) { maxHouseholdsPerCadre } }`, nil, nil)
	})

	pairing := someID(t, m.db, "pairings", "cadre_id = ? AND active = ?", m.accs["cadre0001"].cad, true)
	visitAt := time.Now().UTC().Add(-time.Hour).Format(time.RFC3339)
	createVisit := `mutation($p: ID!, $at: Time!, $k: String) { createVisit(input: {pairingID: $p, visitedAt: $at, notes: "并发走访"}, idempotencyKey: $k) { id version } }`

	t.Run("visit version", func(t *testing.T) {
		var out map[string]any
		cadre.Must(t, createVisit, map[string]any{"p": pairing, "at": visitAt}, &out)
		id := dig(out, "createVisit", "id").(string)
		for round := range rounds {
			version := round + 1
			rs := race(t, racers, func(i int) *testkit.Response {
				return cadre.Do(t, `mutation($id: ID!, $v: Int!, $n: String) { updateVisit(id: $id, input: {version: $v, notes: $n}) { version notes } }`,
					map[string]any{"id": id, "v": version, "n": fmt.Sprintf("第%d轮-%d", round, i)})
			})
			won := winners(t, rs, "CONFLICT")
			var notes string
			var stored int
			if err := m.db.QueryRow("SELECT notes, version FROM visits WHERE id = ?", decodeID(t, id)).Scan(&notes, &stored); err != nil {
				t.Fatal(err)
			}
			if len(won) != 1 || stored != version+1 || notes != fmt.Sprintf("第%d轮-%d", round, won[0]) {
				t.Fatalf("version %d: %d told success, stored version %d notes %q", version, len(won), stored, notes)
			}
		}
	})

	t.Run("visit idempotency key", func(t *testing.T) {
		for round := range rounds {
			key := fmt.Sprintf("race-visit-%d", round)
			rs := race(t, racers, func(int) *testkit.Response {
				return cadre.Do(t, createVisit, map[string]any{"p": pairing, "at": visitAt, "k": key})
			})
			if won := winners(t, rs); len(won) != racers {
				t.Fatalf("%d of %d got the visit", len(won), racers)
			}
			first := dig(data(t, rs[0]), "createVisit", "id")
			for _, r := range rs {
				if dig(data(t, r), "createVisit", "id") != first {
					t.Fatal("callers with one key got different visits")
				}
			}
			if n := someInt(t, m.db, "SELECT COUNT(*) FROM visits WHERE idempotency_key = ?", key); n != 1 {
				t.Fatalf("%d visits for one key", n)
			}
		}
	})

	household := someID(t, m.db, "households", "id IN (SELECT household_id FROM pairings WHERE cadre_id = ? AND active = ?)", m.accs["cadre0001"].cad, true)
	createDemand := `mutation($h: ID!, $k: String) { createDemand(input: {householdID: $h, category: HEALTH, content: "并发诉求"}, idempotencyKey: $k) { id } }`

	t.Run("demand idempotency key", func(t *testing.T) {
		for round := range rounds {
			key := fmt.Sprintf("race-demand-%d", round)
			rs := race(t, racers, func(int) *testkit.Response {
				return cadre.Do(t, createDemand, map[string]any{"h": household, "k": key})
			})
			if won := winners(t, rs); len(won) != racers {
				t.Fatalf("%d of %d got the demand", len(won), racers)
			}
			first := dig(data(t, rs[0]), "createDemand", "id")
			for _, r := range rs {
				if dig(data(t, r), "createDemand", "id") != first {
					t.Fatal("callers with one key got different demands")
				}
			}
			if n := someInt(t, m.db, "SELECT COUNT(*) FROM demands WHERE idempotency_key = ?", key); n != 1 {
				t.Fatalf("%d demands for one key", n)
			}
			if n := someInt(t, m.db, "SELECT COUNT(*) FROM demand_events WHERE demand_id = ?", decodeID(t, first.(string))); n != 1 {
				t.Fatalf("%d registration events", n)
			}
		}
	})

	t.Run("demand steps", func(t *testing.T) {
		tw := m.srv.Login(t, townshipAccount(t, m, household))
		for range rounds {
			var out map[string]any
			cadre.Must(t, createDemand, map[string]any{"h": household}, &out)
			id := dig(out, "createDemand", "id").(string)
			// Each step raced by a dozen: accept (from REGISTERED), then reject (from ACCEPTED).
			for step, q := range []string{
				`mutation($id: ID!) { acceptDemand(id: $id) { status } }`,
				`mutation($id: ID!) { rejectDemand(id: $id, reason: "不属于帮扶范围") { status } }`,
			} {
				rs := race(t, racers, func(int) *testkit.Response { return tw.Do(t, q, map[string]any{"id": id}) })
				won := winners(t, rs, "BAD_USER_INPUT", "CONFLICT")
				if n := someInt(t, m.db, "SELECT COUNT(*) FROM demand_events WHERE demand_id = ?", decodeID(t, id)); len(won) != 1 || n != step+2 {
					t.Fatalf("step %d: %d told success, %d events (want registration + one per step)", step, len(won), n)
				}
			}
		}
	})

	t.Run("rectification acceptance", func(t *testing.T) {
		village := someID(t, m.db, "villages", "township_id = ?", m.accs["township01"].township)
		for round := range rounds {
			var out map[string]any
			admin.Must(t, `mutation($v: ID!, $y: Int!) { createRectification(input: {villageID: $v, year: $y, kind: DISPUTES, measures: "成立调解委员会"}) { id } }`,
				map[string]any{"v": village, "y": 2030 + round}, &out)
			id := dig(out, "createRectification", "id").(string)
			rs := race(t, racers, func(i int) *testkit.Response {
				return admin.Do(t, `mutation($id: ID!, $s: Int!) { acceptRectification(id: $id, score: $s) { status } }`, map[string]any{"id": id, "s": 40 + 5*i})
			})
			won := winners(t, rs, "BAD_USER_INPUT", "CONFLICT")
			var score int
			if err := m.db.QueryRow("SELECT acceptance_score FROM rectifications WHERE id = ?", decodeID(t, id)).Scan(&score); err != nil {
				t.Fatal(err)
			}
			if len(won) != 1 || score != 40+5*won[0] {
				t.Fatalf("%d told success, stored score %d", len(won), score)
			}
		}
	})

	t.Run("demo project stage moves", func(t *testing.T) {
		tw := m.apis["township01"]
		township := scalar.EncodeID(m.accs["township01"].township)
		for range rounds {
			var out map[string]any
			tw.Must(t, `mutation($t: ID!, $d: Date!) { createDemoProject(input: {townshipID: $t, year: 2026, name: "并发工程",
				subjectKind: TOWNSHIP, subjectName: "暖池塘镇", industry: PRIMARY, goal: "带动100户增收", deadline: $d}) { id } }`,
				map[string]any{"t": township, "d": dateIn(300)}, &out)
			id := dig(out, "createDemoProject", "id").(string)
			rs := race(t, racers, func(int) *testkit.Response {
				return tw.Do(t, `mutation($id: ID!) { advanceDemoProject(id: $id, from: RESEARCH, remarks: "同意", content: {findings: "调研充分"}) { stage } }`, map[string]any{"id": id})
			})
			won := winners(t, rs, "CONFLICT")
			var stage string
			if err := m.db.QueryRow("SELECT stage FROM demo_projects WHERE id = ?", decodeID(t, id)).Scan(&stage); err != nil {
				t.Fatal(err)
			}
			records := someInt(t, m.db, "SELECT COUNT(*) FROM demo_project_stages WHERE project_id = ?", decodeID(t, id))
			if len(won) != 1 || stage != "EVALUATION" || records != 2 {
				t.Fatalf("%d told success, stage %s, %d stage records (want STARTED + one move)", len(won), stage, records)
			}
		}
	})
	t.Run("enrolment hours within the course", func(t *testing.T) {
		admin, tw := m.apis["admin"], m.apis["township01"]
		secretary := scalar.EncodeID(someInt(t, m.db, `SELECT p.member_id FROM posts p JOIN party_organizations o ON o.id = p.organization_id
			WHERE p.title = 'SECRETARY' AND p.end_on IS NULL AND o.village_id IS NOT NULL AND p.township_id = ? ORDER BY p.member_id`, m.accs["township01"].township))
		for round := range rounds {
			var out map[string]any
			admin.Must(t, `mutation($n: String!) { createTrainingCourse(input: {name: $n, kind: SKILL_CLASS, year: 2026, hours: 16, startOn: "2026-11-01", endOn: "2026-11-03"}) { id } }`,
				map[string]any{"n": fmt.Sprintf("并发培训班%d", round)}, &out)
			course := dig(out, "createTrainingCourse", "id").(string)
			tw.Must(t, `mutation($c: ID!, $s: ID!) { createTrainingEnrollment(input: {courseID: $c, secretaryID: $s}) { id } }`, map[string]any{"c": course, "s": secretary}, &out)
			enrolment := dig(out, "createTrainingEnrollment", "id").(string)
			// Half shorten the course to 8 hours, half credit 12 hours: never both.
			rs := race(t, racers, func(i int) *testkit.Response {
				if i%2 == 0 {
					return admin.Do(t, `mutation($id: ID!) { updateTrainingCourse(id: $id, input: {version: 1, hours: 8}) { hours } }`, map[string]any{"id": course})
				}
				return tw.Do(t, `mutation($id: ID!) { updateTrainingEnrollment(id: $id, input: {version: 1, hoursAttended: 12}) { hoursAttended } }`, map[string]any{"id": enrolment})
			})
			won := winners(t, rs, "BAD_USER_INPUT", "CONFLICT")
			var hours, attended float64
			if err := m.db.QueryRow(`SELECT c.hours, e.hours_attended FROM training_courses c JOIN training_enrollments e ON e.course_id = c.id WHERE e.id = ?`,
				decodeID(t, enrolment)).Scan(&hours, &attended); err != nil {
				t.Fatal(err)
			}
			if len(won) != 1 || attended > hours {
				t.Fatalf("%d told success; %.1f hours credited on a course of %.1f", len(won), attended, hours)
			}
		}
	})
	t.Run("release with a replacement", func(t *testing.T) {
		if len(cadres) < 2 {
			t.Skip("the department has one cadre")
		}
		release := `mutation($id: ID!, $c: ID) { releasePairing(id: $id, reason: "干部调动", replacementCadreID: $c) { replacement { id } } }`
		for range rounds {
			h := newHousehold()
			var out map[string]any
			dept.Must(t, pair, map[string]any{"c": cadres[0], "h": h}, &out)
			id := dig(out, "createPairing", "id").(string)
			rs := race(t, racers, func(i int) *testkit.Response {
				return dept.Do(t, release, map[string]any{"id": id, "c": cadres[1+i%(len(cadres)-1)]})
			})
			won := winners(t, rs, "BAD_USER_INPUT", "CONFLICT")
			if n := activeOf("household_id", h); len(won) != 1 || n != 1 {
				t.Fatalf("%d told success, %d active pairings for the household", len(won), n)
			}
		}
	})

	t.Run("one assessment per indicator and year", func(t *testing.T) {
		tw := m.apis["township01"]
		village := someID(t, m.db, "villages", "township_id = ?", m.accs["township01"].township)
		for round := range rounds {
			year := 2031 + round
			rs := race(t, racers, func(int) *testkit.Response {
				return tw.Do(t, `mutation($v: ID!, $y: Int!) { createAssessment(input: {villageID: $v, year: $y, indicator: PERF_RURAL_ECONOMY, baseline: 60, target: 80}) { id } }`,
					map[string]any{"v": village, "y": year})
			})
			won := winners(t, rs, "CONFLICT")
			if n := someInt(t, m.db, "SELECT COUNT(*) FROM assessments WHERE village_id = ? AND year = ? AND indicator = 'PERF_RURAL_ECONOMY'", decodeID(t, village), year); len(won) != 1 || n != 1 {
				t.Fatalf("%d told success, %d assessments stored", len(won), n)
			}
		}
	})
}
