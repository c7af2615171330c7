package graph_test

import (
	"context"
	"fmt"
	"strings"
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
	e.api.Must(t, `{ __typename }`, nil, nil) // credentials warm: authentication runs no statement
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
	if large > 8 {
		t.Fatalf("%d statements for a four-level query; expected at most two per level", large)
	}
}

// TestTownshipReadsStatementBudget: as its TOWNSHIP user, with credentials warm, a township's
// first households and their totalCount take at most 2 statements, and its villages by code,
// each with its first needy households and both counts, at most 4 — whatever the page sizes.
// Authentication and authorization run none (authz/revision.go); the scope filter is inside
// those statements.
func TestTownshipReadsStatementBudget(t *testing.T) {
	e := newEnv(t)
	ctx := authz.Bypass(context.Background(), "test fixture")
	c := e.db.Client
	var own int
	for ti := 0; ti < 2; ti++ {
		tw := c.Township.Create().SetDistrictID(decodeID(t, e.district)).SetCode(fmt.Sprintf("211404%03d000", 100+ti)).SetName(fmt.Sprintf("镇%d", ti)).SaveX(ctx)
		if ti == 0 {
			own = tw.ID
		}
		for vi := 0; vi < 22; vi++ {
			v := c.Village.Create().SetTownshipID(tw.ID).SetCode(fmt.Sprintf("211404%03d%03d", 100+ti, 299-vi)).SetName(fmt.Sprintf("村%d%d", ti, vi)).SaveX(ctx)
			for hi := 0; hi < 12; hi++ {
				status := enum.StatusNotPoor // needy households are in poverty (workflow.PovertyRules)
				if hi%3 != 0 {
					status = enum.StatusInPoverty
				}
				c.Household.Create().SetVillageID(v.ID).SetTownshipID(tw.ID).SetNumber(fmt.Sprint(hi)).SetHeadName("户主").
					SetPovertyStatus(status).SetNeedy(hi%3 != 0).SaveX(ctx)
			}
		}
	}
	testkit.CreateUser(t, c, "tw_budget", testkit.Binding{Role: enum.RoleTownship, TownshipID: &own})
	var login struct{ Login struct{ Token string } }
	e.api.As("").Must(t, `mutation($p: String!) { login(username: "tw_budget", password: $p) { token } }`, map[string]any{"p": testkit.Password}, &login)
	tw := e.api.As(login.Login.Token)
	flat := `query($n: Int!) { households(first: $n) { totalCount edges { node { number headName } } } }`
	nested := `query($t: ID!, $n: Int!, $m: Int!) { villages(first: $n, where: {townshipID: $t}, orderBy: [{field: CODE}]) { totalCount edges { node { code
		households(first: $m, where: {needy: true}) { totalCount edges { node { number headName } } } } } } }`
	for _, c := range []struct {
		name   string
		q      string
		vars   map[string]any
		budget int
	}{
		{"flat 20", flat, map[string]any{"n": 20}, 2},
		{"flat 3", flat, map[string]any{"n": 3}, 2},
		{"nested 20×10", nested, map[string]any{"t": encodeID(own), "n": 20, "m": 10}, 4},
		{"nested 5×2", nested, map[string]any{"t": encodeID(own), "n": 5, "m": 2}, 4},
	} {
		t.Run(c.name, func(t *testing.T) {
			tw.Must(t, c.q, c.vars, nil) // warm
			e.db.Counter.Start()
			var out map[string]any
			tw.Must(t, c.q, c.vars, &out)
			stmts := e.db.Counter.Stop()
			t.Logf("%d statements:\n%s", len(stmts), strings.Join(stmts, "\n"))
			if len(stmts) > c.budget {
				t.Fatalf("%d statements, budget %d:\n%s", len(stmts), c.budget, strings.Join(stmts, "\n"))
			}
			if tc := dig(out, firstKey(out), "totalCount").(float64); tc != map[bool]float64{true: 22 * 12, false: 22}[c.q == flat] {
				t.Fatalf("totalCount %v: the scope filter is not in force", tc)
			}
		})
	}
}

func firstKey(m map[string]any) string {
	for k := range m {
		return k
	}
	return ""
}

// TestListsUnderWaitingFieldsStillBatch: lists whose selection has no field that may wait are
// marshalled one element after another (internal/gqllist); a list selecting a field that
// batches through a data loader (PartyMember.hasPost, .trainingProgress) is still marshalled
// concurrently, so the loader asks once for the whole page, not once per member.
func TestListsUnderWaitingFieldsStillBatch(t *testing.T) {
	db := testkit.LoadDemo(t)
	api := testkit.NewServer(t, db).Login(t, "admin")
	q := `query($n: Int!) { partyMembers(first: $n) { edges { node { name hasPost trainingProgress(year: 2026) { hours } } } } }`
	api.Must(t, q, map[string]any{"n": 1}, nil) // credentials warm
	count := func(n int) (stmts, rows int) {
		db.Counter.Start()
		var out map[string]any
		api.Must(t, q, map[string]any{"n": n}, &out)
		return len(db.Counter.Stop()), len(dig(out, "partyMembers", "edges").([]any))
	}
	small, smallRows := count(2)
	large, largeRows := count(40)
	t.Logf("statements: %d for %d members, %d for %d members", small, smallRows, large, largeRows)
	if smallRows != 2 || largeRows != 40 {
		t.Fatalf("the demo has too few party members: %d, %d", smallRows, largeRows)
	}
	// Unbatched, each loader would ask once per member: 2 × 38 more statements for 40 than for
	// 2. A loaded machine may split a page into a few batches (the loaders wait 1 ms for more
	// keys), so the bound is one extra statement per two extra members, not equality.
	if large-small >= (largeRows-smallRows)/2 {
		t.Fatalf("statements grew with the members: %d for %d, %d for %d — the loaders did not batch", small, smallRows, large, largeRows)
	}
}
