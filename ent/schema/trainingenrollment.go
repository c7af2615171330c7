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

// TrainingEnrollment 参训记录: a village secretary in a course, with attendance, hours and grade.
type TrainingEnrollment struct{ ent.Schema }

func (TrainingEnrollment) Mixin() []ent.Mixin {
	return base()
}

func (TrainingEnrollment) Fields() []ent.Field {
	return []ent.Field{
		field.Int("course_id").Immutable(),
		field.Int("secretary_id").Immutable().Comment("The village secretary (a party member) 学员"),
		field.Enum("attendance").GoType(enum.Attendance("")).Annotations(enumType(enum.Attendance(""))).Comment("Attendance 出勤").Default("ENROLLED"),
		field.Float("hours_attended").Default(0).Min(0).Max(500).Comment("Class hours attended 参训学时"),
		field.Enum("grade").GoType(enum.Grade("")).Annotations(enumType(enum.Grade(""))).Comment("Grade 结业成绩").Optional().Nillable(),
		scopeField("township_id", "Township (scope)"),
		scopeField("village_id", "Village of the secretary (scope)"),
	}
}

func (TrainingEnrollment) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("course", TrainingCourse.Type).Ref("enrollments").Field("course_id").Unique().Required().Immutable(),
		edge.From("secretary", PartyMember.Type).Ref("enrollments").Field("secretary_id").Unique().Required().Immutable(),
	}
}

func (TrainingEnrollment) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("course_id", "secretary_id", "delete_token").Unique(),
		index.Fields("secretary_id"),
		index.Fields("township_id"),
		index.Fields("village_id"),
	}
}

func (TrainingEnrollment) Hooks() []ent.Hook { return []ent.Hook{workflow.EnrollmentRules()} }

func (TrainingEnrollment) Annotations() []schema.Annotation {
	return append(listed(true),
		scope.Of(
			scope.Inherits(PartyMember.Type),
			scope.Hierarchy(),
		),
		schema.Comment("TrainingEnrollment 参训记录: a village secretary in a course, with attendance, hours and grade."))
}
