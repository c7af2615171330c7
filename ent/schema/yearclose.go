package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/nanpiao/sbqw/ent/schema/scope"
)

// YearClose 年度关账: one row per programme year that has ever been closed or written to. While
// `closed` is set, the records of that year are locked (see yearlock.go). Writers read the row
// with a shared lock in their transaction and closeYear takes it for update, so a write into a
// year and the close of that year serialise. Written by the year-close workflow only.
type YearClose struct{ ent.Schema }

func (YearClose) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}, AuthzMixin{}} }

func (YearClose) Fields() []ent.Field {
	return []ent.Field{
		field.Int("year").Range(2000, 2100).Unique().Immutable().Comment("Programme year 年度"),
		field.Bool("closed").Default(false).Comment("The year is closed 已关账"),
		field.Int("close_count").Default(0).NonNegative().Comment("How many times the year was closed"),
		field.Time("closed_at").SchemaType(instantColumn).Optional().Nillable().Comment("When it was last closed"),
		field.String("closed_by").Optional().MaxLen(48).Comment("Who last closed it"),
	}
}

func (YearClose) Annotations() []schema.Annotation {
	return []schema.Annotation{
		scope.Of(scope.NoCheckAfterWrite()),
		hidden,
		entsql.IncrementStart(37 << 32),
		schema.Comment("YearClose 年度关账: one row per programme year; closed years lock their records."),
	}
}

// ClosedReport 年度报表快照: the district's or one township's report of a closed year, frozen
// when the year was closed — the canonical JSON and the XLSX workbook exactly as built then,
// each with its SHA-256. Never changed afterwards except to mark it superseded when the year
// is reopened; a later close adds new rows (close_seq + 1).
type ClosedReport struct{ ent.Schema }

func (ClosedReport) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}, AuthzMixin{}} }

var blobColumn = map[string]string{dialect.MySQL: "longblob"}

func (ClosedReport) Fields() []ent.Field {
	return []ent.Field{
		field.Int("year").Range(2000, 2100).Immutable().Comment("Programme year 年度"),
		field.Int("township_id").Optional().Nillable().Immutable().Comment("Township of the report; empty for the district report"),
		field.Int("close_seq").Positive().Immutable().Comment("Which close of the year made it (1 for the first)"),
		field.Bytes("json").SchemaType(blobColumn).Immutable().Comment("Canonical JSON of the report"),
		field.String("json_sha256").MaxLen(64).Immutable(),
		field.Bytes("xlsx").SchemaType(blobColumn).Immutable().Comment("XLSX workbook of the report"),
		field.String("xlsx_sha256").MaxLen(64).Immutable(),
		field.Time("closed_at").SchemaType(instantColumn).Immutable(),
		field.String("closed_by").MaxLen(48).Immutable(),
		field.Time("superseded_at").SchemaType(instantColumn).Optional().Nillable().Comment("When the year was reopened after this close"),
	}
}

func (ClosedReport) Indexes() []ent.Index {
	return []ent.Index{index.Fields("year", "township_id", "close_seq"), index.Fields("township_id")}
}

func (ClosedReport) Annotations() []schema.Annotation {
	return []schema.Annotation{
		scope.Of(
			scope.Reach(scope.Township, "township_id", scope.Unit),
			scope.NoCheckAfterWrite(),
		),
		hidden,
		entsql.IncrementStart(38 << 32),
		schema.Comment("ClosedReport 年度报表快照: a closed year's frozen report (JSON and XLSX, SHA-256 stamped)."),
	}
}

// Hooks keep a snapshot immutable: only superseded_at may ever be set, and nothing is deleted.
func (ClosedReport) Hooks() []ent.Hook {
	return []ent.Hook{snapshotImmutable}
}
