package stats

import (
	"context"
	"github.com/nanpiao/sbqw/apperr"
	"time"

	"entgo.io/ent/dialect/sql"
	"github.com/6tail/lunar-go/calendar"

	"github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/ent/pairing"
	"github.com/nanpiao/sbqw/ent/predicate"
	"github.com/nanpiao/sbqw/ent/schema/enum"
	"github.com/nanpiao/sbqw/ent/visit"
)

// SpringFestival returns the Spring Festival (春节, the first day of the first lunar month) of a
// year, computed from the lunar calendar, for any year a statistic accepts.
func SpringFestival(year int) (time.Time, error) {
	// Any year the lunar calendar covers, not only reporting years: the date rule is a calendar fact.
	if year < 2000 || year > 2100 {
		return time.Time{}, apperr.Invalid("year", "must be between 2000 and 2100 (年度超出范围)")
	}
	d := calendar.NewLunarFromYmd(year, 1, 1).GetSolar()
	return time.Date(d.GetYear(), time.Month(d.GetMonth()), d.GetDay(), 0, 0, 0, 0, time.UTC), nil
}

// Days without a visit after which an active pairing counts as neglected.
const (
	quietDays     = 60
	longQuietDays = 90
)

// VisitCompliance 走访情况: a unit's active pairings and how they are being visited in a year.
type VisitCompliance struct {
	StatsUnit
	ActivePairings int
	// VisitsByQuarter counts the year's visits in Q1…Q4.
	VisitsByQuarter []int
	// Active pairings with no visit in the last 60 / 90 days (counted back from today).
	NoVisit60Days int
	NoVisit90Days int
	// SpringFestival is the year's Spring Festival; SpringFestivalPairings the pairings in force
	// that day, SpringFestivalVisited those of them with a SPRING_FESTIVAL visit in the year.
	SpringFestival         time.Time
	SpringFestivalPairings int
	SpringFestivalVisited  int
	// SpringFestivalCoverage is SpringFestivalVisited / SpringFestivalPairings; nil without any.
	SpringFestivalCoverage *float64
}

// VisitComplianceByUnit: per unit, active pairings, visits per quarter of year, neglected
// pairings and the Spring Festival coverage.
//
// With a day named (asOf), it counts that day: the pairings in force then (start_on/end_on),
// the visits made up to it, and the 60/90 days counted back from it.
func VisitComplianceByUnit(ctx context.Context, client *ent.Client, year int, g StatsGrouping, at AsOf) ([]*VisitCompliance, error) {
	return visitCompliance(ctx, client, year, g, nil, at)
}

// inForceOn: the pairing had started by d and had not been released before d.
func inForceOn(d time.Time) predicate.Pairing {
	return pairing.And(pairing.StartOnLTE(d), pairing.Or(pairing.EndOnIsNil(), pairing.EndOnGTE(d)))
}

