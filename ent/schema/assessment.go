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

// Assessment 考核: one indicator for a year with baseline, target and actual — a secretary's five
// capability gains (五个增强, secretary set) or a village's six performance gains (六个提高).
type Assessment struct{ ent.Schema }

func (Assessment) Mixin() []ent.Mixin {
	return base()
}

func (Assessment) Fields() []ent.Field {
	return []ent.Field{
		field.Int("village_id").Immutable().Comment("Village assessed, or the secretary's village 考核村"),
		field.Int("secretary_id").Optional().Nillable().Immutable().Comment("The secretary, for a capability indicator 考核书记"),
		field.Int("year").Range(2000, 2100).Comment("Year 年度").Annotations(orderField("YEAR")),
		field.Enum("indicator").GoType(enum.Indicator("")).Annotations(enumType(enum.Indicator(""))).Comment("Indicator 指标"),
		field.Float("baseline").Comment("Value at the start of the year 基期值"),
		field.Float("target").Comment("Target 目标值"),
		field.Float("actual").Optional().Nillable().Comment("Value reached 实际值"),
		field.String("remarks").Optional().MaxLen(1000).Annotations(noFilter),
		scopeField("township_id", "Township (scope)"),
	}
}

func (Assessment) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("village", Village.Type).Ref("assessments").Field("village_id").Unique().Required().Immutable(),
		edge.From("secretary", PartyMember.Type).Ref("assessments").Field("secretary_id").Unique().Immutable(),
	}
}

func (Assessment) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("village_id", "year", "indicator", "secretary_id"),
		index.Fields("township_id"),
	}
}

func (Assessment) Hooks() []ent.Hook { return []ent.Hook{workflow.AssessmentRules()} }

func (Assessment) Annotations() []schema.Annotation {
	return append(listed(true),
		scope.Of(
			scope.Inherits(Village.Type),
			scope.Hierarchy(),
		),
		schema.Comment("Assessment 考核: one indicator for a year with baseline, target and actual — a secretary's five capability gains (五个增强, secretary set) or a village's six performance gains (六个提高)."))
}
