package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/nanpiao/sbqw/ent/schema/scope"
)

// Contribution 贡献: what a member did for a team on a day, and how many households it helped.
type Contribution struct{ ent.Schema }

func (Contribution) Mixin() []ent.Mixin {
	return base()
}

func (Contribution) Fields() []ent.Field {
	return []ent.Field{
		field.Int("member_id").Immutable(),
		field.Int("team_id").Immutable(),
		field.Time("on").SchemaType(dateColumn).Annotations(dateGQL).Comment("Date 日期").Annotations(orderField("ON")),
		field.String("description").NotEmpty().MaxLen(1000).Comment("What was done 贡献内容").Annotations(noFilter),
		field.Int("households_helped").Default(0).Min(0).Comment("Households helped 帮扶户数"),
		scopeField("township_id", "Township of the team (scope)"),
		scopeField("village_id", "Village of the team (scope)"),
	}
}

func (Contribution) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("member", PartyMember.Type).Ref("contributions").Field("member_id").Unique().Required().Immutable(),
		edge.From("team", Team.Type).Ref("contributions").Field("team_id").Unique().Required().Immutable(),
	}
}

func (Contribution) Indexes() []ent.Index {
	return []ent.Index{index.Fields("team_id", "on"), index.Fields("member_id"), index.Fields("township_id"), index.Fields("village_id")}
}

func (Contribution) Annotations() []schema.Annotation {
	return append(nested(true),
		scope.Of(
			scope.Inherits(Team.Type),
			scope.Hierarchy(),
			scope.Reach(scope.Department, "member_id", scope.DepartmentMembers),
		),
		schema.Comment("Contribution 贡献: what a member did for a team on a day, and how many households it helped."))
}
