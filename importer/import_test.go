package importer_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/nanpiao/sbqw/authz"
	"github.com/nanpiao/sbqw/ent/auditevent"
	"github.com/nanpiao/sbqw/httpapi"
	"github.com/nanpiao/sbqw/importer"
	"github.com/nanpiao/sbqw/internal/testkit"
)

// book builds a workbook: sheet name → rows (the first row is the header). A cell starting
// with "=" is written as a formula.
func book(t testing.TB, sheets map[string][][]string, order ...string) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, name := range order {
		if i == 0 {
			_ = f.SetSheetName(f.GetSheetName(0), name)
		} else if _, err := f.NewSheet(name); err != nil {
			t.Fatal(err)
		}
		for r, row := range sheets[name] {
			for c, v := range row {
				cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
				if strings.HasPrefix(v, "=") {
					_ = f.SetCellFormula(name, cell, v[1:])
				} else {
					_ = f.SetCellStr(name, cell, v)
				}
			}
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func post(t testing.TB, api *testkit.API, kind string, dryRun bool, body []byte) (int, importer.Result) {
	t.Helper()
	return send(t, api, kind, dryRun, body, false)
}

func send(t testing.TB, api *testkit.API, kind string, dryRun bool, body []byte, chunked bool) (int, importer.Result) {
	t.Helper()
	url := strings.TrimSuffix(api.URL, "/graphql") + "/import/" + kind
	if dryRun {
		url += "?dryRun=true"
	}
	var r io.Reader = bytes.NewReader(body)
	if chunked {
		r = io.MultiReader(r) // length unknown: sent chunked, cut off by the server while reading
	}
	req, _ := http.NewRequest(http.MethodPost, url, r)
	req.Header.Set("Authorization", "Bearer "+api.Token)
	req.Header.Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	var out importer.Result
	if res.StatusCode >= 500 {
		t.Errorf("POST %s: status %d: %s", url, res.StatusCode, raw)
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("POST %s: status %d, not JSON: %s", url, res.StatusCode, raw)
	}
	return res.StatusCode, out
}

// scene is what the import tests need from the demo district, seen as township01.
type scene struct {
	own, other string // a village of township01, a village of another township
	taken      string // a household number already recorded in own
}

func demoScene(t testing.TB, township, admin *testkit.API) scene {
	var me struct {
		Me struct {
			RoleBindings []struct{ Township struct{ ID string } }
		}
	}
	township.Must(t, `{ me { roleBindings { township { id } } } }`, nil, &me)
	var vs struct {
		Villages struct {
			Edges []struct {
				Node struct {
					Name     string
					Township struct{ ID string }
				}
			}
		}
	}
	admin.Must(t, `{ villages(first: 500) { edges { node { name township { id } } } } }`, nil, &vs)
	var s scene
	names := map[string]int{}
	for _, e := range vs.Villages.Edges {
		names[e.Node.Name]++
	}
	for _, e := range vs.Villages.Edges {
		if names[e.Node.Name] > 1 {
			continue
		}
		if e.Node.Township.ID == me.Me.RoleBindings[0].Township.ID {
			if s.own == "" {
				s.own = e.Node.Name
			}
		} else if s.other == "" {
			s.other = e.Node.Name
		}
	}
	var hs struct {
		Households struct {
			Edges []struct {
				Node struct {
					Number  string
					Village struct{ Name string }
				}
			}
		}
	}
	township.Must(t, `{ households(first: 500) { edges { node { number village { name } } } } }`, nil, &hs)
	for _, e := range hs.Households.Edges {
		if e.Node.Village.Name == s.own {
			s.taken = e.Node.Number
			break
		}
	}
	if s.own == "" || s.other == "" || s.taken == "" {
		t.Fatalf("demo district lacks what the test needs: %+v", s)
	}
	return s
}

var (
	householdHeader = []string{"所属村*", "户编号*", "户主姓名*", "住址", "农户类别", "人均纯收入（元）"}
	residentHeader  = []string{"所属村*", "户编号*", "姓名*", "与户主关系*", "身份证号*", "联系电话", "健康状况", "劳动技能", "文化程度"}
)

func householdsBook(t testing.TB, hs, rs [][]string) []byte {
	return book(t, map[string][][]string{
		"农户":   append([][]string{householdHeader}, hs...),
		"家庭成员": append([][]string{residentHeader}, rs...),
	}, "农户", "家庭成员")
}

func count(t testing.TB, db *testkit.DB) (int, int) {
	ctx := authz.Bypass(t.Context(), "test")
	h, err := db.Client.Household.Query().Count(ctx)
	if err != nil {
		t.Fatal(err)
	}
	r, err := db.Client.Resident.Query().Count(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return h, r
}

// TestImportHouseholds: the template downloads; a file with bad rows is refused whole, in a
// dry run and in a commit, each problem named by sheet, row, column and reason, and nothing is
// written; a good file is applied once, and committing it again returns the first result.
func TestImportHouseholds(t *testing.T) {
	db := testkit.LoadDemo(t)
	srv := testkit.NewServerWith(t, db, httpapi.Options{Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))})
	township := srv.Login(t, "township01")
	admin := srv.Login(t, "admin")
	s := demoScene(t, township, admin)

	// The template.
	req, _ := http.NewRequest(http.MethodGet, strings.TrimSuffix(township.URL, "/graphql")+"/import/households/template.xlsx", nil)
	req.Header.Set("Authorization", "Bearer "+township.Token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	tmpl, err := excelize.OpenReader(res.Body)
	res.Body.Close()
	if err != nil {
		t.Fatalf("template: %v", err)
	}
	if got := tmpl.GetSheetList(); strings.Join(got, ",") != "农户,家庭成员,说明" {
		t.Fatalf("template sheets %v", got)
	}
	if head, _ := tmpl.GetRows("家庭成员"); len(head) != 1 || strings.Join(head[0], ",") != strings.Join(residentHeader, ",") {
		t.Fatalf("template resident header %v", head)
	}

	id := func(seq int) string { return testkit.IDNumber("19310101", seq, false) }
	wrongCheck := id(1)[:17] + map[bool]string{true: "1", false: "2"}[id(1)[17] != '1']
	bad := householdsBook(t, [][]string{
		{s.own, "IMP-001", "张三", "", "一般农户", "5200"}, // row 2: good
		{"无此村", "IMP-002", "李四"},                     // 3: unknown village
		{s.other, "IMP-003", "王五"},                   // 4: another township's village
		{s.own, "IMP-001", "赵六"},                     // 5: repeats row 2
		{s.own, "IMP-005", ""},                       // 6: empty head name
		{s.own, s.taken, "孙七"},                       // 7: number already recorded
		{s.own, "IMP-007", `=CONCAT("周","八")`},       // 8: a formula
		{s.own, "IMP-008", "吴九", "", "富裕户"},          // 9: not a category
	}, [][]string{
		{s.own, "IMP-001", "张三", "户主", id(1)},               // 2: good
		{s.own, "IMP-001", "张小三", "子", wrongCheck},          // 3: wrong check digit
		{s.own, "IMP-404", "钱十", "户主", id(2)},               // 4: no such household
		{s.own, "IMP-001", "张三", "户主", "2.11404193101E+17"}, // 5: ID typed as a number
	})
	want := []struct {
		sheet  string
		row    int
		column string
		reason string
	}{
		{"农户", 3, "所属村", importer.VillageUnknown},
		{"农户", 4, "所属村", importer.VillageOutOfScope},
		{"农户", 5, "户编号", importer.DuplicateInFile},
		{"农户", 6, "户主姓名", importer.RequiredEmpty},
		{"农户", 7, "户编号", importer.AlreadyRecorded},
		{"农户", 8, "户主姓名", importer.Formula},
		{"农户", 9, "农户类别", importer.UnknownTerm},
		{"家庭成员", 3, "身份证号", importer.IDChecksum},
		{"家庭成员", 4, "户编号", importer.HouseholdUnknown},
		{"家庭成员", 5, "身份证号", importer.NumberNotText},
	}
	h0, r0 := count(t, db)
	for _, dry := range []bool{true, false} {
		status, out := post(t, township, "households", dry, bad)
		if status != http.StatusUnprocessableEntity || out.Applied {
			t.Fatalf("dryRun=%v: status %d, applied %v", dry, status, out.Applied)
		}
		got := map[string]importer.Problem{}
		for _, p := range out.Problems {
			got[fmt.Sprintf("%s/%d/%s", p.Sheet, p.Row, p.Reason)] = p
		}
		for _, w := range want {
			p, ok := got[fmt.Sprintf("%s/%d/%s", w.sheet, w.row, w.reason)]
			if !ok {
				t.Errorf("dryRun=%v: no %s at %s row %d; problems: %+v", dry, w.reason, w.sheet, w.row, out.Problems)
				continue
			}
			if p.Column != w.column || p.MessageZh == "" || p.Message == "" {
				t.Errorf("dryRun=%v: %s at %s row %d: column %q (want %q), messages %q / %q", dry, w.reason, w.sheet, w.row, p.Column, w.column, p.MessageZh, p.Message)
			}
		}
		if len(out.Problems) != len(want) {
			t.Errorf("dryRun=%v: %d problems, want %d: %+v", dry, len(out.Problems), len(want), out.Problems)
		}
		if h, r := count(t, db); h != h0 || r != r0 {
			t.Fatalf("dryRun=%v: a refused file changed the data: households %d→%d, residents %d→%d", dry, h0, h, r0, r)
		}
	}

	// Not a workbook; too large (read no further than the limit).
	if status, out := post(t, township, "households", true, []byte("户编号,户主姓名\nIMP-1,张三\n")); status != http.StatusUnprocessableEntity ||
		len(out.Problems) != 1 || out.Problems[0].Reason != importer.NotAWorkbook {
		t.Fatalf("a CSV file: status %d, %+v", status, out.Problems)
	}
	huge := bytes.Repeat([]byte("PK"), 25<<20)
	for _, chunked := range []bool{false, true} {
		if status, out := send(t, township, "households", false, huge, chunked); status != http.StatusRequestEntityTooLarge ||
			len(out.Problems) != 1 || out.Problems[0].Reason != importer.FileTooLarge {
			t.Fatalf("a 50 MB file (chunked: %v): status %d, %+v", chunked, status, out.Problems)
		}
	}

	good := householdsBook(t, [][]string{
		{s.own, "IMP-101", "张三", "一组", "建档立卡户", "4800.5"},
		{s.own, "IMP-102", "李四"},
	}, [][]string{
		{s.own, "IMP-101", "张三", "户主", id(11)},
		{s.own, "IMP-101", "张小三", "子", id(12), "13800001111", "健康"},
		{s.own, "IMP-102", "李四", "户主", id(13)},
	})
	status, out := post(t, township, "households", true, good)
	if status != http.StatusOK || out.Applied || out.Created["households"] != 2 || out.Created["residents"] != 3 {
		t.Fatalf("dry run of a good file: status %d, %+v", status, out)
	}
	if h, r := count(t, db); h != h0 || r != r0 {
		t.Fatalf("a dry run wrote: households %d→%d, residents %d→%d", h0, h, r0, r)
	}
	status, first := post(t, township, "households", false, good)
	if status != http.StatusOK || !first.Applied || first.Replayed || first.Created["households"] != 2 || first.Created["residents"] != 3 {
		t.Fatalf("commit: status %d, %+v", status, first)
	}
	if h, r := count(t, db); h != h0+2 || r != r0+3 {
		t.Fatalf("commit: households %d→%d, residents %d→%d", h0, h, r0, r)
	}
	status, again := post(t, township, "households", false, good)
	if status != http.StatusOK || !again.Replayed || !again.Applied || !again.At.Equal(first.At) || again.SHA256 != first.SHA256 {
		t.Fatalf("the same file again: status %d, %+v (first %+v)", status, again, first)
	}
	if h, r := count(t, db); h != h0+2 || r != r0+3 {
		t.Fatalf("the same file again wrote: households %d→%d, residents %d→%d", h0, h, r0, r)
	}
	// Another account committing the same file gets it checked afresh, not the township's result.
	if status, other := post(t, admin, "households", false, good); status != http.StatusUnprocessableEntity || other.Replayed ||
		len(other.Problems) == 0 || other.Problems[0].Reason != importer.AlreadyRecorded {
		t.Fatalf("the same file from another account: status %d, %+v", status, other)
	}
	n, err := db.Client.AuditEvent.Query().Where(auditevent.Action("import.households")).Count(authz.Bypass(t.Context(), "test"))
	if err != nil || n != 1 {
		t.Fatalf("%d import audit events (%v), want 1", n, err)
	}
	// The sealed ID number went through the API's hooks: it reads back masked.
	var rs struct {
		Residents struct {
			Edges []struct{ Node struct{ IDNumber string } }
		}
	}
	township.Must(t, `{ residents(first: 5, where: {name: "张小三"}) { edges { node { idNumber } } } }`, nil, &rs)
	if len(rs.Residents.Edges) != 1 || !strings.Contains(rs.Residents.Edges[0].Node.IDNumber, "*") {
		t.Fatalf("imported resident reads back as %+v", rs)
	}
}

// TestImportCommitConcurrently: twelve simultaneous commits of one file apply it exactly once;
// the others get the first result.
func TestImportCommitConcurrently(t *testing.T) {
	db := testkit.LoadDemo(t)
	srv := testkit.NewServer(t, db)
	township := srv.Login(t, "township01")
	s := demoScene(t, township, srv.Login(t, "admin"))
	file := householdsBook(t, [][]string{{s.own, "CONC-1", "张三"}, {s.own, "CONC-2", "李四"}},
		[][]string{{s.own, "CONC-1", "张三", "户主", testkit.IDNumber("19320202", 7, true)}})
	h0, r0 := count(t, db)
	var wg sync.WaitGroup
	results := make([]importer.Result, 12)
	statuses := make([]int, 12)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses[i], results[i] = post(t, township, "households", false, file)
		}()
	}
	wg.Wait()
	fresh := 0
	for i, r := range results {
		if statuses[i] != http.StatusOK || !r.Applied {
			t.Errorf("commit %d: status %d, %+v", i, statuses[i], r)
		}
		if !r.Replayed {
			fresh++
		}
	}
	if fresh != 1 {
		t.Errorf("%d commits applied the file, want exactly 1", fresh)
	}
	if h, r := count(t, db); h != h0+2 || r != r0+1 {
		t.Fatalf("households %d→%d, residents %d→%d; want +2, +1", h0, h, r0, r)
	}
}
