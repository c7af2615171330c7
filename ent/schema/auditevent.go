package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/nanpiao/sbqw/ent/schema/scope"
)

// AuditEvent 审计记录 (append-only): who did what to which record, written in the same
// transaction as the change. Never holds plaintext personal data: changed fields are listed by
// name only.
type AuditEvent struct{ ent.Schema }

// AuditEvent has no timestamps mixin (`at` is its time) and no soft delete: it is never changed.
func (AuditEvent) Mixin() []ent.Mixin { return []ent.Mixin{AuthzMixin{}} }

// Hooks refuse every change to a written event, whoever asks.
func (AuditEvent) Hooks() []ent.Hook { return []ent.Hook{appendOnly} }

func (AuditEvent) Fields() []ent.Field {
	return []ent.Field{
		field.Time("at").SchemaType(instantColumn).Comment("When it happened 时间").Default(now).Immutable().Annotations(orderField("AT")),
		field.Int("user_id").Optional().Nillable().Immutable().Comment("Acting user; empty for the system"),
		field.String("username").MaxLen(48).Immutable().Comment("Acting user's name, or system:<job> 操作人"),
		field.String("role").MaxLen(64).Immutable().Comment("Roles the actor held 角色"),
		field.String("action").MaxLen(64).Immutable().Comment("What was done, e.g. household.update, login, revealSensitive 操作"),
		field.String("entity").Optional().MaxLen(64).Immutable().Comment("Type of the record 对象类型"),
		field.Int("entity_id").Optional().Nillable().Immutable().Comment("Raw ID of the record"),
		field.Strings("changed_fields").Optional().Immutable().Comment("Names of the fields changed 变更字段"),
		field.String("detail").Optional().MaxLen(1000).Immutable().Comment("Non-personal detail, e.g. the reason given for a reveal 说明").Annotations(noFilter),
		field.String("request_id").Optional().MaxLen(64).Immutable().Comment("Request that caused it"),
		field.String("client_address").Optional().MaxLen(64).Immutable(),
		scopeField("township_id", "Township of the record, when it has one (scope)"),
		scopeField("village_id", "Village of the record, when it has one (scope)"),
		// The hash chain (authz/auditchain.go): set once by the chain sealer shortly after the
		// event commits, in the order the sealer finds events; unique, so two sealers cannot
		// both extend the chain from one link.
		field.Int64("chain_seq").Optional().Nillable().Comment("Position in the hash chain").Annotations(hidden),
		field.String("prev_hash").Optional().MaxLen(64).Comment("Hash of the previous link").Annotations(hidden),
		field.String("hash").Optional().MaxLen(64).Comment("SHA-256 of the previous hash and this event").Annotations(hidden),
	}
}

func (AuditEvent) Indexes() []ent.Index {
	return []ent.Index{index.Fields("at"), index.Fields("entity", "entity_id"), index.Fields("user_id", "at"), index.Fields("township_id"), index.Fields("chain_seq").Unique()}
}

func (AuditEvent) Annotations() []schema.Annotation {
	return append(listed(false),
		scope.Of(
			scope.NoCheckAfterWrite(),
		),
		schema.Comment("AuditEvent 审计记录 (append-only): who did what to which record, written in the same transaction as the change. Never holds plaintext personal data: changed fields are listed by name only."))
}
