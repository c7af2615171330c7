package graph_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/nanpiao/sbqw/authz"
	"github.com/nanpiao/sbqw/ent/schema/enum"
	"github.com/nanpiao/sbqw/internal/testkit"
)

// TestNestedPagesEqualEachParentsOwnPage: a page of a nested connection — every village's
// households in one statement, limited per village (entgql.LimitPerRow's window) — is, village
// by village, the page that village's own connection gives (node(id:), one village: a plain
// ORDER BY … LIMIT): edges, cursors, totalCount and pageInfo, for first, last, after, before,
// orderBy and where, read as a TOWNSHIP user, so the scope filter is in force. Any other shape
// of the per-parent limit (docs/benchmark.md, "Nested reads: the query shape") must pass it.
func TestNestedPagesEqualEachParentsOwnPage(t *testing.T) {
	e := newEnv(t)
	ctx := authz.Bypass(context.Background(), "test fixture")
	c := e.db.Client
	var own int
	for ti := 0; ti < 2; ti++ {
		tw := c.Township.Create().SetDistrictID(decodeID(t, e.district)).SetCode(fmt.Sprintf("211404%03d000", 100+ti)).SetName(fmt.Sprintf("镇%d", ti)).SaveX(ctx)
		if ti == 0 {
			own = tw.ID
		}
		for vi, n := range []int{0, 1, 5, 12} {
			v := c.Village.Create().SetTownshipID(tw.ID).SetCode(fmt.Sprintf("211404%03d%03d", 100+ti, 200+vi)).SetName(fmt.Sprintf("村%d%d", ti, vi)).SaveX(ctx)
			for hi := 0; hi < n; hi++ {
				needy := hi%3 != 0
				status := enum.StatusNotPoor
				if needy {
					status = enum.StatusInPoverty
				}
				c.Household.Create().SetVillageID(v.ID).SetTownshipID(tw.ID).SetNumber(fmt.Sprintf("%02d", hi)).
					SetHeadName(fmt.Sprintf("户主%d", (hi*7)%5)).SetPovertyStatus(status).SetNeedy(needy).SaveX(ctx)
			}
		}
	}
	testkit.CreateUser(t, c, "tw_pages", testkit.Binding{Role: enum.RoleTownship, TownshipID: &own})
	var login struct{ Login struct{ Token string } }
	e.api.As("").Must(t, `mutation($p: String!) { login(username: "tw_pages", password: $p) { token } }`, map[string]any{"p": testkit.Password}, &login)
	tw := e.api.As(login.Login.Token)

	const conn = `households(first: $first, last: $last, after: $after, before: $before, orderBy: $orderBy, where: $where) {
		totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { number headName } } }`
	const params = `$first: Int, $last: Int, $after: Cursor, $before: Cursor, $orderBy: [HouseholdOrder!], $where: HouseholdWhereInput`
	nested := `query($t: ID!, ` + params + `) { villages(first: 20, where: {townshipID: $t}, orderBy: [{field: CODE}]) { edges { node { id ` + conn + ` } } } }`
	single := `query($v: ID!, ` + params + `) { node(id: $v) { ... on Village { ` + conn + ` } } }`

	// Cursors to page from: the third household (by id) and the second by head name, descending,
	// of the 12-household village.
	var big map[string]any
	tw.Must(t, nested, map[string]any{"t": encodeID(own), "first": 12}, &big)
	villages := dig(big, "villages", "edges").([]any)
	if len(villages) != 4 {
		t.Fatalf("%d villages visible, want the 4 of the township", len(villages))
	}
	cursor := dig(villages[3], "node", "households", "edges", 2, "cursor")
	var byName map[string]any
	desc := []any{map[string]any{"field": "HEAD_NAME", "direction": "DESC"}}
	tw.Must(t, nested, map[string]any{"t": encodeID(own), "first": 12, "orderBy": desc}, &byName)
	nameCursor := dig(byName, "villages", "edges", 3, "node", "households", "edges", 1, "cursor")

	for _, tc := range []struct {
		name string
		vars map[string]any
	}{
		{"first 3", map[string]any{"first": 3}},
		{"first 3 needy", map[string]any{"first": 3, "where": map[string]any{"needy": true}}},
		{"first 2 by head name desc", map[string]any{"first": 2, "orderBy": desc}},
		{"last 2", map[string]any{"last": 2}},
		{"first 4 after", map[string]any{"first": 4, "after": cursor}},
		{"last 1 before", map[string]any{"last": 1, "before": cursor}},
		{"first 2 after, by head name desc", map[string]any{"first": 2, "after": nameCursor, "orderBy": desc}},
		{"last 3 before, by head name desc", map[string]any{"last": 3, "before": nameCursor, "orderBy": desc}},
		{"first 20 (all)", map[string]any{"first": 20}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			vars := map[string]any{"t": encodeID(own)}
			for k, v := range tc.vars {
				vars[k] = v
			}
			var out map[string]any
			tw.Must(t, nested, vars, &out)
			for _, v := range dig(out, "villages", "edges").([]any) {
				id := dig(v, "node", "id").(string)
				one := map[string]any{"v": id}
				for k, x := range tc.vars {
					one[k] = x
				}
				var alone map[string]any
				tw.Must(t, single, one, &alone)
				got, _ := json.Marshal(dig(v, "node", "households"))
				want, _ := json.Marshal(dig(alone, "node", "households"))
				if string(got) != string(want) {
					t.Errorf("village %s:\nnested %s\nalone  %s", id, got, want)
				}
			}
		})
	}
}
