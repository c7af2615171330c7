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

// DemoProjectStage 步骤记录: a demo project entered a stage — who moved it, when, how and why —
// and what the step recorded (its content: findings, score, approval number and budget,
// progress, grade, final figures). Written by the workflow only; the content of the current
// step can be filled in until the project leaves it (see workflow.RecordStageContent).
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
		field.Text("findings").Optional().Nillable().MaxLen(4000).Annotations(notSettable, noFilter).Comment("RESEARCH: findings 调研结论"),
		field.Int("evaluation_score").Optional().Nillable().Range(0, 100).Annotations(notSettable).Comment("EVALUATION: score, 0–100 评估得分"),
		field.String("evaluation_conclusion").Optional().Nillable().MaxLen(1000).Annotations(notSettable, noFilter).Comment("EVALUATION: conclusion 评估结论"),
		field.String("approval_number").Optional().Nillable().MaxLen(64).Annotations(notSettable).Comment("APPROVAL: approval document number 立项文号"),
		optionalMoney("approved_budget", "APPROVAL: approved budget 批复预算", notSettable),
		field.Int("progress_percent").Optional().Nillable().Range(0, 100).Annotations(notSettable).Comment("IMPLEMENTATION: progress, percent 实施进度（%）"),
		optionalMoney("spent_to_date", "IMPLEMENTATION: spending to date 累计支出", notSettable),
		field.Strings("milestones").Optional().Annotations(notSettable).Comment("IMPLEMENTATION: milestones reached 里程碑"),
		field.Enum("review_grade").GoType(enum.ReviewGrade("")).Annotations(enumType(enum.ReviewGrade(""))).Optional().Nillable().Annotations(notSettable).Comment("REVIEW: grade 评审等次"),
		field.String("review_remarks").Optional().Nillable().MaxLen(1000).Annotations(notSettable, noFilter).Comment("REVIEW: remarks 评审意见"),
		optionalMoney("final_investment", "COMPLETION: final total investment 决算总投资", notSettable),
		field.Int("final_households_driven").Optional().Nillable().NonNegative().Annotations(notSettable).Comment("COMPLETION: households driven at completion 结题带动户数"),
		field.Time("acceptance_date").SchemaType(dateColumn).Annotations(dateGQL).Optional().Nillable().Annotations(notSettable).Comment("COMPLETION: acceptance date 验收日期"),
		scopeField("township_id", "Township (scope)"),
		scopeField("village_id", "Subject village (scope)"),
	}
}

func (DemoProjectStage) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("project", DemoProject.Type).Ref("stages").Field("project_id").Unique().Required().Immutable(),
		edge.To("attachments", Attachment.Type).Annotations(ownerEdge).Comment("Photos and documents 附件"),
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
		schema.Comment("DemoProjectStage 步骤记录: a demo project entered a stage — who moved it, when, how and why — and what the step recorded. Written by the workflow only."))
}
