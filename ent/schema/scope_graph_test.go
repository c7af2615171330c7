package schema_test

import (
	"slices"
	"testing"

	"github.com/nanpiao/sbqw/authz"
	gen "github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/ent/household"
	"github.com/nanpiao/sbqw/ent/schema/scope"
	"github.com/nanpiao/sbqw/internal/testkit"
)

// TestEverythingUnderHouseholdIsCovered derives from the migration schema's foreign keys — not
// from any hand-written list — every table that hangs under households, directly or through
// other children, and checks that the generated scope table moves it with the household,
// soft-deletes it, inherits its scope from a parent, filters it by township and village, and
// that authz knows it. A new child entity is covered (or fails here) with no hand edit.
func TestEverythingUnderHouseholdIsCovered(t *testing.T) {
	under := map[string]bool{}
	for _, table := range testkit.TablesUnder(household.Table) {
		under[table] = true
	}
	if len(under) < 5 {
		t.Fatalf("found only %d tables under households: %v", len(under), under)
	}
	typeOf := map[string]string{}
	for typ, table := range gen.TypeTables {
		typeOf[table] = typ
	}
	moved := gen.Scopes[gen.TypeHousehold].Descendants
	for table := range under {
		typ := typeOf[table]
		sc, ok := gen.Scopes[typ]
		switch {
		case !ok:
			t.Errorf("%s (%s) hangs under households but has no generated scope", table, typ)
			continue
		case !slices.Contains(moved, table):
			t.Errorf("%s hangs under households but a household move does not rewrite it", table)
		case !sc.SoftDelete:
			t.Errorf("%s hangs under households but is not in the soft-delete set", table)
		case len(sc.Parents) == 0:
			t.Errorf("%s hangs under households but inherits its scope from no parent", table)
		case authz.ObjectOf(typ) == "":
			t.Errorf("authz does not know %s", typ)
		}
		kinds := map[scope.Kind]string{}
		for _, w := range sc.Read {
			kinds[w.Kind] = w.Column
		}
		if kinds[scope.Township] != household.FieldTownshipID || kinds[scope.Village] != household.FieldVillageID {
			t.Errorf("%s hangs under households but is not filtered by township and village: %v", table, sc.Read)
		}
	}
	for _, table := range moved {
		if !under[table] {
			t.Errorf("a household move rewrites %s, which does not hang under households", table)
		}
	}
	t.Logf("tables under households: %v", moved)
}

// TestEveryTypeHasAScope: the generated table covers every ent type, and authz compiled it.
func TestEveryTypeHasAScope(t *testing.T) {
	for typ := range gen.TypeTables {
		if _, ok := gen.Scopes[typ]; !ok {
			t.Errorf("%s has no generated scope", typ)
		}
		if authz.ObjectOf(typ) == "" {
			t.Errorf("authz has no object for %s", typ)
		}
	}
}
