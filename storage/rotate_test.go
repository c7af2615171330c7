package storage_test

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nanpiao/sbqw/authz"
	gen "github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/ent/resident"
	"github.com/nanpiao/sbqw/ent/schema/enum"
	"github.com/nanpiao/sbqw/internal/testkit"
	"github.com/nanpiao/sbqw/pii"
	"github.com/nanpiao/sbqw/storage"
)

func testKey(b byte) []byte {
	k := make([]byte, pii.KeySize)
	for i := range k {
		k[i] = b
	}
	return k
}

// household makes the parents a resident needs and returns a function creating one.
func residentMaker(t *testing.T, ctx context.Context, c *gen.Client) func(c *gen.Client, idNumber string) (*gen.Resident, error) {
	t.Helper()
	d := c.District.Create().SetCode("211404000000").SetName("南票区").SaveX(ctx)
	tw := c.Township.Create().SetDistrictID(d.ID).SetCode("211404100000").SetName("镇").SaveX(ctx)
	v := c.Village.Create().SetTownshipID(tw.ID).SetCode("211404100200").SetName("村").SaveX(ctx)
	h := c.Household.Create().SetVillageID(v.ID).SetTownshipID(tw.ID).SetNumber("1").SetHeadName("户主").SaveX(ctx)
	return func(c *gen.Client, idNumber string) (*gen.Resident, error) {
		return c.Resident.Create().SetHouseholdID(h.ID).SetTownshipID(tw.ID).SetVillageID(v.ID).SetName("居民").
			SetRelation(enum.RelationHead).SetIDNumber(idNumber).SetPhone("17000001234").Save(ctx)
	}
}

func idNumberN(n int) string {
	return testkit.IDNumber(fmt.Sprintf("1970%02d%02d", 1+n/28%12, 1+n%28), n%400, n%2 == 0)
}

