package schema

import (
	"regexp"

	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/nanpiao/sbqw/ent/schema/scope"
)

// TrustedDocument 已登记的操作: a GraphQL document the district registered so that clients can
// run it by its hash (`documentId: "sha256:<hash>"`). An API key flagged trustedDocumentsOnly may
// run nothing else. The text never changes: a changed operation is a new registration, and an
// old one is withdrawn by deleting it.
type TrustedDocument struct{ ent.Schema }

func (TrustedDocument) Mixin() []ent.Mixin { return base() }

var sha256Hex = regexp.MustCompile(`^[0-9a-f]{64}$`)

func (TrustedDocument) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").NotEmpty().MaxLen(128).Immutable().
			Comment("What the document is for, e.g. the integration and operation 名称").
			Annotations(orderField("NAME")),
		field.String("hash").MaxLen(64).Match(sha256Hex).Immutable().
			Comment("SHA-256 of the document text, lower-case hex; run it with documentId \"sha256:<hash>\" 文档哈希").
			Annotations(notSettable),
		field.Text("document").NotEmpty().MaxLen(100_000).Immutable().
			Comment("The GraphQL document, exactly as registered 文档").
			Annotations(noFilter),
	}
}

func (TrustedDocument) Indexes() []ent.Index {
	return []ent.Index{index.Fields("hash", "delete_token").Unique()}
}

// Annotations: besides the GraphQL ones, the ID range is given explicitly. ent's global-ID
// ranges file still lists a phantom "reference_mixins" table at range 31, and ent hands the next
// new type the range after the highest *current* type — 31 again — and then refuses the clash.
// Range 32 is the first free one.
func (TrustedDocument) Annotations() []schema.Annotation {
	return append(nested(false),
		scope.Of(),
		entsql.IncrementStart(32<<32))
}
