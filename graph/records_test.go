package graph_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/nanpiao/sbqw/authz"
	"github.com/nanpiao/sbqw/ent/schema/enum"
	"github.com/nanpiao/sbqw/graph/scalar"
	"github.com/nanpiao/sbqw/internal/testkit"
)

// env is a fresh database behind the real HTTP handler.
type env struct {
	db  *testkit.DB
	api *testkit.API
	// district is the ID of the one district row, created directly (there is no createDistrict).
	district string
}

func newEnv(t *testing.T) *env {
	t.Helper()
	db := testkit.Open(t)
	t.Cleanup(db.Close)
	srv := testkit.NewServer(t, db)
	testkit.CreateUser(t, db.Client, "admin", testkit.Binding{Role: enum.RoleDistrict})
	e := &env{db: db, api: srv.Login(t, "admin")}
	ctx := authz.Bypass(context.Background(), "test fixture")
	d, err := db.Client.District.Create().SetCode("211404000000").SetName("南票区").Save(ctx)
	if err != nil {
		t.Fatal(err)
	}
	e.district = encodeID(d.ID)
	return e
}

// do runs an operation and decodes data into a generic map.
func (e *env) must(t *testing.T, q string, vars map[string]any) map[string]any {
	t.Helper()
	var out map[string]any
	e.api.Must(t, q, vars, &out)
	return out
}

func (e *env) createTownship(t *testing.T, code, name string) string {
	t.Helper()
	out := e.must(t, `mutation($in: CreateTownshipInput!) { createTownship(input: $in) { id } }`,
		map[string]any{"in": map[string]any{"code": code, "name": name, "districtID": e.district}})
	return dig(out, "createTownship", "id").(string)
}

func (e *env) createVillage(t *testing.T, township, code, name string) string {
	t.Helper()
	out := e.must(t, `mutation($in: CreateVillageInput!) { createVillage(input: $in) { id } }`,
		map[string]any{"in": map[string]any{"code": code, "name": name, "townshipID": township}})
	return dig(out, "createVillage", "id").(string)
}

func (e *env) createHousehold(t *testing.T, village, number, head string) string {
	t.Helper()
	out := e.must(t, `mutation($in: CreateHouseholdInput!) { createHousehold(input: $in) { id } }`,
		map[string]any{"in": map[string]any{"villageID": village, "number": number, "headName": head}})
	return dig(out, "createHousehold", "id").(string)
}

func (e *env) createResident(t *testing.T, household, name string, seq int) string {
	t.Helper()
	out := e.must(t, `mutation($in: CreateResidentInput!) { createResident(input: $in) { id } }`,
		map[string]any{"in": map[string]any{"householdID": household, "name": name, "relation": "HEAD",
			"idNumber": testkit.IDNumber("19700101", seq, false)}})
	return dig(out, "createResident", "id").(string)
}

// dig walks nested maps and slices: dig(m, "a", "edges", 0, "node").
func dig(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				return nil
			}
			v = m[k]
		case int:
			s, ok := v.([]any)
			if !ok || k >= len(s) {
				return nil
			}
			v = s[k]
		}
	}
	return v
}

func names(conn any, field string) []string {
	var out []string
	for _, e := range dig(conn, "edges").([]any) {
		out = append(out, dig(e, "node", field).(string))
	}
	return out
}

