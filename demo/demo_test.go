package demo_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nanpiao/sbqw/internal/testkit"

	_ "modernc.org/sqlite"

	"github.com/nanpiao/sbqw/authn"
	"github.com/nanpiao/sbqw/authz"
	"github.com/nanpiao/sbqw/demo"
	"github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/ent/demandevent"
	"github.com/nanpiao/sbqw/ent/pairing"
	_ "github.com/nanpiao/sbqw/ent/runtime"
	"github.com/nanpiao/sbqw/ent/schema"
	"github.com/nanpiao/sbqw/ent/schema/enum"
	"github.com/nanpiao/sbqw/ent/setting"
	"github.com/nanpiao/sbqw/pii"
)

const demoPassword = "demo-pass-123"

var demoToday = time.Date(2026, 10, 31, 0, 0, 0, 0, time.UTC)

// passwordHash is computed once: argon2id is deliberately slow.
var passwordHash = sync.OnceValue(func() string {
	h, err := authn.HashPassword(demoPassword)
	if err != nil {
		panic(err)
	}
	return h
})

var sealer = func() *pii.Sealer {
	s, err := pii.NewSealer(make([]byte, 32))
	if err != nil {
		panic(err)
	}
	return s
}()

// testDB is a fresh, migrated test database (SQLite, or MySQL when MYSQL_TEST_DSN is set).
type testDB struct {
	client *ent.Client
	db     *sql.DB
	kit    *testkit.DB
}

func openDB(tb testing.TB) *testDB {
	tb.Helper()
	kit := testkit.Open(tb)
	return &testDB{client: kit.Client, db: kit.SQL, kit: kit}
}

func (d *testDB) close() { d.kit.Close() }

// loaded is the demo district loaded once with the default seed and shared by the tests that
// only read it.
var loaded struct {
	once sync.Once
	db   *testDB
	res  demo.Result
	err  error
}

func loadedDemo(t *testing.T) (*testDB, demo.Result) {
	t.Helper()
	if testing.Short() {
		t.Skip("loads the whole demo district")
	}
	loaded.once.Do(func() {
		loaded.db = openDB(t)
		loaded.res, loaded.err = demo.Ensure(context.Background(), loaded.db.client, demo.Options{PasswordHash: passwordHash()})
		if loaded.err == nil {
			t.Logf("demo district loaded in %s: %v", loaded.res.Duration.Round(time.Millisecond), loaded.res.Counts)
		}
	})
	if loaded.err != nil {
		t.Fatalf("loading the demo: %v", loaded.err)
	}
	return loaded.db, loaded.res
}

func TestMain(m *testing.M) {
	code := m.Run()
	if loaded.db != nil {
		loaded.db.close()
	}
	os.Exit(code)
}

// systemCtx reads everything, soft-deleted rows included.
func systemCtx() context.Context {
	return schema.IncludeDeleted(authz.Bypass(context.Background(), "demo test"))
}

