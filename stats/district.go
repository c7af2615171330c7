package stats

import (
	"context"
	"errors"
	"sort"
	"time"

	"github.com/nanpiao/sbqw/apperr"
	"github.com/nanpiao/sbqw/ent/privacy"

	"github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/ent/township"
	"github.com/nanpiao/sbqw/money"
)

// DistrictReport 区年度报告: the headline figures of a year for every township the caller can
// see (one row each, from the same queries as the statistics, grouped by township in SQL) and
// the district totals over the caller's scope. A total is the sum of the township rows and the
// row of no township (department members) only where that is exactly the same number: counts
// and sums of rows, each row in one group. A count of distinct values (paired households,
// post holders, identified households, secretaries) is the database's count over the caller's
// scope, the same query without the grouping. A section over a type the caller's role may not
// read is nil in every row, and its error (FORBIDDEN) is in Withheld.
type DistrictReport struct {
	Year      int
	Townships []*DistrictReportRow
	Total     *DistrictReportRow
	// Withheld holds the error of each section the caller may not read.
	Withheld []error

	at AsOf
}

// AsOf is the day the "current" figures count on.
func (r *DistrictReport) AsOf() time.Time { return r.at.Day() }

// DistrictReportRow is one township's headline figures, or the district's (Township nil).
type DistrictReportRow struct {
	Township *ent.Township
	Coverage *DistrictCoverage
	Training *DistrictTraining
	Members  *DistrictMembers
	Poverty  *DistrictPoverty
	Projects *DistrictProjects
}

// DistrictCoverage: needy households on the report's day and those with a pairing in force (千名干部).
type DistrictCoverage struct{ NeedyHouseholds, PairedHouseholds int }

// DistrictTraining: village secretaries on the report's day and those who attended the year's
// comprehensive course (百名书记).
type DistrictTraining struct{ Secretaries, ComprehensiveAttended int }

// DistrictMembers: active members on the report's day and those holding a post (万名党员).
type DistrictMembers struct{ Members, WithPost int }

// DistrictPoverty: poverty status on the report's stock day and the year's exits up to it,
// replayed from the history.
type DistrictPoverty struct {
	Identified, InPoverty, Exited, Monitored, Returned, ExitedInYear int
}

// DistrictProjects: the year's demonstration projects and their actual investment (十大示范引领工程).
type DistrictProjects struct {
	Projects         int
	ActualInvestment money.Fen
}

// DistrictReportOf computes the district report of year as of at.
func DistrictReportOf(ctx context.Context, client *ent.Client, year int, at AsOf) (*DistrictReport, error) {
	if err := checkYear(year); err != nil {
		return nil, err
	}
	rep := &DistrictReport{Year: year, at: at, Total: &DistrictReportRow{}}
	byID := map[int]*DistrictReportRow{}
	withheld, err := districtFigures(ctx, client, year, at, nil, func(id int) *DistrictReportRow { return row(byID, id) }, rep.Total)
	if err != nil {
		return nil, err
	}
	rep.Withheld = withheld
	delete(byID, 0) // department members: in the district's total, in no township's row
	ids := make([]int, 0, len(byID))
	for id := range byID {
		ids = append(ids, id)
	}
	ts, err := client.Township.Query().Where(township.IDIn(ids...)).All(ctx)
	if err != nil {
		return nil, err
	}
	if len(ts) != len(ids) {
		return nil, errUnitMissing
	}
	for _, t := range ts {
		r := byID[t.ID]
		r.Township = t
		rep.Townships = append(rep.Townships, r)
	}
	sort.Slice(rep.Townships, func(i, j int) bool { return rep.Townships[i].Township.Code < rep.Townships[j].Township.Code })
	// A readable section shows zeros, not nil, for a township without its records.
	for _, r := range append(rep.Townships, rep.Total) {
		r.fillReadable(withheld)
	}
	return rep, nil
}

// section names of the district report, for what a caller may not read.
const (
	secCoverage = "coverage"
	secTraining = "training"
	secMembers  = "members"
	secPoverty  = "poverty"
	secProjects = "projects"
)

func (r *DistrictReportRow) fillReadable(withheld []error) {
	denied := map[string]bool{}
	for _, err := range withheld {
		var s *sectionError
		if errors.As(err, &s) {
			denied[s.section] = true
		}
	}
	if r.Coverage == nil && !denied[secCoverage] {
		r.Coverage = &DistrictCoverage{}
	}
	if r.Training == nil && !denied[secTraining] {
		r.Training = &DistrictTraining{}
	}
	if r.Members == nil && !denied[secMembers] {
		r.Members = &DistrictMembers{}
	}
	if r.Poverty == nil && !denied[secPoverty] {
		r.Poverty = &DistrictPoverty{}
	}
	if r.Projects == nil && !denied[secProjects] {
		r.Projects = &DistrictProjects{}
	}
}

// sectionError is a section the caller may not read.
type sectionError struct {
	section string
	err     error
}

func (e *sectionError) Error() string { return "districtReport." + e.section + ": " + e.err.Error() }
func (e *sectionError) Unwrap() error { return e.err }

func forbidden(err error) bool {
	return errors.Is(err, privacy.Deny) || errors.Is(err, apperr.ErrForbidden)
}

