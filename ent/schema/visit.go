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

// Visit 走访: a paired cadre's visit to the household — when, on what occasion, how, and what
// was heard.
type Visit struct{ ent.Schema }

func (Visit) Mixin() []ent.Mixin {
	return base()
}

func (Visit) Fields() []ent.Field {
	return []ent.Field{
		field.Int("pairing_id").Immutable().Comment("Pairing the visit belongs to 结对"),
		field.Time("visited_at").SchemaType(instantColumn).Comment("When the visit took place 走访时间").Annotations(orderField("VISITED_AT")),
		field.Enum("occasion").GoType(enum.VisitOccasion("")).Annotations(enumType(enum.VisitOccasion(""))).Comment("Occasion 走访时机").Default("ROUTINE"),
		field.Enum("mode").GoType(enum.VisitMode("")).Annotations(enumType(enum.VisitMode(""))).Comment("How the cadre was in touch 走访方式").Default("HOME_VISIT"),
		field.Text("notes").Optional().MaxLen(4000).Comment("What was seen and done 走访情况").Annotations(noFilter),
		field.Text("heard").Optional().MaxLen(4000).Comment("What the household asked for or worried about 听取的诉求与意见").Annotations(noFilter),
		field.String("idempotency_key").Optional().MaxLen(64).Comment("Client-chosen key: a retried create with the same key returns the first visit").
			Annotations(hidden),
		scopeField("township_id", "Township (scope)"),
		scopeField("village_id", "Village (scope)"),
		scopeField("household_id", "Household (scope)"),
		scopeField("cadre_id", "Cadre (scope)"),
		scopeField("department_id", "Department of the cadre (scope)"),
	}
}

func (Visit) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("pairing", Pairing.Type).Ref("visits").Field("pairing_id").Unique().Required().Immutable(),
		edge.To("demands", Demand.Type).Annotations(childList...).Comment("Demands recorded during the visit 走访中登记的诉求"),
		edge.To("attachments", Attachment.Type).Annotations(ownerEdge).Comment("Photos and documents 附件"),
	}
}

func (Visit) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("pairing_id", "visited_at"),
		index.Fields("cadre_id", "visited_at"),
		index.Fields("township_id"),
		index.Fields("village_id"),
		index.Fields("department_id"),
		index.Fields("household_id"),
		index.Fields("cadre_id", "idempotency_key", "delete_token").Unique(),
	}
}

func (Visit) Hooks() []ent.Hook {
	return []ent.Hook{
		workflow.VisitRules(),
		refuseDeleteWhileUsed(dependent{"demands", "visit_id", "demands"}),
	}
}

func (Visit) Annotations() []schema.Annotation {
	return append(listed(true),
		scope.Of(
			scope.Inherits(Pairing.Type),
			scope.Hierarchy(),
			scope.Reach(scope.Paired, "pairing_id", scope.ActivePairings),
			scope.Reach(scope.Department, "department_id", scope.Unit),
		),
		schema.Comment("Visit 走访: a paired cadre's visit to the household — when, on what occasion, how, and what was heard."))
}
