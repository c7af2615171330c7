package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
	"github.com/nanpiao/sbqw/ent/schema/scope"
	"github.com/nanpiao/sbqw/workflow"

	"github.com/nanpiao/sbqw/ent/schema/enum"
)

// Rectification 整顿: a weak village's rectification for a year — kind, measures, progress and
// the acceptance score (70 or more passes).
type Rectification struct{ ent.Schema }

func (Rectification) Mixin() []ent.Mixin {
	return base()
}

func (Rectification) Fields() []ent.Field {
	return []ent.Field{
		field.Int("village_id").Immutable().Comment("Village being rectified 整顿村"),
		field.Int("year").Range(2000, 2100).Comment("Year 年度").Annotations(orderField("YEAR")),
		field.Enum("kind").GoType(enum.RectificationKind("")).Annotations(enumType(enum.RectificationKind(""))).Comment("Why the village is rectified 整顿类别"),
		field.Text("measures").NotEmpty().MaxLen(4000).Comment("Measures taken 整顿措施").Annotations(noFilter),
		field.Int("progress").Default(0).Range(0, 100).Comment("Progress, percent 整顿进度（%）"),
		field.Enum("status").GoType(enum.RectificationStatus("")).Annotations(enumType(enum.RectificationStatus(""))).Comment("Where the rectification stands 整顿状态").Default("PLANNED").Annotations(notSettable),
		field.Int("acceptance_score").Optional().Nillable().Range(0, 100).Comment("Acceptance score; 70 or more passes 验收得分").Annotations(notSettable),
		field.Time("due_on").SchemaType(dateColumn).Annotations(dateGQL).Comment("Deadline 完成时限").Optional().Nillable(),
		field.Int("department_id").Optional().Nillable().Comment("Linked department supporting the rectification 联系部门"),
		scopeField("township_id", "Township (scope)"),
	}
}

func (Rectification) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("village", Village.Type).Ref("rectifications").Field("village_id").Unique().Required().Immutable(),
		edge.From("department", Department.Type).Ref("rectifications").Field("department_id").Unique(),
		edge.To("attachments", Attachment.Type).Annotations(ownerEdge).Comment("Photos and documents 附件"),
	}
}

func (Rectification) Indexes() []ent.Index {
	return []ent.Index{index.Fields("village_id", "year"), index.Fields("township_id"), index.Fields("department_id")}
}

func (Rectification) Hooks() []ent.Hook { return []ent.Hook{workflow.RectificationRules()} }

func (Rectification) Annotations() []schema.Annotation {
	return append(listed(true),
		scope.Of(
			scope.Inherits(Village.Type),
			scope.Hierarchy(),
			scope.Reach(scope.Department, "department_id", scope.Unit),
		),
		schema.Comment("Rectification 整顿: a weak village's rectification for a year — kind, measures, progress and the acceptance score (70 or more passes)."))
}
