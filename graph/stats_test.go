package graph_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"sort"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/nanpiao/sbqw/authz"
	"github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/ent/cadre"
	"github.com/nanpiao/sbqw/ent/departmentvillagelink"
	"github.com/nanpiao/sbqw/ent/pairing"
	"github.com/nanpiao/sbqw/ent/schema/enum"
	"github.com/nanpiao/sbqw/graph/scalar"
	"github.com/nanpiao/sbqw/internal/clock"
	"github.com/nanpiao/sbqw/internal/testkit"
)

// The statistics on the demo district, through the real HTTP handler: every number a statistic
// gives is compared, for several roles, with what the same caller gets by counting the scoped
// lists (totalCount with where filters) or, for sums and averages no filter gives, by paging
// through the scoped list and adding up. Each statistic's units must also add up to the
// caller's whole scope, so a missing or extra row fails too.

type statsEnv struct {
	db    *testkit.DB
	srv   *testkit.Server
	apis  map[string]*testkit.API
	today time.Time
}

func newStatsEnv(t *testing.T) *statsEnv {
	db := testkit.LoadDemo(t)
	return &statsEnv{db: db, srv: testkit.NewServer(t, db), apis: map[string]*testkit.API{},
		today: clock.Today()}
}

func (s *statsEnv) as(t *testing.T, user string) *testkit.API {
	t.Helper()
	if s.apis[user] == nil {
		s.apis[user] = s.srv.Login(t, user)
	}
	return s.apis[user]
}

// userWhere names the demo account bound to the unit the SQL picks (chosen so that the
// account has data to count).
func (s *statsEnv) userWhere(t *testing.T, role, column, unitSQL string) string {
	t.Helper()
	var name string
	q := "SELECT u.username FROM users u JOIN role_bindings rb ON rb.user_id = u.id WHERE rb.role = ? AND rb." + column + " = (" + unitSQL + ") ORDER BY u.username"
	if err := s.db.SQL.QueryRow(q, role).Scan(&name); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return name
}

func (s *statsEnv) date() string { return s.today.Format(scalar.DateLayout) }

// rowsOf runs a statistic and returns the list at field.
func rowsOf(t *testing.T, api *testkit.API, q, field string) []any {
	t.Helper()
	var out map[string]any
	api.Must(t, q, nil, &out)
	rows, ok := out[field].([]any)
	if !ok {
		t.Fatalf("%s: not a list: %v", field, out)
	}
	return rows
}

// totals asks for the totalCount of a root connection under each where filter (the inside of
// the braces), a batch of aliases per request (within the API's alias and token limits).
func totals(t *testing.T, api *testkit.API, root string, filters []string) []int {
	t.Helper()
	out := make([]int, 0, len(filters))
	const batch = 25
	for start := 0; start < len(filters); start += batch {
		end := min(start+batch, len(filters))
		var b strings.Builder
		b.WriteString("{")
		for i, f := range filters[start:end] {
			fmt.Fprintf(&b, " c%d: %s(where: {%s}) { totalCount }", i, root, f)
		}
		b.WriteString(" }")
		var data map[string]any
		api.Must(t, b.String(), nil, &data)
		for i := range filters[start:end] {
			out = append(out, num(dig(data, fmt.Sprintf("c%d", i), "totalCount")))
		}
	}
	return out
}

// nodes pages through a root connection under a filter and returns every node.
func nodes(t *testing.T, api *testkit.API, root, where, fields string) []any {
	t.Helper()
	return nodesBy(t, api, 500, root, where, fields)
}

// nodesBy is nodes with pages of the given size (smaller for nested connections, to stay
// within the API's cost limit).
func nodesBy(t *testing.T, api *testkit.API, page int, root, where, fields string) []any {
	t.Helper()
	q := fmt.Sprintf(`query($after: Cursor) { %s(first: %d, after: $after, where: {%s}) { pageInfo { hasNextPage endCursor } edges { node { %s } } } }`, root, page, where, fields)
	var out []any
	var after any
	for {
		var page map[string]any
		api.Must(t, q, map[string]any{"after": after}, &page)
		for _, e := range dig(page, root, "edges").([]any) {
			out = append(out, dig(e, "node"))
		}
		if !dig(page, root, "pageInfo", "hasNextPage").(bool) {
			return out
		}
		after = dig(page, root, "pageInfo", "endCursor")
	}
}

func num(v any) int { return int(v.(float64)) }

// unitID is the ID of the unit a grouped row stands for.
func unitID(row any, grouping string) string {
	if grouping == "VILLAGE" {
		return dig(row, "village", "id").(string)
	}
	return dig(row, "township", "id").(string)
}

// inUnit is the where filter of a root connection that keeps the rows of one unit, through the
// household, village or secretary the rows hang off.
func inUnit(root, grouping, id string) string {
	own := fmt.Sprintf(`hasVillageWith: [{townshipID: %q}]`, id)
	if grouping == "VILLAGE" {
		own = fmt.Sprintf(`villageID: %q`, id)
	}
	switch root {
	case "pairings":
		return "hasHouseholdWith: [{" + own + "}]"
	case "visits":
		return "hasPairingWith: [{hasHouseholdWith: [{" + own + "}]}]"
	case "trainingEnrollments":
		return "hasSecretaryWith: [{" + own + "}]"
	case "partyMembers": // a member's township is its organisation's, village or not (issue 11)
		if grouping != "VILLAGE" {
			return fmt.Sprintf(`hasOrganizationWith: [{townshipID: %q}]`, id)
		}
	}
	return own // households, rectifications, village members
}

// outsideUnits is the filter of the members a grouping leaves out of every unit's row: members
// of a department's organisation belong to no township, and only a village organisation's
// members to a village. They count in the whole scope's total.
var outsideUnits = map[string]string{
	"TOWNSHIP": "hasOrganizationWith: [{owner: DEPARTMENT}]",
	"VILLAGE":  "hasOrganizationWith: [{ownerNEQ: VILLAGE}]",
}

// checker collects mismatches so that one run reports them all.
type checker struct {
	t       *testing.T
	nonzero bool
}

func (c *checker) eq(what string, got, want int) {
	c.t.Helper()
	if got != want {
		c.t.Errorf("%s: statistic %d, lists %d", what, got, want)
	}
	if want != 0 {
		c.nonzero = true
	}
}

func (c *checker) ratio(what string, got any, num, den float64) {
	c.t.Helper()
	if den == 0 {
		if got != nil {
			c.t.Errorf("%s: statistic %v, want null (nothing to divide by)", what, got)
		}
		return
	}
	c.close(what, got, num/den)
}

func (c *checker) close(what string, got any, want float64) {
	c.t.Helper()
	g, ok := got.(float64)
	if !ok || math.Abs(g-want) > 1e-3 {
		c.t.Errorf("%s: statistic %v, lists %v", what, got, want)
	}
}

// done fails when every number compared was zero: such a comparison proves nothing.
func (c *checker) done() {
	c.t.Helper()
	if !c.nonzero {
		c.t.Fatal("every number compared was zero; the comparison proves nothing")
	}
}

