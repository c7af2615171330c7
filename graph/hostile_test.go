package graph_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/vmihailenco/msgpack/v5"

	"github.com/nanpiao/sbqw/authz"
	"github.com/nanpiao/sbqw/ent/schema/enum"
	"github.com/nanpiao/sbqw/httpapi"
	"github.com/nanpiao/sbqw/internal/testkit"
)

// TestHostileInput sends the real handler what careless and hostile clients send — malformed
// JSON, wrong content types, huge bodies, deep and wide queries, alias, fragment and batch
// bombs, invalid IDs and variables, SQL in filters — and checks that each is answered with the
// right status and code, never a 5xx, quickly, and that the server keeps serving: a normal query
// succeeds after each.
func TestHostileInput(t *testing.T) {
	e := newHTTPEnv(t, httpapi.Options{})
	ctx := authz.Bypass(context.Background(), "test fixture")
	d := e.db.Client.District.Create().SetCode("211404000000").SetName("南票区").SaveX(ctx)
	tw := e.db.Client.Township.Create().SetDistrictID(d.ID).SetCode("211404100000").SetName("暖池塘镇").SaveX(ctx)
	v := e.db.Client.Village.Create().SetTownshipID(tw.ID).SetCode("211404100201").SetName("暖池塘村").SaveX(ctx)
	for i := 0; i < 3; i++ {
		e.db.Client.Household.Create().SetVillageID(v.ID).SetTownshipID(tw.ID).SetNumber(fmt.Sprint(i)).SetHeadName("王大山").SaveX(ctx)
	}

	const mib = 1 << 20
	deep := "{ me { " + strings.Repeat("roleBindings { user { ", 40) + "id" + strings.Repeat(" } }", 40) + " } }"
	var fragBomb strings.Builder
	fragBomb.WriteString("query Bomb { ...F30 } fragment F0 on Query { me { id username } } ")
	for i := 1; i <= 30; i++ {
		fmt.Fprintf(&fragBomb, "fragment F%d on Query { ...F%d ...F%d } ", i, i-1, i-1)
	}
	var aliasFragBomb strings.Builder
	aliasFragBomb.WriteString("query Bomb { ...G10 } fragment G0 on Query { a: __typename b: __typename } ")
	for i := 1; i <= 10; i++ {
		fmt.Fprintf(&aliasFragBomb, "fragment G%d on Query { x%d: me { id } ...G%d ...G%d } ", i, i, i-1, i-1)
	}
	batch := func(n int) []byte {
		ops := make([]map[string]any, n)
		for i := range ops {
			ops[i] = map[string]any{"query": "{ me { id } }"}
		}
		b, _ := json.Marshal(ops)
		return b
	}
	raw := func(s string) []byte { return []byte(s) }
	sqlish := "'; DROP TABLE households; --"

	cases := []struct {
		name   string
		c      call
		status int
		code   string
	}{
		// Malformed bodies.
		{"truncated JSON", call{body: raw(`{"query": "{ me { id } }"`)}, 400, "BAD_USER_INPUT"},
		{"not JSON at all", call{body: raw(`query { me { id } }`)}, 400, "BAD_USER_INPUT"},
		{"JSON string", call{body: raw(`"{ me { id } }"`)}, 400, "BAD_USER_INPUT"},
		{"JSON null", call{body: raw(`null`)}, 400, "BAD_USER_INPUT"},
		{"trailing garbage", call{body: raw(`{"query": "{ me { id } }"} {"query": "{ me { id } }"}`)}, 400, "BAD_USER_INPUT"},
		{"empty body", call{body: nil}, 400, "BAD_USER_INPUT"},
		{"query is a number", call{body: raw(`{"query": 42}`)}, 400, "BAD_USER_INPUT"},
		{"variables is a string", call{body: raw(`{"query": "{ me { id } }", "variables": "{}"}`)}, 400, "BAD_USER_INPUT"},
		{"no query", call{body: raw(`{"qeury": "{ me { id } }"}`)}, 400, "BAD_USER_INPUT"},
		{"NUL bytes in the query", call{body: gql("{ me \x00{ id } }", nil)}, 400, "BAD_USER_INPUT"},
		{"invalid UTF-8", call{body: raw("{\"query\": \"{ me { \xff\xfe } }\"}")}, 400, "BAD_USER_INPUT"},
		{"variables nested 100000 deep", call{body: raw(`{"query": "{ me { id } }", "variables": {"v": ` + strings.Repeat("[", 100000) + strings.Repeat("]", 100000) + `}}`)}, 400, "BAD_USER_INPUT"},

		// Wrong content types and methods.
		{"text/plain", call{contentType: "text/plain", body: gql(meOp, nil)}, 415, "BAD_USER_INPUT"},
		{"form-encoded", call{contentType: "application/x-www-form-urlencoded", body: raw("query=%7B+me+%7B+id+%7D+%7D")}, 415, "BAD_USER_INPUT"},
		{"multipart", call{contentType: "multipart/form-data; boundary=x", body: raw("--x\r\n\r\n--x--")}, 415, "BAD_USER_INPUT"},
		{"application/graphql", call{contentType: "application/graphql", body: raw("{ me { id } }")}, 415, "BAD_USER_INPUT"},
		{"no content type", call{contentType: "-", body: gql(meOp, nil)}, 415, "BAD_USER_INPUT"},
		{"latin-1 charset", call{contentType: "application/json; charset=latin1", body: gql(meOp, nil)}, 415, "BAD_USER_INPUT"},
		{"garbage content type", call{contentType: ";;;/", body: gql(meOp, nil)}, 415, "BAD_USER_INPUT"},
		{"DELETE", call{method: "DELETE"}, 405, "BAD_USER_INPUT"},
		{"GET mutation", call{method: "GET", path: getURL(map[string]string{"query": `mutation { logout }`})}, 405, "BAD_USER_INPUT"},
		{"GET with broken variables", call{method: "GET", path: getURL(map[string]string{"query": meOp, "variables": "{nope"})}, 400, "BAD_USER_INPUT"},
		{"GET with a broken query string", call{method: "GET", path: "/graphql?query=%zz"}, 400, "BAD_USER_INPUT"},

		// Huge requests.
		{"a 2 MiB body", call{body: gql(meOp, map[string]any{"pad": strings.Repeat("x", 2*mib)})}, 413, "BAD_USER_INPUT"},
		{"a 100 KiB URL", call{method: "GET", path: getURL(map[string]string{"query": meOp, "variables": `{"pad":"` + strings.Repeat("x", 100<<10) + `"}`})}, 414, "BAD_USER_INPUT"},
		{"a document past the token limit", call{body: gql("{ "+strings.Repeat("__typename ", 6000)+"}", nil)}, 400, "QUERY_TOO_COMPLEX"},
		{"a long document without credentials", call{token: "-", body: gql("{ "+strings.Repeat("__typename ", 1000)+"}", nil)}, 401, "UNAUTHENTICATED"},

		// Deep and wide queries, bombs.
		{"80 levels deep", call{body: gql(deep, nil)}, 400, "QUERY_TOO_COMPLEX"},
		{"first: 500 three deep", call{body: gql(`{ villages(first: 500) { edges { node { households(first: 500) { edges { node { residents(first: 500) { edges { node { id } } } } } } } } } }`, nil)}, 400, "QUERY_TOO_COMPLEX"},
		{"first: 501", call{body: gql(`{ households(first: 501) { totalCount } }`, nil)}, 400, "BAD_USER_INPUT"},
		{"nodes with 100000 IDs", call{body: gql(`query($ids: [ID!]!) { nodes(ids: $ids) { id ... on Household { residents(first: 50) { edges { node { id name } } } } } }`, map[string]any{"ids": repeatIDs(100000)})}, 400, "BAD_USER_INPUT"},
		{"nodes with 1000 IDs, each 500 residents", call{body: gql(`query($ids: [ID!]!) { nodes(ids: $ids) { id ... on Household { residents(first: 500) { edges { node { id name } } } } } }`, map[string]any{"ids": repeatIDs(1000)})}, 400, "QUERY_TOO_COMPLEX"},
		{"alias bomb", call{body: gql("{ "+aliases(1000, "me { id }")+"}", nil)}, 400, "QUERY_TOO_COMPLEX"},
		{"fragment bomb", call{body: gql(fragBomb.String(), nil)}, 400, "QUERY_TOO_COMPLEX"},
		{"aliases multiplied by fragments", call{body: gql(aliasFragBomb.String(), nil)}, 400, "QUERY_TOO_COMPLEX"},
		{"the same field 400 times", call{body: gql("{ "+strings.Repeat("me { id } ", 400)+"}", nil)}, 200, ""},
		{"the same field 1200 times", call{body: gql("{ "+strings.Repeat("me { id } ", 1200)+"}", nil)}, 400, "QUERY_TOO_COMPLEX"},
		{"one field 4800 times (14 KB)", call{body: gql("{ me { "+strings.Repeat("id ", 4800)+"} }", nil)}, 400, "QUERY_TOO_COMPLEX"},
		{"1001 selections through fragments", call{body: gql("{ ...A ...A } fragment A on Query { me { "+strings.Repeat("id ", 500)+"} }", nil)}, 400, "QUERY_TOO_COMPLEX"},

		// Filters and list arguments, bounded before SQL (and before validation).
		{"the 366-byte relation filter five deep", call{body: gql(stallingFilter, nil)}, 400, "QUERY_TOO_COMPLEX"},
		{"the stalling filter in variables", call{body: gql(`query($w: CadreWhereInput) { cadres(where: $w) { totalCount } }`, map[string]any{"w": nestedVar("hasDepartmentWith", "hasCadresWith", 5)})}, 400, "QUERY_TOO_COMPLEX"},
		{"relation filters three deep (admitted)", call{body: gql(`{ cadres(where: {hasDepartmentWith: [{hasCadresWith: [{hasDepartmentWith: [{nameContains: "x"}]}]}]}) { totalCount } }`, nil)}, 200, ""},
		{"relation filters four deep", call{body: gql(`{ cadres(where: {hasDepartmentWith: [{hasCadresWith: [{hasDepartmentWith: [{hasCadresWith: [{nameContains: "x"}]}]}]}]}) { totalCount } }`, nil)}, 400, "QUERY_TOO_COMPLEX"},
		{"17 relation filters in one field", call{body: gql(`{ cadres(where: {or: [`+strings.Repeat(`{hasDepartmentWith: [{nameContains: "a"}]}`, 17)+`]}) { totalCount } }`, nil)}, 400, "QUERY_TOO_COMPLEX"},
		{"idIn with 40000 IDs", call{body: gql(`query($ids: [ID!]) { households(where: {idIn: $ids}) { totalCount } }`, map[string]any{"ids": repeatIDs(40000)})}, 400, "BAD_USER_INPUT"},
		{"idIn with 40000 IDs written out", call{body: gql(`{ households(where: {idIn: [`+strings.Repeat(`"djE6MQ",`, 1100)+`]}) { totalCount } }`, nil)}, 400, "BAD_USER_INPUT"},
		{"nodes with one ID 40000 times", call{body: gql(`query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, map[string]any{"ids": repeatIDs(40000)})}, 400, "BAD_USER_INPUT"},
		{"categoryIn with 5000 values", call{body: gql(`query($c: [HouseholdCategory!]) { households(where: {categoryIn: $c}) { totalCount } }`, map[string]any{"c": repeatStrings("REGISTERED_POOR", 5000)})}, 400, "BAD_USER_INPUT"},
		{"not nested 1100 deep", call{body: gql("{ households(where: "+strings.Repeat("{not: ", 1100)+"{headName: \"x\"}"+strings.Repeat("}", 1100)+") { totalCount } }", nil)}, 400, "BAD_USER_INPUT"},
		{"not nested 1100 deep in variables", call{body: gql(`query($w: HouseholdWhereInput) { households(where: $w) { totalCount } }`, map[string]any{"w": nestedVar("not", "not", 1100)})}, 400, "QUERY_TOO_COMPLEX"},
		{"or nested 7 deep", call{body: gql("{ households(where: "+strings.Repeat("{or: [", 7)+"{headName: \"x\"}"+strings.Repeat("]}", 7)+") { totalCount } }", nil)}, 400, "QUERY_TOO_COMPLEX"},
		{"not and or six deep (admitted)", call{body: gql("{ households(where: "+strings.Repeat("{not: {and: [{or: [", 2)+"{headName: \"x\"}"+strings.Repeat("]}]}}", 2)+") { totalCount } }", nil)}, 200, ""},
		{"batch of 2", call{body: batch(2)}, 400, "BAD_USER_INPUT"},
		{"batch of 10000", call{body: batch(10000)}, 400, "BAD_USER_INPUT"},
		{"20 operations in one document", call{body: raw(`{"operationName": "Q1", "query": "` + strings.Repeat("query Q1 { __typename } ", 1) + manyOps(20) + `"}`)}, 400, "QUERY_TOO_COMPLEX"},
		{"a cyclic fragment", call{body: gql(`{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }`, nil)}, 400, "BAD_USER_INPUT"},
		{"introspection bomb", call{body: gql(`{ __schema { types { fields { type { fields { type { fields { type { fields { name } } } } } } } } } }`, nil)}, 400, "BAD_USER_INPUT"},

		// Invalid IDs and variables.
		{"node of a garbage ID", call{body: gql(`{ node(id: "not-an-id") { id } }`, nil)}, 200, "BAD_USER_INPUT"},
		{"node of an empty ID", call{body: gql(`{ node(id: "") { id } }`, nil)}, 200, "BAD_USER_INPUT"},
		{"node of an ID with SQL", call{body: gql(`query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": "1 OR 1=1; --"})}, 200, "BAD_USER_INPUT"},
		{"node of a huge ID", call{body: gql(`query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": strings.Repeat("9", 5000)})}, 200, "BAD_USER_INPUT"},
		{"node of a well-formed unknown ID", call{body: gql(`{ node(id: "djE6OTk5OTk5OTk5OTk5") { id } }`, nil)}, 200, "NOT_FOUND"},
		{"update with a garbage ID", call{body: gql(`mutation { updateHousehold(id: "garbage", input: {version: 1, headName: "x"}) { id } }`, nil)}, 200, "BAD_USER_INPUT"},
		{"first is a string", call{body: gql(`query($n: Int) { households(first: $n) { totalCount } }`, map[string]any{"n": "ten"})}, 400, "BAD_USER_INPUT"},
		{"first overflows Int", call{body: raw(`{"query": "query($n: Int) { households(first: $n) { totalCount } }", "variables": {"n": 99999999999999999999999}}`)}, 400, "BAD_USER_INPUT"},
		{"first is negative", call{body: gql(`{ households(first: -5) { totalCount } }`, nil)}, 200, "BAD_USER_INPUT"},
		{"a required variable missing", call{body: gql(`query($id: ID!) { node(id: $id) { id } }`, nil)}, 400, "BAD_USER_INPUT"},
		{"an enum value that does not exist", call{body: gql(`{ households(where: {category: NOBODY}) { totalCount } }`, nil)}, 400, "BAD_USER_INPUT"},
		// Custom scalars are decoded as the field runs: an error of the field, data null.
		{"a garbage cursor", call{body: gql(`query($c: Cursor) { households(after: $c) { totalCount } }`, map[string]any{"c": sqlish})}, 200, "BAD_USER_INPUT"},
		{"a hand-made cursor holding a map", call{body: gql(`query($c: Cursor) { households(after: $c, orderBy: [{field: HEAD_NAME}]) { totalCount } }`, map[string]any{"c": handMadeCursor(map[string]any{"i": 1, "v": []any{map[string]any{"x": 1}}})})}, 400, "BAD_USER_INPUT"},
		{"a hand-made cursor with too many values", call{body: gql(`query($c: Cursor) { households(before: $c) { totalCount } }`, map[string]any{"c": handMadeCursor(map[string]any{"i": 1, "v": []any{"a", "b", 3}})})}, 400, "BAD_USER_INPUT"},
		{"a hand-made cursor with a string for a moment", call{body: gql(`query($c: Cursor) { households(after: $c, orderBy: [{field: CREATED_AT}]) { totalCount } }`, map[string]any{"c": handMadeCursor(map[string]any{"i": 1, "v": []any{"'; --"}})})}, 400, "BAD_USER_INPUT"},
		{"a date that is not one", call{body: gql(`query($t: Time) { households(where: {createdAtGT: $t}) { totalCount } }`, map[string]any{"t": "yesterday'; --"})}, 200, "BAD_USER_INPUT"},
		{"an unknown operation name", call{body: raw(`{"query": "query A { __typename }", "operationName": "B"}`)}, 400, "BAD_USER_INPUT"},

		// Credentials.
		{"a forged token", call{token: "eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.", body: gql(meOp, nil)}, 401, "UNAUTHENTICATED"},
		{"a 100 KiB token", call{token: strings.Repeat("A", 100<<10), body: gql(meOp, nil)}, 401, "UNAUTHENTICATED"},
		{"Basic auth", call{token: "-", header: map[string]string{"Authorization": "Basic YWRtaW46YWRtaW4="}, body: gql(meOp, nil)}, 401, "UNAUTHENTICATED"},
		{"introspection without credentials", call{token: "-", body: gql(`{ __schema { types { name } } }`, nil)}, 401, "UNAUTHENTICATED"},
		{"a misspelt field without credentials", call{token: "-", body: gql(`{ me { usernam } }`, nil)}, 401, "UNAUTHENTICATED"},
		{"login beside a query without credentials", call{token: "-", body: gql(`mutation { login(username: "a", password: "b") { token } } query Q { me { id } }`, nil)}, 401, "UNAUTHENTICATED"},
		{"a syntax error without credentials", call{token: "-", body: gql(`mutation { login(`, nil)}, 401, "UNAUTHENTICATED"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			start := time.Now()
			r := e.do(t, c.c)
			if took := time.Since(start); took > 3*time.Second {
				t.Errorf("answered after %v", took)
			}
			if r.Status >= 500 {
				t.Fatalf("a 5xx: %s", r)
			}
			if r.Status != c.status || r.code() != c.code {
				t.Fatalf("want HTTP %d %q, got %s", c.status, c.code, r)
			}
			if c.code != "" && len(r.Errors[0].Message) == 0 {
				t.Fatalf("an error without a message: %s", r)
			}
			if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/") {
				t.Fatalf("not a GraphQL body: %s", r)
			}
			// The server keeps serving.
			if ok := e.do(t, call{body: gql(meOp, nil)}); ok.Status != 200 || ok.code() != "" {
				t.Fatalf("a normal query after it failed: %s", ok)
			}
		})
	}

	// A request line and headers over net/http's limit (1 MiB) are refused by net/http itself,
	// before any handler: 431, the one refusal without a GraphQL body.
	t.Run("a 2 MiB URL", func(t *testing.T) {
		r := e.do(t, call{method: "GET", path: getURL(map[string]string{"query": meOp, "variables": `{"pad":"` + strings.Repeat("x", 2*mib) + `"}`})})
		if r.Status != 431 {
			t.Fatalf("want 431 from net/http, got %s", r)
		}
		if ok := e.do(t, call{body: gql(meOp, nil)}); ok.Status != 200 || ok.code() != "" {
			t.Fatalf("a normal query after it failed: %s", ok)
		}
	})

	t.Run("nodes: an unknown ID 1000 times beside a known one is one error", func(t *testing.T) {
		var first struct {
			Households struct {
				Edges []struct{ Node struct{ ID string } }
			}
		}
		e.srv.API.As(e.token).Must(t, `{ households(first: 1) { edges { node { id } } } }`, nil, &first)
		known := first.Households.Edges[0].Node.ID
		ids := append(repeatStrings("djE6OTk5OTk5", 999), known)
		r := e.do(t, call{body: gql(`query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, map[string]any{"ids": ids})})
		if r.Status != 200 || len(r.Errors) != 1 || r.code() != "NOT_FOUND" {
			t.Fatalf("want 200 with one NOT_FOUND, got %d errors: %s", len(r.Errors), r)
		}
		var data struct{ Nodes []*struct{ ID string } }
		if err := json.Unmarshal(r.Data, &data); err != nil || len(data.Nodes) != 1000 || data.Nodes[999] == nil || data.Nodes[999].ID != known || data.Nodes[0] != nil {
			t.Fatalf("want 999 nulls and the known household last: %v %.300s", err, r.Data)
		}
	})

	t.Run("a cursor reused without its orderBy", func(t *testing.T) {
		var page struct {
			Households struct{ PageInfo struct{ EndCursor string } }
		}
		e.srv.API.As(e.token).Must(t, `{ households(first: 1, orderBy: [{field: HEAD_NAME}]) { pageInfo { endCursor } edges { cursor } } }`, nil, &page)
		c := page.Households.PageInfo.EndCursor
		q := `query($c: Cursor) { households(first: 2, after: $c%s) { totalCount edges { node { id } } } }`
		if ok := e.do(t, call{body: gql(fmt.Sprintf(q, ", orderBy: [{field: HEAD_NAME}]"), map[string]any{"c": c})}); ok.Status != 200 || ok.code() != "" {
			t.Fatalf("the cursor with its own orderBy: %s", ok)
		}
		for _, order := range []string{"", ", orderBy: [{field: CREATED_AT}]", ", orderBy: [{field: HEAD_NAME}, {field: NUMBER}]"} {
			r := e.do(t, call{body: gql(fmt.Sprintf(q, order), map[string]any{"c": c})})
			if r.Status != 400 || r.code() != "BAD_USER_INPUT" || len(r.Errors) != 1 {
				t.Fatalf("orderBy %q: want 400 BAD_USER_INPUT, got %s", order, r)
			}
		}
	})

	t.Run("errors per response are bounded", func(t *testing.T) {
		var b strings.Builder
		for i := 0; i < 60; i++ {
			fmt.Fprintf(&b, "usernam%d ", i)
		}
		r := e.do(t, call{body: gql("{ me { "+b.String()+"} }", nil)})
		if r.Status != 400 || len(r.Errors) != 20 {
			t.Fatalf("want 400 with 20 errors, got %d: %s", len(r.Errors), r)
		}
		var ext struct{ Extensions map[string]any }
		_ = json.Unmarshal(r.Raw, &ext)
		if ext.Extensions["errorsOmitted"] != float64(40) {
			t.Fatalf("want extensions.errorsOmitted 40, got %v", ext.Extensions)
		}
		if strings.Contains(string(r.Raw), "Did you mean") {
			t.Fatalf("validation suggests names: %s", r)
		}
	})

	t.Run("refusing 4800 repeats of a field is cheap", func(t *testing.T) {
		body := gql("{ me { "+strings.Repeat("id ", 4800)+"} }", nil)
		start := time.Now()
		for i := 0; i < 5; i++ {
			if r := e.do(t, call{body: body}); r.code() != "QUERY_TOO_COMPLEX" {
				t.Fatalf("admitted: %s", r)
			}
		}
		if took := time.Since(start) / 5; took > 200*time.Millisecond {
			t.Fatalf("refusing took %v a request (it was seconds when validation ran first)", took)
		}
	})

	t.Run("without credentials nothing is validated", func(t *testing.T) {
		r := e.do(t, call{token: "-", body: gql(`{ me { usernam } households(frist: 1) { totalCount } }`, nil)})
		if r.Status != 401 || len(r.Errors) != 1 || strings.Contains(string(r.Raw), "usernam") || strings.Contains(string(r.Raw), "Did you mean") {
			t.Fatalf("want one bare UNAUTHENTICATED, got %s", r)
		}
		// login itself is still open.
		testkit.CreateUser(t, e.db.Client, "anon-check", testkit.Binding{Role: enum.RoleDistrict})
		ok := e.do(t, call{token: "-", body: gql(`mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }`, map[string]any{"u": "anon-check", "p": testkit.Password})})
		if ok.Status != 200 || ok.code() != "" {
			t.Fatalf("login without credentials: %s", ok)
		}
	})

	t.Run("SQL in filters finds nothing and drops nothing", func(t *testing.T) {
		for _, q := range []string{
			`query($s: String) { households(where: {headNameContains: $s}) { totalCount edges { node { id } } } }`,
			`query($s: String) { villages(where: {nameContains: $s}) { totalCount } }`,
			`query($s: String) { households(where: {or: [{headName: $s}, {numberHasPrefix: $s}]}) { totalCount } }`,
			`query($s: String) { villages(where: {hasHouseholdsWith: [{headNameContainsFold: $s}]}) { totalCount } }`,
		} {
			for _, s := range []string{sqlish, `" OR 1=1 --`, `%`, `_`, `\`, "王大山'); DELETE FROM villages; --"} {
				r := e.do(t, call{body: gql(q, map[string]any{"s": s})})
				if r.Status != 200 || r.code() != "" {
					t.Fatalf("%s with %q: %s", q, s, r)
				}
				if !strings.Contains(string(r.Data), `"totalCount":0`) || strings.Contains(string(r.Data), `"node"`) {
					t.Fatalf("%s with %q matched rows: %s", q, s, r.Data)
				}
			}
		}
		// The same filter finds what it should: the strings above were compared, not run.
		r := e.do(t, call{body: gql(`query($s: String) { households(where: {headNameContains: $s}) { totalCount } }`, map[string]any{"s": "大山"})})
		if !strings.Contains(string(r.Data), `"totalCount":3`) {
			t.Fatalf("the filter does not match real rows: %s", r)
		}
		var n int
		if err := e.db.SQL.QueryRow("SELECT COUNT(*) FROM households").Scan(&n); err != nil || n != 3 {
			t.Fatalf("households table after the filters: %d rows (%v)", n, err)
		}
		if err := e.db.SQL.QueryRow("SELECT COUNT(*) FROM villages").Scan(&n); err != nil || n != 1 {
			t.Fatalf("villages table after the filters: %d rows (%v)", n, err)
		}
	})
}

// stallingFilter is the 366-byte filter: relation filters nested five deep.
const stallingFilter = `query { cadres(where: {hasDepartmentWith: [{hasCadresWith: [{hasDepartmentWith: [{hasCadresWith: [{hasDepartmentWith: [{nameContains: "a"}]}]}]}]}]}) { totalCount edges { node { id name } } } }`

// nestedVar nests filters n deep as a variable's JSON, alternating keys a and b; has…With
// takes a list, not an object.
func nestedVar(a, b string, n int) map[string]any {
	inner := map[string]any{"nameContains": "a"}
	if a == "not" {
		inner = map[string]any{"headName": "x"}
	}
	for i := 0; i < n; i++ {
		k := a
		if i%2 == 1 {
			k = b
		}
		if strings.HasPrefix(k, "has") {
			inner = map[string]any{k: []any{inner}}
		} else {
			inner = map[string]any{k: inner}
		}
	}
	return inner
}

// handMadeCursor encodes a cursor as entgql does (msgpack, base64), with whatever it holds.
func handMadeCursor(v map[string]any) string {
	b, err := msgpack.Marshal(v)
	if err != nil {
		panic(err)
	}
	return base64.RawStdEncoding.EncodeToString(b)
}

func repeatStrings(s string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = s
	}
	return out
}

// repeatIDs is n copies of a syntactically valid ID.
func repeatIDs(n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = "djE6MQ"
	}
	return ids
}

// manyOps is n more operation definitions, named Q2…, as JSON string content.
func manyOps(n int) string {
	var b strings.Builder
	for i := 2; i <= n; i++ {
		fmt.Fprintf(&b, "query Q%d { __typename } ", i)
	}
	return b.String()
}
