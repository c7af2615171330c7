package graph_test

import (
	"strings"
	"testing"
	"time"

	"github.com/nanpiao/sbqw/graph/generated"
	"github.com/nanpiao/sbqw/graph/scalar"
	"github.com/nanpiao/sbqw/pii"
)

// Sensitive values, audit, policies and explainAccess, on the demo district.

func TestSensitiveValuesAreMaskedAndRevealedOnlyWithReason(t *testing.T) {
	m := newMatrix(t)
	v := m.accs["village001"]
	res := someID(t, m.db, "residents", "village_id = ? AND phone_sealed IS NOT NULL AND phone_sealed <> ''", v.village)
	q := `query($id: ID!) { node(id: $id) { ... on Resident { idNumber phone age } } }`

	// Masked for every role, the district included.
	var masked string
	for _, u := range []string{"admin", "auditor", "township01", "village001"} {
		if m.accs[u].role == "TOWNSHIP" && m.accs[u].township != v.township {
			continue
		}
		var out map[string]any
		m.apis[u].Must(t, q, map[string]any{"id": res}, &out)
		id, phone := dig(out, "node", "idNumber").(string), dig(out, "node", "phone").(string)
		if !strings.Contains(id, "********") || !strings.Contains(phone, "****") {
			t.Fatalf("%s reads unmasked values: %s %s", u, id, phone)
		}
		masked = id
	}
	// The database holds no plaintext and no masked form either: the masked value is worked out
	// from the sealed column on every read.
	var sealed, stored string
	if err := m.db.QueryRow("SELECT id_number_sealed, id_number FROM residents WHERE id = ?", decodeID(t, res)).Scan(&sealed, &stored); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(sealed, masked[14:]) || len(sealed) < 30 || stored != "" {
		t.Fatalf("sealed value looks like plaintext: %q, or a masked form is stored: %q", sealed, stored)
	}

	reveal := `mutation($id: ID!, $f: [SensitiveField!]!, $r: String!) { revealSensitive(id: $id, fields: $f, reason: $r) { idNumber phone } }`
	var out map[string]any
	m.apis["village001"].Must(t, reveal, map[string]any{"id": res, "f": []string{"ID_NUMBER", "PHONE"}, "r": "核实低保申请材料"}, &out)
	plain := dig(out, "revealSensitive", "idNumber").(string)
	if _, err := pii.ParseIDNumber(plain, time.Now()); err != nil || pii.MaskIDNumber(plain) != masked {
		t.Fatalf("revealed %q does not match the masked %q (%v)", plain, masked, err)
	}
	// The reveal is audited with its reason and without the value.
	var detail, fields string
	if err := m.db.QueryRow("SELECT detail, changed_fields FROM audit_events WHERE action = 'revealSensitive' ORDER BY id DESC").Scan(&detail, &fields); err != nil {
		t.Fatal(err)
	}
	if detail != "核实低保申请材料" || strings.Contains(fields+detail, plain) {
		t.Fatalf("audit of the reveal: detail %q fields %q", detail, fields)
	}
	var leaks int
	if err := m.db.QueryRow("SELECT COUNT(*) FROM audit_events WHERE detail LIKE ? OR changed_fields LIKE ?", "%"+plain+"%", "%"+plain+"%").Scan(&leaks); err != nil || leaks != 0 {
		t.Fatalf("plaintext ID number found in %d audit events (%v)", leaks, err)
	}

	cases := []struct {
		who    string
		fields []string
		reason string
		code   string
	}{
		{"village001", []string{"ID_NUMBER"}, "", "BAD_USER_INPUT"}, // a reason is required
		{"auditor", []string{"ID_NUMBER"}, "抽查", "FORBIDDEN"},       // reads everything, reveals nothing
		{"village050", []string{"PHONE"}, "联系", "NOT_FOUND"},        // another village: as if absent
	}
	for _, c := range cases {
		m.apis[c.who].Do(t, reveal, map[string]any{"id": res, "f": c.fields, "r": c.reason}).Fail(t, c.code)
	}

	// A cadre may see the phone of its paired households' residents, not the ID number.
	cad := m.accs["cadre0001"]
	paired := someID(t, m.db, "residents", "household_id IN (SELECT household_id FROM pairings WHERE cadre_id = ? AND active = ?)", cad.cad, true)
	m.apis["cadre0001"].Must(t, reveal, map[string]any{"id": paired, "f": []string{"PHONE"}, "r": "走访前电话联系"}, nil)
	m.apis["cadre0001"].Do(t, reveal, map[string]any{"id": paired, "f": []string{"ID_NUMBER"}, "r": "走访前电话联系"}).Fail(t, "FORBIDDEN")
	m.apis["cadre0001"].Do(t, reveal, map[string]any{"id": res, "f": []string{"PHONE"}, "r": "走访前电话联系"}).Fail(t, "NOT_FOUND")

	// Sensitive values cannot be filtered or sorted on: no oracle through where or orderBy.
	for _, bad := range []string{`{ residents(where: {idNumber: "x"}) { totalCount } }`, `{ residents(where: {phoneContains: "138"}) { totalCount } }`,
		`{ residents(orderBy: [{field: ID_NUMBER}]) { totalCount } }`} {
		m.apis["admin"].Do(t, bad, nil).Fail(t, "BAD_USER_INPUT")
	}
}

