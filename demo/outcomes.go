package demo

import (
	"context"
	"fmt"

	"github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/ent/demoproject"
	"github.com/nanpiao/sbqw/ent/demoprojectstage"
	"github.com/nanpiao/sbqw/ent/schema/enum"
	"github.com/nanpiao/sbqw/money"
)

// What the demonstration projects cost and achieved: every project gets its investment from
// three to six funding sources (planned; actual in proportion to how far it has got), the
// households and persons it drives, their income gain, new collective income and jobs; every
// stage record of a step already passed carries that step's content, and a completed
// project its final figures. Loaded last, so the random draws of the other areas are unchanged.

// sourceShares: typical weight of each funding source in a project's budget (财政专项 first).
var sourceShares = []struct {
	source enum.FundingSource
	share  int // percent of the budget, before jitter
	always bool
}{
	{"FISCAL_SPECIAL", 40, true},
	{"INTEGRATED_AGRICULTURAL", 20, true},
	{"SOCIAL_ASSISTANCE", 10, false},
	{"VILLAGE_COLLECTIVE", 8, false},
	{"ENTERPRISE_COOPERATIVE", 17, true},
	{"SELF_RAISED", 5, false},
}

// spentShare: the share (percent) of the plan actually invested by the stage a project is at.
var spentShare = map[enum.ProjectStage]int{"RESEARCH": 0, "EVALUATION": 0, "APPROVAL": 10, "IMPLEMENTATION": 60, "REVIEW": 95, "COMPLETION": 100}

var reviewGrades = []enum.ReviewGrade{"EXCELLENT", "GOOD", "GOOD", "PASS"}

func (l *loader) loadOutcomes(ctx context.Context) error {
	return l.outcomesOf(ctx, 2026)
}

// outcomesOf gives the projects of year their investments, figures and stage content.
func (l *loader) outcomesOf(ctx context.Context, year int) error {
	r := l.r
	projects, err := l.tx.DemoProject.Query().Where(demoproject.Year(year)).WithStages(func(q *ent.DemoProjectStageQuery) {
		q.Order(ent.Asc(demoprojectstage.FieldID))
	}).Where(demoproject.TownshipIDIn(l.townshipIDs()...)).Order(ent.Asc(demoproject.FieldID)).All(ctx)
	if err != nil {
		return err
	}
	var ibs []*ent.ProjectInvestmentCreate
	for _, p := range projects {
		budget := money.Yuan(int64(r.between(80, 600)) * 10_000) // 80万–600万元
		at := p.Stage.Index()
		var planned money.Fen
		for _, s := range sourceShares {
			if !s.always && !r.chance(0.6) {
				continue
			}
			amount := budget * money.Fen(s.share*r.between(80, 120)) / 10_000 / 100 * 100 // whole yuan
			amount += money.Fen(r.between(0, 99))                                         // and some fen
			actual := amount * money.Fen(spentShare[p.Stage]) / 100
			planned += amount
			ibs = append(ibs, l.tx.ProjectInvestment.Create().SetProjectID(p.ID).SetSource(s.source).
				SetPlanned(amount).SetActual(actual).SetTownshipID(p.TownshipID).SetNillableVillageID(p.VillageID))
		}
		households := r.between(40, 500)
		u := l.tx.DemoProject.UpdateOne(p).SetHouseholdsDriven(households).
			SetPersonsDriven(households * r.between(22, 32) / 10).
			SetNeedyHouseholdsDriven(households * r.between(15, 45) / 100).
			SetJobsCreated(r.between(5, 120))
		if at >= 3 { // gains are reported once the project is being built
			u.SetIncomeGainPerHousehold(money.Yuan(int64(r.between(800, 4500))) + money.Fen(r.between(0, 99)))
			u.SetNewCollectiveIncome(money.Yuan(int64(r.between(2, 30)) * 10_000))
		}
		if err := u.Exec(ctx); err != nil {
			return err
		}
		// Every step the project has left (and a completed one) carries its content.
		recs := p.Edges.Stages
		for i, rec := range recs {
			if i == len(recs)-1 && rec.Stage != enum.StageCompletion {
				continue
			}
			sentBack := i+1 < len(recs) && recs[i+1].Result == enum.StageReturned
			if err := l.stageContent(r, rec, planned, households, sentBack).Exec(ctx); err != nil {
				return err
			}
		}
	}
	_, err = insert(ctx, l, "ProjectInvestment", ibs, func(ctx context.Context, b []*ent.ProjectInvestmentCreate) ([]*ent.ProjectInvestment, error) {
		return l.tx.ProjectInvestment.CreateBulk(b...).Save(ctx)
	})
	return err
}

// stageContent fills in what the step of rec recorded; a review that sent the project back
// graded it FAIL.
func (l *loader) stageContent(r *rng, rec *ent.DemoProjectStage, planned money.Fen, households int, sentBack bool) *ent.DemoProjectStageUpdateOne {
	u := l.tx.DemoProjectStage.UpdateOne(rec)
	switch rec.Stage {
	case enum.StageResearch:
		u.SetFindings(pick(r, []string{
			"走访农户120户，群众发展意愿强烈；周边有稳定销售渠道，土地流转条件成熟。",
			"召开党员群众座谈会3次，产业基础较好，但缺少技术和冷链设施，需引入龙头企业。",
			"资源禀赋适合发展特色产业，村“两委”班子有带动能力，困难户参与意愿高。",
		}))
	case enum.StageEvaluation:
		u.SetEvaluationScore(r.between(78, 96)).SetEvaluationConclusion("项目可行，效益测算合理，同意进入立项程序。")
	case enum.StageApproval:
		u.SetApprovalNumber(fmt.Sprintf("南党促脱〔%d〕%d号", rec.CreatedAt.Year(), r.between(3, 40))).SetApprovedBudget(planned)
	case enum.StageImplementation:
		u.SetProgressPercent(100).SetSpentToDate(planned * 95 / 100).
			SetMilestones([]string{"完成土地流转和场地平整", "主体工程建成", "设备安装调试并投产"})
	case enum.StageReview:
		if sentBack {
			u.SetReviewGrade(enum.ReviewFail).SetReviewRemarks("效益数据不完整，退回补充实施材料。")
		} else {
			u.SetReviewGrade(pick(r, reviewGrades)).SetReviewRemarks("资料齐全，带贫机制健全，效益明显。")
		}
	case enum.StageCompletion:
		u.SetFinalInvestment(planned).SetFinalHouseholdsDriven(households).SetAcceptanceDate(dateOf(rec.CreatedAt))
	}
	return u
}
