package graph_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/nanpiao/sbqw/graph/scalar"
	"github.com/nanpiao/sbqw/internal/testkit"
)

// The poverty status, its exit workflow and monitoring, walked through the API by every role
// that may or may not take each step; and no mutation can write a contradictory state.

const hhPoverty = `povertyStatus category exitStage exitYear needy version`

func povertyOf(t *testing.T, api *testkit.API, id string) map[string]any {
	t.Helper()
	var out map[string]any
	api.Must(t, `query($id: ID!) { node(id: $id) { ... on Household { `+hhPoverty+` } } }`, map[string]any{"id": id}, &out)
	return dig(out, "node").(map[string]any)
}

// townshipUser is the demo township account of a township.
func townshipUser(t *testing.T, m *matrix, township int) *testkit.API {
	t.Helper()
	var name string
	if err := m.db.QueryRow(`SELECT u.username FROM users u JOIN role_bindings rb ON rb.user_id = u.id
		WHERE rb.role = 'TOWNSHIP' AND rb.township_id = ?`, township).Scan(&name); err != nil {
		t.Fatal(err)
	}
	return m.srv.Login(t, name)
}

// consistentPovertyState: every household's category follows from its status, no NOT_POOR
// household is needy, and every household's last history row ends at its status.
func consistentPovertyState(t *testing.T, m *matrix) {
	t.Helper()
	checks := map[string]string{
		"category contradicts status": `SELECT COUNT(*) FROM households WHERE category <> CASE poverty_status
			WHEN 'NOT_POOR' THEN 'ORDINARY' WHEN 'IN_POVERTY' THEN 'REGISTERED_POOR' WHEN 'RETURNED' THEN 'REGISTERED_POOR'
			WHEN 'LIFTED' THEN 'LIFTED_OUT' ELSE 'MONITORED' END`,
		"needy but not poor": `SELECT COUNT(*) FROM households WHERE needy = ? AND poverty_status = 'NOT_POOR'`,
		"history ends elsewhere": `SELECT COUNT(*) FROM households h JOIN poverty_status_changes c ON c.household_id = h.id
			WHERE NOT EXISTS (SELECT 1 FROM poverty_status_changes l WHERE l.household_id = c.household_id
				AND (l.changed_on > c.changed_on OR (l.changed_on = c.changed_on AND l.id > c.id)))
			AND c.to_status <> h.poverty_status`,
		"poor without history": `SELECT COUNT(*) FROM households h WHERE h.poverty_status <> 'NOT_POOR'
			AND NOT EXISTS (SELECT 1 FROM poverty_status_changes c WHERE c.household_id = h.id)`,
		"monitored without a risk, or a risk without monitoring": `SELECT COUNT(*) FROM households
			WHERE (poverty_status = 'AT_RISK') <> (monitoring_risk IS NOT NULL)`,
	}
	for what, q := range checks {
		var args []any
		if what == "needy but not poor" {
			args = []any{true}
		}
		if n := someInt(t, m.db, q, args...); n != 0 {
			t.Errorf("%s: %d households", what, n)
		}
	}
}

