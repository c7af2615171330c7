package enum

import "io"

// HouseholdCategory 农户类别.
type HouseholdCategory string

const HouseholdRegisteredPoor HouseholdCategory = "REGISTERED_POOR"

var householdCategoryValues = define("HouseholdCategory",
	Term{"ORDINARY", "一般农户", "ordinary household"},
	Term{"REGISTERED_POOR", "建档立卡户", "registered poor household"},
	Term{"LIFTED_OUT", "脱贫户", "household lifted out of poverty"},
	Term{"MONITORED", "监测户", "household under monitoring"},
)

func (HouseholdCategory) Values() []string         { return householdCategoryValues }
func (e HouseholdCategory) MarshalGQL(w io.Writer) { marshal(w, e) }
func (e *HouseholdCategory) UnmarshalGQL(v any) error {
	return unmarshal(v, e, "HouseholdCategory", householdCategoryValues)
}

// PovertyStatus 贫困状态.
type PovertyStatus string

var povertyStatusValues = define("PovertyStatus",
	Term{"NOT_POOR", "非贫困", "not poor"},
	Term{"IN_POVERTY", "未脱贫", "in poverty"},
	Term{"LIFTED", "已脱贫", "lifted out of poverty"},
	Term{"AT_RISK", "防返贫监测", "in monitoring: at risk of (re)falling into poverty"},
	Term{"RETURNED", "返贫", "returned to poverty after an exit"},
)

// Poverty statuses (贫困状态). The status is the one source of truth: the category and the
// exit year follow from it and its history (PovertyStatusChange).
const (
	StatusNotPoor    PovertyStatus     = "NOT_POOR"
	StatusInPoverty  PovertyStatus     = "IN_POVERTY"
	StatusLifted     PovertyStatus     = "LIFTED"
	StatusMonitored  PovertyStatus     = "AT_RISK"
	StatusReturned   PovertyStatus     = "RETURNED"
	CategoryOrdinary HouseholdCategory = "ORDINARY"
	CategoryLifted   HouseholdCategory = "LIFTED_OUT"
	CategoryWatched  HouseholdCategory = "MONITORED"
)

// CategoryOf is the household category a poverty status implies; the category is never set on
// its own, so the two cannot disagree.
func CategoryOf(s PovertyStatus) HouseholdCategory {
	switch s {
	case StatusInPoverty, StatusReturned:
		return HouseholdRegisteredPoor
	case StatusLifted:
		return CategoryLifted
	case StatusMonitored:
		return CategoryWatched
	}
	return CategoryOrdinary
}

// PovertyStep 贫困状态变更步骤: one entry of a household's poverty history.
type PovertyStep string

const (
	StepIdentified       PovertyStep = "IDENTIFIED"
	StepExitProposed     PovertyStep = "EXIT_PROPOSED"
	StepExitVerified     PovertyStep = "EXIT_VERIFIED"
	StepExitConfirmed    PovertyStep = "EXIT_CONFIRMED"
	StepExitRejected     PovertyStep = "EXIT_REJECTED"
	StepMonitoringOpened PovertyStep = "MONITORING_OPENED"
	StepMonitoringClosed PovertyStep = "MONITORING_CLOSED"
	StepReturned         PovertyStep = "RETURNED"
)

var povertyStepValues = define("PovertyStep",
	Term{"IDENTIFIED", "识别建档", "identified as poor (建档立卡)"},
	Term{"EXIT_PROPOSED", "村评议", "exit proposed by the village"},
	Term{"EXIT_VERIFIED", "乡审核", "exit verified by the township; the public notice (公示) starts"},
	Term{"EXIT_CONFIRMED", "区审定", "exit confirmed by the poverty-alleviation office after the notice period"},
	Term{"EXIT_REJECTED", "退回", "exit proposal rejected, with a reason"},
	Term{"MONITORING_OPENED", "纳入监测", "monitoring opened for a risk"},
	Term{"MONITORING_CLOSED", "风险消除", "monitoring closed: the risk is removed"},
	Term{"RETURNED", "返贫", "returned to poverty"},
)

func (PovertyStep) Values() []string         { return povertyStepValues }
func (e PovertyStep) MarshalGQL(w io.Writer) { marshal(w, e) }
func (e *PovertyStep) UnmarshalGQL(v any) error {
	return unmarshal(v, e, "PovertyStep", povertyStepValues)
}

// ExitStage 脱贫退出进度: where a household's exit application stands.
type ExitStage string

const (
	ExitNone     ExitStage = "NONE"
	ExitProposed ExitStage = "PROPOSED"
	ExitVerified ExitStage = "VERIFIED"
)

var exitStageValues = define("ExitStage",
	Term{"NONE", "未申请", "no exit application pending"},
	Term{"PROPOSED", "村评议通过", "proposed by the village, awaiting the township"},
	Term{"VERIFIED", "乡审核通过（公示中）", "verified by the township, under public notice, awaiting the office"},
)