func TestStatisticsEqualScopedLists(t *testing.T) {
	s := newStatsEnv(t)
	t.Run("pairingCoverage", s.pairingCoverage)
	t.Run("cadreLoad", s.cadreLoad)
	t.Run("visitCompliance", s.visitCompliance)
	t.Run("demandStats", s.demandStats)
	t.Run("demoProjectStats", s.demoProjectStats)
	t.Run("trainingCompletion", s.trainingCompletion)
	t.Run("memberComposition", s.memberComposition)
	t.Run("rectificationProgress", s.rectificationProgress)
	t.Run("annualReport", s.annualReport)
	t.Run("forbiddenAndBadInput", s.refusals)
	// Last: it writes to the district.
	t.Run("coverageFollowsWritesAndScope", s.coverageFollowsWrites)
}

func (s *statsEnv) pairingCoverage(t *testing.T) {
	for _, c := range []struct{ user, g string }{
		{"admin", "TOWNSHIP"}, {"township01", "VILLAGE"}, {"village001", "VILLAGE"}, {"cadre0001", "TOWNSHIP"}, {"dept01", "TOWNSHIP"},
	} {
		t.Run(c.user, func(t *testing.T) { s.checkCoverage(t, c.user, c.g) })
	}
}

// checkCoverage compares pairingCoverage with the household lists, including the unpaired list
// the schema points to, and returns the statistic's rows.
func (s *statsEnv) checkCoverage(t *testing.T, user, g string) []any {
	api := s.as(t, user)
	rows := rowsOf(t, api, `{ pairingCoverage(groupBy: `+g+`) { township { id } village { id } needyHouseholds pairedHouseholds unpairedHouseholds coverage } }`, "pairingCoverage")
	const paired, unpaired = "hasPairingsWith: [{active: true}]", "not: {hasPairingsWith: [{active: true}]}"
	var filters []string
	for _, r := range rows {
		u := "needy: true, " + inUnit("households", g, unitID(r, g))
		filters = append(filters, u, u+", "+paired, u+", "+unpaired)
	}
	filters = append(filters, "needy: true", "needy: true, "+paired)
	want := totals(t, api, "households", filters)
	c := &checker{t: t}
	sumNeedy, sumPaired := 0, 0
	for i, r := range rows {
		id := unitID(r, g)
		c.eq(id+" needy", num(dig(r, "needyHouseholds")), want[3*i])
		c.eq(id+" paired", num(dig(r, "pairedHouseholds")), want[3*i+1])
		c.eq(id+" unpaired", num(dig(r, "unpairedHouseholds")), want[3*i+2])
		c.ratio(id+" coverage", dig(r, "coverage"), float64(want[3*i+1]), float64(want[3*i]))
		sumNeedy += num(dig(r, "needyHouseholds"))
		sumPaired += num(dig(r, "pairedHouseholds"))
	}
	c.eq("needy, all units", sumNeedy, want[len(want)-2])
	c.eq("paired, all units", sumPaired, want[len(want)-1])
	c.done()
	return rows
}

func (s *statsEnv) cadreLoad(t *testing.T) {
	for _, user := range []string{"admin", "township01", "cadre0001", "dept01"} {
		t.Run(user, func(t *testing.T) {
			api := s.as(t, user)
			rows := rowsOf(t, api, `{ cadreLoad { department { id } cadres pairedCadres activePairings maxHouseholdsPerCadre averageHouseholdsPerPairedCadre } }`, "cadreLoad")
			var cadreFilters, pairingFilters []string
			for _, r := range rows {
				d := fmt.Sprintf("departmentID: %q", dig(r, "department", "id"))
				cadreFilters = append(cadreFilters, d, d+", hasPairingsWith: [{active: true}]")
				pairingFilters = append(pairingFilters, "active: true, hasCadreWith: [{"+d+"}]")
			}
			cadres := totals(t, api, "cadres", append(cadreFilters, "idNEQ: null"))
			pairings := totals(t, api, "pairings", pairingFilters)
			// The busiest cadre: no filter says it, so count the visible active pairings per cadre.
			perCadre := map[string]int{}
			deptOf := map[string]string{}
			for _, p := range nodes(t, api, "pairings", "active: true", "cadre { id department { id } }") {
				id := dig(p, "cadre", "id").(string)
				perCadre[id]++
				deptOf[id] = dig(p, "cadre", "department", "id").(string)
			}
			maxOf := map[string]int{}
			for id, n := range perCadre {
				maxOf[deptOf[id]] = max(maxOf[deptOf[id]], n)
			}
			c := &checker{t: t}
			all := 0
			for i, r := range rows {
				d := dig(r, "department", "id").(string)
				c.eq(d+" cadres", num(dig(r, "cadres")), cadres[2*i])
				c.eq(d+" paired cadres", num(dig(r, "pairedCadres")), cadres[2*i+1])
				c.eq(d+" active pairings", num(dig(r, "activePairings")), pairings[i])
				c.eq(d+" max per cadre", num(dig(r, "maxHouseholdsPerCadre")), maxOf[d])
				c.ratio(d+" average", dig(r, "averageHouseholdsPerPairedCadre"), float64(pairings[i]), float64(cadres[2*i+1]))
				all += num(dig(r, "cadres"))
			}
			c.eq("cadres of all departments", all, cadres[len(cadres)-1])
			c.done()
		})
	}
}

func (s *statsEnv) visitCompliance(t *testing.T) {
	for _, c := range []struct{ user, g string }{
		{"admin", "TOWNSHIP"}, {"township01", "VILLAGE"}, {"village001", "VILLAGE"}, {"cadre0001", "TOWNSHIP"}, {"dept01", "TOWNSHIP"},
	} {
		t.Run(c.user, func(t *testing.T) { s.checkVisits(t, c.user, c.g) })
	}
}

