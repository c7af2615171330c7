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

// PartyOrganization 党组织: a party committee, general branch or branch of a township, a village,
// a district department or a non-public enterprise or social organisation (两新组织) under a
// township. Its members take their scope columns from it. Reference data.
type PartyOrganization struct{ ent.Schema }

func (PartyOrganization) Mixin() []ent.Mixin {
	return base()
}

func (PartyOrganization) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").NotEmpty().MaxLen(64).Comment("Organisation name 党组织名称").Annotations(orderField("NAME")),
		field.Enum("kind").GoType(enum.OrganizationKind("")).Annotations(enumType(enum.OrganizationKind(""))).Comment("Committee, general branch or branch 党组织类别"),
		field.Enum("owner").GoType(enum.OrganizationOwner("")).Annotations(enumType(enum.OrganizationOwner(""))).
			Default(string(enum.OwnerTownship)).Immutable().
			Comment("What the organisation belongs to: a village, a township, a department or a non-public enterprise or social organisation (两新组织, under a township) 隶属; derived from villageID and departmentID when not given"),
		field.Int("township_id").Optional().Immutable().Comment("Township the organisation belongs to; a village's and a 两新 organisation's too").
			Annotations(scope.Inherited()),
		field.Int("village_id").Optional().Immutable().Comment("Village, for a village organisation"),
		field.Int("department_id").Optional().Immutable().Comment("Department, for a department's organisation"),
	}
}

func (PartyOrganization) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("township", Township.Type).Ref("party_organizations").Field("township_id").Unique().Immutable(),
		edge.From("village", Village.Type).Ref("party_organizations").Field("village_id").Unique().Immutable(),
		edge.From("department", Department.Type).Ref("party_organizations").Field("department_id").Unique().Immutable(),
		edge.To("members", PartyMember.Type).Annotations(connection...).Comment("Members whose organisation this is 所属党员"),
		edge.To("posts", Post.Type).Annotations(childList...).Comment("Posts held in the organisation 任职"),
	}
}

func (PartyOrganization) Indexes() []ent.Index {
	return []ent.Index{index.Fields("township_id"), index.Fields("village_id"), index.Fields("department_id")}
}

func (PartyOrganization) Hooks() []ent.Hook {
	return []ent.Hook{
		requireOneOf("township_id", "village_id", "department_id"),
		organizationOwner(),
		refuseDeleteWhileUsed(
			dependent{"party_members", "organization_id", "members"},
			dependent{"posts", "organization_id", "posts"},
		),
	}
}

func (PartyOrganization) Annotations() []schema.Annotation {
	return append(listed(true),
		scope.Of(
			scope.Inherits(Village.Type),
		),
		schema.Comment("PartyOrganization 党组织: a party committee, general branch or branch of a township, a village, a district department or a non-public enterprise or social organisation (两新组织) under a township; owner says which. Its members take their township, village and department from it. Reference data."))
}
