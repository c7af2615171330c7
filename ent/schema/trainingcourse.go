package schema

import (
	"github.com/nanpiao/sbqw/workflow"

	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/nanpiao/sbqw/ent/schema/enum"
	"github.com/nanpiao/sbqw/ent/schema/scope"
)

// TrainingCourse 培训班: the comprehensive course ("1") or a field visit / skill class ("X") of
// the secretaries' "1+X" training. Reference data.
type TrainingCourse struct{ ent.Schema }

func (TrainingCourse) Mixin() []ent.Mixin { return base() }

func (TrainingCourse) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").NotEmpty().MaxLen(128).Comment("Course name 培训班名称").Annotations(orderField("NAME")),
		field.Enum("kind").GoType(enum.CourseKind("")).Annotations(enumType(enum.CourseKind(""))).Comment("The \"1\" or an \"X\" 培训类别"),
		field.Int("year").Range(2000, 2100).Comment("Programme year 年度").Annotations(orderField("YEAR")),
		field.Float("hours").Positive().Max(500).Comment("Course length in class hours 学时"),
		field.Time("start_on").SchemaType(dateColumn).Annotations(dateGQL).Comment("First day 开班日期").Annotations(orderField("START_ON")),
		field.Time("end_on").SchemaType(dateColumn).Annotations(dateGQL).Comment("Last day 结业日期"),
		field.String("location").Optional().MaxLen(128).Comment("Where it is held 地点"),
		field.String("topic").Optional().MaxLen(255).Comment("Topic or skill taught 主题"),
	}
}

func (TrainingCourse) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("enrollments", TrainingEnrollment.Type).Annotations(connection...).Comment("Secretaries enrolled 学员"),
	}
}

func (TrainingCourse) Indexes() []ent.Index { return []ent.Index{index.Fields("year", "kind")} }

func (TrainingCourse) Hooks() []ent.Hook {
	return []ent.Hook{
		endNotBeforeStart("start_on", "end_on"),
		workflow.CourseRules(),
		refuseDeleteWhileUsed(dependent{"training_enrollments", "course_id", "enrollments"}),
	}
}

func (TrainingCourse) Annotations() []schema.Annotation {
	return append(listed(true),
		scope.Of(),
		schema.Comment("TrainingCourse 培训班: the comprehensive course (\"1\") or a field visit / skill class (\"X\") of the secretaries' \"1+X\" training. Reference data."))
}
