package demo

import (
	"context"
	"time"

	"github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/ent/schema/enum"
)

// The secretaries' "1+X" training (the comprehensive course every village secretary attends
// plus field visits and skill classes for some) and the yearly assessment of the five
// capability gains (per secretary) and six performance gains (per village).

type courseSpec struct {
	name     string
	kind     enum.CourseKind
	hours    float64
	start    time.Time
	end      time.Time
	location string
	topic    string
}

var courseSpecs = []courseSpec{
	{"2025年全区村党组织书记综合培训班", "COMPREHENSIVE", 40, day(2025, 3, 17), day(2025, 3, 21), "区委党校", "党的创新理论、乡村振兴政策、基层党建实务、村级财务管理"},
	{"赴兴城市乡村振兴示范村参观考察", "FIELD_VISIT", 16, day(2025, 6, 17), day(2025, 6, 18), "葫芦岛兴城市", "乡村振兴示范村建设"},
	{"肉牛养殖技术培训班", "SKILL_CLASS", 12, day(2025, 9, 9), day(2025, 9, 10), "沙锅屯乡", "肉牛饲养管理与疫病防治"},
	{"2026年全区村党组织书记综合培训班", "COMPREHENSIVE", 40, day(2026, 3, 16), day(2026, 3, 20), "区委党校", "党的创新理论、巩固脱贫成果、基层党建实务、依法治村"},
	{"食用菌栽培技术培训班", "SKILL_CLASS", 12, day(2026, 4, 8), day(2026, 4, 9), "暖池塘镇食用菌基地", "香菇、平菇栽培管理"},
	{"赴喀左县设施农业参观考察", "FIELD_VISIT", 16, day(2026, 4, 21), day(2026, 4, 22), "朝阳市喀左县", "设施农业与合作社运营"},
	{"赴新民市农村电商学习考察", "FIELD_VISIT", 16, day(2026, 5, 19), day(2026, 5, 20), "沈阳新民市", "农村电商与农产品品牌建设"},
	{"农村电商直播带货培训班", "SKILL_CLASS", 12, day(2026, 6, 10), day(2026, 6, 11), "区融媒体中心", "短视频和直播销售农产品"},
	{"赴桓仁县乡村旅游参观考察", "FIELD_VISIT", 24, day(2026, 7, 14), day(2026, 7, 16), "本溪市桓仁满族自治县", "乡村旅游与民宿经营"},
	{"村级财务管理培训班", "SKILL_CLASS", 8, day(2026, 8, 25), day(2026, 8, 25), "区委党校", "村级财务制度与“四议两公开”"},
	{"赴凌海市现代农业园区参观考察", "FIELD_VISIT", 8, day(2026, 9, 8), day(2026, 9, 8), "锦州凌海市", "现代农业园区建设"},
	{"矛盾纠纷调解实务培训班", "SKILL_CLASS", 8, day(2026, 11, 18), day(2026, 11, 18), "区司法局", "人民调解实务"}, // not held yet
}

func (l *loader) loadTraining(ctx context.Context) error {
	var cbs []*ent.TrainingCourseCreate
	for _, c := range courseSpecs {
		cbs = append(cbs, l.tx.TrainingCourse.Create().SetName(c.name).SetKind(c.kind).SetYear(c.start.Year()).
			SetHours(c.hours).SetStartOn(c.start).SetEndOn(c.end).SetLocation(c.location).SetTopic(c.topic))
	}
	rows, err := insert(ctx, l, "TrainingCourse", cbs, func(ctx context.Context, b []*ent.TrainingCourseCreate) ([]*ent.TrainingCourse, error) {
		return l.tx.TrainingCourse.CreateBulk(b...).Save(ctx)
	})
	if err != nil {
		return err
	}
	var ebs []*ent.TrainingEnrollmentCreate
	for i, c := range courseSpecs {
		enrolled := l.villages // the "1": every secretary
		if c.kind != "COMPREHENSIVE" {
			enrolled = nil
			for _, vi := range l.r.sample(len(l.villages), l.r.between(15, 40)) {
				enrolled = append(enrolled, l.villages[vi])
			}
		}
		for _, v := range enrolled {
			ebs = append(ebs, l.enrollment(rows[i].ID, c, v))
		}
	}
	_, err = insert(ctx, l, "TrainingEnrollment", ebs, func(ctx context.Context, b []*ent.TrainingEnrollmentCreate) ([]*ent.TrainingEnrollment, error) {
		return l.tx.TrainingEnrollment.CreateBulk(b...).Save(ctx)
	})
	return err
}