func TestPovertyTransitions(t *testing.T) {
	m := newMatrix(t)
	village, office, admin := m.apis["village001"], m.apis["poverty01"], m.apis["admin"]
	acc := m.accs["village001"]
	tw := townshipUser(t, m, acc.township)
	other := m.apis["township07"]
	if acc.township == m.accs["township07"].township {
		t.Fatal("township07 must be another township than village001's")
	}
	consistentPovertyState(t, m) // the demo district as loaded
	hid := someInt(t, m.db, "SELECT id FROM households WHERE village_id = ? AND poverty_status = 'IN_POVERTY' AND deleted_at IS NULL ORDER BY id", acc.village)
	id := scalar.EncodeID(hid)
	history0 := someInt(t, m.db, "SELECT COUNT(*) FROM poverty_status_changes WHERE household_id = ?", hid)

	const (
		propose = `mutation($id: ID!) { proposeHouseholdExit(id: $id, reason: "村民代表大会评议") { id } }`
		verify  = `mutation($id: ID!) { verifyHouseholdExit(id: $id) { id } }`
		confirm = `mutation($id: ID!) { confirmHouseholdExit(id: $id) { id } }`
		open    = `mutation($id: ID!) { openHouseholdMonitoring(id: $id, risk: ILLNESS, reason: "大病住院") { id } }`
		closeM  = `mutation($id: ID!) { closeHouseholdMonitoring(id: $id, reason: "医保报销后收入稳定") { id } }`
		ret     = `mutation($id: ID!) { markHouseholdReturned(id: $id, reason: "因病返贫") { id } }`
		reject  = `mutation($id: ID!, $r: String!) { rejectHouseholdExit(id: $id, reason: $r) { id } }`
		notice  = `mutation($d: Int!) { updateExitNoticeDays(days: $d) { exitNoticeDays } }`
	)
	type step struct {
		who    *testkit.API
		name   string
		q      string
		vars   map[string]any
		code   string // "" = allowed
		status string // after an allowed step
		stage  string
	}
	r := func(s string) map[string]any { return map[string]any{"r": s} }
	steps := []step{
		{office, "office confirms nothing verified", confirm, nil, "CONFLICT", "", ""},
		{tw, "township verifies nothing proposed", verify, nil, "CONFLICT", "", ""},
		{other, "another township proposes", propose, nil, "NOT_FOUND", "", ""},
		{office, "office proposes", propose, nil, "FORBIDDEN", "", ""},
		{m.apis["cadre0001"], "a cadre proposes", propose, nil, "", "", ""}, // NOT_FOUND or FORBIDDEN, checked below
		{village, "village proposes", propose, nil, "", "IN_POVERTY", "PROPOSED"},
		{village, "village proposes twice", propose, nil, "CONFLICT", "", ""},
		{village, "village verifies", verify, nil, "FORBIDDEN", "", ""},
		{tw, "township rejects without a reason", reject, r(""), "BAD_USER_INPUT", "", ""},
		{village, "village rejects", reject, r("不同意"), "FORBIDDEN", "", ""},
		{tw, "township rejects", reject, r("收入核算材料不全"), "", "IN_POVERTY", "NONE"},
		{village, "village proposes again", propose, nil, "", "IN_POVERTY", "PROPOSED"},
		{tw, "township verifies", verify, nil, "", "IN_POVERTY", "VERIFIED"},
		{tw, "township confirms", confirm, nil, "FORBIDDEN", "", ""},
		{admin, "DISTRICT confirms", confirm, nil, "FORBIDDEN", "", ""},
		{office, "office confirms during the notice", confirm, nil, "CONFLICT", "", ""},
		{office, "office rejects the verified exit", reject, r("公示期间有异议"), "", "IN_POVERTY", "NONE"},
		{village, "village proposes a third time", propose, nil, "", "IN_POVERTY", "PROPOSED"},
		{tw, "township verifies again", verify, nil, "", "IN_POVERTY", "VERIFIED"},
		{office, "office changes the notice", notice, map[string]any{"d": 0}, "FORBIDDEN", "", ""},
		{admin, "DISTRICT shortens the notice to 0 days", notice, map[string]any{"d": 0}, "", "", ""},
		{office, "office confirms after the notice", confirm, nil, "", "LIFTED", "NONE"},
		{office, "office confirms twice", confirm, nil, "CONFLICT", "", ""},
		{village, "village proposes a lifted household", propose, nil, "CONFLICT", "", ""},
		{office, "office closes monitoring never opened", closeM, nil, "CONFLICT", "", ""},
		{tw, "township opens monitoring", open, nil, "FORBIDDEN", "", ""},
		{admin, "DISTRICT opens monitoring", open, nil, "FORBIDDEN", "", ""},
		{office, "office opens monitoring", open, nil, "", "AT_RISK", "NONE"},
		{office, "office opens monitoring twice", open, nil, "CONFLICT", "", ""},
		{office, "office closes monitoring", closeM, nil, "", "LIFTED", "NONE"},
		{office, "office marks a lifted household returned", ret, nil, "CONFLICT", "", ""},
		{office, "office opens monitoring again", open, nil, "", "AT_RISK", "NONE"},
		{admin, "DISTRICT marks returned", ret, nil, "FORBIDDEN", "", ""},
		{office, "office marks returned", ret, nil, "", "RETURNED", "NONE"},
		{office, "office closes monitoring of a returned household", closeM, nil, "CONFLICT", "", ""},
		{village, "village proposes the returned household", propose, nil, "", "RETURNED", "PROPOSED"},
	}
	categories := map[string]string{"NOT_POOR": "ORDINARY", "IN_POVERTY": "REGISTERED_POOR", "RETURNED": "REGISTERED_POOR", "LIFTED": "LIFTED_OUT", "AT_RISK": "MONITORED"}
	allowed := 0
	for _, s := range steps {
		vars := map[string]any{"id": id}
		for k, v := range s.vars {
			vars[k] = v
		}
		res := s.who.Do(t, s.q, vars)
		if s.name == "a cadre proposes" {
			if c := res.Code(); c != "NOT_FOUND" && c != "FORBIDDEN" {
				t.Fatalf("%s: want NOT_FOUND or FORBIDDEN, got %s", s.name, res.ErrorText())
			}
			continue
		}
		if s.code != "" {
			if res.Code() != s.code {
				t.Fatalf("%s: want %s, got %s", s.name, s.code, res.ErrorText())
			}
			continue
		}
		if len(res.Errors) > 0 {
			t.Fatalf("%s: %s", s.name, res.ErrorText())
		}
		if s.status == "" {
			continue
		}
		allowed++
		h := povertyOf(t, admin, id)
		if h["povertyStatus"] != s.status || h["exitStage"] != s.stage || h["category"] != categories[s.status] {
			t.Fatalf("%s: household is %v", s.name, h)
		}
		if s.status == "LIFTED" && h["exitYear"] != float64(time.Now().Year()) {
			t.Fatalf("%s: exit year %v", s.name, h["exitYear"])
		}
	}
	// Every allowed step is one history row, each starting where the one before ended.
	var out map[string]any
	village.Must(t, `query($id: ID!) { node(id: $id) { ... on Household { povertyHistory(first: 100, orderBy: {field: CHANGED_ON}) {
		edges { node { step fromStatus toStatus actorName } } } } } }`, map[string]any{"id": id}, &out)
	edges := dig(out, "node", "povertyHistory", "edges").([]any)
	if len(edges) != history0+allowed {
		t.Fatalf("history has %d rows, want %d + %d", len(edges), history0, allowed)
	}
	for i := 1; i < len(edges); i++ {
		if dig(edges[i], "node", "fromStatus") != dig(edges[i-1], "node", "toStatus") {
			t.Fatalf("history row %d starts at %v, the one before ended at %v", i, dig(edges[i], "node", "fromStatus"), dig(edges[i-1], "node", "toStatus"))
		}
	}
	if last := dig(edges[len(edges)-1], "node"); dig(last, "step") != "EXIT_PROPOSED" || dig(last, "actorName") != "village001" {
		t.Fatalf("last history row: %v", last)
	}
	m.apis["dept01"].Do(t, `{ auditEvents(first: 1) { totalCount } }`, nil).Fail(t, "FORBIDDEN") // sanity: the matrix APIs are live
	office.Do(t, `{ pairings(first: 1) { totalCount } }`, nil).Fail(t, "FORBIDDEN")

	t.Run("no contradictory write", func(t *testing.T) {
		v := int(povertyOf(t, admin, id)["version"].(float64))
		upd := func(api *testkit.API, field string) *testkit.Response {
			return api.Do(t, fmt.Sprintf(`mutation($id: ID!, $v: Int!) { updateHousehold(id: $id, input: {version: $v, %s}) { id } }`, field),
				map[string]any{"id": id, "v": v})
		}
		for _, c := range []struct {
			api   *testkit.API
			field string
			code  string
		}{
			{tw, `category: ORDINARY`, "BAD_USER_INPUT"},
			{tw, `category: LIFTED_OUT`, "BAD_USER_INPUT"},
			{admin, `povertyStatus: LIFTED`, "BAD_USER_INPUT"},
			{tw, `povertyStatus: NOT_POOR, category: ORDINARY`, "BAD_USER_INPUT"},
			{tw, `exitYear: 2020`, "BAD_USER_INPUT"},
			{tw, `needy: false`, ""}, // unchanged: the demo household is needy … or not; see below
			{office, `address: "扶贫办改地址"`, "FORBIDDEN"},
			{office, `headName: "改名"`, "FORBIDDEN"},
		} {
			res := upd(c.api, c.field)
			if c.code == "" {
				continue
			}
			if res.Code() != c.code {
				t.Errorf("updateHousehold {%s}: want %s, got %s", c.field, c.code, res.ErrorText())
			}
		}
		needy := povertyOf(t, admin, id)["needy"].(bool)
		v = int(povertyOf(t, admin, id)["version"].(float64))
		flip := fmt.Sprintf("needy: %v", !needy)
		for _, api := range []*testkit.API{tw, admin, village} {
			if res := upd(api, flip); res.Code() != "FORBIDDEN" {
				t.Errorf("updateHousehold {%s}: want FORBIDDEN, got %s", flip, res.ErrorText())
			}
		}
		set := `mutation($id: ID!, $n: Boolean!) { setHouseholdNeedy(id: $id, needy: $n, reason: "扶贫办认定") { needy } }`
		for _, api := range []*testkit.API{tw, admin, village} {
			api.Do(t, set, map[string]any{"id": id, "n": !needy}).Fail(t, "FORBIDDEN")
		}
		other.Do(t, set, map[string]any{"id": id, "n": !needy}).Fail(t, "NOT_FOUND")
		if !needy {
			office.Must(t, set, map[string]any{"id": id, "n": true}, nil)
		}

		// Creating: a new household starts NOT_POOR or IN_POVERTY, its category agreeing.
		create := func(api *testkit.API, fields string) *testkit.Response {
			return api.Do(t, fmt.Sprintf(`mutation($v: ID!, $n: String!) { createHousehold(input: {villageID: $v, number: $n, headName: "新户", %s}) { id povertyStatus category } }`, fields),
				map[string]any{"v": scalar.EncodeID(acc.village), "n": fmt.Sprintf("PV-%d", time.Now().UnixNano()%1e9)})
		}
		for _, c := range []struct {
			fields, code string
		}{
			{`category: LIFTED_OUT`, "BAD_USER_INPUT"},
			{`povertyStatus: NOT_POOR, category: MONITORED`, "BAD_USER_INPUT"},
			{`povertyStatus: LIFTED`, "BAD_USER_INPUT"},
			{`povertyStatus: AT_RISK`, "BAD_USER_INPUT"},
			{`povertyStatus: RETURNED`, "BAD_USER_INPUT"},
			{`povertyStatus: IN_POVERTY, exitYear: 2024`, "BAD_USER_INPUT"},
			{`povertyStatus: IN_POVERTY, needy: true`, "FORBIDDEN"},
		} {
			if res := create(tw, c.fields); res.Code() != c.code {
				t.Errorf("createHousehold {%s}: want %s, got %s", c.fields, c.code, res.ErrorText())
			}
		}
		admin.Do(t, `mutation($v: ID!) { createHousehold(input: {villageID: $v, number: "PV-ADMIN", headName: "新户", needy: true, povertyStatus: IN_POVERTY}) { id } }`,
			map[string]any{"v": scalar.EncodeID(acc.village)}).Fail(t, "FORBIDDEN")
		res := create(village, `povertyStatus: IN_POVERTY, category: REGISTERED_POOR`)
		if len(res.Errors) > 0 {
			t.Fatal(res.ErrorText())
		}
		newID := dig(data(t, res), "createHousehold", "id").(string)
		plain := create(village, `address: "普通户"`)
		if dig(data(t, plain), "createHousehold", "category") != "ORDINARY" {
			t.Fatalf("a plain new household: %s", plain.Data)
		}
		plainID := dig(data(t, plain), "createHousehold", "id").(string)
		office.Do(t, set, map[string]any{"id": plainID, "n": true}).Fail(t, "CONFLICT") // not poor
		office.Must(t, set, map[string]any{"id": newID, "n": true}, nil)
		if n := someInt(t, m.db, "SELECT COUNT(*) FROM poverty_status_changes WHERE household_id = ? AND step = 'IDENTIFIED' AND to_status = 'IN_POVERTY'", decodeID(t, newID)); n != 1 {
			t.Fatalf("identification of a new household: %d history rows", n)
		}
		consistentPovertyState(t, m)
	})
}

