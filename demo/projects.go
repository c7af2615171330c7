package demo

import (
	"context"
	"strings"
	"time"

	"github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/ent/schema/enum"
)

// Demonstration projects (示范引领工程): one per township for 2026, moving through the six
// stages, with their stage history. Across the ten, every stage occurs, and at least one
// project was sent back by its review and advanced again.

type projectSpec struct {
	name        string
	subject     enum.SubjectKind
	subjectName string // "" for a village subject (its name), "%s" is replaced by the village name
	industry    enum.Industry
	inVillage   bool
	goal        string
}

// projectSpecs, one per township in township order.
var projectSpecs = []projectSpec{
	{"食用菌种植示范基地", "COOPERATIVE", "%s食用菌种植专业合作社", "PRIMARY", true, "新建标准化菌棚40栋，年产香菇60万斤，带动120户农户户均增收3000元以上。"},
	{"设施农业大棚产业园", "COOPERATIVE", "%s设施农业专业合作社", "PRIMARY", true, "建设冷棚、暖棚共80栋，发展葡萄和反季节蔬菜，吸纳周边农户就近务工。"},
	{"缸窑陶艺文化乡村旅游", "VILLAGE", "", "TERTIARY", true, "修缮古窑址，建设陶艺体验馆和农家乐，年接待游客2万人次，村集体经济增收20万元。"},
	{"小杂粮精深加工", "PRIVATE_BUSINESS", "南票区丰谷杂粮加工有限公司", "SECONDARY", true, "建设年加工小米、高粱等杂粮3000吨的生产线，订单收购带动500户种植户。"},
	{"村级光伏电站", "TOWNSHIP", "", "SECONDARY", false, "在6个村建设村级光伏电站，总装机1.2兆瓦，收益用于公益岗位和困难群众救助。"},
	{"寒富苹果提质增效", "COOPERATIVE", "%s果品专业合作社", "PRIMARY", true, "改造老果园600亩，推广矮化密植和套袋技术，打造寒富苹果品牌。"},
	{"肉牛标准化养殖", "COOPERATIVE", "%s肉牛养殖专业合作社", "PRIMARY", true, "建设标准化牛舍和青贮窖，存栏肉牛500头，采取“合作社+农户”模式带动养殖户。"},
	{"中药材种植基地", "VILLAGE", "", "PRIMARY", true, "流转土地800亩种植黄芩、桔梗等中药材，与药企签订保底收购协议。"},
	{"农村电商服务中心", "PRIVATE_BUSINESS", "南票区惠农电子商务有限公司", "TERTIARY", true, "建设乡级电商服务中心和村级服务站，年线上销售农产品500万元。"},
	{"柳编扶贫车间", "PRIVATE_BUSINESS", "南票区巧手柳编工艺品厂", "SECONDARY", true, "建设柳编扶贫车间，吸纳留守妇女和残疾人居家就业200人。"},
}

var stages = []enum.ProjectStage{"RESEARCH", "EVALUATION", "APPROVAL", "IMPLEMENTATION", "REVIEW", "COMPLETION"}

// stageDays is how long each stage typically takes.
var stageDays = []int{25, 20, 15, 120, 20, 0}

var stageRemarks = []string{
	"开展市场和资源调研，召开党员群众座谈会听取意见。",
	"调研报告完成，组织专家和有关部门进行可行性评估。",
	"评估通过，经区党建促脱贫工作领导小组审议立项。",
	"项目立项，落实资金和用地，开工建设。",
	"项目建设完成，提交评审。",
	"评审通过，项目结题，纳入年度述职和考核。",
}

// currentStages of the ten projects before shuffling: every stage at least once.
var currentStages = []int{0, 1, 2, 2, 3, 3, 3, 4, 4, 5}

type stageRecord struct {
	stage   int
	result  enum.StageResult
	remarks string
	at      time.Time
}

