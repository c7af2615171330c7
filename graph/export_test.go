package graph_test

import (
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/xuri/excelize/v2"

	"github.com/nanpiao/sbqw/authz"
	"github.com/nanpiao/sbqw/ent/auditevent"
	"github.com/nanpiao/sbqw/ent/schema/enum"
	"github.com/nanpiao/sbqw/httpapi"
	"github.com/nanpiao/sbqw/internal/testkit"
)

func exportSheet(t *testing.T, api *testkit.API, list string) (int, [][]string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, strings.TrimSuffix(api.URL, "/graphql")+"/export/"+list+".xlsx", nil)
	if api.Token != "" {
		req.Header.Set("Authorization", "Bearer "+api.Token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return res.StatusCode, nil
	}
	f, err := excelize.OpenReader(res.Body)
	if err != nil {
		t.Fatalf("%s: not a workbook: %v", list, err)
	}
	rows, err := f.GetRows(f.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, rows
}

// TestExportIsScopedAndMasked: a township's spreadsheet holds exactly its own rows, as the API
// lists them, with Chinese headers and masked personal data; exports are audited; no export
// without credentials.
func TestExportIsScopedAndMasked(t *testing.T) {
	db := testkit.LoadDemo(t)
	srv := testkit.NewServer(t, db)
	township := srv.Login(t, "township01")

	var me struct {
		Me struct {
			RoleBindings []struct{ Township struct{ ID string } }
		}
	}
	township.Must(t, `{ me { roleBindings { township { id } } } }`, nil, &me)
	var want struct {
		Households struct{ TotalCount int }
		Residents  struct{ TotalCount int }
		Villages   struct {
			Edges []struct{ Node struct{ Name string } }
		}
	}
	township.Must(t, `query($t: ID!) { households { totalCount } residents { totalCount } villages(first: 500, where: {townshipID: $t}) { edges { node { name } } } }`,
		map[string]any{"t": me.Me.RoleBindings[0].Township.ID}, &want)
	own := map[string]bool{}
	for _, e := range want.Villages.Edges {
		own[e.Node.Name] = true
	}
	if len(own) == 0 || want.Households.TotalCount == 0 {
		t.Fatalf("township01 has %d villages and %d households in the demo; the test needs some", len(own), want.Households.TotalCount)
	}

	status, rows := exportSheet(t, township, "households")
	if status != 200 || len(rows) != want.Households.TotalCount+1 || rows[0][0] != "户编号" || rows[0][2] != "所属村" {
		t.Fatalf("households export: status %d, %d rows (want %d + header), header %v", status, len(rows), want.Households.TotalCount, rows[0])
	}
	for _, r := range rows[1:] {
		if !own[r[2]] {
			t.Fatalf("a household of village %q, outside township01, is in its export", r[2])
		}
	}
	status, rows = exportSheet(t, township, "residents")
	if status != 200 || len(rows) != want.Residents.TotalCount+1 {
		t.Fatalf("residents export: status %d, %d rows, want %d + header", status, len(rows), want.Residents.TotalCount)
	}
	for _, r := range rows[1:] {
		if id := r[6]; !strings.Contains(id, "*") {
			t.Fatalf("an ID number leaves unmasked: %q", id)
		}
	}
	n, err := db.Client.AuditEvent.Query().Where(auditevent.ActionHasPrefix("export.")).Count(authz.Bypass(t.Context(), "test"))
	if err != nil || n != 2 {
		t.Fatalf("%d export audit events (%v), want 2", n, err)
	}
	if status, _ := exportSheet(t, srv.API, "households"); status != http.StatusUnauthorized {
		t.Fatalf("export without credentials: status %d", status)
	}
	if status, _ := exportSheet(t, township, "passwords"); status != http.StatusNotFound {
		t.Fatalf("unknown export: status %d", status)
	}
}

// TestEveryRootListIsExportable: the export table names exactly the schema's root
// connections — a list added to the schema without an export row fails here — and every row
// exports as the district with its Chinese header row.
func TestEveryRootListIsExportable(t *testing.T) {
	src, err := os.ReadFile("../schema.graphql")
	if err != nil {
		t.Fatal(err)
	}
	schema, gerr := gqlparser.LoadSchema(&ast.Source{Name: "schema.graphql", Input: string(src)})
	if gerr != nil {
		t.Fatal(gerr)
	}
	var roots []string
	for _, f := range schema.Query.Fields {
		if strings.HasSuffix(f.Type.Name(), "Connection") {
			roots = append(roots, f.Name)
		}
	}
	slices.Sort(roots)
	if got := httpapi.ExportLists(); !slices.Equal(got, roots) {
		t.Fatalf("exportable lists %v\nroot lists of the schema %v", got, roots)
	}

	// An empty database: the export's operation for each list is validated and run whatever
	// the rows (TestExportIsScopedAndMasked exports the demo's rows), and the whole demo
	// district as the district took half a minute.
	db := testkit.Open(t)
	defer db.Close()
	testkit.CreateUser(t, db.Client, "admin", testkit.Binding{Role: enum.RoleDistrict})
	srv := testkit.NewServer(t, db)
	admin := srv.Login(t, "admin")
	for _, list := range roots {
		status, rows := exportSheet(t, admin, list)
		if status != http.StatusOK || len(rows) == 0 || len(rows[0]) == 0 || rows[0][0] == "" {
			t.Errorf("%s: status %d, header %v", list, status, rows)
			continue
		}
		for _, h := range rows[0] {
			if !hasHan(h) {
				t.Errorf("%s: header %q is not Chinese", list, h)
			}
		}
	}
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}
