package stats

import (
	"context"
	"time"

	"github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/ent/contribution"
	"github.com/nanpiao/sbqw/ent/partymember"
	"github.com/nanpiao/sbqw/ent/post"
	"github.com/nanpiao/sbqw/ent/predicate"
	"github.com/nanpiao/sbqw/ent/teammembership"
)

// MemberEngagement 党员立足岗位: "every member with a post and a contribution", measured — per
// unit, the caller's active members, and among them those who in the year held a post
// (设岗定责), made at least one contribution, belonged to a team, and all three at once.
type MemberEngagement struct {
	StatsUnit
	Members          int
	WithPost         int
	WithContribution int
	InTeam           int
	Engaged          int
}

// MemberEngagementByUnit counts in one GROUP BY over the caller's party members. Each sub-row
// (post, contribution, membership) is also read through its own scope and without deleted
// rows (edge sub-queries get neither by themselves), so a record the caller cannot list never
// counts.
//
// With a day named (asOf): the members who had joined by then, and the year up to that day —
// posts started, contributions dated and teams joined by then (posts and memberships by their
// dates, so a post ended or a member who left a team later still counts).
func MemberEngagementByUnit(ctx context.Context, client *ent.Client, year int, g StatsGrouping, at AsOf) ([]*MemberEngagement, error) {
	if err := checkYear(year); err != nil {
		return nil, err
	}
	return memberEngagement(ctx, client, year, g, at, nil)
}

// memberEngagement counts the members of the townships in (nil: every township).
func memberEngagement(ctx context.Context, client *ent.Client, year int, g StatsGrouping, at AsOf, in townships) ([]*MemberEngagement, error) {
	first := time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC)
	last := at.upTo(time.Date(year, 12, 31, 0, 0, 0, 0, time.UTC))
	withPost := partymember.HasPostsWith(post.DeletedAtIsNil(), post.StartOnLTE(last), post.Or(post.EndOnIsNil(), post.EndOnGTE(first)),
		predicate.Post(visible(ctx, ent.TypePost)))
	withContribution := partymember.HasContributionsWith(contribution.DeletedAtIsNil(), contribution.OnGTE(first), contribution.OnLTE(last),
		predicate.Contribution(visible(ctx, ent.TypeContribution)))
	inTeam := partymember.HasTeamMembershipsWith(teammembership.DeletedAtIsNil(), teammembership.JoinedOnLTE(last),
		predicate.TeamMembership(visible(ctx, ent.TypeTeamMembership)))
	var rs []struct {
		StatsUnit        int `sql:"unit"`
		Members          int `sql:"members"`
		WithPost         int `sql:"with_post"`
		WithContribution int `sql:"with_contribution"`
		InTeam           int `sql:"in_team"`
		Engaged          int `sql:"engaged"`
	}
	err := client.PartyMember.Query().Where(at.member(), predicate.PartyMember(in.where())).
		Modify(grouped([]key{unitKey(g)},
			countAll("members"),
			countIf("with_post", withPost),
			countIf("with_contribution", withContribution),
			countIf("in_team", inTeam),
			countIf("engaged", withPost, withContribution, inTeam),
		)).
		Scan(ctx, &rs)
	if err != nil {
		return nil, err
	}
	rows := map[int]*MemberEngagement{}
	for _, r := range rs {
		rows[r.StatsUnit] = &MemberEngagement{Members: r.Members, WithPost: r.WithPost, WithContribution: r.WithContribution,
			InTeam: r.InTeam, Engaged: r.Engaged}
	}
	return withUnits(ctx, client, g, rows, func(e *MemberEngagement) *StatsUnit { return &e.StatsUnit })
}
