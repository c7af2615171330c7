package schema

import (
	"context"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/nanpiao/sbqw/apperr"
	"github.com/nanpiao/sbqw/ent/schema/scope"
)

// Attachment 附件: a photo or document on a visit, a demonstration project step, a
// rectification, a contribution or a demand. Exactly one owner is set; the row takes the
// owner's scope columns when it is created, so it is seen by exactly those who see the owner.
// The content lives in the blob store under its SHA-256 (package attachment); the row is
// written only after the content is stored.
type Attachment struct{ ent.Schema }

func (Attachment) Mixin() []ent.Mixin {
	return base()
}

// ownerEdge annotates the edges between an attachment and its owner: never set through
// generated inputs, never a where filter (a filter reaching into the owner's table would skip
// the owner's privacy rules).
var ownerEdge = entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput, entgql.SkipWhereInput)

// ownerColumns are the owner foreign keys, exactly one of which is set.
var ownerColumns = []string{"visit_id", "demo_project_stage_id", "rectification_id", "contribution_id", "demand_id"}

func (Attachment) Fields() []ent.Field {
	owner := func(name, comment string) ent.Field {
		return field.Int(name).Optional().Nillable().Immutable().Comment(comment).Annotations(hidden)
	}
	return []ent.Field{
		owner("visit_id", "Visit the attachment belongs to 走访"),
		owner("demo_project_stage_id", "Demonstration project step 示范项目步骤"),
		owner("rectification_id", "Rectification 整顿"),
		owner("contribution_id", "Contribution 贡献"),
		owner("demand_id", "Demand 诉求"),
		field.String("sha256").MaxLen(64).Match(sha256Hex).Immutable().
			Comment("SHA-256 of the stored content, lower-case hex 内容哈希").Annotations(noFilter),
		field.Int64("size").NonNegative().Immutable().Comment("Size of the stored content in bytes 大小（字节）").Annotations(orderField("SIZE")),
		field.String("content_type").MaxLen(100).Immutable().
			Comment("Media type detected from the content (not from the name) 内容类型"),
		field.String("name").MaxLen(255).Immutable().Comment("File name given by the uploader 原文件名").Annotations(noFilter),
		field.Time("taken_at").Optional().Nillable().Immutable().SchemaType(instantColumn).
			Comment("When the photo was taken, from its EXIF data 拍摄时间").Annotations(orderField("TAKEN_AT")),
		field.Float("latitude").Optional().Nillable().Immutable().Comment("Latitude where the photo was taken, from its EXIF GPS data 纬度").Annotations(noFilter),
		field.Float("longitude").Optional().Nillable().Immutable().Comment("Longitude where the photo was taken, from its EXIF GPS data 经度").Annotations(noFilter),
		field.Int("uploader_id").Immutable().Comment("User who uploaded it").Annotations(hidden),
		field.String("uploader").MaxLen(64).Immutable().Comment("Username of the uploader 上传人").Annotations(noFilter),
		scopeField("township_id", "Township (scope)"),
		scopeField("village_id", "Village (scope)"),
		scopeField("household_id", "Household of a demand (scope)"),
		scopeField("pairing_id", "Pairing of a visit (scope)"),
		scopeField("department_id", "Department of a visit's cadre (scope)"),
		scopeField("member_id", "Member of a contribution (scope)"),
	}
}

func (Attachment) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("visit", Visit.Type).Ref("attachments").Field("visit_id").Unique().Immutable().Annotations(ownerEdge),
		edge.From("demo_project_stage", DemoProjectStage.Type).Ref("attachments").Field("demo_project_stage_id").Unique().Immutable().Annotations(ownerEdge),
		edge.From("rectification", Rectification.Type).Ref("attachments").Field("rectification_id").Unique().Immutable().Annotations(ownerEdge),
		edge.From("contribution", Contribution.Type).Ref("attachments").Field("contribution_id").Unique().Immutable().Annotations(ownerEdge),
		edge.From("demand", Demand.Type).Ref("attachments").Field("demand_id").Unique().Immutable().Annotations(ownerEdge),
	}
}

func (Attachment) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("visit_id"), index.Fields("demo_project_stage_id"), index.Fields("rectification_id"),
		index.Fields("contribution_id"), index.Fields("demand_id"), index.Fields("sha256"),
		index.Fields("township_id"), index.Fields("village_id"), index.Fields("household_id"),
		index.Fields("pairing_id"), index.Fields("department_id"), index.Fields("member_id"),
	}
}

func (Attachment) Hooks() []ent.Hook { return []ent.Hook{attachmentOwner()} }

// attachmentOwner checks that exactly one owner is set and keeps only the scope columns that
// mean the same for the attachment as for its owner. The scope mixin copies every column the
// owner shares by name; some of them reach the owner differently:
//   - household_id reaches a CADRE through the households it is paired with: right for a
//     demand (that is the demand's rule), too wide for a visit (a visit is reached through its
//     pairing, pairing_id) and meaningless for a contribution made for a household;
//   - department_id is immutable on a visit (its cadre's department) but changes on a demand
//     (reassigned) and a rectification (another linked department), whose attachments the
//     department reaches through demand_id and rectification_id instead, as they are now.
func attachmentOwner() ent.Hook {
	return func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
			if !m.Op().Is(ent.OpCreate) {
				return next.Mutate(ctx, m)
			}
			set := 0
			for _, c := range ownerColumns {
				if _, ok := m.Field(c); ok {
					set++
				}
			}
			if set != 1 {
				return nil, apperr.Invalid("owner", "an attachment belongs to exactly one record (附件须属于且仅属于一条记录)")
			}
			if _, ok := m.Field("demand_id"); !ok {
				m.ClearField("household_id") //nolint:errcheck // the column is optional
			}
			if _, ok := m.Field("visit_id"); !ok {
				m.ClearField("department_id") //nolint:errcheck // the column is optional
			}
			return next.Mutate(ctx, m)
		})
	}
}

func (Attachment) Annotations() []schema.Annotation {
	return append(listed(false),
		scope.Of(
			scope.Inherits(Visit.Type),
			scope.Inherits(DemoProjectStage.Type),
			scope.Inherits(Rectification.Type),
			scope.Inherits(Contribution.Type),
			scope.Inherits(Demand.Type),
			scope.Hierarchy(),
			scope.Reach(scope.Paired, "pairing_id", scope.ActivePairings),
			scope.Reach(scope.Paired, "household_id", scope.ActivelyPairedHouseholds),
			scope.Reach(scope.Department, "department_id", scope.Unit),
			scope.Reach(scope.Department, "demand_id", scope.DepartmentDemands),
			scope.Reach(scope.Department, "rectification_id", scope.DepartmentRectifications),
			scope.Reach(scope.Department, "member_id", scope.DepartmentMembers),
		),
		entsql.IncrementStart(41<<32),
		schema.Comment("Attachment 附件: a photo or document on a visit, a demonstration project step, a rectification, a contribution or a demand — seen by exactly those who see its owner; the content is fetched through `url`, a short-lived link bound to the caller."))
}
