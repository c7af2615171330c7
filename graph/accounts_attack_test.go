package graph_test

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/nanpiao/sbqw/ent/schema/enum"
	"github.com/nanpiao/sbqw/graph/scalar"
	"github.com/nanpiao/sbqw/internal/clock"
	"github.com/nanpiao/sbqw/internal/testkit"
)

// Attacks on accounts (issue 8): authority over a user is authority over every binding it
// holds now or later; passwords change only with the current one or through a reset that ends
// every credential; uniqueness refusals are no existence oracle.

type acctEnv struct {
	srv  *testkit.Server
	db   *sql.DB
	apis map[string]*testkit.API
	// units of the demo
	t01, t02, v01, v02, dept, cadre int
}

func day(days int) *time.Time {
	d := clock.Today().AddDate(0, 0, days)
	return &d
}

func newAcctEnv(t *testing.T) *acctEnv {
	db := testkit.LoadDemo(t)
	e := &acctEnv{srv: testkit.NewServer(t, db), db: db.SQL, apis: map[string]*testkit.API{}}
	e.t01 = accountOf(t, e.db, "township01").township
	e.t02 = accountOf(t, e.db, "township02").township
	e.v01 = someInt(t, e.db, "SELECT id FROM villages WHERE township_id = ? ORDER BY id", e.t01)
	e.v02 = someInt(t, e.db, "SELECT id FROM villages WHERE township_id = ? ORDER BY id", e.t02)
	e.dept = accountOf(t, e.db, "dept01").dept
	e.cadre = accountOf(t, e.db, "cadre0001").cad
	for _, u := range []string{"admin", "auditor", "township01", "township02", "village001", "dept01", "cadre0001"} {
		e.apis[u] = e.srv.Login(t, u)
	}
	return e
}

// binding histories a target user may have; township01 may change only "vill".
func (e *acctEnv) targets(t *testing.T) map[string]int {
	tb := func(role enum.Role, tw, v, d, c int, from, to *time.Time) testkit.Binding {
		b := testkit.Binding{Role: role, ValidFrom: from, ValidTo: to}
		if tw != 0 {
			b.TownshipID = &tw
		}
		if v != 0 {
			b.VillageID = &v
		}
		if d != 0 {
			b.DepartmentID = &d
		}
		if c != 0 {
			b.CadreID = &c
		}
		return b
	}
	db := e.srv.DB.Client
	district := tb(enum.RoleDistrict, 0, 0, 0, 0, nil, nil)
	vill01 := tb(enum.RoleVillageSecretary, 0, e.v01, 0, 0, nil, nil)
	return map[string]int{
		// DISTRICT now, TOWNSHIP in township01 long ago: the takeover.
		"x.expired": testkit.CreateUser(t, db, "x.expired", district, tb(enum.RoleTownship, e.t01, 0, 0, 0, day(-400), day(-30))),
		// Two posts: a village of township01 and the district.
		"x.both": testkit.CreateUser(t, db, "x.both", vill01, district),
		// Promoted tomorrow.
		"x.future": testkit.CreateUser(t, db, "x.future", vill01, tb(enum.RoleDistrict, 0, 0, 0, 0, day(1), nil)),
		// Villages of two townships.
		"x.twounits": testkit.CreateUser(t, db, "x.twounits", vill01, tb(enum.RoleVillageSecretary, 0, e.v02, 0, 0, nil, nil)),
		// Same rank.
		"x.peer": testkit.CreateUser(t, db, "x.peer", tb(enum.RoleTownship, e.t01, 0, 0, 0, nil, nil)),
		// A department post besides the village.
		"x.dept": testkit.CreateUser(t, db, "x.dept", vill01, tb(enum.RoleDepartment, 0, 0, e.dept, 0, nil, nil)),
		// Was a secretary of township01, no longer.
		"x.gone": testkit.CreateUser(t, db, "x.gone", tb(enum.RoleVillageSecretary, 0, e.v01, 0, 0, day(-400), day(-1))),
		// Will be a secretary of township01.
		"x.soon": testkit.CreateUser(t, db, "x.soon", tb(enum.RoleVillageSecretary, 0, e.v01, 0, 0, day(2), nil)),
		// A cadre.
		"x.cadre": testkit.CreateUser(t, db, "x.cadre", tb(enum.RoleCadre, 0, 0, 0, e.cadre, nil, nil)),
		// Wholly inside township01, below it: the one township01 manages.
		"x.vill": testkit.CreateUser(t, db, "x.vill", vill01, tb(enum.RoleVillageSecretary, 0, e.v01, 0, 0, day(-400), day(-100))),
	}
}