func count(t *testing.T, db *sql.DB, query string, args ...any) int {
	t.Helper()
	query = portable(query)
	var n int
	if err := db.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

var sqliteDateShift = regexp.MustCompile(`date\(([^,()]+), '([+-])(\d+) years'\)`)

// portable rewrites the SQLite spellings the checks are written in for MySQL when the tests
// run there: date arithmetic and quoted identifiers.
func portable(q string) string {
	if testkit.Backend() != "mysql" {
		return q
	}
	q = sqliteDateShift.ReplaceAllStringFunc(q, func(m string) string {
		p := sqliteDateShift.FindStringSubmatch(m)
		fn := map[string]string{"+": "DATE_ADD", "-": "DATE_SUB"}[p[2]]
		return fn + "(" + p[1] + ", INTERVAL " + p[3] + " YEAR)"
	})
	return quotedIdentifier.ReplaceAllString(q, "`$1`")
}

// quotedIdentifier is an identifier in SQL's double quotes ("on", "to"), which MySQL spells in
// backticks.
var quotedIdentifier = regexp.MustCompile(`"(\w+)"`)

// tableCounts counts the rows of every table the demo writes, by ent type name.
func tableCounts(t *testing.T, db *sql.DB) map[string]int {
	t.Helper()
	out := map[string]int{}
	for typ, table := range demoTables {
		if n := count(t, db, "SELECT COUNT(*) FROM "+table); n > 0 {
			out[typ] = n
		}
	}
	return out
}

var demoTables = map[string]string{
	"District": "districts", "Township": "townships", "Village": "villages", "Department": "departments",
	"DepartmentVillageLink": "department_village_links", "PartyOrganization": "party_organizations",
	"PartyMember": "party_members", "Post": "posts", "Household": "households", "Resident": "residents",
	"Cadre": "cadres", "Pairing": "pairings", "Visit": "visits", "Demand": "demands", "DemandEvent": "demand_events",
	"Rectification": "rectifications", "DemoProject": "demo_projects", "DemoProjectStage": "demo_project_stages",
	"TrainingCourse": "training_courses", "TrainingEnrollment": "training_enrollments", "Assessment": "assessments",
	"Team": "teams", "TeamMembership": "team_memberships", "Contribution": "contributions", "User": "users",
	"RoleBinding": "role_bindings",
}

func TestLoadHasTheShapeOfNanpiao(t *testing.T) {
	d, res := loadedDemo(t)
	if !res.Loaded {
		t.Fatal("first Ensure did not report Loaded")
	}
	got := tableCounts(t, d.db)
	for typ, n := range got {
		if res.Counts[typ] != n {
			t.Errorf("Result.Counts[%s] = %d, table holds %d", typ, res.Counts[typ], n)
		}
	}
	exact := map[string]int{
		"District": 1, "Township": 10, "Village": 135, "Department": 45, "DepartmentVillageLink": 270,
		"PartyOrganization": 190 + 3, // and three 两新 organisations "DemoProject": 20, // one per township in 2026, and one in the closed 2025
	}
	for typ, want := range exact {
		if got[typ] != want {
			t.Errorf("%s: %d rows, want %d", typ, got[typ], want)
		}
	}
	atLeast := map[string]int{
		"Cadre": 1170, "PartyMember": 10000, "Household": 5000, "Resident": 5000, "Pairing": 3000,
		"Visit": 25000, "Demand": 2500, "Contribution": 1500, "User": 2 + 10 + 135 + 45 + 1170,
		"Team": 10*4 + 30, "TrainingCourse": 10, "Assessment": 135 * 11,
	}
	for typ, want := range atLeast {
		if got[typ] < want {
			t.Errorf("%s: %d rows, want at least %d", typ, got[typ], want)
		}
	}
	for _, typ := range []string{"ApiKey", "Session", "AuditEvent", "CasbinRule"} {
		table := map[string]string{"ApiKey": "api_keys", "Session": "sessions", "AuditEvent": "audit_events", "CasbinRule": "casbin_rules"}[typ]
		if n := count(t, d.db, "SELECT COUNT(*) FROM "+table); n != 0 {
			t.Errorf("the demo wrote %d %s rows; it must write none", n, typ)
		}
	}
}

func TestShapeDetails(t *testing.T) {
	d, _ := loadedDemo(t)
	checks := []struct {
		name  string
		query string
		want  int
	}{
		{"every village linked to exactly one department per year", `SELECT COUNT(*) FROM (SELECT village_id, year FROM department_village_links GROUP BY village_id, year HAVING COUNT(*) <> 1) AS t`, 0},
		{"every department linked to three villages in 2026", `SELECT COUNT(*) FROM (SELECT department_id FROM department_village_links WHERE year = 2026 GROUP BY department_id HAVING COUNT(*) <> 3) AS t`, 0},
		{"every village has one current secretary", `SELECT COUNT(*) FROM villages v WHERE (SELECT COUNT(*) FROM posts p JOIN party_organizations o ON o.id = p.organization_id WHERE o.village_id = v.id AND p.title = 'SECRETARY' AND p.end_on IS NULL) <> 1`, 0},
		{"every household has exactly one head", `SELECT COUNT(*) FROM households h WHERE (SELECT COUNT(*) FROM residents r WHERE r.household_id = h.id AND r.relation = 'HEAD') <> 1`, 0},
		{"a household's head name is its head's name", `SELECT COUNT(*) FROM households h JOIN residents r ON r.household_id = h.id AND r.relation = 'HEAD' WHERE r.name <> h.head_name`, 0},
		{"households have 1 to 6 residents", `SELECT COUNT(*) FROM (SELECT household_id FROM residents GROUP BY household_id HAVING COUNT(*) > 6) AS t`, 0},
		{"household numbers are unique within a village", `SELECT COUNT(*) FROM (SELECT village_id, number FROM households GROUP BY village_id, number HAVING COUNT(*) > 1) AS t`, 0},
		{"sons are men", `SELECT COUNT(*) FROM residents WHERE relation = 'SON' AND gender <> 'MALE'`, 0},
		{"daughters are women", `SELECT COUNT(*) FROM residents WHERE relation = 'DAUGHTER' AND gender <> 'FEMALE'`, 0},
		{"spouses differ in gender from the head", `SELECT COUNT(*) FROM residents s JOIN residents h ON h.household_id = s.household_id AND h.relation = 'HEAD' WHERE s.relation = 'SPOUSE' AND s.gender = h.gender`, 0},
		{"ordinary households are not poor", `SELECT COUNT(*) FROM households WHERE category = 'ORDINARY' AND (poverty_status <> 'NOT_POOR' OR identified_year IS NOT NULL)`, 0},
		{"lifted households have an exit year", `SELECT COUNT(*) FROM households WHERE poverty_status = 'LIFTED' AND (exit_year IS NULL OR exit_year < identified_year)`, 0},
		// A household that returned to poverty (RETURNED) is registered poor again and keeps the year it had exited.
		{"registered poor households are in poverty", `SELECT COUNT(*) FROM households WHERE category = 'REGISTERED_POOR' AND (poverty_status NOT IN ('IN_POVERTY', 'RETURNED') OR (poverty_status = 'IN_POVERTY' AND exit_year IS NOT NULL))`, 0},
		{"cadres have one to four active pairings", `SELECT COUNT(*) FROM cadres c WHERE (SELECT COUNT(*) FROM pairings p WHERE p.cadre_id = c.id AND p.active) NOT BETWEEN 1 AND 4 AND NOT EXISTS (SELECT 1 FROM cadre_assignments a WHERE a.cadre_id = c.id AND a."to" IS NOT NULL)`, 0},
		{"one cadre was transferred, with an open assignment in the new department", `SELECT COUNT(*) FROM cadres c JOIN cadre_assignments a ON a.cadre_id = c.id AND a."to" IS NULL AND a.department_id = c.department_id WHERE EXISTS (SELECT 1 FROM cadre_assignments b WHERE b.cadre_id = c.id AND b."to" IS NOT NULL)`, 1},
		{"every cadre has exactly one open assignment", `SELECT COUNT(*) FROM cadres c WHERE (SELECT COUNT(*) FROM cadre_assignments a WHERE a.cadre_id = c.id AND a."to" IS NULL) <> 1`, 0},
		{"department members have no village", `SELECT COUNT(*) FROM party_members WHERE department_id IS NOT NULL AND (village_id IS NOT NULL OR township_id IS NOT NULL)`, 0},
		{"两新 organisations have members", `SELECT COUNT(*) FROM party_organizations o WHERE o.owner = 'ENTERPRISE_OR_SOCIAL' AND NOT EXISTS (SELECT 1 FROM party_members m WHERE m.organization_id = o.id)`, 0},
		{"floating members have a day and a place", `SELECT COUNT(*) FROM party_members WHERE floating_since IS NOT NULL AND (location IS NULL OR location = '')`, 0},
		{"released pairings have an end and a reason", `SELECT COUNT(*) FROM pairings WHERE NOT active AND (end_on IS NULL OR release_reason IS NULL OR release_reason = '')`, 0},
		{"rectification scores agree with their result", `SELECT COUNT(*) FROM rectifications WHERE (status = 'PASSED' AND acceptance_score < 70) OR (status = 'FAILED' AND acceptance_score >= 70) OR (status IN ('PASSED', 'FAILED') AND acceptance_score IS NULL)`, 0},
		{"a secretary's capability indicators name the secretary", `SELECT COUNT(*) FROM assessments WHERE (indicator LIKE 'CAP_%') <> (secretary_id IS NOT NULL)`, 0},
		{"every team's leader holds its LEADER post", `SELECT COUNT(*) FROM teams t WHERE NOT EXISTS (SELECT 1 FROM team_memberships m WHERE m.team_id = t.id AND m.member_id = t.leader_id AND m.post = 'LEADER')`, 0},
		{"team members joined the party before the team", `SELECT COUNT(*) FROM team_memberships t JOIN party_members m ON m.id = t.member_id WHERE date(t.joined_on) < date(m.joined_on)`, 0},
		{"contributions come after joining the team", `SELECT COUNT(*) FROM contributions c JOIN team_memberships t ON t.team_id = c.team_id AND t.member_id = c.member_id WHERE date(c."on") < date(t.joined_on) OR date(c."on") > '2026-10-31'`, 0},
		{"every comprehensive course enrols all 135 secretaries", `SELECT COUNT(*) FROM training_courses c WHERE c.kind = 'COMPREHENSIVE' AND (SELECT COUNT(*) FROM training_enrollments e WHERE e.course_id = c.id) <> 135`, 0},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			if got := count(t, d.db, c.query); got != c.want {
				t.Errorf("got %d, want %d", got, c.want)
			}
		})
	}
	// Birth dates are kept only inside the sealed ID numbers.
	births := birthDates(t, d.db, "residents")
	t.Run("children are younger than the head", func(t *testing.T) {
		pairs := rowPairs(t, d.db, `SELECT c.id, h.id FROM residents c JOIN residents h ON h.household_id = c.household_id AND h.relation = 'HEAD' WHERE c.relation IN ('SON', 'DAUGHTER')`)
		for child, head := range pairs {
			if !births[child].After(births[head]) {
				t.Errorf("resident %d born %s, head %d born %s", child, births[child], head, births[head])
			}
		}
	})
	t.Run("members joined the party at 18 or older", func(t *testing.T) {
		born := birthDates(t, d.db, "party_members")
		rows, err := d.db.Query("SELECT id, joined_on FROM party_members")
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var id int
			var joined time.Time
			if err := rows.Scan(&id, &joined); err != nil {
				t.Fatal(err)
			}
			if joined.Before(born[id].AddDate(18, 0, 0)) {
				t.Errorf("member %d born %s joined %s", id, born[id], joined)
			}
		}
	})
	positive := []struct{ name, query string }{
		{"some members serve in two or more teams", `SELECT COUNT(*) FROM (SELECT member_id FROM team_memberships GROUP BY member_id HAVING COUNT(*) >= 2) AS t`},
		{"some secretaries also direct the village (一肩挑)", `SELECT COUNT(*) FROM posts s JOIN posts d ON d.member_id = s.member_id AND d.title = 'VILLAGE_DIRECTOR' AND d.end_on IS NULL WHERE s.title = 'SECRETARY' AND s.end_on IS NULL`},
		{"some posts have ended", `SELECT COUNT(*) FROM posts WHERE end_on IS NOT NULL`},
		{"some pairings are one-to-one", `SELECT COUNT(*) FROM (SELECT cadre_id FROM pairings WHERE active GROUP BY cadre_id HAVING COUNT(*) = 1) AS t`},
		{"some pairings are one-to-many", `SELECT COUNT(*) FROM (SELECT cadre_id FROM pairings WHERE active GROUP BY cadre_id HAVING COUNT(*) > 1) AS t`},
		{"some demands are overdue", `SELECT COUNT(*) FROM demands WHERE due_on IS NOT NULL AND due_on < '2026-10-31' AND status NOT IN ('CLOSED', 'REJECTED')`},
		{"some demands were heard on a visit", `SELECT COUNT(*) FROM demands WHERE visit_id IS NOT NULL`},
		{"some demands were not", `SELECT COUNT(*) FROM demands WHERE visit_id IS NULL`},
		{"some weak villages are rectified", `SELECT COUNT(*) FROM rectifications r JOIN villages v ON v.id = r.village_id WHERE v.weak_organization AND r.year = 2026`},
		{"some 2025 rectifications failed", `SELECT COUNT(*) FROM rectifications WHERE year = 2025 AND status = 'FAILED'`},
		{"some enrollments are for a course not held yet", `SELECT COUNT(*) FROM training_enrollments WHERE attendance = 'ENROLLED'`},
		{"some floating members have a location", `SELECT COUNT(*) FROM party_members WHERE category = 'FLOATING' AND location IS NOT NULL`},
	}
	for _, c := range positive {
		t.Run(c.name, func(t *testing.T) {
			if got := count(t, d.db, c.query); got == 0 {
				t.Error("none found")
			}
		})
	}
}

