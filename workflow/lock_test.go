package workflow

import (
	"context"
	"testing"

	"github.com/nanpiao/sbqw/authz"
	"github.com/nanpiao/sbqw/ent"
)

// TestHeldRowOnlyForItsWrite: a held row answers only for its table, ID and viewer; a column
// not given to Hold sends the caller back to the table, and an optional column read as 0 is
// NULL.
func TestHeldRowOnlyForItsWrite(t *testing.T) {
	alice, bob := &authz.Viewer{UserID: 1}, &authz.Viewer{UserID: 2}
	ctx := Hold(authz.NewContext(context.Background(), alice), ent.TypePairing, 7, &ent.Pairing{ID: 7},
		map[string]int{"township_id": 3, "village_id": 0})
	table := ent.TypeTables[ent.TypePairing]
	if !HeldVisible(ctx, table, 7) || heldPairing(ctx, 7) == nil {
		t.Fatal("the held pairing is not seen")
	}
	if HeldVisible(ctx, table, 8) || HeldVisible(ctx, ent.TypeTables[ent.TypeHousehold], 7) || heldPairing(ctx, 8) != nil {
		t.Fatal("another row is taken for the held one")
	}
	if HeldVisible(authz.NewContext(ctx, bob), table, 7) {
		t.Fatal("the row held for one viewer is taken for another")
	}
	if HeldVisible(context.Background(), table, 7) {
		t.Fatal("a row is held without Hold")
	}
	vals, valid, ok := HeldColumns(ctx, table, 7, []string{"township_id", "village_id"})
	if !ok || vals[0] != 3 || !valid[0] || valid[1] {
		t.Fatalf("columns %v %v %v: want township 3 and a NULL village", vals, valid, ok)
	}
	if _, _, ok := HeldColumns(ctx, table, 7, []string{"township_id", "household_id"}); ok {
		t.Fatal("a column not given to Hold is answered")
	}
}
