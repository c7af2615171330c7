package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/nanpiao/sbqw/ent/schema/scope"
	"github.com/nanpiao/sbqw/workflow"
)

// Cadre 帮扶干部: a department official who pairs with needy households. Reference data (name,
// title, department; the phone is masked like every personal value).
type Cadre struct{ ent.Schema }

func (Cadre) Mixin() []ent.Mixin { return base() }

func (Cadre) Fields() []ent.Field {
	fields := []ent.Field{
		field.Int("department_id").Annotations(entgql.Skip(entgql.SkipMutationUpdateInput)).
			Comment("Department the cadre works in now 所在部门; changed only by transferCadre, which keeps the history in assignments"),
		nameField("Name 姓名"),
		field.String("title").Optional().MaxLen(64).Comment("Job title 职务"),
		field.Int("member_id").Optional().Nillable().Comment("The cadre's party membership record, when a party member 党员信息"),
	}
	return append(fields, sensitiveFields("phone", "Phone number 联系电话", true)...)
}

func (Cadre) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("department", Department.Type).Ref("cadres").Field("department_id").Unique().Required().
			Annotations(entgql.Skip(entgql.SkipMutationUpdateInput)),
		edge.From("member", PartyMember.Type).Ref("cadre").Field("member_id").Unique().Comment("Party membership record 党员信息"),
		edge.To("pairings", Pairing.Type).Annotations(connection...).Comment("Households the cadre is or was paired with 结对"),
		edge.To("assignments", CadreAssignment.Type).Annotations(childList...).Comment("Departments the cadre has worked in, oldest first 任职经历"),
	}
}

func (Cadre) Indexes() []ent.Index {
	return []ent.Index{index.Fields("department_id")}
}

func (Cadre) Hooks() []ent.Hook {
	return []ent.Hook{
		sealPersonalData(personal{phone: "phone"}),
		workflow.CadreFirstAssignment(),
		refuseDeleteWhileUsed(
			dependent{"pairings", "cadre_id", "pairings"},
			dependent{"role_bindings", "cadre_id", "role bindings"},
			dependent{"cadre_assignments", "cadre_id", "assignments"},
		),
	}
}

func (Cadre) Annotations() []schema.Annotation {
	return append(listed(true),
		scope.Of(
			scope.Reach(scope.Department, "department_id", scope.Unit),
		),
		schema.Comment("Cadre 帮扶干部: a department official who pairs with needy households. Reference data (name, title, department; the phone is masked like every personal value)."))
}
