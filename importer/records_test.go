package importer_test

import (
	"net/http"
	"testing"

	"github.com/nanpiao/sbqw/authz"
	"github.com/nanpiao/sbqw/ent/schema/enum"
	"github.com/nanpiao/sbqw/importer"
	"github.com/nanpiao/sbqw/internal/testkit"
)

// TestImportPartyMembersAndPairings: party members import into the caller's villages only,
// through the same rules as createPartyMember; pairings are matched to cadre and household and
// refused by the pairing rules (a household not named needy) like createPairing.
func TestImportPartyMembersAndPairings(t *testing.T) {
	db := testkit.LoadDemo(t)
	srv := testkit.NewServer(t, db)
	township := srv.Login(t, "township01")
	s := demoScene(t, township, srv.Login(t, "admin"))
	var orgs struct {
		PartyOrganizations struct {
			Edges []struct {
				Node struct {
					Name    string
					Village *struct{ Name string }
				}
			}
		}
	}
	township.Must(t, `{ partyOrganizations(first: 500) { edges { node { name village { name } } } } }`, nil, &orgs)
	var org string
	for _, e := range orgs.PartyOrganizations.Edges {
		if e.Node.Village != nil && e.Node.Village.Name == s.own {
			org = e.Node.Name
		}
	}
	if org == "" {
		t.Fatalf("no party organisation in %s", s.own)
	}
	zh := func(vocab string) string { return enum.Terms(vocab)[0].Zh }
	header := []string{"姓名*", "身份证号*", "联系电话", "所在村*", "所属党组织*", "学历*", "职业*", "入党日期*", "正式/预备", "党员分类*", "现居住地", "特长"}
	row := func(name, id, village, joined string) []string {
		return []string{name, id, "", village, org, zh("Education"), zh("Occupation"), joined, "", zh("MemberCategory"), "", "种植、养殖"}
	}
	members := func(rows ...[]string) []byte {
		return book(t, map[string][][]string{"党员": append([][]string{header}, rows...)}, "党员")
	}
	ctx := authz.Bypass(t.Context(), "test")
	m0, _ := db.Client.PartyMember.Query().Count(ctx)

	bad := members(
		row("甲", testkit.IDNumber("19330303", 1, false), s.own, "2001-07-01"),                                                                                // 2: good
		row("乙", testkit.IDNumber("19330303", 2, false), s.other, "2001-07-01"),                                                                              // 3: another township
		row("丙", testkit.IDNumber("19330303", 3, false), s.own, "二〇〇一年"),                                                                                     // 4: not a date
		row("丁", testkit.IDNumber("19330303", 1, false), s.own, "2001/7/1"),                                                                                  // 5: repeats row 2's ID number
		[]string{"戊", testkit.IDNumber("19330303", 4, false), "", s.own, "无此党组织", zh("Education"), zh("Occupation"), "2001-07-01", "", zh("MemberCategory")}, // 6
	)
	status, out := post(t, township, "partyMembers", false, bad)
	want := map[string]string{"3/所在村": importer.VillageOutOfScope, "4/入党日期": importer.InvalidDate, "5/身份证号": importer.DuplicateInFile, "6/所属党组织": importer.OrgUnknown}
	got := map[string]string{}
	for _, p := range out.Problems {
		got[itoa(p.Row)+"/"+p.Column] = p.Reason
	}
	if status != http.StatusUnprocessableEntity || len(got) != len(want) {
		t.Fatalf("bad members: status %d, problems %+v", status, out.Problems)
	}
	for k, r := range want {
		if got[k] != r {
			t.Errorf("row/column %s: reason %q, want %q", k, got[k], r)
		}
	}
	if m, _ := db.Client.PartyMember.Query().Count(ctx); m != m0 {
		t.Fatalf("a refused file wrote %d members", m-m0)
	}
	status, out = post(t, township, "partyMembers", false, members(row("甲", testkit.IDNumber("19330303", 1, false), s.own, "2001-07-01")))
	if status != http.StatusOK || out.Created["partyMembers"] != 1 {
		t.Fatalf("good member: status %d, %+v", status, out)
	}

	// Pairings: the household must be named needy (by the poverty office) — imported ones are not.
	if st, _ := post(t, township, "households", false, householdsBook(t, [][]string{{s.own, "PAIR-1", "张三"}}, nil)); st != http.StatusOK {
		t.Fatalf("household for the pairing: status %d", st)
	}
	var cadres struct {
		Cadres struct {
			Edges []struct {
				Node struct {
					Name       string
					Department struct{ Name string }
				}
			}
		}
	}
	township.Must(t, `{ cadres(first: 1) { edges { node { name department { name } } } } }`, nil, &cadres)
	c := cadres.Cadres.Edges[0].Node
	pairings := book(t, map[string][][]string{"结对": {
		{"干部所属部门*", "干部姓名*", "所属村*", "户编号*", "结对日期*"},
		{c.Department.Name, c.Name, s.own, "PAIR-1", "2024-01-15"},  // 2: not needy
		{"无此部门", c.Name, s.own, "PAIR-1", "2024-01-15"},             // 3
		{c.Department.Name, "无此人", s.own, "PAIR-1", "2024-01-15"},   // 4
		{c.Department.Name, c.Name, s.own, "NO-SUCH", "2024-01-15"}, // 5
	}}, "结对")
	status, out = post(t, township, "pairings", true, pairings)
	want = map[string]string{"2/户编号": importer.Rejected, "3/干部所属部门": importer.DepartmentUnknown, "4/干部姓名": importer.CadreUnknown, "5/户编号": importer.HouseholdUnknown}
	got = map[string]string{}
	for _, p := range out.Problems {
		got[itoa(p.Row)+"/"+p.Column] = p.Reason
	}
	if status != http.StatusUnprocessableEntity || len(got) != len(want) {
		t.Fatalf("pairings: status %d, problems %+v", status, out.Problems)
	}
	for k, r := range want {
		if got[k] != r {
			t.Errorf("pairings row/column %s: reason %q, want %q", k, got[k], r)
		}
	}
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}
