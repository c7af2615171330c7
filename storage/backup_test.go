package storage_test

import (
	"context"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nanpiao/sbqw/authz"
	"github.com/nanpiao/sbqw/ent/resident"
	"github.com/nanpiao/sbqw/ent/schema/enum"
	"github.com/nanpiao/sbqw/internal/testkit"
	"github.com/nanpiao/sbqw/pii"
	"github.com/nanpiao/sbqw/storage"
)

// TestBackupRestore: a backup taken while the database is open, restored into a fresh
// database, holds the same rows in every table, and its sealed values open with the same data
// key to the same ID numbers.
func TestBackupRestore(t *testing.T) {
	for _, b := range backends(t) {
		t.Run(b, func(t *testing.T) {
			ctx := authz.Bypass(context.Background(), "test fixture")
			db := emptyDB(t, b)
			if _, err := db.Apply(ctx); err != nil {
				t.Fatal(err)
			}
			c := db.Client
			d := c.District.Create().SetCode("211404000000").SetName("南票区").SaveX(ctx)
			tw := c.Township.Create().SetDistrictID(d.ID).SetCode("211404100000").SetName("镇").SaveX(ctx)
			v := c.Village.Create().SetTownshipID(tw.ID).SetCode("211404100200").SetName("村").SaveX(ctx)
			h := c.Household.Create().SetVillageID(v.ID).SetTownshipID(tw.ID).SetNumber("1").SetHeadName("户主").SaveX(ctx)
			idNumber := testkit.IDNumber("19800315", 7, false)
			r := c.Resident.Create().SetHouseholdID(h.ID).SetTownshipID(tw.ID).SetVillageID(v.ID).SetName("居民").
				SetRelation(enum.RelationHead).SetIDNumber(idNumber).SetPhone("17000001234").SaveX(ctx)
			c.Resident.Create().SetHouseholdID(h.ID).SetTownshipID(tw.ID).SetVillageID(v.ID).SetName("居民二").
				SetRelation(enum.RelationHead).SetIDNumber(testkit.IDNumber("19820401", 8, true)).SaveX(ctx)

			file := filepath.Join(t.TempDir(), "backup")
			if err := db.Backup(ctx, file); err != nil {
				t.Fatal(err)
			}
			if err := db.Backup(ctx, file); err == nil {
				t.Fatal("a second backup overwrote the first")
			}
			restored := restore(t, b, file)
			if err := restored.CheckCurrent(ctx); err != nil {
				t.Fatalf("restored schema: %v", err)
			}
			tables := inspect(t, db)
			want, got := snapshot(t, db, tables), snapshot(t, restored, tables)
			for table, rows := range want {
				for id, row := range rows {
					for col, val := range row {
						if got[table][id][col] != val {
							t.Errorf("%s id %s %s: restored %q, was %q", table, id, col, got[table][id][col], val)
						}
					}
				}
				if len(got[table]) != len(rows) {
					t.Errorf("%s: %d rows restored of %d", table, len(got[table]), len(rows))
				}
			}
			// Every sealed value opens in the restored database, in its own row, to what it was.
			backs := restored.Client.Resident.Query().AllX(ctx)
			if len(backs) != 2 {
				t.Fatalf("%d residents restored, want 2", len(backs))
			}
			for _, back := range backs {
				was := c.Resident.GetX(ctx, back.ID)
				for col, sealed := range map[string][2]string{resident.FieldIDNumber: {was.IDNumberSealed, back.IDNumberSealed}, resident.FieldPhone: {was.PhoneSealed, back.PhoneSealed}} {
					if sealed[0] == "" && sealed[1] == "" {
						continue // no phone recorded
					}
					at := pii.Place{Table: resident.Table, Column: col, Row: back.ID}
					want, err1 := c.Sealer.Open(at, sealed[0])
					got, err2 := restored.Client.Sealer.Open(at, sealed[1])
					if err1 != nil || err2 != nil || got != want {
						t.Errorf("resident %d %s: restored opens to %q (%v), was %q (%v)", back.ID, col, got, err2, want, err1)
					}
				}
			}
			back := restored.Client.Resident.GetX(ctx, r.ID)
			if plain, err := restored.Client.Sealer.Open(pii.Place{Table: resident.Table, Column: resident.FieldIDNumber, Row: r.ID}, back.IDNumberSealed); err != nil || plain != idNumber {
				t.Fatalf("restored sealed ID number opens to %q (%v)", plain, err)
			}
			if strings.Contains(readAll(t, file), idNumber) {
				t.Fatal("the backup holds the ID number in clear")
			}
		})
	}
}

// restore loads a backup into a fresh database the way docs/operations.md says.
func restore(t *testing.T, backend, file string) *storage.DB {
	t.Helper()
	raw := "sqlite:" + file
	if backend == "mysql" {
		raw = emptyURL(t, backend)
		u, _ := url.Parse(raw)
		tool, err := exec.LookPath("mariadb")
		if err != nil {
			t.Skip("restoring a MariaDB dump needs the mariadb client")
		}
		in, err := os.Open(file)
		if err != nil {
			t.Fatal(err)
		}
		defer in.Close()
		cmd := exec.Command(tool, "--protocol=tcp", "--host="+u.Hostname(), "--port="+u.Port(), "--user="+u.User.Username(), strings.TrimPrefix(u.Path, "/"))
		cmd.Stdin = in
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("mariadb < dump: %v %s", err, out)
		}
	}
	db, err := storage.Open(context.Background(), raw, testkit.Sealer(), storage.DefaultPool)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func readAll(t *testing.T, file string) string {
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