func TestEveryWriteIsAuditedInItsTransaction(t *testing.T) {
	m := newMatrix(t)
	tw := m.apis["township01"]
	hh := someID(t, m.db, "households", "township_id = ?", m.accs["township01"].township)
	count := func() int {
		return someInt(t, m.db, "SELECT COUNT(*) FROM audit_events WHERE action = 'household.update' AND entity_id = ?", decodeID(t, hh))
	}
	before := count()
	tw.Must(t, `mutation($id: ID!) { updateHousehold(id: $id, input: {version: 1, address: "新地址", causes: [ILLNESS]}) { id } }`, map[string]any{"id": hh}, nil)
	if count() != before+1 {
		t.Fatal("an update wrote no audit event")
	}
	var user, role, fields string
	if err := m.db.QueryRow("SELECT username, role, changed_fields FROM audit_events WHERE action = 'household.update' AND entity_id = ? ORDER BY id DESC", decodeID(t, hh)).
		Scan(&user, &role, &fields); err != nil {
		t.Fatal(err)
	}
	if user != "township01" || role != "TOWNSHIP" || !strings.Contains(fields, "address") || !strings.Contains(fields, "causes") {
		t.Fatalf("audit event: %s %s %s", user, role, fields)
	}
	// A request that fails rolls its audit event back with its write.
	tw.Do(t, `mutation($id: ID!) { a: updateHousehold(id: $id, input: {version: 2, address: "x"}) { id } b: updateHousehold(id: $id, input: {version: 3, headName: ""}) { id } }`,
		map[string]any{"id": hh}).Fail(t, "BAD_USER_INPUT")
	if count() != before+1 {
		t.Fatal("a rolled-back update left its audit event")
	}
	// Logins are audited, failed ones too (outside the rolled-back transaction).
	m.srv.API.Do(t, `mutation { login(username: "township01", password: "wrong-password-9") { token } }`, nil)
	if someInt(t, m.db, "SELECT COUNT(*) FROM audit_events WHERE action = 'login.failed' AND username = 'township01'") != 1 {
		t.Fatal("failed login not audited")
	}
	// DISTRICT and AUDITOR read the trail; a township does not.
	var out map[string]any
	m.apis["auditor"].Must(t, `{ auditEvents(where: {action: "household.update"}) { totalCount } }`, nil, &out)
	if dig(out, "auditEvents", "totalCount").(float64) < 1 {
		t.Fatal("auditor cannot see the audit trail")
	}
	tw.Do(t, `{ auditEvents { totalCount } }`, nil).Fail(t, "FORBIDDEN")
	// Nobody can change it, DISTRICT included: the API has no mutation on it (and the ent hook
	// refuses every change, see TestAuditEventsAreAppendOnly).
	for _, f := range generated.NewExecutableSchema(generated.Config{}).Schema().Mutation.Fields {
		if strings.Contains(f.Name, "AuditEvent") {
			t.Fatalf("the API offers %s", f.Name)
		}
	}
}

