package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"

	"github.com/nanpiao/sbqw/ent/schema/scope"
)

// Setting holds platform state that must survive restarts, e.g. the marker that the demo
// district finished loading.
type Setting struct{ ent.Schema }

func (Setting) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}, AuthzMixin{}} }

func (Setting) Fields() []ent.Field {
	return []ent.Field{
		field.String("key").MaxLen(64).Unique().Immutable(),
		field.String("value").MaxLen(1000),
	}
}

func (Setting) Annotations() []schema.Annotation {
	return []schema.Annotation{
		scope.Of(
			scope.NoCheckAfterWrite(),
		),
		hidden, schema.Comment("Setting holds platform state that must survive restarts, e.g. the marker that the demo district finished loading.")}
}
