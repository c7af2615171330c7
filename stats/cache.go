package stats

import (
	"container/list"
	"context"
	"errors"
	"slices"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/nanpiao/sbqw/authz"
	"github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/ent/schema/enum"
	"github.com/nanpiao/sbqw/ent/schema/scope"
	"github.com/nanpiao/sbqw/ent/township"
	"github.com/nanpiao/sbqw/feed"
)

// ReportCache keeps the district report's township rows between requests, so that a report
// recomputes only the townships whose records changed since the rows were computed; the total
// is the sum of the rows. It keeps the same way the rows of visitCompliance, povertyExit and
// memberEngagement grouped by township or village (a village's rows under its township):
// cachedUnits. One per server (graph.NewSchema); safe for concurrent use.
//
// What changed comes from the change feed (feed.ChangesSince): every write leaves an entry
// naming its record's township, in the write's transaction. Rows computed after reading the
// feed's head H are stored under H; the next report reads the entries after H and recomputes
// the townships they name. An entry without a township (a record of no township — training
// courses, departments, cadres, department members — or a move, which concerns two townships),
// and an entry of a type that is no township's own data (villages, organisations: reference
// data that other townships' rows join), makes every row recompute.
//
// Why a row is never served stale: a change whose entry is positioned at or before H committed
// before H was read, hence before the rows stored under H were computed, so they include it
// (or its township was recomputed by that very request). Every other committed change has an
// entry that is either not positioned yet — ChangesSince lists those too — or positioned after
// H. So a report asked after a write committed reflects it, on any replica (the feed is in the
// database): the bound is zero after the commit, not the sequencer's lag. Entries pruned by
// the feed's retention after H make ChangesSince refuse H (ErrCursorExpired), and the whole
// report is recomputed.
//
// Only callers whose every binding reaches the whole district (DISTRICT, AUDITOR,
// POVERTY_OFFICE) use it, keyed by their roles, the policy version and every argument (year,
// asOf, and today, the day "current" figures count on); other callers' reports are small and
// computed directly (DistrictReportOf).
type ReportCache struct {
	mu      sync.Mutex
	max     int
	lru     *list.List // of *cachedReport, most recently used first
	entries map[reportKey]*list.Element

	// recomputed is the set of townships the last report computed (nil: all), for tests.
	recomputed []int
}

// DefaultReportCacheSize bounds the reports kept: one per statistic, grouping, role set,
// policy version and arguments; a report at 100× holds about 1,000 rows (by village, some
// 10,000) of a few hundred bytes.
const DefaultReportCacheSize = 64

// NewReportCache returns a cache holding at most max reports (least recently used dropped).
func NewReportCache(max int) *ReportCache {
	return &ReportCache{max: max, lru: list.New(), entries: map[reportKey]*list.Element{}}
}

type reportKey struct {
	stat    string        // the statistic: districtReport, visitCompliance…
	groupBy StatsGrouping // "" for the district report
	callers string        // roles and policy version
	year    int
	asOf    string // "" for today's flags
	today   string
}

type cachedReport struct {
	key      reportKey
	head     int64
	rows     map[int]any // by township ID (0: no township): *DistrictReportRow, or []*R of a grouped statistic
	withheld []error
}

// districtWide are the roles whose reach does not depend on a unit they are bound to.
var districtWide = []enum.Role{enum.RoleDistrict, enum.RoleAuditor, enum.RolePovertyOffice}

// keyOf is the cache key of the caller and arguments; ok is false for a caller the cache does
// not serve.
func keyOf(ctx context.Context, year int, at AsOf) (reportKey, bool) {
	v := authz.FromContext(ctx)
	if v == nil || authz.IsSystem(ctx) || v.Policy() == nil || len(v.Bindings) == 0 {
		return reportKey{}, false
	}
	for _, b := range v.Bindings {
		if !slices.Contains(districtWide, b.Role) {
			return reportKey{}, false
		}
	}
	k := reportKey{callers: v.Roles() + "|policy " + strconv.Itoa(v.Policy().Version()), year: year,
		today: today().Format(time.DateOnly)}
	if at.given() {
		k.asOf = at.Day().Format(time.DateOnly)
	}
	return k, true
}

// notCounted are the record types no statistic counts or joins: accounts and role bindings
// (the caller's own bindings are part of the key). Their entries (a sign-in updates the user)
// leave the rows valid.
var notCounted = map[string]bool{ent.TypeUser: true, ent.TypeRoleBinding: true}

// townshipData reports whether entType's records are a township's own data: scoped by their
// township column, so that a change of one such record changes no other township's row.
func townshipData(entType string) bool {
	for _, w := range ent.Scopes[entType].Read {
		if w.Kind == scope.Township && w.Column == ByTownship.column() {
			return true
		}
	}
	return false
}

