package stats

import (
	"context"

	"entgo.io/ent/dialect/sql"

	"github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/ent/demand"
	"github.com/nanpiao/sbqw/ent/demandevent"
	"github.com/nanpiao/sbqw/ent/department"
	"github.com/nanpiao/sbqw/ent/predicate"
	"github.com/nanpiao/sbqw/ent/schema/enum"
	"github.com/nanpiao/sbqw/workflow"
)

// DemandCount 诉求统计: demands sharing a status, a category or a department (whichever list the
// row is in sets that key), how many are overdue, and how long closing took.
type DemandCount struct {
	// StatsUnit is set in byUnit.
	StatsUnit
	Status     *enum.DemandStatus
	Category   *enum.DemandCategory
	Department *ent.Department
	Demands    int
	// Overdue: due before today and neither CLOSED nor REJECTED.
	Overdue int
	Closed  int
	// Resolved: RESOLVED, FOLLOWED_UP or CLOSED (办结 and after).
	Resolved int
	// Satisfaction recorded at follow-up (回访).
	Satisfied          int
	BasicallySatisfied int
	Dissatisfied       int
	// AverageDaysToClose is the mean time from registration (createdAt) to closing (closedAt)
	// of the CLOSED demands, in days; nil when none is closed.
	AverageDaysToClose *float64

	closeDays float64 // sum over the timed closed demands, to merge rows exactly
	timed     int
}

func (c *DemandCount) add(o *DemandCount) {
	c.Demands += o.Demands
	c.Overdue += o.Overdue
	c.Closed += o.Closed
	c.Resolved += o.Resolved
	c.Satisfied += o.Satisfied
	c.BasicallySatisfied += o.BasicallySatisfied
	c.Dissatisfied += o.Dissatisfied
	c.closeDays += o.closeDays
	c.timed += o.timed
	c.AverageDaysToClose = ratio(c.closeDays, float64(c.timed))
}

// DemandStats 诉求办理统计: the caller's demands by status, by category and by the department they
// were routed to, with the totals.
type DemandStats struct {
	Total        *DemandCount
	ByStatus     []*DemandCount
	ByCategory   []*DemandCount
	ByDepartment []*DemandCount
	// ByUnit: per township or village, when asked for.
	ByUnit []*DemandCount
}

// resolvedDemand: resolved by the department, whether or not followed up and closed since.
func resolvedDemand() predicate.Demand {
	return demand.StatusIn(enum.DemandResolved, enum.DemandFollowedUp, enum.DemandClosed)
}

// overdueDemand: past its deadline and still open.
func overdueDemand() predicate.Demand {
	return demand.And(demand.DueOnLT(today()), demand.StatusNotIn(workflow.DemandEnded...))
}

// closedDemand: CLOSED, with the time it was closed.
func closedDemand() predicate.Demand {
	return demand.And(demand.StatusEQ(enum.DemandClosed), demand.ClosedAtNotNil())
}

type demandRow struct {
	Key       *string  `sql:"k"`
	Demands   int      `sql:"demands"`
	Overdue   int      `sql:"overdue"`
	Closed    int      `sql:"closed"`
	Resolved  int      `sql:"resolved"`
	Satisfied int      `sql:"satisfied"`
	Basically int      `sql:"basically"`
	Unhappy   int      `sql:"dissatisfied"`
	CloseDays *float64 `sql:"close_days"`
	Timed     int      `sql:"timed"`
}

func (r demandRow) count() *DemandCount {
	c := &DemandCount{Demands: r.Demands, Overdue: r.Overdue, Closed: r.Closed, timed: r.Timed,
		Resolved: r.Resolved, Satisfied: r.Satisfied, BasicallySatisfied: r.Basically, Dissatisfied: r.Unhappy}
	if r.CloseDays != nil {
		c.closeDays = *r.CloseDays
	}
	c.AverageDaysToClose = ratio(c.closeDays, float64(c.timed))
	return c
}