func TestPolicyEditsTakeEffectOnTheNextRequest(t *testing.T) {
	m := newMatrix(t)
	admin, cadre := m.apis["admin"], m.apis["cadre0001"]
	cadre.Do(t, `{ partyMembers(first: 1) { totalCount } }`, nil).Fail(t, "FORBIDDEN")

	grant := []map[string]any{{"role": "CADRE", "object": "party_member", "action": "read", "scope": "DISTRICT"}}
	admin.Must(t, `mutation($a: [PolicyRuleInput!]) { updatePolicies(add: $a) { role } }`, map[string]any{"a": grant}, nil)
	var out map[string]any
	cadre.Must(t, `{ partyMembers(first: 1) { totalCount } }`, nil, &out) // same token, next request
	if dig(out, "partyMembers", "totalCount").(float64) < 10000 {
		t.Fatalf("after the grant the cadre sees %v members", dig(out, "partyMembers", "totalCount"))
	}
	admin.Must(t, `mutation($r: [PolicyRuleInput!]) { updatePolicies(remove: $r) { role } }`, map[string]any{"r": grant}, nil)
	cadre.Do(t, `{ partyMembers(first: 1) { totalCount } }`, nil).Fail(t, "FORBIDDEN")

	// An edit that would lock DISTRICT out is refused, and changes nothing.
	lockout := []map[string]any{{"role": "DISTRICT", "object": "*", "action": "*", "scope": "DISTRICT"}}
	admin.Do(t, `mutation($r: [PolicyRuleInput!]) { updatePolicies(remove: $r) { role } }`, map[string]any{"r": lockout}).Fail(t, "BAD_USER_INPUT")
	admin.Must(t, `{ policies { role } }`, nil, nil)
	// Garbage is refused with a clear error.
	bad := []map[string]any{{"role": "CADRE", "object": "", "action": "read", "scope": "DISTRICT"}}
	admin.Do(t, `mutation($a: [PolicyRuleInput!]) { updatePolicies(add: $a) { role } }`, map[string]any{"a": bad}).Fail(t, "BAD_USER_INPUT")
}

func TestExplainAccess(t *testing.T) {
	m := newMatrix(t)
	tw := m.accs["township01"]
	own := someID(t, m.db, "households", "township_id = ?", tw.township)
	foreign := someID(t, m.db, "households", "township_id <> ?", tw.township)
	q := `query($u: ID!, $n: ID!, $a: String!) { explainAccess(userID: $u, nodeID: $n, action: $a) {
		allowed object action reasons { binding { role } scopes matched explanation } } }`
	ask := func(node, action string) map[string]any {
		var out map[string]any
		m.apis["admin"].Must(t, q, map[string]any{"u": userID(t, m.db, "township01"), "n": node, "a": action}, &out)
		return dig(out, "explainAccess").(map[string]any)
	}
	if ex := ask(own, "update"); ex["allowed"] != true || dig(ex, "reasons", 0, "scopes", 0) != "TOWNSHIP" {
		t.Fatalf("own household, update: %v", ex)
	}
	if ex := ask(foreign, "update"); ex["allowed"] != false || dig(ex, "reasons", 0, "matched") != false {
		t.Fatalf("foreign household, update: %v", ex)
	}
	// Asking about a user that does not exist is NOT_FOUND (for DISTRICT; others get FORBIDDEN
	// before the user is even looked up, see TestWritesAcrossTheBoundary).
	m.apis["admin"].Do(t, q, map[string]any{"u": scalar.EncodeID(120259084288 + 999999), "n": own, "a": "read"}).Fail(t, "NOT_FOUND")
	if ex := ask(own, "move"); ex["allowed"] != false || len(dig(ex, "reasons", 0, "scopes").([]any)) != 0 {
		t.Fatalf("move: %v", ex)
	}
	// The answers agree with what the township actually gets.
	m.apis["township01"].Do(t, `mutation($id: ID!) { updateHousehold(id: $id, input: {version: 1, address: "x"}) { id } }`, map[string]any{"id": foreign}).Fail(t, "NOT_FOUND")
}
