package demo

import (
	"context"
	"time"

	"github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/ent/schema/enum"
	"github.com/nanpiao/sbqw/internal/clock"
	"github.com/nanpiao/sbqw/yearclose"
)

// The closed year: every township also ran a demonstration project in 2025, carried through
// all six steps within the year, with its investments and results; at the end of the load the
// district closes 2025 (年度关账), so the demo shows frozen reports and a locked year. Loaded
// after everything else, so the random draws of the other areas are unchanged.

// ClosedYear is the year the demo district has closed.
const ClosedYear = 2025

var projects2025 = []string{
	"高效节水灌溉", "林下经济示范", "红薯育苗基地", "村级扶贫车间", "庭院经济示范",
	"生猪代养场", "冷链仓储中心", "小米品牌提升", "光伏+大棚", "农家乐示范带",
}

// stageDates2025: when each of the six steps was entered.
var stageDates2025 = []time.Time{day(2025, 2, 20), day(2025, 3, 25), day(2025, 4, 20), day(2025, 5, 10), day(2025, 10, 20), day(2025, 12, 10)}

func (l *loader) loadProjects2025(ctx context.Context) error {
	r := l.r
	var pbs []*ent.DemoProjectCreate
	var subject []*village
	for i, t := range l.townships {
		spec := projectSpecs[(i+3)%len(projectSpecs)]
		var v *village
		if spec.inVillage {
			v = pick(r, t.villages)
		}
		b := l.tx.DemoProject.Create().SetTownshipID(t.id).SetYear(ClosedYear).SetName(t.name() + projects2025[i%len(projects2025)]).
			SetSubjectKind(spec.subject).SetSubjectName(subjectName(spec, t, v)).SetIndustry(spec.industry).
			SetGoal(spec.goal).SetDeadline(day(ClosedYear, 12, 31)).SetStage(stages[len(stages)-1]).
			SetCreatedAt(stageDates2025[0]).SetUpdatedAt(stageDates2025[len(stageDates2025)-1])
		if v != nil {
			b.SetVillageID(v.id)
		}
		pbs = append(pbs, b)
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
		for s := range stages {
			result := "ADVANCED"
			if s == 0 {
				result = "STARTED"
			}
			rec := stageRecord{stage: s, result: enum.StageResult(result), remarks: stageRemarks[s], at: stageDates2025[s].Add(9 * time.Hour)}
			sbs = append(sbs, l.stageBuilder(row.ID, l.townships[i], subject[i], rec))
		}
	}
	if _, err := insert(ctx, l, "DemoProjectStage", sbs, func(ctx context.Context, b []*ent.DemoProjectStageCreate) ([]*ent.DemoProjectStage, error) {
		return l.tx.DemoProjectStage.CreateBulk(b...).Save(ctx)
	}); err != nil {
		return err
	}
	return l.outcomesOf(ctx, ClosedYear)
}

// closeYear2025 closes the demo's past year as the district would (once it has ended).
func (l *loader) closeYear2025(ctx context.Context) error {
	if !l.closesYear || clock.Today().Year() <= ClosedYear {
		return nil
	}
	c := l.tx.Client()
	_, err := yearclose.Close(ctx, c, c, ClosedYear)
	return err
}
