package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/nanpiao/sbqw/ent/schema/scope"
)

// DepartmentVillageLink 部门联村: a department is linked to a village for a year; its cadres
// pair with needy households there. Reference data.
type DepartmentVillageLink struct{ ent.Schema }

func (DepartmentVillageLink) Mixin() []ent.Mixin {
	return base()
}

func (DepartmentVillageLink) Fields() []ent.Field {
	return []ent.Field{
		field.Int("department_id").Immutable(),
		field.Int("village_id").Immutable(),
		field.Int("year").Range(2000, 2100).Comment("Programme year of the link 联村年度").Annotations(orderField("YEAR")),
		scopeField("township_id", "Township of the village (scope)"),
	}
}

func (DepartmentVillageLink) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("department", Department.Type).Ref("village_links").Field("department_id").Unique().Required().Immutable(),
		edge.From("village", Village.Type).Ref("department_links").Field("village_id").Unique().Required().Immutable(),
	}
}

func (DepartmentVillageLink) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("department_id", "village_id", "year", "delete_token").Unique(),
		index.Fields("village_id", "year"),
		index.Fields("township_id"),
	}
}

func (DepartmentVillageLink) Annotations() []schema.Annotation {
	return append(nested(true),
		scope.Of(
			scope.Inherits(Village.Type),
		),
		schema.Comment("DepartmentVillageLink 部门联村: a department is linked to a village for a year; its cadres pair with needy households there. Reference data."))
}
