package graph_test

import (
	"fmt"
	"sort"
	"testing"

	"github.com/nanpiao/sbqw/graph/scalar"
	"github.com/nanpiao/sbqw/internal/testkit"
	"github.com/nanpiao/sbqw/money"
)

// Project outcomes: investments and stage content written only by who may edit the project,
// a step refused without its content, and the outcome statistics equal to the scoped lists.

func fen(t *testing.T, v any) money.Fen {
	t.Helper()
	if v == nil {
		return 0
	}
	f, err := money.Parse(v.(string))
	if err != nil {
		t.Fatalf("Money %v: %v", v, err)
	}
	return f
}

func TestProjectOutcomeWrites(t *testing.T) {
	m := newMatrix(t)
	tw := m.apis["township01"]
	var out map[string]any
	tw.Must(t, `mutation($t: ID!, $d: Date!) { createDemoProject(input: {townshipID: $t, year: 2026, name: "成效工程",
		subjectKind: TOWNSHIP, subjectName: "暖池塘镇", industry: PRIMARY, goal: "带动100户增收", deadline: $d}) { id } }`,
		map[string]any{"t": scalar.EncodeID(m.accs["township01"].township), "d": dateIn(300)}, &out)
	id := dig(out, "createDemoProject", "id").(string)
	setInv := `mutation($p: ID!, $s: FundingSource!, $pl: Money, $a: Money) { setProjectInvestment(projectID: $p, source: $s, planned: $pl, actual: $a) { source planned actual } }`
	record := `mutation($id: ID!, $f: ProjectStage!, $c: StageContentInput!) { recordDemoProjectStage(id: $id, from: $f, content: $c) { stage findings } }`
	advance := `mutation($id: ID!, $f: ProjectStage!, $c: StageContentInput) { advanceDemoProject(id: $id, from: $f, content: $c) { stage } }`
	subjectSecretary := someInt(t, m.db, `SELECT u.id FROM users u JOIN role_bindings rb ON rb.user_id = u.id JOIN demo_projects p ON p.village_id = rb.village_id WHERE rb.role = 'VILLAGE_SECRETARY' ORDER BY u.id LIMIT 1`)
	var secretaryName string
	if err := m.db.QueryRow("SELECT username FROM users WHERE id = ?", subjectSecretary).Scan(&secretaryName); err != nil {
		t.Fatal(err)
	}
	secretary := m.srv.Login(t, secretaryName)
	inVillage := scalar.EncodeID(someInt(t, m.db, `SELECT p.id FROM demo_projects p JOIN role_bindings rb ON rb.village_id = p.village_id WHERE rb.user_id = ? ORDER BY p.id LIMIT 1`, subjectSecretary))

	cases := []struct {
		name  string
		api   *testkit.API
		q     string
		vars  map[string]any
		code  string // "" = allowed
		field string // extensions.field of a BAD_USER_INPUT
	}{
		{"leaving RESEARCH without findings", tw, advance, map[string]any{"id": id, "f": "RESEARCH"}, "BAD_USER_INPUT", "content.findings"},
		{"blank findings are no findings", tw, advance, map[string]any{"id": id, "f": "RESEARCH", "c": map[string]any{"findings": "  "}}, "BAD_USER_INPUT", "content.findings"},
		{"another step's field", tw, record, map[string]any{"id": id, "f": "RESEARCH", "c": map[string]any{"approvalNumber": "1号"}}, "BAD_USER_INPUT", "content.approvalNumber"},
		{"content of another township's project", m.apis["township07"], record, map[string]any{"id": id, "f": "RESEARCH", "c": map[string]any{"findings": "x"}}, "NOT_FOUND", ""},
		{"findings recorded", tw, record, map[string]any{"id": id, "f": "RESEARCH", "c": map[string]any{"findings": "群众意愿强"}}, "", ""},
		{"then RESEARCH can be left", tw, advance, map[string]any{"id": id, "f": "RESEARCH"}, "", ""},
		{"EVALUATION needs a score", m.apis["admin"], advance, map[string]any{"id": id, "f": "EVALUATION", "c": map[string]any{"evaluationConclusion": "可行"}}, "BAD_USER_INPUT", "content.evaluationScore"},
		{"a score out of range", m.apis["admin"], advance, map[string]any{"id": id, "f": "EVALUATION", "c": map[string]any{"evaluationScore": 101, "evaluationConclusion": "可行"}}, "BAD_USER_INPUT", ""},
		{"investment recorded", tw, setInv, map[string]any{"p": id, "s": "FISCAL_SPECIAL", "pl": "1200000.05", "a": "0.10"}, "", ""},
		{"investment updated, actual kept", tw, setInv, map[string]any{"p": id, "s": "FISCAL_SPECIAL", "pl": "1200000.15"}, "", ""},
		{"three decimals", tw, setInv, map[string]any{"p": id, "s": "SELF_RAISED", "pl": "1.005"}, "BAD_USER_INPUT", ""},
		{"a JSON number", tw, setInv, map[string]any{"p": id, "s": "SELF_RAISED", "pl": 12.5}, "BAD_USER_INPUT", ""},
		{"an exponent", tw, setInv, map[string]any{"p": id, "s": "SELF_RAISED", "pl": "1e6"}, "BAD_USER_INPUT", ""},
		{"negative", tw, setInv, map[string]any{"p": id, "s": "SELF_RAISED", "pl": "-1.00"}, "BAD_USER_INPUT", "planned"},
		{"another township's project", m.apis["township07"], setInv, map[string]any{"p": id, "s": "SELF_RAISED", "pl": "1.00"}, "NOT_FOUND", ""},
		{"a village outside the project", m.apis["village001"], setInv, map[string]any{"p": id, "s": "SELF_RAISED", "pl": "1.00"}, "NOT_FOUND", ""},
		{"the subject village reads, does not write", secretary, setInv, map[string]any{"p": inVillage, "s": "SELF_RAISED", "pl": "1.00"}, "FORBIDDEN", ""},
		{"a cadre", m.apis["cadre0001"], setInv, map[string]any{"p": id, "s": "SELF_RAISED", "pl": "1.00"}, "FORBIDDEN", ""},
		{"needy above households driven", tw, `mutation($id: ID!, $v: Int!) { updateDemoProject(id: $id, input: {version: $v, householdsDriven: 10, personsDriven: 30, needyHouseholdsDriven: 11}) { id } }`, map[string]any{"id": id}, "BAD_USER_INPUT", "needyHouseholdsDriven"},
		{"outcomes recorded", tw, `mutation($id: ID!, $v: Int!) { updateDemoProject(id: $id, input: {version: $v, householdsDriven: 10, personsDriven: 30, needyHouseholdsDriven: 4, incomeGainPerHousehold: "3000.50", jobsCreated: 7}) { id } }`, map[string]any{"id": id}, "", ""},
	}
	for _, c := range cases {
		if _, ok := c.vars["id"]; ok && c.q[:30] == "mutation($id: ID!, $v: Int!) {" {
			c.vars["v"] = someInt(t, m.db, "SELECT version FROM demo_projects WHERE id = ?", decodeID(t, id))
		}
		r := c.api.Do(t, c.q, c.vars)
		if c.code == "" {
			if len(r.Errors) > 0 {
				t.Fatalf("%s: %s", c.name, r.ErrorText())
			}
			continue
		}
		e := r.Fail(t, c.code)
		if c.field != "" && e.Extensions["field"] != c.field {
			t.Errorf("%s: field %v, want %s (%s)", c.name, e.Extensions["field"], c.field, r.ErrorText())
		}
		if c.field != "" && len(c.field) > 8 && c.field[:8] == "content." && e.Extensions["reason"] != "STAGE_CONTENT" {
			t.Errorf("%s: reason %v, want STAGE_CONTENT", c.name, e.Extensions["reason"])
		}
	}
	tw.Must(t, `query($id: ID!) { node(id: $id) { ... on DemoProject { stage stages { stage findings } investments { source planned actual } householdsDriven incomeGainPerHousehold } } }`, map[string]any{"id": id}, &out)
	p := dig(out, "node")
	if dig(p, "stage") != "EVALUATION" || dig(p, "stages", 0, "findings") != "群众意愿强" {
		t.Errorf("stage content not kept: %v", p)
	}
	if dig(p, "investments", 0, "planned") != "1200000.15" || dig(p, "investments", 0, "actual") != "0.10" || dig(p, "incomeGainPerHousehold") != "3000.50" {
		t.Errorf("amounts not kept exactly: %v", p)
	}
	if n := someInt(t, m.db, "SELECT COUNT(*) FROM project_investments WHERE project_id = ?", decodeID(t, id)); n != 1 {
		t.Errorf("%d investment rows, want 1 (one per source)", n)
	}
}

