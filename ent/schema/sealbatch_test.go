package schema

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/nanpiao/sbqw/authz"
)

// TestSealBatchOnlyInSystemContexts: a request's context never defers sealing, even when it
// carries a batch; the demo loader's (authz.Bypass) does.
func TestSealBatchOnlyInSystemContexts(t *testing.T) {
	b := &SealBatch{}
	ctx := DeferSealing(context.Background(), b)
	if sealBatchOf(ctx) != nil {
		t.Fatal("a context without authz.Bypass defers sealing")
	}
	if sealBatchOf(authz.Bypass(ctx, "test")) != b {
		t.Fatal("the demo loader's system context does not defer sealing")
	}
	if sealBatchOf(authz.Bypass(context.Background(), "test")) != nil {
		t.Fatal("a system context without a batch defers sealing")
	}
}

// TestSealBatchFlush: rows are written per table and column set, sealChunk rows a statement,
// every ID with its own values, and the batch is empty afterwards.
func TestSealBatchFlush(t *testing.T) {
	b := &SealBatch{}
	n := 2*sealChunk + 50
	for id := 1; id <= n; id++ {
		b.add("residents", id, []string{"id_number", "phone"}, []string{fmt.Sprint("i", id), fmt.Sprint("p", id)})
	}
	b.add("cadres", 7, []string{"phone"}, []string{"p7"})
	type stmt struct {
		q    string
		args []any
	}
	var got []stmt
	exec := func(_ context.Context, q string, args ...any) error {
		got = append(got, stmt{q, args})
		return nil
	}
	if err := b.Flush(context.Background(), exec); err != nil {
		t.Fatal(err)
	}
	if len(got) != 4 { // cadres, then residents in 3 chunks
		t.Fatalf("%d statements, want 4", len(got))
	}
	if want := "UPDATE cadres SET phone_sealed = CASE id WHEN ? THEN ? END WHERE id IN (?)"; got[0].q != want {
		t.Errorf("cadres: %q, want %q", got[0].q, want)
	}
	seen := map[int]bool{}
	for _, s := range got[1:] {
		if !strings.HasPrefix(s.q, "UPDATE residents SET id_number_sealed = CASE id WHEN ? THEN ?") ||
			!strings.Contains(s.q, "END, phone_sealed = CASE id WHEN ? THEN ?") {
			t.Fatalf("residents statement %q", s.q[:80])
		}
		rows := strings.Count(s.q, "WHEN") / 2
		if rows > sealChunk || len(s.args) != rows*5 {
			t.Fatalf("%d rows with %d arguments in one statement", rows, len(s.args))
		}
		for i := 0; i < rows; i++ {
			id, idNumber, phone := s.args[2*i].(int), s.args[2*i+1], s.args[2*rows+2*i+1]
			if idNumber != fmt.Sprint("i", id) || phone != fmt.Sprint("p", id) || s.args[4*rows+i] != id {
				t.Fatalf("row %d: id number %v, phone %v, WHERE id %v", id, idNumber, phone, s.args[4*rows+i])
			}
			seen[id] = true
		}
	}
	if len(seen) != n {
		t.Errorf("%d resident rows written, want %d", len(seen), n)
	}
	got = nil
	if err := b.Flush(context.Background(), exec); err != nil || len(got) != 0 {
		t.Errorf("a second flush ran %d statements (%v)", len(got), err)
	}
}