// checkVisits compares visitCompliance(2026) with the pairing and visit lists.
func (s *statsEnv) checkVisits(t *testing.T, user, g string) []any {
	const year = 2026
	from, to := `"2026-01-01T00:00:00Z"`, `"2027-01-01T00:00:00Z"`
	stamp := func(d time.Time) string { return `"` + d.Format(time.RFC3339) + `"` }
	quarters := []string{from, `"2026-04-01T00:00:00Z"`, `"2026-07-01T00:00:00Z"`, `"2026-10-01T00:00:00Z"`, to}
	sf := `"2026-02-17"`
	inForce := "startOnLTE: " + sf + ", or: [{endOnIsNil: true}, {endOnGTE: " + sf + "}]"
	api := s.as(t, user)
	rows := rowsOf(t, api, fmt.Sprintf(`{ visitCompliance(year: %d, groupBy: %s) { township { id } village { id } activePairings visitsByQuarter
		noVisit60Days noVisit90Days springFestival springFestivalPairings springFestivalVisited springFestivalCoverage } }`, year, g), "visitCompliance")
	var pf, vf []string
	for _, r := range rows {
		u := inUnit("pairings", g, unitID(r, g))
		pf = append(pf,
			"active: true, "+u,
			"active: true, not: {hasVisitsWith: [{visitedAtGTE: "+stamp(s.today.AddDate(0, 0, -60))+"}]}, "+u,
			"active: true, not: {hasVisitsWith: [{visitedAtGTE: "+stamp(s.today.AddDate(0, 0, -90))+"}]}, "+u,
			inForce+", "+u,
			inForce+", hasVisitsWith: [{occasion: SPRING_FESTIVAL, visitedAtGTE: "+from+", visitedAtLT: "+to+"}], "+u)
		vu := inUnit("visits", g, unitID(r, g))
		for q := 0; q < 4; q++ {
			vf = append(vf, "visitedAtGTE: "+quarters[q]+", visitedAtLT: "+quarters[q+1]+", "+vu)
		}
	}
	pw := totals(t, api, "pairings", append(pf, "active: true"))
	vw := totals(t, api, "visits", append(vf, "visitedAtGTE: "+from+", visitedAtLT: "+to))
	ck := &checker{t: t}
	active, visits := 0, 0
	for i, r := range rows {
		id := unitID(r, g)
		p := pw[5*i : 5*i+5]
		ck.eq(id+" active", num(dig(r, "activePairings")), p[0])
		ck.eq(id+" no visit in 60 days", num(dig(r, "noVisit60Days")), p[1])
		ck.eq(id+" no visit in 90 days", num(dig(r, "noVisit90Days")), p[2])
		ck.eq(id+" in force at the Spring Festival", num(dig(r, "springFestivalPairings")), p[3])
		ck.eq(id+" visited at the Spring Festival", num(dig(r, "springFestivalVisited")), p[4])
		ck.ratio(id+" Spring Festival coverage", dig(r, "springFestivalCoverage"), float64(p[4]), float64(p[3]))
		if got := dig(r, "springFestival"); got != "2026-02-17" {
			t.Errorf("springFestival = %v", got)
		}
		for q := 0; q < 4; q++ {
			n := num(dig(r, "visitsByQuarter", q))
			ck.eq(fmt.Sprintf("%s visits in Q%d", id, q+1), n, vw[4*i+q])
			visits += n
		}
		active += p[0]
	}
	ck.eq("active pairings, all units", active, pw[len(pw)-1])
	ck.eq("visits of the year, all units", visits, vw[len(vw)-1])
	ck.done()
	return rows
}

func (s *statsEnv) demandStats(t *testing.T) {
	busy := s.userWhere(t, "DEPARTMENT", "department_id", "SELECT department_id FROM demands WHERE department_id IS NOT NULL GROUP BY department_id ORDER BY COUNT(*) DESC, department_id LIMIT 1")
	overdue := fmt.Sprintf("dueOnLT: %q, statusNotIn: [CLOSED, REJECTED]", s.date())
	for _, user := range []string{"admin", "township01", "village001", "cadre0001", busy} {
		t.Run(user, func(t *testing.T) {
			api := s.as(t, user)
			var out map[string]any
			fields := "status category department { id } demands overdue closed averageDaysToClose"
			api.Must(t, `{ demandStats { total { `+fields+` } byStatus { `+fields+` } byCategory { `+fields+` } byDepartment { `+fields+` } } }`, nil, &out)
			st := dig(out, "demandStats")
			// Closing times: no filter averages them, so page through the closed demands.
			type acc struct{ sum, n float64 }
			days := map[string]*acc{}
			add := func(k string, d float64) {
				if days[k] == nil {
					days[k] = &acc{}
				}
				days[k].sum += d
				days[k].n++
			}
			for _, d := range nodes(t, api, "demands", "status: CLOSED, closedAtNotNil: true", "createdAt closedAt category department { id }") {
				created, _ := time.Parse(time.RFC3339Nano, dig(d, "createdAt").(string))
				closed, _ := time.Parse(time.RFC3339Nano, dig(d, "closedAt").(string))
				n := closed.Sub(created).Hours() / 24
				add("total", n)
				add("CLOSED", n)
				add(dig(d, "category").(string), n)
				if dept, ok := dig(d, "department").(map[string]any); ok {
					add(dept["id"].(string), n)
				}
			}
			c := &checker{t: t}
			check := func(what string, row any, filter string) {
				w := totals(t, api, "demands", []string{filter, strings.TrimPrefix(filter+", "+overdue, ", "), strings.TrimPrefix(filter+", and: [{status: CLOSED}]", ", ")})
				c.eq(what+" demands", num(dig(row, "demands")), w[0])
				c.eq(what+" overdue", num(dig(row, "overdue")), w[1])
				c.eq(what+" closed", num(dig(row, "closed")), w[2])
				key := what
				if a := days[key]; a != nil {
					c.close(what+" days to close", dig(row, "averageDaysToClose"), a.sum/a.n)
				} else if dig(row, "averageDaysToClose") != nil {
					t.Errorf("%s: average days to close %v, no closed demand", what, dig(row, "averageDaysToClose"))
				}
			}
			check("total", dig(st, "total"), "")
			for _, r := range dig(st, "byStatus").([]any) {
				check(dig(r, "status").(string), r, "status: "+dig(r, "status").(string))
			}
			for _, r := range dig(st, "byCategory").([]any) {
				check(dig(r, "category").(string), r, "category: "+dig(r, "category").(string))
			}
			routed := 0
			for _, r := range dig(st, "byDepartment").([]any) {
				d := dig(r, "department", "id").(string)
				check(d, r, fmt.Sprintf("departmentID: %q", d))
				routed += num(dig(r, "demands"))
			}
			c.eq("routed demands, all departments", routed, totals(t, api, "demands", []string{"departmentIDNotNil: true"})[0])
			if n := len(dig(st, "byStatus").([]any)); n != 7 {
				t.Errorf("byStatus lists %d statuses, want all 7", n)
			}
			// Limited to a year of registration.
			var y map[string]any
			api.Must(t, `{ demandStats(year: 2026) { total { demands } } }`, nil, &y)
			c.eq("demands registered in 2026", num(dig(y, "demandStats", "total", "demands")),
				totals(t, api, "demands", []string{`createdAtGTE: "2026-01-01T00:00:00Z", createdAtLT: "2027-01-01T00:00:00Z"`})[0])
			c.done()
		})
	}
}

func (s *statsEnv) demoProjectStats(t *testing.T) {
	subject := s.userWhere(t, "VILLAGE_SECRETARY", "village_id", "SELECT MIN(village_id) FROM demo_projects WHERE village_id IS NOT NULL")
	overdue := fmt.Sprintf("stageNEQ: COMPLETION, stageDueOnLT: %q", s.date())
	for _, user := range []string{"admin", "township01", subject} {
		t.Run(user, func(t *testing.T) {
			api := s.as(t, user)
			c := &checker{t: t}
			for _, year := range []string{"", "2026", "2025"} {
				arg, filter := "", ""
				if year != "" {
					arg, filter = "(year: "+year+")", "year: "+year+", "
				}
				rows := rowsOf(t, api, `{ demoProjectStats`+arg+` { stage projects overdue } }`, "demoProjectStats")
				if len(rows) != 6 {
					t.Fatalf("%d stages listed, want 6", len(rows))
				}
				var f []string
				for _, r := range rows {
					st := "stage: " + dig(r, "stage").(string)
					f = append(f, filter+st, filter+st+", "+overdue)
				}
				w := totals(t, api, "demoProjects", f)
				for i, r := range rows {
					c.eq(year+" "+dig(r, "stage").(string)+" projects", num(dig(r, "projects")), w[2*i])
					c.eq(year+" "+dig(r, "stage").(string)+" overdue", num(dig(r, "overdue")), w[2*i+1])
				}
			}
			c.done()
		})
	}
}