// demandsBy groups the caller's demands (registered in year, when given) by one column.
func demandsBy(ctx context.Context, client *ent.Client, col string, year *int, townshipID int, at AsOf, where ...predicate.Demand) ([]demandRow, error) {
	return demandsByKey(ctx, client, key{col: col, as: "k"}, year, townshipID, at, where...)
}

// demandStatusOn: the demand's status on the day counted on was one of statuses — the status
// its last event created by then led to (REGISTERED before any event). Today, its status.
func demandStatusOn(ctx context.Context, at AsOf, statuses ...enum.DemandStatus) predicate.Demand {
	if !at.given() {
		return demand.StatusIn(statuses...)
	}
	vals := make([]any, len(statuses))
	registered := false
	for i, st := range statuses {
		vals[i] = string(st)
		registered = registered || st == enum.DemandRegistered
	}
	last := lastRowBefore(ctx, ent.TypeDemandEvent, demandevent.Table, demandevent.FieldDemandID, at.before(),
		func(t *sql.SelectTable) *sql.Predicate { return sql.In(t.C(demandevent.FieldToStatus), vals...) })
	if !registered {
		return last
	}
	return demand.Or(last, noRowBefore(ctx, ent.TypeDemandEvent, demandevent.Table, demandevent.FieldDemandID, at.before()))
}

// demandFigures are a demand row's figures on the day counted on: overdue (due before that day
// and not ended then), closed and resolved by their status then, satisfaction of those
// followed up by then, and the time to close of those closed by then.
func demandFigures(ctx context.Context, at AsOf) []column {
	overdue := overdueDemand()
	closed := closedDemand()
	resolved, closedOn := resolvedDemand(), demand.StatusEQ(enum.DemandClosed)
	followed := predicate.Demand(func(*sql.Selector) {})
	if at.given() {
		overdue = demand.And(demand.DueOnLT(at.Day()), demand.Not(demandStatusOn(ctx, at, workflow.DemandEnded...)))
		closedOn = demandStatusOn(ctx, at, enum.DemandClosed)
		closed = demand.And(closedOn, demand.ClosedAtLT(at.before()))
		resolved = demandStatusOn(ctx, at, enum.DemandResolved, enum.DemandFollowedUp, enum.DemandClosed)
		followed = demandStatusOn(ctx, at, enum.DemandFollowedUp, enum.DemandClosed)
	}
	days := daysBetween(demand.FieldCreatedAt, demand.FieldClosedAt)
	return []column{
		countAll("demands"),
		countIf("overdue", overdue),
		countIf("closed", closedOn),
		countIf("resolved", resolved),
		countIf("satisfied", followed, demand.SatisfactionEQ(enum.SatisfactionSatisfied)),
		countIf("basically", followed, demand.SatisfactionEQ(enum.SatisfactionBasicallySatisfied)),
		countIf("dissatisfied", followed, demand.SatisfactionEQ(enum.SatisfactionDissatisfied)),
		sumExprIf("close_days", days, closed),
		countExprIf("timed", days, closed),
	}
}

func demandsByKey(ctx context.Context, client *ent.Client, k key, year *int, townshipID int, at AsOf, where ...predicate.Demand) ([]demandRow, error) {
	q := client.Demand.Query().Where(predicate.Demand(inTownship(townshipID))).Where(where...)
	if year != nil {
		from, to := yearSpan(*year)
		q.Where(demand.CreatedAtGTE(from), demand.CreatedAtLT(to))
	}
	if at.given() {
		q.Where(demand.CreatedAtLT(at.before()))
	}
	var rows []demandRow
	mods := []func(*sql.Selector){grouped([]key{k}, demandFigures(ctx, at)...)}
	if k.total {
		mods = append(mods, nonEmpty)
	}
	err := q.Modify(mods...).Scan(ctx, &rows)
	return rows, err
}

