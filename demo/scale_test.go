package demo_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"

	"github.com/nanpiao/sbqw/authz"
	"github.com/nanpiao/sbqw/demo"
	"github.com/nanpiao/sbqw/ent/schema/enum"
	"github.com/nanpiao/sbqw/ent/user"
	"github.com/nanpiao/sbqw/pii"
)

// TestScaleTwoIsTwiceTheDistrict loads --demo-scale 2 and checks that every demo table but
// districts (one) holds exactly twice the rows of the shared scale-1 load, that every sealed ID number and phone
// opens in its own row (row-bound AAD) and is unique across both copies, and that township01
// of the scaled database reads only its own township's households.
func TestScaleTwoIsTwiceTheDistrict(t *testing.T) {
	one, res1 := loadedDemo(t)
	two := openDB(t)
	defer two.close()
	res2, err := demo.Ensure(context.Background(), two.client, demo.Options{PasswordHash: passwordHash(), Scale: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("scale 2 loaded in %s", res2.Duration)
	want, got := tableCounts(t, one.db), tableCounts(t, two.db)
	if len(want) != len(demoTables) {
		t.Errorf("scale 1 fills %d of the %d demo tables", len(want), len(demoTables))
	}
	for typ, n := range want {
		if typ == "District" { // one district; copies are more of its townships
			if got[typ] != 1 {
				t.Errorf("%d districts at scale 2, want 1", got[typ])
			}
			continue
		}
		if got[typ] != 2*n {
			t.Errorf("%s: %d rows at scale 2, want 2×%d", typ, got[typ], n)
		}
		if typ != "District" && res2.Counts[typ] != 2*res1.Counts[typ] {
			t.Errorf("%s: Result.Counts %d at scale 2, want 2×%d", typ, res2.Counts[typ], res1.Counts[typ])
		}
	}

	// Sealed values open in their rows, and only there.
	for _, table := range []string{"residents", "party_members"} {
		regions := map[string]int{}
		seen := map[string]bool{}
		rows, err := two.db.Query("SELECT id, id_number_sealed, phone_sealed FROM " + table + " ORDER BY id")
		if err != nil {
			t.Fatal(err)
		}
		prev := 0
		for rows.Next() {
			var row int
			var sealed string
			var phone sql.NullString
			if err := rows.Scan(&row, &sealed, &phone); err != nil {
				t.Fatal(err)
			}
			plain, err := sealer.Open(pii.Place{Table: table, Column: "id_number", Row: row}, sealed)
			if err != nil {
				t.Fatalf("%s %d: the sealed ID number does not open in its row: %v", table, row, err)
			}
			if prev != 0 {
				if _, err := sealer.Open(pii.Place{Table: table, Column: "id_number", Row: prev}, sealed); err == nil {
					t.Fatalf("%s %d: the sealed ID number also opens in row %d", table, row, prev)
				}
			}
			prev = row
			if seen[plain] {
				t.Errorf("%s: ID number %s used twice", table, plain)
			}
			seen[plain] = true
			regions[plain[:6]]++
			if phone.Valid && phone.String != "" {
				p, err := sealer.Open(pii.Place{Table: table, Column: "phone", Row: row}, phone.String)
				if err != nil || !strings.HasPrefix(p, "1700") {
					t.Errorf("%s %d: phone does not open in its row (%q, %v)", table, row, p, err)
				}
			}
		}
		if err := rows.Close(); err != nil {
			t.Fatal(err)
		}
		n := count(t, one.db, "SELECT COUNT(*) FROM "+table)
		if len(regions) != 2 || regions["211404"] != n || regions["211405"] != n {
			t.Errorf("%s: ID numbers by division %v, want %d under each of 211404 and 211405", table, regions, n)
		}
	}

	// township01 (copy 0) reads its own township's households and nothing of the copy.
	ctx := systemCtx()
	u := two.client.User.Query().Where(user.Username("township01")).WithRoleBindings().OnlyX(ctx)
	if two.client.User.Query().Where(user.Username("c001.township01")).CountX(ctx) != 1 {
		t.Error("copy 1 has no account c001.township01")
	}
	b := u.Edges.RoleBindings[0]
	if b.Role != enum.RoleTownship || b.TownshipID == nil {
		t.Fatalf("township01 is bound as %s %v", b.Role, b.TownshipID)
	}
	policy, err := authz.NewSnapshot(authz.DefaultPolicy())
	if err != nil {
		t.Fatal(err)
	}
	v := (&authz.Viewer{UserID: u.ID, Username: u.Username,
		Bindings: []authz.Binding{{Role: enum.RoleTownship, TownshipID: *b.TownshipID}}}).WithPolicy(policy)
	hs, err := two.client.Household.Query().All(authz.NewContext(context.Background(), v))
	if err != nil {
		t.Fatal(err)
	}
	own := count(t, two.db, "SELECT COUNT(*) FROM households WHERE township_id = ? AND deleted_at IS NULL", *b.TownshipID)
	if own == 0 || len(hs) != own {
		t.Errorf("township01 reads %d households, its township has %d", len(hs), own)
	}
	for _, h := range hs {
		if h.TownshipID != *b.TownshipID {
			t.Fatalf("township01 reads household %d of township %d", h.ID, h.TownshipID)
		}
	}
	if all := count(t, two.db, "SELECT COUNT(*) FROM households"); len(hs)*10 > all {
		t.Errorf("township01 reads %d of %d households", len(hs), all)
	}
}