const (
	updateUserQ = `mutation($id: ID!, $v: Int!) { updateUser(id: $id, input: {version: $v, displayName: "renamed"}) { id } }`
	resetQ      = `mutation($id: ID!) { resetPassword(id: $id) { temporaryPassword user { mustChangePassword } } }`
	nodeQ       = `query($id: ID!) { node(id: $id) { id } }`
	loginQ      = `mutation($u: String!, $p: String!, $n: String) { login(username: $u, password: $p, newPassword: $n) { token } }`
)

// usernames lists what `users` shows the caller.
func listedUsers(t *testing.T, api *testkit.API) map[string]bool {
	t.Helper()
	var out struct {
		Users struct {
			Edges []struct{ Node struct{ Username string } }
		}
	}
	api.Must(t, `{ users(first: 500, where: {usernameHasPrefix: "x."}) { edges { node { username } } } }`, nil, &out)
	got := map[string]bool{}
	for _, e := range out.Users.Edges {
		got[e.Node.Username] = true
	}
	return got
}

func (e *acctEnv) version(t *testing.T, id int) int {
	return someInt(t, e.db, "SELECT version FROM users WHERE id = ?", id)
}

// TestUserAuthorityOverEveryBindingHistory: as every role, against every mix of binding
// histories, the list, node lookup, updateUser and resetPassword agree with the rule.
func TestUserAuthorityOverEveryBindingHistory(t *testing.T) {
	e := newAcctEnv(t)
	targets := e.targets(t)
	// what each caller gets: listed/node visible, and the code of update/reset ("" = success).
	type want struct {
		visible       bool
		update, reset string
	}
	hidden := want{false, "NOT_FOUND", "NOT_FOUND"}
	refused := want{true, "FORBIDDEN", "FORBIDDEN"}
	cases := map[string]map[string]want{
		"township01": {
			"x.expired": hidden, "x.gone": hidden, "x.soon": hidden, "x.cadre": hidden,
			"x.both": refused, "x.future": refused, "x.twounits": refused, "x.peer": refused, "x.dept": refused,
			"x.vill": {true, "", ""},
		},
	}
	// Roles that may not change users at all: refused whatever the target (FORBIDDEN by the
	// policy), and they see only themselves (or, for DEPARTMENT, its own department's users).
	cadreDept := someInt(t, e.db, "SELECT department_id FROM cadres WHERE id = ?", e.cadre)
	for _, role := range []string{"village001", "cadre0001", "auditor", "dept01"} {
		m := map[string]want{}
		for name := range targets {
			w := want{false, "FORBIDDEN", "FORBIDDEN"}
			if role == "auditor" || (role == "dept01" && (name == "x.dept" || (name == "x.cadre" && cadreDept == e.dept))) {
				w.visible = true
			}
			m[name] = w
		}
		cases[role] = m
	}
	for caller, byTarget := range cases {
		api := e.apis[caller]
		listed := listedUsers(t, api)
		for name, w := range byTarget {
			t.Run(caller+"/"+name, func(t *testing.T) {
				id := targets[name]
				gid := scalar.EncodeID(id)
				if listed[name] != w.visible {
					t.Fatalf("listed = %v, want %v", listed[name], w.visible)
				}
				r := api.Do(t, nodeQ, map[string]any{"id": gid})
				if got := r.Code(); (got == "") != w.visible {
					t.Fatalf("node: %s", r.ErrorText())
				}
				before := e.version(t, id)
				r = api.Do(t, updateUserQ, map[string]any{"id": gid, "v": before})
				if r.Code() != w.update {
					t.Fatalf("updateUser = %q (%s), want %q", r.Code(), r.ErrorText(), w.update)
				}
				hash := someString(t, e.db, "SELECT password_hash FROM users WHERE id = ?", id)
				r = api.Do(t, resetQ, map[string]any{"id": gid})
				if r.Code() != w.reset {
					t.Fatalf("resetPassword = %q (%s), want %q", r.Code(), r.ErrorText(), w.reset)
				}
				if after := someString(t, e.db, "SELECT password_hash FROM users WHERE id = ?", id); (after != hash) != (w.reset == "") {
					t.Fatalf("password changed = %v after resetPassword %q", after != hash, w.reset)
				}
			})
		}
	}
	// Rebinding: granting or taking away a binding needs authority over the whole user too.
	tw := e.apis["township01"]
	bind := func(user, role string, unit map[string]any) *testkit.Response {
		in := map[string]any{"role": role}
		for k, v := range unit {
			in[k] = v
		}
		return tw.Do(t, `mutation($u: ID!, $in: RoleBindingInput!) { createRoleBinding(userID: $u, input: $in) { id } }`,
			map[string]any{"u": scalar.EncodeID(targets[user]), "in": in})
	}
	own := map[string]any{"villageID": scalar.EncodeID(e.v01)}
	bind("x.both", "VILLAGE_SECRETARY", own).Fail(t, "FORBIDDEN")
	bind("x.future", "VILLAGE_SECRETARY", own).Fail(t, "FORBIDDEN")
	bind("x.expired", "VILLAGE_SECRETARY", own).Fail(t, "NOT_FOUND")
	bind("x.vill", "DISTRICT", nil).Fail(t, "FORBIDDEN")
	bind("x.vill", "TOWNSHIP", map[string]any{"townshipID": scalar.EncodeID(e.t01)}).Fail(t, "FORBIDDEN")
	bind("x.vill", "VILLAGE_SECRETARY", map[string]any{"villageID": scalar.EncodeID(e.v02)}).Fail(t, "FORBIDDEN")
	var added struct{ CreateRoleBinding struct{ ID string } }
	if r := bind("x.vill", "VILLAGE_SECRETARY", own); r.Code() != "" {
		t.Fatalf("township binding its own village's secretary: %s", r.ErrorText())
	} else if err := json.Unmarshal(r.Data, &added); err != nil {
		t.Fatal(err)
	}
	unbind := `mutation($id: ID!) { deleteRoleBinding(id: $id) }`
	bothVillage := scalar.EncodeID(someInt(t, e.db, "SELECT id FROM role_bindings WHERE user_id = ? AND role = 'VILLAGE_SECRETARY'", targets["x.both"]))
	tw.Do(t, unbind, map[string]any{"id": bothVillage}).Fail(t, "FORBIDDEN")
	if r := tw.Do(t, unbind, map[string]any{"id": added.CreateRoleBinding.ID}); r.Code() != "" {
		t.Fatalf("township unbinding its own village's secretary: %s", r.ErrorText())
	}

	// DISTRICT may change everyone.
	for name, id := range targets {
		if r := e.apis["admin"].Do(t, updateUserQ, map[string]any{"id": scalar.EncodeID(id), "v": e.version(t, id)}); r.Code() != "" {
			t.Fatalf("admin update %s: %s", name, r.ErrorText())
		}
		if r := e.apis["admin"].Do(t, resetQ, map[string]any{"id": scalar.EncodeID(id)}); r.Code() != "" {
			t.Fatalf("admin reset %s: %s", name, r.ErrorText())
		}
	}
}

