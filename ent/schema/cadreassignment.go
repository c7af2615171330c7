package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/nanpiao/sbqw/ent/schema/scope"
)

// CadreAssignment 任职经历: a cadre's time in one department, from a day until the day before
// the cadre's transfer (open while it lasts). Written only by transferCadre and the migration
// that gave every existing cadre its first assignment; read wherever the cadre is (every signed-in
// caller, like cadres: policy line `*, cadre_assignment, read, district`), also through the
// root list cadreAssignments.
type CadreAssignment struct{ ent.Schema }

func (CadreAssignment) Mixin() []ent.Mixin { return base() }

func (CadreAssignment) Fields() []ent.Field {
	return []ent.Field{
		field.Int("cadre_id").Immutable().Comment("Cadre 干部"),
		field.Int("department_id").Immutable().Comment("Department 部门"),
		field.Time("from").SchemaType(dateColumn).Annotations(dateGQL).Immutable().Comment("First day in the department 起始日期").Annotations(orderField("FROM")),
		field.Time("to").SchemaType(dateColumn).Annotations(dateGQL).Optional().Nillable().Comment("Last day in the department; null while it lasts 截止日期"),
		field.String("reason").Optional().MaxLen(255).Immutable().Comment("Why the cadre came to the department 调动原因"),
	}
}

func (CadreAssignment) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("cadre", Cadre.Type).Ref("assignments").Field("cadre_id").Unique().Required().Immutable(),
		edge.From("department", Department.Type).Ref("cadre_assignments").Field("department_id").Unique().Required().Immutable(),
	}
}

func (CadreAssignment) Indexes() []ent.Index {
	return []ent.Index{index.Fields("cadre_id", "from"), index.Fields("department_id")}
}

func (CadreAssignment) Annotations() []schema.Annotation {
	return append(listed(false),
		scope.Of(
			scope.Reach(scope.Department, "department_id", scope.Unit),
		),
		entsql.IncrementStart(43<<32),
		schema.Comment("CadreAssignment 任职经历: a cadre's time in one department, from a day until the day before a transfer (to is null while it lasts)."))
}