// DistrictReport is DistrictReportOf, from the cached rows of the townships that did not
// change.
func (c *ReportCache) DistrictReport(ctx context.Context, client *ent.Client, year int, at AsOf) (*DistrictReport, error) {
	key, ok := keyOf(ctx, year, at)
	if c == nil || !ok {
		return DistrictReportOf(ctx, client, year, at)
	}
	if err := checkYear(year); err != nil {
		return nil, err
	}
	key.stat = "districtReport"
	e, err := c.byTownship(ctx, client, key, func(in townships) (map[int]any, []error, error) {
		fresh := map[int]*DistrictReportRow{}
		withheld, err := districtFigures(ctx, client, year, at, in, func(id int) *DistrictReportRow { return row(fresh, id) }, nil)
		if err != nil {
			return nil, nil, err
		}
		if err := loadTownships(ctx, client, fresh, withheld); err != nil {
			return nil, nil, err
		}
		rows := make(map[int]any, len(fresh))
		for id, r := range fresh {
			rows[id] = r
		}
		return rows, withheld, nil
	})
	if err != nil {
		return nil, err
	}
	return e.report(year, at), nil
}

// VisitCompliance is VisitComplianceByUnit, from the cached rows of the townships that did
// not change.
func (c *ReportCache) VisitCompliance(ctx context.Context, client *ent.Client, year int, g StatsGrouping, at AsOf) ([]*VisitCompliance, error) {
	return cachedUnits(c, ctx, client, "visitCompliance", year, g, at, func(in townships) ([]*VisitCompliance, error) {
		return visitCompliance(ctx, client, year, g, in, at)
	}, func(r *VisitCompliance) *StatsUnit { return &r.StatsUnit })
}

// PovertyExit is PovertyExitByUnit, from the cached rows of the townships that did not change.
func (c *ReportCache) PovertyExit(ctx context.Context, client *ent.Client, year int, g StatsGrouping, at AsOf) ([]*PovertyExit, error) {
	if err := checkYear(year); err != nil {
		return nil, err
	}
	return cachedUnits(c, ctx, client, "povertyExit", year, g, at, func(in townships) ([]*PovertyExit, error) {
		return povertyExit(ctx, client, year, at.upTo(time.Date(year, 12, 31, 0, 0, 0, 0, time.UTC)), g, in)
	}, func(r *PovertyExit) *StatsUnit { return &r.StatsUnit })
}

// MemberEngagement is MemberEngagementByUnit, from the cached rows of the townships that did
// not change.
func (c *ReportCache) MemberEngagement(ctx context.Context, client *ent.Client, year int, g StatsGrouping, at AsOf) ([]*MemberEngagement, error) {
	if err := checkYear(year); err != nil {
		return nil, err
	}
	return cachedUnits(c, ctx, client, "memberEngagement", year, g, at, func(in townships) ([]*MemberEngagement, error) {
		return memberEngagement(ctx, client, year, g, at, in)
	}, func(r *MemberEngagement) *StatsUnit { return &r.StatsUnit })
}

// cachedUnits serves a statistic grouped by township or village from rows cached per
// township: a village's rows belong to its village's township (every record counted in a
// village's row carries that village's township, the scope parent). compute counts the
// townships in (nil: all) with the statistic's own queries; the rows of unit 0 (no township)
// are in no unit's row, so none is cached. Callers the cache does not serve get compute(nil).
func cachedUnits[R any](c *ReportCache, ctx context.Context, client *ent.Client, stat string, year int, g StatsGrouping, at AsOf,
	compute func(townships) ([]*R, error), unitOf func(*R) *StatsUnit) ([]*R, error) {
	key, ok := keyOf(ctx, year, at)
	if c == nil || !ok || (g != ByTownship && g != ByVillage) {
		return compute(nil)
	}
	key.stat, key.groupBy = stat, g
	e, err := c.byTownship(ctx, client, key, func(in townships) (map[int]any, []error, error) {
		fresh, err := compute(in)
		if err != nil {
			return nil, nil, err
		}
		rows := map[int]any{}
		for _, r := range fresh {
			id := unitOf(r).Township.ID
			l, _ := rows[id].([]*R)
			rows[id] = append(l, r)
		}
		return rows, nil, nil
	})
	if err != nil {
		return nil, err
	}
	// The cached rows are shared and never changed: each answer gets its own copies.
	out := []*R{}
	for _, l := range e.rows {
		for _, r := range l.([]*R) {
			cp := *r
			out = append(out, &cp)
		}
	}
	sort.Slice(out, func(i, j int) bool { return unitOf(out[i]).less(*unitOf(out[j])) })
	return out, nil
}

// byTownship returns the rows of key by township, recomputing (compute) only the townships
// with change-feed entries since the rows kept were computed; compute returns the rows of the
// townships it is given (nil: every township) and what they withhold.
func (c *ReportCache) byTownship(ctx context.Context, client *ent.Client, key reportKey,
	compute func(in townships) (map[int]any, []error, error)) (*cachedReport, error) {
	prev := c.get(key)
	var (
		changes feed.Changes
		err     error
	)
	if prev != nil {
		changes, err = feed.ChangesSince(ctx, client, prev.head)
		if errors.Is(err, feed.ErrCursorExpired) {
			prev, err = nil, nil
		}
	}
	if prev == nil && err == nil {
		changes.Head, err = feed.Head(ctx, client)
	}
	if err != nil {
		return nil, err
	}
	var in townships // nil: every township
	if prev != nil {
		in = changedTownships(changes.Changed)
		// Beyond an eighth of the townships, one query over all of them is cheaper.
		if in != nil && len(in) > len(prev.rows)/8+1 {
			in = nil
		}
	}
	next := &cachedReport{key: key, head: changes.Head, rows: map[int]any{}}
	if in == nil || len(in) > 0 {
		fresh, withheld, err := compute(in)
		if err != nil {
			return nil, err
		}
		next.withheld = withheld
		if in != nil {
			for id, r := range prev.rows {
				if !slices.Contains(in, id) {
					next.rows[id] = r
				}
			}
		}
		for id, r := range fresh {
			next.rows[id] = r
		}
	} else {
		next.rows, next.withheld = prev.rows, prev.withheld
	}
	c.put(next, in)
	return next, nil
}

