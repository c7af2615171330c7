package stats

import (
	"context"

	"entgo.io/ent/dialect/sql"

	"github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/ent/demoproject"
	"github.com/nanpiao/sbqw/ent/demoprojectstage"
	"github.com/nanpiao/sbqw/ent/predicate"
	"github.com/nanpiao/sbqw/ent/schema/enum"
)

// DemoProjectStageCount 示范工程步骤统计: the projects in one stage and how many of them are
// overdue.
type DemoProjectStageCount struct {
	Stage    enum.ProjectStage
	Projects int
	// Overdue: the stage's deadline (stageDueOn) is before today and the project is not
	// completed.
	Overdue int
}

// overdueProject: the current stage's deadline has passed and the project is not completed.
func overdueProject() predicate.DemoProject {
	return demoproject.And(demoproject.StageNEQ(enum.StageCompletion), demoproject.StageDueOnLT(today()))
}

// DemoProjectStats: the caller's demonstration projects (of year, when given) per stage, every
// stage listed in order. With a day named (asOf): the projects whose history had begun by then,
// each in the stage its history (DemoProjectStage rows, by createdAt) had reached by then,
// overdue when that stage's deadline was before that day.
func DemoProjectStats(ctx context.Context, client *ent.Client, year *int, at AsOf) ([]*DemoProjectStageCount, error) {
	if err := checkOptionalYear(year); err != nil {
		return nil, err
	}
	return demoProjectStats(ctx, client, year, 0, at)
}

// startedBy: the project's stage history had begun by the day counted on.
func startedBy(ctx context.Context, at AsOf) predicate.DemoProject {
	return stageOn(ctx, at, func(*sql.SelectTable) *sql.Predicate { return sql.ExprP("1 = 1") })
}

// stageOn: the project's last stage row created by the day counted on satisfies cond.
func stageOn(ctx context.Context, at AsOf, cond func(t *sql.SelectTable) *sql.Predicate) predicate.DemoProject {
	return lastRowBefore(ctx, ent.TypeDemoProjectStage, demoprojectstage.Table, demoprojectstage.FieldProjectID, at.before(), cond)
}

func demoProjectStats(ctx context.Context, client *ent.Client, year *int, townshipID int, at AsOf) ([]*DemoProjectStageCount, error) {
	q := client.DemoProject.Query().Where(predicate.DemoProject(inTownship(townshipID)))
	if year != nil {
		q.Where(demoproject.Year(*year))
	}
	var rows []struct {
		Stage    string `sql:"stage"`
		Projects int    `sql:"projects"`
		Overdue  int    `sql:"overdue"`
	}
	var err error
	if !at.given() {
		err = q.Modify(grouped([]key{by(demoproject.FieldStage)}, countAll("projects"), countIf("overdue", overdueProject()))).
			Scan(ctx, &rows)
	} else {
		// One count per stage, of the stage replayed from the history.
		day := at.Day()
		for _, v := range enum.ProjectStage("").Values() {
			in := func(t *sql.SelectTable) *sql.Predicate { return sql.EQ(t.C(demoprojectstage.FieldStage), v) }
			late := func(t *sql.SelectTable) *sql.Predicate {
				return sql.And(in(t), sql.LT(t.C(demoprojectstage.FieldDueOn), day))
			}
			if v == string(enum.StageCompletion) {
				late = func(*sql.SelectTable) *sql.Predicate { return sql.ExprP("1 = 0") }
			}
			var rs []struct {
				Stage    string `sql:"stage"`
				Projects int    `sql:"projects"`
				Overdue  int    `sql:"overdue"`
			}
			err = q.Clone().Where(stageOn(ctx, at, in)).Modify(grouped([]key{{as: "stage", total: true}}, countAll("projects"), countIf("overdue", stageOn(ctx, at, late))), nonEmpty).
				Scan(ctx, &rs)
			if err != nil {
				break
			}
			for _, r := range rs {
				r.Stage = v
				rows = append(rows, r)
			}
		}
	}
	if err != nil {
		return nil, err
	}
	out := make([]*DemoProjectStageCount, 0, 6)
	for _, v := range enum.ProjectStage("").Values() {
		c := &DemoProjectStageCount{Stage: enum.ProjectStage(v)}
		for _, r := range rows {
			if r.Stage == v {
				c.Projects, c.Overdue = r.Projects, r.Overdue
			}
		}
		out = append(out, c)
	}
	return out, nil
}

// AnnualDemoProject is a township's demonstration project in its annual report.
type AnnualDemoProject struct {
	Project *ent.DemoProject
	Overdue bool
}

// demoProjectsOf lists the township's projects of year with their overdue flag, decided by the
// same predicate as the statistics (in SQL).
func demoProjectsOf(ctx context.Context, client *ent.Client, townshipID, year int) ([]*AnnualDemoProject, error) {
	q := client.DemoProject.Query().Where(demoproject.TownshipID(townshipID), demoproject.Year(year))
	overdue, err := q.Clone().Where(overdueProject()).IDs(ctx)
	if err != nil {
		return nil, err
	}
	late := map[int]bool{}
	for _, id := range overdue {
		late[id] = true
	}
	ps, err := q.Order(ent.Asc(demoproject.FieldID)).All(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]*AnnualDemoProject, len(ps))
	for i, p := range ps {
		out[i] = &AnnualDemoProject{Project: p, Overdue: late[p.ID]}
	}
	return out, nil
}
