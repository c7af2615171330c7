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

// DemoProjectStage 步骤记录: a demo project entered a stage — who moved it, when, how and why.
// Written by the workflow, never edited.
type DemoProjectStage struct{ ent.Schema }

func (DemoProjectStage) Mixin() []ent.Mixin {
	return base()
}

func (DemoProjectStage) Fields() []ent.Field {
	return []ent.Field{
		field.Int("project_id").Immutable(),
		field.Enum("stage").GoType(enum.ProjectStage("")).Annotations(enumType(enum.ProjectStage(""))).Comment("Stage entered 进入的步骤").Immutable(),
		field.Enum("result").GoType(enum.StageResult("")).Annotations(enumType(enum.StageResult(""))).Comment("How the stage was entered 结果").Immutable(),
		field.String("remarks").Optional().MaxLen(1000).Immutable().Comment("Remarks or reason 意见").Annotations(noFilter),
		field.Time("due_on").SchemaType(dateColumn).Annotations(dateGQL).Comment("Deadline set for the stage 步骤时限").Optional().Nillable().Immutable(),
		field.Int("actor_id").Optional().Nillable().Immutable().Annotations(hidden),
		field.String("actor_name").Optional().MaxLen(64).Immutable().Comment("Who moved the project 操作人"),
		scopeField("township_id", "Township (scope)"),
		scopeField("village_id", "Subject village (scope)"),
	}
}

func (DemoProjectStage) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("project", DemoProject.Type).Ref("stages").Field("project_id").Unique().Required().Immutable(),
	}
}

func (DemoProjectStage) Indexes() []ent.Index {
	return []ent.Index{index.Fields("project_id"), index.Fields("township_id")}
}

func (DemoProjectStage) Annotations() []schema.Annotation {
	return append(listed(false),
		scope.Of(
			scope.Inherits(DemoProject.Type),
			scope.Hierarchy(),
		),
		schema.Comment("DemoProjectStage 步骤记录: a demo project entered a stage — who moved it, when, how and why. Written by the workflow, never edited."))
}
