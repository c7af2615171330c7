package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/nanpiao/sbqw/ent/schema/scope"
)

// Village 行政村. Reference data. Its township_id is also its scope column.
type Village struct{ ent.Schema }

func (Village) Mixin() []ent.Mixin { return base() }

func (Village) Fields() []ent.Field {
	return []ent.Field{
		field.Int("township_id").Immutable().Comment("Township the village belongs to 所属乡镇"),
		divisionCodeField(),
		nameField("Village name 村名称"),
		field.Bool("poor_village").Default(false).Comment("Registered poor village 贫困村"),
		field.Bool("weak_organization").Default(false).Comment("Listed as a weak and lax village party organisation 软弱涣散村党组织"),
	}
}

func (Village) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("township", Township.Type).Ref("villages").Field("township_id").Unique().Required().Immutable(),
		edge.To("households", Household.Type).Annotations(connection...).Comment("Households 农户"),
		edge.To("party_members", PartyMember.Type).Annotations(connection...).Comment("Party members whose home village this is 党员"),
		edge.To("party_organizations", PartyOrganization.Type).Annotations(connection...).Comment("Village party organisations 村党组织"),
		edge.To("department_links", DepartmentVillageLink.Type).Annotations(childList...).Comment("Departments linked to the village, by year 部门联村"),
		edge.To("rectifications", Rectification.Type).Annotations(connection...).Comment("Rectifications of the village 整顿"),
		edge.To("assessments", Assessment.Type).Annotations(connection...).Comment("Assessments of the village and its secretary 考核"),
		edge.To("teams", Team.Type).Annotations(connection...).Comment("Village-level party member teams 党员团队"),
		edge.To("demo_projects", DemoProject.Type).Annotations(connection...).Comment("Demonstration projects whose subject is this village"),
	}
}

func (Village) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("code", "delete_token").Unique(),
		// A township's villages in code order (the nested read) without scanning every village of
		// a province-scale load; SQLite does not index foreign keys by itself.
		index.Fields("township_id", "code"),
	}
}

func (Village) Hooks() []ent.Hook {
	return []ent.Hook{
		refuseDeleteWhileUsed(
			dependent{"households", "village_id", "households"},
			dependent{"party_members", "village_id", "party members"},
			dependent{"party_organizations", "village_id", "party organisations"},
			dependent{"department_village_links", "village_id", "department links"},
			dependent{"rectifications", "village_id", "rectifications"},
			dependent{"assessments", "village_id", "assessments"},
			dependent{"teams", "village_id", "teams"},
			dependent{"demo_projects", "village_id", "demo projects"},
		),
	}
}

func (Village) Annotations() []schema.Annotation {
	return append(listed(true),
		scope.Of(),
		schema.Comment("Village 行政村. Reference data. Its township_id is also its scope column."))
}
