package schema_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/nanpiao/sbqw/authz"
	gen "github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/ent/schema/enum"
	"github.com/nanpiao/sbqw/internal/testkit"
)

// TestScopeColumnsAgreeWithParents: for every parent in the generated scope table, on the demo district, plus rows written through the hooks
// that fill scope columns, every row's scope columns equal its parent's.
func TestScopeColumnsAgreeWithParents(t *testing.T) {
	db := testkit.LoadDemo(t)
	addRowsThroughHooks(t, db.Client)

	checked := 0
	for typ, sc := range gen.Scopes {
		child := gen.TypeTables[typ]
		for _, r := range sc.Parents {
			for _, c := range r.Columns {
				if attachmentDropsColumn(typ, r.Table, c) {
					// The attachment hook clears it instead (ent/schema/attachment.go,
					// attachmentOwner): it must be NULL.
					var set int
					q := fmt.Sprintf("SELECT COUNT(*) FROM %s WHERE %s IS NOT NULL AND %s IS NOT NULL", child, r.FK, c)
					if err := db.SQL.QueryRow(q).Scan(&set); err != nil {
						t.Fatalf("%s: %v", q, err)
					}
					if set > 0 {
						t.Errorf("%d %s rows under %s keep %s, which the attachment hook clears", set, child, r.Table, c)
					}
					continue
				}
				// A child column differs from its parent's (NULL only equals NULL).
				q := fmt.Sprintf(`SELECT COUNT(*) FROM %s c JOIN %s p ON c.%s = p.id
					WHERE COALESCE(c.%s, -1) <> COALESCE(p.%s, -1)`,
					child, r.Table, r.FK, c, c)
				if child == "pairings" && r.Table == "cadres" {
					q += " AND c.active" // an ended pairing keeps the department of its time (transferCadre)
				}
				var bad, total int
				if err := db.SQL.QueryRow(q).Scan(&bad); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
				if err := db.SQL.QueryRow(fmt.Sprintf("SELECT COUNT(*) FROM %s WHERE %s IS NOT NULL", child, r.FK)).Scan(&total); err != nil {
					t.Fatal(err)
				}
				if bad > 0 {
					t.Errorf("%d of %d %s rows disagree with %s on %s", bad, total, child, r.Table, c)
				}
				checked += total
			}
		}
	}
	if checked < 100000 {
		t.Fatalf("checked only %d row-columns; the demo district did not load?", checked)
	}
	t.Logf("checked %d row-columns", checked)
}

// attachmentDropsColumn: the scope columns an attachment does not take from its owner,
// because they reach the owner differently (see attachmentOwner in attachment.go): a
// household only through a demand, a department only through a visit (a demand's and a
// rectification's department are reached through demand_id and rectification_id, as they are
// now).
func attachmentDropsColumn(typ, parent, column string) bool {
	if typ != gen.TypeAttachment {
		return false
	}
	switch column {
	case "household_id":
		return parent != gen.TypeTables[gen.TypeDemand]
	case "department_id":
		return parent != gen.TypeTables[gen.TypeVisit]
	}
	return false
}

// addRowsThroughHooks writes rows without their scope columns, so the scope mixin fills them.
func addRowsThroughHooks(t *testing.T, c *gen.Client) {
	ctx := authz.Bypass(context.Background(), "test fixture")
	h := c.Household.Query().FirstX(ctx)
	c.Resident.Create().SetHouseholdID(h.ID).SetName("测试居民").SetRelation(enum.RelationHead).
		SetIDNumber(testkit.IDNumber("19991231", 7, true)).SaveX(ctx)
	p := c.Pairing.Query().FirstX(ctx)
	v := c.Visit.Create().SetPairingID(p.ID).SetVisitedAt(time.Now()).SaveX(ctx)
	d := c.Demand.Create().SetHouseholdID(p.HouseholdID).SetVisitID(v.ID).SetCategory(enum.DemandCategory("HEALTH")).SetContent("看病难").SaveX(ctx)
	c.DemandEvent.Create().SetDemandID(d.ID).SetToStatus(enum.DemandRegistered).SaveX(ctx)
	team := c.Team.Query().FirstX(ctx)
	m := c.PartyMember.Query().FirstX(ctx)
	c.Contribution.Create().SetTeamID(team.ID).SetMemberID(m.ID).SetOn(time.Now()).SetDescription("宣讲").SaveX(ctx)
}