// TestSetProjectInvestmentConcurrently: twelve first writes of one source at once leave one row
// holding one of the amounts sent.
func TestSetProjectInvestmentConcurrently(t *testing.T) {
	m := newMatrix(t)
	tw := m.apis["township01"]
	for round := range rounds {
		var out map[string]any
		tw.Must(t, `mutation($t: ID!, $d: Date!) { createDemoProject(input: {townshipID: $t, year: 2026, name: "并发投资",
			subjectKind: TOWNSHIP, subjectName: "暖池塘镇", industry: PRIMARY, goal: "带动100户增收", deadline: $d}) { id } }`,
			map[string]any{"t": scalar.EncodeID(m.accs["township01"].township), "d": dateIn(300)}, &out)
		id := dig(out, "createDemoProject", "id").(string)
		rs := race(t, racers, func(i int) *testkit.Response {
			return tw.Do(t, `mutation($p: ID!, $a: Money!) { setProjectInvestment(projectID: $p, source: SOCIAL_ASSISTANCE, planned: $a) { planned } }`,
				map[string]any{"p": id, "a": fmt.Sprintf("%d.%02d", 1000+i, i)})
		})
		won := winners(t, rs, "CONFLICT")
		rows := someInt(t, m.db, "SELECT COUNT(*) FROM project_investments WHERE project_id = ?", decodeID(t, id))
		planned := someInt(t, m.db, "SELECT planned FROM project_investments WHERE project_id = ?", decodeID(t, id))
		if len(won) == 0 || rows != 1 || (planned-100000)/101 < 0 || (planned-100000)/101 >= racers || (planned-100000)%101 != 0 {
			t.Fatalf("round %d: %d succeeded, %d rows, planned %d fen", round, len(won), rows, planned)
		}
	}
}

