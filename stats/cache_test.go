package stats_test

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/nanpiao/sbqw/authz"
	"github.com/nanpiao/sbqw/ent/schema/enum"
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

// unitFigures are a grouped statistic's rows by unit ("township/village", village 0 for a
// township's row), with what each shows, and the township of each.
func unitFigures[R any](tb testing.TB, rows []*R) (figures map[string]string, townshipOf map[string]int) {
	tb.Helper()
	figures, townshipOf = map[string]string{}, map[string]int{}
	for _, r := range rows {
		v := reflect.ValueOf(*r)
		u := v.FieldByName("StatsUnit").Interface().(stats.StatsUnit)
		k := fmt.Sprintf("%d/0", u.Township.ID)
		if u.Village != nil {
			k = fmt.Sprintf("%d/%d", u.Township.ID, u.Village.ID)
			if u.Village.TownshipID != u.Township.ID {
				tb.Fatalf("village %d in township %d, row says %d", u.Village.ID, u.Village.TownshipID, u.Township.ID)
			}
		}
		if _, dup := figures[k]; dup {
			tb.Fatalf("two rows of unit %s", k)
		}
		cp := reflect.New(v.Type()).Elem()
		cp.Set(v)
		cp.FieldByName("StatsUnit").Set(reflect.Zero(reflect.TypeOf(stats.StatsUnit{})))
		b, err := json.Marshal(cp.Interface())
		if err != nil {
			tb.Fatal(err)
		}
		figures[k], townshipOf[k] = string(b), u.Township.ID
	}
	return figures, townshipOf
}

