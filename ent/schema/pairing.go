package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
	"github.com/nanpiao/sbqw/ent/schema/scope"
	"github.com/nanpiao/sbqw/workflow"
)

// Pairing 结对帮扶: a cadre paired with a needy household, from a date until released.
type Pairing struct{ ent.Schema }

func (Pairing) Mixin() []ent.Mixin {
	return base()
}

func (Pairing) Fields() []ent.Field {
	return []ent.Field{
		field.Int("cadre_id").Immutable().Comment("Paired cadre 帮扶干部"),
		field.Int("household_id").Immutable().Comment("Paired household 帮扶对象"),
		field.Time("start_on").SchemaType(dateColumn).Annotations(dateGQL).Comment("First day of the pairing 结对日期").Annotations(orderField("START_ON")),
		field.Time("end_on").SchemaType(dateColumn).Annotations(dateGQL).Comment("Day the pairing was released 解除日期").Optional().Nillable().Annotations(notSettable),
		field.Bool("active").Default(true).Comment("Whether the pairing is in force 是否有效").Annotations(notSettable),
		field.String("release_reason").Optional().MaxLen(255).Comment("Why the pairing was released 解除原因").Annotations(notSettable),
		scopeField("township_id", "Township of the household (scope)"),
		scopeField("village_id", "Village of the household (scope)"),
		scopeField("department_id", "Department of the cadre (scope)"),
	}
}

func (Pairing) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("cadre", Cadre.Type).Ref("pairings").Field("cadre_id").Unique().Required().Immutable(),
		edge.From("household", Household.Type).Ref("pairings").Field("household_id").Unique().Required().Immutable(),
		edge.To("visits", Visit.Type).Annotations(connection...).Comment("Visits made under the pairing 走访记录"),
	}
}

func (Pairing) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("cadre_id", "active"),
		index.Fields("household_id", "active"),
		index.Fields("township_id"),
		index.Fields("village_id"),
		index.Fields("department_id"),
	}
}

func (Pairing) Hooks() []ent.Hook {
	return []ent.Hook{
		workflow.PairingRules(),
		refuseDeleteWhileUsed(dependent{"visits", "pairing_id", "visits"}),
	}
}

func (Pairing) Annotations() []schema.Annotation {
	return append(listed(true),
		scope.Of(
			scope.Inherits(Household.Type),
			scope.Inherits(Cadre.Type),
			scope.Hierarchy(),
			scope.Reach(scope.Paired, "id", scope.ActivePairings),
			scope.Reach(scope.Department, "department_id", scope.Unit),
		),
		schema.Comment("Pairing 结对帮扶: a cadre paired with a needy household, from a date until released."))
}
