package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
	"github.com/nanpiao/sbqw/ent/schema/scope"

	"github.com/nanpiao/sbqw/ent/schema/enum"
)

// TeamMembership 团队岗位: a member's post in a team ("one person, many posts": a member may be
// in several teams).
type TeamMembership struct{ ent.Schema }

func (TeamMembership) Mixin() []ent.Mixin {
	return base()
}

func (TeamMembership) Fields() []ent.Field {
	return []ent.Field{
		field.Int("team_id").Immutable(),
		field.Int("member_id").Immutable(),
		field.Enum("post").GoType(enum.TeamPost("")).Annotations(enumType(enum.TeamPost(""))).Comment("Post in the team 团队岗位").Default("MEMBER"),
		field.Time("joined_on").SchemaType(dateColumn).Annotations(dateGQL).Comment("Joined the team 加入日期"),
		scopeField("township_id", "Township of the member (scope)"),
		scopeField("village_id", "Home village of the member (scope)"),
	}
}

func (TeamMembership) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("team", Team.Type).Ref("memberships").Field("team_id").Unique().Required().Immutable(),
		edge.From("member", PartyMember.Type).Ref("team_memberships").Field("member_id").Unique().Required().Immutable(),
	}
}

func (TeamMembership) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("team_id", "member_id", "delete_token").Unique(),
		index.Fields("member_id"),
		index.Fields("township_id"),
		index.Fields("village_id"),
	}
}

func (TeamMembership) Annotations() []schema.Annotation {
	return append(listed(true),
		scope.Of(
			scope.Inherits(PartyMember.Type), // seen by the member's own units, whatever the team
			scope.Hierarchy(),
			scope.Reach(scope.Department, "member_id", scope.DepartmentMembers),
		),
		schema.Comment("TeamMembership 团队岗位: a member's post in a team (\"one person, many posts\": a member may be in several teams)."))
}
