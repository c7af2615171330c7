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

// ProjectInvestment 投资构成: a demonstration project's planned and actual investment from one
// funding source. One row per (project, source), written through setProjectInvestment by whoever
// may edit the project.
type ProjectInvestment struct{ ent.Schema }

func (ProjectInvestment) Mixin() []ent.Mixin {
	return base()
}

func (ProjectInvestment) Fields() []ent.Field {
	return []ent.Field{
		field.Int("project_id").Immutable().Annotations(notSettable),
		field.Enum("source").GoType(enum.FundingSource("")).Annotations(enumType(enum.FundingSource(""))).Immutable().Comment("Funding source 资金来源"),
		amountMoney("planned", "Planned investment 计划投资"),
		amountMoney("actual", "Investment made so far 实际到位投资"),
		scopeField("township_id", "Township (scope)"),
		scopeField("village_id", "Subject village (scope)"),
	}
}

func (ProjectInvestment) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("project", DemoProject.Type).Ref("investments").Field("project_id").Unique().Required().Immutable().Annotations(notSettable),
	}
}

func (ProjectInvestment) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("project_id", "source", "delete_token").Unique(),
		index.Fields("township_id", "source"),
		index.Fields("village_id"),
	}
}

func (ProjectInvestment) Annotations() []schema.Annotation {
	return append(listed(false),
		scope.Of(
			scope.Inherits(DemoProject.Type),
			scope.Hierarchy(),
		),
		schema.Comment("ProjectInvestment 投资构成: a demonstration project's planned and actual investment from one funding source."))
}
