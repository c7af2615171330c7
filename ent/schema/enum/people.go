package enum

import "io"

// Gender 性别.
type Gender string

const (
	GenderMale   Gender = "MALE"
	GenderFemale Gender = "FEMALE"
)

var genderValues = define("Gender",
	Term{"MALE", "男", "male"},
	Term{"FEMALE", "女", "female"},
)

func (Gender) Values() []string            { return genderValues }
func (e Gender) MarshalGQL(w io.Writer)    { marshal(w, e) }
func (e *Gender) UnmarshalGQL(v any) error { return unmarshal(v, e, "Gender", genderValues) }

// Education 学历.
type Education string

var educationValues = define("Education",
	Term{"PRIMARY_OR_BELOW", "小学及以下", "primary school or below"},
	Term{"JUNIOR_HIGH", "初中", "junior high school"},
	Term{"SENIOR_HIGH", "高中、中专", "senior high or vocational school"},
	Term{"JUNIOR_COLLEGE", "大专", "junior college"},
	Term{"BACHELOR", "本科", "bachelor's degree"},
	Term{"POSTGRADUATE", "研究生", "postgraduate"},
)

func (Education) Values() []string            { return educationValues }
func (e Education) MarshalGQL(w io.Writer)    { marshal(w, e) }
func (e *Education) UnmarshalGQL(v any) error { return unmarshal(v, e, "Education", educationValues) }

// Occupation 职业.
type Occupation string

var occupationValues = define("Occupation",
	Term{"FARMER", "农牧渔民", "farmer"},
	Term{"WORKER", "工人", "worker"},
	Term{"MIGRANT_WORKER", "外出务工人员", "migrant worker"},
	Term{"CIVIL_SERVANT", "党政机关工作人员", "civil servant"},
	Term{"PUBLIC_INSTITUTION_STAFF", "事业单位人员", "public institution staff"},
	Term{"ENTERPRISE_STAFF", "企业人员", "enterprise staff"},
	Term{"SELF_EMPLOYED", "个体经营者", "self-employed"},
	Term{"STUDENT", "学生", "student"},
	Term{"RETIRED", "离退休人员", "retired"},
	Term{"OTHER", "其他职业", "other"},
)

func (Occupation) Values() []string         { return occupationValues }
func (e Occupation) MarshalGQL(w io.Writer) { marshal(w, e) }
func (e *Occupation) UnmarshalGQL(v any) error {
	return unmarshal(v, e, "Occupation", occupationValues)
}

// MemberCategory 党员分类, as the article groups members for the "ten thousand members" project.
type MemberCategory string

var memberCategoryValues = define("MemberCategory",
	Term{"IN_SERVICE", "在职党员", "member in service"},
	Term{"RURAL_ABLE_BODIED", "农村有劳动能力党员", "rural able-bodied member"},
	Term{"FLOATING", "流动党员", "floating member"},
	Term{"ELDERLY", "年老体弱党员", "elderly or infirm member"},
)

func (MemberCategory) Values() []string         { return memberCategoryValues }
func (e MemberCategory) MarshalGQL(w io.Writer) { marshal(w, e) }
func (e *MemberCategory) UnmarshalGQL(v any) error {
	return unmarshal(v, e, "MemberCategory", memberCategoryValues)
}

// MembershipKind 党员类别: full or probationary.
type MembershipKind string

var membershipKindValues = define("MembershipKind",
	Term{"FULL", "正式党员", "full member"},
	Term{"PROBATIONARY", "预备党员", "probationary member"},
)

func (MembershipKind) Values() []string         { return membershipKindValues }
func (e MembershipKind) MarshalGQL(w io.Writer) { marshal(w, e) }
func (e *MembershipKind) UnmarshalGQL(v any) error {
	return unmarshal(v, e, "MembershipKind", membershipKindValues)
}

// MemberStatus 党籍状态.
type MemberStatus string

const (
	MemberActive MemberStatus = "ACTIVE"
)

var memberStatusValues = define("MemberStatus",
	Term{"ACTIVE", "正常", "active"},
	Term{"TRANSFERRED_OUT", "已转出", "transferred out"},
	Term{"DECEASED", "已去世", "deceased"},
)

func (MemberStatus) Values() []string         { return memberStatusValues }
func (e MemberStatus) MarshalGQL(w io.Writer) { marshal(w, e) }
func (e *MemberStatus) UnmarshalGQL(v any) error {
	return unmarshal(v, e, "MemberStatus", memberStatusValues)
}

// PostTitle 职务 held in a party organisation or village committee.
type PostTitle string

const (
	PostSecretary       PostTitle = "SECRETARY"
	PostCommitteeMember PostTitle = "COMMITTEE_MEMBER"
)

var postTitleValues = define("PostTitle",
	Term{"SECRETARY", "书记", "secretary"},
	Term{"DEPUTY_SECRETARY", "副书记", "deputy secretary"},
	Term{"COMMITTEE_MEMBER", "委员", "committee member"},
	Term{"VILLAGE_DIRECTOR", "村委会主任", "village committee director"},
	Term{"VILLAGE_COMMITTEE_MEMBER", "村委会委员", "village committee member"},
	Term{"GROUP_LEADER", "村民小组长", "villagers' group leader"},
	Term{"PARTY_GROUP_LEADER", "党小组长", "party group leader"},
)

func (PostTitle) Values() []string            { return postTitleValues }
func (e PostTitle) MarshalGQL(w io.Writer)    { marshal(w, e) }
func (e *PostTitle) UnmarshalGQL(v any) error { return unmarshal(v, e, "PostTitle", postTitleValues) }
