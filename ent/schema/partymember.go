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

// PartyMember 党员. hasPost (有职/无职) is computed from posts valid today, never stored.
type PartyMember struct{ ent.Schema }

func (PartyMember) Mixin() []ent.Mixin {
	return base()
}

func (PartyMember) Fields() []ent.Field {
	fields := []ent.Field{
		nameField("Member's name 姓名"),
		field.Enum("gender").GoType(enum.Gender("")).Annotations(enumType(enum.Gender(""))).Comment("Gender, from the ID number 性别").Annotations(notSettable),
		field.Int("birth_year").Comment("Year of birth, from the ID number: filter age bands with birthYearGTE/birthYearLTE 出生年份").
			Annotations(notSettable, entgql.Skip(entgql.SkipOrderField)),
	}
	fields = append(fields, sensitiveFields("id_number", "Resident ID number 身份证号码", false)...)
	fields = append(fields, sensitiveFields("phone", "Phone number 联系电话", true)...)
	return append(fields,
		field.Enum("education").GoType(enum.Education("")).Annotations(enumType(enum.Education(""))).Comment("Education 学历"),
		field.Enum("occupation").GoType(enum.Occupation("")).Annotations(enumType(enum.Occupation(""))).Comment("Occupation 职业"),
		field.Strings("specialties").Optional().Comment("Specialties 特长 (e.g. 种植, 养殖, 电商)"),
		field.Time("joined_on").SchemaType(dateColumn).Annotations(dateGQL).Comment("Date of joining the party 入党日期").Annotations(orderField("JOINED_ON")),
		field.Enum("membership").GoType(enum.MembershipKind("")).Annotations(enumType(enum.MembershipKind(""))).Comment("Full or probationary 正式/预备党员").Default("FULL"),
		field.Enum("category").GoType(enum.MemberCategory("")).Annotations(enumType(enum.MemberCategory(""))).Comment("Category for the ten-thousand-members project 党员分类"),
		field.Enum("status").GoType(enum.MemberStatus("")).Annotations(enumType(enum.MemberStatus(""))).Comment("Membership status 党籍状态").Default("ACTIVE"),
		field.String("location").Optional().MaxLen(64).Comment("Where the member currently lives or works (分布), e.g. a floating member's city"),
		field.Time("floating_since").SchemaType(dateColumn).Annotations(dateGQL).Optional().Nillable().
			Comment("Floating member (流动党员) since this day, living or working away from the home organisation (location says where); null when not floating 流动日期"),
		field.Int("village_id").Optional().Immutable().Annotations(scope.Inherited()).
			Comment("Village of the member's organisation, for members of a village's organisation; null for township, department and 两新 members 所在村"),
		field.Int("organization_id").Immutable().Comment("Party organisation the member belongs to 所属党组织; changed only by moveMember"),
		scopeField("township_id", "Township of the member's organisation (scope)"),
		scopeField("department_id", "Department of the member's organisation (scope)"),
	)
}

func (PartyMember) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("village", Village.Type).Ref("party_members").Field("village_id").Unique().Immutable().
			Comment("Village of the member's organisation; null for township, department and 两新 members"),
		edge.From("organization", PartyOrganization.Type).Ref("members").Field("organization_id").Unique().Required().Immutable(),
		edge.To("cadre", Cadre.Type).Unique().Annotations(notSettable).Comment("The member's cadre record, for members who are department cadres"),
		edge.To("posts", Post.Type).Annotations(childList...).Comment("Posts held 任职"),
		edge.To("team_memberships", TeamMembership.Type).Annotations(childList...).Comment("Posts in teams (一人多岗) 团队岗位"),
		edge.To("contributions", Contribution.Type).Annotations(connection...).Comment("Recorded contributions 贡献"),
		edge.To("enrollments", TrainingEnrollment.Type).Annotations(childList...).Comment("Training enrollments, as a village secretary 培训"),
		edge.To("assessments", Assessment.Type).Annotations(childList...).Comment("Capability assessments, as a village secretary 五个增强考核"),
	}
}

func (PartyMember) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("id_number_index", "delete_token").Unique(),
		index.Fields("township_id"),
		index.Fields("village_id", "name"),
		index.Fields("organization_id"),
		index.Fields("department_id"),
	}
}

func (PartyMember) Hooks() []ent.Hook {
	return []ent.Hook{
		sealPersonalData(personal{idNumber: "id_number", phone: "phone", birthYear: "birth_year", gender: "gender"}),
		refuseDeleteWhileUsed(
			dependent{"posts", "member_id", "posts"},
			dependent{"team_memberships", "member_id", "team posts"},
			dependent{"training_enrollments", "secretary_id", "training enrollments"},
			dependent{"assessments", "secretary_id", "assessments"},
			dependent{"contributions", "member_id", "contributions"},
			dependent{"teams", "leader_id", "teams led"},
			dependent{"cadres", "member_id", "cadre records"},
		),
	}
}

func (PartyMember) Annotations() []schema.Annotation {
	return append(listed(true),
		scope.Of(
			scope.Inherits(PartyOrganization.Type), // township, village, department: the organisation's
			scope.Hierarchy(),
			scope.Reach(scope.Department, "department_id", scope.Unit),
		),
		schema.Comment("PartyMember 党员. hasPost (有职/无职) is computed from posts valid today, never stored."))
}