// TestSwappedCiphertextIsRefused: ID numbers swapped between two rows in the database do not
// open in their new rows — the reader gets ErrUnsealable (INTERNAL, reason
// PERSONAL_DATA_UNREADABLE), never the other person's number — and open again once put back.
func TestSwappedCiphertextIsRefused(t *testing.T) {
	for _, b := range backends(t) {
		t.Run(b, func(t *testing.T) {
			ctx := authz.Bypass(context.Background(), "test fixture")
			db := emptyDB(t, b)
			if _, err := db.Apply(ctx); err != nil {
				t.Fatal(err)
			}
			mk := residentMaker(t, ctx, db.Client)
			a, err := mk(db.Client, idNumberN(1))
			if err != nil {
				t.Fatal(err)
			}
			bb, err := mk(db.Client, idNumberN(2))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.SQL.ExecContext(ctx, "UPDATE residents SET id_number_sealed = ? WHERE id = ?", bb.IDNumberSealed, a.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := db.SQL.ExecContext(ctx, "UPDATE residents SET id_number_sealed = ? WHERE id = ?", a.IDNumberSealed, bb.ID); err != nil {
				t.Fatal(err)
			}
			for _, r := range []*gen.Resident{a, bb} {
				got := db.Client.Resident.GetX(ctx, r.ID)
				plain, err := authz.OpenSealed(ctx, db.Client, gen.TypeResident, r.ID, authz.FieldIDNumber, got.IDNumberSealed)
				if !errors.Is(err, authz.ErrUnsealable) || plain != "" {
					t.Errorf("resident %d reads %q (%v) after the swap; want ErrUnsealable", r.ID, plain, err)
				}
			}
			// The phone column's ciphertext moved into the ID number column is refused as well.
			if _, err := db.SQL.ExecContext(ctx, "UPDATE residents SET id_number_sealed = phone_sealed WHERE id = ?", a.ID); err != nil {
				t.Fatal(err)
			}
			got := db.Client.Resident.GetX(ctx, a.ID)
			if _, err := authz.OpenSealed(ctx, db.Client, gen.TypeResident, a.ID, authz.FieldIDNumber, got.IDNumberSealed); !errors.Is(err, authz.ErrUnsealable) {
				t.Errorf("a phone moved into the ID number column opened: %v", err)
			}
			if _, err := db.SQL.ExecContext(ctx, "UPDATE residents SET id_number_sealed = ? WHERE id = ?", a.IDNumberSealed, a.ID); err != nil {
				t.Fatal(err)
			}
			got = db.Client.Resident.GetX(ctx, a.ID)
			if plain, err := authz.OpenSealed(ctx, db.Client, gen.TypeResident, a.ID, authz.FieldIDNumber, got.IDNumberSealed); err != nil || plain != idNumberN(1) {
				t.Errorf("put back, it reads %q (%v)", plain, err)
			}
		})
	}
}

// TestRotateDataKeyUnderLoad: residents sealed with key A; the servers restart with key B
// current and A still readable; while readers open every value and writers add residents and
// try duplicates, the rotation runs, is interrupted, and is run again. Every value then is
// sealed with B and opens in its row, and every ID number — old or new — is found by its blind
// index and refused as a duplicate, during the rotation and after it.
func TestRotateDataKeyUnderLoad(t *testing.T) {
	for _, b := range backends(t) {
		t.Run(b, func(t *testing.T) {
			ctx := authz.Bypass(context.Background(), "test fixture")
			url := emptyURL(t, b)
			keyA, keyB := testKey(0xA), testKey(0xB)
			sealerA, _ := pii.NewSealer(keyA)
			sealerBA, _ := pii.NewSealer(keyB, keyA)
			oldDB, err := storage.Open(ctx, url, sealerA, storage.DefaultPool)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := oldDB.Apply(ctx); err != nil {
				t.Fatal(err)
			}
			mk := residentMaker(t, ctx, oldDB.Client)
			const before = 300
			want := map[int]string{}
			for i := 0; i < before; i++ {
				r, err := mk(oldDB.Client, idNumberN(i))
				if err != nil {
					t.Fatal(err)
				}
				want[r.ID] = idNumberN(i)
			}
			oldDB.Close()

			db, err := storage.Open(ctx, url, sealerBA, storage.DefaultPool)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })

			var mu sync.Mutex
			var failures atomic.Int64
			fail := func(format string, args ...any) {
				if failures.Add(1) <= 10 {
					t.Errorf(format, args...)
				}
			}
			stop := make(chan struct{})
			var wg sync.WaitGroup
			var reads, writes, dups atomic.Int64
			for w := 0; w < 3; w++ { // readers: every value opens in its row
				wg.Add(1)
				go func() {
					defer wg.Done()
					for {
						select {
						case <-stop:
							return
						default:
						}
						rs, err := db.Client.Resident.Query().Order(resident.ByID()).Limit(100).Offset(int(reads.Load()*37) % before).All(ctx)
						if err != nil {
							fail("read: %v", err)
							return
						}
						for _, r := range rs {
							plain, err := db.Client.Sealer.Open(pii.Place{Table: resident.Table, Column: resident.FieldIDNumber, Row: r.ID}, r.IDNumberSealed)
							mu.Lock()
							w, known := want[r.ID]
							mu.Unlock()
							if err != nil || (known && plain != w) {
								fail("resident %d reads %q (%v), want %q", r.ID, plain, err, w)
							}
						}
						reads.Add(1)
					}
				}()
			}
			for w := 0; w < 2; w++ { // writers: new residents, and duplicates of old ones
				wg.Add(1)
				go func(w int) {
					defer wg.Done()
					for i := 0; ; i++ {
						select {
						case <-stop:
							return
						default:
						}
						// In a transaction, as every API mutation is: a new row's values are
						// sealed right after its INSERT, and no reader sees it in between.
						n := 1000 + w*500 + i
						tx, err := db.Client.Tx(ctx)
						if err != nil {
							fail("begin: %v", err)
							return
						}
						r, err := mk(tx.Client(), idNumberN(n))
						if err == nil {
							err = tx.Commit()
						}
						if err != nil {
							_ = tx.Rollback()
							fail("new resident: %v", err)
							return
						}
						mu.Lock()
						want[r.ID] = idNumberN(n)
						mu.Unlock()
						writes.Add(1)
						tx, err = db.Client.Tx(ctx)
						if err != nil {
							fail("begin: %v", err)
							return
						}
						_, err = mk(tx.Client(), idNumberN(i%before))
						_ = tx.Rollback()
						var dup *pii.DuplicateError
						if !errors.As(err, &dup) && !gen.IsConstraintError(err) {
							fail("duplicate of resident %d's ID number: %v", i%before, err)
						}
						dups.Add(1)
					}
				}(w)
			}

			// The rotation, interrupted after a few batches and run again. Its second batch waits
			// (a bounded while) for the load to write and refuse during it: on a loaded machine
			// the rotation could otherwise finish before the writers' first transaction.
			cut, cancel := context.WithCancel(ctx)
			batches := 0
			w0, d0 := writes.Load(), dups.Load()
			_, err = db.RotateDataKey(cut, 20, func(string, int, storage.RotationStats) {
				batches++
				if batches == 2 {
					for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline) && (writes.Load() == w0 || dups.Load() == d0); {
						time.Sleep(10 * time.Millisecond)
					}
				}
				if batches == 4 {
					cancel()
				}
			})
			if err == nil {
				t.Fatal("the interrupted rotation finished")
			}
			st, err := db.RotateDataKey(ctx, 20, nil)
			close(stop)
			wg.Wait()
			if err != nil {
				t.Fatal(err)
			}
			if !st.Resumed || len(st.Unreadable) != 0 {
				t.Fatalf("second run: %+v; want a resumed rotation with nothing unreadable", st)
			}
			if reads.Load() == 0 || writes.Load() == 0 || dups.Load() == 0 {
				t.Fatalf("no load ran: %d reads, %d writes, %d duplicates", reads.Load(), writes.Load(), dups.Load())
			}
			t.Logf("%s: %d reads, %d writes, %d duplicates refused during rotation; %+v", b, reads.Load(), writes.Load(), dups.Load(), st)

			// After: everything under B alone; opens with B alone; blind indexes under B.
			onlyB, _ := pii.NewSealer(keyB)
			all := db.Client.Resident.Query().AllX(ctx)
			if len(all) != len(want) {
				t.Fatalf("%d residents, want %d", len(all), len(want))
			}
			for _, r := range all {
				at := pii.Place{Table: resident.Table, Column: resident.FieldIDNumber, Row: r.ID}
				plain, err := onlyB.Open(at, r.IDNumberSealed)
				idx, _ := onlyB.BlindIndex(pii.KindIDNumber, want[r.ID])
				if err != nil || plain != want[r.ID] || r.IDNumberIndex != idx || !onlyB.Current(r.PhoneSealed) {
					t.Fatalf("resident %d after rotation: %q (%v), index current %v", r.ID, plain, err, r.IDNumberIndex == idx)
				}
			}
			if done, err := db.RotationDone(ctx); err != nil || !done {
				t.Fatalf("rotation not recorded as done: %v", err)
			}
			// With B alone configured, duplicates are refused by the unique index.
			bOnly, err := storage.Open(ctx, url, onlyB, storage.DefaultPool)
			if err != nil {
				t.Fatal(err)
			}
			defer bOnly.Close()
			if _, err := mk(bOnly.Client, idNumberN(7)); !gen.IsConstraintError(err) {
				t.Fatalf("duplicate after rotation: %v", err)
			}
		})
	}
}