func TestHierarchyCreateReadAndNodeRoundTrip(t *testing.T) {
	e := newEnv(t)
	tw := e.createTownship(t, "211404100000", "暖池塘镇")
	v := e.createVillage(t, tw, "211404100201", "暖池塘村")
	h := e.createHousehold(t, v, "0001", "王大山")
	r := e.createResident(t, h, "王大山", 1)

	out := e.must(t, `query($id: ID!) { node(id: $id) { id ... on Resident { name idNumber age
		household { headName village { name township { name villages { totalCount } } } } } } }`, map[string]any{"id": r})
	if got := dig(out, "node", "household", "village", "township", "name"); got != "暖池塘镇" {
		t.Fatalf("resident → household → village → township = %v", got)
	}
	if got := dig(out, "node", "idNumber").(string); got != "211404********"+testkit.IDNumber("19700101", 1, false)[14:] {
		t.Fatalf("idNumber is not masked as the contract says: %q", got)
	}
	if dig(out, "node", "age").(float64) < 50 {
		t.Fatalf("age from a 1970 birth date = %v", dig(out, "node", "age"))
	}
	for _, id := range []string{tw, v, h, r} {
		got := e.must(t, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": id})
		if dig(got, "node", "id") != id {
			t.Fatalf("node(%s) returned %v", id, got)
		}
	}
	got := e.must(t, `query($ids: [ID!]!) { nodes(ids: $ids) { id __typename } }`, map[string]any{"ids": []string{r, tw}})
	if dig(got, "nodes", 0, "__typename") != "Resident" || dig(got, "nodes", 1, "__typename") != "Township" {
		t.Fatalf("nodes kept neither order nor types: %v", got)
	}
}

func TestConnectionsPageBothWaysWithTotalCount(t *testing.T) {
	e := newEnv(t)
	tw := e.createTownship(t, "211404100000", "暖池塘镇")
	for i := 1; i <= 7; i++ {
		e.createVillage(t, tw, fmt.Sprintf("2114041002%02d", i), fmt.Sprintf("村%02d", i))
	}
	q := `query($first: Int, $after: Cursor, $last: Int, $before: Cursor) {
		villages(first: $first, after: $after, last: $last, before: $before, orderBy: [{field: CODE}]) {
			totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { name } } } }`
	var seen []string
	var after any
	for page := 0; ; page++ {
		out := e.must(t, q, map[string]any{"first": 3, "after": after})
		conn := dig(out, "villages")
		if dig(conn, "totalCount").(float64) != 7 {
			t.Fatalf("totalCount on page %d = %v, want 7", page, dig(conn, "totalCount"))
		}
		seen = append(seen, names(conn, "name")...)
		if !dig(conn, "pageInfo", "hasNextPage").(bool) {
			break
		}
		after = dig(conn, "pageInfo", "endCursor")
	}
	if strings.Join(seen, ",") != "村01,村02,村03,村04,村05,村06,村07" {
		t.Fatalf("forward paging saw %v", seen)
	}
	// Backwards from the end.
	out := e.must(t, q, map[string]any{"last": 3})
	if got := names(dig(out, "villages"), "name"); strings.Join(got, ",") != "村05,村06,村07" {
		t.Fatalf("last 3 = %v", got)
	}
	if !dig(out, "villages", "pageInfo", "hasPreviousPage").(bool) {
		t.Fatal("last page must say there is a previous page")
	}
	before := dig(out, "villages", "pageInfo", "startCursor")
	out = e.must(t, q, map[string]any{"last": 3, "before": before})
	if got := names(dig(out, "villages"), "name"); strings.Join(got, ",") != "村02,村03,村04" {
		t.Fatalf("3 before 村05 = %v", got)
	}
}

func TestFiltersAndOrdering(t *testing.T) {
	e := newEnv(t)
	tw := e.createTownship(t, "211404100000", "暖池塘镇")
	other := e.createTownship(t, "211404200000", "虹螺岘镇")
	e.createVillage(t, tw, "211404100201", "东沟村")
	e.createVillage(t, tw, "211404100202", "西沟村")
	e.createVillage(t, tw, "211404100203", "南山村")
	e.createVillage(t, other, "211404200201", "北沟村")

	out := e.must(t, `query($tw: ID!) { villages(where: {nameContains: "沟", hasTownshipWith: {id: $tw}}, orderBy: [{field: NAME, direction: DESC}]) {
		totalCount edges { node { name } } } }`, map[string]any{"tw": tw})
	if got := names(dig(out, "villages"), "name"); strings.Join(got, ",") != "西沟村,东沟村" && strings.Join(got, ",") != "东沟村,西沟村" {
		t.Fatalf("filtered villages = %v", got)
	}
	if dig(out, "villages", "totalCount").(float64) != 2 {
		t.Fatalf("totalCount with a filter = %v, want 2", dig(out, "villages", "totalCount"))
	}
	// Ordering by code, descending, is exactly reversed ascending.
	asc := names(dig(e.must(t, `{ villages(orderBy: [{field: CODE}]) { edges { node { code } } } }`, nil), "villages"), "code")
	desc := names(dig(e.must(t, `{ villages(orderBy: [{field: CODE, direction: DESC}]) { edges { node { code } } } }`, nil), "villages"), "code")
	for i := range asc {
		if asc[i] != desc[len(desc)-1-i] {
			t.Fatalf("ordering: asc %v, desc %v", asc, desc)
		}
	}
	// Changes since a moment: every row was just created, none updated in the future.
	out = e.must(t, `{ villages(where: {updatedAtGT: "2100-01-01T00:00:00Z"}) { totalCount } }`, nil)
	if dig(out, "villages", "totalCount").(float64) != 0 {
		t.Fatal("updatedAtGT in the future matched rows")
	}
	out = e.must(t, `{ villages(where: {updatedAtGT: "2000-01-01T00:00:00Z"}) { totalCount } }`, nil)
	if dig(out, "villages", "totalCount").(float64) != 4 {
		t.Fatal("updatedAtGT in the past must match every row")
	}
}

func TestDefaultAndMaximumPageSize(t *testing.T) {
	e := newEnv(t)
	tw := e.createTownship(t, "211404100000", "暖池塘镇")
	v := e.createVillage(t, tw, "211404100201", "暖池塘村")
	ctx := authz.Bypass(context.Background(), "test fixture")
	vid := decodeID(t, v)
	for i := 0; i < 60; i++ {
		if _, err := e.db.Client.Household.Create().SetVillageID(vid).SetTownshipID(decodeID(t, tw)).
			SetNumber(fmt.Sprintf("%04d", i)).SetHeadName("户主").Save(ctx); err != nil {
			t.Fatal(err)
		}
	}
	out := e.must(t, `{ households { totalCount edges { node { id } } } }`, nil)
	if n := len(dig(out, "households", "edges").([]any)); n != 50 {
		t.Fatalf("a connection without first/last returned %d rows, want the default page of 50", n)
	}
	if dig(out, "households", "totalCount").(float64) != 60 {
		t.Fatal("totalCount must count every row, not the page")
	}
	// The nested connection gets the default too, through eager loading.
	out = e.must(t, `{ villages { edges { node { households { edges { node { id } } } } } } }`, nil)
	if n := len(dig(out, "villages", "edges", 0, "node", "households", "edges").([]any)); n != 50 {
		t.Fatalf("nested connection returned %d rows, want 50", n)
	}
	// A null variable is the same as no argument.
	out = e.must(t, `query($n: Int) { households(first: $n) { edges { node { id } } } }`, map[string]any{"n": nil})
	if n := len(dig(out, "households", "edges").([]any)); n != 50 {
		t.Fatalf("first: null returned %d rows, want 50", n)
	}
	for _, q := range []string{`{ households(first: 501) { totalCount } }`, `{ villages { edges { node { households(last: 1000) { totalCount } } } } }`} {
		r := e.api.Do(t, q, nil)
		r.Fail(t, "BAD_USER_INPUT")
		if r.Status >= 500 {
			t.Fatalf("HTTP %d for an oversized page", r.Status)
		}
	}
	r := e.api.Do(t, `query($n: Int) { households(first: $n) { totalCount } }`, map[string]any{"n": 100000})
	r.Fail(t, "BAD_USER_INPUT")
}

func TestMutationInputErrorsNameTheField(t *testing.T) {
	e := newEnv(t)
	tw := e.createTownship(t, "211404100000", "暖池塘镇")
	v := e.createVillage(t, tw, "211404100201", "暖池塘村")
	h := e.createHousehold(t, v, "0001", "王大山")
	good := testkit.IDNumber("19800101", 7, false)
	badCheck := good[:17] + map[bool]string{true: "1", false: "2"}[good[17] == '2']

	cases := []struct {
		name, query string
		vars        map[string]any
		code, field string
	}{
		{"ID number check digit", `mutation($in: CreateResidentInput!) { createResident(input: $in) { id } }`,
			map[string]any{"in": map[string]any{"householdID": h, "name": "王小山", "relation": "SON", "idNumber": badCheck}}, "BAD_USER_INPUT", "idNumber"},
		{"ID number length", `mutation($in: CreateResidentInput!) { createResident(input: $in) { id } }`,
			map[string]any{"in": map[string]any{"householdID": h, "name": "王小山", "relation": "SON", "idNumber": "2114041980"}}, "BAD_USER_INPUT", "idNumber"},
		{"phone format", `mutation($in: CreateResidentInput!) { createResident(input: $in) { id } }`,
			map[string]any{"in": map[string]any{"householdID": h, "name": "王小山", "relation": "SON", "idNumber": good, "phone": "12345"}}, "BAD_USER_INPUT", "phone"},
		{"empty name", `mutation($in: CreateHouseholdInput!) { createHousehold(input: $in) { id } }`,
			map[string]any{"in": map[string]any{"villageID": v, "number": "0002", "headName": ""}}, "BAD_USER_INPUT", "headName"},
		{"division code", `mutation($in: CreateVillageInput!) { createVillage(input: $in) { id } }`,
			map[string]any{"in": map[string]any{"townshipID": tw, "code": "21140410020X", "name": "新村"}}, "BAD_USER_INPUT", "code"},
		{"year out of range", `mutation($in: CreateHouseholdInput!) { createHousehold(input: $in) { id } }`,
			map[string]any{"in": map[string]any{"villageID": v, "number": "0003", "headName": "李四", "identifiedYear": 1800}}, "BAD_USER_INPUT", "identifiedYear"},
		{"exit before identification", `mutation($in: CreateHouseholdInput!) { createHousehold(input: $in) { id } }`,
			map[string]any{"in": map[string]any{"villageID": v, "number": "0003", "headName": "李四", "identifiedYear": 2020, "exitYear": 2016}}, "BAD_USER_INPUT", "exitYear"},
		{"duplicate household number", `mutation($in: CreateHouseholdInput!) { createHousehold(input: $in) { id } }`,
			map[string]any{"in": map[string]any{"villageID": v, "number": "0001", "headName": "李四"}}, "CONFLICT", ""},
		{"parent of another type", `mutation($in: CreateHouseholdInput!) { createHousehold(input: $in) { id } }`,
			map[string]any{"in": map[string]any{"villageID": tw, "number": "0009", "headName": "李四"}}, "NOT_FOUND", "villageID"},
		{"parent that does not exist", `mutation($in: CreateResidentInput!) { createResident(input: $in) { id } }`,
			map[string]any{"in": map[string]any{"householdID": encodeID(55834574848 + 999999), "name": "王小山", "relation": "SON", "idNumber": good}}, "NOT_FOUND", "householdID"},
		{"malformed ID", `mutation { updateHousehold(id: "not-an-id", input: {headName: "x"}) { id } }`, nil, "BAD_USER_INPUT", ""},
		{"malformed date", `mutation($in: CreatePostInput!) { createPost(input: $in) { id } }`,
			map[string]any{"in": map[string]any{"memberID": h, "organizationID": h, "title": "SECRETARY", "startOn": "2026-13-45"}}, "BAD_USER_INPUT", ""},
		{"unknown field in input", `mutation { createHousehold(input: {villageID: "x", number: "1", headName: "x", townshipID: "y"}) { id } }`, nil, "BAD_USER_INPUT", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := e.api.Do(t, c.query, c.vars)
			got := r.Fail(t, c.code)
			if c.field != "" && got.Extensions["field"] != c.field {
				t.Fatalf("error names field %v, want %s: %s", got.Extensions["field"], c.field, r.ErrorText())
			}
			if r.Status >= 500 {
				t.Fatalf("HTTP %d", r.Status)
			}
		})
	}
	// Nothing of the refused writes is stored.
	out := e.must(t, `{ residents { totalCount } households { totalCount } villages { totalCount } }`, nil)
	if dig(out, "residents", "totalCount").(float64) != 0 || dig(out, "households", "totalCount").(float64) != 1 || dig(out, "villages", "totalCount").(float64) != 1 {
		t.Fatalf("refused mutations left rows behind: %v", out)
	}
}