// secretary is the list filter for a village secretary: a current SECRETARY post in a village
// organisation.
func (s *statsEnv) secretary() string {
	d := s.date()
	return fmt.Sprintf(`hasPostsWith: [{title: SECRETARY, startOnLTE: %q, or: [{endOnIsNil: true}, {endOnGTE: %q}], hasOrganizationWith: [{villageIDNotNil: true}]}]`, d, d)
}

func (s *statsEnv) trainingCompletion(t *testing.T) {
	for _, c := range []struct{ user, g string }{{"admin", "TOWNSHIP"}, {"township01", "VILLAGE"}, {"village001", "VILLAGE"}} {
		t.Run(c.user, func(t *testing.T) { s.checkTraining(t, c.user, c.g) })
	}
}

// checkTraining compares trainingCompletion(2026) with the member and enrollment lists.
func (s *statsEnv) checkTraining(t *testing.T, user, g string) []any {
	const year = 2026
	api := s.as(t, user)
	rows := rowsOf(t, api, fmt.Sprintf(`{ trainingCompletion(year: %d, groupBy: %s) { township { id } village { id } secretaries
		comprehensiveAttended comprehensiveRate xCoursesAttended averageXCourses hoursAttended } }`, year, g), "trainingCompletion")
	sec := s.secretary()
	var mf, ef []string
	for _, r := range rows {
		u := inUnit("partyMembers", g, unitID(r, g))
		mf = append(mf, sec+", "+u,
			sec+", "+u+fmt.Sprintf(", hasEnrollmentsWith: [{attendance: ATTENDED, hasCourseWith: [{kind: COMPREHENSIVE, year: %d}]}]", year))
		ef = append(ef, fmt.Sprintf("attendance: ATTENDED, hasCourseWith: [{kindIn: [FIELD_VISIT, SKILL_CLASS], year: %d}], hasSecretaryWith: [{%s, %s}]", year, sec, u))
	}
	members := totals(t, api, "partyMembers", append(mf, sec))
	xs := totals(t, api, "trainingEnrollments", ef)
	// Hours: no filter sums them, so page through the attended enrollments.
	hours := map[string]float64{}
	for _, e := range nodes(t, api, "trainingEnrollments", fmt.Sprintf("attendance: ATTENDED, hasCourseWith: [{year: %d}], hasSecretaryWith: [{%s}]", year, sec),
		"hoursAttended secretary { village { id township { id } } }") {
		key := dig(e, "secretary", "village", "township", "id").(string)
		if g == "VILLAGE" {
			key = dig(e, "secretary", "village", "id").(string)
		}
		hours[key] += dig(e, "hoursAttended").(float64)
	}
	ck := &checker{t: t}
	all := 0
	for i, r := range rows {
		id := unitID(r, g)
		ck.eq(id+" secretaries", num(dig(r, "secretaries")), members[2*i])
		ck.eq(id+" attended the 1", num(dig(r, "comprehensiveAttended")), members[2*i+1])
		ck.eq(id+" X courses", num(dig(r, "xCoursesAttended")), xs[i])
		ck.ratio(id+" rate", dig(r, "comprehensiveRate"), float64(members[2*i+1]), float64(members[2*i]))
		ck.ratio(id+" average X", dig(r, "averageXCourses"), float64(xs[i]), float64(members[2*i]))
		ck.close(id+" hours", dig(r, "hoursAttended"), hours[id])
		all += num(dig(r, "secretaries"))
	}
	ck.eq("secretaries, all units", all, members[len(members)-1])
	ck.done()
	return rows
}

// bucketFilters: the partyMembers filter of every bucket of a dimension.
func (s *statsEnv) bucketFilters(dim string) map[string]string {
	y := s.today.Year()
	current := fmt.Sprintf("hasPostsWith: [{startOnLTE: %q, or: [{endOnIsNil: true}, {endOnGTE: %q}]}]", s.date(), s.date())
	column := map[string]string{"GENDER": "gender", "EDUCATION": "education", "OCCUPATION": "occupation", "CATEGORY": "category", "MEMBERSHIP": "membership"}
	values := map[string][]string{
		"GENDER":     {"MALE", "FEMALE"},
		"EDUCATION":  {"PRIMARY_OR_BELOW", "JUNIOR_HIGH", "SENIOR_HIGH", "JUNIOR_COLLEGE", "BACHELOR", "POSTGRADUATE"},
		"OCCUPATION": {"FARMER", "WORKER", "MIGRANT_WORKER", "CIVIL_SERVANT", "PUBLIC_INSTITUTION_STAFF", "ENTERPRISE_STAFF", "SELF_EMPLOYED", "STUDENT", "RETIRED", "OTHER"},
		"CATEGORY":   {"IN_SERVICE", "RURAL_ABLE_BODIED", "FLOATING", "ELDERLY"},
		"MEMBERSHIP": {"FULL", "PROBATIONARY"},
	}
	out := map[string]string{}
	switch dim {
	case "AGE_BAND":
		out["UNDER_35"] = fmt.Sprintf("birthYearGT: %d", y-35)
		out["35_TO_44"] = fmt.Sprintf("birthYearLTE: %d, birthYearGT: %d", y-35, y-45)
		out["45_TO_54"] = fmt.Sprintf("birthYearLTE: %d, birthYearGT: %d", y-45, y-55)
		out["55_TO_64"] = fmt.Sprintf("birthYearLTE: %d, birthYearGT: %d", y-55, y-65)
		out["65_AND_OVER"] = fmt.Sprintf("birthYearLTE: %d", y-65)
	case "HAS_POST":
		out["WITH_POST"] = current
		out["WITHOUT_POST"] = "not: {" + current + "}"
	default:
		for _, v := range values[dim] {
			out[v] = column[dim] + ": " + v
		}
	}
	return out
}

func (s *statsEnv) memberComposition(t *testing.T) {
	dims := []string{"GENDER", "EDUCATION", "OCCUPATION", "CATEGORY", "MEMBERSHIP", "AGE_BAND", "HAS_POST"}
	cases := []struct{ user, g string }{
		{"admin", ""}, {"township01", ""}, {"village001", ""}, {"dept01", ""},
		{"admin", "TOWNSHIP"}, {"township01", "VILLAGE"},
	}
	for _, c := range cases {
		t.Run(c.user+"/"+c.g, func(t *testing.T) { s.checkMembers(t, c.user, c.g, dims...) })
	}
}

