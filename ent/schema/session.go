package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/nanpiao/sbqw/ent/schema/scope"
)

// Session 登录会话: one issued bearer token. Logging out or disabling the user revokes it.
type Session struct{ ent.Schema }

func (Session) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}, AuthzMixin{}} }

func (Session) Fields() []ent.Field {
	return []ent.Field{
		field.Int("user_id").Immutable(),
		field.String("token_id").MaxLen(32).Immutable().Sensitive(),
		field.Time("expires_at").SchemaType(instantColumn).Comment("").Immutable(),
		field.Time("revoked_at").SchemaType(instantColumn).Comment("").Optional().Nillable(),
		field.String("client_address").Optional().MaxLen(64),
	}
}

func (Session) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("user", User.Type).Ref("sessions").Field("user_id").Unique().Required().Immutable(),
	}
}

func (Session) Indexes() []ent.Index {
	return []ent.Index{index.Fields("token_id").Unique(), index.Fields("user_id")}
}

func (Session) Annotations() []schema.Annotation {
	return []schema.Annotation{
		scope.Of(
			scope.NoCheckAfterWrite(),
		),
		hidden, schema.Comment("Session 登录会话: one issued bearer token. Logging out or disabling the user revokes it.")}
}