// DemandStatsOf: the caller's demands (registered in year, when given) by status, category and
// department, and per unit when g is given. With a day named (asOf), the demands registered by
// then, each in the status its events had led to by then (the department is the one routed to
// now, the satisfaction and deadline the current ones).
func DemandStatsOf(ctx context.Context, client *ent.Client, year *int, g *StatsGrouping, at AsOf) (*DemandStats, error) {
	if err := checkOptionalYear(year); err != nil {
		return nil, err
	}
	out, err := demandStats(ctx, client, year, 0, at)
	if err != nil || g == nil {
		return out, err
	}
	rs, err := demandsByKey(ctx, client, key{col: g.column(), as: "k"}, year, 0, at)
	if err != nil {
		return nil, err
	}
	rows := map[int]*DemandCount{}
	for _, r := range rs {
		if r.Key != nil { // a demand always has a township and a village
			rows[atoi(*r.Key)] = r.count()
		}
	}
	out.ByUnit, err = withUnits(ctx, client, *g, rows, func(c *DemandCount) *StatsUnit { return &c.StatsUnit })
	return out, err
}

// demandsByStatus: per status. Today, grouped by the status column; on a past day, one count
// per status of the status replayed from the events.
func demandsByStatus(ctx context.Context, client *ent.Client, year *int, townshipID int, at AsOf) ([]demandRow, error) {
	if !at.given() {
		return demandsBy(ctx, client, demand.FieldStatus, year, townshipID, at)
	}
	var out []demandRow
	for _, v := range enum.DemandStatus("").Values() {
		rs, err := demandsByKey(ctx, client, key{as: "k", total: true}, year, townshipID, at, demandStatusOn(ctx, at, enum.DemandStatus(v)))
		if err != nil {
			return nil, err
		}
		for _, r := range rs {
			v := v
			r.Key = &v
			out = append(out, r)
		}
	}
	return out, nil
}

func demandStats(ctx context.Context, client *ent.Client, year *int, townshipID int, at AsOf) (*DemandStats, error) {
	byStatus, err := demandsByStatus(ctx, client, year, townshipID, at)
	if err != nil {
		return nil, err
	}
	byCategory, err := demandsBy(ctx, client, demand.FieldCategory, year, townshipID, at)
	if err != nil {
		return nil, err
	}
	byDept, err := demandsBy(ctx, client, demand.FieldDepartmentID, year, townshipID, at, demand.DepartmentIDNotNil())
	if err != nil {
		return nil, err
	}
	out := &DemandStats{Total: &DemandCount{}, ByUnit: []*DemandCount{}}
	for _, v := range enum.DemandStatus("").Values() {
		c := findDemandRow(byStatus, v).count()
		s := enum.DemandStatus(v)
		c.Status = &s
		out.Total.add(c)
		out.ByStatus = append(out.ByStatus, c)
	}
	for _, v := range enum.DemandCategory("").Values() {
		c := findDemandRow(byCategory, v).count()
		cat := enum.DemandCategory(v)
		c.Category = &cat
		out.ByCategory = append(out.ByCategory, c)
	}
	counts := map[int]*DemandCount{}
	ids := make([]int, 0, len(byDept))
	for _, r := range byDept {
		id := atoi(*r.Key)
		counts[id] = r.count()
		ids = append(ids, id)
	}
	depts, err := client.Department.Query().Where(department.IDIn(ids...)).Order(ent.Asc(department.FieldCode)).All(ctx)
	if err != nil {
		return nil, err
	}
	if len(depts) != len(ids) {
		return nil, errUnitMissing
	}
	for _, d := range depts {
		c := counts[d.ID]
		c.Department = d
		out.ByDepartment = append(out.ByDepartment, c)
	}
	return out, nil
}

func findDemandRow(rows []demandRow, key string) demandRow {
	for _, r := range rows {
		if r.Key != nil && *r.Key == key {
			return r
		}
	}
	return demandRow{}
}
