package stats_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"entgo.io/ent/dialect"

	"github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/internal/testkit"
	"github.com/nanpiao/sbqw/stats"
	"github.com/nanpiao/sbqw/storage"
)

// TestScaleStatistics times every statistic, as admin, on the (scaled) demo database named by
// $SBQW_SCALE_DB (sqlite:<file> or mysql://…, loaded e.g. by demo's TestScaleLoadTime) and
// prints each statement it runs with the engine's plan (EXPLAIN QUERY PLAN / EXPLAIN). A
// measuring tool for docs/benchmark.md ("Province scale"), skipped unless the variable is set;
// SBQW_SCALE_ONLY=name runs one statistic, SBQW_SCALE_REPEAT=n times each n times (default 3).
func TestScaleStatistics(t *testing.T) {
	url := os.Getenv("SBQW_SCALE_DB")
	if url == "" {
		t.Skip("set SBQW_SCALE_DB to a loaded demo database to measure the statistics at scale")
	}
	ctx := context.Background()
	sdb, err := storage.Open(ctx, url, testkit.Sealer(), storage.DefaultPool)
	if err != nil {
		t.Fatal(err)
	}
	counter := &testkit.Counter{Driver: storage.NewDriver(sdb.Dialect, sdb.SQL)}
	rec := &recorder{Driver: counter}
	sdb.Client = ent.NewClient(ent.Driver(rec), ent.Sealer(testkit.Sealer()))
	d := &demo{db: &testkit.DB{DB: sdb, Counter: counter}}
	defer sdb.Close()
	d.srv = testkit.NewServer(t, d.db)
	c := sdb.Client
	as := d.as(t, "admin")
	township := d.int(t, "SELECT rb.township_id FROM role_bindings rb JOIN users u ON u.id = rb.user_id WHERE u.username = 'township01'")
	grp := func(g stats.StatsGrouping) *stats.StatsGrouping { return &g }
	cases := []struct {
		name string
		run  func(ctx context.Context) error
	}{
		{"households{totalCount}", func(ctx context.Context) error { _, err := c.Household.Query().Count(ctx); return err }},
		{"residents{totalCount}", func(ctx context.Context) error { _, err := c.Resident.Query().Count(ctx); return err }},
		{"districtReport", func(ctx context.Context) error {
			_, err := stats.DistrictReportOf(ctx, c, 2026, stats.AsOf{})
			return err
		}},
		{"pairingCoverage", func(ctx context.Context) error {
			_, err := stats.PairingCoverageByUnit(ctx, c, stats.ByTownship, stats.AsOf{})
			return err
		}},
		{"pairingCoverage/VILLAGE", func(ctx context.Context) error {
			_, err := stats.PairingCoverageByUnit(ctx, c, stats.ByVillage, stats.AsOf{})
			return err
		}},
		{"cadreLoad", func(ctx context.Context) error {
			_, err := stats.CadreLoadByDepartment(ctx, c, stats.AsOf{})
			return err
		}},
		{"visitCompliance", func(ctx context.Context) error {
			_, err := stats.VisitComplianceByUnit(ctx, c, 2026, stats.ByTownship, stats.AsOf{})
			return err
		}},
		{"visitCompliance/VILLAGE", func(ctx context.Context) error {
			_, err := stats.VisitComplianceByUnit(ctx, c, 2026, stats.ByVillage, stats.AsOf{})
			return err
		}},
		{"demandStats/TOWNSHIP", func(ctx context.Context) error {
			_, err := stats.DemandStatsOf(ctx, c, nil, grp(stats.ByTownship), stats.AsOf{})
			return err
		}},
		{"demoProjectStats", func(ctx context.Context) error {
			_, err := stats.DemoProjectStats(ctx, c, nil, stats.AsOf{})
			return err
		}},
		{"trainingCompletion", func(ctx context.Context) error {
			_, err := stats.TrainingCompletionByUnit(ctx, c, 2026, stats.ByTownship, stats.AsOf{})
			return err
		}},
		{"memberComposition/GENDER", func(ctx context.Context) error {
			_, err := stats.MemberComposition(ctx, c, stats.DimGender, nil, stats.AsOf{})
			return err
		}},
		{"rectificationProgress", func(ctx context.Context) error {
			_, err := stats.RectificationProgressByUnit(ctx, c, 2026, stats.ByTownship, stats.AsOf{})
			return err
		}},
		{"memberEngagement", func(ctx context.Context) error {
			_, err := stats.MemberEngagementByUnit(ctx, c, 2026, stats.ByTownship, stats.AsOf{})
			return err
		}},
		{"povertyExit", func(ctx context.Context) error {
			_, err := stats.PovertyExitByUnit(ctx, c, 2026, stats.ByTownship, stats.AsOf{})
			return err
		}},
		{"projectOutcomes", func(ctx context.Context) error {
			_, err := stats.ProjectOutcomes(ctx, c, 2026, stats.ByTownship, stats.AsOf{})
			return err
		}},
		{"annualReport(township01)", func(ctx context.Context) error {
			r, err := stats.AnnualReportOf(ctx, c, township, 2026, stats.AsOf{})
			if err != nil {
				return err
			}
			_, err = r.VisitCompliance(ctx)
			return err
		}},
		{"assessmentProgress", func(ctx context.Context) error {
			_, err := stats.AssessmentProgressByUnit(ctx, c, 2026, stats.ByTownship, stats.AsOf{})
			return err
		}},
	}
	only := os.Getenv("SBQW_SCALE_ONLY")
	if n, err := strconv.Atoi(os.Getenv("SBQW_SCALE_REPEAT")); err == nil && n > 0 {
		repeat = n
	}
	var summary []string
	for _, sc := range cases {
		if only != "" && sc.name != only {
			continue
		}
		rec.start()
		if err := sc.run(as); err != nil {
			t.Fatalf("%s: %v", sc.name, err)
		}
		stmts := rec.stop()
		best := time.Duration(1 << 62)
		for range repeat {
			begin := time.Now()
			if err := sc.run(as); err != nil {
				t.Fatalf("%s: %v", sc.name, err)
			}
			best = min(best, time.Since(begin))
		}
		summary = append(summary, fmt.Sprintf("%-26s %8.3f s  %2d statements", sc.name, best.Seconds(), len(stmts)))
		t.Logf("== %s: best of %d %.3f s, %d statements", sc.name, repeat, best.Seconds(), len(stmts))
		for _, s := range stmts {
			t.Logf("  [%.3f s] %s", timed(t, sdb, s).Seconds(), strings.Join(strings.Fields(s.query), " "))
			for _, p := range plan(t, sdb, s) {
				t.Logf("      %s", p)
			}
		}
	}
	t.Logf("summary (best of %d, admin, %s):\n%s", repeat, sdb.Dialect, strings.Join(summary, "\n"))
}

