package graph_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/nanpiao/sbqw/graph/scalar"
)

// The attachment column of the role × entity matrix (scope_matrix_test.go), kept apart: the
// rows each account reaches are written here over the owner records, from DESIGN.md and
// docs/attachments.md ("an attachment is seen by exactly those who see its owner") — not from
// the attachment's own copied scope columns, which are what the authorization layer reads.

// expectedAttachments is the WHERE clause over attachments of the rows account a reaches.
func expectedAttachments(a account) expected {
	type owners struct{ visits, stages, rects, contribs, demands string }
	where := func(o owners, args ...any) expected {
		var parts []string
		for col, sub := range map[string]string{"visit_id": o.visits, "demo_project_stage_id": o.stages,
			"rectification_id": o.rects, "contribution_id": o.contribs, "demand_id": o.demands} {
			if sub != "" {
				parts = append(parts, col+" IN ("+sub+")")
			}
		}
		// Map order is random: sort so that the argument order below holds.
		for i := range parts {
			for j := i + 1; j < len(parts); j++ {
				if parts[j] < parts[i] {
					parts[i], parts[j] = parts[j], parts[i]
				}
			}
		}
		return expected{where: strings.Join(parts, " OR "), args: args}
	}
	switch a.role {
	case "DISTRICT", "AUDITOR":
		return expected{where: "1 = 1"}
	case "TOWNSHIP":
		// The owners' own township; a contribution is where its member is.
		return where(owners{
			contribs: "SELECT id FROM contributions WHERE member_id IN (SELECT id FROM party_members WHERE township_id = ?)",
			stages:   "SELECT id FROM demo_project_stages WHERE township_id = ?",
			demands:  "SELECT id FROM demands WHERE township_id = ?",
			rects:    "SELECT id FROM rectifications WHERE township_id = ?",
			visits:   "SELECT id FROM visits WHERE township_id = ?",
		}, a.township, a.township, a.township, a.township, a.township)
	case "VILLAGE_SECRETARY":
		return where(owners{
			contribs: "SELECT id FROM contributions WHERE member_id IN (SELECT id FROM party_members WHERE village_id = ?)",
			stages:   "SELECT id FROM demo_project_stages WHERE village_id = ?",
			demands:  "SELECT id FROM demands WHERE village_id = ?",
			rects:    "SELECT id FROM rectifications WHERE village_id = ?",
			visits:   "SELECT id FROM visits WHERE village_id = ?",
		}, a.village, a.village, a.village, a.village, a.village)
	case "CADRE":
		// The visits of its active pairings, the demands of its actively paired households.
		return where(owners{
			demands: "SELECT id FROM demands WHERE household_id IN (SELECT household_id FROM pairings WHERE cadre_id = ? AND active = ? AND deleted_at IS NULL)",
			visits:  "SELECT id FROM visits WHERE pairing_id IN (SELECT id FROM pairings WHERE cadre_id = ? AND active = ? AND deleted_at IS NULL)",
		}, a.cad, true, a.cad, true)
	case "DEPARTMENT":
		d := a.dept
		return where(owners{
			contribs: "SELECT id FROM contributions WHERE member_id IN (SELECT id FROM party_members WHERE deleted_at IS NULL AND organization_id IN (SELECT id FROM party_organizations WHERE department_id = ?))",
			demands:  "SELECT id FROM demands WHERE department_id = ? OR id IN (SELECT demand_id FROM department_assisted_demands WHERE department_id = ?)",
			rects:    "SELECT id FROM rectifications WHERE department_id = ?",
			visits:   "SELECT id FROM visits WHERE department_id = ?",
		}, d, d, d, d, d)
	}
	return expected{forbidden: true} // POVERTY_OFFICE
}

// TestRoleSeesExactlyItsAttachments: for every sampled account, the attachments root list and
// its totalCount equal the oracle; POVERTY_OFFICE is FORBIDDEN; an attachment outside the
// account's scope is NOT_FOUND through node, exactly like an absent ID. The demo has
// attachments on every owner kind in every township, so most accounts reach some.
func TestRoleSeesExactlyItsAttachments(t *testing.T) {
	m := newMatrix(t)
	absent := scalar.EncodeID(41<<32 + 999_999)
	reaching := 0
	var counts []string
	for _, u := range matrixAccounts {
		t.Run(u, func(t *testing.T) {
			want := expectedAttachments(m.accs[u])
			if want.forbidden {
				m.apis[u].Do(t, `{ attachments(first: 1) { totalCount } }`, nil).Fail(t, "FORBIDDEN")
				return
			}
			wantIDs := expectedIDs(t, m.db, "attachments", want)
			got, total := allIDs(t, m.apis[u], "attachments")
			if total != len(wantIDs) {
				t.Fatalf("totalCount %d, oracle %d", total, len(wantIDs))
			}
			if missing, extra := diff(wantIDs, got); len(missing)+len(extra) > 0 {
				t.Fatalf("missing %d attachments (e.g. %v), %d outside the scope (e.g. %v)", len(missing), first(missing), len(extra), first(extra))
			}
			if len(wantIDs) > 0 {
				reaching++
			}
			counts = append(counts, fmt.Sprintf("%s %d", u, len(wantIDs)))
			all := expectedIDs(t, m.db, "attachments", expected{where: "1 = 1"})
			for id := range all {
				if wantIDs[id] {
					continue
				}
				q := `query($id: ID!) { node(id: $id) { id ... on Attachment { name url } } }`
				rf := m.apis[u].Do(t, q, map[string]any{"id": scalar.EncodeID(id)})
				ra := m.apis[u].Do(t, q, map[string]any{"id": absent})
				if rf.Code() != "NOT_FOUND" || rf.ErrorText() != ra.ErrorText() || string(rf.Data) != string(ra.Data) {
					t.Fatalf("foreign attachment %d through node: %s %s", id, rf.Data, rf.ErrorText())
				}
				break // one per account: the root list above covers the rest
			}
		})
	}
	if reaching < 7 {
		t.Errorf("only %d of %d accounts reach an attachment in the demo: the matrix proves little", reaching, len(matrixAccounts))
	}
	t.Logf("%d of %d accounts reach attachments: %s", reaching, len(matrixAccounts), strings.Join(counts, ", "))
}
