package schema

import (
	"context"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/index"
	"github.com/nanpiao/sbqw/apperr"
	"github.com/nanpiao/sbqw/authz"
	"github.com/nanpiao/sbqw/ent/schema/scope"
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
		onlyOneDistrict,
		refuseDeleteWhileUsed(dependent{"townships", "district_id", "townships"}),
	}
}

func (District) Annotations() []schema.Annotation {
	return []schema.Annotation{
		scope.Of(),
		entgql.Mutations(entgql.MutationCreate(), entgql.MutationUpdate()), schema.Comment("District 区: the top of the hierarchy (Nanpiao District). Reference data.")}
}

// onlyOneDistrict: the platform serves one district; a second is refused.
var onlyOneDistrict = onWrite(func(ctx context.Context, m ent.Mutation) error {
	if !m.Op().Is(ent.OpCreate) {
		return nil
	}
	n, err := m.(sealerMutation).Client().District.Query().Count(authz.Bypass(ctx, "one district"))
	if err != nil {
		return err
	}
	if n > 0 {
		return apperr.Conflictf("the district already exists (区已存在)")
	}
	return nil
})
