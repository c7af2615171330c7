package stats_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/stats"
)

// BenchmarkStatistics runs the heaviest statistics on the demo district as the district and as
// a township, and logs the SQL each runs once. Run on MariaDB with
//
//	MYSQL_TEST_DSN=mysql://root@127.0.0.1:3306/test go test ./stats -run XXX -bench Statistics -benchtime 3s
func BenchmarkStatistics(b *testing.B) {
	d := loadDemo(b)
	c := d.db.Client
	township := d.int(b, "SELECT rb.township_id FROM role_bindings rb JOIN users u ON u.id = rb.user_id WHERE u.username = 'township01'")
	cases := []struct {
		name string
		run  func(ctx context.Context) error
	}{
		{"visitCompliance/TOWNSHIP", func(ctx context.Context) error {
			_, err := stats.VisitComplianceByUnit(ctx, c, 2026, stats.ByTownship, stats.AsOf{})
			return err
		}},
		{"visitCompliance/VILLAGE", func(ctx context.Context) error {
			_, err := stats.VisitComplianceByUnit(ctx, c, 2026, stats.ByVillage, stats.AsOf{})
			return err
		}},
		{"annualReport", func(ctx context.Context) error { return annualReport(ctx, c, township) }},
		{"districtReport", func(ctx context.Context) error {
			_, err := stats.DistrictReportOf(ctx, c, 2026, stats.AsOf{})
			return err
		}},
		{"districtReport/asOf", func(ctx context.Context) error {
			day := time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC)
			at, err := stats.AsOfDay(&day)
			if err != nil {
				return err
			}
			_, err = stats.DistrictReportOf(ctx, c, 2025, at)
			return err
		}},
	}
	for _, user := range []string{"admin", "township01"} {
		ctx := d.as(b, user)
		for _, bc := range cases {
			d.db.Counter.Start()
			if err := bc.run(ctx); err != nil {
				b.Fatal(err)
			}
			stmts := d.db.Counter.Stop()
			b.Logf("%s as %s: %d statements", bc.name, user, len(stmts))
			for _, s := range stmts {
				b.Logf("  %s", strings.Join(strings.Fields(s), " "))
			}
			b.Run(bc.name+"/"+user, func(b *testing.B) {
				for b.Loop() {
					if err := bc.run(ctx); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// annualReport computes every section of a township's 2026 report, as a client asking for all
// of them would.
func annualReport(ctx context.Context, c *ent.Client, township int) error {
	r, err := stats.AnnualReportOf(ctx, c, township, 2026, stats.AsOf{})
	if err != nil {
		return err
	}
	for _, section := range []func(context.Context) error{
		func(ctx context.Context) error { _, err := r.DemoProjects(ctx); return err },
		func(ctx context.Context) error { _, err := r.DemoProjectStages(ctx); return err },
		func(ctx context.Context) error { _, err := r.Training(ctx); return err },
		func(ctx context.Context) error { _, err := r.PairingCoverage(ctx); return err },
		func(ctx context.Context) error { _, err := r.VisitCompliance(ctx); return err },
		func(ctx context.Context) error { _, err := r.Demands(ctx); return err },
		func(ctx context.Context) error { _, err := r.Rectifications(ctx); return err },
		func(ctx context.Context) error { _, err := r.Members(ctx); return err },
		func(ctx context.Context) error { _, err := r.Teams(ctx); return err },
	} {
		if err := section(ctx); err != nil {
			return err
		}
	}
	return nil
}