func someString(t *testing.T, db *sql.DB, q string, args ...any) string {
	t.Helper()
	var s string
	if err := db.QueryRow(q, args...).Scan(&s); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return s
}

// TestPasswordsChangeOnlyWithTheCurrentOneOrAReset: updateUser has no password; changePassword
// needs the current one; a reset ends sessions and API keys and forces a change at sign-in.
func TestPasswordsChangeOnlyWithTheCurrentOneOrAReset(t *testing.T) {
	e := newAcctEnv(t)
	targets := e.targets(t)
	tw := e.apis["township01"]

	// updateUser on oneself cannot set a password: the input has no such field.
	me := someInt(t, e.db, "SELECT id FROM users WHERE username = 'township01'")
	r := tw.Do(t, `mutation($id: ID!, $v: Int!) { updateUser(id: $id, input: {version: $v, password: "stolen-token-2026"}) { id } }`,
		map[string]any{"id": scalar.EncodeID(me), "v": e.version(t, me)})
	if r.Code() == "" || len(r.Errors) == 0 {
		t.Fatalf("updateUser with a password was accepted: %s", r.Data)
	}
	e.srv.Login(t, "township01") // the old password still works

	// changePassword needs the current password.
	tw.Do(t, `mutation { changePassword(currentPassword: "not-the-one-2026", newPassword: "brand-new-2026") }`, nil).Fail(t, "BAD_USER_INPUT")
	// Resetting one's own password is not a way around it.
	tw.Do(t, resetQ, map[string]any{"id": scalar.EncodeID(me)}).Fail(t, "BAD_USER_INPUT")

	// A reset by the managing township ends the user's sessions and API keys.
	vill := e.srv.Login(t, "x.vill")
	var key struct{ CreateApiKey struct{ Key string } }
	e.apis["admin"].Must(t, `mutation($u: ID!) { createApiKey(input: {name: "field app", userID: $u}) { key } }`,
		map[string]any{"u": scalar.EncodeID(targets["x.vill"])}, &key)
	byKey := e.srv.API.As(key.CreateApiKey.Key)
	byKey.Must(t, `{ me { username } }`, nil, nil)
	var reset struct {
		ResetPassword struct {
			TemporaryPassword string
			User              struct{ MustChangePassword bool }
		}
	}
	tw.Must(t, resetQ, map[string]any{"id": scalar.EncodeID(targets["x.vill"])}, &reset)
	temp := reset.ResetPassword.TemporaryPassword
	if temp == "" || !reset.ResetPassword.User.MustChangePassword {
		t.Fatalf("reset = %+v", reset)
	}
	vill.Do(t, `{ me { username } }`, nil).Fail(t, "UNAUTHENTICATED")
	byKey.Do(t, `{ me { username } }`, nil).Fail(t, "UNAUTHENTICATED")
	// The old password no longer works; the temporary one signs in only with a new password.
	e.srv.API.Do(t, loginQ, map[string]any{"u": "x.vill", "p": testkit.Password}).Fail(t, "UNAUTHENTICATED")
	r = e.srv.API.Do(t, loginQ, map[string]any{"u": "x.vill", "p": temp})
	if f := r.Fail(t, "UNAUTHENTICATED"); f.Extensions["passwordChangeRequired"] != true {
		t.Fatalf("login with the temporary password: %s", r.ErrorText())
	}
	var login struct{ Login struct{ Token string } }
	e.srv.API.Must(t, loginQ, map[string]any{"u": "x.vill", "p": temp, "n": "my-own-secret-77"}, &login)
	var meOut struct {
		Me struct{ MustChangePassword bool }
	}
	e.srv.API.As(login.Login.Token).Must(t, `{ me { mustChangePassword } }`, nil, &meOut)
	if meOut.Me.MustChangePassword {
		t.Fatal("mustChangePassword still set after the change")
	}
	e.srv.API.Do(t, loginQ, map[string]any{"u": "x.vill", "p": temp}).Fail(t, "UNAUTHENTICATED") // one-time
}