// TestRotationRewritesFirstFormatValues: a value sealed before key IDs and row binding (plain
// base64 of nonce ‖ ciphertext under the data key, no associated data) still opens after the
// upgrade, and the rotation rewrites it bound to its row under the current key.
func TestRotationRewritesFirstFormatValues(t *testing.T) {
	ctx := authz.Bypass(context.Background(), "test fixture")
	db := emptyDB(t, "sqlite")
	if _, err := db.Apply(ctx); err != nil {
		t.Fatal(err)
	}
	r, err := residentMaker(t, ctx, db.Client)(db.Client, idNumberN(3))
	if err != nil {
		t.Fatal(err)
	}
	m := hmac.New(sha256.New, testkit.DataKey)
	m.Write([]byte("sbqw/pii/encrypt/v1"))
	block, _ := aes.NewCipher(m.Sum(nil))
	aead, _ := cipher.NewGCM(block)
	nonce := make([]byte, aead.NonceSize())
	legacy := base64.RawStdEncoding.EncodeToString(aead.Seal(nonce, nonce, []byte(idNumberN(3)), nil))
	if _, err := db.SQL.ExecContext(ctx, "UPDATE residents SET id_number_sealed = ? WHERE id = ?", legacy, r.ID); err != nil {
		t.Fatal(err)
	}
	at := pii.Place{Table: resident.Table, Column: resident.FieldIDNumber, Row: r.ID}
	if plain, err := db.Client.Sealer.Open(at, legacy); err != nil || plain != idNumberN(3) {
		t.Fatalf("first-format value opens to %q (%v)", plain, err)
	}
	st, err := db.RotateDataKey(ctx, 10, nil)
	if err != nil || st.Rewritten != 1 {
		t.Fatalf("rotation: %+v, %v; want the one first-format value rewritten", st, err)
	}
	got := db.Client.Resident.GetX(ctx, r.ID)
	if plain, err := db.Client.Sealer.Open(at, got.IDNumberSealed); err != nil || plain != idNumberN(3) || !db.Client.Sealer.Current(got.IDNumberSealed) {
		t.Fatalf("after rotation: %q (%v), current %v", plain, err, db.Client.Sealer.Current(got.IDNumberSealed))
	}
	if _, err := db.Client.Sealer.Open(pii.Place{Table: resident.Table, Column: resident.FieldIDNumber, Row: r.ID + 1}, got.IDNumberSealed); err == nil {
		t.Fatal("the rewritten value is not bound to its row")
	}
}
