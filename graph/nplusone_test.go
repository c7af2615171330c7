package graph_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/nanpiao/sbqw/authz"
	"github.com/nanpiao/sbqw/ent/schema/enum"
	"github.com/nanpiao/sbqw/internal/testkit"
)

// TestNestedConnectionsDoNotMultiplyStatements: the statements run for a four-level query do not
// grow with the number of rows returned — entgql's field collection loads each level with
// one windowed query, so N+1 is impossible by construction.
func TestNestedConnectionsDoNotMultiplyStatements(t *testing.T) {
	e := newEnv(t)
	ctx := authz.Bypass(context.Background(), "test fixture")
	c := e.db.Client
	seq := 0
	for ti := 0; ti < 3; ti++ {
		tw := c.Township.Create().SetDistrictID(decodeID(t, e.district)).SetCode(fmt.Sprintf("211404%03d000", 100+ti)).SetName(fmt.Sprintf("镇%d", ti)).SaveX(ctx)
		for vi := 0; vi < 4; vi++ {
			v := c.Village.Create().SetTownshipID(tw.ID).SetCode(fmt.Sprintf("211404%03d%03d", 100+ti, 200+vi)).SetName(fmt.Sprintf("村%d%d", ti, vi)).SaveX(ctx)
			for hi := 0; hi < 4; hi++ {
				h := c.Household.Create().SetVillageID(v.ID).SetTownshipID(tw.ID).SetNumber(fmt.Sprint(hi)).SetHeadName("户主").SaveX(ctx)
				for ri := 0; ri < 3; ri++ {
					seq++
					c.Resident.Create().SetHouseholdID(h.ID).SetTownshipID(tw.ID).SetVillageID(v.ID).SetName(fmt.Sprintf("居民%d", seq)).
						SetRelation(enum.RelationHead).SetIDNumber(testkit.IDNumber(fmt.Sprintf("1980%02d%02d", 1+seq%12, 1+seq%28), seq, seq%2 == 0)).SaveX(ctx)
				}
			}
		}
	}
	q := `query($n: Int!) { townships(first: $n) { totalCount edges { node { name
		villages(first: $n) { totalCount edges { node { name
			households(first: $n) { totalCount edges { node { headName
				residents(first: $n) { totalCount edges { node { name idNumber age } } } } } } } } } } } } }`
	count := func(n int) (int, int) {
		e.db.Counter.Start()
		var out map[string]any
		e.api.Must(t, q, map[string]any{"n": n}, &out)
		stmts := e.db.Counter.Stop()
		rows := 0
		for _, tw := range dig(out, "townships", "edges").([]any) {
			for _, v := range dig(tw, "node", "villages", "edges").([]any) {
				for _, h := range dig(v, "node", "households", "edges").([]any) {
					rows += len(dig(h, "node", "residents", "edges").([]any))
				}
			}
		}
		return len(stmts), rows
	}
	small, smallRows := count(1)
	large, largeRows := count(3)
	t.Logf("statements: %d for %d residents, %d for %d residents", small, smallRows, large, largeRows)
	if largeRows <= smallRows*10 {
		t.Fatalf("fixture too small to show anything: %d vs %d rows", smallRows, largeRows)
	}
	if large != small {
		t.Fatalf("statements grew with rows: %d for %d residents, %d for %d residents", small, smallRows, large, largeRows)
	}
	if large > 12 {
		t.Fatalf("%d statements for a four-level query; expected about two per level", large)
	}
}
