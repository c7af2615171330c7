package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/index"
)

// District 区: the top of the hierarchy (Nanpiao District). Reference data.
type District struct{ ent.Schema }

func (District) Mixin() []ent.Mixin { return base() }

func (District) Fields() []ent.Field {
	return []ent.Field{
		divisionCodeField(),
		nameField("District name 区名称"),
	}
}

func (District) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("townships", Township.Type).Annotations(childList...).Comment("Townships and subdistricts of the district 下辖乡镇街道"),
	}
}

func (District) Indexes() []ent.Index {
	return []ent.Index{index.Fields("code", "delete_token").Unique()}
}

func (District) Hooks() []ent.Hook {
	return []ent.Hook{
		refuseDeleteWhileUsed(dependent{"townships", "district_id", "townships"}),
	}
}

func (District) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Mutations(entgql.MutationUpdate())}
}
