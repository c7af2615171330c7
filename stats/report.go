package stats

import (
	"context"
	"time"

	"github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/ent/contribution"
	"github.com/nanpiao/sbqw/ent/team"
)

// AnnualReport 乡镇年度报告: one township's year across the four projects. Each section is
// computed when asked for, by the same queries as the statistics limited to the township, so
// a section over a type the caller's role may not read fails alone (FORBIDDEN) and the others
// are still answered. A caller outside the township sees what a township without any records
// would show: zeros and empty lists.
type AnnualReport struct {
	Township *ent.Township
	Year     int

	// at is the day the "current" sections (pairing coverage, secretaries, members, poverty)
	// count on.
	at     AsOf
	client *ent.Client
}

// AsOf is the day the "current" sections count on.
func (r *AnnualReport) AsOf() time.Time { return r.at.Day() }

// AnnualReportOf checks the arguments and returns the report, whose sections are computed when
// resolved.
func AnnualReportOf(ctx context.Context, client *ent.Client, townshipID, year int, at AsOf) (*AnnualReport, error) {
	if _, err := SpringFestival(year); err != nil {
		return nil, err
	}
	t, err := requireTownship(ctx, client, townshipID)
	if err != nil {
		return nil, err
	}
	return &AnnualReport{Township: t, Year: year, at: at, client: client}, nil
}

func (r *AnnualReport) unit() StatsUnit { return StatsUnit{Township: r.Township} }

// single is the township's one row of a statistic grouped by township, or the empty row.
func single[R any](rows []*R, err error, empty *R) (*R, error) {
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return empty, nil
	}
	return rows[0], nil
}

// DemoProjects: the township's demonstration projects of the year (十大示范引领工程).
func (r *AnnualReport) DemoProjects(ctx context.Context) ([]*AnnualDemoProject, error) {
	return demoProjectsOf(ctx, r.client, r.Township.ID, r.Year)
}

// DemoProjectStages: those projects per stage.
func (r *AnnualReport) DemoProjectStages(ctx context.Context) ([]*DemoProjectStageCount, error) {
	return demoProjectStats(ctx, r.client, &r.Year, r.Township.ID, r.at)
}

// Training: its village secretaries' "1+X" training (百名书记).
func (r *AnnualReport) Training(ctx context.Context) (*TrainingCompletion, error) {
	rows, err := trainingCompletion(ctx, r.client, r.Year, ByTownship, oneTownship(r.Township.ID), r.at)
	return single(rows, err, &TrainingCompletion{StatsUnit: r.unit()})
}

// PairingCoverage: its needy households and their cadres, as of the report's day (千名干部).
func (r *AnnualReport) PairingCoverage(ctx context.Context) (*PairingCoverage, error) {
	rows, err := pairingCoverage(ctx, r.client, ByTownship, r.Township.ID, r.at)
	return single(rows, err, &PairingCoverage{StatsUnit: r.unit()})
}

// VisitCompliance: the visits of the year.
func (r *AnnualReport) VisitCompliance(ctx context.Context) (*VisitCompliance, error) {
	rows, err := visitCompliance(ctx, r.client, r.Year, ByTownship, oneTownship(r.Township.ID), r.at)
	return single(rows, err, emptyVisitCompliance(r.unit(), r.Year))
}

// Demands: the demands registered in the year.
func (r *AnnualReport) Demands(ctx context.Context) (*DemandStats, error) {
	return demandStats(ctx, r.client, &r.Year, r.Township.ID, r.at)
}

// Rectifications: its villages' rectifications of the year.
func (r *AnnualReport) Rectifications(ctx context.Context) (*RectificationProgress, error) {
	rows, err := rectificationProgress(ctx, r.client, r.Year, ByTownship, r.Township.ID, r.at)
	return single(rows, err, &RectificationProgress{StatsUnit: r.unit(), ByStatus: newStatusCounts()})
}

// Poverty: its households by poverty status on the report's day, or on 31 December of the
// year when that is earlier, and the year's exits, monitoring and returns up to that day,
// replayed from the poverty status history.
func (r *AnnualReport) Poverty(ctx context.Context) (*PovertyExit, error) {
	rows, err := povertyExit(ctx, r.client, r.Year, reportEnd(r.Year, r.at), ByTownship, oneTownship(r.Township.ID))
	return single(rows, err, &PovertyExit{StatsUnit: r.unit()})
}

// Members: its active party members, as of the report's day (万名党员).
func (r *AnnualReport) Members(ctx context.Context) (*MemberHighlights, error) {
	return memberHighlights(ctx, r.client, r.Township.ID, r.at)
}

// Teams: its party member teams and what their members contributed in the year.
func (r *AnnualReport) Teams(ctx context.Context) (*TeamFigures, error) {
	teams, err := r.client.Team.Query().Where(team.TownshipID(r.Township.ID)).Count(ctx)
	if err != nil {
		return nil, err
	}
	from, to := yearSpan(r.Year)
	var rows []struct {
		Contributions int `sql:"contributions"`
		Helped        int `sql:"helped"`
	}
	err = r.client.Contribution.Query().
		Where(contribution.TownshipID(r.Township.ID), contribution.OnGTE(from), contribution.OnLT(to)).
		Modify(grouped(nil, countAll("contributions"), sumOf("helped", contribution.FieldHouseholdsHelped))).
		Scan(ctx, &rows)
	if err != nil {
		return nil, err
	}
	f := &TeamFigures{Teams: teams}
	if len(rows) == 1 {
		f.Contributions, f.HouseholdsHelped = rows[0].Contributions, rows[0].Helped
	}
	return f, nil
}

// TeamFigures 党员团队: teams, and contributions recorded in the year with the households they
// helped.
type TeamFigures struct {
	Teams            int
	Contributions    int
	HouseholdsHelped int
}
