package authz_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nanpiao/sbqw/authz"
	"github.com/nanpiao/sbqw/ent/auditevent"
	"github.com/nanpiao/sbqw/internal/testkit"
)

func recordEvents(t *testing.T, db *testkit.DB, n int, tag string) {
	t.Helper()
	ctx := authz.Bypass(context.Background(), "test fixture")
	for i := 0; i < n; i++ {
		if err := authz.Record(ctx, db.Client, authz.Event{Action: "test.event", Entity: "Household", Detail: fmt.Sprintf("%s %d", tag, i)}); err != nil {
			t.Fatal(err)
		}
	}
}

func sealAll(t *testing.T, db *testkit.DB) {
	t.Helper()
	for {
		n, err := authz.SealAuditChain(context.Background(), db.Client, 7)
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
	}
}

// TestAuditChainNamesTheFirstBrokenLink: a sealed chain verifies; an event edited, deleted or
// re-hashed in the database afterwards is named as the first broken link.
func TestAuditChainNamesTheFirstBrokenLink(t *testing.T) {
	for _, tamper := range []struct {
		name, sql, want string
	}{
		{"edited", "UPDATE audit_events SET detail = 'nothing happened' WHERE id = ?", "was changed after it was sealed"},
		{"deleted", "DELETE FROM audit_events WHERE id = ?", "is missing"},
		{"rehashed", "UPDATE audit_events SET detail = 'x', hash = 'forged' WHERE id = ?", "was changed after it was sealed"},
	} {
		t.Run(tamper.name, func(t *testing.T) {
			db := testkit.Open(t)
			t.Cleanup(db.Close)
			recordEvents(t, db, 30, "before")
			sealAll(t, db)
			recordEvents(t, db, 3, "unsealed")
			r, err := authz.VerifyAuditChain(context.Background(), db.Client)
			if err != nil || r.Broken != "" || r.Chained != 30 || r.Unsealed != 3 {
				t.Fatalf("intact chain: %+v, %v", r, err)
			}
			ctx := authz.Bypass(context.Background(), "test")
			victim, err := db.Client.AuditEvent.Query().Where(auditevent.ChainSeq(12)).Only(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.SQL.Exec(tamper.sql, victim.ID); err != nil {
				t.Fatal(err)
			}
			r, err = authz.VerifyAuditChain(context.Background(), db.Client)
			if err != nil || !strings.Contains(r.Broken, tamper.want) || !strings.Contains(r.Broken, "12") {
				t.Fatalf("after the event at link 12 was %s: %+v, %v", tamper.name, r, err)
			}
			if r.Chained != 11 {
				t.Errorf("%d links verified before the break, want 11", r.Chained)
			}
		})
	}
}

// TestAuditChainSealersRace: sealers on several replicas at once, while events are written,
// never fork the chain: every event ends up in it exactly once.
func TestAuditChainSealersRace(t *testing.T) {
	db := testkit.Open(t)
	t.Cleanup(db.Close)
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(2)
		go func() {
			defer wg.Done()
			recordEvents(t, db, 25, fmt.Sprintf("writer %d", w))
		}()
		go func() {
			defer wg.Done()
			for i := 0; i < 20; i++ {
				_, _ = authz.SealAuditChain(context.Background(), db.Client, 5) // losers retry later
			}
		}()
	}
	wg.Wait()
	sealAll(t, db)
	r, err := authz.VerifyAuditChain(context.Background(), db.Client)
	if err != nil || r.Broken != "" || r.Unsealed != 0 || r.Chained != 100 {
		t.Fatalf("after racing sealers: %+v, %v", r, err)
	}
}

// TestAuditRetentionKeepsTheChainVerifiable: pruning the old events records where the chain
// resumes; it still verifies, twice over, while removing old links without that record breaks it.
func TestAuditRetentionKeepsTheChainVerifiable(t *testing.T) {
	db := testkit.Open(t)
	t.Cleanup(db.Close)
	ctx := context.Background()
	recordEvents(t, db, 10, "old")
	if _, err := db.SQL.Exec("UPDATE audit_events SET at = ? WHERE action = 'test.event'", time.Now().AddDate(-3, 0, 0)); err != nil {
		t.Fatal(err)
	}
	recordEvents(t, db, 5, "recent")
	sealAll(t, db)

	n, err := authz.PruneAuditTrail(ctx, db.Client, time.Now().AddDate(-1, 0, 0))
	if err != nil || n != 10 {
		t.Fatalf("pruned %d (%v), want the 10 old events", n, err)
	}
	r, err := authz.VerifyAuditChain(ctx, db.Client)
	if err != nil || r.Broken != "" || r.Chained != 5 || r.Unsealed != 1 {
		t.Fatalf("after pruning, before the prune record is sealed: %+v, %v", r, err)
	}
	sealAll(t, db)
	recordEvents(t, db, 3, "later")
	sealAll(t, db)
	if n, err := authz.PruneAuditTrail(ctx, db.Client, time.Now().AddDate(-1, 0, 0)); err != nil || n != 0 {
		t.Fatalf("a second prune with nothing old: %d, %v", n, err)
	}
	if r, err := authz.VerifyAuditChain(ctx, db.Client); err != nil || r.Broken != "" || r.Chained != 9 {
		t.Fatalf("after sealing the prune record: %+v, %v", r, err)
	}
	// Removing the oldest remaining links by hand is not retention.
	if _, err := db.SQL.Exec("DELETE FROM audit_events WHERE chain_seq IN (11, 12)"); err != nil {
		t.Fatal(err)
	}
	if r, err := authz.VerifyAuditChain(ctx, db.Client); err != nil || !strings.Contains(r.Broken, "links 1 to 12 are missing") {
		t.Fatalf("after deleting links 11 and 12 by hand: %+v, %v", r, err)
	}
}

// TestAuditChainSealsARunInFewStatements: one sealer run chains 250 events with one UPDATE per
// hundred links (not one per event), and the chain it writes verifies.
func TestAuditChainSealsARunInFewStatements(t *testing.T) {
	db := testkit.Open(t)
	t.Cleanup(db.Close)
	recordEvents(t, db, 250, "run")
	db.Counter.Start()
	n, err := authz.SealAuditChain(context.Background(), db.Client, 500)
	stmts := db.Counter.Stop()
	if err != nil || n != 250 {
		t.Fatalf("sealed %d, %v", n, err)
	}
	updates := 0
	for _, s := range stmts {
		if strings.HasPrefix(s, "UPDATE") {
			updates++
		}
	}
	if updates != 3 {
		t.Fatalf("%d UPDATE statements for 250 links, want 3", updates)
	}
	r, err := authz.VerifyAuditChain(context.Background(), db.Client)
	if err != nil || r.Broken != "" || r.Unsealed != 0 || r.Chained != 250 {
		t.Fatalf("after one run: %+v, %v", r, err)
	}
}
