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

// Team 党员团队: "one task, one team" — a district-wide, township or village team for policy
// promotion, project tackling, industry development or poverty relief. It draws members from
// anywhere (一事一团 breaks regional barriers) and is seen by the units its members come from.
type Team struct{ ent.Schema }

func (Team) Mixin() []ent.Mixin {
	return base()
}

func (Team) Fields() []ent.Field {
	return []ent.Field{
		nameField("Team name 团队名称"),
		field.Enum("kind").GoType(enum.TeamKind("")).Annotations(enumType(enum.TeamKind(""))).Comment("Kind of team 团队类别"),
		field.Int("township_id").Optional().Nillable().Immutable().Comment("Township that runs the team; empty for a district-wide team 所属乡镇（区级团队为空）").
			Annotations(scope.Inherited()),
		field.Int("village_id").Optional().Nillable().Immutable().Comment("Village, for a village-level team"),
		field.Int("leader_id").Optional().Nillable().Comment("Team leader 团长"),
		field.String("task").Optional().MaxLen(1000).Comment("The task the team was formed for 攻坚任务").Annotations(noFilter),
	}
}

func (Team) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("township", Township.Type).Ref("teams").Field("township_id").Unique().Immutable(),
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
			// Seen by the units its members come from…
			scope.Reach(scope.Township, "id", scope.TeamsWithMember),
			scope.Reach(scope.Village, "id", scope.TeamsWithMember),
			scope.Reach(scope.Department, "id", scope.DepartmentTeams),
			// …but run only by its own township or village (a district-wide team by DISTRICT).
			scope.ManageReach(scope.Township, "township_id", scope.Unit),
			scope.ManageReach(scope.Village, "village_id", scope.Unit),
			scope.ManageReach(scope.Department, "id", scope.DepartmentTeams),
		),
		schema.Comment("Team 党员团队: \"one task, one team\" — a district-wide (no township), township or village team for policy promotion, project tackling, industry development or poverty relief. It draws members from anywhere and is seen by the units its members come from; it is run by its township or village, a district-wide team by DISTRICT."))
}