// TestProjectOutcomesEqualScopedLists: every figure of projectOutcomes, for each role and
// grouping, equals the sum over the caller's demoProjects list (amounts added as integer fen),
// and the units are exactly those with projects.
func TestProjectOutcomesEqualScopedLists(t *testing.T) {
	s := newStatsEnv(t)
	subject := s.userWhere(t, "VILLAGE_SECRETARY", "village_id", "SELECT MIN(village_id) FROM demo_projects WHERE village_id IS NOT NULL AND year = 2026")
	for _, c := range []struct{ user, g string }{{"admin", "TOWNSHIP"}, {"admin", "VILLAGE"}, {"township01", "TOWNSHIP"}, {"township01", "VILLAGE"}, {subject, "VILLAGE"}} {
		t.Run(c.user+"/"+c.g, func(t *testing.T) {
			api := s.as(t, c.user)
			rows := rowsOf(t, api, `{ projectOutcomes(year: 2026, groupBy: `+c.g+`) { township { id } village { id } projects planned actual householdsDriven personsDriven needyHouseholdsDriven incomeGain incomeGainPerHousehold newCollectiveIncome jobsCreated investments { source planned actual } } }`, "projectOutcomes")
			type sum struct {
				projects, households, persons, needy, jobs int
				gainHouseholds                             int64
				planned, actual, gain, collective          money.Fen
				bySource                                   map[string][2]money.Fen
			}
			want := map[string]*sum{}
			where := "year: 2026"
			if c.g == "VILLAGE" {
				where += ", villageIDNotNil: true"
			}
			for _, p := range nodes(t, api, "demoProjects", where, "township { id } village { id } householdsDriven personsDriven needyHouseholdsDriven incomeGainPerHousehold newCollectiveIncome jobsCreated investments { source planned actual }") {
				u := unitID(p, c.g)
				w := want[u]
				if w == nil {
					w = &sum{bySource: map[string][2]money.Fen{}}
					want[u] = w
				}
				h := num(dig(p, "householdsDriven"))
				w.projects++
				w.households += h
				w.persons += num(dig(p, "personsDriven"))
				w.needy += num(dig(p, "needyHouseholdsDriven"))
				w.jobs += num(dig(p, "jobsCreated"))
				if g := dig(p, "incomeGainPerHousehold"); g != nil {
					w.gain += fen(t, g) * money.Fen(h)
					w.gainHouseholds += int64(h)
				}
				w.collective += fen(t, dig(p, "newCollectiveIncome"))
				for _, inv := range dig(p, "investments").([]any) {
					src := dig(inv, "source").(string)
					a := w.bySource[src]
					a[0] += fen(t, dig(inv, "planned"))
					a[1] += fen(t, dig(inv, "actual"))
					w.bySource[src] = a
					w.planned += fen(t, dig(inv, "planned"))
					w.actual += fen(t, dig(inv, "actual"))
				}
			}
			ck := &checker{t: t}
			var got []string
			for _, r := range rows {
				u := unitID(r, c.g)
				got = append(got, u)
				w := want[u]
				if w == nil {
					t.Errorf("unit %s listed without projects", u)
					continue
				}
				ck.eq(u+" projects", num(dig(r, "projects")), w.projects)
				ck.eq(u+" households", num(dig(r, "householdsDriven")), w.households)
				ck.eq(u+" persons", num(dig(r, "personsDriven")), w.persons)
				ck.eq(u+" needy", num(dig(r, "needyHouseholdsDriven")), w.needy)
				ck.eq(u+" jobs", num(dig(r, "jobsCreated")), w.jobs)
				for what, pair := range map[string][2]money.Fen{
					"planned": {fen(t, dig(r, "planned")), w.planned}, "actual": {fen(t, dig(r, "actual")), w.actual},
					"incomeGain": {fen(t, dig(r, "incomeGain")), w.gain}, "newCollectiveIncome": {fen(t, dig(r, "newCollectiveIncome")), w.collective},
				} {
					if pair[0] != pair[1] {
						t.Errorf("%s %s: statistic %s, lists %s", u, what, pair[0], pair[1])
					}
					if pair[1] != 0 {
						ck.nonzero = true
					}
				}
				if per, ok := money.PerUnit(w.gain, w.gainHouseholds); ok != (dig(r, "incomeGainPerHousehold") != nil) || (ok && fen(t, dig(r, "incomeGainPerHousehold")) != per) {
					t.Errorf("%s incomeGainPerHousehold: statistic %v, lists %s over %d households", u, dig(r, "incomeGainPerHousehold"), w.gain, w.gainHouseholds)
				}
				if n := len(dig(r, "investments").([]any)); n != 6 {
					t.Errorf("%s: %d sources listed, want all 6", u, n)
				}
				for _, inv := range dig(r, "investments").([]any) {
					a := w.bySource[dig(inv, "source").(string)]
					if fen(t, dig(inv, "planned")) != a[0] || fen(t, dig(inv, "actual")) != a[1] {
						t.Errorf("%s %s: statistic %v/%v, lists %s/%s", u, dig(inv, "source"), dig(inv, "planned"), dig(inv, "actual"), a[0], a[1])
					}
				}
			}
			var units []string
			for u := range want {
				units = append(units, u)
			}
			sort.Strings(got)
			sort.Strings(units)
			if fmt.Sprint(got) != fmt.Sprint(units) {
				t.Errorf("units %v, lists have projects in %v", got, units)
			}
			ck.done()
		})
	}
}

