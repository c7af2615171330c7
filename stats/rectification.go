package stats

import (
	"context"

	"github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/ent/predicate"
	"github.com/nanpiao/sbqw/ent/rectification"
	"github.com/nanpiao/sbqw/ent/schema/enum"
)

// passingScore is the lowest acceptance score that passes (验收合格).
const passingScore = 70

// RectificationProgress 整顿进度: a unit's rectifications of weak villages in a year.
type RectificationProgress struct {
	StatsUnit
	Rectifications int
	// ByStatus lists every status, zeros included.
	ByStatus []*RectificationStatusCount
	// AverageProgress is the mean progress (percent); nil without rectifications.
	AverageProgress *float64
	// Scored rectifications have an acceptance score; AverageAcceptanceScore is their mean.
	Scored                 int
	AverageAcceptanceScore *float64
	// Passed scored 70 or more, Failed less.
	Passed int
	Failed int

	progressSum, scoreSum float64
}

// RectificationStatusCount is the number of rectifications in one status.
type RectificationStatusCount struct {
	Status         enum.RectificationStatus
	Rectifications int
}

// RectificationProgressByUnit: per unit, the caller's rectifications of year.
// A rectification keeps no history of its status, progress and score, so asOf does not change
// this statistic: it is accepted like everywhere, and the year's rectifications are counted as
// they stand (createdAt is when a record was entered or imported, not when it became valid).
func RectificationProgressByUnit(ctx context.Context, client *ent.Client, year int, g StatsGrouping, at AsOf) ([]*RectificationProgress, error) {
	if err := checkYear(year); err != nil {
		return nil, err
	}
	return rectificationProgress(ctx, client, year, g, 0, at)
}

func rectificationProgress(ctx context.Context, client *ent.Client, year int, g StatsGrouping, townshipID int, at AsOf) ([]*RectificationProgress, error) {
	q := client.Rectification.Query().Where(rectification.Year(year), predicate.Rectification(inTownship(townshipID)))
	// One statement grouped by unit and status; per-unit figures add up the sums and counts
	// (never averages) of its status rows.
	var rs []struct {
		StatsUnit int      `sql:"unit"`
		Status    string   `sql:"status"`
		Count     int      `sql:"rectifications"`
		Progress  *float64 `sql:"progress"`
		Scored    int      `sql:"scored"`
		Score     *float64 `sql:"score"`
		Passed    int      `sql:"passed"`
		Failed    int      `sql:"failed"`
	}
	err := q.
		Modify(grouped([]key{unitKey(g), by(rectification.FieldStatus)},
			countAll("rectifications"),
			sumOf("progress", rectification.FieldProgress),
			countOf("scored", rectification.FieldAcceptanceScore),
			sumOf("score", rectification.FieldAcceptanceScore),
			countIf("passed", rectification.AcceptanceScoreGTE(passingScore)),
			countIf("failed", rectification.AcceptanceScoreLT(passingScore)),
		)).
		Scan(ctx, &rs)
	if err != nil {
		return nil, err
	}
	rows := map[int]*RectificationProgress{}
	for _, r := range rs {
		p := row(rows, r.StatsUnit)
		if p.ByStatus == nil {
			p.ByStatus = newStatusCounts()
		}
		for _, c := range p.ByStatus {
			if string(c.Status) == r.Status {
				c.Rectifications += r.Count
			}
		}
		p.Rectifications += r.Count
		p.Scored += r.Scored
		p.Passed += r.Passed
		p.Failed += r.Failed
		if r.Progress != nil {
			p.progressSum += *r.Progress
		}
		if r.Score != nil {
			p.scoreSum += *r.Score
		}
	}
	for _, p := range rows {
		p.AverageProgress = ratio(p.progressSum, float64(p.Rectifications))
		p.AverageAcceptanceScore = ratio(p.scoreSum, float64(p.Scored))
	}
	return withUnits(ctx, client, g, rows, func(r *RectificationProgress) *StatsUnit { return &r.StatsUnit })
}

func newStatusCounts() []*RectificationStatusCount {
	var out []*RectificationStatusCount
	for _, v := range enum.RectificationStatus("").Values() {
		out = append(out, &RectificationStatusCount{Status: enum.RectificationStatus(v)})
	}
	return out
}