// recorder keeps the statements (and their arguments) run through the client while on.
type recorder struct {
	dialect.Driver
	mu    sync.Mutex
	on    bool
	stmts []statement
}

type statement struct {
	query string
	args  []any
}

func (r *recorder) start() { r.mu.Lock(); r.on, r.stmts = true, nil; r.mu.Unlock() }
func (r *recorder) stop() []statement {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.on = false
	return r.stmts
}

func (r *recorder) Query(ctx context.Context, query string, args, v any) error {
	r.mu.Lock()
	if r.on {
		a, _ := args.([]any)
		r.stmts = append(r.stmts, statement{query, a})
	}
	r.mu.Unlock()
	return r.Driver.Query(ctx, query, args, v)
}

// repeat is how often each statistic and statement is timed; the best time counts.
var repeat = 3

// timed runs one statement on its own and reads all its rows: the best of repeat runs.
func timed(t *testing.T, db *storage.DB, s statement) time.Duration {
	best := time.Duration(1 << 62)
	for range repeat {
		begin := time.Now()
		rows, err := db.SQL.Query(s.query, s.args...)
		if err != nil {
			t.Fatalf("%s: %v", s.query, err)
		}
		for rows.Next() {
		}
		if err := rows.Close(); err != nil {
			t.Fatal(err)
		}
		best = min(best, time.Since(begin))
	}
	return best
}

// plan is the engine's plan of one statement with its arguments.
func plan(t *testing.T, db *storage.DB, s statement) []string {
	q := "EXPLAIN QUERY PLAN " + s.query
	if db.Dialect == dialect.MySQL {
		q = "EXPLAIN " + s.query
	}
	rows, err := db.SQL.Query(q, s.args...)
	if err != nil {
		return []string{"(no plan: " + err.Error() + ")"}
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		var parts []string
		for i, v := range vals {
			if b, ok := v.([]byte); ok {
				v = string(b)
			}
			if v == nil || (db.Dialect == dialect.SQLite && cols[i] != "detail") {
				continue
			}
			parts = append(parts, fmt.Sprint(v))
		}
		out = append(out, strings.Join(parts, " | "))
	}
	return out
}
