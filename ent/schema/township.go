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

// Township 乡镇/街道. Reference data: every signed-in caller can read it.
type Township struct{ ent.Schema }

func (Township) Mixin() []ent.Mixin { return base() }

func (Township) Fields() []ent.Field {
	return []ent.Field{
		field.Int("district_id").Immutable().Comment("District the township belongs to"),
		divisionCodeField(),
		nameField("Township name 乡镇名称"),
		field.Enum("kind").GoType(enum.TownshipKind("")).Annotations(enumType(enum.TownshipKind(""))).Comment("Town, township or subdistrict 乡镇类型").Default("TOWN"),
	}
}

func (Township) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("district", District.Type).Ref("townships").Field("district_id").Unique().Required().Immutable(),
		edge.To("villages", Village.Type).Annotations(connection...).Comment("Administrative villages 下辖行政村"),
		edge.To("party_organizations", PartyOrganization.Type).Annotations(connection...).Comment("Party organisations at township level 乡镇党组织"),
		edge.To("demo_projects", DemoProject.Type).Annotations(connection...).Comment("Demonstration projects 示范引领工程"),
		edge.To("teams", Team.Type).Annotations(connection...).Comment("Party member teams 党员团队"),
	}
}

func (Township) Indexes() []ent.Index {
	return []ent.Index{index.Fields("code", "delete_token").Unique()}
}

func (Township) Hooks() []ent.Hook {
	return []ent.Hook{
		refuseDeleteWhileUsed(
			dependent{"villages", "township_id", "villages"},
			dependent{"party_organizations", "township_id", "party organisations"},
			dependent{"demo_projects", "township_id", "demo projects"},
			dependent{"teams", "township_id", "teams"},
		),
	}
}

func (Township) Annotations() []schema.Annotation {
	return append(listed(true),
		scope.Of(),
		schema.Comment("Township 乡镇/街道. Reference data: every signed-in caller can read it."))
}
