package stats

import (
	"context"
	"time"

	"entgo.io/ent/dialect/sql"

	"github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/ent/household"
	"github.com/nanpiao/sbqw/ent/povertystatuschange"
	"github.com/nanpiao/sbqw/ent/predicate"
	"github.com/nanpiao/sbqw/ent/schema/enum"
)

// PovertyExit 脱贫退出与监测: a unit's households by poverty status at the end of a year, and the
// year's flows, all replayed from the dated history (PovertyStatusChange), not from today's
// state — so a past year reads the same after later exits and returns.
type PovertyExit struct {
	StatsUnit
	// Identified households: identified (建档立卡) on or before the year's end.
	Identified int
	// At the year's end: still in poverty, exited, under monitoring, returned to poverty.
	InPoverty, Exited, Monitored, Returned int
	// In the year: exits confirmed, monitoring opened, returns to poverty.
	ExitedInYear, MonitoringOpenedInYear, ReturnedInYear int
}

// PovertyExitByUnit: per unit, the caller's households as of the end of year — or as of the
// day named (asOf) when that is earlier, the year's flows then running up to that day —
// counted from the history rows the caller may read, of households not deleted.
func PovertyExitByUnit(ctx context.Context, client *ent.Client, year int, g StatsGrouping, at AsOf) ([]*PovertyExit, error) {
	if err := checkYear(year); err != nil {
		return nil, err
	}
	return povertyExit(ctx, client, year, at.upTo(time.Date(year, 12, 31, 0, 0, 0, 0, time.UTC)), g, nil)
}

// povertyExit counts the stock on day end (in year) and the flows from 1 January to end, in
// the townships in (nil: every township).
func povertyExit(ctx context.Context, client *ent.Client, year int, end time.Time, g StatsGrouping, in townships) ([]*PovertyExit, error) {
	rows := map[int]*PovertyExit{}
	if err := povertyStock(ctx, client, end, g, in, rows); err != nil {
		return nil, err
	}
	if err := povertyFlow(ctx, client, year, end, g, in, rows); err != nil {
		return nil, err
	}
	return withUnits(ctx, client, g, rows, func(r *PovertyExit) *StatsUnit { return &r.StatsUnit })
}

// povertyStock fills each unit's households by status on day end. Every column is a count of
// rows (one per household), so summing units gives the total over the same rows.
func povertyStock(ctx context.Context, client *ent.Client, end time.Time, g StatsGrouping, in townships, rows map[int]*PovertyExit) error {
	live := povertystatuschange.HasHouseholdWith(household.DeletedAtIsNil())
	// The status at the end of the year is the toStatus of each household's last change on or
	// before that day (ties on one day go to the later row).
	var stock []struct {
		StatsUnit int `sql:"unit"`
		InPoverty int `sql:"in_poverty"`
		Exited    int `sql:"exited"`
		Monitored int `sql:"monitored"`
		Returned  int `sql:"returned"`
	}
	status := func(s enum.PovertyStatus) func(*sql.Selector) { return povertystatuschange.ToStatusEQ(s) }
	err := client.PovertyStatusChange.Query().
		Where(live, povertystatuschange.ChangedOnLTE(end), lastChangeBy(end), predicate.PovertyStatusChange(in.where())).
		Modify(grouped([]key{unitKey(g)},
			countIf("in_poverty", status(enum.StatusInPoverty)),
			countIf("exited", status(enum.StatusLifted)),
			countIf("monitored", status(enum.StatusMonitored)),
			countIf("returned", status(enum.StatusReturned)),
		)).Scan(ctx, &stock)
	if err != nil {
		return err
	}
	for _, s := range stock {
		r := row(rows, s.StatsUnit)
		r.InPoverty, r.Exited, r.Monitored, r.Returned = s.InPoverty, s.Exited, s.Monitored, s.Returned
	}
	return nil
}

// povertyFlow fills each unit's identified households (a COUNT DISTINCT: a total is its own
// query, not a sum of units) and the flows from 1 January of year to end.
func povertyFlow(ctx context.Context, client *ent.Client, year int, end time.Time, g StatsGrouping, in townships, rows map[int]*PovertyExit) error {
	start := time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC)
	live := povertystatuschange.HasHouseholdWith(household.DeletedAtIsNil())
	var flow []struct {
		StatsUnit  int `sql:"unit"`
		Identified int `sql:"identified"`
		Exited     int `sql:"exited"`
		Opened     int `sql:"opened"`
		Returned   int `sql:"returned"`
	}
	inYear := povertystatuschange.ChangedOnGTE(start)
	step := func(s enum.PovertyStep) func(*sql.Selector) { return povertystatuschange.StepEQ(s) }
	err := client.PovertyStatusChange.Query().
		Where(live, povertystatuschange.ChangedOnLTE(end), predicate.PovertyStatusChange(in.where())).
		Modify(grouped([]key{unitKey(g)},
			countDistinctIf("identified", povertystatuschange.FieldHouseholdID, step(enum.StepIdentified)),
			countIf("exited", step(enum.StepExitConfirmed), inYear),
			countIf("opened", step(enum.StepMonitoringOpened), inYear),
			countIf("returned", step(enum.StepReturned), inYear),
		)).Scan(ctx, &flow)
	if err != nil {
		return err
	}
	for _, f := range flow {
		r := row(rows, f.StatsUnit)
		r.Identified, r.ExitedInYear, r.MonitoringOpenedInYear, r.ReturnedInYear = f.Identified, f.Exited, f.Opened, f.Returned
	}
	return nil
}

// lastChangeBy keeps a household's last history row on or before day: no later live row of the
// same household exists up to that day. The sub-query reads the same table by primary key and
// household, so it sees exactly the rows of households the outer query already keeps.
func lastChangeBy(day time.Time) func(*sql.Selector) {
	return func(s *sql.Selector) { s.Where(notLaterChange(s.C, day)) }
}
