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

// DemoProject 党建促脱贫示范引领工程: each township's model project for a year. It moves through
// the six stages one step at a time (see ProjectStage); a review may send it back one step.
type DemoProject struct{ ent.Schema }

func (DemoProject) Mixin() []ent.Mixin {
	return base()
}

func (DemoProject) Fields() []ent.Field {
	return append([]ent.Field{
		field.Int("township_id").Immutable().Comment("Township running the project 所属乡镇").
			Annotations(scope.Inherited()),
		field.Int("year").Range(2000, 2100).Comment("Programme year 年度").Annotations(orderField("YEAR")),
		nameField("Project name 工程名称"),
		field.Enum("subject_kind").GoType(enum.SubjectKind("")).Annotations(enumType(enum.SubjectKind(""))).Comment("Kind of subject carrying the project 实施主体类别"),
		field.String("subject_name").NotEmpty().MaxLen(128).Comment("Subject carrying the project (a village, cooperative, business…) 实施主体"),
		field.Int("village_id").Optional().Nillable().Immutable().Comment("The village, when the subject is a village or sits in one"),
		field.Enum("industry").GoType(enum.Industry("")).Annotations(enumType(enum.Industry(""))).Comment("Industry 产业类型"),
		field.Text("goal").NotEmpty().MaxLen(4000).Comment("Goals 工程目标").Annotations(noFilter),
		field.Time("deadline").SchemaType(dateColumn).Annotations(dateGQL).Comment("Deadline for completing the project 完成时限").Annotations(orderField("DEADLINE")),
		field.Enum("stage").GoType(enum.ProjectStage("")).Annotations(enumType(enum.ProjectStage(""))).Comment("Current stage 当前步骤").Default("RESEARCH").Annotations(notSettable, orderField("STAGE")),
		field.Time("stage_due_on").SchemaType(dateColumn).Annotations(dateGQL).Comment("Deadline of the current stage 本步骤时限").Optional().Nillable().Annotations(orderField("STAGE_DUE_ON")),
	}, projectOutcomeFields()...)
}

func (DemoProject) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("township", Township.Type).Ref("demo_projects").Field("township_id").Unique().Required().Immutable(),
		edge.From("village", Village.Type).Ref("demo_projects").Field("village_id").Unique().Immutable(),
		edge.To("stages", DemoProjectStage.Type).Annotations(childList...).Comment("Stage history, oldest first 步骤记录"),
		edge.To("investments", ProjectInvestment.Type).Annotations(childList...).Comment("Planned and actual investment by funding source 投资构成"),
	}
}

func (DemoProject) Indexes() []ent.Index {
	return []ent.Index{index.Fields("township_id", "year"), index.Fields("village_id"), index.Fields("stage")}
}

func (DemoProject) Hooks() []ent.Hook {
	return []ent.Hook{workflow.ProjectRules(),
		notMoreThan("needy_households_driven", "households_driven", "needy households driven cannot exceed the households driven (困难户数不能多于带动户数)"),
		notMoreThan("households_driven", "persons_driven", "households driven cannot exceed the persons driven (带动户数不能多于带动人数)")}
}

func (DemoProject) Annotations() []schema.Annotation {
	return append(listed(true),
		scope.Of(
			scope.Inherits(Village.Type),
			scope.Hierarchy(),
		),
		schema.Comment("DemoProject 党建促脱贫示范引领工程: each township's model project for a year. It moves through the six stages one step at a time (see ProjectStage); a review may send it back one step."))
}
