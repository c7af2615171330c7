package storage_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/nanpiao/sbqw/authz"
	"github.com/nanpiao/sbqw/ent/resident"
	"github.com/nanpiao/sbqw/ent/schema/enum"
	"github.com/nanpiao/sbqw/internal/testkit"
	"github.com/nanpiao/sbqw/pii"
	"github.com/nanpiao/sbqw/storage"
)

// TestMigrateForgetsClearPersonalData: a database written by an older version — masked ID
// numbers and phones and full birth dates in clear beside the sealed values — no longer holds
// them once migrated, still takes new rows, and still reads the sealed values.
func TestMigrateForgetsClearPersonalData(t *testing.T) {
	db := testkit.Open(t)
	defer db.Close()
	ctx := authz.Bypass(context.Background(), "test fixture")
	c := db.Client
	d := c.District.Create().SetCode("211404000000").SetName("南票区").SaveX(ctx)
	tw := c.Township.Create().SetDistrictID(d.ID).SetCode("211404100000").SetName("镇").SaveX(ctx)
	v := c.Village.Create().SetTownshipID(tw.ID).SetCode("211404100200").SetName("村").SaveX(ctx)
	h := c.Household.Create().SetVillageID(v.ID).SetTownshipID(tw.ID).SetNumber("1").SetHeadName("户主").SaveX(ctx)
	idNumber := testkit.IDNumber("19800315", 7, false)
	r := c.Resident.Create().SetHouseholdID(h.ID).SetTownshipID(tw.ID).SetVillageID(v.ID).SetName("居民").
		SetRelation(enum.RelationHead).SetIDNumber(idNumber).SetPhone("17000001234").SaveX(ctx)

	// What an older version left behind.
	for _, stmt := range []string{
		"ALTER TABLE residents ADD COLUMN birth_date date NOT NULL DEFAULT '1980-03-15'",
		"ALTER TABLE party_members ADD COLUMN birth_date date NOT NULL DEFAULT '1980-03-15'",
		"UPDATE residents SET id_number = '211404********" + idNumber[14:] + "', phone = '170****1234'",
	} {
		if _, err := db.SQL.ExecContext(ctx, stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	for i := 0; i < 2; i++ { // and migrating twice changes nothing more
		if err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
	}
	var masked, phone string
	if err := db.SQL.QueryRowContext(ctx, "SELECT id_number, phone FROM residents WHERE id = ?", r.ID).Scan(&masked, &phone); err != nil || masked != "" || phone != "" {
		t.Fatalf("after migrating: id_number %q, phone %q (%v)", masked, phone, err)
	}
	for _, table := range []string{"residents", "party_members"} {
		if _, err := db.SQL.ExecContext(ctx, "SELECT birth_date FROM "+table); err == nil {
			t.Errorf("%s still has a birth_date column", table)
		}
	}
	got := c.Resident.GetX(ctx, r.ID)
	if plain, err := c.Sealer.Open(pii.Place{Table: resident.Table, Column: resident.FieldIDNumber, Row: got.ID}, got.IDNumberSealed); err != nil || plain != idNumber || got.BirthYear != 1980 {
		t.Fatalf("sealed value after migrating: %q (%v), birth year %d", plain, err, got.BirthYear)
	}
	c.Resident.Create().SetHouseholdID(h.ID).SetTownshipID(tw.ID).SetVillageID(v.ID).SetName("新居民").
		SetRelation(enum.Relation("SPOUSE")).SetIDNumber(testkit.IDNumber("19820101", 8, true)).SaveX(ctx)
}

// TestOpenRefusesAutoIncrementStep: a MySQL server that numbers AUTO_INCREMENT rows in steps
// (Galera's default, multi-source setups) is refused at start, naming the fix: ent's bulk
// inserts would give rows each other's IDs.
func TestOpenRefusesAutoIncrementStep(t *testing.T) {
	dsn := os.Getenv("MYSQL_TEST_DSN")
	if dsn == "" {
		t.Skip("needs MYSQL_TEST_DSN (a MySQL or MariaDB server)")
	}
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	// The URL's query sets session variables, as a Galera node's wsrep_auto_increment_control would.
	_, err := storage.Open(context.Background(), dsn+sep+"auto_increment_increment=3", testkit.Sealer(), storage.Pool{MaxOpen: 2, MaxIdle: 1})
	if err == nil || !strings.Contains(err.Error(), "auto_increment_increment is 3") || !strings.Contains(err.Error(), "wsrep_auto_increment_control=OFF") {
		t.Fatalf("Open with auto_increment_increment=3: %v, want a refusal naming the setting and the fix", err)
	}
	db, err := storage.Open(context.Background(), dsn, testkit.Sealer(), storage.Pool{MaxOpen: 2, MaxIdle: 1})
	if err != nil {
		t.Fatalf("Open with the server's default step: %v", err)
	}
	db.Close()
}
