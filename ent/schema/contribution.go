package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/nanpiao/sbqw/ent/schema/enum"
	"github.com/nanpiao/sbqw/ent/schema/scope"
	"github.com/nanpiao/sbqw/workflow"
)

// Contribution 贡献: what a member did for a team on a day — one of six types, with the worth of
// money or goods where they are involved, how many households it helped and optionally the one
// household it was for.
type Contribution struct{ ent.Schema }

func (Contribution) Mixin() []ent.Mixin {
	return base()
}

func (Contribution) Fields() []ent.Field {
	return []ent.Field{
		field.Int("member_id").Immutable(),
		field.Int("team_id").Immutable(),
		field.Time("on").SchemaType(dateColumn).Annotations(dateGQL).Comment("Date 日期").Annotations(orderField("ON")),
		field.String("description").NotEmpty().MaxLen(1000).Comment("What was done 贡献内容").Annotations(noFilter),
		field.Enum("type").GoType(enum.ContributionType("")).Annotations(enumType(enum.ContributionType(""))).
			Default(string(enum.ContributionPostService)).Comment("Type of contribution 贡献类型"),
		field.Int("amount_fen").Optional().Nillable().Min(0).
			Comment("Worth of the money or goods in fen (分, 1/100 yuan); only for LEAD_ENTERPRISE, E_COMMERCE and DONATION 金额（分）"),
		field.Int("households_helped").Default(0).Min(0).Comment("Households helped 帮扶户数"),
		// Shown only as the household edge, which goes through the household's own scope: a
		// reader who sees the contribution but not the household gets null, not its ID.
		field.Int("household_id").Optional().Nillable().Comment("Household the contribution was for 帮扶对象").
			Annotations(entgql.Skip(entgql.SkipType, entgql.SkipWhereInput, entgql.SkipOrderField)),
		scopeField("township_id", "Township of the member (scope)"),
		scopeField("village_id", "Home village of the member (scope)"),
	}
}

func (Contribution) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("member", PartyMember.Type).Ref("contributions").Field("member_id").Unique().Required().Immutable(),
		edge.From("team", Team.Type).Ref("contributions").Field("team_id").Unique().Required().Immutable(),
		edge.To("household", Household.Type).Field("household_id").Unique().Comment("Household the contribution was for 帮扶对象"),
		edge.To("attachments", Attachment.Type).Annotations(ownerEdge).Comment("Photos and documents 附件"),
	}
}

func (Contribution) Indexes() []ent.Index {
	return []ent.Index{index.Fields("team_id", "on"), index.Fields("member_id"), index.Fields("household_id"), index.Fields("township_id"), index.Fields("village_id")}
}

func (Contribution) Hooks() []ent.Hook { return []ent.Hook{workflow.ContributionRules()} }

func (Contribution) Annotations() []schema.Annotation {
	return append(listed(true),
		scope.Of(
			scope.Inherits(PartyMember.Type), // seen by the member's own units, whatever the team
			scope.Hierarchy(),
			scope.Reach(scope.Department, "member_id", scope.DepartmentMembers),
		),
		schema.Comment("Contribution 贡献: what a member did for a team on a day — one of six types, with the worth of money or goods where they are involved (amountFen, in fen), how many households it helped and optionally the one household it was for (shown only to readers who see that household)."))
}