func TestMutationsInOneRequestAreOneTransaction(t *testing.T) {
	e := newEnv(t)
	tw := e.createTownship(t, "211404100000", "暖池塘镇")
	v := e.createVillage(t, tw, "211404100201", "暖池塘村")
	r := e.api.Do(t, `mutation($v: ID!) {
		a: createHousehold(input: {villageID: $v, number: "0001", headName: "甲"}) { id }
		b: createHousehold(input: {villageID: $v, number: "0001", headName: "乙"}) { id } }`, map[string]any{"v": v})
	r.Fail(t, "CONFLICT")
	out := e.must(t, `{ households { totalCount } }`, nil)
	if n := dig(out, "households", "totalCount").(float64); n != 0 {
		t.Fatalf("the first mutation of a failed request was kept (%v households)", n)
	}
}

func TestSoftDeletion(t *testing.T) {
	e := newEnv(t)
	tw := e.createTownship(t, "211404100000", "暖池塘镇")
	v := e.createVillage(t, tw, "211404100201", "暖池塘村")
	h := e.createHousehold(t, v, "0001", "王大山")
	r1 := e.createResident(t, h, "王大山", 1)
	e.createResident(t, h, "王二山", 2)

	// A village with households cannot be deleted.
	e.api.Do(t, `mutation($id: ID!) { deleteVillage(id: $id) }`, map[string]any{"id": v}).Fail(t, "CONFLICT")

	out := e.must(t, `mutation($id: ID!) { deleteHousehold(id: $id) }`, map[string]any{"id": h})
	if dig(out, "deleteHousehold") != h {
		t.Fatalf("deleteHousehold returned %v", out)
	}
	// Gone from lists, counts, node and nested edges — residents with it.
	res := e.api.Do(t, `query($v: ID!, $h: ID!, $r: ID!) { households { totalCount } residents { totalCount }
		hn: node(id: $h) { id } rn: node(id: $r) { id }
		vn: node(id: $v) { ... on Village { households { totalCount } } } }`, map[string]any{"v": v, "h": h, "r": r1})
	if strings.Join(res.Codes(), ",") != "NOT_FOUND,NOT_FOUND" {
		t.Fatalf("node() of deleted rows: %s", res.ErrorText())
	}
	_ = json.Unmarshal(res.Data, &out)
	if dig(out, "hn") != nil || dig(out, "rn") != nil {
		t.Fatalf("deleted rows resolved through node(): %v", out)
	}
	if dig(out, "households", "totalCount").(float64) != 0 || dig(out, "residents", "totalCount").(float64) != 0 {
		t.Fatalf("deleted rows still listed: %v", out)
	}
	if dig(out, "vn", "households", "totalCount").(float64) != 0 {
		t.Fatalf("deleted household still under its village: %v", out)
	}
	// Deleting again is NOT_FOUND; the number may be used again; now the village can go.
	e.api.Do(t, `mutation($id: ID!) { deleteHousehold(id: $id) }`, map[string]any{"id": h}).Fail(t, "NOT_FOUND")
	h2 := e.createHousehold(t, v, "0001", "王大山")
	e.must(t, `mutation($id: ID!) { deleteHousehold(id: $id) }`, map[string]any{"id": h2})
	e.must(t, `mutation($id: ID!) { deleteVillage(id: $id) }`, map[string]any{"id": v})
	// The rows are still in the database, marked deleted.
	var n int
	if err := e.db.SQL.QueryRow("SELECT COUNT(*) FROM households WHERE deleted_at IS NOT NULL").Scan(&n); err != nil || n != 2 {
		t.Fatalf("soft-deleted households in the table: %d (%v), want 2", n, err)
	}
}

