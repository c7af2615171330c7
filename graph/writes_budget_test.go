package graph_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/nanpiao/sbqw/internal/testkit"
)

// TestLoadtestWritesStatementBudget: the two writes of cmd/loadtest's mixed workload (with an
// idempotency key, credentials warm) run no more statements than their budget, on SQLite and
// MariaDB alike. createVisit: the pairing locked and read through the caller's rules in one
// statement, whose row the visit's rules, scope and reference hooks then take (workflow.Hold)
// instead of locking and reading it three more times; the key lookup, the year lock, the
// insert, its audit event, the check that the row lies in the writer's scope and its feed
// entry (12 statements on MariaDB and 10 on SQLite before). createDemand: likewise with the
// household under its shared lock, and the registration event taking its scope columns from
// the demand (12 and 11 before).
func TestLoadtestWritesStatementBudget(t *testing.T) {
	db := testkit.LoadDemo(t)
	srv := testkit.NewServer(t, db)
	cadre, secretary := srv.Login(t, "cadre0001"), srv.Login(t, "village001")
	var out map[string]any
	cadre.Must(t, `{ pairings(first: 1, where: {active: true}) { edges { node { id } } } }`, nil, &out)
	pairing := dig(out, "pairings", "edges").([]any)[0].(map[string]any)["node"].(map[string]any)["id"].(string)
	secretary.Must(t, `{ households(first: 1) { edges { node { id } } } }`, nil, &out)
	household := dig(out, "households", "edges").([]any)[0].(map[string]any)["node"].(map[string]any)["id"].(string)
	seq := 0
	for _, c := range []struct {
		name   string
		api    *testkit.API
		q      string
		vars   func() map[string]any
		budget int
	}{
		{"createVisit", cadre, `mutation($p: ID!, $at: Time!, $k: String) { createVisit(input: {pairingID: $p, visitedAt: $at, occasion: ROUTINE, mode: PHONE, notes: "负载测试"}, idempotencyKey: $k) { id } }`,
			func() map[string]any {
				return map[string]any{"p": pairing, "at": time.Now().UTC().Add(-time.Hour).Format(time.RFC3339), "k": fmt.Sprintf("budget-%d", seq)}
			}, 7},
		{"createDemand", secretary, `mutation($h: ID!, $k: String) { createDemand(input: {householdID: $h, category: OTHER, content: "负载测试"}, idempotencyKey: $k) { id } }`,
			func() map[string]any { return map[string]any{"h": household, "k": fmt.Sprintf("budget-%d", seq)} }, 9},
	} {
		t.Run(c.name, func(t *testing.T) {
			seq++
			c.api.Must(t, c.q, c.vars(), nil) // warm
			seq++
			db.Counter.Start()
			c.api.Must(t, c.q, c.vars(), nil)
			stmts := db.Counter.Stop()
			t.Logf("%d statements:\n%s", len(stmts), strings.Join(stmts, "\n"))
			if len(stmts) > c.budget {
				t.Fatalf("%d statements, budget %d", len(stmts), c.budget)
			}
		})
	}
	// The rows written from the held parent carry its scope, as if read from the table.
	for _, q := range []string{
		`SELECT COUNT(*) FROM visits v JOIN pairings p ON p.id = v.pairing_id WHERE v.idempotency_key LIKE 'budget-%' AND NOT (
			v.township_id = p.township_id AND v.village_id = p.village_id AND v.household_id = p.household_id AND v.cadre_id = p.cadre_id AND v.department_id = p.department_id)`,
		`SELECT COUNT(*) FROM demands d JOIN households h ON h.id = d.household_id WHERE d.idempotency_key LIKE 'budget-%' AND NOT (
			d.township_id = h.township_id AND d.village_id = h.village_id)`,
		`SELECT COUNT(*) FROM demand_events e JOIN demands d ON d.id = e.demand_id WHERE d.idempotency_key LIKE 'budget-%' AND NOT (
			e.township_id = d.township_id AND e.village_id = d.village_id AND e.household_id = d.household_id)`,
	} {
		if n := someInt(t, db.SQL, q); n != 0 {
			t.Fatalf("%d rows whose scope columns disagree with their parent's: %s", n, q)
		}
	}
	if n := someInt(t, db.SQL, `SELECT COUNT(*) FROM visits WHERE idempotency_key LIKE 'budget-%'`) + someInt(t, db.SQL, `SELECT COUNT(*) FROM demand_events e JOIN demands d ON d.id = e.demand_id WHERE d.idempotency_key LIKE 'budget-%'`); n != 4 {
		t.Fatalf("%d visits and registration events written, want 4", n)
	}
}
