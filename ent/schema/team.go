package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/nanpiao/sbqw/ent/schema/enum"
	"github.com/nanpiao/sbqw/ent/schema/scope"
)

// Team 党员团队: "one task, one team" — a township's or village's team for policy promotion,
// project tackling, industry development or poverty relief.
type Team struct{ ent.Schema }

func (Team) Mixin() []ent.Mixin {
	return base()
}

func (Team) Fields() []ent.Field {
	return []ent.Field{
		nameField("Team name 团队名称"),
		field.Enum("kind").GoType(enum.TeamKind("")).Annotations(enumType(enum.TeamKind(""))).Comment("Kind of team 团队类别"),
		field.Int("township_id").Immutable().Comment("Township of the team 所属乡镇").
			Annotations(scope.Inherited()),
		field.Int("village_id").Optional().Nillable().Immutable().Comment("Village, for a village-level team"),
		field.Int("leader_id").Optional().Nillable().Comment("Team leader 团长"),
		field.String("task").Optional().MaxLen(1000).Comment("The task the team was formed for 攻坚任务").Annotations(noFilter),
	}
}

func (Team) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("township", Township.Type).Ref("teams").Field("township_id").Unique().Required().Immutable(),
		edge.From("village", Village.Type).Ref("teams").Field("village_id").Unique().Immutable(),
		edge.To("leader", PartyMember.Type).Field("leader_id").Unique().Comment("Team leader 团长"),
		edge.To("memberships", TeamMembership.Type).Annotations(childList...).Comment("Members and their posts 团队成员"),
		edge.To("contributions", Contribution.Type).Annotations(connection...).Comment("Contributions recorded 贡献记录"),
	}
}

func (Team) Indexes() []ent.Index {
	return []ent.Index{index.Fields("township_id"), index.Fields("village_id")}
}

func (Team) Hooks() []ent.Hook {
	return []ent.Hook{
		refuseDeleteWhileUsed(
			dependent{"team_memberships", "team_id", "members"},
			dependent{"contributions", "team_id", "contributions"},
		),
	}
}

func (Team) Annotations() []schema.Annotation {
	return append(listed(true),
		scope.Of(
			scope.Inherits(Village.Type),
			scope.Hierarchy(),
			scope.Reach(scope.Department, "id", scope.DepartmentTeams),
		),
		schema.Comment("Team 党员团队: \"one task, one team\" — a township's or village's team for policy promotion, project tackling, industry development or poverty relief."))
}