// TestTownshipManagesItsVillagesAccounts: createUser works for a township within its villages,
// and nowhere else; authority is decided before the username is looked at.
func TestTownshipManagesItsVillagesAccounts(t *testing.T) {
	e := newAcctEnv(t)
	tw := e.apis["township01"]
	create := func(username, role string, unit map[string]any) *testkit.Response {
		b := map[string]any{"role": role}
		for k, v := range unit {
			b[k] = v
		}
		return tw.Do(t, `mutation($in: CreateUserInput!) { createUser(input: $in) { id mustChangePassword roleBindings { role } } }`,
			map[string]any{"in": map[string]any{"username": username, "password": "initial-pass-2026", "roleBindings": []any{b}}})
	}
	own := map[string]any{"villageID": scalar.EncodeID(e.v01)}
	r := create("new.secretary", "VILLAGE_SECRETARY", own)
	if r.Code() != "" || !strings.Contains(string(r.Data), `"mustChangePassword":true`) {
		t.Fatalf("township creating its village's secretary: %s %s", r.Data, r.ErrorText())
	}
	// The new account is the township's to manage, and must change its password.
	e.srv.API.Do(t, loginQ, map[string]any{"u": "new.secretary", "p": "initial-pass-2026"}).Fail(t, "UNAUTHENTICATED")

	foreign := map[string]any{"villageID": scalar.EncodeID(e.v02)}
	for name, c := range map[string]struct {
		role string
		unit map[string]any
	}{
		"other township's village": {"VILLAGE_SECRETARY", foreign},
		"same rank":                {"TOWNSHIP", map[string]any{"townshipID": scalar.EncodeID(e.t01)}},
		"higher rank":              {"DISTRICT", nil},
		"a department":             {"DEPARTMENT", map[string]any{"departmentID": scalar.EncodeID(e.dept)}},
	} {
		// A taken username and a fresh one get the same refusal: authority comes first.
		taken := create("admin", c.role, c.unit)
		fresh := create(fmt.Sprintf("fresh.%d", len(name)), c.role, c.unit)
		a, b := taken.Fail(t, "FORBIDDEN"), fresh.Fail(t, "FORBIDDEN")
		if a.Message != b.Message {
			t.Fatalf("%s: taken %q vs fresh %q", name, a.Message, b.Message)
		}
	}
	if n := someInt(t, e.db, "SELECT COUNT(*) FROM users WHERE username LIKE 'fresh.%'"); n != 0 {
		t.Fatalf("%d refused users were written", n)
	}
}