// districtFigures runs each section's queries grouped by township, fills the row of each unit
// (unit 0: no township) and the total: a sum over the units, unit 0 included, where each
// figure is a count or sum of rows; the query without grouping where it counts distinct
// values. A section the caller may not read is skipped and returned among the withheld errors.
// With in set, only those townships' rows are computed (unit 0 not among them) and total is
// nil: the rows of the others, and the total, are the cache's (ReportCache).
func districtFigures(ctx context.Context, client *ent.Client, year int, at AsOf, in townships, rowOf func(int) *DistrictReportRow, total *DistrictReportRow) ([]error, error) {
	id := func(u StatsUnit) int {
		if u.Township == nil {
			return 0
		}
		return u.Township.ID
	}
	g := ByTownship
	sections := []struct {
		name string
		run  func() error
	}{
		{secCoverage, func() error {
			needy, err := needyByUnit(ctx, client, g, in, at)
			if err != nil {
				return err
			}
			paired, err := pairedByUnit(ctx, client, g, in, at)
			if err != nil {
				return err
			}
			t := &DistrictCoverage{}
			if total != nil {
				pairedTotal, err := pairedByUnit(ctx, client, byTotal, nil, at)
				if err != nil {
					return err
				}
				t.PairedHouseholds = pairedTotal[0]
			}
			for unit, n := range needy {
				rowOf(unit).Coverage = &DistrictCoverage{n, paired[unit]}
				t.NeedyHouseholds += n
			}
			for unit, n := range paired {
				if _, ok := needy[unit]; !ok {
					rowOf(unit).Coverage = &DistrictCoverage{0, n}
				}
			}
			if total != nil {
				total.Coverage = t
			}
			return nil
		}},
		{secTraining, func() error {
			// Secretaries and those who attended are distinct members: both queries run.
			units, err := trainingCompletion(ctx, client, year, g, in, at)
			if err != nil {
				return err
			}
			for _, t := range units {
				rowOf(id(t.StatsUnit)).Training = &DistrictTraining{t.Secretaries, t.ComprehensiveAttended}
			}
			if total == nil {
				return nil
			}
			all, err := trainingCompletion(ctx, client, year, byTotal, nil, at)
			if err != nil {
				return err
			}
			for _, t := range all {
				total.Training = &DistrictTraining{t.Secretaries, t.ComprehensiveAttended}
			}
			return nil
		}},
		{secMembers, func() error {
			members, err := membersByUnit(ctx, client, []key{unitKey(g)}, in, at)
			if err != nil {
				return err
			}
			holders, err := holdersByUnit(ctx, client, []key{unitKey(g)}, in, at)
			if err != nil {
				return err
			}
			t := &DistrictMembers{}
			if total != nil {
				holdersTotal, err := holdersByUnit(ctx, client, []key{unitKey(byTotal)}, nil, at)
				if err != nil {
					return err
				}
				t.WithPost = holdersTotal[0]
			}
			for unit, n := range members {
				rowOf(unit).Members = &DistrictMembers{n, holders[unit]}
				t.Members += n
			}
			for unit, n := range holders {
				if _, ok := members[unit]; !ok {
					rowOf(unit).Members = &DistrictMembers{0, n}
				}
			}
			if total != nil {
				total.Members = t
			}
			return nil
		}},
		{secPoverty, func() error {
			end := reportEnd(year, at)
			units, all := map[int]*PovertyExit{}, map[int]*PovertyExit{}
			if err := povertyStock(ctx, client, end, g, in, units); err != nil {
				return err
			}
			if err := povertyFlow(ctx, client, year, end, g, in, units); err != nil {
				return err
			}
			if total != nil {
				if err := povertyFlow(ctx, client, year, end, byTotal, nil, all); err != nil {
					return err
				}
			}
			t := &DistrictPoverty{}
			if f := all[0]; f != nil {
				t.Identified, t.ExitedInYear = f.Identified, f.ExitedInYear
			}
			for unit, p := range units {
				rowOf(unit).Poverty = &DistrictPoverty{p.Identified, p.InPoverty, p.Exited, p.Monitored, p.Returned, p.ExitedInYear}
				t.InPoverty += p.InPoverty
				t.Exited += p.Exited
				t.Monitored += p.Monitored
				t.Returned += p.Returned
			}
			if total != nil {
				total.Poverty = t
			}
			return nil
		}},
		{secProjects, func() error {
			po, err := projectOutcomeRows(ctx, client, year, g, in, at)
			if err != nil {
				return err
			}
			t := &DistrictProjects{}
			for unit, p := range po {
				rowOf(unit).Projects = &DistrictProjects{p.Projects, p.Actual}
				t.Projects += p.Projects
				t.ActualInvestment += p.Actual
			}
			if total != nil {
				total.Projects = t
			}
			return nil
		}},
	}
	var withheld []error
	for _, s := range sections {
		if err := s.run(); forbidden(err) {
			withheld = append(withheld, &sectionError{s.name, err})
		} else if err != nil {
			return nil, err
		}
	}
	return withheld, nil
}

// reportEnd is the day a report of year counts stocks on: its asOf day, or 31 December of the
// year when that is earlier.
func reportEnd(year int, at AsOf) time.Time {
	end := at.Day()
	if last := time.Date(year, 12, 31, 0, 0, 0, 0, time.UTC); last.Before(end) {
		end = last
	}
	return end
}