func TestProportions(t *testing.T) {
	d, _ := loadedDemo(t)
	ratio := func(part, whole string) float64 {
		return float64(count(t, d.db, part)) / float64(count(t, d.db, whole))
	}
	cases := []struct {
		name        string
		part, whole string
		lo, hi      float64
	}{
		{"poor villages", `SELECT COUNT(*) FROM villages WHERE poor_village`, `SELECT COUNT(*) FROM villages`, 0.15, 0.25},
		{"needy households", `SELECT COUNT(*) FROM households WHERE needy`, `SELECT COUNT(*) FROM households`, 0.40, 0.50},
		{"male members", `SELECT COUNT(*) FROM party_members WHERE gender = 'MALE'`, `SELECT COUNT(*) FROM party_members`, 0.62, 0.75},
		{"probationary members", `SELECT COUNT(*) FROM party_members WHERE membership = 'PROBATIONARY'`, `SELECT COUNT(*) FROM party_members`, 0.015, 0.045},
		{"members holding a current post", `SELECT COUNT(DISTINCT member_id) FROM posts WHERE end_on IS NULL`, `SELECT COUNT(*) FROM party_members`, 0.25, 0.35},
		{"cadres who are members", `SELECT COUNT(*) FROM cadres WHERE member_id IS NOT NULL`, `SELECT COUNT(*) FROM cadres`, 0.55, 0.65},
		{"released pairings", `SELECT COUNT(*) FROM pairings WHERE NOT active`, `SELECT COUNT(*) FROM pairings`, 0.05, 0.15},
	}
	for _, c := range cases {
		if r := ratio(c.part, c.whole); r < c.lo || r > c.hi {
			t.Errorf("%s: %.3f, want %.2f–%.2f", c.name, r, c.lo, c.hi)
		}
	}
	// Elderly members are old and members are 20–90.
	born := birthDates(t, d.db, "party_members")
	elderly := rowPairs(t, d.db, `SELECT id, id FROM party_members WHERE category = 'ELDERLY'`)
	var young, outside int
	for id, birth := range born {
		age := pii.Age(birth, demoToday)
		if _, ok := elderly[id]; ok && age < 65 {
			young++
		}
		if age < 20 || age > 90 {
			outside++
		}
	}
	if young != 0 {
		t.Errorf("%d ELDERLY members younger than 65", young)
	}
	if outside != 0 {
		t.Errorf("%d members outside the ages 20–90", outside)
	}
}

