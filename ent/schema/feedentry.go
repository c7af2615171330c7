package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/nanpiao/sbqw/ent/schema/scope"
)

// FeedEntry 变更记录: one create, update or delete of a record, for the change feed
// (`changes`, feed/). Written in the same transaction as the change, without a position: the
// sequencer (feed.Sequence) gives committed entries their position shortly after, in the
// order it finds them committed, so a reader that moved past a position never sees an entry
// appear before it later. Readers see only entries with a position. The township lets a cache
// of per-township figures (stats.ReportCache) tell which townships changed after a position.
type FeedEntry struct{ ent.Schema }

// FeedEntry has no timestamps mixin (`at` and `committed_at` are its times) and no soft delete:
// entries are only ever given their position.
func (FeedEntry) Mixin() []ent.Mixin { return []ent.Mixin{AuthzMixin{}} }

func (FeedEntry) Fields() []ent.Field {
	return []ent.Field{
		field.Int64("seq").Optional().Nillable().Comment("Position in the feed, set once by the sequencer after commit"),
		field.String("record_type").MaxLen(64).Immutable().Comment("Type of the record, as in __typename"),
		field.Int("record_id").Immutable().Comment("Global ID of the record"),
		field.Int("township_id").Optional().Nillable().Immutable().
			Comment("Township of the record when the entry was written; NULL for a record of no township and for a scope rewrite (a move concerns two townships)"),
		field.Enum("op").Values("CREATED", "UPDATED", "DELETED").Immutable(),
		field.Time("at").SchemaType(instantColumn).Default(now).Immutable().Comment("When the change was written (not its commit)"),
		field.Time("committed_at").SchemaType(instantColumn).Optional().Nillable().Comment("When the sequencer found it committed"),
	}
}

func (FeedEntry) Indexes() []ent.Index {
	return []ent.Index{index.Fields("seq").Unique(), index.Fields("record_type", "record_id"), index.Fields("at")}
}

func (FeedEntry) Annotations() []schema.Annotation {
	return []schema.Annotation{
		scope.Of(
			scope.NoCheckAfterWrite(),
		),
		hidden, schema.Comment("FeedEntry 变更记录: one create, update or delete of a record, for the change feed; positioned by the sequencer after commit.")}
}
