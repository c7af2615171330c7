package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/mixin"

	"github.com/nanpiao/sbqw/authz"
	"github.com/nanpiao/sbqw/ent/privacy"
)

// AuthzMixin attaches the authorization layer to an entity: the privacy policy (reads filtered
// to the caller's scope in SQL, writes refused to roles without the permission — deny by
// default, and nothing at all without a caller), the write-scope checks and the audit trail.
// Every entity uses it; TestEveryTypeDeniesACallerlessQuery fails on one that does not.
type AuthzMixin struct{ mixin.Schema }

func (AuthzMixin) Policy() ent.Policy {
	return privacy.Policy{Query: authz.QueryPolicy(), Mutation: authz.MutationPolicy()}
}

func (AuthzMixin) Hooks() []ent.Hook {
	return []ent.Hook{authz.WriteScopeHook(), authz.AuditHook()}
}