// TestDemandStatsResolvedAndByUnit: the resolved and satisfaction figures, in total and per
// unit, equal the scoped demands list's counts, and the units add up to the total.
func TestDemandStatsResolvedAndByUnit(t *testing.T) {
	s := newStatsEnv(t)
	for _, c := range []struct{ user, g string }{{"admin", "TOWNSHIP"}, {"township01", "VILLAGE"}, {"village001", "VILLAGE"}} {
		t.Run(c.user, func(t *testing.T) {
			api := s.as(t, c.user)
			var out map[string]any
			f := "demands resolved satisfied basicallySatisfied dissatisfied"
			api.Must(t, `{ demandStats(groupBy: `+c.g+`) { total { `+f+` } byUnit { township { id } village { id } `+f+` } } }`, nil, &out)
			ck := &checker{t: t}
			filters := []string{"", "statusIn: [RESOLVED, FOLLOWED_UP, CLOSED]", "satisfaction: SATISFIED", "satisfaction: BASICALLY_SATISFIED", "satisfaction: DISSATISFIED"}
			keys := []string{"demands", "resolved", "satisfied", "basicallySatisfied", "dissatisfied"}
			check := func(what string, row any, unit string) {
				var fs []string
				for _, x := range filters {
					if unit != "" {
						x = "hasHouseholdWith: [{" + inUnit("households", c.g, unit) + "}]" + map[bool]string{true: ", " + x, false: ""}[x != ""]
					}
					fs = append(fs, x)
				}
				w := totals(t, api, "demands", fs)
				for i, k := range keys {
					ck.eq(what+" "+k, num(dig(row, k)), w[i])
				}
			}
			check("total", dig(out, "demandStats", "total"), "")
			sumUnits := 0
			for _, r := range dig(out, "demandStats", "byUnit").([]any) {
				u := unitID(r, c.g)
				check(u, r, u)
				sumUnits += num(dig(r, "demands"))
			}
			ck.eq("units add up", sumUnits, num(dig(out, "demandStats", "total", "demands")))
			ck.done()
		})
	}
}
