package stats

import (
	"context"

	"entgo.io/ent/dialect/sql"

	"github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/ent/assessment"
	"github.com/nanpiao/sbqw/ent/partymember"
	"github.com/nanpiao/sbqw/ent/predicate"
	"github.com/nanpiao/sbqw/ent/schema/enum"
)

// AssessmentProgress 考核进度: a unit's assessments of a year against the "五个增强" (the
// secretary's five capability gains) and "六个提高" (the village's six performance gains).
// The target of each indicator is the one recorded on its assessment (Assessment.target, set
// by the township with the baseline at the start of the year); an indicator is met when the
// value reached (actual) is at least the target. Assessments without a value reached yet are
// counted but neither met nor missed.
type AssessmentProgress struct {
	StatsUnit
	// Over all eleven indicators.
	Assessments, Assessed, Met int
	// MetRate is Met / Assessed; nil when nothing is assessed yet.
	MetRate *float64
	// Indicators lists every indicator in the order of the Indicator enum, zeros included.
	Indicators []*IndicatorProgress
}

// IndicatorProgress is one indicator of a unit: how many assessments, how many with a value
// reached and met, and the mean baseline, target and value reached.
type IndicatorProgress struct {
	Indicator enum.Indicator
	// Assessments counted; Assessed: with a value reached; Met: reached ≥ target.
	Assessments, Assessed, Met int
	// Means over the assessments (baseline, target) and over the assessed ones (the target of
	// the assessed ones and the value reached, to compare like with like); nil when none.
	AverageBaseline, AverageTarget       *float64
	AverageAssessedTarget, AverageActual *float64
	MetRate                              *float64
}

// Capability reports whether the indicator is one of the five capability gains (五个增强).
func (p *IndicatorProgress) Capability() bool { return p.Indicator.IsCapability() }

// AssessmentProgressByUnit: per unit, the caller's assessments of year, each indicator's
// target against the value reached. With a day named (asOf), a secretary's capability
// indicators count only while the secretary held the village's SECRETARY post that day (from
// the posts' dates); the year's performance indicators all count, and the values are the
// assessments' current ones (an assessment keeps no history of its values; createdAt is when a
// record was entered or imported, not when it became valid, so it is not used).
func AssessmentProgressByUnit(ctx context.Context, client *ent.Client, year int, g StatsGrouping, at AsOf) ([]*AssessmentProgress, error) {
	if err := checkYear(year); err != nil {
		return nil, err
	}
	return assessmentProgress(ctx, client, year, g, 0, at)
}

// metAssessment: a value reached, and at least the target.
func metAssessment(s *sql.Selector) {
	s.Where(sql.And(sql.NotNull(s.C(assessment.FieldActual)), sql.ColumnsGTE(s.C(assessment.FieldActual), s.C(assessment.FieldTarget))))
}

func assessmentProgress(ctx context.Context, client *ent.Client, year int, g StatsGrouping, townshipID int, at AsOf) ([]*AssessmentProgress, error) {
	q := client.Assessment.Query().Where(assessment.Year(year), predicate.Assessment(inTownship(townshipID)))
	if at.given() {
		q.Where(assessment.Or(assessment.SecretaryIDIsNil(),
			assessment.HasSecretaryWith(predicate.PartyMember(visible(ctx, ent.TypePartyMember)),
				partymember.HasPostsWith(villageSecretaryPost(ctx, at), predicate.Post(visible(ctx, ent.TypePost))))))
	}
	assessed := assessment.ActualNotNil()
	var rs []struct {
		StatsUnit   int      `sql:"unit"`
		Indicator   string   `sql:"indicator"`
		Assessments int      `sql:"assessments"`
		Assessed    int      `sql:"assessed"`
		Met         int      `sql:"met"`
		Baseline    *float64 `sql:"baseline"`
		Target      *float64 `sql:"target"`
		AssessedTgt *float64 `sql:"assessed_target"`
		Actual      *float64 `sql:"actual"`
	}
	err := q.Modify(grouped([]key{unitKey(g), by(assessment.FieldIndicator)},
		countAll("assessments"),
		countIf("assessed", assessed),
		countIf("met", metAssessment),
		sumOf("baseline", assessment.FieldBaseline),
		sumOf("target", assessment.FieldTarget),
		sumExprIf("assessed_target", func(s *sql.Selector) string { return s.C(assessment.FieldTarget) }, assessed),
		sumOf("actual", assessment.FieldActual),
	)).Scan(ctx, &rs)
	if err != nil {
		return nil, err
	}
	rows := map[int]*AssessmentProgress{}
	for _, r := range rs {
		p := row(rows, r.StatsUnit)
		if p.Indicators == nil {
			p.Indicators = newIndicatorProgress()
		}
		for _, ip := range p.Indicators {
			if string(ip.Indicator) != r.Indicator {
				continue
			}
			ip.Assessments, ip.Assessed, ip.Met = r.Assessments, r.Assessed, r.Met
			ip.AverageBaseline = ratio(nf(r.Baseline), float64(r.Assessments))
			ip.AverageTarget = ratio(nf(r.Target), float64(r.Assessments))
			ip.AverageAssessedTarget = ratio(nf(r.AssessedTgt), float64(r.Assessed))
			ip.AverageActual = ratio(nf(r.Actual), float64(r.Assessed))
			ip.MetRate = ratio(float64(r.Met), float64(r.Assessed))
		}
		p.Assessments += r.Assessments
		p.Assessed += r.Assessed
		p.Met += r.Met
		p.MetRate = ratio(float64(p.Met), float64(p.Assessed))
	}
	return withUnits(ctx, client, g, rows, func(r *AssessmentProgress) *StatsUnit { return &r.StatsUnit })
}

func newIndicatorProgress() []*IndicatorProgress {
	vs := enum.Indicator("").Values()
	out := make([]*IndicatorProgress, 0, len(vs))
	for _, v := range vs {
		out = append(out, &IndicatorProgress{Indicator: enum.Indicator(v)})
	}
	return out
}

// nf reads a nullable floating SUM.
func nf(v *float64) float64 {
	if v == nil {
		return 0
	}
	return *v
}
