package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/nanpiao/sbqw/ent/schema/scope"
)

// ApiKey API密钥: a long-lived credential for an integration, acting as its user (and so bound
// to that user's roles). Only a hash of the secret is stored; the secret is shown once.
type ApiKey struct{ ent.Schema }

func (ApiKey) Mixin() []ent.Mixin { return base() }

func (ApiKey) Fields() []ent.Field {
	return []ent.Field{
		field.Int("user_id").Immutable(),
		field.String("name").NotEmpty().MaxLen(64).Comment("What the key is for 用途"),
		field.String("prefix").MaxLen(16).Immutable().Comment("First characters of the key, to recognise it 前缀"),
		field.String("secret_hash").Sensitive().Immutable().Annotations(hidden),
		field.Time("expires_at").SchemaType(instantColumn).Comment("When the key stops working 过期时间").Optional().Nillable(),
		field.Time("revoked_at").SchemaType(instantColumn).Comment("When the key was revoked 吊销时间").Optional().Nillable(),
		field.Time("last_used_at").SchemaType(instantColumn).Comment("Last request made with the key").Optional().Nillable(),
		field.Bool("trusted_documents_only").Default(false).Comment("The key may run only registered (persisted) operations 仅允许已登记的操作"),
	}
}

func (ApiKey) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("user", User.Type).Ref("api_keys").Field("user_id").Unique().Required().Immutable(),
	}
}

func (ApiKey) Indexes() []ent.Index {
	return []ent.Index{index.Fields("prefix").Unique(), index.Fields("user_id")}
}

func (ApiKey) Annotations() []schema.Annotation {
	return append(nested(false),
		scope.Of(
			scope.Reach(scope.Self, "user_id", scope.Caller),
		),
		schema.Comment("ApiKey API密钥: a long-lived credential for an integration, acting as its user (and so bound to that user's roles). Only a hash of the secret is stored; the secret is shown once."))
}