// TestConcurrentExitSteps: twelve simultaneous verifications, then twelve simultaneous
// confirmations of one exit: exactly one of each wins, one history row each.
func TestConcurrentExitSteps(t *testing.T) {
	m := newMatrix(t)
	acc := m.accs["village001"]
	tw, office, village := townshipUser(t, m, acc.township), m.apis["poverty01"], m.apis["village001"]
	m.apis["admin"].Must(t, `mutation { updateExitNoticeDays(days: 0) { exitNoticeDays } }`, nil, nil)
	rows, err := m.db.Query("SELECT id FROM households WHERE village_id = ? AND poverty_status = 'IN_POVERTY' AND deleted_at IS NULL ORDER BY id", acc.village)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int
	for rows.Next() {
		var id int
		_ = rows.Scan(&id)
		ids = append(ids, id)
	}
	rows.Close()
	if len(ids) < rounds {
		t.Fatalf("village001 has %d households in poverty, want %d", len(ids), rounds)
	}
	for _, hid := range ids[:rounds] {
		id := scalar.EncodeID(hid)
		village.Must(t, `mutation($id: ID!) { proposeHouseholdExit(id: $id) { id } }`, map[string]any{"id": id}, nil)
		for _, s := range []struct {
			api     *testkit.API
			q, step string
		}{
			{tw, `mutation($id: ID!) { verifyHouseholdExit(id: $id) { id } }`, "EXIT_VERIFIED"},
			{office, `mutation($id: ID!) { confirmHouseholdExit(id: $id) { id } }`, "EXIT_CONFIRMED"},
		} {
			rs := race(t, racers, func(int) *testkit.Response { return s.api.Do(t, s.q, map[string]any{"id": id}) })
			won := winners(t, rs, "CONFLICT")
			n := someInt(t, m.db, "SELECT COUNT(*) FROM poverty_status_changes WHERE household_id = ? AND step = ?", hid, s.step)
			if len(won) != 1 || n != 1 {
				t.Fatalf("%s: %d told success, %d history rows", s.step, len(won), n)
			}
		}
		if st := someString(t, m.db, "SELECT poverty_status FROM households WHERE id = ?", hid); st != "LIFTED" {
			t.Fatalf("after the race the household is %s", st)
		}
	}
}