// birthDates reads the birth date in every row's sealed ID number.
func birthDates(t *testing.T, db *sql.DB, table string) map[int]time.Time {
	t.Helper()
	rows, err := db.Query("SELECT id, id_number_sealed FROM " + table)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[int]time.Time{}
	for rows.Next() {
		var id int
		var sealed string
		if err := rows.Scan(&id, &sealed); err != nil {
			t.Fatal(err)
		}
		plain, err := sealer.Open(pii.Place{Table: table, Column: "id_number", Row: id}, sealed)
		if err != nil {
			t.Fatal(err)
		}
		n, err := pii.ParseIDNumber(plain, demoToday)
		if err != nil {
			t.Fatal(err)
		}
		out[id] = n.BirthDate
	}
	return out
}

// rowPairs reads two integer columns into a map.
func rowPairs(t *testing.T, db *sql.DB, query string) map[int]int {
	t.Helper()
	rows, err := db.Query(query)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[int]int{}
	for rows.Next() {
		var a, b int
		if err := rows.Scan(&a, &b); err != nil {
			t.Fatal(err)
		}
		out[a] = b
	}
	return out
}

func TestEveryProjectStageAndDemandStatusOccurs(t *testing.T) {
	d, _ := loadedDemo(t)
	ctx := systemCtx()
	projects := d.client.DemoProject.Query().AllX(ctx)
	seen := map[enum.ProjectStage]bool{}
	for _, p := range projects {
		seen[p.Stage] = true
	}
	for _, s := range enum.ProjectStage("").Values() {
		if !seen[enum.ProjectStage(s)] {
			t.Errorf("no demo project in stage %s", s)
		}
	}
	if n := d.client.DemoProjectStage.Query().Where().CountX(ctx); n == 0 {
		t.Fatal("no stage history")
	}
	for _, p := range projects {
		recs := p.QueryStages().Order(ent.Asc("id")).AllX(ctx)
		if len(recs) == 0 || recs[0].Result != "STARTED" || recs[0].Stage != enum.StageResearch {
			t.Errorf("project %s: history does not start with STARTED RESEARCH", p.Name)
			continue
		}
		for i := 1; i < len(recs); i++ {
			prev, cur := recs[i-1].Stage.Index(), recs[i].Stage.Index()
			switch recs[i].Result {
			case "ADVANCED":
				if cur != prev+1 {
					t.Errorf("project %s: advanced from %s to %s", p.Name, recs[i-1].Stage, recs[i].Stage)
				}
			case "RETURNED":
				if cur != prev-1 {
					t.Errorf("project %s: returned from %s to %s", p.Name, recs[i-1].Stage, recs[i].Stage)
				}
			default:
				t.Errorf("project %s: unexpected %s record", p.Name, recs[i].Result)
			}
			if recs[i].CreatedAt.Before(recs[i-1].CreatedAt) {
				t.Errorf("project %s: history out of order", p.Name)
			}
		}
		if last := recs[len(recs)-1]; last.Stage != p.Stage {
			t.Errorf("project %s is in %s but its history ends in %s", p.Name, p.Stage, last.Stage)
		}
	}
	if n := count(t, d.db, `SELECT COUNT(*) FROM demo_project_stages WHERE result = 'RETURNED'`); n == 0 {
		t.Error("no project was ever sent back by a review")
	}

	statuses := map[enum.DemandStatus]int{}
	for _, dm := range d.client.Demand.Query().WithEvents(func(q *ent.DemandEventQuery) { q.Order(ent.Asc(demandevent.FieldID)) }).AllX(ctx) {
		statuses[dm.Status]++
		checkDemand(t, dm)
	}
	for _, s := range enum.DemandStatus("").Values() {
		if statuses[enum.DemandStatus(s)] == 0 {
			t.Errorf("no demand in status %s", s)
		}
	}
}

// checkDemand: the events walk the workflow one step at a time and end where the demand is;
// department, satisfaction and closedAt are set exactly when the workflow sets them.
func checkDemand(t *testing.T, d *ent.Demand) {
	t.Helper()
	ev := d.Edges.Events
	if len(ev) == 0 || ev[0].FromStatus != nil || ev[0].ToStatus != enum.DemandRegistered {
		t.Errorf("demand %d: first event is not the registration", d.ID)
		return
	}
	for i := 1; i < len(ev); i++ {
		if ev[i].FromStatus == nil || *ev[i].FromStatus != ev[i-1].ToStatus {
			t.Errorf("demand %d: event %d does not continue from %s", d.ID, i, ev[i-1].ToStatus)
		}
		if ev[i].CreatedAt.Before(ev[i-1].CreatedAt) {
			t.Errorf("demand %d: events out of order", d.ID)
		}
		if ev[i].ActorName == "" || ev[i].Note == "" {
			t.Errorf("demand %d: event %d has no actor or note", d.ID, i)
		}
	}
	if last := ev[len(ev)-1]; last.ToStatus != d.Status {
		t.Errorf("demand %d is %s but its last event says %s", d.ID, d.Status, last.ToStatus)
	}
	after := map[enum.DemandStatus]bool{"ASSIGNED": true, "RESOLVED": true, "FOLLOWED_UP": true, "CLOSED": true}
	if (d.DepartmentID != nil) != after[d.Status] {
		t.Errorf("demand %d (%s): departmentID set = %v", d.ID, d.Status, d.DepartmentID != nil)
	}
	followed := d.Status == enum.DemandFollowedUp || d.Status == enum.DemandClosed
	if (d.Satisfaction != nil) != followed {
		t.Errorf("demand %d (%s): satisfaction set = %v", d.ID, d.Status, d.Satisfaction != nil)
	}
	closed := d.Status == enum.DemandClosed || d.Status == enum.DemandRejected
	if (d.ClosedAt != nil) != closed {
		t.Errorf("demand %d (%s): closedAt set = %v", d.ID, d.Status, d.ClosedAt != nil)
	}
	if closed == (d.DueOn != nil) {
		t.Errorf("demand %d (%s): dueOn set = %v", d.ID, d.Status, d.DueOn != nil)
	}
	if d.ClosedAt != nil && d.ClosedAt.After(demoToday.Add(24*time.Hour)) {
		t.Errorf("demand %d closed after demo today", d.ID)
	}
}

