package stats

import (
	"context"

	"entgo.io/ent/dialect/sql"

	"github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/ent/demoproject"
	"github.com/nanpiao/sbqw/ent/predicate"
	"github.com/nanpiao/sbqw/ent/projectinvestment"
	"github.com/nanpiao/sbqw/ent/schema/enum"
	"github.com/nanpiao/sbqw/money"
)

// ProjectOutcome 示范工程成效: what a unit's demonstration projects of a year cost and achieved.
// Amounts are summed as integers (fen) by the database; nothing passes through a float.
type ProjectOutcome struct {
	StatsUnit
	Projects int
	// Investments lists every funding source, zeros included.
	Investments []*InvestmentBySource
	Planned     money.Fen
	Actual      money.Fen

	HouseholdsDriven      int
	PersonsDriven         int
	NeedyHouseholdsDriven int
	// IncomeGain is Σ income_gain_per_household × households_driven; IncomeGainPerHousehold
	// divides it by the households of the projects that report a gain (nil when none).
	IncomeGain             money.Fen
	IncomeGainPerHousehold *money.Fen
	NewCollectiveIncome    money.Fen
	JobsCreated            int

	gainHouseholds int64
}

// InvestmentBySource is the planned and actual investment from one funding source.
type InvestmentBySource struct {
	Source  enum.FundingSource
	Planned money.Fen
	Actual  money.Fen
}

// ProjectOutcomes: per unit, the caller's demonstration projects of year. Grouped by village,
// projects without a subject village are left out (they belong to no village). With a day named
// (asOf), only the projects whose stage history had begun by then count (a DemoProjectStage row
// created by that day); their amounts and figures are the current ones (a project keeps no
// history of them).
func ProjectOutcomes(ctx context.Context, client *ent.Client, year int, g StatsGrouping, at AsOf) ([]*ProjectOutcome, error) {
	if err := checkYear(year); err != nil {
		return nil, err
	}
	return projectOutcomes(ctx, client, year, g, 0, at)
}

func projectOutcomes(ctx context.Context, client *ent.Client, year int, g StatsGrouping, townshipID int, at AsOf) ([]*ProjectOutcome, error) {
	rows, err := projectOutcomeRows(ctx, client, year, g, oneTownship(townshipID), at)
	if err != nil {
		return nil, err
	}
	return withUnits(ctx, client, g, rows, func(r *ProjectOutcome) *StatsUnit { return &r.StatsUnit })
}

// projectOutcomeRows is projectOutcomes by unit ID, unit 0 (no township) included, before the
// units are loaded. Every figure is a count or a sum of rows.
func projectOutcomeRows(ctx context.Context, client *ent.Client, year int, g StatsGrouping, in townships, at AsOf) (map[int]*ProjectOutcome, error) {
	pq := client.DemoProject.Query().Where(demoproject.Year(year), predicate.DemoProject(in.where()))
	// of the project, in the investments' sub-query too
	ofProject := []predicate.DemoProject{demoproject.Year(year), predicate.DemoProject(visible(ctx, ent.TypeDemoProject))}
	if at.given() {
		started := startedBy(ctx, at)
		pq.Where(started)
		ofProject = append(ofProject, started)
	}
	if g == ByVillage {
		pq.Where(demoproject.VillageIDNotNil())
	}
	var ps []struct {
		Unit           int    `sql:"unit"`
		Projects       int    `sql:"projects"`
		Households     *int64 `sql:"households"`
		Persons        *int64 `sql:"persons"`
		Needy          *int64 `sql:"needy"`
		Gain           *int64 `sql:"gain"`
		GainHouseholds *int64 `sql:"gain_households"`
		Collective     *int64 `sql:"collective"`
		Jobs           *int64 `sql:"jobs"`
	}
	hasGain := demoproject.IncomeGainPerHouseholdNotNil()
	err := pq.Modify(grouped([]key{unitKey(g)},
		countAll("projects"),
		sumOf("households", demoproject.FieldHouseholdsDriven),
		sumOf("persons", demoproject.FieldPersonsDriven),
		sumOf("needy", demoproject.FieldNeedyHouseholdsDriven),
		sumExprIf("gain", func(s *sql.Selector) string {
			return s.C(demoproject.FieldIncomeGainPerHousehold) + " * " + s.C(demoproject.FieldHouseholdsDriven)
		}, hasGain),
		sumExprIf("gain_households", func(s *sql.Selector) string { return s.C(demoproject.FieldHouseholdsDriven) }, hasGain),
		sumOf("collective", demoproject.FieldNewCollectiveIncome),
		sumOf("jobs", demoproject.FieldJobsCreated),
	)).Scan(ctx, &ps)
	if err != nil {
		return nil, err
	}
	rows := map[int]*ProjectOutcome{}
	for _, r := range ps {
		o := row(rows, r.Unit)
		o.Projects = r.Projects
		o.HouseholdsDriven, o.PersonsDriven, o.NeedyHouseholdsDriven = int(n(r.Households)), int(n(r.Persons)), int(n(r.Needy))
		o.IncomeGain, o.gainHouseholds = money.Fen(n(r.Gain)), n(r.GainHouseholds)
		o.NewCollectiveIncome, o.JobsCreated = money.Fen(n(r.Collective)), int(n(r.Jobs))
		if per, ok := money.PerUnit(o.IncomeGain, o.gainHouseholds); ok {
			o.IncomeGainPerHousehold = &per
		}
	}

	// Investments of the same projects: the year and unit come from the project row, through a
	// sub-query ent builds without privacy, so the project's read filter is added by hand (an
	// investment's scope is its project's, so this never drops a visible row).
	iq := client.ProjectInvestment.Query().Where(predicate.ProjectInvestment(in.where()),
		projectinvestment.HasProjectWith(ofProject...))
	if g == ByVillage {
		iq.Where(projectinvestment.VillageIDNotNil())
	}
	var is []struct {
		Unit    int    `sql:"unit"`
		Source  string `sql:"source"`
		Planned *int64 `sql:"planned"`
		Actual  *int64 `sql:"actual"`
	}
	err = iq.Modify(grouped([]key{unitKey(g), by(projectinvestment.FieldSource)},
		sumOf("planned", projectinvestment.FieldPlanned),
		sumOf("actual", projectinvestment.FieldActual),
	)).Scan(ctx, &is)
	if err != nil {
		return nil, err
	}
	for _, o := range rows {
		o.Investments = newInvestments()
	}
	for _, r := range is {
		o, ok := rows[r.Unit]
		if !ok { // investments of a project the year's query did not see cannot occur; be safe
			o = row(rows, r.Unit)
			o.Investments = newInvestments()
		}
		for _, c := range o.Investments {
			if string(c.Source) == r.Source {
				c.Planned += money.Fen(n(r.Planned))
				c.Actual += money.Fen(n(r.Actual))
			}
		}
		o.Planned += money.Fen(n(r.Planned))
		o.Actual += money.Fen(n(r.Actual))
	}
	return rows, nil
}

func newInvestments() []*InvestmentBySource {
	var out []*InvestmentBySource
	for _, v := range enum.FundingSource("").Values() {
		out = append(out, &InvestmentBySource{Source: enum.FundingSource(v)})
	}
	return out
}

// n reads a nullable SUM.
func n(v *int64) int64 {
	if v == nil {
		return 0
	}
	return *v
}
