package stats

import (
	"context"

	"github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/ent/demand"
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
func demandsBy(ctx context.Context, client *ent.Client, col string, year *int, townshipID int, where ...predicate.Demand) ([]demandRow, error) {
	return demandsByKey(ctx, client, key{col: col, as: "k"}, year, townshipID, where...)
}

func demandsByKey(ctx context.Context, client *ent.Client, k key, year *int, townshipID int, where ...predicate.Demand) ([]demandRow, error) {
	q := client.Demand.Query().Where(predicate.Demand(inTownship(townshipID))).Where(where...)
	if year != nil {
		from, to := yearSpan(*year)
		q.Where(demand.CreatedAtGTE(from), demand.CreatedAtLT(to))
	}
	days := daysBetween(demand.FieldCreatedAt, demand.FieldClosedAt)
	var rows []demandRow
	err := q.Modify(grouped([]key{k},
		countAll("demands"),
		countIf("overdue", overdueDemand()),
		countIf("closed", demand.StatusEQ(enum.DemandClosed)),
		countIf("resolved", resolvedDemand()),
		countIf("satisfied", demand.SatisfactionEQ(enum.SatisfactionSatisfied)),
		countIf("basically", demand.SatisfactionEQ(enum.SatisfactionBasicallySatisfied)),
		countIf("dissatisfied", demand.SatisfactionEQ(enum.SatisfactionDissatisfied)),
		sumExprIf("close_days", days, closedDemand()),
		countExprIf("timed", days, closedDemand()),
	)).Scan(ctx, &rows)
	return rows, err
}

// DemandStatsOf: the caller's demands (registered in year, when given) by status, category and
// department, and per unit when g is given.
func DemandStatsOf(ctx context.Context, client *ent.Client, year *int, g *StatsGrouping) (*DemandStats, error) {
	if err := checkOptionalYear(year); err != nil {
		return nil, err
	}
	out, err := demandStats(ctx, client, year, 0)
	if err != nil || g == nil {
		return out, err
	}
	rs, err := demandsByKey(ctx, client, key{col: g.column(), as: "k"}, year, 0)
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

func demandStats(ctx context.Context, client *ent.Client, year *int, townshipID int) (*DemandStats, error) {
	byStatus, err := demandsBy(ctx, client, demand.FieldStatus, year, townshipID)
	if err != nil {
		return nil, err
	}
	byCategory, err := demandsBy(ctx, client, demand.FieldCategory, year, townshipID)
	if err != nil {
		return nil, err
	}
	byDept, err := demandsBy(ctx, client, demand.FieldDepartmentID, year, townshipID, demand.DepartmentIDNotNil())
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
