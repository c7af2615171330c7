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
)

// Resident 家庭成员. Gender and birth year come from the ID number; the age is worked out
// from the sealed ID number at read time, and no full birth date is kept in clear.
type Resident struct{ ent.Schema }

func (Resident) Mixin() []ent.Mixin {
	return base()
}

func (Resident) Fields() []ent.Field {
	fields := []ent.Field{
		field.Int("household_id").Immutable().Comment("Household 所属农户"),
		nameField("Name 姓名"),
		field.Enum("relation").GoType(enum.Relation("")).Annotations(enumType(enum.Relation(""))).Comment("Relation to the head of household 与户主关系"),
		field.Enum("gender").GoType(enum.Gender("")).Annotations(enumType(enum.Gender(""))).Comment("Gender, from the ID number 性别").Annotations(notSettable),
		field.Int("birth_year").Comment("Year of birth, from the ID number: filter age bands with birthYearGTE/birthYearLTE 出生年份").
			Annotations(notSettable, entgql.Skip(entgql.SkipOrderField)),
	}
	fields = append(fields, sensitiveFields("id_number", "Resident ID number 身份证号码", false)...)
	fields = append(fields, sensitiveFields("phone", "Phone number 联系电话", true)...)
	return append(fields,
		field.Enum("health").GoType(enum.HealthStatus("")).Annotations(enumType(enum.HealthStatus(""))).Comment("Health 健康状况").Default("HEALTHY"),
		field.Enum("labor_skill").GoType(enum.LaborSkill("")).Annotations(enumType(enum.LaborSkill(""))).Comment("Labour capacity 劳动技能").Default("GENERAL"),
		field.Enum("education").GoType(enum.Education("")).Annotations(enumType(enum.Education(""))).Comment("Education 文化程度").Optional(),
		scopeField("township_id", "Township (scope)"),
		scopeField("village_id", "Village (scope)"),
	)
}

func (Resident) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("household", Household.Type).Ref("residents").Field("household_id").Unique().Required().Immutable(),
	}
}

func (Resident) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("id_number_index", "delete_token").Unique(),
		index.Fields("household_id"),
		index.Fields("township_id"),
		index.Fields("village_id"),
	}
}

func (Resident) Hooks() []ent.Hook {
	return []ent.Hook{sealPersonalData(personal{idNumber: "id_number", phone: "phone", birthYear: "birth_year", gender: "gender"})}
}

func (Resident) Annotations() []schema.Annotation {
	return append(listed(true),
		scope.Of(
			scope.Inherits(Household.Type),
			scope.Hierarchy(),
			scope.Reach(scope.Paired, "household_id", scope.ActivelyPairedHouseholds),
			scope.Reach(scope.Department, "village_id", scope.LinkedVillages),
			scope.Reach(scope.Department, "household_id", scope.DepartmentHouseholds),
		),
		schema.Comment("Resident 家庭成员. Gender and birth year come from the ID number; the age is worked out from the sealed ID number at read time."))
}
