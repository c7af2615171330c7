package schema

import (
	"context"

	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/nanpiao/sbqw/apperr"
	"github.com/nanpiao/sbqw/ent/schema/enum"
	"github.com/nanpiao/sbqw/ent/schema/scope"
)

// RoleBinding 角色授权: a user holds a role at a unit (township, village, department or cadre;
// none for DISTRICT and AUDITOR) between two dates. The only source of where a user stands.
type RoleBinding struct{ ent.Schema }

func (RoleBinding) Mixin() []ent.Mixin {
	return base()
}

func (RoleBinding) Fields() []ent.Field {
	return []ent.Field{
		field.Int("user_id").Immutable(),
		field.Enum("role").GoType(enum.Role("")).Annotations(enumType(enum.Role(""))).Comment("Role 角色").Immutable(),
		field.Int("township_id").Optional().Nillable().Immutable().Comment("Township, for TOWNSHIP (and the village's, for VILLAGE_SECRETARY)").
			Annotations(scope.Inherited()),
		field.Int("village_id").Optional().Nillable().Immutable().Comment("Village, for VILLAGE_SECRETARY"),
		field.Int("department_id").Optional().Nillable().Immutable().Comment("Department, for DEPARTMENT (and the cadre's, for CADRE)").
			Annotations(scope.Inherited()),
		field.Int("cadre_id").Optional().Nillable().Immutable().Comment("Cadre, for CADRE"),
		field.Time("valid_from").SchemaType(dateColumn).Annotations(dateGQL).Comment("First day the binding is in force 生效日期"),
		field.Time("valid_to").SchemaType(dateColumn).Annotations(dateGQL).Comment("Last day the binding is in force; empty for open-ended 失效日期").Optional().Nillable(),
	}
}

func (RoleBinding) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("user", User.Type).Ref("role_bindings").Field("user_id").Unique().Required().Immutable(),
		edge.To("township", Township.Type).Field("township_id").Unique().Immutable(),
		edge.To("village", Village.Type).Field("village_id").Unique().Immutable(),
		edge.To("department", Department.Type).Field("department_id").Unique().Immutable(),
		edge.To("cadre", Cadre.Type).Field("cadre_id").Unique().Immutable(),
	}
}

func (RoleBinding) Indexes() []ent.Index {
	return []ent.Index{index.Fields("user_id"), index.Fields("township_id"), index.Fields("department_id")}
}

func (RoleBinding) Hooks() []ent.Hook {
	return []ent.Hook{endNotBeforeStart("valid_from", "valid_to"), unitMatchesRole}
}

// units says, per role, which unit a binding must name and which it may carry besides (filled
// from that unit: a village's township, a cadre's department).
var units = map[enum.Role]struct{ required, allowed string }{
	enum.RoleDistrict:         {},
	enum.RoleAuditor:          {},
	enum.RolePovertyOffice:    {},
	enum.RoleTownship:         {required: "township_id"},
	enum.RoleVillageSecretary: {required: "village_id", allowed: "township_id"},
	enum.RoleCadre:            {required: "cadre_id", allowed: "department_id"},
	enum.RoleDepartment:       {required: "department_id"},
}

// unitMatchesRole: a binding names exactly the unit its role is bound to.
var unitMatchesRole = onWrite(func(_ context.Context, m ent.Mutation) error {
	if !m.Op().Is(ent.OpCreate) {
		return nil
	}
	r, _ := m.Field("role")
	role, _ := r.(enum.Role)
	u := units[role]
	for _, f := range []string{"township_id", "village_id", "department_id", "cadre_id"} {
		_, set := m.Field(f)
		switch {
		case f == u.required && !set:
			return apperr.Invalid(gqlName(f), "a %s binding needs %s (该角色须指定%s)", role, gqlName(f), gqlName(f))
		case set && f != u.required && f != u.allowed:
			return apperr.Invalid(gqlName(f), "a %s binding does not take %s (该角色不应指定%s)", role, gqlName(f), gqlName(f))
		}
	}
	return nil
})

func (RoleBinding) Annotations() []schema.Annotation {
	return append(nested(false),
		scope.Of(
			scope.Inherits(Village.Type),
			scope.Inherits(Cadre.Type),
			scope.Reach(scope.Township, "township_id", scope.BoundHere),
			scope.Reach(scope.Self, "user_id", scope.Caller),
			scope.Reach(scope.Department, "user_id", scope.Caller),
			scope.Reach(scope.Department, "department_id", scope.BoundHere),
			scope.ManageReach(scope.Township, "user_id", scope.ManagedBindings),
			scope.ManageReach(scope.Department, "user_id", scope.ManagedBindings),
		),
		schema.Comment("RoleBinding 角色授权: a user holds a role at a unit (township, village, department or cadre; none for DISTRICT and AUDITOR) between two dates. The only source of where a user stands."))
}
