package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"

	"github.com/nanpiao/sbqw/ent/schema/scope"
)

// SharedState holds what every replica must see alike when no Redis is configured: rate-limit
// buckets, sign-in failure counters and the automatic-persisted-query cache. Package shared
// reads and writes it with single-statement upserts, not through ent; ent only owns the table.
type SharedState struct{ ent.Schema }

func (SharedState) Mixin() []ent.Mixin { return []ent.Mixin{AuthzMixin{}} }

func (SharedState) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").MaxLen(190).Unique().Immutable().Comment("kind prefix and key, e.g. rate:session:…"),
		field.Int64("n").Default(0).Comment("a counter, or a token bucket's theoretical arrival time (Unix ms)"),
		field.Int("ok").Default(0).Comment("whether the last take of a bucket was allowed"),
		field.Int64("expires_at").Default(0).Comment("Unix ms after which the row means nothing and is pruned"),
		field.Text("value").Optional().Nillable().Comment("a cached document (APQ)"),
	}
}

func (SharedState) Annotations() []schema.Annotation {
	return []schema.Annotation{
		scope.Of(
			scope.NoCheckAfterWrite(),
		),
		hidden, schema.Comment("SharedState: state every replica must see alike (rate limits, sign-in throttles, APQ cache).")}
}
