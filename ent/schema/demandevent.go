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

// DemandEvent 办理记录: one step of a demand's handling, written by the workflow, never edited.
type DemandEvent struct{ ent.Schema }

func (DemandEvent) Mixin() []ent.Mixin {
	return base()
}

func (DemandEvent) Fields() []ent.Field {
	return []ent.Field{
		field.Int("demand_id").Immutable(),
		field.Enum("from_status").GoType(enum.DemandStatus("")).Annotations(enumType(enum.DemandStatus(""))).Comment("Status before the step").Optional().Nillable().Immutable(),
		field.Enum("to_status").GoType(enum.DemandStatus("")).Annotations(enumType(enum.DemandStatus(""))).Comment("Status after the step").Immutable(),
		field.String("note").Optional().MaxLen(1000).Immutable().Comment("Remarks, reason or result 办理意见").Annotations(noFilter),
		field.Int("department_id").Optional().Nillable().Immutable().Comment("Department assigned in this step"),
		field.Int("actor_id").Optional().Nillable().Immutable().Comment("User who took the step").Annotations(hidden),
		field.String("actor_name").Optional().MaxLen(64).Immutable().Comment("Who took the step 办理人"),
		scopeField("township_id", "Township (scope)"),
		scopeField("village_id", "Village (scope)"),
		scopeField("household_id", "Household (scope)"),
	}
}

func (DemandEvent) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("demand", Demand.Type).Ref("events").Field("demand_id").Unique().Required().Immutable(),
	}
}

func (DemandEvent) Indexes() []ent.Index {
	return []ent.Index{index.Fields("demand_id"), index.Fields("township_id"), index.Fields("village_id"), index.Fields("household_id")}
}

func (DemandEvent) Annotations() []schema.Annotation {
	return append(listed(false),
		scope.Of(
			scope.Inherits(Demand.Type),
			scope.Hierarchy(),
			scope.Reach(scope.Paired, "household_id", scope.ActivelyPairedHouseholds),
			scope.Reach(scope.Department, "demand_id", scope.DepartmentDemands),
		),
		schema.Comment("DemandEvent 办理记录: one step of a demand's handling, written by the workflow, never edited."))
}