// TestUniquenessIsNoExistenceOracle: a duplicate ID number outside the caller's scope gets the
// answer a duplicate inside it gets, is audited although the write rolls back, and is limited.
func TestUniquenessIsNoExistenceOracle(t *testing.T) {
	e := newAcctEnv(t)
	tw := e.apis["township01"]
	hh01 := someID(t, e.db, "households", "township_id = ?", e.t01)
	hh02 := someID(t, e.db, "households", "township_id = ?", e.t02)
	createResident := func(api *testkit.API, household, id, phone string) *testkit.Response {
		in := map[string]any{"householdID": household, "name": "探测甲", "relation": "OTHER", "idNumber": id}
		if phone != "" {
			in["phone"] = phone
		}
		return api.Do(t, `mutation($in: CreateResidentInput!) { createResident(input: $in) { id } }`, map[string]any{"in": in})
	}
	ownID, foreignID := testkit.IDNumber("19550505", 901, false), testkit.IDNumber("19550505", 902, true)
	var own struct{ CreateResident struct{ ID string } }
	if r := createResident(tw, hh01, ownID, "13900000001"); r.Code() != "" {
		t.Fatal(r.ErrorText())
	} else if err := json.Unmarshal(r.Data, &own); err != nil {
		t.Fatal(err)
	}
	if r := createResident(e.apis["township02"], hh02, foreignID, "13900000002"); r.Code() != "" {
		t.Fatal(r.ErrorText())
	}
	audits := func() int {
		return someInt(t, e.db, "SELECT COUNT(*) FROM audit_events WHERE action = 'unique.refused' AND username = 'township01'")
	}

	inScope := createResident(tw, hh01, ownID, "").Fail(t, "CONFLICT")
	outScope := createResident(tw, hh01, foreignID, "").Fail(t, "CONFLICT")
	if inScope.Message != outScope.Message || inScope.Extensions["field"] != outScope.Extensions["field"] {
		t.Fatalf("in-scope %+v vs out-of-scope %+v", inScope, outScope)
	}
	// A phone is not unique: someone else's phone is no refusal at all.
	if r := createResident(tw, hh01, testkit.IDNumber("19550505", 903, false), "13900000002"); r.Code() != "" {
		t.Fatal(r.ErrorText())
	}
	// The refused write rolled back, its audit record did not; the in-scope duplicate is no probe.
	waitFor(t, func() bool { return audits() == 1 })

	// Usernames: a township creating its own village's account meets a taken name — refused
	// the same way as a resident's duplicate, and counted as a probe (admin is not the
	// township's to see).
	r := tw.Do(t, `mutation($in: CreateUserInput!) { createUser(input: $in) { id } }`, map[string]any{"in": map[string]any{
		"username": "admin", "password": "initial-pass-2026", "roleBindings": []any{map[string]any{"role": "VILLAGE_SECRETARY", "villageID": scalar.EncodeID(e.v01)}}}})
	if f := r.Fail(t, "CONFLICT"); f.Message != inScope.Message {
		t.Fatalf("taken username: %s", r.ErrorText())
	}
	waitFor(t, func() bool { return audits() == 2 })

	// Party members' ID numbers: the same answer, the same count.
	createMember := func(api *testkit.API, village int, id string) *testkit.Response {
		org := someInt(t, e.db, "SELECT id FROM party_organizations WHERE village_id = ? AND deleted_at IS NULL ORDER BY id", village)
		return api.Do(t, `mutation($in: CreatePartyMemberInput!) { createPartyMember(input: $in) { id } }`, map[string]any{"in": map[string]any{
			"name": "探测乙", "idNumber": id, "education": "PRIMARY_OR_BELOW", "occupation": "FARMER", "joinedOn": "2001-07-01",
			"category": "IN_SERVICE", "villageID": scalar.EncodeID(village), "organizationID": scalar.EncodeID(org)}})
	}
	memberID := testkit.IDNumber("19600606", 906, false)
	if r := createMember(e.apis["township02"], e.v02, memberID); r.Code() != "" {
		t.Fatal(r.ErrorText())
	}
	if f := createMember(tw, e.v01, memberID).Fail(t, "CONFLICT"); f.Message != inScope.Message || f.Extensions["field"] != "idNumber" {
		t.Fatalf("party member duplicate: %+v", f)
	}
	waitFor(t, func() bool { return audits() == 3 })

	// updateResident with someone else's ID number: the same answer, the same count.
	update := tw.Do(t, `mutation($id: ID!, $n: String!) { updateResident(id: $id, input: {version: 1, idNumber: $n}) { id } }`,
		map[string]any{"id": own.CreateResident.ID, "n": foreignID})
	if f := update.Fail(t, "CONFLICT"); f.Message != inScope.Message || f.Extensions["field"] != "idNumber" {
		t.Fatalf("updateResident duplicate: %+v", f)
	}
	waitFor(t, func() bool { return audits() == 4 })

	// Up to the limit (10 an hour), then every ID-number write of the user is RATE_LIMITED,
	// a fresh number too — so the limit itself answers nothing.
	for i := 4; i < 10; i++ {
		createResident(tw, hh01, foreignID, "").Fail(t, "CONFLICT")
	}
	createResident(tw, hh01, foreignID, "").Fail(t, "RATE_LIMITED")
	createResident(tw, hh01, testkit.IDNumber("19550505", 904, true), "").Fail(t, "RATE_LIMITED")
	// Other users are not held back.
	if r := createResident(e.apis["township02"], hh02, testkit.IDNumber("19550505", 905, true), ""); r.Code() != "" {
		t.Fatal(r.ErrorText())
	}
	waitFor(t, func() bool { return audits() == 10 })
	// The count is kept in the audit trail too: another replica (or a restart) holds the line.
	replica := testkit.NewServer(t, e.srv.DB).Login(t, "township01")
	createResident(replica, hh01, testkit.IDNumber("19550505", 907, false), "").Fail(t, "RATE_LIMITED")
	// Only the two accepted residents of township01 were written; every refusal rolled back.
	if n := someInt(t, e.db, "SELECT COUNT(*) FROM residents WHERE name = '探测甲' AND township_id = ?", e.t01); n != 2 {
		t.Fatalf("%d residents written by township01, want 2", n)
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatal("condition not reached in 10s")
}
