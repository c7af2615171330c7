package schema

import (
	"reflect"
	"regexp"
	"time"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect"
	"entgo.io/ent/schema/field"

	"github.com/nanpiao/sbqw/ent/schema/scope"
)

// Field helpers shared by the entity schemas. Each says once how a kind of column is stored and
// exposed, so that every entity spells it the same way.

// enumType names the GraphQL enum of a vocabulary from package enum after its Go type, so that
// one vocabulary is one GraphQL enum wherever it is used.
func enumType(v any) entgql.Annotation { return entgql.Type(reflect.TypeOf(v).Name()) }

// dateColumn stores a calendar date (no time of day) in a DATE column; dateGQL exposes it as
// the Date scalar.
var (
	dateColumn = map[string]string{dialect.MySQL: "date", dialect.SQLite: "date"}
	dateGQL    = entgql.Type("Date")
)

// instantColumn keeps points in time in UTC with microseconds on MySQL (ent's default TIMESTAMP
// cannot hold dates outside 1970–2038).
var instantColumn = map[string]string{dialect.MySQL: "datetime(6)"}

var divisionCode = regexp.MustCompile(`^[0-9]{12}$`)

// divisionCodeField declares a 12-digit statistical division code (统计用区划代码).
func divisionCodeField() ent.Field {
	return field.String("code").MaxLen(12).Match(divisionCode).
		Comment("12-digit statistical division code (统计用区划代码)").
		Annotations(entgql.OrderField("CODE"))
}

// nameField declares a display name: required, trimmed length 1..64, orderable.
func nameField(comment string) ent.Field {
	return field.String("name").NotEmpty().MaxLen(64).Comment(comment).
		Annotations(entgql.OrderField("NAME"))
}

// scopeField declares a denormalised scope column (township_id, village_id, cadre_id, …): copied
// from the parent row when the row is created, never changed by an update (only an explicit,
// audited move rewrites it), indexed, and not part of the GraphQL API. The authorization layer
// filters on these columns so that a scope check is one indexed comparison, never a join.
func scopeField(name, comment string) ent.Field {
	return field.Int(name).Optional().Immutable().Comment(comment).
		Annotations(entgql.Skip(entgql.SkipAll), scope.Inherited())
}

// hidden marks a stored column the API never shows or accepts.
var hidden = entgql.Skip(entgql.SkipAll)

// notSettable keeps a column out of the generated create/update inputs (derived or workflow-owned).
var notSettable = entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)

// noFilter keeps a column out of where filters and ordering: sensitive values must not become an
// oracle, and free text is not a useful key.
var noFilter = entgql.Skip(entgql.SkipWhereInput, entgql.SkipOrderField)

// sensitiveFields declares a personal value (ID number, phone) as three columns. The first
// takes the plaintext in the create and update inputs and is left empty when stored: a masked
// form kept in clear (first six and last four digits) plus the birth year would narrow an ID
// number down to a handful, so the masked form is worked out from the sealed value at read time
// (the GraphQL field of the same name has a resolver, graph/people.go). The sealed plaintext is
// AES-GCM with the data key; a keyed blind index serves exact lookups and duplicate checks.
// Hooks fill the last two and empty the first.
func sensitiveFields(name, comment string, optional bool) []ent.Field {
	masked := field.String(name).MaxLen(32).Comment(comment+" — the plaintext, sealed when stored; reads return the masked form, plaintext only through revealSensitive").
		Annotations(noFilter, entgql.Skip(entgql.SkipType))
	sealed := field.String(name + "_sealed").MaxLen(255).Sensitive().Annotations(hidden)
	index := field.String(name + "_index").MaxLen(64).Sensitive().Annotations(hidden)
	if optional {
		masked, sealed, index = masked.Optional(), sealed.Optional(), index.Optional()
	}
	return []ent.Field{masked, sealed, index}
}

// now is the clock used by defaults; a variable so tests of time rules can pin it.
var now = func() time.Time { return time.Now().UTC() }

// orderField makes a column a choice of orderBy.
func orderField(name string) entgql.Annotation { return entgql.OrderField(name) }
