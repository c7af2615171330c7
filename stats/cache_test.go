package stats_test

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"testing"

	"github.com/nanpiao/sbqw/authz"
	"github.com/nanpiao/sbqw/feed"
	"github.com/nanpiao/sbqw/stats"
	"github.com/nanpiao/sbqw/workflow"
)

// rowFigures are a report's rows by township ID (0: the district total), with what each shows.
func rowFigures(tb testing.TB, rep *stats.DistrictReport) map[int]string {
	tb.Helper()
	show := func(r *stats.DistrictReportRow) string {
		s := ""
		for _, sec := range []any{r.Coverage, r.Training, r.Members, r.Poverty, r.Projects} {
			if v := reflect.ValueOf(sec); v.IsNil() {
				s += "withheld "
			} else {
				s += fmt.Sprintf("%+v ", v.Elem().Interface())
			}
		}
		return s
	}
	out := map[int]string{0: show(rep.Total)}
	for _, r := range rep.Townships {
		out[r.Township.ID] = show(r)
	}
	return out
}

// cachedReport asks the cache for the report of 2026 and checks it against the report computed
// without the cache; it returns the figures and the townships the cache recomputed.
func cachedReport(t *testing.T, ctx context.Context, d *demo, cache *stats.ReportCache) (map[int]string, []int) {
	t.Helper()
	got, err := cache.DistrictReport(ctx, d.db.Client, 2026, stats.AsOf{})
	if err != nil {
		t.Fatal(err)
	}
	want, err := stats.DistrictReportOf(ctx, d.db.Client, 2026, stats.AsOf{})
	if err != nil {
		t.Fatal(err)
	}
	g, w := rowFigures(t, got), rowFigures(t, want)
	if !reflect.DeepEqual(g, w) {
		for id := range w {
			if g[id] != w[id] {
				t.Errorf("township %d: cached %s\n\twant %s", id, g[id], w[id])
			}
		}
		t.Fatalf("cached report (%d rows) differs from the report computed afresh (%d rows)", len(g), len(w))
	}
	if len(got.Withheld) != len(want.Withheld) {
		t.Fatalf("withheld %v, want %v", got.Withheld, want.Withheld)
	}
	return g, stats.LastRecomputed(cache)
}