func (l *loader) loadProjects(ctx context.Context) error {
	r := l.r
	current := shuffled(r, currentStages)
	returnedOne := false
	var (
		pbs     []*ent.DemoProjectCreate
		history [][]stageRecord
		subject []*village
	)
	for i, t := range l.townships {
		spec := projectSpecs[i]
		var v *village
		if spec.inVillage {
			v = pick(r, t.villages)
		}
		// Reviews send some projects back; make sure the demo shows at least one.
		returned := current[i] >= 4 && (!returnedOne || r.chance(0.4))
		returnedOne = returnedOne || returned
		recs := l.stageHistory(current[i], returned)
		deadline := day(2026, 12, 31)
		if current[i] <= 2 {
			deadline = day(2027, 6, 30)
		}
		b := l.tx.DemoProject.Create().SetTownshipID(t.id).SetYear(2026).SetName(t.name() + spec.name).
			SetSubjectKind(spec.subject).SetSubjectName(subjectName(spec, t, v)).SetIndustry(spec.industry).
			SetGoal(spec.goal).SetDeadline(deadline).SetStage(stages[current[i]])
		if v != nil {
			b.SetVillageID(v.id)
		}
		if due := stageDue(recs[len(recs)-1]); !due.IsZero() {
			b.SetStageDueOn(due)
		}
		pbs = append(pbs, b)
		history = append(history, recs)
		subject = append(subject, v)
	}
	rows, err := insert(ctx, l, "DemoProject", pbs, func(ctx context.Context, b []*ent.DemoProjectCreate) ([]*ent.DemoProject, error) {
		return l.tx.DemoProject.CreateBulk(b...).Save(ctx)
	})
	if err != nil {
		return err
	}
	var sbs []*ent.DemoProjectStageCreate
	for i, row := range rows {
		for _, rec := range history[i] {
			sbs = append(sbs, l.stageBuilder(row.ID, l.townships[i], subject[i], rec))
		}
	}
	_, err = insert(ctx, l, "DemoProjectStage", sbs, func(ctx context.Context, b []*ent.DemoProjectStageCreate) ([]*ent.DemoProjectStage, error) {
		return l.tx.DemoProjectStage.CreateBulk(b...).Save(ctx)
	})
	return err
}

func subjectName(spec projectSpec, t *township, v *village) string {
	switch {
	case spec.subject == "TOWNSHIP":
		return t.name() + "人民政府"
	case spec.subject == "VILLAGE":
		return t.name() + v.name
	case v != nil:
		return strings.ReplaceAll(spec.subjectName, "%s", v.name)
	}
	return spec.subjectName
}

// stageHistory: STARTED in RESEARCH, ADVANCED into each later stage reached; a returned
// project went REVIEW → back to IMPLEMENTATION → REVIEW again. The records are spread from the
// project's start to shortly before demo today.
func (l *loader) stageHistory(current int, returned bool) []stageRecord {
	r := l.r
	recs := []stageRecord{{stage: 0, result: "STARTED", remarks: stageRemarks[0]}}
	for s := 1; s <= current; s++ {
		recs = append(recs, stageRecord{stage: s, result: "ADVANCED", remarks: stageRemarks[s]})
		if returned && s == 4 {
			recs = append(recs,
				stageRecord{stage: 3, result: "RETURNED", remarks: "评审发现带动农户增收台账不完整、部分建设内容未完成，退回实施阶段整改。"},
				stageRecord{stage: 4, result: "ADVANCED", remarks: "整改完成，重新提交评审。"})
		}
	}
	start := r.dateBetween(day(2026, 1, 10), day(2026, 3, 10))
	if current <= 1 {
		start = r.dateBetween(day(2026, 7, 1), day(2026, 9, 30)) // a late starter
	}
	gaps := make([]float64, len(recs))
	total := 0.0
	for i := 1; i < len(recs); i++ {
		prev := recs[i-1]
		gaps[i] = float64(stageDays[prev.stage]) * (0.6 + 0.6*r.Float64())
		if prev.result == "RETURNED" {
			gaps[i] = float64(r.between(15, 30)) // the fix-up after a return is short
		}
		total += gaps[i]
	}
	avail := demoToday.AddDate(0, 0, -5).Sub(start).Hours() / 24
	scale := 1.0
	if total > avail {
		scale = avail / total
	}
	at, offset := start, 0.0
	for i := range recs {
		offset += gaps[i] * scale
		at = start.AddDate(0, 0, int(offset))
		recs[i].at = r.officeHours(at)
	}
	return recs
}

// stageDue is the deadline a record sets for the stage it enters (none once completed; a
// month to put right what a review sent back).
func stageDue(rec stageRecord) time.Time {
	days := stageDays[rec.stage]
	if rec.result == "RETURNED" {
		days = 30
	}
	if days == 0 {
		return time.Time{}
	}
	return dateOf(rec.at).AddDate(0, 0, days)
}

func (l *loader) stageBuilder(projectID int, t *township, v *village, rec stageRecord) *ent.DemoProjectStageCreate {
	actor := t.staff[0].name // the township's party secretary moves its project…
	if rec.result == "RETURNED" || stages[rec.stage] == "APPROVAL" || stages[rec.stage] == "COMPLETION" {
		actor = l.deptByCode["D02"].cadres[1].name // …approval and reviews are the organisation department's
	}
	b := l.tx.DemoProjectStage.Create().SetProjectID(projectID).SetStage(stages[rec.stage]).SetResult(rec.result).
		SetRemarks(rec.remarks).SetActorName(actor).SetTownshipID(t.id).
		SetCreatedAt(rec.at).SetUpdatedAt(rec.at) // createdAt is when the project moved
	if v != nil {
		b.SetVillageID(v.id)
	}
	if due := stageDue(rec); !due.IsZero() {
		b.SetDueOn(due)
	}
	return b
}
