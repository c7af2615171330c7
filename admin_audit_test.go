package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nanpiao/sbqw/authz"
	"github.com/nanpiao/sbqw/storage"
)

// TestAdminVerifyAudit: `admin verify-audit` seals what is open, says every link holds, and
// after an event is edited in the database names it and fails.
func TestAdminVerifyAudit(t *testing.T) {
	ctx := context.Background()
	url := "sqlite:" + filepath.Join(t.TempDir(), "app.db")
	db, err := storage.Open(ctx, url, nil, storage.DefaultPool)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := migrateAtStart(ctx, db, true); err != nil {
		t.Fatal(err)
	}
	sys := authz.Bypass(ctx, "test fixture")
	for _, action := range []string{"login", "household.create", "household.update"} {
		if err := authz.Record(sys, db.Client, authz.Event{Action: action, Entity: "Household"}); err != nil {
			t.Fatal(err)
		}
	}
	var out bytes.Buffer
	getenv := func(string) string { return "" }
	if err := runVerifyAudit([]string{"--db", url}, getenv, &out); err != nil || !strings.Contains(out.String(), "3 events in the chain checked, every link holds; 0 not sealed yet") {
		t.Fatalf("verify-audit on an intact trail: %v\n%s", err, out.String())
	}
	if _, err := db.SQL.Exec("UPDATE audit_events SET username = 'someone else' WHERE action = 'household.create'"); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	err = runVerifyAudit([]string{"--db", url}, getenv, &out)
	if err == nil || !strings.Contains(out.String(), "BROKEN: link 2") || !strings.Contains(out.String(), "household.create") {
		t.Fatalf("verify-audit after an edit: %v\n%s", err, out.String())
	}
}
