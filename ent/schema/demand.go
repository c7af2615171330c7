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

// Demand 诉求: something a household needs solved. It moves REGISTERED → ACCEPTED → ASSIGNED (to
// a department) → RESOLVED → FOLLOWED_UP → CLOSED, or to REJECTED with a reason; every step is a
// DemandEvent.
type Demand struct{ ent.Schema }

func (Demand) Mixin() []ent.Mixin {
	return base()
}

func (Demand) Fields() []ent.Field {
	return []ent.Field{
		field.Int("household_id").Immutable().Comment("Household that raised the demand 诉求农户"),
		field.Int("visit_id").Optional().Nillable().Immutable().Comment("Visit during which it was heard 走访"),
		field.Enum("category").GoType(enum.DemandCategory("")).Annotations(enumType(enum.DemandCategory(""))).Comment("Category 诉求类别").Annotations(orderField("CATEGORY")),
		field.Text("content").NotEmpty().MaxLen(4000).Comment("What the household asks for 诉求内容").Annotations(noFilter),
		field.Enum("status").GoType(enum.DemandStatus("")).Annotations(enumType(enum.DemandStatus(""))).Comment("Where the demand stands 办理状态").Default("REGISTERED").
			Annotations(notSettable, orderField("STATUS")),
		field.Time("due_on").SchemaType(dateColumn).Annotations(dateGQL).Comment("Deadline for the current step 办理时限").Optional().Nillable().Annotations(orderField("DUE_ON")),
		field.Int("department_id").Optional().Nillable().Comment("Department the demand is assigned to 承办部门").Annotations(notSettable),
		field.Enum("satisfaction").GoType(enum.Satisfaction("")).Annotations(enumType(enum.Satisfaction(""))).Comment("Household's satisfaction at follow-up 回访满意度").Optional().Nillable().Annotations(notSettable),
		field.Time("closed_at").SchemaType(instantColumn).Comment("When the demand was closed or rejected 办结时间").Optional().Nillable().Annotations(notSettable),
		field.String("idempotency_key").Optional().MaxLen(64).Annotations(hidden),
		field.Int("created_by").Optional().Comment("User who registered the demand").Annotations(hidden),
		scopeField("township_id", "Township (scope)"),
		scopeField("village_id", "Village (scope)"),
	}
}

func (Demand) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("household", Household.Type).Ref("demands").Field("household_id").Unique().Required().Immutable(),
		edge.From("visit", Visit.Type).Ref("demands").Field("visit_id").Unique().Immutable(),
		edge.From("department", Department.Type).Ref("demands").Field("department_id").Unique().Annotations(notSettable),
		edge.From("assisting_departments", Department.Type).Ref("assisted_demands").Annotations(childList...).
			Comment("Departments helping the lead department, set by the township 协办部门"),
		edge.To("events", DemandEvent.Type).Annotations(childList...).Comment("Every step taken, oldest first 办理记录"),
		edge.To("attachments", Attachment.Type).Annotations(ownerEdge).Comment("Photos and documents 附件"),
	}
}

func (Demand) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("household_id"),
		index.Fields("township_id", "status"),
		index.Fields("village_id", "status"),
		index.Fields("department_id", "status"),
		index.Fields("created_by", "idempotency_key", "delete_token").Unique(),
	}
}

func (Demand) Hooks() []ent.Hook { return []ent.Hook{workflow.DemandRules()} }

func (Demand) Annotations() []schema.Annotation {
	return append(listed(true),
		scope.Of(
			scope.Inherits(Household.Type),
			scope.Hierarchy(),
			scope.Reach(scope.Paired, "household_id", scope.ActivelyPairedHouseholds),
			scope.Reach(scope.Department, "department_id", scope.Unit),
			scope.Reach(scope.Department, "id", scope.AssistedDemands),
			// Acting on a demand is for the lead department alone; assisting departments read it
			// and record their part (workflow.AssistDemand checks they are among the assistants).
			scope.ManageReach(scope.Township, "township_id", scope.Unit),
			scope.ManageReach(scope.Village, "village_id", scope.Unit),
			scope.ManageReach(scope.Paired, "household_id", scope.ActivelyPairedHouseholds),
			scope.ManageReach(scope.Department, "department_id", scope.Unit),
		),
		schema.Comment("Demand 诉求: something a household needs solved. It moves REGISTERED → ACCEPTED → ASSIGNED (to a department) → RESOLVED → FOLLOWED_UP → CLOSED, or to REJECTED with a reason; every step is a DemandEvent."))
}
