package stats

import (
	"context"
	"io"
	"sort"
	"strconv"

	"github.com/nanpiao/sbqw/apperr"
	"github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/ent/township"
	"github.com/nanpiao/sbqw/ent/village"
)

// StatsGrouping says what a row of a grouped statistic stands for.
type StatsGrouping string

const (
	ByTownship StatsGrouping = "TOWNSHIP"
	ByVillage  StatsGrouping = "VILLAGE"
	// byTotal is one row over the whole scope (the district report's totals), under unit 0
	// with no township or village.
	byTotal StatsGrouping = "TOTAL"
)

// column is the scope column every grouped type carries for the unit.
func (g StatsGrouping) column() string {
	if g == ByVillage {
		return "village_id"
	}
	return "township_id"
}

func (g StatsGrouping) MarshalGQL(w io.Writer) { _, _ = io.WriteString(w, strconv.Quote(string(g))) }

func (g *StatsGrouping) UnmarshalGQL(v any) error {
	s, _ := v.(string)
	switch StatsGrouping(s) {
	case ByTownship, ByVillage:
		*g = StatsGrouping(s)
		return nil
	}
	return apperr.Invalid("groupBy", "%q is not a valid StatsGrouping", s)
}

// StatsUnit is where a row of a grouped statistic belongs: a township, or a village and its
// township. Both are reference data, readable by every caller.
type StatsUnit struct {
	Township *ent.Township
	Village  *ent.Village
}

// unitIndex loads the townships or villages that aggregate rows name, in two statements
// whatever the number of rows.
type unitIndex struct {
	townships map[int]*ent.Township
	villages  map[int]*ent.Village
}

func loadUnits(ctx context.Context, client *ent.Client, g StatsGrouping, ids []int) (*unitIndex, error) {
	idx := &unitIndex{townships: map[int]*ent.Township{}, villages: map[int]*ent.Village{}}
	townshipIDs := ids
	if g == ByVillage {
		vs, err := client.Village.Query().Where(village.IDIn(ids...)).All(ctx)
		if err != nil {
			return nil, err
		}
		townshipIDs = nil
		for _, v := range vs {
			idx.villages[v.ID] = v
			townshipIDs = append(townshipIDs, v.TownshipID)
		}
	}
	ts, err := client.Township.Query().Where(township.IDIn(townshipIDs...)).All(ctx)
	if err != nil {
		return nil, err
	}
	for _, t := range ts {
		idx.townships[t.ID] = t
	}
	return idx, nil
}

func (idx *unitIndex) unit(g StatsGrouping, id int) (StatsUnit, error) {
	if g == ByVillage {
		v := idx.villages[id]
		if v == nil || idx.townships[v.TownshipID] == nil {
			return StatsUnit{}, errUnitMissing
		}
		return StatsUnit{Township: idx.townships[v.TownshipID], Village: v}, nil
	}
	t := idx.townships[id]
	if t == nil {
		return StatsUnit{}, errUnitMissing
	}
	return StatsUnit{Township: t}, nil
}

// less orders units by township code, then village code.
func (u StatsUnit) less(o StatsUnit) bool {
	if u.Township.Code != o.Township.Code {
		return u.Township.Code < o.Township.Code
	}
	if u.Village == nil || o.Village == nil {
		return u.Village == nil && o.Village != nil
	}
	return u.Village.Code < o.Village.Code
}

// withUnits attaches the unit of every aggregate row (keyed by unit ID) and returns the rows in
// code order.
func withUnits[R any](ctx context.Context, client *ent.Client, g StatsGrouping, rows map[int]*R, unitOf func(*R) *StatsUnit) ([]*R, error) {
	if len(rows) == 0 {
		return []*R{}, nil
	}
	if g == byTotal {
		out := make([]*R, 0, len(rows))
		for _, r := range rows {
			out = append(out, r)
		}
		return out, nil
	}
	// Unit 0 is a row whose unit column is null: members of a department's organisation, who
	// belong to no township or village (and the rows scoped as them). They count in totals, in
	// no unit's row.
	delete(rows, 0)
	ids := make([]int, 0, len(rows))
	for id := range rows {
		ids = append(ids, id)
	}
	if len(ids) == 0 {
		return []*R{}, nil
	}
	idx, err := loadUnits(ctx, client, g, ids)
	if err != nil {
		return nil, err
	}
	out := make([]*R, 0, len(rows))
	for id, r := range rows {
		u, err := idx.unit(g, id)
		if err != nil {
			return nil, err
		}
		*unitOf(r) = u
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return unitOf(out[i]).less(*unitOf(out[j])) })
	return out, nil
}

// row returns the aggregate row of a unit, creating it on first use.
func row[R any](rows map[int]*R, id int) *R {
	r, ok := rows[id]
	if !ok {
		r = new(R)
		rows[id] = r
	}
	return r
}
