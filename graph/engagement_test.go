package graph_test

import (
	"database/sql"
	"fmt"
	"strings"
	"testing"

	"github.com/nanpiao/sbqw/internal/testkit"
)

// memberIDs pages through a root connection with a filter and returns the member of every row
// (the row itself for partyMembers).
func memberIDs(t *testing.T, api *testkit.API, root, where string, vars map[string]any) map[int]bool {
	t.Helper()
	sel := "member { id }"
	if root == "partyMembers" {
		sel = "id"
	}
	params := "$after: Cursor"
	for _, v := range []string{"first", "last"} {
		if strings.Contains(where, "$"+v) {
			params += ", $" + v + ": Date"
		} else {
			delete(vars, v)
		}
	}
	q := fmt.Sprintf(`query(%s) { %s(first: 500, after: $after, where: %s) {
		pageInfo { hasNextPage endCursor } edges { node { %s } } } }`, params, root, where, sel)
	out := map[int]bool{}
	var after any
	for {
		vars["after"] = after
		var page map[string]any
		api.Must(t, q, vars, &page)
		for _, e := range dig(page, root, "edges").([]any) {
			if root == "partyMembers" {
				out[decodeID(t, dig(e, "node", "id").(string))] = true
			} else {
				out[decodeID(t, dig(e, "node", "member", "id").(string))] = true
			}
		}
		if !dig(page, root, "pageInfo", "hasNextPage").(bool) {
			return out
		}
		after = dig(page, root, "pageInfo", "endCursor")
	}
}

// TestMemberEngagementEqualsScopedLists: memberEngagement's counts, per unit, are what the
// caller finds by paging through its own lists of members, posts, contributions and team
// memberships — for DISTRICT, TOWNSHIP and VILLAGE_SECRETARY.
func TestMemberEngagementEqualsScopedLists(t *testing.T) {
	m := newMatrix(t)
	const year = 2026
	vars := func() map[string]any { return map[string]any{"first": "2026-01-01", "last": "2026-12-31"} }
	for _, c := range []struct{ user, groupBy, column string }{
		{"admin", "TOWNSHIP", "township_id"}, {"township01", "VILLAGE", "village_id"}, {"village001", "VILLAGE", "village_id"},
	} {
		t.Run(c.user, func(t *testing.T) {
			api := m.apis[c.user]
			active := memberIDs(t, api, "partyMembers", "{status: ACTIVE}", vars())
			sets := map[string]map[int]bool{
				"withPost":         memberIDs(t, api, "posts", "{startOnLTE: $last, or: [{endOnIsNil: true}, {endOnGTE: $first}]}", vars()),
				"withContribution": memberIDs(t, api, "contributions", "{onGTE: $first, onLTE: $last}", vars()),
				"inTeam":           memberIDs(t, api, "teamMemberships", "{joinedOnLTE: $last}", vars()),
			}
			// The unit of each active member, from its scope column.
			unit := map[int]int{}
			rows, err := m.db.Query("SELECT id, " + c.column + " FROM party_members WHERE deleted_at IS NULL")
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var id int
				var u sql.NullInt64
				if err := rows.Scan(&id, &u); err != nil {
					t.Fatal(err)
				}
				unit[id] = int(u.Int64)
			}
			rows.Close()
			want := map[int]map[string]int{}
			for id := range active {
				u := unit[id]
				if want[u] == nil {
					want[u] = map[string]int{}
				}
				want[u]["members"]++
				all := true
				for name, s := range sets {
					if s[id] {
						want[u][name]++
					} else {
						all = false
					}
				}
				if all {
					want[u]["engaged"]++
				}
			}
			delete(want, 0) // members of a department's organisation: in no township or village row
			var out map[string]any
			api.Must(t, `query($y: Int!, $g: StatsGrouping!) { memberEngagement(year: $y, groupBy: $g) {
				township { id } village { id } members withPost withContribution inTeam engaged } }`,
				map[string]any{"y": year, "g": c.groupBy}, &out)
			got := dig(out, "memberEngagement").([]any)
			if len(got) != len(want) {
				t.Fatalf("%d units, the lists give %d", len(got), len(want))
			}
			engaged := 0
			for _, r := range got {
				idPath := []any{"township", "id"}
				if c.groupBy == "VILLAGE" {
					idPath = []any{"village", "id"}
				}
				u := decodeID(t, dig(r, idPath...).(string))
				for _, f := range []string{"members", "withPost", "withContribution", "inTeam", "engaged"} {
					if n := int(dig(r, f).(float64)); n != want[u][f] {
						t.Errorf("unit %d: %s = %d, the lists give %d", u, f, n, want[u][f])
					}
				}
				engaged += want[u]["engaged"]
			}
			if engaged == 0 && c.user == "admin" { // a single village may have none
				t.Fatalf("no engaged member in the district: the test proves little")
			}
		})
	}
}
