package demo

import (
	"context"
	"time"

	"github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/ent/schema/enum"
)

// Pairings (结对帮扶) and visits (走访): every needy household in a village linked to a
// department is paired with one of that department's cadres; some earlier pairings were
// released and replaced. Visits run from the pairing's start to its end (or demo today).

const (
	releasedRate = 0.13 // pairings released (cadre moved on) and replaced
	quietRate    = 0.1  // active pairings with no visit in the last 90 days
	maxPerCadre  = 4
)

type pairing struct {
	id     int
	c      *cadre
	h      *household
	start  time.Time
	end    time.Time // zero while active
	quiet  bool
	visits []*visit
}

// last is the last day the pairing was in force.
func (p *pairing) last() time.Time {
	if p.end.IsZero() {
		return demoToday
	}
	return p.end
}

type visit struct {
	id       int
	p        *pairing
	at       time.Time
	occasion enum.VisitOccasion
	mode     enum.VisitMode
	notes    string
	heard    string
}

func (l *loader) loadPairings(ctx context.Context) error {
	for _, d := range l.departments {
		l.pairDepartment(d)
	}
	var pbs []*ent.PairingCreate
	for _, p := range l.pairings {
		b := l.tx.Pairing.Create().SetCadreID(p.c.id).SetHouseholdID(p.h.id).SetStartOn(p.start).
			SetTownshipID(p.h.v.t.id).SetVillageID(p.h.v.id).SetDepartmentID(p.c.dept.id)
		if !p.end.IsZero() {
			b.SetActive(false).SetEndOn(p.end).SetReleaseReason(pick(l.r, releaseReasons))
		}
		pbs = append(pbs, b)
	}
	rows, err := insert(ctx, l, "Pairing", pbs, func(ctx context.Context, b []*ent.PairingCreate) ([]*ent.Pairing, error) {
		return l.tx.Pairing.CreateBulk(b...).Save(ctx)
	})
	if err != nil {
		return err
	}
	var (
		vbs    []*ent.VisitCreate
		visits []*visit
	)
	for i, row := range rows {
		p := l.pairings[i]
		p.id = row.ID
		p.visits = l.planVisits(p)
		for _, v := range p.visits {
			visits = append(visits, v)
			vbs = append(vbs, l.visitBuilder(v))
		}
	}
	vrows, err := insert(ctx, l, "Visit", vbs, func(ctx context.Context, b []*ent.VisitCreate) ([]*ent.Visit, error) {
		return l.tx.Visit.CreateBulk(b...).Save(ctx)
	})
	for i, row := range vrows {
		visits[i].id = row.ID
	}
	return err
}

// pairDepartment pairs the needy households of the department's villages with its cadres:
// every cadre first gets one household, the rest go to cadres with room (at most four each),
// so some pair one-to-one and others one-to-many.
func (l *loader) pairDepartment(d *department) {
	r := l.r
	var needy []*household
	for _, v := range d.villages {
		for _, h := range v.households {
			if h.needy {
				needy = append(needy, h)
			}
		}
	}
	load := make([]int, len(d.cadres))
	order := r.Perm(len(d.cadres))
	for i, h := range shuffled(r, needy) {
		ci := -1
		if i < len(order) {
			ci = order[i]
		} else {
			ci = l.cadreWithRoom(load)
		}
		load[ci]++
		l.pair(d, d.cadres[ci], h)
	}
}

// cadreWithRoom picks a random cadre with fewer than four households (the least loaded when
// every cadre is full).
func (l *loader) cadreWithRoom(load []int) int {
	var room []int
	least := 0
	for i, n := range load {
		if n < maxPerCadre {
			room = append(room, i)
		}
		if n < load[least] {
			least = i
		}
	}
	if len(room) == 0 {
		return least
	}
	return pick(l.r, room)
}

// pair records the household's active pairing with c and, for some households, an earlier
// released pairing with another cadre of the department.
func (l *loader) pair(d *department, c *cadre, h *household) {
	r := l.r
	start := r.dateBetween(day(2025, 1, 6), day(2025, 3, 31)) // the programme's yearly launch
	if r.chance(0.15) {
		start = r.dateBetween(day(2025, 4, 1), day(2026, 8, 31)) // named needy later
	}
	// Only a pairing old enough can have been released and replaced by now.
	if len(d.cadres) > 1 && start.Before(demoToday.AddDate(0, 0, -200)) && r.chance(releasedRate) {
		prev := d.cadres[r.IntN(len(d.cadres))]
		for prev == c {
			prev = d.cadres[r.IntN(len(d.cadres))]
		}
		end := minTime(start.AddDate(0, 0, r.between(120, 420)), demoToday.AddDate(0, 0, -30))
		l.pairings = append(l.pairings, &pairing{c: prev, h: h, start: start, end: end})
		start = end.AddDate(0, 0, r.between(1, 10))
	}
	l.pairings = append(l.pairings, &pairing{c: c, h: h, start: start, quiet: r.chance(quietRate)})
}