func TestUpdateKeepsScopeAndValidates(t *testing.T) {
	e := newEnv(t)
	tw := e.createTownship(t, "211404100000", "暖池塘镇")
	v := e.createVillage(t, tw, "211404100201", "暖池塘村")
	h := e.createHousehold(t, v, "0001", "王大山")
	out := e.must(t, `mutation($id: ID!) { updateHousehold(id: $id, input: {version: 1, headName: "王大海", causes: [ILLNESS, LACK_OF_FUNDS]}) { headName needy causes version updatedAt createdAt } }`, map[string]any{"id": h})
	if dig(out, "updateHousehold", "headName") != "王大海" || dig(out, "updateHousehold", "needy") != false {
		t.Fatalf("update did not apply: %v", out)
	}
	if fmt.Sprint(dig(out, "updateHousehold", "causes")) != "[ILLNESS LACK_OF_FUNDS]" || dig(out, "updateHousehold", "version") != 2.0 {
		t.Fatalf("causes, version = %v, %v", dig(out, "updateHousehold", "causes"), dig(out, "updateHousehold", "version"))
	}
	// Two officials edit the same version: the second is refused, nothing is overwritten.
	stale := `mutation($id: ID!) { updateHousehold(id: $id, input: {version: 1, headName: "李四"}) { id } }`
	e.api.Do(t, stale, map[string]any{"id": h}).Fail(t, "CONFLICT")
	e.api.Do(t, `mutation($id: ID!) { updateHousehold(id: $id, input: {headName: "李四"}) { id } }`, map[string]any{"id": h}).Fail(t, "BAD_USER_INPUT")
	out = e.must(t, `query($id: ID!) { node(id: $id) { ... on Household { headName version } } }`, map[string]any{"id": h})
	if dig(out, "node", "headName") != "王大海" || dig(out, "node", "version") != 2.0 {
		t.Fatalf("after refused updates: %v", out)
	}
	// villageID is not part of the update input: a household moves only through moveHousehold.
	r := e.api.Do(t, `mutation($id: ID!, $v: ID!) { updateHousehold(id: $id, input: {villageID: $v}) { id } }`, map[string]any{"id": h, "v": v})
	r.Fail(t, "BAD_USER_INPUT")
}

