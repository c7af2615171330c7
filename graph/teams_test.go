package graph_test

import (
	"fmt"
	"testing"

	"github.com/nanpiao/sbqw/graph/scalar"
)

// TestTeamsAcrossTheDistrict: a team draws members from any township; it and each member's
// post and contributions in it are seen by that member's own township and village secretary;
// a township with no member in it sees nothing of it, by any path; only its own township (or
// DISTRICT, for a district-wide team) runs it.
func TestTeamsAcrossTheDistrict(t *testing.T) {
	m := newMatrix(t)
	admin := m.apis["admin"]
	twA := m.accs["township01"].township
	twC := m.accs["township07"].township
	// A member of township01 living in village001's village, and one of a third township.
	a := someInt(t, m.db, "SELECT id FROM party_members WHERE village_id = ? AND status = 'ACTIVE' AND deleted_at IS NULL ORDER BY id", m.accs["village001"].village)
	if v := someInt(t, m.db, "SELECT township_id FROM villages WHERE id = ?", m.accs["village001"].village); v != twA {
		t.Fatalf("village001 lies in township %d, not township01's %d", v, twA)
	}
	b := someInt(t, m.db, "SELECT id FROM party_members WHERE township_id NOT IN (?, ?) AND village_id <> ? AND status = 'ACTIVE' AND deleted_at IS NULL ORDER BY id",
		twA, twC, m.accs["village050"].village)
	var out map[string]any
	admin.Must(t, `mutation { createTeam(input: {name: "区级电商服务团", kind: INDUSTRY_DEVELOPMENT}) { id township { id } } }`, nil, &out)
	team := dig(out, "createTeam", "id").(string)
	if dig(out, "createTeam", "township") != nil {
		t.Fatalf("a district-wide team has no township: %v", out)
	}
	join := `mutation($t: ID!, $m: ID!) { createTeamMembership(input: {teamID: $t, memberID: $m, post: MEMBER, joinedOn: "2026-11-01"}) { id } }`
	admin.Must(t, join, map[string]any{"t": team, "m": scalar.EncodeID(a)}, &out)
	membershipA := dig(out, "createTeamMembership", "id")
	admin.Must(t, join, map[string]any{"t": team, "m": scalar.EncodeID(b)}, &out)
	membershipB := dig(out, "createTeamMembership", "id")
	contribute := `mutation($t: ID!, $m: ID!) { createContribution(input: {teamID: $t, memberID: $m, on: "2026-11-02", description: "直播带货销售小米", type: E_COMMERCE, amountFen: 880000}) { id } }`
	admin.Must(t, contribute, map[string]any{"t": team, "m": scalar.EncodeID(a)}, &out)
	contributionA := dig(out, "createContribution", "id")
	admin.Must(t, contribute, map[string]any{"t": team, "m": scalar.EncodeID(b)}, &out)
	contributionB := dig(out, "createContribution", "id")

	seen := func(user string, id any) bool {
		r := m.apis[user].Do(t, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": id})
		if r.Code() != "" && r.Code() != "NOT_FOUND" {
			t.Fatalf("%s node(%v): %s", user, id, r.ErrorText())
		}
		return r.Code() == ""
	}
	for _, c := range []struct {
		user                         string
		team, memA, memB, conA, conB bool
	}{
		{"township01", true, true, false, true, false}, // a's township: the team, a's post and contribution
		{"village001", true, true, false, true, false}, // a's own secretary, likewise
		{"township07", false, false, false, false, false},
		{"village050", false, false, false, false, false},
	} {
		got := []bool{seen(c.user, team), seen(c.user, membershipA), seen(c.user, membershipB), seen(c.user, contributionA), seen(c.user, contributionB)}
		if fmt.Sprint(got) != fmt.Sprint([]bool{c.team, c.memA, c.memB, c.conA, c.conB}) {
			t.Errorf("%s sees team, a's post, b's post, a's contribution, b's contribution = %v, want %v", c.user, got,
				[]bool{c.team, c.memA, c.memB, c.conA, c.conB})
		}
	}
	// Break-in attempts by a township with no member in the team: lists, filters, nested edges.
	outsider := m.apis["township07"]
	for _, q := range []string{
		`query($t: ID!) { teams(where: {id: $t}) { totalCount } }`,
		`query($t: ID!) { teamMemberships(where: {hasTeamWith: [{id: $t}]}) { totalCount } }`,
		`query($t: ID!) { contributions(where: {hasTeamWith: [{id: $t}]}) { totalCount } }`,
		`query($t: ID!) { partyMembers(where: {hasTeamMembershipsWith: [{hasTeamWith: [{id: $t}]}]}) { totalCount } }`,
	} {
		var found map[string]any
		outsider.Must(t, q, map[string]any{"t": team}, &found)
		for _, v := range found {
			if n := dig(v, "totalCount").(float64); n != 0 {
				t.Errorf("outsider: %s found %v rows", q, n)
			}
		}
	}
	ownMember := someInt(t, m.db, "SELECT id FROM party_members WHERE township_id = ? AND deleted_at IS NULL ORDER BY id", twC)
	outsider.Do(t, join, map[string]any{"t": team, "m": scalar.EncodeID(ownMember)}).Fail(t, "NOT_FOUND")
	// A's township sees the team but does not run it: DISTRICT does.
	rename := `mutation($t: ID!) { updateTeam(id: $t, input: {version: 1, name: "改名"}) { id } }`
	m.apis["township01"].Do(t, rename, map[string]any{"t": team}).Fail(t, "FORBIDDEN")
	outsider.Do(t, rename, map[string]any{"t": team}).Fail(t, "NOT_FOUND")
	if n := someInt(t, m.db, "SELECT COUNT(*) FROM teams WHERE name = '改名'"); n != 0 {
		t.Fatal("the district's team was renamed")
	}
	// A township team takes a member of another township too (added by DISTRICT, who sees both).
	tw := m.apis["township01"]
	tw.Must(t, `mutation($tw: ID!) { createTeam(input: {townshipID: $tw, name: "项目攻坚团", kind: PROJECT_TACKLING}) { id } }`, map[string]any{"tw": scalar.EncodeID(twA)}, &out)
	own := dig(out, "createTeam", "id")
	tw.Do(t, join, map[string]any{"t": own, "m": scalar.EncodeID(b)}).Fail(t, "NOT_FOUND") // b is not township01's to see
	admin.Must(t, join, map[string]any{"t": own, "m": scalar.EncodeID(b)}, nil)
	tw.Must(t, join, map[string]any{"t": own, "m": scalar.EncodeID(a)}, nil)
	var scopeCols [2]int
	if err := m.db.QueryRow("SELECT township_id, village_id FROM team_memberships WHERE team_id = ? AND member_id = ?", decodeID(t, own.(string)), b).Scan(&scopeCols[0], &scopeCols[1]); err != nil {
		t.Fatal(err)
	}
	if want := [2]int{someInt(t, m.db, "SELECT township_id FROM party_members WHERE id = ?", b), someInt(t, m.db, "SELECT village_id FROM party_members WHERE id = ?", b)}; scopeCols != want {
		t.Fatalf("b's membership is scoped %v, b lives in %v", scopeCols, want)
	}
}