func TestPairingsFollowTheVillageLinks(t *testing.T) {
	d, _ := loadedDemo(t)
	checks := []struct{ name, query string }{
		{"active pairings in a village not linked to the cadre's department in 2026", `
			SELECT COUNT(*) FROM pairings p JOIN cadres c ON c.id = p.cadre_id JOIN households h ON h.id = p.household_id
			WHERE p.active AND NOT EXISTS (SELECT 1 FROM department_village_links l
				WHERE l.department_id = c.department_id AND l.village_id = h.village_id AND l.year = 2026)`},
		{"needy households without exactly one active pairing", `
			SELECT COUNT(*) FROM households h WHERE h.needy AND (SELECT COUNT(*) FROM pairings p WHERE p.household_id = h.id AND p.active) <> 1`},
		{"pairings with a household that is not needy", `
			SELECT COUNT(*) FROM pairings p JOIN households h ON h.id = p.household_id WHERE NOT h.needy`},
		{"released pairings not followed by the household's active one", `
			SELECT COUNT(*) FROM pairings r WHERE NOT r.active AND NOT EXISTS (SELECT 1 FROM pairings a
				WHERE a.household_id = r.household_id AND a.active AND a.start_on > r.end_on)`},
		{"demands of households without a pairing", `
			SELECT COUNT(*) FROM demands d WHERE NOT EXISTS (SELECT 1 FROM pairings p WHERE p.household_id = d.household_id)`},
		{"demands heard on a visit to another household", `
			SELECT COUNT(*) FROM demands d JOIN visits v ON v.id = d.visit_id WHERE v.household_id <> d.household_id`},
	}
	for _, c := range checks {
		if n := count(t, d.db, c.query); n != 0 {
			t.Errorf("%s: %d", c.name, n)
		}
	}
}

func TestVisitsLieWithinTheirPairing(t *testing.T) {
	d, _ := loadedDemo(t)
	ctx := systemCtx()
	pairings := d.client.Pairing.Query().WithVisits().AllX(ctx)
	quiet, total := 0, 0
	cutoff := demoToday.AddDate(0, 0, -90)
	for _, p := range pairings {
		last := demoToday
		if p.EndOn != nil {
			last = *p.EndOn
		}
		recent := false
		for _, v := range p.Edges.Visits {
			total++
			day := time.Date(v.VisitedAt.Year(), v.VisitedAt.Month(), v.VisitedAt.Day(), 0, 0, 0, 0, time.UTC)
			if day.Before(p.StartOn) || day.After(last) {
				t.Errorf("pairing %d (%s–%s) has a visit on %s", p.ID, p.StartOn.Format(time.DateOnly), last.Format(time.DateOnly), day.Format(time.DateOnly))
			}
			recent = recent || !day.Before(cutoff)
		}
		if p.Active && !recent && p.StartOn.Before(cutoff) {
			quiet++
		}
	}
	if total < 25000 {
		t.Errorf("%d visits, want at least 25,000", total)
	}
	if quiet == 0 {
		t.Error("every active pairing has a visit in the last 90 days; the demo should show some that do not")
	}
	occasions := map[enum.VisitOccasion]int{}
	for _, row := range d.client.Visit.Query().Select("occasion").StringsX(ctx) {
		occasions[enum.VisitOccasion(row)]++
	}
	for _, o := range enum.VisitOccasion("").Values() {
		if occasions[enum.VisitOccasion(o)] == 0 {
			t.Errorf("no %s visit", o)
		}
	}
	if occasions["ROUTINE"] < occasions["SPRING_FESTIVAL"] {
		t.Errorf("routine visits (%d) should outnumber Spring Festival visits (%d)", occasions["ROUTINE"], occasions["SPRING_FESTIVAL"])
	}
	active := d.client.Pairing.Query().Where(pairing.Active(true)).CountX(ctx)
	if occasions["SPRING_FESTIVAL"] < active/2 {
		t.Errorf("only %d Spring Festival visits for %d active pairings", occasions["SPRING_FESTIVAL"], active)
	}
}

// scopeChecks say, per table, which scope columns come from which parent — the same pairs as
// the schemas' inheritScope(from(...)).
var scopeChecks = []struct {
	table, fk, parent string
	columns           []string
	where             string // rows checked, when not all
}{
	{"department_village_links", "village_id", "villages", []string{"township_id"}, ""},
	{"party_organizations", "village_id", "villages", []string{"township_id"}, ""},
	{"party_members", "organization_id", "party_organizations", []string{"township_id", "village_id", "department_id"}, ""},
	{"posts", "member_id", "party_members", []string{"township_id", "village_id"}, ""},
	{"households", "village_id", "villages", []string{"township_id"}, ""},
	{"residents", "household_id", "households", []string{"township_id", "village_id"}, ""},
	{"pairings", "household_id", "households", []string{"township_id", "village_id"}, ""},
	{"pairings", "cadre_id", "cadres", []string{"department_id"}, "c.active"}, // an ended pairing keeps the department it was made in
	{"visits", "pairing_id", "pairings", []string{"township_id", "village_id", "household_id", "cadre_id", "department_id"}, ""},
	{"demands", "household_id", "households", []string{"township_id", "village_id"}, ""},
	{"demand_events", "demand_id", "demands", []string{"township_id", "village_id", "household_id"}, ""},
	{"rectifications", "village_id", "villages", []string{"township_id"}, ""},
	{"demo_projects", "village_id", "villages", []string{"township_id"}, ""},
	{"demo_project_stages", "project_id", "demo_projects", []string{"township_id", "village_id"}, ""},
	{"training_enrollments", "secretary_id", "party_members", []string{"township_id", "village_id"}, ""},
	{"assessments", "village_id", "villages", []string{"township_id"}, ""},
	{"teams", "village_id", "villages", []string{"township_id"}, ""},
	// A team may draw members from the whole district: memberships and contributions are the
	// member's records and take the member's scope (issue 11).
	{"team_memberships", "member_id", "party_members", []string{"township_id", "village_id"}, ""},
	{"contributions", "member_id", "party_members", []string{"township_id", "village_id"}, ""},
	{"role_bindings", "village_id", "villages", []string{"township_id"}, ""},
	{"role_bindings", "cadre_id", "cadres", []string{"department_id"}, ""},
}