// TestPovertyExitMatchesLists: povertyExit for this year equals counts over the caller's own
// lists, for DISTRICT, POVERTY_OFFICE, TOWNSHIP and VILLAGE_SECRETARY; a past year equals a
// replay of the history to that year's end.
func TestPovertyExitMatchesLists(t *testing.T) {
	m := newMatrix(t)
	year := time.Now().Year()
	fields := `identified inPoverty exited monitored returned exitedInYear monitoringOpenedInYear returnedInYear`
	for _, user := range []string{"admin", "poverty01", "township01", "village001"} {
		api := m.apis[user]
		for _, g := range []string{"TOWNSHIP", "VILLAGE"} {
			rows := rowsOf(t, api, fmt.Sprintf(`{ povertyExit(year: %d, groupBy: %s) { township { id } village { id } %s } }`, year, g, fields), "povertyExit")
			sum := map[string]int{}
			for _, r := range rows {
				for _, f := range []string{"identified", "inPoverty", "exited", "monitored", "returned", "exitedInYear", "returnedInYear"} {
					sum[f] += num(dig(r, f))
				}
			}
			hh := totals(t, api, "households", []string{`povertyStatus: IN_POVERTY`, `povertyStatus: LIFTED`, `povertyStatus: AT_RISK`, `povertyStatus: RETURNED`})
			ch := totals(t, api, "povertyStatusChanges", []string{`step: IDENTIFIED`, fmt.Sprintf(`step: EXIT_CONFIRMED, changedOnGTE: "%d-01-01"`, year), fmt.Sprintf(`step: RETURNED, changedOnGTE: "%d-01-01"`, year)})
			want := map[string]int{"inPoverty": hh[0], "exited": hh[1], "monitored": hh[2], "returned": hh[3], "identified": ch[0], "exitedInYear": ch[1], "returnedInYear": ch[2]}
			for f, w := range want {
				if sum[f] != w {
					t.Errorf("%s by %s: %s %d, the lists %d", user, g, f, sum[f], w)
				}
			}
			if user == "admin" && g == "TOWNSHIP" && (sum["exited"] == 0 || sum["monitored"] == 0 || sum["returned"] == 0 || sum["inPoverty"] == 0) {
				t.Errorf("the demo district should have households in every status: %v", sum)
			}
		}
	}
	// 2019 as the district sees it: a replay of the history to 2019-12-31, in Go.
	statusAt := map[int]string{}
	rows, err := m.db.Query(`SELECT c.household_id, c.to_status FROM poverty_status_changes c JOIN households h ON h.id = c.household_id
		WHERE h.deleted_at IS NULL AND c.deleted_at IS NULL AND c.changed_on <= ? ORDER BY c.changed_on, c.id`, time.Date(2019, 12, 31, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var h int
		var s string
		_ = rows.Scan(&h, &s)
		statusAt[h] = s
	}
	rows.Close()
	want := map[string]int{}
	for _, s := range statusAt {
		want[s]++
	}
	got := map[string]int{}
	for _, r := range rowsOf(t, m.apis["admin"], `{ povertyExit(year: 2019, groupBy: TOWNSHIP) { inPoverty exited monitored returned } }`, "povertyExit") {
		got["IN_POVERTY"] += num(dig(r, "inPoverty"))
		got["LIFTED"] += num(dig(r, "exited"))
		got["AT_RISK"] += num(dig(r, "monitored"))
		got["RETURNED"] += num(dig(r, "returned"))
	}
	for _, s := range []string{"IN_POVERTY", "LIFTED", "AT_RISK", "RETURNED"} {
		if got[s] != want[s] {
			t.Errorf("2019, %s: povertyExit %d, replay %d", s, got[s], want[s])
		}
	}
}