// TestReportCacheGroupedStatistics: for visitCompliance, povertyExit and memberEngagement, by
// township and by village, every cached answer equals the answer computed afresh; a write in
// township A recomputes A's rows alone and changes them, while B's come from the cache
// unchanged; a township caller gets its own rows, computed directly.
func TestReportCacheGroupedStatistics(t *testing.T) {
	d := loadDemo(t)
	c := d.db.Client
	sys := authz.Bypass(context.Background(), "test fixture")
	admin := d.as(t, "admin")
	a := d.int(t, "SELECT rb.township_id FROM role_bindings rb JOIN users u ON u.id = rb.user_id WHERE u.username = 'township01'")
	b := d.int(t, "SELECT rb.township_id FROM role_bindings rb JOIN users u ON u.id = rb.user_id WHERE u.username = 'township02'")
	if _, err := feed.Sequence(sys, c, 1_000_000); err != nil {
		t.Fatal(err)
	}
	year := time.Now().Year()
	type stat struct {
		name   string
		cached func(ctx context.Context, cache *stats.ReportCache, g stats.StatsGrouping) (map[string]string, map[string]int)
		fresh  func(ctx context.Context, g stats.StatsGrouping) (map[string]string, map[string]int)
		write  func(t *testing.T) // changes township a's figures
	}
	run := func(t *testing.T, rows any, err error) (map[string]string, map[string]int) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		switch rs := rows.(type) {
		case []*stats.VisitCompliance:
			return unitFigures(t, rs)
		case []*stats.PovertyExit:
			return unitFigures(t, rs)
		case []*stats.MemberEngagement:
			return unitFigures(t, rs)
		}
		t.Fatalf("rows of %T", rows)
		return nil, nil
	}
	stats3 := []stat{
		{"visitCompliance",
			func(ctx context.Context, cache *stats.ReportCache, g stats.StatsGrouping) (map[string]string, map[string]int) {
				rs, err := cache.VisitCompliance(ctx, c, year, g, stats.AsOf{})
				return run(t, rs, err)
			},
			func(ctx context.Context, g stats.StatsGrouping) (map[string]string, map[string]int) {
				rs, err := stats.VisitComplianceByUnit(ctx, c, year, g, stats.AsOf{})
				return run(t, rs, err)
			},
			func(t *testing.T) { // a visit of this year deleted
				id := d.int(t, "SELECT MIN(id) FROM visits WHERE township_id = ? AND visited_at >= ? AND deleted_at IS NULL", a,
					time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC))
				if id == 0 {
					t.Fatal("no visit this year in township A")
				}
				c.Visit.UpdateOneID(id).SetDeletedAt(time.Now()).ExecX(sys)
			}},
		{"povertyExit",
			func(ctx context.Context, cache *stats.ReportCache, g stats.StatsGrouping) (map[string]string, map[string]int) {
				rs, err := cache.PovertyExit(ctx, c, year, g, stats.AsOf{})
				return run(t, rs, err)
			},
			func(ctx context.Context, g stats.StatsGrouping) (map[string]string, map[string]int) {
				rs, err := stats.PovertyExitByUnit(ctx, c, year, g, stats.AsOf{})
				return run(t, rs, err)
			},
			func(t *testing.T) { // a household with history deleted
				id := d.int(t, "SELECT MIN(h.id) FROM households h JOIN poverty_status_changes p ON p.household_id = h.id WHERE h.township_id = ? AND h.deleted_at IS NULL AND p.deleted_at IS NULL"+
					" AND NOT EXISTS (SELECT 1 FROM pairings pp WHERE pp.household_id = h.id AND pp.deleted_at IS NULL)", a)
				c.Household.UpdateOneID(id).SetDeletedAt(time.Now()).ExecX(sys)
			}},
		{"memberEngagement",
			func(ctx context.Context, cache *stats.ReportCache, g stats.StatsGrouping) (map[string]string, map[string]int) {
				rs, err := cache.MemberEngagement(ctx, c, year, g, stats.AsOf{})
				return run(t, rs, err)
			},
			func(ctx context.Context, g stats.StatsGrouping) (map[string]string, map[string]int) {
				rs, err := stats.MemberEngagementByUnit(ctx, c, year, g, stats.AsOf{})
				return run(t, rs, err)
			},
			func(t *testing.T) { // an active member no longer active
				id := d.int(t, "SELECT MIN(id) FROM party_members WHERE township_id = ? AND status = 'ACTIVE' AND deleted_at IS NULL", a)
				c.PartyMember.UpdateOneID(id).SetStatus(enum.MemberStatus("DECEASED")).ExecX(sys)
			}},
	}
	for _, s := range stats3 {
		t.Run(s.name, func(t *testing.T) {
			// The last subtest's write positioned, as the server's sequencer does.
			if _, err := feed.Sequence(sys, c, 10000); err != nil {
				t.Fatal(err)
			}
			cache := stats.NewReportCache(4)
			check := func(g stats.StatsGrouping) (map[string]string, map[string]int, []int) {
				t.Helper()
				got, of := s.cached(admin, cache, g)
				want, _ := s.fresh(admin, g)
				if !reflect.DeepEqual(got, want) {
					for k := range want {
						if got[k] != want[k] {
							t.Errorf("%s %s: cached %s\n\twant %s", g, k, got[k], want[k])
						}
					}
					t.Fatalf("%s: cached answer (%d rows) differs from the answer computed afresh (%d rows)", g, len(got), len(want))
				}
				return got, of, stats.LastRecomputed(cache)
			}
			first := map[stats.StatsGrouping]map[string]string{}
			for _, g := range []stats.StatsGrouping{stats.ByTownship, stats.ByVillage} {
				f, of, re := check(g)
				if re != nil {
					t.Fatalf("%s: first answer recomputed %v, want every township (nil)", g, re)
				}
				var inA, inB bool
				for _, tw := range of {
					inA, inB = inA || tw == a, inB || tw == b
				}
				if !inA || !inB {
					t.Fatalf("%s: no rows of township %d or %d: %v", g, a, b, f)
				}
				if _, _, re = check(g); re == nil || len(re) != 0 {
					t.Fatalf("%s: unchanged answer recomputed %v, want none", g, re)
				}
				first[g] = f
			}
			s.write(t)
			for _, g := range []stats.StatsGrouping{stats.ByTownship, stats.ByVillage} {
				after, of, re := check(g)
				if !slices.Equal(re, []int{a}) {
					t.Fatalf("%s: after a write in township %d the cache recomputed %v", g, a, re)
				}
				changedA := false
				for k, tw := range of {
					switch tw {
					case a:
						changedA = changedA || after[k] != first[g][k]
					case b:
						if after[k] != first[g][k] {
							t.Fatalf("%s: row %s of township %d changed: %s, was %s", g, k, b, after[k], first[g][k])
						}
					}
				}
				if !changedA {
					t.Fatalf("%s: no row of township %d changed by the write", g, a)
				}
			}
			// A township caller is computed directly: its own rows only.
			own, of := s.cached(d.as(t, "township01"), cache, stats.ByVillage)
			want, _ := s.fresh(d.as(t, "township01"), stats.ByVillage)
			if !reflect.DeepEqual(own, want) {
				t.Fatalf("township01's answer differs from the direct one")
			}
			for k, tw := range of {
				if tw != a {
					t.Fatalf("township01 got row %s of township %d", k, tw)
				}
			}
		})
	}
}
