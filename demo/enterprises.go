package demo

import (
	"context"

	"github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/ent/schema/enum"
	"github.com/nanpiao/sbqw/workflow"
)

// Members of the 两新 organisations, and one cadre's transfer: loaded after everything else
// that draws from the seed, so that what came before draws exactly as it did.

const enterpriseMembers = 4 // members of each 两新 organisation

// loadEnterpriseMembers gives each 两新 organisation a few members: enterprise staff living in
// one of the township's villages but belonging to the enterprise's branch, so to no village.
func (l *loader) loadEnterpriseMembers(ctx context.Context) error {
	var bs []*ent.PartyMemberCreate
	var ms []*member
	for _, t := range l.townships {
		if t.enterpriseOrgID == 0 {
			continue
		}
		for range enterpriseMembers {
			m := l.newMember(pick(l.r, t.villages), l.r.chance(0.4), l.r.between(25, 50))
			m.active = true
			p := memberProfile{
				orgID: t.enterpriseOrgID, status: enum.MemberActive, category: "IN_SERVICE", occupation: "ENTERPRISE_STAFF",
				education: choose(l.r, []weighted[enum.Education]{{"SENIOR_HIGH", 3}, {"JUNIOR_COLLEGE", 4}, {"BACHELOR", 3}}),
				phone:     l.ids.phone(), location: t.name(),
			}
			p.specialties = l.specialties(p.occupation)
			ms = append(ms, m)
			bs = append(bs, l.memberBuilder(m, p))
		}
	}
	rows, err := insert(ctx, l, "PartyMember", bs, func(ctx context.Context, b []*ent.PartyMemberCreate) ([]*ent.PartyMember, error) {
		return l.tx.PartyMember.CreateBulk(b...).Save(ctx)
	})
	for i, row := range rows {
		ms[i].id = row.ID
		l.members = append(l.members, ms[i])
	}
	return err
}

// transferOneCadre moves the first cadre with a pairing in force to the next department a month
// before the demo's today, handing the pairings over to the old department's least-loaded cadre
// (workflow.TransferCadre, as transferCadre does it).
func (l *loader) transferOneCadre(ctx context.Context) error {
	on := demoToday.AddDate(0, -1, 0)
	fits := map[*cadre]bool{}
	for _, p := range l.pairings { // a cadre whose pairings in force all began, and were last visited, before on
		ok := p.start.Before(on)
		for _, v := range p.visits {
			ok = ok && v.at.Before(on)
		}
		if _, seen := fits[p.c]; !seen {
			fits[p.c] = true
		}
		if p.end.IsZero() {
			fits[p.c] = fits[p.c] && ok
		}
	}
	for _, p := range l.pairings {
		if !p.end.IsZero() || !fits[p.c] || len(l.departments) < 2 {
			continue
		}
		c := p.c
		next := l.departments[0]
		for i, d := range l.departments {
			if d == c.dept {
				next = l.departments[(i+1)%len(l.departments)]
			}
		}
		before, err := l.tx.Pairing.Query().Count(ctx)
		if err != nil {
			return err
		}
		if _, _, err := workflow.TransferCadre(ctx, l.tx.Client(), c.id, next.id, on, enum.PairingsHandOver, "交流任职，调入"+next.spec.name); err != nil {
			return err
		}
		after, err := l.tx.Pairing.Query().Count(ctx)
		l.counts["Pairing"] += after - before // the handed-over households' new pairings
		return err
	}
	return nil
}
