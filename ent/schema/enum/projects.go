package enum

import "io"

// SubjectKind 示范工程实施主体.
type SubjectKind string

var subjectKindValues = define("SubjectKind",
	Term{"TOWNSHIP", "乡镇", "township"},
	Term{"VILLAGE", "村", "village"},
	Term{"COOPERATIVE", "合作社", "cooperative"},
	Term{"PRIVATE_BUSINESS", "个体户、民营企业", "private business"},
)

func (SubjectKind) Values() []string         { return subjectKindValues }
func (e SubjectKind) MarshalGQL(w io.Writer) { marshal(w, e) }
func (e *SubjectKind) UnmarshalGQL(v any) error {
	return unmarshal(v, e, "SubjectKind", subjectKindValues)
}

// Industry 产业类型.
type Industry string

var industryValues = define("Industry",
	Term{"PRIMARY", "一产（农业）", "primary industry"},
	Term{"SECONDARY", "二产（工业）", "secondary industry"},
	Term{"TERTIARY", "三产（服务业）", "tertiary industry"},
)

func (Industry) Values() []string            { return industryValues }
func (e Industry) MarshalGQL(w io.Writer)    { marshal(w, e) }
func (e *Industry) UnmarshalGQL(v any) error { return unmarshal(v, e, "Industry", industryValues) }

// ProjectStage 示范工程六个步骤, in order.
type ProjectStage string

const (
	StageResearch       ProjectStage = "RESEARCH"
	StageEvaluation     ProjectStage = "EVALUATION"
	StageApproval       ProjectStage = "APPROVAL"
	StageImplementation ProjectStage = "IMPLEMENTATION"
	StageReview         ProjectStage = "REVIEW"
	StageCompletion     ProjectStage = "COMPLETION"
)

var projectStageValues = define("ProjectStage",
	Term{"RESEARCH", "调研", "research"},
	Term{"EVALUATION", "评估", "evaluation"},
	Term{"APPROVAL", "立项", "approval"},
	Term{"IMPLEMENTATION", "实施", "implementation"},
	Term{"REVIEW", "评审", "review"},
	Term{"COMPLETION", "结题", "completion"},
)

func (ProjectStage) Values() []string         { return projectStageValues }
func (e ProjectStage) MarshalGQL(w io.Writer) { marshal(w, e) }
func (e *ProjectStage) UnmarshalGQL(v any) error {
	return unmarshal(v, e, "ProjectStage", projectStageValues)
}

// Index is the stage's position in the six steps (0 for RESEARCH), or -1 when unknown.
func (e ProjectStage) Index() int {
	for i, v := range projectStageValues {
		if v == string(e) {
			return i
		}
	}
	return -1
}

// StageResult 阶段结果: how a stage record came about.
type StageResult string

const (
	StageStarted  StageResult = "STARTED"
	StageAdvanced StageResult = "ADVANCED"
	StageReturned StageResult = "RETURNED"
)

var stageResultValues = define("StageResult",
	Term{"STARTED", "启动", "project started in this stage"},
	Term{"ADVANCED", "通过，进入下一步", "advanced into this stage"},
	Term{"RETURNED", "退回上一步", "sent back into this stage by a review"},
)

func (StageResult) Values() []string         { return stageResultValues }
func (e StageResult) MarshalGQL(w io.Writer) { marshal(w, e) }
func (e *StageResult) UnmarshalGQL(v any) error {
	return unmarshal(v, e, "StageResult", stageResultValues)
}

// CourseKind 培训类别: the "1" and the "X" of "1+X".
type CourseKind string

const (
	CourseComprehensive CourseKind = "COMPREHENSIVE"
	CourseFieldVisit    CourseKind = "FIELD_VISIT"
	CourseSkillClass    CourseKind = "SKILL_CLASS"
)

var courseKindValues = define("CourseKind",
	Term{"COMPREHENSIVE", "“1”：支部书记全员综合培训班", "the comprehensive course (the \"1\")"},
	Term{"FIELD_VISIT", "“X”：实地参观考察", "a field visit (an \"X\")"},
	Term{"SKILL_CLASS", "“X”：专项技能小型培训班", "a small skill class (an \"X\")"},
)

func (CourseKind) Values() []string         { return courseKindValues }
func (e CourseKind) MarshalGQL(w io.Writer) { marshal(w, e) }
func (e *CourseKind) UnmarshalGQL(v any) error {
	return unmarshal(v, e, "CourseKind", courseKindValues)
}