func TestScopeColumnsAgreeWithTheParentChain(t *testing.T) {
	d, _ := loadedDemo(t)
	for _, c := range scopeChecks {
		var differ []string
		for _, col := range c.columns {
			differ = append(differ, fmt.Sprintf("COALESCE(c.%s, -1) <> COALESCE(p.%s, -1)", col, col))
		}
		q := fmt.Sprintf("SELECT COUNT(*) FROM %s c JOIN %s p ON p.id = c.%s WHERE (%s)", c.table, c.parent, c.fk, strings.Join(differ, " OR "))
		if c.where != "" {
			q += " AND " + c.where
		}
		if n := count(t, d.db, q); n != 0 {
			t.Errorf("%s: %d rows whose %v differ from their %s", c.table, n, c.columns, c.parent)
		}
	}
	// Rows that belong to a village or township carry the column at all.
	for _, table := range []string{"households", "residents", "pairings", "visits", "demands", "demand_events"} {
		if n := count(t, d.db, "SELECT COUNT(*) FROM "+table+" WHERE township_id IS NULL OR village_id IS NULL"); n != 0 {
			t.Errorf("%s: %d rows without a scope column", table, n)
		}
	}
	// A member belongs to a township or a department; only a village organisation's member
	// has a village (issue 11).
	if n := count(t, d.db, "SELECT COUNT(*) FROM party_members WHERE (township_id IS NULL) = (department_id IS NULL)"); n != 0 {
		t.Errorf("party_members: %d rows with both or neither of a township and a department", n)
	}
	if n := count(t, d.db, "SELECT COUNT(*) FROM party_members m JOIN party_organizations o ON o.id = m.organization_id WHERE (m.village_id IS NULL) <> (o.owner <> 'VILLAGE')"); n != 0 {
		t.Errorf("party_members: %d rows whose village does not follow their organisation's owner", n)
	}
}

func TestPersonalDataIsSyntheticAndSealed(t *testing.T) {
	d, _ := loadedDemo(t)
	for _, table := range []string{"residents", "party_members"} {
		rows, err := d.db.Query("SELECT id, id_number, id_number_sealed, phone, phone_sealed, gender, birth_year FROM " + table + " ORDER BY id")
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		n := 0
		for rows.Next() {
			var masked, sealed, gender string
			var phone, phoneSealed sql.NullString
			var birthYear, row int
			if err := rows.Scan(&row, &masked, &sealed, &phone, &phoneSealed, &gender, &birthYear); err != nil {
				t.Fatal(err)
			}
			n++
			plain, err := sealer.Open(pii.Place{Table: table, Column: "id_number", Row: row}, sealed)
			if err != nil {
				t.Fatalf("%s: cannot open a sealed ID number: %v", table, err)
			}
			id, err := pii.ParseIDNumber(plain, demoToday)
			switch {
			case err != nil:
				t.Errorf("%s: invalid ID number: %v", table, err)
			case id.Region != "211404" || plain[14] != '9':
				t.Errorf("%s: %s is not a synthetic Nanpiao number", table, plain)
			case masked != "":
				t.Errorf("%s: stored %q in clear beside the sealed ID number", table, masked)
			case id.Female != (gender == "FEMALE") || id.BirthDate.Year() != birthYear:
				t.Errorf("%s: gender or birth year disagree with %s", table, plain)
			case seen[plain]:
				t.Errorf("%s: ID number %s used twice", table, plain)
			}
			seen[plain] = true
			if phone.Valid {
				p, err := sealer.Open(pii.Place{Table: table, Column: "phone", Row: row}, phoneSealed.String)
				if err != nil || !strings.HasPrefix(p, "1700") || phone.String != "" {
					t.Errorf("%s: phone %q / %q is not a sealed synthetic number", table, phone.String, p)
				}
			}
		}
		if err := rows.Close(); err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			t.Errorf("%s: no rows", table)
		}
	}
}

func TestAccounts(t *testing.T) {
	d, _ := loadedDemo(t)
	ctx := systemCtx()
	users := d.client.User.Query().WithRoleBindings().AllX(ctx)
	byName := map[string]*ent.User{}
	for _, u := range users {
		byName[u.Username] = u
		if len(u.Edges.RoleBindings) != 1 {
			t.Errorf("%s has %d role bindings, want 1", u.Username, len(u.Edges.RoleBindings))
			continue
		}
		b := u.Edges.RoleBindings[0]
		if !b.ValidFrom.Equal(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)) || b.ValidTo != nil {
			t.Errorf("%s: binding valid %v–%v", u.Username, b.ValidFrom, b.ValidTo)
		}
		want := map[enum.Role][4]bool{ // township, village, department, cadre set
			enum.RoleDistrict: {}, enum.RoleAuditor: {},
			enum.RoleTownship:         {true, false, false, false},
			enum.RoleVillageSecretary: {true, true, false, false},
			enum.RoleDepartment:       {false, false, true, false},
			enum.RoleCadre:            {false, false, true, true},
		}[b.Role]
		got := [4]bool{b.TownshipID != nil, b.VillageID != nil, b.DepartmentID != nil, b.CadreID != nil}
		if got != want {
			t.Errorf("%s (%s): units set %v, want %v", u.Username, b.Role, got, want)
		}
	}
	for _, name := range []string{"admin", "auditor", "township01", "township10", "village001", "village135", "dept01", "dept45", "cadre0001", "cadre1170"} {
		u, ok := byName[name]
		if !ok {
			t.Errorf("no account %s", name)
			continue
		}
		if !authn.VerifyPassword(u.PasswordHash, demoPassword) {
			t.Errorf("%s does not accept the demo password", name)
		}
	}
	// village001's display name is its secretary's.
	if n := count(t, d.db, `
		SELECT COUNT(*) FROM users u JOIN role_bindings b ON b.user_id = u.id AND b.role = 'VILLAGE_SECRETARY'
		WHERE u.display_name <> (SELECT m.name FROM posts p JOIN party_organizations o ON o.id = p.organization_id
			JOIN party_members m ON m.id = p.member_id WHERE o.village_id = b.village_id AND p.title = 'SECRETARY' AND p.end_on IS NULL)`); n != 0 {
		t.Errorf("%d village accounts not named after their secretary", n)
	}
}