func encodeID(n int) string { return scalar.EncodeID(n) }

func decodeID(t *testing.T, s string) int {
	t.Helper()
	n, err := scalar.DecodeID(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestDeletedRecordsFeed(t *testing.T) {
	e := newEnv(t)
	tw := e.createTownship(t, "211404100000", "暖池塘镇")
	v := e.createVillage(t, tw, "211404100201", "暖池塘村")
	since := time.Now().UTC().Add(-time.Second).Format(time.RFC3339Nano)
	h := e.createHousehold(t, v, "0001", "王大山")
	keep := e.createHousehold(t, v, "0002", "李四")
	e.must(t, `mutation($id: ID!) { deleteHousehold(id: $id) }`, map[string]any{"id": h})
	out := e.must(t, `query($s: Time!) { deletedRecords(type: "Household", since: $s) { recordID deletedAt } }`, map[string]any{"s": since})
	got := dig(out, "deletedRecords").([]any)
	if len(got) != 1 || dig(got[0], "recordID") != h {
		t.Fatalf("deleted since: %v (kept %s)", got, keep)
	}
	e.api.Do(t, `query($s: Time!) { deletedRecords(type: "Nope", since: $s) { recordID } }`, map[string]any{"s": since}).Fail(t, "BAD_USER_INPUT")
	e.api.Do(t, `query($s: Time!) { deletedRecords(type: "Household", since: $s, first: 501) { recordID } }`, map[string]any{"s": since}).Fail(t, "BAD_USER_INPUT")
}

func TestOneDistrictOnly(t *testing.T) {
	e := newEnv(t)
	e.api.Do(t, `mutation { createDistrict(input: {code: "211404000001", name: "另一个区"}) { id } }`, nil).Fail(t, "CONFLICT")
}