// changedTownships are the townships named by changes, or nil when every row must be
// recomputed (a change of no single township's data).
func changedTownships(changed []feed.Changed) townships {
	in := townships{}
	for _, ch := range changed {
		switch {
		case notCounted[ch.RecordType]:
		case ch.TownshipID == 0 || !townshipData(ch.RecordType):
			return nil
		case !slices.Contains(in, ch.TownshipID):
			in = append(in, ch.TownshipID)
		}
	}
	slices.Sort(in)
	return in
}

// loadTownships attaches the township of each row but unit 0's, and gives every row zeros for
// the sections the caller may read.
func loadTownships(ctx context.Context, client *ent.Client, rows map[int]*DistrictReportRow, withheld []error) error {
	ids := make([]int, 0, len(rows))
	for id := range rows {
		if id != 0 {
			ids = append(ids, id)
		}
	}
	if len(ids) > 0 {
		ts, err := client.Township.Query().Where(township.IDIn(ids...)).All(ctx)
		if err != nil {
			return err
		}
		if len(ts) != len(ids) {
			return errUnitMissing
		}
		for _, t := range ts {
			rows[t.ID].Township = t
		}
	}
	for _, r := range rows {
		r.fillReadable(withheld)
	}
	return nil
}

// report assembles a report from the rows: townships in code order, the total their sum (unit
// 0 included). The rows are shared with the cache and never changed: each report gets its own
// copies. Every figure sums exactly, distinct counts included: each counts households or
// members, and every counted row carries the township of its household or member (the scope
// columns), so a household or member counts in one township's row only.
func (e *cachedReport) report(year int, at AsOf) *DistrictReport {
	rep := &DistrictReport{Year: year, at: at, Withheld: e.withheld, Total: &DistrictReportRow{}}
	t := rep.Total
	t.fillReadable(e.withheld)
	for id, v := range e.rows {
		r := v.(*DistrictReportRow)
		if id != 0 {
			c := *r
			rep.Townships = append(rep.Townships, &c)
		}
		if r.Coverage != nil && t.Coverage != nil {
			t.Coverage.NeedyHouseholds += r.Coverage.NeedyHouseholds
			t.Coverage.PairedHouseholds += r.Coverage.PairedHouseholds
		}
		if r.Training != nil && t.Training != nil {
			t.Training.Secretaries += r.Training.Secretaries
			t.Training.ComprehensiveAttended += r.Training.ComprehensiveAttended
		}
		if r.Members != nil && t.Members != nil {
			t.Members.Members += r.Members.Members
			t.Members.WithPost += r.Members.WithPost
		}
		if p := r.Poverty; p != nil && t.Poverty != nil {
			t.Poverty.Identified += p.Identified
			t.Poverty.InPoverty += p.InPoverty
			t.Poverty.Exited += p.Exited
			t.Poverty.Monitored += p.Monitored
			t.Poverty.Returned += p.Returned
			t.Poverty.ExitedInYear += p.ExitedInYear
		}
		if r.Projects != nil && t.Projects != nil {
			t.Projects.Projects += r.Projects.Projects
			t.Projects.ActualInvestment += r.Projects.ActualInvestment
		}
	}
	sort.Slice(rep.Townships, func(i, j int) bool { return rep.Townships[i].Township.Code < rep.Townships[j].Township.Code })
	return rep
}

func (c *ReportCache) get(key reportKey) *cachedReport {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.entries[key]; ok {
		c.lru.MoveToFront(el)
		return el.Value.(*cachedReport)
	}
	return nil
}

// put keeps e unless a report computed from a newer head is already kept (two requests at
// once), dropping the least recently used beyond max.
func (c *ReportCache) put(e *cachedReport, recomputed townships) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.recomputed = recomputed
	if el, ok := c.entries[e.key]; ok {
		if el.Value.(*cachedReport).head <= e.head {
			el.Value = e
		}
		c.lru.MoveToFront(el)
		return
	}
	c.entries[e.key] = c.lru.PushFront(e)
	for c.lru.Len() > c.max {
		old := c.lru.Back()
		c.lru.Remove(old)
		delete(c.entries, old.Value.(*cachedReport).key)
	}
}

// lastRecomputed is the set of townships the last report computed: nil for all, empty for
// none (for tests).
func (c *ReportCache) lastRecomputed() []int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.recomputed
}