// Attendance 出勤情况.
type Attendance string

const (
	AttendanceAttended Attendance = "ATTENDED"
)

var attendanceValues = define("Attendance",
	Term{"ENROLLED", "已报名", "enrolled, course not yet attended"},
	Term{"ATTENDED", "已参加", "attended"},
	Term{"EXCUSED", "请假", "excused"},
	Term{"ABSENT", "缺席", "absent"},
)

func (Attendance) Values() []string         { return attendanceValues }
func (e Attendance) MarshalGQL(w io.Writer) { marshal(w, e) }
func (e *Attendance) UnmarshalGQL(v any) error {
	return unmarshal(v, e, "Attendance", attendanceValues)
}

// Grade 考核等次.
type Grade string

var gradeValues = define("Grade",
	Term{"EXCELLENT", "优秀", "excellent"},
	Term{"GOOD", "良好", "good"},
	Term{"PASS", "合格", "pass"},
	Term{"FAIL", "不合格", "fail"},
)

func (Grade) Values() []string            { return gradeValues }
func (e Grade) MarshalGQL(w io.Writer)    { marshal(w, e) }
func (e *Grade) UnmarshalGQL(v any) error { return unmarshal(v, e, "Grade", gradeValues) }

// Indicator 考核指标: the five capability gains (五个增强) of a secretary and the six
// performance gains (六个提高) of a village.
type Indicator string

var indicatorValues = define("Indicator",
	Term{"CAP_SCIENTIFIC_DEVELOPMENT", "五个增强：推动科学发展的能力", "capability: drive sound development"},
	Term{"CAP_LEADING_TO_PROSPERITY", "五个增强：带领农民致富的能力", "capability: lead farmers to prosperity"},
	Term{"CAP_CLOSE_TIES", "五个增强：密切联系群众的能力", "capability: keep close ties with the people"},
	Term{"CAP_RURAL_STABILITY", "五个增强：维护农村稳定的能力", "capability: keep rural stability"},
	Term{"CAP_BRANCH_BUILDING", "五个增强：完善支部建设的能力", "capability: build the party branch"},
	Term{"PERF_RURAL_ECONOMY", "六个提高：农村经济发展水平", "performance: rural economic development"},
	Term{"PERF_MATERIAL_CIVILIZATION", "六个提高：农村物质文明水平", "performance: material living standards"},
	Term{"PERF_SPIRITUAL_CIVILIZATION", "六个提高：农村精神文明水平", "performance: cultural and ethical standards"},
	Term{"PERF_ENVIRONMENT", "六个提高：农村环境建设水平", "performance: rural environment"},
	Term{"PERF_GRASSROOTS_DEMOCRACY", "六个提高：农村基层民主建设水平", "performance: grassroots democracy"},
	Term{"PERF_GRASSROOTS_ORGANIZATION", "六个提高：农村基层组织建设水平", "performance: grassroots organisation"},
)

func (Indicator) Values() []string            { return indicatorValues }
func (e Indicator) MarshalGQL(w io.Writer)    { marshal(w, e) }
func (e *Indicator) UnmarshalGQL(v any) error { return unmarshal(v, e, "Indicator", indicatorValues) }

// IsCapability reports whether the indicator is one of a secretary's five capability gains.
func (e Indicator) IsCapability() bool { return len(e) > 4 && e[:4] == "CAP_" }

// VisitOccasion 走访时机.
type VisitOccasion string

const VisitSpringFestival VisitOccasion = "SPRING_FESTIVAL"

var visitOccasionValues = define("VisitOccasion",
	Term{"ROUTINE", "日常走访", "routine visit"},
	Term{"NEW_YEAR", "元旦走访慰问", "New Year visit"},
	Term{"SPRING_FESTIVAL", "春节走访慰问", "Spring Festival visit"},
	Term{"FESTIVAL", "节日慰问", "other festival visit"},
)

func (VisitOccasion) Values() []string         { return visitOccasionValues }
func (e VisitOccasion) MarshalGQL(w io.Writer) { marshal(w, e) }
func (e *VisitOccasion) UnmarshalGQL(v any) error {
	return unmarshal(v, e, "VisitOccasion", visitOccasionValues)
}

// VisitMode 走访方式.
type VisitMode string

