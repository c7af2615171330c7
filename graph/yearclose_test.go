package graph_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/nanpiao/sbqw/graph/scalar"
	"github.com/nanpiao/sbqw/internal/testkit"
)

// Year-end close: the demo district closed 2025 when it was loaded.

const closedReportQ = `query($y: Int!, $t: ID, $s: Int) { closedReport(year: $y, townshipID: $t, closeSeq: $s) {
	year township { id } closeSeq json sha256 xlsxSha256 downloadPath closedAt closedBy supersededAt } }`

type snapshot struct {
	JSON, Sha256, XlsxSha256, DownloadPath string
	CloseSeq                               int
	SupersededAt                           *string
}

func fetchSnapshot(t *testing.T, api *testkit.API, year int, township *string, seq *int) snapshot {
	t.Helper()
	vars := map[string]any{"y": year}
	if township != nil {
		vars["t"] = *township
	}
	if seq != nil {
		vars["s"] = *seq
	}
	var out struct{ ClosedReport snapshot }
	api.Must(t, closedReportQ, vars, &out)
	return out.ClosedReport
}

func hexSum(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }

// download GETs a snapshot's XLSX; the status and the body.
func download(t *testing.T, api *testkit.API, path string) (int, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, strings.TrimSuffix(api.URL, "/graphql")+path, nil)
	if api.Token != "" {
		req.Header.Set("Authorization", "Bearer "+api.Token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, b
}

func TestYearCloseFreezesReportsAndLocksTheYear(t *testing.T) {
	m := newMatrix(t)
	admin, tw := m.apis["admin"], m.apis["township01"]
	own := scalar.EncodeID(m.accs["township01"].township)
	other := scalar.EncodeID(m.accs["township07"].township)

	var years struct {
		ClosedYears []struct {
			Year, CloseCount int
			Closed           bool
		}
	}
	tw.Must(t, `{ closedYears { year closed closeCount } }`, nil, &years)
	if len(years.ClosedYears) == 0 || years.ClosedYears[0].Year != 2025 || !years.ClosedYears[0].Closed {
		t.Fatalf("the demo should have closed 2025: %+v", years.ClosedYears)
	}

	// The snapshots: hashes match the bytes, the workbook has a summary and one sheet per project.
	district := fetchSnapshot(t, admin, 2025, nil, nil)
	if hexSum([]byte(district.JSON)) != district.Sha256 {
		t.Fatalf("json sha256 %s does not match its text", district.Sha256)
	}
	var rep struct {
		Year     int
		Projects []struct{ Name string }
		Outcomes struct {
			Projects  int
			ActualFen int64
		}
	}
	if err := json.Unmarshal([]byte(district.JSON), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Year != 2025 || len(rep.Projects) < 10 || rep.Outcomes.Projects != len(rep.Projects) || rep.Outcomes.ActualFen <= 0 {
		t.Fatalf("district report of 2025 without its projects' outcomes: %d projects, %+v", len(rep.Projects), rep.Outcomes)
	}
	status, wb := download(t, admin, district.DownloadPath)
	if status != http.StatusOK || hexSum(wb) != district.XlsxSha256 {
		t.Fatalf("download: %d, sha256 %s, want %s", status, hexSum(wb), district.XlsxSha256)
	}
	f, err := excelize.OpenReader(bytes.NewReader(wb))
	if err != nil {
		t.Fatal(err)
	}
	if sheets := f.GetSheetList(); len(sheets) != 1+len(rep.Projects) || sheets[0] != "汇总" {
		t.Fatalf("sheets %v, want 汇总 and %d projects", sheets, len(rep.Projects))
	}
	if v, _ := f.GetCellValue(f.GetSheetList()[1], "A2"); v != "工程名称" {
		t.Errorf("project sheet: A2 %q, want the Chinese header 工程名称", v)
	}
	mine := fetchSnapshot(t, tw, 2025, &own, nil)
	if !strings.Contains(mine.JSON, `"township":{"code"`) || hexSum([]byte(mine.JSON)) != mine.Sha256 {
		t.Fatalf("township snapshot: %.200s", mine.JSON)
	}
	if s, b := download(t, tw, mine.DownloadPath); s != http.StatusOK || hexSum(b) != mine.XlsxSha256 {
		t.Fatalf("own download: %d", s)
	}

	// Others' snapshots are absent; closing and reopening is DISTRICT's.
	sneaky := []struct {
		user     string
		township *string
	}{{"township01", &other}, {"township01", nil}, {"village001", &own}, {"village001", nil}, {"poverty01", &own}, {"poverty01", nil}, {"cadre0001", &own}, {"dept01", &own}}
	for _, s := range sneaky {
		vars := map[string]any{"y": 2025}
		if s.township != nil {
			vars["t"] = *s.township
		}
		m.apis[s.user].Do(t, closedReportQ, vars).Fail(t, "NOT_FOUND")
	}
	if s, _ := download(t, tw, "/closed-reports/2025.xlsx?townshipID="+other); s != http.StatusNotFound {
		t.Errorf("another township's workbook: %d, want 404", s)
	}
	if s, _ := download(t, tw, "/closed-reports/2025.xlsx"); s != http.StatusNotFound {
		t.Errorf("the district workbook for a township: %d, want 404", s)
	}
	if s, _ := download(t, tw.As(""), mine.DownloadPath); s != http.StatusUnauthorized {
		t.Errorf("anonymous download: %d, want 401", s)
	}
	for _, u := range []string{"township01", "village001", "poverty01", "auditor", "cadre0001", "dept01"} {
		m.apis[u].Do(t, `mutation { closeYear(year: 2024) { year { year } } }`, nil).Fail(t, "FORBIDDEN")
		m.apis[u].Do(t, `mutation { reopenYear(year: 2025, reason: "想改数据") { year } }`, nil).Fail(t, "FORBIDDEN")
	}
	admin.Do(t, `mutation { closeYear(year: 2025) { year { year } } }`, nil).Fail(t, "CONFLICT")
	admin.Do(t, `mutation { closeYear(year: 2099) { year { year } } }`, nil).Fail(t, "BAD_USER_INPUT")
	admin.Do(t, `mutation { reopenYear(year: 2025, reason: " ") { year } }`, nil).Fail(t, "BAD_USER_INPUT")

	// Edits into 2025 are refused, through every kind of write the lock covers.
	p2025 := scalar.EncodeID(someInt(t, m.db, "SELECT id FROM demo_projects WHERE year = 2025 AND township_id = ? ORDER BY id LIMIT 1", m.accs["township01"].township))
	version := func() int {
		return someInt(t, m.db, "SELECT version FROM demo_projects WHERE id = ?", decodeID(t, p2025))
	}
	village := scalar.EncodeID(someInt(t, m.db, "SELECT id FROM villages WHERE township_id = ? ORDER BY id LIMIT 1", m.accs["township01"].township))
	pairing := scalar.EncodeID(someInt(t, m.db, "SELECT id FROM pairings WHERE cadre_id = ? AND end_on IS NULL ORDER BY id LIMIT 1", m.accs["cadre0001"].cad))
	indicator := ""
	if err := m.db.QueryRow("SELECT indicator FROM assessments LIMIT 1").Scan(&indicator); err != nil {
		t.Fatal(err)
	}
	updateProject := `mutation($id: ID!, $v: Int!) { updateDemoProject(id: $id, input: {version: $v, jobsCreated: 999}) { id } }`
	refused := []struct {
		name string
		api  *testkit.API
		q    string
		vars map[string]any
	}{
		{"update a 2025 project", tw, updateProject, map[string]any{"id": p2025, "v": version()}},
		{"set a 2025 project's investment", tw, `mutation($p: ID!) { setProjectInvestment(projectID: $p, source: SELF_RAISED, planned: "1.00") { planned } }`, map[string]any{"p": p2025}},
		{"create a 2025 project", tw, `mutation($t: ID!) { createDemoProject(input: {townshipID: $t, year: 2025, name: "补录工程", subjectKind: TOWNSHIP, subjectName: "镇政府", industry: PRIMARY, goal: "补录", deadline: "2025-12-31"}) { id } }`, map[string]any{"t": own}},
		{"create a 2025 assessment", tw, `mutation($v: ID!, $i: Indicator!) { createAssessment(input: {year: 2025, indicator: $i, baseline: 1, target: 2, villageID: $v}) { id } }`, map[string]any{"v": village, "i": indicator}},
		{"create a visit dated 2025", m.apis["cadre0001"], `mutation($p: ID!) { createVisit(input: {pairingID: $p, visitedAt: "2025-06-01T02:00:00Z"}) { id } }`, map[string]any{"p": pairing}},
	}
	for _, c := range refused {
		e := c.api.Do(t, c.q, c.vars).Fail(t, "CONFLICT")
		if e.Extensions["reason"] != "YEAR_CLOSED" || !strings.Contains(e.Message, "2025") {
			t.Errorf("%s: reason %v, message %q", c.name, e.Extensions["reason"], e.Message)
		}
	}
	// Writes into an open year pass, and live data changes: the snapshot does not.
	m.apis["cadre0001"].Must(t, `mutation($p: ID!, $at: Time!) { createVisit(input: {pairingID: $p, visitedAt: $at}) { id } }`,
		map[string]any{"p": pairing, "at": time.Now().UTC().Add(-time.Minute).Format(time.RFC3339)}, nil)
	admin.Must(t, `mutation($id: ID!, $v: Int!) { updateTownship(id: $id, input: {version: $v, name: "改名后的镇"}) { id } }`,
		map[string]any{"id": own, "v": someInt(t, m.db, "SELECT version FROM townships WHERE id = ?", m.accs["township01"].township)}, nil)
	if again := fetchSnapshot(t, tw, 2025, &own, nil); again.JSON != mine.JSON || again.Sha256 != mine.Sha256 || again.XlsxSha256 != mine.XlsxSha256 {
		t.Fatal("the township snapshot changed after live edits")
	}
	if s, b := download(t, tw, mine.DownloadPath); s != http.StatusOK || hexSum(b) != mine.XlsxSha256 {
		t.Fatal("the township workbook changed after live edits")
	}

	// Reopening is audited; then the edit goes through; closing again makes a new snapshot and
	// keeps the old one.
	reason := "补录2025年度项目带动就业数据"
	admin.Must(t, `mutation($r: String!) { reopenYear(year: 2025, reason: $r) { year closed } }`, map[string]any{"r": reason}, nil)
	if n := someInt(t, m.db, "SELECT COUNT(*) FROM audit_events WHERE action = 'year.reopen' AND detail LIKE ?", "%"+reason+"%"); n != 1 {
		t.Fatalf("%d audit events of the reopening with its reason, want 1", n)
	}
	tw.Must(t, updateProject, map[string]any{"id": p2025, "v": version()}, nil)
	var closed struct {
		CloseYear struct{ Reports []struct{ CloseSeq int } }
	}
	admin.Must(t, `mutation { closeYear(year: 2025) { reports { closeSeq } } }`, nil, &closed)
	if len(closed.CloseYear.Reports) != 11 || closed.CloseYear.Reports[0].CloseSeq != 2 {
		t.Fatalf("second close: %+v", closed.CloseYear.Reports)
	}
	first := 1
	old := fetchSnapshot(t, tw, 2025, &own, &first)
	if old.JSON != mine.JSON || old.SupersededAt == nil {
		t.Fatalf("the first close's snapshot should be kept unchanged and marked superseded (superseded %v)", old.SupersededAt)
	}
	now := fetchSnapshot(t, tw, 2025, &own, nil)
	if now.CloseSeq != 2 || now.Sha256 == mine.Sha256 || !strings.Contains(now.JSON, `"jobsCreated":999`) || !strings.Contains(now.JSON, "改名后的镇") {
		t.Fatalf("the new snapshot should hold the corrected figures: seq %d", now.CloseSeq)
	}
	if n := someInt(t, m.db, "SELECT COUNT(*) FROM audit_events WHERE action = 'year.close'"); n < 1 {
		t.Error("the close is not audited")
	}
	if n := someInt(t, m.db, "SELECT COUNT(*) FROM audit_events WHERE action = 'closedReport.download'"); n < 3 {
		t.Errorf("%d downloads audited, want at least 3", n)
	}
}

// TestCloseYearConcurrently: twelve simultaneous closes of one year: exactly one wins, the
// others are CONFLICT. Then visits dated in another year race its close: every visit either
// was refused (YEAR_CLOSED) or is counted in the frozen report — none slips in after the
// close read the figures.
func TestCloseYearConcurrently(t *testing.T) {
	m := newMatrix(t)
	admin := m.apis["admin"]
	for round, year := range []int{2022, 2021, 2020} {
		rs := race(t, racers, func(int) *testkit.Response {
			return admin.Do(t, `mutation($y: Int!) { closeYear(year: $y) { year { year closeCount } } }`, map[string]any{"y": year})
		})
		if won := winners(t, rs, "CONFLICT"); len(won) != 1 {
			t.Fatalf("round %d: %d closes of %d won, want exactly 1", round, len(won), year)
		}
		if n := someInt(t, m.db, "SELECT COUNT(*) FROM closed_reports WHERE year = ?", year); n != 11 {
			t.Fatalf("%d snapshots of %d, want 11 (the district and 10 townships)", n, year)
		}
	}

	pairing := someInt(t, m.db, "SELECT id FROM pairings WHERE end_on IS NULL AND start_on < ? AND deleted_at IS NULL ORDER BY id LIMIT 1", "2025-04-01")
	township := someInt(t, m.db, "SELECT township_id FROM pairings WHERE id = ?", pairing)
	var username string
	if err := m.db.QueryRow(`SELECT u.username FROM users u JOIN role_bindings rb ON rb.user_id = u.id JOIN pairings p ON p.cadre_id = rb.cadre_id WHERE p.id = ?`, pairing).Scan(&username); err != nil {
		t.Fatal(err)
	}
	cadre := m.srv.Login(t, username)
	year := 2025 // the demo's pairings begin in 2025: reopen it, then race its close
	admin.Must(t, `mutation { reopenYear(year: 2025, reason: "并发测试") { year } }`, nil, nil)
	rs := race(t, racers, func(i int) *testkit.Response {
		if i == 0 {
			return admin.Do(t, `mutation($y: Int!) { closeYear(year: $y) { year { year } } }`, map[string]any{"y": year})
		}
		return cadre.Do(t, `mutation($p: ID!, $at: Time!) { createVisit(input: {pairingID: $p, visitedAt: $at}) { id } }`,
			map[string]any{"p": scalar.EncodeID(pairing), "at": "2025-05-1" + string(rune('0'+i%10)) + "T02:00:00Z"})
	})
	if len(rs[0].Errors) > 0 {
		t.Fatalf("close: %s", rs[0].ErrorText())
	}
	for _, r := range rs[1:] {
		if len(r.Errors) > 0 && (r.Code() != "CONFLICT" || r.Errors[0].Extensions["reason"] != "YEAR_CLOSED") {
			t.Fatalf("visit: %s", r.ErrorText())
		}
	}
	tid := scalar.EncodeID(township)
	snap := fetchSnapshot(t, admin, year, &tid, nil)
	var rep struct {
		Annual struct{ VisitsByQuarter []int }
	}
	if err := json.Unmarshal([]byte(snap.JSON), &rep); err != nil {
		t.Fatal(err)
	}
	inQ2 := someInt(t, m.db, "SELECT COUNT(*) FROM visits WHERE township_id = ? AND deleted_at IS NULL AND visited_at >= ? AND visited_at < ?",
		township, "2025-04-01", "2025-07-01")
	if len(rep.Annual.VisitsByQuarter) != 4 || rep.Annual.VisitsByQuarter[1] != inQ2 {
		t.Fatalf("frozen Q2 visits %v, live %d: a visit slipped into the closed year", rep.Annual.VisitsByQuarter, inQ2)
	}
}
