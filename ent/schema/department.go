package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/nanpiao/sbqw/ent/schema/enum"
	"github.com/nanpiao/sbqw/ent/schema/scope"
)

// Department 区直部门: one of the district departments whose cadres pair with households and
// which handle demands routed to them. Reference data.
type Department struct{ ent.Schema }

func (Department) Mixin() []ent.Mixin { return base() }

func (Department) Fields() []ent.Field {
	return []ent.Field{
		field.String("code").NotEmpty().MaxLen(16).Comment("Department code 部门代码").
			Annotations(orderField("CODE")),
		nameField("Department name 部门名称"),
		field.Enum("kind").GoType(enum.DepartmentKind("")).Annotations(enumType(enum.DepartmentKind(""))).Comment("Kind of department 部门类别"),
	}
}

func (Department) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("village_links", DepartmentVillageLink.Type).Annotations(childList...).Comment("Villages linked to the department, by year 部门联村"),
		edge.To("cadres", Cadre.Type).Annotations(connection...).Comment("Cadres of the department 干部"),
		edge.To("party_organizations", PartyOrganization.Type).Annotations(childList...).Comment("The department's party organisations 机关党组织"),
		edge.To("cadre_assignments", CadreAssignment.Type).Annotations(entgql.Skip(entgql.SkipAll)).Comment("Cadres' times in the department"),
		edge.To("demands", Demand.Type).Annotations(connection...).Comment("Demands assigned to the department 交办诉求"),
		edge.To("assisted_demands", Demand.Type).Annotations(connection...).Comment("Demands the department helps the lead department with (部门手拉手) 协办诉求"),
		edge.To("rectifications", Rectification.Type).Annotations(connection...).Comment("Rectifications the department supports 联系整顿"),
	}
}

func (Department) Indexes() []ent.Index {
	return []ent.Index{index.Fields("code", "delete_token").Unique()}
}

func (Department) Hooks() []ent.Hook {
	return []ent.Hook{
		refuseDeleteWhileUsed(
			dependent{"cadres", "department_id", "cadres"},
			dependent{"department_village_links", "department_id", "village links"},
			dependent{"party_organizations", "department_id", "party organisations"},
			dependent{"demands", "department_id", "assigned demands"},
		),
	}
}

func (Department) Annotations() []schema.Annotation {
	return append(listed(true),
		scope.Of(),
		schema.Comment("Department 区直部门: one of the district departments whose cadres pair with households and which handle demands routed to them. Reference data."))
}
