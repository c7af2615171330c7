package graph_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/nanpiao/sbqw/internal/testkit"
)

// The records that used to be reachable only under their parents have root lists, so that an
// integration can keep a copy: filter by updatedAt, order by it, page through. Who sees which
// rows is the scope matrix's business (scope_matrix_test.go); here, that the lists answer to
// where and orderBy.
func TestRootListsFilterByUpdatedAt(t *testing.T) {
	db := testkit.LoadDemo(t)
	srv := testkit.NewServer(t, db)
	for _, api := range []*testkit.API{srv.Login(t, "admin"), srv.Login(t, "township01")} {
		for _, root := range []string{"contributions", "posts", "teamMemberships", "demandEvents", "demoProjectStages", "cadreAssignments"} {
			t.Run(root, func(t *testing.T) {
				q := fmt.Sprintf(`query($since: Time) { %s(first: 50, where: {updatedAtGT: $since}, orderBy: [{field: UPDATED_AT, direction: DESC}, {field: CREATED_AT}]) {
					totalCount edges { node { id updatedAt } } } }`, root)
				var all map[string]any
				api.Must(t, q, map[string]any{"since": "2000-01-01T00:00:00Z"}, &all)
				edges := dig(all, root, "edges").([]any)
				if len(edges) == 0 {
					t.Fatalf("%s: no rows in the demo district", root)
				}
				var prev time.Time
				for i, e := range edges {
					at, err := time.Parse(time.RFC3339Nano, dig(e, "node", "updatedAt").(string))
					if err != nil {
						t.Fatal(err)
					}
					if i > 0 && at.After(prev) {
						t.Fatalf("%s: not ordered by updatedAt DESC: %v after %v", root, at, prev)
					}
					prev = at
				}
				newest := dig(edges[0], "node", "updatedAt").(string)
				var none map[string]any
				api.Must(t, q, map[string]any{"since": newest}, &none)
				if n := dig(none, root, "totalCount").(float64); n != 0 {
					t.Fatalf("%s: %v rows changed after the newest change %s", root, n, newest)
				}
			})
		}
	}
}
