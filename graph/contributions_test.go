package graph_test

import (
	"encoding/json"
	"testing"

	"github.com/nanpiao/sbqw/graph/scalar"
)

// TestContributionTypes: each of the six types is accepted; only money or goods (领办创办,
// 电商销售, 捐资捐物) carry an amount in fen, never negative — on create and on update, where the
// rule holds for the row as it will be. A contribution may name one household the writer can
// see; it shows only to readers who see that household too.
func TestContributionTypes(t *testing.T) {
	m := newMatrix(t)
	tw := m.apis["township01"]
	tID := m.accs["township01"].township
	var teamID, memberID, villageID int
	if err := m.db.QueryRow(`SELECT tm.team_id, tm.member_id, t.village_id FROM team_memberships tm JOIN teams t ON t.id = tm.team_id
		WHERE t.township_id = ? AND t.village_id IS NOT NULL AND tm.deleted_at IS NULL ORDER BY tm.id LIMIT 1`, tID).Scan(&teamID, &memberID, &villageID); err != nil {
		t.Fatal(err)
	}
	create := `mutation($in: CreateContributionInput!) { createContribution(input: $in) { id type amountFen household { id } } }`
	input := func(typ string, amount any) map[string]any {
		in := map[string]any{"teamID": scalar.EncodeID(teamID), "memberID": scalar.EncodeID(memberID), "on": "2026-11-02",
			"description": "测试贡献", "householdsHelped": 1, "type": typ}
		if amount != nil {
			in["amountFen"] = amount
		}
		return map[string]any{"in": in}
	}
	for _, c := range []struct {
		typ       string
		carries   bool
		zhExample string
	}{
		{"LEAD_ENTERPRISE", true, "领办合作社"}, {"NEW_TECHNOLOGY", false, "推广大棚技术"}, {"E_COMMERCE", true, "直播带货"},
		{"POST_SERVICE", false, "岗位服务"}, {"VOLUNTEER", false, "义务劳动"}, {"DONATION", true, "捐款"},
	} {
		t.Run(c.typ, func(t *testing.T) {
			var out map[string]any
			tw.Must(t, create, input(c.typ, nil), &out) // every type may leave the amount out
			if got := dig(out, "createContribution", "type"); got != c.typ {
				t.Fatalf("type %v, want %s", got, c.typ)
			}
			r := tw.Do(t, create, input(c.typ, 123456))
			if !c.carries {
				r.Fail(t, "BAD_USER_INPUT")
				return
			}
			if len(r.Errors) > 0 || json.Unmarshal(r.Data, &out) != nil || dig(out, "createContribution", "amountFen").(float64) != 123456 {
				t.Fatalf("%s with 1234.56 yuan: %s %s", c.typ, r.Data, r.ErrorText())
			}
			tw.Do(t, create, input(c.typ, -1)).Fail(t, "BAD_USER_INPUT")
		})
	}
	// Without a type, a contribution is POST_SERVICE (what existing rows became).
	var out map[string]any
	in := input("", nil)
	delete(in["in"].(map[string]any), "type")
	tw.Must(t, create, in, &out)
	if got := dig(out, "createContribution", "type"); got != "POST_SERVICE" {
		t.Fatalf("default type %v", got)
	}
	// Updates: the rule holds for the row as it will be.
	tw.Must(t, create, input("DONATION", 5000), &out)
	donation := dig(out, "createContribution", "id")
	update := `mutation($id: ID!, $in: UpdateContributionInput!) { updateContribution(id: $id, input: $in) { id type amountFen } }`
	tw.Do(t, update, map[string]any{"id": donation, "in": map[string]any{"version": 1, "type": "VOLUNTEER"}}).Fail(t, "BAD_USER_INPUT")
	tw.Must(t, update, map[string]any{"id": donation, "in": map[string]any{"version": 1, "type": "VOLUNTEER", "clearAmountFen": true}}, &out)
	if dig(out, "updateContribution", "amountFen") != nil {
		t.Fatalf("amount kept: %v", out)
	}
	tw.Do(t, update, map[string]any{"id": donation, "in": map[string]any{"version": 2, "amountFen": 100}}).Fail(t, "BAD_USER_INPUT")
	if n := someInt(t, m.db, "SELECT COUNT(*) FROM contributions WHERE amount_fen IS NOT NULL AND type NOT IN ('LEAD_ENTERPRISE', 'E_COMMERCE', 'DONATION')"); n != 0 {
		t.Fatalf("%d contributions of work carry an amount", n)
	}

	// For a household: one the writer sees, in another village of the township than the team's.
	household := someInt(t, m.db, "SELECT id FROM households WHERE township_id = ? AND village_id <> ? AND deleted_at IS NULL ORDER BY id", tID, villageID)
	foreignHousehold := someInt(t, m.db, "SELECT id FROM households WHERE township_id <> ? AND deleted_at IS NULL ORDER BY id", tID)
	withHH := func(h int) map[string]any {
		in := input("VOLUNTEER", nil)
		in["in"].(map[string]any)["householdID"] = scalar.EncodeID(h)
		return in
	}
	tw.Do(t, create, withHH(foreignHousehold)).Fail(t, "NOT_FOUND")
	tw.Must(t, create, withHH(household), &out)
	made := dig(out, "createContribution", "id")
	if dig(out, "createContribution", "household", "id") != scalar.EncodeID(household) {
		t.Fatalf("household not linked: %v", out)
	}
	// The team's village secretary sees the contribution (its team), not the household.
	var secretary string
	if err := m.db.QueryRow(`SELECT u.username FROM users u JOIN role_bindings rb ON rb.user_id = u.id
		WHERE rb.role = 'VILLAGE_SECRETARY' AND rb.village_id = ? AND rb.deleted_at IS NULL`, villageID).Scan(&secretary); err != nil {
		t.Fatal(err)
	}
	sec := m.srv.Login(t, secretary)
	sec.Must(t, `query($id: ID!) { node(id: $id) { ... on Contribution { id household { id } } } }`, map[string]any{"id": made}, &out)
	if dig(out, "node", "id") != made || dig(out, "node", "household") != nil {
		t.Fatalf("the team's secretary should see the contribution but not another village's household: %v", out)
	}
	// …and cannot use the household link as an oracle.
	sec.Must(t, `query($h: ID!) { contributions(where: {hasHouseholdWith: [{id: $h}]}) { totalCount } }`, map[string]any{"h": scalar.EncodeID(household)}, &out)
	if n := dig(out, "contributions", "totalCount").(float64); n != 0 {
		t.Fatalf("secretary found %v contributions through a household it cannot see", n)
	}
	tw.Must(t, `query($h: ID!) { contributions(where: {hasHouseholdWith: [{id: $h}]}) { totalCount } }`, map[string]any{"h": scalar.EncodeID(household)}, &out)
	if n := dig(out, "contributions", "totalCount").(float64); n != 1 {
		t.Fatalf("township finds %v contributions for its household, want 1", n)
	}
}