// checkMembers compares memberComposition with the member lists for each dimension, grouped by
// g ("" for none), and returns the rows of the last.
func (s *statsEnv) checkMembers(t *testing.T, user, g string, dims ...string) (rows []any) {
	api := s.as(t, user)
	ck := &checker{t: t}
	for _, dim := range dims {
		arg := ""
		if g != "" {
			arg = ", groupBy: " + g
		}
		rows = rowsOf(t, api, `{ memberComposition(dimension: `+dim+arg+`) { township { id } village { id } value label members } }`, "memberComposition")
		buckets := s.bucketFilters(dim)
		var f []string
		units := map[string]int{}
		for _, r := range rows {
			filter, ok := buckets[dig(r, "value").(string)]
			if !ok || dig(r, "label") == "" {
				t.Fatalf("%s: unknown bucket %v", dim, r)
			}
			if g != "" {
				filter += ", " + inUnit("partyMembers", g, unitID(r, g))
				units[unitID(r, g)]++
			}
			f = append(f, "status: ACTIVE, "+filter)
		}
		outside := "status: ACTIVE, statusNEQ: ACTIVE" // none
		if g != "" {
			outside = "status: ACTIVE, " + outsideUnits[g]
		}
		w := totals(t, api, "partyMembers", append(f, outside, "status: ACTIVE"))
		all := 0
		for i, r := range rows {
			ck.eq(dim+" "+dig(r, "value").(string), num(dig(r, "members")), w[i])
			all += num(dig(r, "members"))
		}
		// Sum over units + the members in no unit (counted independently) == the whole scope.
		ck.eq(dim+" all buckets", all+w[len(w)-2], w[len(w)-1])
		if g != "" && w[len(w)-2] == 0 && user == "admin" {
			t.Errorf("%s: no member outside every %s: the sum check proves nothing new", dim, g)
		}
		for u, n := range units {
			if n != len(buckets) {
				t.Errorf("%s: unit %s lists %d buckets, want %d", dim, u, n, len(buckets))
			}
		}
		if g == "" && len(rows) != len(buckets) {
			t.Errorf("%s: %d buckets listed, want %d", dim, len(rows), len(buckets))
		}
	}
	ck.done()
	return rows
}

func (s *statsEnv) rectificationProgress(t *testing.T) {
	first := "SELECT %s FROM rectifications WHERE year = 2025 ORDER BY id LIMIT 1"
	cases := []struct{ user, g string }{
		{"admin", "TOWNSHIP"},
		{s.userWhere(t, "TOWNSHIP", "township_id", fmt.Sprintf(first, "township_id")), "VILLAGE"},
		{s.userWhere(t, "VILLAGE_SECRETARY", "village_id", fmt.Sprintf(first, "village_id")), "VILLAGE"},
		{s.userWhere(t, "DEPARTMENT", "department_id", fmt.Sprintf(first, "department_id")), "TOWNSHIP"},
	}
	for _, c := range cases {
		t.Run(c.user, func(t *testing.T) {
			api := s.as(t, c.user)
			ck := &checker{t: t}
			for _, year := range []int{2025, 2026} {
				rows := rowsOf(t, api, fmt.Sprintf(`{ rectificationProgress(year: %d, groupBy: %s) { township { id } village { id } rectifications
					byStatus { status rectifications } averageProgress scored averageAcceptanceScore passed failed } }`, year, c.g), "rectificationProgress")
				statuses := []string{"PLANNED", "IN_PROGRESS", "PASSED", "FAILED"}
				var f []string
				for _, r := range rows {
					u := fmt.Sprintf("year: %d, %s", year, inUnit("rectifications", c.g, unitID(r, c.g)))
					f = append(f, u, u+", acceptanceScoreNotNil: true", u+", acceptanceScoreGTE: 70", u+", acceptanceScoreLT: 70")
					for _, st := range statuses {
						f = append(f, u+", status: "+st)
					}
				}
				w := totals(t, api, "rectifications", append(f, fmt.Sprintf("year: %d", year)))
				// Averages: no filter gives them, so page through the year's rectifications.
				type acc struct{ progress, score, scored, n float64 }
				sums := map[string]*acc{}
				for _, n := range nodes(t, api, "rectifications", fmt.Sprintf("year: %d", year), "progress acceptanceScore village { id township { id } }") {
					key := dig(n, "village", "township", "id").(string)
					if c.g == "VILLAGE" {
						key = dig(n, "village", "id").(string)
					}
					if sums[key] == nil {
						sums[key] = &acc{}
					}
					a := sums[key]
					a.n++
					a.progress += dig(n, "progress").(float64)
					if sc, ok := dig(n, "acceptanceScore").(float64); ok {
						a.score += sc
						a.scored++
					}
				}
				all := 0
				for i, r := range rows {
					id := unitID(r, c.g)
					k := w[8*i : 8*i+8]
					ck.eq(id+" rectifications", num(dig(r, "rectifications")), k[0])
					ck.eq(id+" scored", num(dig(r, "scored")), k[1])
					ck.eq(id+" passed", num(dig(r, "passed")), k[2])
					ck.eq(id+" failed", num(dig(r, "failed")), k[3])
					for j, st := range statuses {
						if got := dig(r, "byStatus", j, "status"); got != st {
							t.Fatalf("byStatus[%d] = %v, want %s", j, got, st)
						}
						ck.eq(id+" "+st, num(dig(r, "byStatus", j, "rectifications")), k[4+j])
					}
					a := sums[id]
					if a == nil {
						t.Fatalf("%s: a row for a unit without rectifications", id)
					}
					ck.ratio(id+" average progress", dig(r, "averageProgress"), a.progress, a.n)
					ck.ratio(id+" average score", dig(r, "averageAcceptanceScore"), a.score, a.scored)
					all += num(dig(r, "rectifications"))
				}
				ck.eq(fmt.Sprintf("%d rectifications, all units", year), all, w[len(w)-1])
			}
			ck.done()
		})
	}
}

const reportQuery = `query($t: ID!, $y: Int!) { annualReport(townshipID: $t, year: $y) { township { id } year
	demoProjects { project { id stage stageDueOn } overdue }
	demoProjectStages { stage projects overdue }
	training { secretaries comprehensiveAttended comprehensiveRate xCoursesAttended averageXCourses hoursAttended }
	pairingCoverage { needyHouseholds pairedHouseholds unpairedHouseholds coverage }
	visitCompliance { activePairings visitsByQuarter noVisit60Days noVisit90Days springFestival springFestivalPairings springFestivalVisited springFestivalCoverage }
	demands { total { demands overdue closed averageDaysToClose } byStatus { status demands overdue } byCategory { category demands } byDepartment { department { id } demands } }
	rectifications { rectifications byStatus { status rectifications } averageProgress scored averageAcceptanceScore passed failed }
	members { members female under35 age65AndOver collegeEducated probationary floating withPost }
	teams { teams contributions householdsHelped } } }`