func TestEnsureIsANoOpOnceComplete(t *testing.T) {
	d, _ := loadedDemo(t)
	before := tableCounts(t, d.db)
	res, err := demo.Ensure(context.Background(), d.client, demo.Options{PasswordHash: passwordHash()})
	if err != nil {
		t.Fatal(err)
	}
	if res.Loaded || len(res.Counts) != 0 {
		t.Errorf("second Ensure: Loaded=%v Counts=%v, want a no-op", res.Loaded, res.Counts)
	}
	if after := tableCounts(t, d.db); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Errorf("second Ensure changed the data: %v → %v", before, after)
	}
}

// fingerprints digest every table's rows without their IDs: foreign keys become offsets from
// the parent table's first ID, which are the same in any database the demo is loaded into.
var fingerprints = map[string]string{
	"townships":    `SELECT code, name, kind FROM townships ORDER BY id`,
	"villages":     `SELECT code, name, poor_village, weak_organization, township_id - (SELECT MIN(id) FROM townships) FROM villages ORDER BY id`,
	"links":        `SELECT year, department_id - (SELECT MIN(id) FROM departments), village_id - (SELECT MIN(id) FROM villages) FROM department_village_links ORDER BY id`,
	"members":      `SELECT name, gender, birth_year, id_number_index, phone_index, education, occupation, specialties, joined_on, membership, category, status, location, village_id - (SELECT MIN(id) FROM villages) FROM party_members ORDER BY id`,
	"posts":        `SELECT title, start_on, end_on, member_id - (SELECT MIN(id) FROM party_members) FROM posts ORDER BY id`,
	"households":   `SELECT number, head_name, address, category, poverty_status, causes, identified_year, exit_year, needy, income_per_capita FROM households ORDER BY id`,
	"residents":    `SELECT name, relation, gender, birth_year, id_number_index, phone_index, health, labor_skill, education, household_id - (SELECT MIN(id) FROM households) FROM residents ORDER BY id`,
	"cadres":       `SELECT name, title, phone_index, member_id - (SELECT MIN(id) FROM party_members) FROM cadres ORDER BY id`,
	"pairings":     `SELECT start_on, end_on, active, release_reason, cadre_id - (SELECT MIN(id) FROM cadres), household_id - (SELECT MIN(id) FROM households) FROM pairings ORDER BY id`,
	"visits":       `SELECT visited_at, occasion, mode, notes, heard, pairing_id - (SELECT MIN(id) FROM pairings) FROM visits ORDER BY id`,
	"demands":      `SELECT category, content, status, due_on, satisfaction, closed_at, created_at, visit_id - (SELECT MIN(id) FROM visits) FROM demands ORDER BY id`,
	"events":       `SELECT from_status, to_status, note, actor_name, created_at FROM demand_events ORDER BY id`,
	"projects":     `SELECT name, stage, subject_kind, subject_name, deadline, stage_due_on FROM demo_projects ORDER BY id`,
	"stages":       `SELECT stage, result, remarks, due_on, actor_name, created_at FROM demo_project_stages ORDER BY id`,
	"enrollments":  `SELECT attendance, hours_attended, grade, secretary_id - (SELECT MIN(id) FROM party_members) FROM training_enrollments ORDER BY id`,
	"assessments":  `SELECT indicator, baseline, target, actual FROM assessments ORDER BY id`,
	"teams":        `SELECT name, kind, leader_id - (SELECT MIN(id) FROM party_members) FROM teams ORDER BY id`,
	"memberships":  `SELECT post, joined_on, member_id - (SELECT MIN(id) FROM party_members) FROM team_memberships ORDER BY id`,
	"contribution": `SELECT "on", description, households_helped FROM contributions ORDER BY id`,
	"users":        `SELECT username, display_name FROM users ORDER BY id`,
	"rectify":      `SELECT year, kind, measures, progress, status, acceptance_score FROM rectifications ORDER BY id`,
}

func fingerprint(t *testing.T, db *sql.DB) map[string]string {
	t.Helper()
	out := map[string]string{}
	for name, q := range fingerprints {
		rows, err := db.Query(q)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		cols, _ := rows.Columns()
		h := sha256.New()
		n := 0
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(h, "%v\x1e", vals)
			n++
		}
		if err := rows.Close(); err != nil {
			t.Fatal(err)
		}
		out[name] = fmt.Sprintf("%d rows %s", n, hex.EncodeToString(h.Sum(nil))[:16])
	}
	return out
}

func compareFingerprints(t *testing.T, want, got map[string]string) {
	t.Helper()
	for name := range fingerprints {
		if want[name] != got[name] {
			t.Errorf("%s differ: %s vs %s", name, want[name], got[name])
		}
	}
}

