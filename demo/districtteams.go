package demo

import (
	"context"

	"github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/ent/schema/enum"
)

// District-wide teams (区级党员团队): run by the district, with members drawn from several
// townships — "一事一团" breaks regional barriers. Each member's own township and village
// secretary see the team and that member's post and contributions in it. They draw from their
// own random source, so adding them leaves the rest of the demo district as it was.

var districtTeams = []struct {
	name, task string
	kind       enum.TeamKind
}{
	{"区级党员产业发展服务团", "跨乡镇推广食用菌、小米和肉牛产业技术，帮助农户网上销售", "INDUSTRY_DEVELOPMENT"},
	{"区级党员政策宣讲团", "到各乡镇村屯宣讲乡村振兴和医保养老政策", "POLICY_PROMOTION"},
	{"区级党员扶贫解困帮帮团", "为各乡镇困难群众捐资捐物、办实事", "POVERTY_RELIEF"},
}

func (l *loader) loadDistrictTeams(ctx context.Context) error {
	r := newRNG(l.seed + 11) // a source of its own: see above
	var teams []*team
	for _, dt := range districtTeams {
		tm := &team{kind: dt.kind, formed: r.dateBetween(day(2025, 3, 1), day(2025, 12, 31))}
		for _, ti := range r.sample(len(l.townships), 4) { // members from four townships
			pool := shuffled(r, teamEligible(l.townships[ti].villages...))
			tm.members = append(tm.members, pool[:min(3, len(pool))]...)
		}
		tm.members = dedupe(tm.members)
		teams = append(teams, tm)
	}
	var bs []*ent.TeamCreate
	for i, tm := range teams {
		bs = append(bs, l.tx.Team.Create().SetKind(tm.kind).SetName(districtTeams[i].name).SetTask(districtTeams[i].task).
			SetLeaderID(tm.members[0].id))
	}
	rows, err := l.tx.Team.CreateBulk(bs...).Save(ctx)
	if err != nil {
		return err
	}
	l.counts["Team"] += len(rows)
	var (
		mbs []*ent.TeamMembershipCreate
		cbs []*ent.ContributionCreate
	)
	for i, tm := range teams {
		tm.id = rows[i].ID
		for j, m := range tm.members {
			post := enum.TeamPostMember
			if j < len(teamPosts) {
				post = teamPosts[j]
			}
			joined := maxTime(tm.formed, m.joined)
			mbs = append(mbs, l.tx.TeamMembership.Create().SetTeamID(tm.id).SetMemberID(m.id).SetPost(post).SetJoinedOn(joined).
				SetNillableTownshipID(m.tID).SetNillableVillageID(m.vID))
			for range r.between(1, 3) {
				text := pick(r, contributionTexts[tm.kind])
				n := r.between(helped[tm.kind][0], helped[tm.kind][1])
				b := l.tx.Contribution.Create().SetTeamID(tm.id).SetMemberID(m.id).SetOn(r.dateBetween(joined, demoToday)).
					SetDescription(text).SetHouseholdsHelped(n).SetNillableTownshipID(m.tID).SetNillableVillageID(m.vID)
				typeContribution(b, text, n)
				cbs = append(cbs, b)
			}
			if tm.kind == "POVERTY_RELIEF" {
				// A donation for one needy household of the member's own village, where there is one.
				for _, h := range l.households {
					if h.v == m.village && h.needy {
						cbs = append(cbs, l.tx.Contribution.Create().SetTeamID(tm.id).SetMemberID(m.id).
							SetOn(r.dateBetween(joined, demoToday)).SetDescription("为困难户捐赠过冬棉被和米面油").SetHouseholdsHelped(1).
							SetType(enum.ContributionDonation).SetAmountFen(r.between(200, 1000)*100).SetHouseholdID(h.id).
							SetNillableTownshipID(m.tID).SetNillableVillageID(m.vID))
						break
					}
				}
			}
		}
	}
	if _, err := insert(ctx, l, "TeamMembership", mbs, func(ctx context.Context, b []*ent.TeamMembershipCreate) ([]*ent.TeamMembership, error) {
		return l.tx.TeamMembership.CreateBulk(b...).Save(ctx)
	}); err != nil {
		return err
	}
	_, err = insert(ctx, l, "Contribution", cbs, func(ctx context.Context, b []*ent.ContributionCreate) ([]*ent.Contribution, error) {
		return l.tx.Contribution.CreateBulk(b...).Save(ctx)
	})
	return err
}