func (ExitStage) Values() []string         { return exitStageValues }
func (e ExitStage) MarshalGQL(w io.Writer) { marshal(w, e) }
func (e *ExitStage) UnmarshalGQL(v any) error {
	return unmarshal(v, e, "ExitStage", exitStageValues)
}

// MonitoringRisk 监测风险: why a household is under monitoring (防返贫监测).
type MonitoringRisk string

var monitoringRiskValues = define("MonitoringRisk",
	Term{"INCOME_BELOW_LINE", "收入低于监测线", "income below the monitoring line"},
	Term{"ILLNESS", "因病", "illness"},
	Term{"DISASTER", "因灾", "natural disaster"},
	Term{"SUDDEN_EXPENSE", "突发严重困难（刚性支出）", "sudden heavy expense"},
)

func (MonitoringRisk) Values() []string         { return monitoringRiskValues }
func (e MonitoringRisk) MarshalGQL(w io.Writer) { marshal(w, e) }
func (e *MonitoringRisk) UnmarshalGQL(v any) error {
	return unmarshal(v, e, "MonitoringRisk", monitoringRiskValues)
}

func (PovertyStatus) Values() []string         { return povertyStatusValues }
func (e PovertyStatus) MarshalGQL(w io.Writer) { marshal(w, e) }
func (e *PovertyStatus) UnmarshalGQL(v any) error {
	return unmarshal(v, e, "PovertyStatus", povertyStatusValues)
}

// PovertyCause 致贫原因.
type PovertyCause string

var povertyCauseValues = define("PovertyCause",
	Term{"ILLNESS", "因病", "illness"},
	Term{"DISABILITY", "因残", "disability"},
	Term{"SCHOOLING", "因学", "schooling costs"},
	Term{"DISASTER", "因灾", "natural disaster"},
	Term{"LACK_OF_LABOR", "缺劳力", "lack of labour"},
	Term{"LACK_OF_FUNDS", "缺资金", "lack of funds"},
	Term{"LACK_OF_SKILLS", "缺技术", "lack of skills"},
	Term{"LACK_OF_LAND", "缺土地", "lack of land"},
	Term{"LACK_OF_WATER", "缺水", "lack of water"},
	Term{"POOR_TRANSPORT", "交通条件落后", "poor transport"},
	Term{"LACK_OF_DRIVE", "自身发展动力不足", "lack of motivation"},
)

func (PovertyCause) Values() []string         { return povertyCauseValues }
func (e PovertyCause) MarshalGQL(w io.Writer) { marshal(w, e) }
func (e *PovertyCause) UnmarshalGQL(v any) error {
	return unmarshal(v, e, "PovertyCause", povertyCauseValues)
}

// Relation 与户主关系.
type Relation string

const RelationHead Relation = "HEAD"

var relationValues = define("Relation",
	Term{"HEAD", "户主", "head of household"},
	Term{"SPOUSE", "配偶", "spouse"},
	Term{"SON", "子", "son"},
	Term{"DAUGHTER", "女", "daughter"},
	Term{"PARENT", "父母", "parent"},
	Term{"GRANDCHILD", "孙子女", "grandchild"},
	Term{"SIBLING", "兄弟姐妹", "sibling"},
	Term{"CHILD_IN_LAW", "儿媳、女婿", "child-in-law"},
	Term{"OTHER", "其他", "other relative"},
)

func (Relation) Values() []string            { return relationValues }
func (e Relation) MarshalGQL(w io.Writer)    { marshal(w, e) }
func (e *Relation) UnmarshalGQL(v any) error { return unmarshal(v, e, "Relation", relationValues) }

// HealthStatus 健康状况.
type HealthStatus string

var healthStatusValues = define("HealthStatus",
	Term{"HEALTHY", "健康", "healthy"},
	Term{"CHRONIC_ILLNESS", "长期慢性病", "chronic illness"},
	Term{"SERIOUS_ILLNESS", "患有大病", "serious illness"},
	Term{"DISABLED", "残疾", "disabled"},
)

func (HealthStatus) Values() []string         { return healthStatusValues }
func (e HealthStatus) MarshalGQL(w io.Writer) { marshal(w, e) }
func (e *HealthStatus) UnmarshalGQL(v any) error {
	return unmarshal(v, e, "HealthStatus", healthStatusValues)
}

// LaborSkill 劳动技能.
type LaborSkill string

var laborSkillValues = define("LaborSkill",
	Term{"SKILLED", "技能劳动力", "skilled labour"},
	Term{"GENERAL", "普通劳动力", "general labour"},
	Term{"LIMITED", "弱劳动力或半劳动力", "limited labour"},
	Term{"NONE", "无劳动力", "no labour capacity"},
)

func (LaborSkill) Values() []string         { return laborSkillValues }
func (e LaborSkill) MarshalGQL(w io.Writer) { marshal(w, e) }
func (e *LaborSkill) UnmarshalGQL(v any) error {
	return unmarshal(v, e, "LaborSkill", laborSkillValues)
}
