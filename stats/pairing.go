package stats

import (
	"context"

	"entgo.io/ent/dialect/sql"

	"github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/ent/cadre"
	"github.com/nanpiao/sbqw/ent/department"
	"github.com/nanpiao/sbqw/ent/pairing"
	"github.com/nanpiao/sbqw/ent/predicate"
)

// PairingCoverage 结对覆盖: needy households of a unit and how many of them have a cadre.
type PairingCoverage struct {
	StatsUnit
	NeedyHouseholds  int
	PairedHouseholds int
	// Coverage is PairedHouseholds / NeedyHouseholds; nil without needy households.
	Coverage *float64
}

// UnpairedHouseholds are the needy households without an active pairing.
func (p *PairingCoverage) UnpairedHouseholds() int { return p.NeedyHouseholds - p.PairedHouseholds }

// PairingCoverageByUnit: per unit, needy households and those with an active pairing (as of
// a day: needy households registered poor that day, and pairings in force that day).
func PairingCoverageByUnit(ctx context.Context, client *ent.Client, g StatsGrouping, at AsOf) ([]*PairingCoverage, error) {
	return pairingCoverage(ctx, client, g, 0, at)
}

func pairingCoverage(ctx context.Context, client *ent.Client, g StatsGrouping, townshipID int, at AsOf) ([]*PairingCoverage, error) {
	needy, err := needyByUnit(ctx, client, g, oneTownship(townshipID), at)
	if err != nil {
		return nil, err
	}
	paired, err := pairedByUnit(ctx, client, g, oneTownship(townshipID), at)
	if err != nil {
		return nil, err
	}
	rows := map[int]*PairingCoverage{}
	for unit, n := range needy {
		row(rows, unit).NeedyHouseholds = n
	}
	for unit, n := range paired {
		row(rows, unit).PairedHouseholds = n
	}
	for _, r := range rows {
		r.Coverage = ratio(float64(r.PairedHouseholds), float64(r.NeedyHouseholds))
	}
	return withUnits(ctx, client, g, rows, func(r *PairingCoverage) *StatsUnit { return &r.StatsUnit })
}

// needyByUnit counts the caller's needy households per unit (a COUNT(*): summing units gives
// the total over the same rows).
func needyByUnit(ctx context.Context, client *ent.Client, g StatsGrouping, in townships, at AsOf) (map[int]int, error) {
	var needy []struct {
		StatsUnit int `sql:"unit"`
		Needy     int `sql:"needy"`
	}
	err := client.Household.Query().
		Where(at.needy(ctx), predicate.Household(in.where())).
		Modify(grouped([]key{unitKey(g)}, countAll("needy"))).
		Scan(ctx, &needy)
	if err != nil {
		return nil, err
	}
	out := map[int]int{}
	for _, n := range needy {
		out[n.StatsUnit] = n.Needy
	}
	return out, nil
}

// pairedByUnit counts the needy households with a pairing in force per unit (a COUNT
// DISTINCT: a total is its own query, not a sum of units).
func pairedByUnit(ctx context.Context, client *ent.Client, g StatsGrouping, in townships, at AsOf) (map[int]int, error) {
	// Counted from the pairings' side, so that pairings are counted through their own scope
	// rule (and a role that may not read pairings is refused); the household they point at must
	// be needy and visible.
	var paired []struct {
		StatsUnit int `sql:"unit"`
		Paired    int `sql:"paired"`
	}
	err := client.Pairing.Query().
		Where(at.pairingInForce(), predicate.Pairing(in.where()),
			pairing.HasHouseholdWith(at.needy(ctx), predicate.Household(visible(ctx, "Household")))).
		Modify(grouped([]key{unitKey(g)}, countDistinct("paired", pairing.FieldHouseholdID))).
		Scan(ctx, &paired)
	if err != nil {
		return nil, err
	}
	out := map[int]int{}
	for _, p := range paired {
		out[p.StatsUnit] = p.Paired
	}
	return out, nil
}

// CadreLoad 干部帮扶负担: a department's cadres and the households they are actively paired with.
type CadreLoad struct {
	Department *ent.Department
	// Cadres of the department (reference data: every caller sees them all).
	Cadres int
	// PairedCadres have at least one active pairing the caller can see.
	PairedCadres   int
	ActivePairings int
	// MaxHouseholdsPerCadre is the largest number of active pairings on one cadre.
	MaxHouseholdsPerCadre int
	// AverageHouseholdsPerPairedCadre is ActivePairings / PairedCadres; nil without pairings.
	AverageHouseholdsPerPairedCadre *float64
}

// CadreLoadByDepartment: per department, its cadres and their active pairings (as of a day:
// the pairings in force that day).
func CadreLoadByDepartment(ctx context.Context, client *ent.Client, at AsOf) ([]*CadreLoad, error) {
	var cadres []struct {
		Dept   int `sql:"department_id"`
		Cadres int `sql:"cadres"`
	}
	err := client.Cadre.Query().
		Modify(grouped([]key{by(cadre.FieldDepartmentID)}, countAll("cadres"))).
		Scan(ctx, &cadres)
	if err != nil {
		return nil, err
	}
	var load []struct {
		Dept     int `sql:"department_id"`
		Pairings int `sql:"pairings"`
		Paired   int `sql:"paired"`
		Max      int `sql:"max_load"`
	}
	err = client.Pairing.Query().
		Where(at.pairingInForce()).
		Modify(grouped([]key{by(pairing.FieldDepartmentID)},
			countAll("pairings"),
			countDistinct("paired", pairing.FieldCadreID),
			column{as: "max_load", expr: maxLoadOfOneCadre(ctx, at)},
		)).
		Scan(ctx, &load)
	if err != nil {
		return nil, err
	}
	rows := map[int]*CadreLoad{}
	for _, c := range cadres {
		row(rows, c.Dept).Cadres = c.Cadres
	}
	for _, l := range load {
		r := row(rows, l.Dept)
		r.ActivePairings, r.PairedCadres, r.MaxHouseholdsPerCadre = l.Pairings, l.Paired, l.Max
		r.AverageHouseholdsPerPairedCadre = ratio(float64(l.Pairings), float64(l.Paired))
	}
	ids := make([]int, 0, len(rows))
	for id := range rows {
		ids = append(ids, id)
	}
	depts, err := client.Department.Query().Where(department.IDIn(ids...)).Order(ent.Asc(department.FieldCode)).All(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]*CadreLoad, 0, len(depts))
	for _, d := range depts {
		r := rows[d.ID]
		r.Department = d
		out = append(out, r)
	}
	if len(out) != len(rows) {
		return nil, errUnitMissing
	}
	return out, nil
}

// maxLoadOfOneCadre is MAX over the department's visible active pairings of the number of
// visible active pairings of the same cadre: the load of the busiest cadre. The correlated
// count is a sub-query, so it carries the pairings' read filter itself.
func maxLoadOfOneCadre(ctx context.Context, at AsOf) func(s *sql.Selector) sql.Querier {
	return func(s *sql.Selector) sql.Querier {
		b := sql.Dialect(s.Dialect())
		t := b.Table(pairing.Table).As("same_cadre")
		sub := b.Select(sql.Count("*")).From(t)
		sub.Where(sql.ColumnsEQ(t.C(pairing.FieldCadreID), s.C(pairing.FieldCadreID)))
		sub.Where(at.pairingInForceSQL(t))
		visible(ctx, "Pairing")(sub)
		return expr(func(b *sql.Builder) { b.S("MAX((").Join(sub).S("))") })
	}
}
