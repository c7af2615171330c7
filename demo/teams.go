package demo

import (
	"context"
	"strings"
	"time"

	"github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/ent/schema/enum"
)

// Party member teams ("一事一团、一人多岗"): four township teams in every township, one of each
// kind, and about thirty village teams. A core of active members in each township serves in
// several teams. Members record what they did (Contribution).

const (
	villageTeams = 30
	coreMembers  = 20 // per township: the activists found in several teams
)

type team struct {
	id      int
	t       *township
	v       *village // nil for a township team
	kind    enum.TeamKind
	formed  time.Time
	members []*member // members[0] leads, [1] is deputy, [2] liaison
}

func (l *loader) loadTeams(ctx context.Context) error {
	r := l.r
	var teams []*team
	cores := make([][]*member, len(l.townships))
	for i, t := range l.townships {
		pool := shuffled(r, teamEligible(t.villages...))
		cores[i] = pool[:min(coreMembers, len(pool))]
		for _, kind := range teamKinds {
			tm := &team{t: t, kind: kind, formed: r.dateBetween(day(2025, 3, 1), day(2026, 5, 31))}
			leader := t.staff[r.between(3, 6)] // a township committee member leads
			tm.members = append([]*member{leader}, drawTeam(r, cores[i], pool, r.between(8, 14))...)
			teams = append(teams, tm)
		}
	}
	for _, vi := range r.sample(len(l.villages), villageTeams) {
		v := l.villages[vi]
		kind := pick(r, teamKinds)
		if v.poor && r.chance(0.5) {
			kind = "POVERTY_RELIEF"
		}
		local := teamEligible(v)
		var core []*member // the township's activists who live here
		for _, m := range cores[v.t.idx] {
			if m.village == v {
				core = append(core, m)
			}
		}
		tm := &team{t: v.t, v: v, kind: kind, formed: r.dateBetween(day(2025, 3, 1), day(2026, 6, 30))}
		tm.members = append([]*member{v.secretary}, drawTeam(r, core, shuffled(r, local), r.between(4, 11))...)
		teams = append(teams, tm)
	}
	if err := l.insertTeams(ctx, teams); err != nil {
		return err
	}
	if err := l.insertMemberships(ctx, teams); err != nil {
		return err
	}
	return l.loadDistrictTeams(ctx)
}

// teamEligible: active members living at home and able to serve.
func teamEligible(vs ...*village) []*member {
	var out []*member
	for _, v := range vs {
		for _, m := range v.members {
			if m.active && !m.floating && m.age() >= 22 && m.age() <= 72 {
				out = append(out, m)
			}
		}
	}
	return out
}

// drawTeam draws up to n distinct members, about half of them from the core (who thus end up in
// several teams), the rest from the pool. insertTeams drops a draw that repeats the leader.
func drawTeam(r *rng, core, pool []*member, n int) []*member {
	seen := map[*member]bool{}
	var out []*member
	add := func(m *member) {
		if !seen[m] {
			seen[m] = true
			out = append(out, m)
		}
	}
	for _, i := range r.sample(len(core), min(len(core), n/2)) {
		add(core[i])
	}
	for _, m := range pool {
		if len(out) >= n {
			break
		}
		if r.chance(0.5) {
			add(m)
		}
	}
	return out
}

func (l *loader) insertTeams(ctx context.Context, teams []*team) error {
	var bs []*ent.TeamCreate
	for _, tm := range teams {
		tm.members = dedupe(tm.members)
		name := tm.t.name() + teamNames[tm.kind]
		b := l.tx.Team.Create().SetKind(tm.kind).SetTownshipID(tm.t.id).SetLeaderID(tm.members[0].id).SetTask(teamTasks[tm.kind])
		if tm.v != nil {
			name = tm.v.name + strings.Replace(teamNames[tm.kind], "团", "队", 1)
			b.SetVillageID(tm.v.id)
		}
		bs = append(bs, b.SetName(name))
	}
	rows, err := insert(ctx, l, "Team", bs, func(ctx context.Context, b []*ent.TeamCreate) ([]*ent.Team, error) {
		return l.tx.Team.CreateBulk(b...).Save(ctx)
	})
	for i, row := range rows {
		teams[i].id = row.ID
	}
	return err
}

func dedupe(ms []*member) []*member {
	seen := map[*member]bool{}
	var out []*member
	for _, m := range ms {
		if !seen[m] {
			seen[m] = true
			out = append(out, m)
		}
	}
	return out
}

var teamPosts = []enum.TeamPost{"LEADER", "DEPUTY_LEADER", "LIAISON"}

// helped is how many households a contribution of each kind of team typically reaches.
var helped = map[enum.TeamKind][2]int{
	"POLICY_PROMOTION": {5, 60}, "PROJECT_TACKLING": {2, 20}, "INDUSTRY_DEVELOPMENT": {1, 15}, "POVERTY_RELIEF": {1, 4},
}

func (l *loader) insertMemberships(ctx context.Context, teams []*team) error {
	r := l.r
	var (
		mbs []*ent.TeamMembershipCreate
		cbs []*ent.ContributionCreate
	)
	for _, tm := range teams {
		for i, m := range tm.members {
			post := enum.TeamPostMember
			if i < len(teamPosts) {
				post = teamPosts[i]
			}
			joined := tm.formed
			if i >= len(teamPosts) && r.chance(0.3) {
				joined = r.dateBetween(tm.formed, day(2026, 9, 30)) // joined later
			}
			joined = maxTime(joined, m.joined) // a party member's team, so not before joining the party
			// Scoped as the member, not the team: the member's own units see the post.
			mbs = append(mbs, l.tx.TeamMembership.Create().SetTeamID(tm.id).SetMemberID(m.id).SetPost(post).SetJoinedOn(joined).
				SetNillableTownshipID(m.tID).SetNillableVillageID(m.vID))
			for range r.between(1, 5) {
				cbs = append(cbs, l.contribution(tm, m, joined))
			}
		}
	}
	if _, err := insert(ctx, l, "TeamMembership", mbs, func(ctx context.Context, b []*ent.TeamMembershipCreate) ([]*ent.TeamMembership, error) {
		return l.tx.TeamMembership.CreateBulk(b...).Save(ctx)
	}); err != nil {
		return err
	}
	_, err := insert(ctx, l, "Contribution", cbs, func(ctx context.Context, b []*ent.ContributionCreate) ([]*ent.Contribution, error) {
		return l.tx.Contribution.CreateBulk(b...).Save(ctx)
	})
	return err
}

func (l *loader) contribution(tm *team, m *member, joined time.Time) *ent.ContributionCreate {
	r := l.r
	span := helped[tm.kind]
	on := r.dateBetween(joined, demoToday)
	text := pick(r, contributionTexts[tm.kind])
	households := r.between(span[0], span[1])
	b := l.tx.Contribution.Create().SetTeamID(tm.id).SetMemberID(m.id).SetOn(on).
		SetDescription(text).SetHouseholdsHelped(households).
		SetNillableTownshipID(m.tID).SetNillableVillageID(m.vID) // scoped as the member
	typeContribution(b, text, households)
	return b
}
