package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/ent/schema/enum"
)

// Demands (诉求) and their handling steps (DemandEvent): most are heard on a visit, some are
// brought to the village. Each runs REGISTERED → ACCEPTED → ASSIGNED → RESOLVED → FOLLOWED_UP →
// CLOSED, or REGISTERED → REJECTED, as far as it has got by demo today.

const (
	demandPerVisit     = 0.095 // share of visits on which a demand is heard
	demandWithoutVisit = 0.1   // share of active pairings with a demand brought to the village
)

type demandPlan struct {
	h            *household
	p            *pairing
	v            *visit // nil when not heard on a visit
	category     enum.DemandCategory
	content      string
	steps        []demandStep
	dept         *department
	assist       []*department // assisting departments (部门手拉手)
	satisfaction enum.Satisfaction
	due          time.Time
}

type demandStep struct {
	to    enum.DemandStatus
	at    time.Time
	actor string
	note  string
	dept  *department
}

func (d *demandPlan) status() enum.DemandStatus { return d.steps[len(d.steps)-1].to }

var mainChain = []enum.DemandStatus{"REGISTERED", "ACCEPTED", "ASSIGNED", "RESOLVED", "FOLLOWED_UP", "CLOSED"}

// targetStatus: how far a demand is meant to get; a recent one stops earlier (see planDemand).
var targetStatus = []weighted[enum.DemandStatus]{
	{"CLOSED", 50}, {"FOLLOWED_UP", 7}, {"RESOLVED", 9}, {"ASSIGNED", 12}, {"ACCEPTED", 6}, {"REGISTERED", 6}, {"REJECTED", 10},
}

// stepDays is how many days after the previous step each step is taken.
var stepDays = map[enum.DemandStatus][2]int{
	"ACCEPTED": {1, 3}, "ASSIGNED": {1, 4}, "RESOLVED": {5, 45}, "FOLLOWED_UP": {3, 15}, "CLOSED": {1, 7}, "REJECTED": {1, 5},
}

// dueDays is the deadline of the step a demand is waiting for, counted from its last step.
var dueDays = map[enum.DemandStatus]int{"REGISTERED": 3, "ACCEPTED": 3, "ASSIGNED": 30, "RESOLVED": 10, "FOLLOWED_UP": 5}

// causeDemands: what a household poor for a reason tends to ask for.
var causeDemands = map[enum.PovertyCause]enum.DemandCategory{
	"ILLNESS": "HEALTH", "DISABILITY": "CIVIL_AFFAIRS", "SCHOOLING": "EDUCATION", "LACK_OF_SKILLS": "EMPLOYMENT",
	"LACK_OF_FUNDS": "AGRICULTURE", "LACK_OF_LABOR": "CIVIL_AFFAIRS", "DISASTER": "AGRICULTURE",
	"LACK_OF_WATER": "INFRASTRUCTURE", "POOR_TRANSPORT": "INFRASTRUCTURE", "LACK_OF_LAND": "LAND",
}

func (l *loader) loadDemands(ctx context.Context) error {
	for _, p := range l.pairings {
		if p.end.IsZero() && l.r.chance(demandWithoutVisit) {
			at := l.r.officeHours(l.r.dateBetween(maxTime(p.start, day(2025, 2, 1)), demoToday))
			l.planDemand(p, nil, at)
		}
	}
	l.returnMisrouted()
	l.assistJointly()
	var bs []*ent.DemandCreate
	for _, d := range l.demands {
		bs = append(bs, l.demandBuilder(d))
	}
	rows, err := insert(ctx, l, "Demand", bs, func(ctx context.Context, b []*ent.DemandCreate) ([]*ent.Demand, error) {
		return l.tx.Demand.CreateBulk(b...).Save(ctx)
	})
	if err != nil {
		return err
	}
	var ebs []*ent.DemandEventCreate
	for i, row := range rows {
		ebs = append(ebs, l.eventBuilders(l.demands[i], row.ID)...)
	}
	_, err = insert(ctx, l, "DemandEvent", ebs, func(ctx context.Context, b []*ent.DemandEventCreate) ([]*ent.DemandEvent, error) {
		return l.tx.DemandEvent.CreateBulk(b...).Save(ctx)
	})
	return err
}

// planDemand draws a demand of the pairing's household registered at `at`, and walks it
// through the workflow until its target status or demo today, whichever comes first.
func (l *loader) planDemand(p *pairing, v *visit, at time.Time) *demandPlan {
	r := l.r
	h := p.h
	d := &demandPlan{h: h, p: p, v: v, category: l.demandCategory(h)}
	d.content = pick(r, demandTexts[d.category])
	official := h.v.t.staff[r.between(1, 2)].name // a deputy secretary of the township handles demands
	first := demandStep{to: "REGISTERED", at: at, actor: p.c.name, note: "结对干部走访时登记。"}
	if v == nil {
		first.actor, first.note = h.v.secretary.name, "户主到村委会反映，村党组织书记登记。"
	}
	d.steps = []demandStep{first}
	target := choose(r, targetStatus)
	chain := mainChain
	if target == "REJECTED" {
		chain = []enum.DemandStatus{"REGISTERED", "REJECTED"}
	}
	for _, next := range chain[1:] {
		if d.status() == target {
			break
		}
		gap := stepDays[next]
		when := r.officeHours(dateOf(d.steps[len(d.steps)-1].at).AddDate(0, 0, r.between(gap[0], gap[1])))
		if when.After(demoNow) {
			break
		}
		d.steps = append(d.steps, l.demandStep(d, next, when, official))
	}
	if days, waiting := dueDays[d.status()]; waiting {
		d.due = dateOf(d.steps[len(d.steps)-1].at).AddDate(0, 0, days)
	}
	l.demands = append(l.demands, d)
	return d
}