// enrollment of the village's secretary: a course not held yet is only ENROLLED; field visits
// are not graded.
func (l *loader) enrollment(courseID int, c courseSpec, v *village) *ent.TrainingEnrollmentCreate {
	r := l.r
	s := v.secretary
	b := l.tx.TrainingEnrollment.Create().SetCourseID(courseID).SetSecretaryID(s.id).
		SetNillableTownshipID(s.tID).SetNillableVillageID(s.vID)
	if c.start.After(demoToday) {
		return b.SetAttendance("ENROLLED")
	}
	attendance := choose(r, []weighted[enum.Attendance]{{"ATTENDED", 90}, {"EXCUSED", 6}, {"ABSENT", 4}})
	b.SetAttendance(attendance)
	if attendance != "ATTENDED" {
		return b
	}
	hours := c.hours
	if r.chance(0.15) {
		hours -= float64(r.between(2, 4)) // missed a session
	}
	b.SetHoursAttended(hours)
	if c.kind != "FIELD_VISIT" {
		b.SetGrade(choose(r, []weighted[enum.Grade]{{"EXCELLENT", 25}, {"GOOD", 45}, {"PASS", 27}, {"FAIL", 3}}))
	}
	return b
}

var capabilityIndicators = []enum.Indicator{
	"CAP_SCIENTIFIC_DEVELOPMENT", "CAP_LEADING_TO_PROSPERITY", "CAP_CLOSE_TIES", "CAP_RURAL_STABILITY", "CAP_BRANCH_BUILDING",
}

var performanceIndicators = []enum.Indicator{
	"PERF_RURAL_ECONOMY", "PERF_MATERIAL_CIVILIZATION", "PERF_SPIRITUAL_CIVILIZATION", "PERF_ENVIRONMENT",
	"PERF_GRASSROOTS_DEMOCRACY", "PERF_GRASSROOTS_ORGANIZATION",
}

// loadAssessments scores 2026 on a 100-point scale: each secretary's five capabilities and each
// village's six performances, with a baseline, a target and — where the mid-year assessment
// has been done — the value reached.
func (l *loader) loadAssessments(ctx context.Context) error {
	var bs []*ent.AssessmentCreate
	for _, v := range l.villages {
		for _, ind := range capabilityIndicators {
			bs = append(bs, l.assessment(v, ind).SetSecretaryID(v.secretary.id))
		}
		for _, ind := range performanceIndicators {
			bs = append(bs, l.assessment(v, ind))
		}
	}
	_, err := insert(ctx, l, "Assessment", bs, func(ctx context.Context, b []*ent.AssessmentCreate) ([]*ent.Assessment, error) {
		return l.tx.Assessment.CreateBulk(b...).Save(ctx)
	})
	return err
}

func (l *loader) assessment(v *village, ind enum.Indicator) *ent.AssessmentCreate {
	r := l.r
	baseline := r.floatBetween(58, 82)
	if v.weak {
		baseline = r.floatBetween(45, 65)
	}
	target := min(round1(baseline+r.floatBetween(5, 12)), 100)
	b := l.tx.Assessment.Create().SetVillageID(v.id).SetTownshipID(v.t.id).SetYear(2026).SetIndicator(ind).
		SetBaseline(baseline).SetTarget(target)
	if r.chance(0.78) {
		actual := min(max(round1(target+r.floatBetween(-9, 5)), 0), 100)
		b.SetActual(actual)
		if actual < baseline {
			b.SetRemarks("较基期有所下降，已约谈村党组织书记并制定整改措施。")
		}
	} else {
		b.SetRemarks("年中评估尚未完成。")
	}
	return b
}
