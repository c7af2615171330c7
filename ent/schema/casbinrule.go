package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/nanpiao/sbqw/ent/schema/scope"
)

// CasbinRule stores the Casbin policy lines (p, role, object, action, scope kind) that district
// admins edit; the authz adapter reads and writes them.
type CasbinRule struct{ ent.Schema }

func (CasbinRule) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}, AuthzMixin{}} }

func (CasbinRule) Fields() []ent.Field {
	f := []ent.Field{field.String("ptype").MaxLen(8)}
	for _, n := range []string{"v0", "v1", "v2", "v3", "v4", "v5"} {
		f = append(f, field.String(n).MaxLen(64).Default(""))
	}
	return f
}

func (CasbinRule) Indexes() []ent.Index {
	return []ent.Index{index.Fields("ptype", "v0", "v1", "v2", "v3", "v4", "v5").Unique()}
}

func (CasbinRule) Annotations() []schema.Annotation {
	return []schema.Annotation{
		scope.Of(
			scope.Object("policy"),
			scope.NoCheckAfterWrite(),
		),
		hidden, schema.Comment("CasbinRule stores the Casbin policy lines (p, role, object, action, scope kind) that district admins edit; the authz adapter reads and writes them.")}
}