var visitModeValues = define("VisitMode",
	Term{"HOME_VISIT", "入户走访", "home visit"},
	Term{"HEART_TO_HEART", "谈心谈话", "heart-to-heart talk"},
	Term{"PHONE", "电话联系", "phone call"},
	Term{"VIDEO", "视频联系", "video call"},
)

func (VisitMode) Values() []string            { return visitModeValues }
func (e VisitMode) MarshalGQL(w io.Writer)    { marshal(w, e) }
func (e *VisitMode) UnmarshalGQL(v any) error { return unmarshal(v, e, "VisitMode", visitModeValues) }

// DemandCategory 诉求类别, named after the departments that solve them.
type DemandCategory string

var demandCategoryValues = define("DemandCategory",
	Term{"POLITICS_LAW", "政法", "politics and law"},
	Term{"SOCIAL_ORDER", "综治", "social order and disputes"},
	Term{"LAND", "国土", "land and resources"},
	Term{"URBAN_CONSTRUCTION", "城建", "construction and housing"},
	Term{"EDUCATION", "教育", "education"},
	Term{"HEALTH", "卫生", "health care"},
	Term{"CIVIL_AFFAIRS", "民政", "civil affairs and social assistance"},
	Term{"AGRICULTURE", "农业", "agriculture"},
	Term{"EMPLOYMENT", "就业", "employment"},
	Term{"INFRASTRUCTURE", "基础设施", "roads, water and power"},
	Term{"OTHER", "其他", "other"},
)

func (DemandCategory) Values() []string         { return demandCategoryValues }
func (e DemandCategory) MarshalGQL(w io.Writer) { marshal(w, e) }
func (e *DemandCategory) UnmarshalGQL(v any) error {
	return unmarshal(v, e, "DemandCategory", demandCategoryValues)
}

// DemandStatus 诉求办理状态.
type DemandStatus string

const (
	DemandRegistered DemandStatus = "REGISTERED"
	DemandAccepted   DemandStatus = "ACCEPTED"
	DemandAssigned   DemandStatus = "ASSIGNED"
	DemandResolved   DemandStatus = "RESOLVED"
	DemandFollowedUp DemandStatus = "FOLLOWED_UP"
	DemandClosed     DemandStatus = "CLOSED"
	DemandRejected   DemandStatus = "REJECTED"
)

var demandStatusValues = define("DemandStatus",
	Term{"REGISTERED", "登记", "registered"},
	Term{"ACCEPTED", "受理", "accepted"},
	Term{"ASSIGNED", "交办", "assigned to a department"},
	Term{"RESOLVED", "办结", "resolved by the department"},
	Term{"FOLLOWED_UP", "回访", "followed up with the household"},
	Term{"CLOSED", "关闭", "closed"},
	Term{"REJECTED", "不予受理", "rejected"},
)

func (DemandStatus) Values() []string         { return demandStatusValues }
func (e DemandStatus) MarshalGQL(w io.Writer) { marshal(w, e) }
func (e *DemandStatus) UnmarshalGQL(v any) error {
	return unmarshal(v, e, "DemandStatus", demandStatusValues)
}

// Satisfaction 回访满意度.
type Satisfaction string

var satisfactionValues = define("Satisfaction",
	Term{"SATISFIED", "满意", "satisfied"},
	Term{"BASICALLY_SATISFIED", "基本满意", "basically satisfied"},
	Term{"DISSATISFIED", "不满意", "dissatisfied"},
)

func (Satisfaction) Values() []string         { return satisfactionValues }
func (e Satisfaction) MarshalGQL(w io.Writer) { marshal(w, e) }
func (e *Satisfaction) UnmarshalGQL(v any) error {
	return unmarshal(v, e, "Satisfaction", satisfactionValues)
}

// RectificationKind 整顿类别.
type RectificationKind string

var rectificationKindValues = define("RectificationKind",
	Term{"WEAK_LEADERSHIP", "班子软弱涣散村", "village with a weak, lax leadership"},
	Term{"DISPUTES", "矛盾纠纷突出村", "village with prominent disputes"},
	Term{"WEAK_ADMINISTRATION", "村务管理薄弱村", "village with weak administration"},
)

func (RectificationKind) Values() []string         { return rectificationKindValues }
func (e RectificationKind) MarshalGQL(w io.Writer) { marshal(w, e) }
func (e *RectificationKind) UnmarshalGQL(v any) error {
	return unmarshal(v, e, "RectificationKind", rectificationKindValues)
}