func TestSameSeedGivesTheSameDistrict(t *testing.T) {
	d, res := loadedDemo(t)
	other := openDB(t)
	defer other.close()
	res2, err := demo.Ensure(context.Background(), other.client, demo.Options{Seed: demo.DefaultSeed, PasswordHash: passwordHash()})
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(res.Counts) != fmt.Sprint(res2.Counts) {
		t.Errorf("counts differ:\n%v\n%v", res.Counts, res2.Counts)
	}
	want := fingerprint(t, d.db)
	compareFingerprints(t, want, fingerprint(t, other.db))
	t.Logf("fingerprints: members %s, residents %s, visits %s, demands %s", want["members"], want["residents"], want["visits"], want["demands"])
	// And a sample read through ent, as a client would see it.
	ctx := systemCtx()
	sample := func(c *ent.Client) string {
		var b strings.Builder
		for _, m := range c.PartyMember.Query().Order(ent.Asc("id")).Limit(50).AllX(ctx) {
			fmt.Fprintf(&b, "%s %s %s %s|", m.Name, m.IDNumberIndex, m.PhoneIndex, m.JoinedOn.Format(time.DateOnly))
		}
		for _, h := range c.Household.Query().Order(ent.Asc("id")).Limit(50).AllX(ctx) {
			fmt.Fprintf(&b, "%s %s %s|", h.Number, h.HeadName, h.Category)
		}
		return b.String()
	}
	if a, b := sample(d.client), sample(other.client); a != b {
		t.Errorf("samples differ:\n%s\n%s", a, b)
	}
}

func TestAnotherSeedGivesAnotherDistrictOfTheSameShape(t *testing.T) {
	d, _ := loadedDemo(t)
	other := openDB(t)
	defer other.close()
	res, err := demo.Ensure(context.Background(), other.client, demo.Options{Seed: 7, PasswordHash: passwordHash()})
	if err != nil {
		t.Fatal(err)
	}
	want, got := fingerprint(t, d.db), fingerprint(t, other.db)
	for _, name := range []string{"members", "households", "residents", "visits", "demands"} {
		if want[name] == got[name] {
			t.Errorf("seed 7 gives the same %s as the default seed", name)
		}
	}
	for typ, least := range map[string]int{"PartyMember": 10000, "Household": 5000, "Pairing": 3000, "Visit": 25000, "Cadre": 1170} {
		if res.Counts[typ] < least {
			t.Errorf("seed 7: %d %s rows, want at least %d", res.Counts[typ], typ, least)
		}
	}
}

func TestHalfLoadedDatabaseIsWipedAndReloaded(t *testing.T) {
	d, res := loadedDemo(t)
	half := openDB(t)
	defer half.close()
	ctx := systemCtx()
	// What a load that died half-way leaves: the started marker and some rows, one of them
	// soft-deleted.
	half.client.Setting.Create().SetKey(demo.KeyStarted).SetValue("2017").ExecX(ctx)
	dist := half.client.District.Create().SetCode("211404000000").SetName("南票区").SaveX(ctx)
	tw := half.client.Township.Create().SetDistrictID(dist.ID).SetCode("211404999000").SetName("半途乡").SaveX(ctx)
	v := half.client.Village.Create().SetTownshipID(tw.ID).SetCode("211404999201").SetName("半途村").SaveX(ctx)
	half.client.Household.Create().SetVillageID(v.ID).SetTownshipID(tw.ID).SetNumber("0001").SetHeadName("王某").ExecX(ctx)
	u := half.client.User.Create().SetUsername("admin").SetPasswordHash("x").SaveX(ctx)
	half.client.User.DeleteOne(u).ExecX(ctx)

	res2, err := demo.Ensure(context.Background(), half.client, demo.Options{PasswordHash: passwordHash()})
	if err != nil {
		t.Fatal(err)
	}
	if !res2.Loaded {
		t.Fatal("a half-loaded database was not reloaded")
	}
	if got, want := tableCounts(t, half.db), tableCounts(t, d.db); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("after the reload the tables hold\n%v\nwant\n%v", got, want)
	}
	if fmt.Sprint(res2.Counts) != fmt.Sprint(res.Counts) {
		t.Errorf("reload counts %v, want %v", res2.Counts, res.Counts)
	}
	if n := count(t, half.db, `SELECT COUNT(*) FROM townships WHERE name = '半途乡'`); n != 0 {
		t.Error("the half-loaded rows survived the reload")
	}
	if n := half.client.Setting.Query().Where(setting.Key(demo.KeyComplete)).CountX(ctx); n != 1 {
		t.Errorf("%d %s markers", n, demo.KeyComplete)
	}
	compareFingerprints(t, fingerprint(t, d.db), fingerprint(t, half.db))
}

func TestDatabaseWithOtherDataIsRefusedAndLeftAlone(t *testing.T) {
	cases := []struct {
		name string
		seed func(ctx context.Context, c *ent.Client)
	}{
		{"a real district", func(ctx context.Context, c *ent.Client) {
			c.District.Create().SetCode("211404000000").SetName("南票区").ExecX(ctx)
		}},
		{"only a soft-deleted user", func(ctx context.Context, c *ent.Client) {
			u := c.User.Create().SetUsername("someone").SetPasswordHash("x").SaveX(ctx)
			c.User.DeleteOne(u).ExecX(ctx)
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := openDB(t)
			defer d.close()
			ctx := systemCtx()
			tc.seed(ctx, d.client)
			before := tableCounts(t, d.db)
			_, err := demo.Ensure(context.Background(), d.client, demo.Options{PasswordHash: passwordHash()})
			if !errors.Is(err, demo.ErrNotDemo) {
				t.Fatalf("Ensure = %v, want ErrNotDemo", err)
			}
			if after := tableCounts(t, d.db); fmt.Sprint(after) != fmt.Sprint(before) {
				t.Errorf("refused load changed the data: %v → %v", before, after)
			}
			if n := count(t, d.db, "SELECT COUNT(*) FROM settings"); n != 0 {
				t.Errorf("refused load wrote %d settings", n)
			}
			if n := count(t, d.db, "SELECT COUNT(*) FROM users WHERE deleted_at IS NOT NULL"); n != count(t, d.db, "SELECT COUNT(*) FROM users") {
				t.Error("refused load touched the users")
			}
		})
	}
}

func TestEnsureNeedsAPasswordHash(t *testing.T) {
	d := openDB(t)
	defer d.close()
	if _, err := demo.Ensure(context.Background(), d.client, demo.Options{}); err == nil {
		t.Fatal("Ensure without a password hash succeeded")
	}
	if n := count(t, d.db, "SELECT COUNT(*) FROM settings"); n != 0 {
		t.Errorf("wrote %d settings", n)
	}
}
