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

// Household 户. The poverty-alleviation office sets `needy` (扶贫办确定的困难群体); cadres pair
// only with needy households.
type Household struct{ ent.Schema }

func (Household) Mixin() []ent.Mixin {
	return base()
}

func (Household) Fields() []ent.Field {
	return []ent.Field{
		field.Int("village_id").Immutable().Comment("Village of the household 所在村"),
		field.String("number").NotEmpty().MaxLen(32).Comment("Household number, unique within the village 户编号").
			Annotations(orderField("NUMBER")),
		field.String("head_name").NotEmpty().MaxLen(64).Comment("Name of the head of household 户主姓名").
			Annotations(orderField("HEAD_NAME")),
		field.String("address").Optional().MaxLen(128).Comment("Address 住址"),
		field.Enum("category").GoType(enum.HouseholdCategory("")).Annotations(enumType(enum.HouseholdCategory(""))).Comment("Household category 农户类别: follows from povertyStatus (NOT_POOR → ORDINARY, IN_POVERTY and RETURNED → REGISTERED_POOR, LIFTED → LIFTED_OUT, AT_RISK → MONITORED); an input that disagrees is refused").Default("ORDINARY").
			Annotations(orderField("CATEGORY")),
		field.Enum("poverty_status").GoType(enum.PovertyStatus("")).Annotations(enumType(enum.PovertyStatus(""))).Comment("Poverty status 贫困状态, the one source of truth; after creation it changes only through the exit workflow and monitoring, each change recorded in povertyHistory").Default("NOT_POOR").
			Annotations(orderField("POVERTY_STATUS")),
		field.Enum("exit_stage").GoType(enum.ExitStage("")).Annotations(enumType(enum.ExitStage("")), notSettable).Default("NONE").
			Comment("Where the household's exit application stands 脱贫退出进度"),
		field.Time("exit_verified_on").SchemaType(dateColumn).Annotations(dateGQL, notSettable).Optional().Nillable().
			Comment("Day the township verified the exit; the public notice (公示) runs from it 乡审核日期"),
		field.Enum("monitoring_risk").GoType(enum.MonitoringRisk("")).Annotations(enumType(enum.MonitoringRisk("")), notSettable).Optional().Nillable().
			Comment("Risk the household is monitored for, while AT_RISK 监测风险"),
		field.JSON("causes", []enum.PovertyCause{}).Optional().Comment("Causes of poverty 致贫原因").
			Annotations(entgql.Type("[PovertyCause!]")),
		field.Int("identified_year").Range(2000, 2100).Comment("Year registered as poor 识别年度").Optional().Nillable(),
		field.Int("exit_year").Range(2000, 2100).Comment("Year lifted out of poverty 脱贫年度: set by the confirmed exit, refused as input").Optional().Nillable(),
		field.Bool("needy").Default(false).Comment("Named by the poverty-alleviation office as needing a paired cadre 困难群体: set only by POVERTY_OFFICE (setHouseholdNeedy), never on a NOT_POOR household"),
		field.Float("income_per_capita").Optional().Nillable().Min(0).Comment("Annual net income per person, yuan 人均纯收入（元）"),
		scopeField("township_id", "Township of the village (scope)"),
	}
}

func (Household) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("village", Village.Type).Ref("households").Field("village_id").Unique().Required().Immutable(),
		edge.To("residents", Resident.Type).Annotations(connection...).Comment("Members of the household 家庭成员"),
		edge.To("pairings", Pairing.Type).Annotations(connection...).Comment("Cadres paired with the household 结对"),
		edge.To("demands", Demand.Type).Annotations(connection...).Comment("Demands raised by the household 诉求"),
		edge.To("poverty_history", PovertyStatusChange.Type).Annotations(connection...).Comment("Dated history of the poverty status and the exit workflow 贫困状态变更记录"),
	}
}

func (Household) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("village_id", "number", "delete_token").Unique(),
		index.Fields("township_id"),
		// A township's totalCount (WHERE township_id = ? AND deleted_at IS NULL) is read from
		// this index alone, without visiting the rows (docs/benchmark.md).
		index.Fields("township_id", "deleted_at"),
		index.Fields("village_id", "needy"),
	}
}

func (Household) Hooks() []ent.Hook {
	return []ent.Hook{
		orderedYears("identified_year", "exit_year"),
		workflow.PovertyRules(),
		refuseDeleteWhileUsed(
			dependent{"pairings", "household_id", "pairings"},
			dependent{"demands", "household_id", "demands"},
		),
		cascadeDelete("residents", "household_id"),
	}
}

func (Household) Annotations() []schema.Annotation {
	return append(listed(true),
		scope.Of(
			scope.Inherits(Village.Type),
			scope.Hierarchy(),
			scope.Reach(scope.Paired, "id", scope.ActivelyPairedHouseholds),
			scope.Reach(scope.Department, "village_id", scope.LinkedVillages),
			scope.Reach(scope.Department, "id", scope.DepartmentHouseholds),
			scope.Movable(),
		),
		schema.Comment("Household 户. The poverty-alleviation office sets `needy` (扶贫办确定的困难群体); cadres pair only with needy households."))
}
