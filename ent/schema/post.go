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

// Post 任职: a member holds a title in an organisation from a date, until an optional end. The
// village secretary is the member holding SECRETARY in the village's organisation.
type Post struct{ ent.Schema }

func (Post) Mixin() []ent.Mixin {
	return base()
}

func (Post) Fields() []ent.Field {
	return []ent.Field{
		field.Int("member_id").Immutable(),
		field.Int("organization_id").Immutable(),
		field.Enum("title").GoType(enum.PostTitle("")).Annotations(enumType(enum.PostTitle(""))).Comment("Title held 职务"),
		field.Time("start_on").SchemaType(dateColumn).Annotations(dateGQL).Comment("First day in the post 任职日期").Annotations(orderField("START_ON")),
		field.Time("end_on").SchemaType(dateColumn).Annotations(dateGQL).Comment("Last day in the post; empty while serving 离任日期").Optional().Nillable(),
		scopeField("township_id", "Township of the member (scope)"),
		scopeField("village_id", "Home village of the member (scope)"),
	}
}

func (Post) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("member", PartyMember.Type).Ref("posts").Field("member_id").Unique().Required().Immutable(),
		edge.From("organization", PartyOrganization.Type).Ref("posts").Field("organization_id").Unique().Required().Immutable(),
	}
}

func (Post) Indexes() []ent.Index {
	return []ent.Index{index.Fields("member_id"), index.Fields("organization_id", "title"), index.Fields("township_id"), index.Fields("village_id")}
}

func (Post) Hooks() []ent.Hook { return []ent.Hook{endNotBeforeStart("start_on", "end_on")} }

func (Post) Annotations() []schema.Annotation {
	return append(listed(true),
		scope.Of(
			scope.Inherits(PartyMember.Type),
			scope.Hierarchy(),
			scope.Reach(scope.Department, "member_id", scope.DepartmentMembers),
		),
		schema.Comment("Post 任职: a member holds a title in an organisation from a date, until an optional end. The village secretary is the member holding SECRETARY in the village's organisation."))
}