func (s *statsEnv) annualReport(t *testing.T) {
	var tid int
	if err := s.db.SQL.QueryRow("SELECT township_id FROM role_bindings rb JOIN users u ON u.id = rb.user_id WHERE u.username = 'township01'").Scan(&tid); err != nil {
		t.Fatal(err)
	}
	township := scalar.EncodeID(tid)
	vars := map[string]any{"t": township, "y": 2026}

	t.Run("sections equal the lists of the township", func(t *testing.T) {
		for _, user := range []string{"admin", "township01", "village001"} {
			api := s.as(t, user)
			var out map[string]any
			api.Must(t, reportQuery, vars, &out)
			r := dig(out, "annualReport")
			c := &checker{t: t}
			in := fmt.Sprintf("hasVillageWith: [{townshipID: %q}]", township)
			inMembers := inUnit("partyMembers", "TOWNSHIP", township) // village, committee and 两新 members
			// Demonstration projects: the list of the township's projects of the year.
			ps := nodes(t, api, "demoProjects", fmt.Sprintf("townshipID: %q, year: 2026", township), "id stage stageDueOn")
			got := dig(r, "demoProjects").([]any)
			c.eq(user+" demo projects", len(got), len(ps))
			for i := range min(len(got), len(ps)) {
				p := ps[i]
				late := p.(map[string]any)["stage"] != "COMPLETION" && p.(map[string]any)["stageDueOn"] != nil && p.(map[string]any)["stageDueOn"].(string) < s.date()
				if dig(got[i], "project", "id") != dig(p, "id") || dig(got[i], "overdue") != late {
					t.Errorf("%s: project %v overdue %v, list says %v overdue %v", user, dig(got[i], "project", "id"), dig(got[i], "overdue"), dig(p, "id"), late)
				}
			}
			// The other sections: counted on the lists, limited to the township.
			w := totals(t, api, "households", []string{"needy: true, " + in, "needy: true, hasPairingsWith: [{active: true}], " + in})
			c.eq(user+" needy", num(dig(r, "pairingCoverage", "needyHouseholds")), w[0])
			c.eq(user+" paired", num(dig(r, "pairingCoverage", "pairedHouseholds")), w[1])
			c.eq(user+" active pairings", num(dig(r, "visitCompliance", "activePairings")),
				totals(t, api, "pairings", []string{"active: true, " + inUnit("pairings", "TOWNSHIP", township)})[0])
			c.eq(user+" demands of the year", num(dig(r, "demands", "total", "demands")),
				totals(t, api, "demands", []string{fmt.Sprintf(`createdAtGTE: "2026-01-01T00:00:00Z", createdAtLT: "2027-01-01T00:00:00Z", hasHouseholdWith: [{%s}]`, in)})[0])
			c.eq(user+" secretaries", num(dig(r, "training", "secretaries")), totals(t, api, "partyMembers", []string{s.secretary() + ", " + in})[0])
			m := totals(t, api, "partyMembers", []string{"status: ACTIVE, " + inMembers, "status: ACTIVE, gender: FEMALE, " + inMembers,
				"status: ACTIVE, category: FLOATING, " + inMembers, "status: ACTIVE, " + s.bucketFilters("HAS_POST")["WITH_POST"] + ", " + inMembers})
			c.eq(user+" members", num(dig(r, "members", "members")), m[0])
			c.eq(user+" women", num(dig(r, "members", "female")), m[1])
			c.eq(user+" floating", num(dig(r, "members", "floating")), m[2])
			c.eq(user+" with a post", num(dig(r, "members", "withPost")), m[3])
			c.eq(user+" rectifications", num(dig(r, "rectifications", "rectifications")),
				totals(t, api, "rectifications", []string{"year: 2026, " + in})[0])
			teams := nodesBy(t, api, 20, "teams", fmt.Sprintf("townshipID: %q", township), "id")
			// A contribution is its member's record (teams draw members district-wide): the
			// township's are those of its members, whichever team they served in.
			contribs := nodesBy(t, api, 500, "contributions",
				fmt.Sprintf(`onGTE: "2026-01-01", onLT: "2027-01-01", hasMemberWith: [{%s}]`, inMembers), "householdsHelped")
			contributions, helped := len(contribs), 0
			for _, ct := range contribs {
				helped += num(dig(ct, "householdsHelped"))
			}
			c.eq(user+" teams", num(dig(r, "teams", "teams")), len(teams))
			c.eq(user+" contributions", num(dig(r, "teams", "contributions")), contributions)
			c.eq(user+" households helped", num(dig(r, "teams", "householdsHelped")), helped)
			c.done()

			// Every section is the statistic of the same name limited to the township.
			var st map[string]any
			api.Must(t, `{ t: trainingCompletion(year: 2026) { township { id } secretaries comprehensiveAttended comprehensiveRate xCoursesAttended averageXCourses hoursAttended }
				v: visitCompliance(year: 2026) { township { id } activePairings visitsByQuarter noVisit60Days noVisit90Days springFestival springFestivalPairings springFestivalVisited springFestivalCoverage }
				p: pairingCoverage { township { id } needyHouseholds pairedHouseholds unpairedHouseholds coverage } }`, nil, &st)
			for section, list := range map[string]string{"training": "t", "visitCompliance": "v", "pairingCoverage": "p"} {
				for _, row := range dig(st, list).([]any) {
					if dig(row, "township", "id") != township {
						continue
					}
					delete(row.(map[string]any), "township")
					if a, b := jsonText(row), jsonText(dig(r, section)); a != b {
						t.Errorf("%s: report section %s differs from the statistic:\n%s\n%s", user, section, b, a)
					}
				}
			}
		}
	})

	t.Run("outside the township it is the report of an empty township", func(t *testing.T) {
		// A township with no records at all, for comparison.
		var district int
		if err := s.db.SQL.QueryRow("SELECT district_id FROM townships WHERE id = ?", tid).Scan(&district); err != nil {
			t.Fatal(err)
		}
		ctx := authz.Bypass(context.Background(), "test fixture")
		empty, err := s.db.Client.Township.Create().SetDistrictID(district).SetCode("211404999000").SetName("空白乡").Save(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var want map[string]any
		s.as(t, "admin").Must(t, reportQuery, map[string]any{"t": scalar.EncodeID(empty.ID), "y": 2026}, &want)
		delete(want["annualReport"].(map[string]any), "township")
		for _, user := range []string{"township02", "village050"} {
			var got map[string]any
			s.as(t, user).Must(t, reportQuery, vars, &got)
			delete(got["annualReport"].(map[string]any), "township")
			if a, b := jsonText(got), jsonText(want); a != b {
				t.Errorf("%s sees township01's report as\n%s\nan empty township's is\n%s", user, a, b)
			}
		}
		if strings.Contains(jsonText(want), `"demands":1`) || !strings.Contains(jsonText(want), `"needyHouseholds":0`) {
			t.Fatalf("the empty township's report is not empty: %s", jsonText(want))
		}
	})

	t.Run("sections a role may not read are FORBIDDEN, the rest answered", func(t *testing.T) {
		for user, forbidden := range map[string][]string{
			"cadre0001": {"demoProjects", "demoProjectStages", "training", "rectifications", "members", "teams"},
			"dept01":    {"demoProjects", "demoProjectStages", "training"},
		} {
			r := s.as(t, user).Do(t, reportQuery, vars)
			var got []string
			for _, e := range r.Errors {
				if e.Extensions["code"] != "FORBIDDEN" || len(e.Path) != 2 {
					t.Errorf("%s: unexpected error %v", user, e)
					continue
				}
				got = append(got, e.Path[1].(string))
			}
			sort.Strings(got)
			sort.Strings(forbidden)
			if strings.Join(got, ",") != strings.Join(forbidden, ",") {
				t.Errorf("%s: FORBIDDEN sections %v, want %v", user, got, forbidden)
			}
			var data map[string]any
			if err := json.Unmarshal(r.Data, &data); err != nil || dig(data, "annualReport", "pairingCoverage") == nil || dig(data, "annualReport", "demands") == nil {
				t.Errorf("%s: the readable sections are missing: %s", user, r.Data)
			}
		}
	})
}

func (s *statsEnv) refusals(t *testing.T) {
	var village int
	if err := s.db.SQL.QueryRow("SELECT MIN(id) FROM villages").Scan(&village); err != nil {
		t.Fatal(err)
	}
	cases := []struct{ user, q, code string }{
		// A role that may not read a counted type at all.
		{"cadre0001", `{ demoProjectStats { stage } }`, "FORBIDDEN"},
		{"dept01", `{ demoProjectStats { stage } }`, "FORBIDDEN"},
		{"cadre0001", `{ trainingCompletion(year: 2026) { secretaries } }`, "FORBIDDEN"},
		{"dept01", `{ trainingCompletion(year: 2026) { secretaries } }`, "FORBIDDEN"},
		{"cadre0001", `{ memberComposition(dimension: GENDER) { members } }`, "FORBIDDEN"},
		{"cadre0001", `{ memberComposition(dimension: HAS_POST) { members } }`, "FORBIDDEN"},
		{"cadre0001", `{ rectificationProgress(year: 2026) { rectifications } }`, "FORBIDDEN"},
		// Bad arguments.
		{"admin", `{ visitCompliance(year: 1999) { activePairings } }`, "BAD_USER_INPUT"},
		{"admin", `{ visitCompliance(year: 1999) { activePairings } }`, "BAD_USER_INPUT"},
		{"admin", `{ trainingCompletion(year: 1999) { secretaries } }`, "BAD_USER_INPUT"},
		{"admin", `{ rectificationProgress(year: 2101) { rectifications } }`, "BAD_USER_INPUT"},
		{"admin", `{ demandStats(year: 0) { total { demands } } }`, "BAD_USER_INPUT"},
		{"admin", `{ demoProjectStats(year: 3000) { stage } }`, "BAD_USER_INPUT"},
		{"admin", `{ memberComposition(dimension: SHOE_SIZE) { members } }`, "BAD_USER_INPUT"},
		{"admin", `{ pairingCoverage(groupBy: COUNTY) { coverage } }`, "BAD_USER_INPUT"},
		{"admin", fmt.Sprintf(`{ annualReport(townshipID: %q, year: 2026) { year } }`, scalar.EncodeID(village)), "BAD_USER_INPUT"},
		{"admin", `{ annualReport(townshipID: "nonsense", year: 2026) { year } }`, "BAD_USER_INPUT"},
		{"admin", fmt.Sprintf(`{ annualReport(townshipID: %q, year: 2035) { year } }`, scalar.EncodeID(village)), "BAD_USER_INPUT"},
	}
	for _, c := range cases {
		t.Run(c.user+" "+c.q, func(t *testing.T) {
			r := s.as(t, c.user).Do(t, c.q, nil)
			r.Fail(t, c.code)
			if r.Status >= 500 {
				t.Fatalf("HTTP %d", r.Status)
			}
		})
	}
	r := s.srv.API.Do(t, `{ pairingCoverage { coverage } }`, nil)
	r.Fail(t, "UNAUTHENTICATED")
}

// coverageFollowsWrites: a new needy household counts as unpaired — and is in the unpaired
// list — until a cadre is paired with it. A department that sees the household (its village
// is linked to the department) but not the other department's pairing of it still counts it
// as unpaired, exactly as its lists do. Deleted rows stop counting.
func (s *statsEnv) coverageFollowsWrites(t *testing.T) {
	ctx := authz.Bypass(context.Background(), "test fixture")
	c := s.db.Client
	year := s.today.Year()
	dept := func(user string) int {
		return someInt(t, s.db.SQL, "SELECT rb.department_id FROM role_bindings rb JOIN users u ON u.id = rb.user_id WHERE u.username = ?", user)
	}
	d1, d2 := dept("dept01"), dept("dept02")
	v := someInt(t, s.db.SQL, "SELECT MIN(village_id) FROM department_village_links WHERE department_id = ? AND year = ? AND deleted_at IS NULL", d1, year)
	busy := pairing.Active(true)
	cadres, err := c.Cadre.Query().Where(cadre.DepartmentID(d2)).WithPairings(func(q *ent.PairingQuery) { q.Where(busy) }).All(ctx)
	if err != nil || len(cadres) == 0 {
		t.Fatalf("cadres of department 2: %v", err)
	}
	sort.Slice(cadres, func(i, j int) bool { return len(cadres[i].Edges.Pairings) < len(cadres[j].Edges.Pairings) })

	type totalsOf struct{ needy, paired, unpaired int }
	measure := func(user string) totalsOf {
		t.Helper()
		var out totalsOf
		for _, r := range s.checkCoverage(t, user, "TOWNSHIP") { // also checks the statistic against the lists
			out.needy += num(dig(r, "needyHouseholds"))
			out.paired += num(dig(r, "pairedHouseholds"))
			out.unpaired += num(dig(r, "unpairedHouseholds"))
		}
		return out
	}
	expect := func(what string, got, base totalsOf, needy, paired, unpaired int) {
		t.Helper()
		if got.needy-base.needy != needy || got.paired-base.paired != paired || got.unpaired-base.unpaired != unpaired {
			t.Errorf("%s: needy/paired/unpaired moved by %d/%d/%d, want %d/%d/%d", what,
				got.needy-base.needy, got.paired-base.paired, got.unpaired-base.unpaired, needy, paired, unpaired)
		}
	}
	admin0, dept0 := measure("admin"), measure("dept01")

	h, err := c.Household.Create().SetVillageID(v).SetNumber("STATS-1").SetHeadName("统计测试户").SetPovertyStatus(enum.StatusInPoverty).SetNeedy(true).Save(ctx)
	if err != nil {
		t.Fatal(err)
	}
	expect("admin, new needy household", measure("admin"), admin0, 1, 0, 1)
	expect("dept01, new needy household in its village", measure("dept01"), dept0, 1, 0, 1)
	unpaired := nodes(t, s.as(t, "admin"), "households", "needy: true, not: {hasPairingsWith: [{active: true}]}", "id")
	if len(unpaired) != 1 || dig(unpaired[0], "id") != scalar.EncodeID(h.ID) {
		t.Fatalf("unpaired list = %v, want only the new household", unpaired)
	}

	// Another department's cadre takes it on (its department is linked to the village too).
	linked, err := c.DepartmentVillageLink.Query().Where(departmentvillagelink.DepartmentID(d2),
		departmentvillagelink.VillageID(v), departmentvillagelink.Year(year)).Exist(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !linked {
		if _, err := c.DepartmentVillageLink.Create().SetDepartmentID(d2).SetVillageID(v).SetYear(year).Save(ctx); err != nil {
			t.Fatal(err)
		}
	}
	dept2 := measure("dept02")
	p, err := c.Pairing.Create().SetCadreID(cadres[0].ID).SetHouseholdID(h.ID).SetStartOn(s.today).Save(ctx)
	if err != nil {
		t.Fatal(err)
	}
	expect("admin, household paired", measure("admin"), admin0, 1, 1, 0)
	expect("dept02, its cadre paired", measure("dept02"), dept2, 0, 1, -1)
	expect("dept01, another department's pairing", measure("dept01"), dept0, 1, 0, 1)

	// Deleted (soft) rows stop counting.
	if err := c.Pairing.DeleteOneID(p.ID).Exec(ctx); err != nil {
		t.Fatal(err)
	}
	expect("admin, pairing deleted", measure("admin"), admin0, 1, 0, 1)
	if err := c.Household.DeleteOneID(h.ID).Exec(ctx); err != nil {
		t.Fatal(err)
	}
	expect("admin, household deleted", measure("admin"), admin0, 0, 0, 0)
}

func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// TestStatisticsSubqueriesUseTheTargetsScope: where a statistic looks into another type (the
// household of a pairing, the visits of a pairing, the post of a secretary, the member holding a
// post), it sees only the rows of that type its caller may read. With the default policy every
// role reaches related rows alike, so the test narrows, one at a time, what a user bound as a
// township, a village secretary (elsewhere) and a cadre (elsewhere again) may read of the
// looked-into type, and checks the statistics against the lists — and against the numbers
// they would show were the sub-query not limited.
func TestStatisticsSubqueriesUseTheTargetsScope(t *testing.T) {
	s := newStatsEnv(t)
	q := s.db.SQL
	tw := someInt(t, q, "SELECT rb.township_id FROM role_bindings rb JOIN users u ON u.id = rb.user_id WHERE u.username = 'township01'")
	v := someInt(t, q, "SELECT MIN(id) FROM villages WHERE township_id <> ?", tw)
	vTownship := someInt(t, q, "SELECT township_id FROM villages WHERE id = ?", v)
	cad := someInt(t, q, "SELECT MIN(cadre_id) FROM pairings WHERE active = ? AND deleted_at IS NULL AND township_id NOT IN (?, ?)", true, tw, vTownship)
	cadTownship := someInt(t, q, "SELECT MIN(township_id) FROM pairings WHERE cadre_id = ? AND active = ? AND deleted_at IS NULL AND township_id NOT IN (?, ?)", cad, true, tw, vTownship)
	testkit.CreateUser(t, s.db.Client, "multi",
		testkit.Binding{Role: "TOWNSHIP", TownshipID: &tw},
		testkit.Binding{Role: "VILLAGE_SECRETARY", VillageID: &v},
		testkit.Binding{Role: "CADRE", CadreID: &cad})
	admin := s.as(t, "admin")
	policy := func(op string, rules ...[3]string) {
		t.Helper()
		var in []map[string]any
		for _, r := range rules {
			in = append(in, map[string]any{"role": r[0], "object": r[1], "action": "read", "scope": r[2]})
		}
		admin.Must(t, `mutation($r: [PolicyRuleInput!]) { updatePolicies(`+op+`: $r) { role } }`, map[string]any{"r": in}, nil)
	}
	vID := scalar.EncodeID(v)

	t.Run("households of pairings", func(t *testing.T) {
		narrowed := [][3]string{{"CADRE", "household", "PAIRED"}}
		policy("remove", narrowed...)
		defer policy("add", narrowed...)
		// The cadre's pairings are visible, their households no longer: they are not counted.
		for _, r := range s.checkCoverage(t, "multi", "TOWNSHIP") {
			if dig(r, "township", "id") == scalar.EncodeID(cadTownship) || num(dig(r, "pairedHouseholds")) > num(dig(r, "needyHouseholds")) {
				t.Errorf("pairings counted whose household the caller cannot see: %v", r)
			}
		}
	})

	t.Run("visits of pairings", func(t *testing.T) {
		narrowed := [][3]string{{"VILLAGE_SECRETARY", "visit", "VILLAGE"}}
		policy("remove", narrowed...)
		defer policy("add", narrowed...)
		// The village's pairings are visible, their visits no longer: none of them was visited.
		seen := false
		for _, r := range s.checkVisits(t, "multi", "VILLAGE") {
			if dig(r, "village", "id") != vID {
				continue
			}
			seen = true
			if a := num(dig(r, "activePairings")); a == 0 || num(dig(r, "noVisit60Days")) != a || num(dig(r, "springFestivalVisited")) != 0 {
				t.Errorf("village %s: visits the caller cannot see were counted: %v", vID, r)
			}
		}
		if !seen {
			t.Fatalf("no row for village %s", vID)
		}
	})

	t.Run("posts of secretaries", func(t *testing.T) {
		narrowed := [][3]string{{"VILLAGE_SECRETARY", "post", "VILLAGE"}}
		policy("remove", narrowed...)
		defer policy("add", narrowed...)
		for _, r := range s.checkTraining(t, "multi", "VILLAGE") {
			if dig(r, "village", "id") == vID || num(dig(r, "comprehensiveAttended")) > num(dig(r, "secretaries")) {
				t.Errorf("training counted a secretary whose post the caller cannot see: %v", r)
			}
		}
	})

	t.Run("members holding posts", func(t *testing.T) {
		narrowed := [][3]string{{"VILLAGE_SECRETARY", "party_member", "VILLAGE"}}
		policy("remove", narrowed...)
		defer policy("add", narrowed...)
		for _, r := range s.checkMembers(t, "multi", "VILLAGE", "HAS_POST") {
			if num(dig(r, "members")) < 0 || dig(r, "village", "id") == vID {
				t.Errorf("post holders counted whose member record the caller cannot see: %v", r)
			}
		}
	})
}

// TestStatsSchemaIsDescribed: every type, field, argument and enum value of the statistics
// schema says what it is in English and in Chinese.
func TestStatsSchemaIsDescribed(t *testing.T) {
	src, err := os.ReadFile("stats.graphqls")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := parser.ParseSchema(&ast.Source{Name: "stats.graphqls", Input: string(src)})
	if err != nil {
		t.Fatal(err)
	}
	bilingual := func(what, d string) {
		t.Helper()
		hasHan, hasLatin := false, false
		for _, r := range d {
			hasHan = hasHan || unicode.Is(unicode.Han, r)
			hasLatin = hasLatin || ('a' <= r && r <= 'z')
		}
		if !hasHan || !hasLatin {
			t.Errorf("%s: description %q is not in English and Chinese", what, d)
		}
	}
	n := 0
	for _, defs := range []ast.DefinitionList{doc.Definitions, doc.Extensions} {
		for _, def := range defs {
			if def.Name != "Query" {
				bilingual(def.Name, def.Description)
			}
			for _, f := range def.Fields {
				bilingual(def.Name+"."+f.Name, f.Description)
				for _, a := range f.Arguments {
					bilingual(def.Name+"."+f.Name+"("+a.Name+")", a.Description)
				}
				n++
			}
			for _, v := range def.EnumValues {
				bilingual(def.Name+"."+v.Name, v.Description)
				n++
			}
		}
	}
	if n < 50 {
		t.Fatalf("only %d fields and values checked", n)
	}
}