// TestReportCacheRecomputesChangedTownships: the cached district report equals the report
// computed afresh after every change; a write in one township recomputes that township's row
// alone (the others, and the total's other terms, come from the cache); a move between
// townships changes both rows; callers bound to a unit are not served from the cache; a
// second server on the same database sees the first one's write in its next report.
func TestReportCacheRecomputesChangedTownships(t *testing.T) {
	d := loadDemo(t)
	c := d.db.Client
	sys := authz.Bypass(context.Background(), "test fixture")
	admin := d.as(t, "admin")
	a := d.int(t, "SELECT rb.township_id FROM role_bindings rb JOIN users u ON u.id = rb.user_id WHERE u.username = 'township01'")
	b := d.int(t, "SELECT rb.township_id FROM role_bindings rb JOIN users u ON u.id = rb.user_id WHERE u.username = 'township02'")
	needyIn := func(township int) int {
		return d.int(t, "SELECT MIN(id) FROM households WHERE township_id = ? AND needy = ? AND deleted_at IS NULL", township, true)
	}

	// The demo's own entries positioned, as the server's sequencer does.
	if _, err := feed.Sequence(sys, c, 1_000_000); err != nil {
		t.Fatal(err)
	}
	cache := stats.NewReportCache(4)
	first, re := cachedReport(t, admin, d, cache)
	if re != nil {
		t.Fatalf("first report recomputed %v, want every township (nil)", re)
	}
	if len(first) != 11 {
		t.Fatalf("%d rows with the total, want 11", len(first))
	}
	if _, re = cachedReport(t, admin, d, cache); re == nil || len(re) != 0 {
		t.Fatalf("unchanged report recomputed %v, want none", re)
	}

	// A write in A, not yet positioned in the feed: A's row and the total move, B's is cached.
	c.Household.UpdateOneID(needyIn(a)).SetNeedy(false).ExecX(sys)
	after, re := cachedReport(t, admin, d, cache)
	if !slices.Equal(re, []int{a}) {
		t.Fatalf("after a write in township %d the cache recomputed %v", a, re)
	}
	if after[a] == first[a] || after[0] == first[0] {
		t.Fatalf("township %d row or total unchanged by the write: %s / %s", a, after[a], after[0])
	}
	if after[b] != first[b] {
		t.Fatalf("township %d row changed: %s, was %s", b, after[b], first[b])
	}
	// Positioned now, after the head A's row was stored under: A once more, then nothing.
	if _, err := feed.Sequence(sys, c, 10000); err != nil {
		t.Fatal(err)
	}
	if _, re = cachedReport(t, admin, d, cache); !slices.Equal(re, []int{a}) {
		t.Fatalf("report after positioning recomputed %v, want %d", re, a)
	}
	if _, re = cachedReport(t, admin, d, cache); re == nil || len(re) != 0 {
		t.Fatalf("report after positioning recomputed %v, want none", re)
	}

	// A move from B to A rewrites both townships' rows.
	moved := needyIn(b)
	dest := d.int(t, "SELECT MIN(id) FROM villages WHERE township_id = ?", a)
	c.Household.UpdateOneID(moved).SetNumber("cache-test-moved").ExecX(sys)
	before, _ := cachedReport(t, admin, d, cache)
	tx, err := c.Tx(admin)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := workflow.MoveHousehold(admin, tx.Client(), moved, dest); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	after, _ = cachedReport(t, admin, d, cache)
	if after[a] == before[a] || after[b] == before[b] {
		t.Fatalf("a move from %d to %d left a row unchanged:\n%d: %s\n%d: %s", b, a, a, after[a], b, after[b])
	}

	if _, err := feed.Sequence(sys, c, 10000); err != nil { // as the server's sequencer does
		t.Fatal(err)
	}
	after, _ = cachedReport(t, admin, d, cache)

	// A township caller gets its own row, never the district's cached rows.
	rep, err := cache.DistrictReport(d.as(t, "township01"), c, 2026, stats.AsOf{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Townships) != 1 || rep.Townships[0].Township.ID != a || rowFigures(t, rep)[0] != after[a] {
		t.Fatalf("township01 got %d rows (%v), want its own township's only", len(rep.Townships), rowFigures(t, rep))
	}

	// A second server on the database: its cache sees the write made through the first.
	replica := d.db.Replica()
	replica.Client.Use(feed.Hook())
	other := stats.NewReportCache(4)
	got, err := other.DistrictReport(admin, replica.Client, 2026, stats.AsOf{})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(rowFigures(t, got), after) {
		t.Fatalf("second server's first report differs from the first server's")
	}
	c.Household.UpdateOneID(needyIn(b)).SetNeedy(false).ExecX(sys)
	got, err = other.DistrictReport(admin, replica.Client, 2026, stats.AsOf{})
	if err != nil {
		t.Fatal(err)
	}
	if re := stats.LastRecomputed(other); !slices.Equal(re, []int{b}) {
		t.Fatalf("second server recomputed %v after a write in %d", re, b)
	}
	if g := rowFigures(t, got); g[b] == after[b] || g[0] == after[0] {
		t.Fatalf("second server's report misses the first server's write: %s", g[b])
	}
	// And the other way round.
	replica.Client.Household.UpdateOneID(needyIn(a)).SetNeedy(false).ExecX(sys)
	now, re := cachedReport(t, admin, d, cache)
	if !slices.Equal(re, []int{a, b}) {
		t.Fatalf("first server recomputed %v after writes in %d and %d", re, a, b)
	}
	if now[a] == after[a] {
		t.Fatalf("first server's report misses the second server's write")
	}
}