// RectificationStatus 整顿进度.
type RectificationStatus string

const (
	RectificationPlanned    RectificationStatus = "PLANNED"
	RectificationInProgress RectificationStatus = "IN_PROGRESS"
	RectificationPassed     RectificationStatus = "PASSED"
	RectificationFailed     RectificationStatus = "FAILED"
)

var rectificationStatusValues = define("RectificationStatus",
	Term{"PLANNED", "制定整顿方案", "plan drawn up"},
	Term{"IN_PROGRESS", "整顿中", "in progress"},
	Term{"PASSED", "验收合格", "accepted (score ≥ 70)"},
	Term{"FAILED", "验收不合格", "not accepted (score < 70)"},
)

func (RectificationStatus) Values() []string         { return rectificationStatusValues }
func (e RectificationStatus) MarshalGQL(w io.Writer) { marshal(w, e) }
func (e *RectificationStatus) UnmarshalGQL(v any) error {
	return unmarshal(v, e, "RectificationStatus", rectificationStatusValues)
}

// TeamKind 党员团队类别 ("一事一团").
type TeamKind string

var teamKindValues = define("TeamKind",
	Term{"POLICY_PROMOTION", "政策宣传", "policy promotion"},
	Term{"PROJECT_TACKLING", "项目攻坚", "project tackling"},
	Term{"INDUSTRY_DEVELOPMENT", "产业发展", "industry development"},
	Term{"POVERTY_RELIEF", "扶贫解困", "poverty relief"},
)

func (TeamKind) Values() []string            { return teamKindValues }
func (e TeamKind) MarshalGQL(w io.Writer)    { marshal(w, e) }
func (e *TeamKind) UnmarshalGQL(v any) error { return unmarshal(v, e, "TeamKind", teamKindValues) }

// TeamPost 团队岗位 ("一人多岗": a member may hold posts in several teams).
type TeamPost string

const (
	TeamPostMember TeamPost = "MEMBER"
)

var teamPostValues = define("TeamPost",
	Term{"LEADER", "团长", "team leader"},
	Term{"DEPUTY_LEADER", "副团长", "deputy leader"},
	Term{"LIAISON", "联络员", "liaison"},
	Term{"MEMBER", "成员", "member"},
)

func (TeamPost) Values() []string            { return teamPostValues }
func (e TeamPost) MarshalGQL(w io.Writer)    { marshal(w, e) }
func (e *TeamPost) UnmarshalGQL(v any) error { return unmarshal(v, e, "TeamPost", teamPostValues) }

// FundingSource 资金来源 of a demonstration project's investment.
type FundingSource string

var fundingSourceValues = define("FundingSource",
	Term{"FISCAL_SPECIAL", "财政专项", "special fiscal funds"},
	Term{"INTEGRATED_AGRICULTURAL", "整合涉农资金", "integrated agriculture-related funds"},
	Term{"SOCIAL_ASSISTANCE", "社会帮扶", "social assistance"},
	Term{"VILLAGE_COLLECTIVE", "村集体", "village collective"},
	Term{"ENTERPRISE_COOPERATIVE", "企业·合作社", "enterprises and cooperatives"},
	Term{"SELF_RAISED", "群众自筹", "raised by the villagers themselves"},
)

func (FundingSource) Values() []string         { return fundingSourceValues }
func (e FundingSource) MarshalGQL(w io.Writer) { marshal(w, e) }
func (e *FundingSource) UnmarshalGQL(v any) error {
	return unmarshal(v, e, "FundingSource", fundingSourceValues)
}

// ReviewGrade 评审等次 given to a demonstration project at review.
type ReviewGrade string

// ReviewFail 不合格: a project so graded cannot be completed; the review sends it back.
const ReviewFail ReviewGrade = "FAIL"

var reviewGradeValues = define("ReviewGrade",
	Term{"EXCELLENT", "优", "excellent"},
	Term{"GOOD", "良", "good"},
	Term{"PASS", "合格", "pass"},
	Term{"FAIL", "不合格", "fail"},
)

func (ReviewGrade) Values() []string         { return reviewGradeValues }
func (e ReviewGrade) MarshalGQL(w io.Writer) { marshal(w, e) }
func (e *ReviewGrade) UnmarshalGQL(v any) error {
	return unmarshal(v, e, "ReviewGrade", reviewGradeValues)
}