// festival is a date around which cadres visit their households (慰问).
type festival struct {
	occasion enum.VisitOccasion
	on       time.Time
	before   int     // the visit falls in the days before, up to the day itself…
	after    int     // …or a few days after
	rate     float64 // share of pairings visited then
}

var festivals = []festival{
	{"NEW_YEAR", day(2025, 1, 1), 4, 2, 0.75},
	{"SPRING_FESTIVAL", day(2025, 1, 29), 10, 1, 0.92}, // 春节 2025
	{"FESTIVAL", day(2025, 5, 31), 5, 0, 0.2},          // 端午
	{"FESTIVAL", day(2025, 10, 6), 5, 0, 0.2},          // 中秋
	{"FESTIVAL", day(2025, 10, 29), 3, 0, 0.1},         // 重阳
	{"NEW_YEAR", day(2026, 1, 1), 4, 2, 0.75},
	{"SPRING_FESTIVAL", day(2026, 2, 17), 10, 1, 0.92}, // 春节 2026
	{"FESTIVAL", day(2026, 6, 19), 5, 0, 0.2},
	{"FESTIVAL", day(2026, 9, 25), 5, 0, 0.2},
	{"FESTIVAL", day(2026, 10, 18), 3, 0, 0.1},
}

// planVisits draws the festival visits that fall in the pairing and about one routine visit
// every two to three months, sorted by time. A quiet pairing has none in the last 90 days.
func (l *loader) planVisits(p *pairing) []*visit {
	r := l.r
	last := p.last()
	if p.quiet {
		last = minTime(last, demoToday.AddDate(0, 0, -91))
	}
	var dates []time.Time
	var occasions []enum.VisitOccasion
	for _, f := range festivals {
		from := maxTime(f.on.AddDate(0, 0, -f.before), p.start)
		to := minTime(f.on.AddDate(0, 0, f.after), last)
		if !to.Before(from) && r.chance(f.rate) {
			dates = append(dates, r.dateBetween(from, to))
			occasions = append(occasions, f.occasion)
		}
	}
	if last.After(p.start) {
		months := last.Sub(p.start).Hours() / 24 / 30.4
		n := int(months*(0.32+0.13*r.Float64()) + 0.5)
		for range n {
			dates = append(dates, r.dateBetween(p.start, last))
			occasions = append(occasions, "ROUTINE")
		}
	}
	var out []*visit
	for i, d := range dates {
		v := &visit{p: p, at: r.officeHours(d), occasion: occasions[i]}
		l.describeVisit(v)
		out = append(out, v)
	}
	sortVisits(out)
	for _, v := range out {
		if l.r.chance(demandPerVisit) {
			v.heard = l.planDemand(p, v, v.at).content
		}
	}
	return out
}

func sortVisits(vs []*visit) {
	for i := 1; i < len(vs); i++ { // insertion sort: stable, and lists are short
		for j := i; j > 0 && vs[j].at.Before(vs[j-1].at); j-- {
			vs[j], vs[j-1] = vs[j-1], vs[j]
		}
	}
}

// describeVisit chooses how the cadre was in touch and what was noted.
func (l *loader) describeVisit(v *visit) {
	r := l.r
	if v.occasion != "ROUTINE" {
		v.mode = "HOME_VISIT" // 慰问 is in person
		v.notes = pick(r, festivalNotes[v.occasion])
		return
	}
	v.mode = choose(r, []weighted[enum.VisitMode]{{"HOME_VISIT", 60}, {"HEART_TO_HEART", 20}, {"PHONE", 15}, {"VIDEO", 5}})
	v.notes = pick(r, visitNotes[v.mode])
	if v.mode == "HOME_VISIT" && len(v.p.h.causes) > 0 && r.chance(0.5) {
		if notes, ok := causeNotes[v.p.h.causes[0]]; ok {
			v.notes = pick(r, notes)
		}
	}
	if r.chance(0.2) {
		v.heard = pick(r, contentRemarks)
	}
}

func (l *loader) visitBuilder(v *visit) *ent.VisitCreate {
	p := v.p
	b := l.tx.Visit.Create().SetPairingID(p.id).SetVisitedAt(v.at).SetOccasion(v.occasion).SetMode(v.mode).
		SetNotes(v.notes).
		SetTownshipID(p.h.v.t.id).SetVillageID(p.h.v.id).SetHouseholdID(p.h.id).
		SetCadreID(p.c.id).SetDepartmentID(p.c.dept.id)
	if v.heard != "" {
		b.SetHeard(v.heard)
	}
	return b
}