// visitCompliance counts the townships in (nil: every township).
func visitCompliance(ctx context.Context, client *ent.Client, year int, g StatsGrouping, in townships, at AsOf) ([]*VisitCompliance, error) {
	sf, err := SpringFestival(year)
	if err != nil {
		return nil, err
	}
	from, to := yearSpan(year)
	t := at.Day()
	// Visits made after the day counted on do not exist yet for it.
	until := minTime(to, at.before())
	active := at.pairingInForce()
	quiet := func(days int) func(*sql.Selector) {
		return func(s *sql.Selector) {
			active(s)
			last := seen(s, "last_at")
			s.Where(sql.Or(sql.IsNull(last), sql.LT(last, t.AddDate(0, 0, -days))))
		}
	}
	var ps []struct {
		StatsUnit int `sql:"unit"`
		Active    int `sql:"active"`
		Quiet60   int `sql:"quiet60"`
		Quiet90   int `sql:"quiet90"`
		SFInForce int `sql:"sf_in_force"`
		SFVisited int `sql:"sf_visited"`
	}
	err = client.Pairing.Query().
		Where(predicate.Pairing(in.where()), pairing.Or(active, inForceOn(sf))).
		Modify(
			joinVisits(ctx, in, minTime(from, t.AddDate(0, 0, -longQuietDays)), from, until, at.before()),
			grouped([]key{unitKey(g)},
				countIf("active", active),
				countIf("quiet60", quiet(quietDays)),
				countIf("quiet90", quiet(longQuietDays)),
				countIf("sf_in_force", inForceOn(sf)),
				countIf("sf_visited", inForceOn(sf), func(s *sql.Selector) { s.Where(sql.GT(seen(s, "festive"), 0)) }),
			)).
		Scan(ctx, &ps)
	if err != nil {
		return nil, err
	}
	var vs []struct {
		StatsUnit int `sql:"unit"`
		Quarter   int `sql:"quarter"`
		Visits    int `sql:"visits"`
	}
	err = client.Visit.Query().
		Where(predicate.Visit(in.where()), visit.VisitedAtGTE(from), visit.VisitedAtLT(until)).
		Modify(grouped([]key{unitKey(g), {as: "quarter", expr: quarterOf(visit.FieldVisitedAt)}}, countAll("visits"))).
		Scan(ctx, &vs)
	if err != nil {
		return nil, err
	}
	rows := map[int]*VisitCompliance{}
	newRow := func(id int) *VisitCompliance {
		r := row(rows, id)
		if r.VisitsByQuarter == nil {
			r.VisitsByQuarter, r.SpringFestival = make([]int, 4), sf
		}
		return r
	}
	for _, p := range ps {
		r := newRow(p.StatsUnit)
		r.ActivePairings, r.NoVisit60Days, r.NoVisit90Days = p.Active, p.Quiet60, p.Quiet90
		r.SpringFestivalPairings, r.SpringFestivalVisited = p.SFInForce, p.SFVisited
		r.SpringFestivalCoverage = ratio(float64(p.SFVisited), float64(p.SFInForce))
	}
	for _, v := range vs {
		if v.Quarter >= 1 && v.Quarter <= 4 {
			newRow(v.StatsUnit).VisitsByQuarter[v.Quarter-1] = v.Visits
		}
	}
	return withUnits(ctx, client, g, rows, func(r *VisitCompliance) *StatsUnit { return &r.StatsUnit })
}

// joinVisits joins to each pairing, as "seen", one pass over the caller's visits from since on:
// the time of its last visit and its number of SPRING_FESTIVAL visits in [from, to). (A
// correlated sub-query per pairing and condition costs several times more on MariaDB.) The
// visits are a sub-query, so they carry the visits' read filter themselves. Visits from before
// on are left out (those made after the day counted on).
//
// For some townships (in ≠ nil) only those townships' visits are aggregated: a visit carries
// its pairing's township (scope inheritance), so the other townships' visits could only join
// pairings the outer query leaves out, and a township's report reads its own visits
// (visit_township_id) instead of every visit of the district.
func joinVisits(ctx context.Context, in townships, since, from, to, before time.Time) func(*sql.Selector) {
	return func(s *sql.Selector) {
		b := sql.Dialect(s.Dialect())
		v := b.Table(visit.Table)
		sub := b.Select(v.C(visit.FieldPairingID)).From(v)
		sub.AppendSelectExprAs(sql.Raw("MAX("+v.C(visit.FieldVisitedAt)+")"), "last_at")
		festive := countIf("festive", visit.OccasionEQ(enum.VisitSpringFestival), visit.VisitedAtGTE(from), visit.VisitedAtLT(to))
		sub.AppendSelectExprAs(festive.expr(sub), festive.as)
		visit.VisitedAtGTE(since)(sub)
		visit.VisitedAtLT(before)(sub)
		visible(ctx, "Visit")(sub)
		in.where()(sub)
		sub.GroupBy(v.C(visit.FieldPairingID)).As("seen")
		s.LeftJoin(sub).On(s.C(pairing.FieldID), sub.C(visit.FieldPairingID))
	}
}

// seen is a column of the visits joined by joinVisits.
func seen(s *sql.Selector, col string) string { return sql.Dialect(s.Dialect()).Table("seen").C(col) }

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// emptyVisitCompliance is the row of a unit with nothing to count.
func emptyVisitCompliance(u StatsUnit, year int) *VisitCompliance {
	sf, _ := SpringFestival(year) // the year was checked before any row was counted
	return &VisitCompliance{StatsUnit: u, VisitsByQuarter: make([]int, 4), SpringFestival: sf}
}