func (l *loader) demandStep(d *demandPlan, to enum.DemandStatus, at time.Time, official string) demandStep {
	s := demandStep{to: to, at: at, actor: official}
	switch to {
	case "ACCEPTED":
		s.note = "经审核，予以受理。"
	case "ASSIGNED":
		d.dept = l.departmentFor(d)
		s.dept = d.dept
		s.note = fmt.Sprintf("交%s办理，限30日内办结。", d.dept.spec.name)
	case "RESOLVED":
		s.actor = pick(l.r, d.dept.cadres).name
		s.note = resolutions[d.category]
	case "FOLLOWED_UP":
		d.satisfaction = choose(l.r, []weighted[enum.Satisfaction]{{"SATISFIED", 80}, {"BASICALLY_SATISFIED", 15}, {"DISSATISFIED", 5}})
		s.actor = d.p.c.name
		s.note = fmt.Sprintf("回访户主，对办理结果%s。", satisfactionWords[d.satisfaction])
	case "CLOSED":
		s.note = "诉求已办结，回访情况已登记，予以关闭。"
	case "REJECTED":
		s.note = pick(l.r, rejectionReasons)
	}
	return s
}

// demandCategory favours what the household's causes of poverty suggest.
func (l *loader) demandCategory(h *household) enum.DemandCategory {
	weights := []weighted[enum.DemandCategory]{
		{"HEALTH", 14}, {"CIVIL_AFFAIRS", 14}, {"INFRASTRUCTURE", 14}, {"AGRICULTURE", 13}, {"EMPLOYMENT", 9},
		{"URBAN_CONSTRUCTION", 9}, {"EDUCATION", 7}, {"LAND", 6}, {"SOCIAL_ORDER", 5}, {"POLITICS_LAW", 4}, {"OTHER", 5},
	}
	for _, c := range h.causes {
		for i := range weights {
			if weights[i].v == causeDemands[c] {
				weights[i].w += 15
			}
		}
	}
	return choose(l.r, weights)
}

// departmentFor: the department responsible for the category, or the village's linked
// department for anything else.
func (l *loader) departmentFor(d *demandPlan) *department {
	codes, ok := demandDepartments[d.category]
	if !ok {
		return d.h.v.dept
	}
	return l.deptByCode[pick(l.r, codes)]
}

func (l *loader) demandBuilder(d *demandPlan) *ent.DemandCreate {
	last := d.steps[len(d.steps)-1]
	b := l.tx.Demand.Create().SetHouseholdID(d.h.id).SetCategory(d.category).SetContent(d.content).
		SetStatus(d.status()).SetTownshipID(d.h.v.t.id).SetVillageID(d.h.v.id).
		SetCreatedAt(d.steps[0].at).SetUpdatedAt(last.at) // when it was registered and last moved
	if d.v != nil {
		b.SetVisitID(d.v.id)
	}
	if !d.due.IsZero() {
		b.SetDueOn(d.due)
	}
	if d.dept != nil {
		b.SetDepartmentID(d.dept.id)
	}
	for _, a := range d.assist {
		b.AddAssistingDepartmentIDs(a.id)
	}
	if d.satisfaction != "" {
		b.SetSatisfaction(d.satisfaction)
	}
	if s := d.status(); s == "CLOSED" || s == "REJECTED" {
		b.SetClosedAt(last.at)
	}
	return b
}

// eventBuilders: one event per step taken, oldest first; an event's createdAt is when the step
// was taken, since that is the only time an event carries.
func (l *loader) eventBuilders(d *demandPlan, demandID int) []*ent.DemandEventCreate {
	var bs []*ent.DemandEventCreate
	for i, s := range d.steps {
		b := l.tx.DemandEvent.Create().SetDemandID(demandID).SetToStatus(s.to).SetNote(s.note).SetActorName(s.actor).
			SetTownshipID(d.h.v.t.id).SetVillageID(d.h.v.id).SetHouseholdID(d.h.id).
			SetCreatedAt(s.at).SetUpdatedAt(s.at)
		if i > 0 {
			b.SetFromStatus(d.steps[i-1].to)
		}
		if s.dept != nil {
			b.SetDepartmentID(s.dept.id)
		}
		bs = append(bs, b)
	}
	return bs
}
