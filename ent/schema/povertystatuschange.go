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

// PovertyStatusChange 贫困状态变更记录: one dated step of a household's poverty history —
// identification, each step of the exit workflow, monitoring opened or closed, a return to
// poverty. Written by the poverty workflow only, never edited; the status on any date is the
// toStatus of the household's last change on or before it.
type PovertyStatusChange struct{ ent.Schema }

func (PovertyStatusChange) Mixin() []ent.Mixin {
	return base()
}

func (PovertyStatusChange) Fields() []ent.Field {
	return []ent.Field{
		field.Int("household_id").Immutable().Comment("Household 农户"),
		field.Enum("step").GoType(enum.PovertyStep("")).Annotations(enumType(enum.PovertyStep(""))).Immutable().Comment("What happened 变更步骤"),
		field.Enum("from_status").GoType(enum.PovertyStatus("")).Annotations(enumType(enum.PovertyStatus(""))).Immutable().Comment("Status before the step"),
		field.Enum("to_status").GoType(enum.PovertyStatus("")).Annotations(enumType(enum.PovertyStatus(""))).Immutable().Comment("Status after the step"),
		field.Time("changed_on").SchemaType(dateColumn).Annotations(dateGQL, orderField("CHANGED_ON")).Immutable().Comment("Day the step took effect 日期"),
		field.Enum("risk").GoType(enum.MonitoringRisk("")).Annotations(enumType(enum.MonitoringRisk(""))).Optional().Nillable().Immutable().Comment("Risk, for monitoring steps 监测风险"),
		field.String("reason").Optional().MaxLen(1000).Immutable().Comment("Reason or remarks 理由").Annotations(noFilter),
		field.Int("actor_id").Optional().Nillable().Immutable().Comment("User who took the step").Annotations(hidden),
		field.String("actor_name").Optional().MaxLen(64).Immutable().Comment("Who took the step 经办人"),
		scopeField("township_id", "Township (scope)"),
		scopeField("village_id", "Village (scope)"),
	}
}

func (PovertyStatusChange) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("household", Household.Type).Ref("poverty_history").Field("household_id").Unique().Required().Immutable(),
	}
}

func (PovertyStatusChange) Indexes() []ent.Index {
	return []ent.Index{index.Fields("household_id", "changed_on"), index.Fields("township_id"), index.Fields("village_id")}
}

func (PovertyStatusChange) Annotations() []schema.Annotation {
	return append(listed(false),
		scope.Of(
			scope.Inherits(Household.Type),
			scope.Hierarchy(),
			scope.Reach(scope.Paired, "household_id", scope.ActivelyPairedHouseholds),
			scope.Reach(scope.Department, "village_id", scope.LinkedVillages),
			scope.Reach(scope.Department, "household_id", scope.DepartmentHouseholds),
		),
		schema.Comment("PovertyStatusChange 贫困状态变更记录: one dated step of a household's poverty history, written by the poverty workflow, never edited."))
}
