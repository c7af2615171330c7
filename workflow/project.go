package workflow

import (
	"context"
	"time"

	"github.com/nanpiao/sbqw/apperr"
	"github.com/nanpiao/sbqw/authz"
	"github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/ent/demoproject"
	"github.com/nanpiao/sbqw/ent/hook"
	"github.com/nanpiao/sbqw/ent/schema/enum"
)

// A demonstration project (示范引领工程) moves through 调研 → 评估 → 立项 → 实施 → 评审 → 结题 one
// step at a time. Moving into a stage is the action "advance:<STAGE>", so the policy says who
// may take each step: a township its own project into EVALUATION and IMPLEMENTATION; the
// district approves (APPROVAL), reviews (REVIEW) and closes (COMPLETION). An evaluation or a
// review may send the project back one step ("return") with a reason. Every move is a stage
// record.

var stages = []enum.ProjectStage{enum.StageResearch, enum.StageEvaluation, enum.StageApproval,
	enum.StageImplementation, enum.StageReview, enum.StageCompletion}

var stageNames = map[enum.ProjectStage]string{enum.StageResearch: "调研", enum.StageEvaluation: "评估",
	enum.StageApproval: "立项", enum.StageImplementation: "实施", enum.StageReview: "评审", enum.StageCompletion: "结题"}

// AdvanceProject moves a project one stage forward from the stage the caller saw (from). The
// step left must have its content (recorded before or given in content); a move into
// COMPLETION carries the final figures in content.
func AdvanceProject(ctx context.Context, tx *ent.Client, id int, from enum.ProjectStage, remarks string, dueOn *time.Time, content *StageContent) (*ent.DemoProject, error) {
	return moveProject(ctx, tx, id, from, +1, remarks, dueOn, content)
}

// ReturnProject sends a project under evaluation or review back one stage, with a reason.
func ReturnProject(ctx context.Context, tx *ent.Client, id int, from enum.ProjectStage, reason string, dueOn *time.Time) (*ent.DemoProject, error) {
	if len([]rune(reason)) < 2 {
		return nil, apperr.Invalid("reason", "say why the project goes back (请填写退回理由)")
	}
	return moveProject(ctx, tx, id, from, -1, reason, dueOn, nil)
}

// moveProject takes one step from stage from. The caller names the stage it leaves, so a
// retried or concurrent request finds the project moved on and is refused (CONFLICT) instead of
// moving it a second time; the row lock makes the stage read here the one the update replaces.
func moveProject(ctx context.Context, tx *ent.Client, id int, from enum.ProjectStage, step int, remarks string, dueOn *time.Time, content *StageContent) (*ent.DemoProject, error) {
	p, err := lockProjectAt(ctx, tx, id, from)
	if err != nil {
		return nil, err
	}
	at := p.Stage.Index()
	next := at + step
	action := authz.ActionReturn
	result := enum.StageReturned
	switch {
	case step > 0 && next >= len(stages):
		return nil, apperr.Rule("the project is complete (结题); there is no further stage (工程已结题)")
	case step > 0:
		action, result = authz.ActionAdvance(stages[next]), enum.StageAdvanced
	case p.Stage != enum.StageEvaluation && p.Stage != enum.StageReview:
		return nil, apperr.Rule("only an evaluation (评估) or a review (评审) may send a project back; it is at %s (%s) (当前阶段不能退回)", p.Stage, stageNames[p.Stage])
	}
	to := stages[next]
	ctx = authz.WithAction(ctx, action)
	if err := authz.CheckRecord(ctx, tx, ent.TypeDemoProject, id, action); err != nil {
		return nil, apperr.Forbiddenf("your role may not move a project into %s (%s) (无权将工程推进到%s)", to, stageNames[to], stageNames[to])
	}
	if dueOn != nil && dueOn.Before(today()) {
		return nil, apperr.Invalid("dueOn", "the deadline is in the past (时限不能早于今天)")
	}
	if step > 0 {
		if err := finishStage(ctx, tx, p, to, content); err != nil {
			return nil, err
		}
	}
	upd := tx.DemoProject.UpdateOneID(id).Where(demoproject.StageEQ(p.Stage)).SetStage(to)
	if dueOn != nil {
		upd.SetStageDueOn(*dueOn)
	} else {
		upd.ClearStageDueOn()
	}
	updated, err := upd.Save(ctx)
	if ent.IsNotFound(err) {
		return nil, apperr.Conflictf("the project was moved by someone else meanwhile; reload it (工程阶段已变化，请刷新)")
	}
	if err != nil {
		return nil, err
	}
	rec, err := recordStage(ctx, tx, updated, result, remarks, dueOn)
	if err != nil || to != enum.StageCompletion {
		return updated, err
	}
	_, err = writeContent(ctx, tx, rec, to, content)
	return updated, err
}

func recordStage(ctx context.Context, tx *ent.Client, p *ent.DemoProject, result enum.StageResult, remarks string, dueOn *time.Time) (*ent.DemoProjectStage, error) {
	actorID, actorName := actorOf(ctx)
	return tx.DemoProjectStage.Create().SetProjectID(p.ID).SetStage(p.Stage).SetResult(result).SetRemarks(remarks).
		SetNillableDueOn(dueOn).SetNillableActorID(actorID).SetActorName(truncate(actorName, 64)).
		Save(authz.Bypass(ctx, "project stage"))
}

// ProjectRules: a project starts at RESEARCH (its STARTED stage record is written with it)
// and its stage changes only through AdvanceProject and ReturnProject.
func ProjectRules() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.DemoProjectFunc(func(ctx context.Context, m *ent.DemoProjectMutation) (ent.Value, error) {
			if authz.IsSystem(ctx) {
				return next.Mutate(ctx, m)
			}
			if m.Op().Is(ent.OpCreate) {
				m.SetStage(enum.StageResearch)
				value, err := next.Mutate(ctx, m)
				if err != nil {
					return nil, err
				}
				p := value.(*ent.DemoProject)
				_, err = recordStage(ctx, m.Client(), p, enum.StageStarted, "", p.StageDueOn)
				return p, err
			}
			if _, moving := m.Stage(); moving && !authz.IsWorkflowStep(ctx) {
				return nil, apperr.Invalid("stage", "change the stage with advanceDemoProject or returnDemoProject")
			}
			return next.Mutate(ctx, m)
		})
	}, ent.OpCreate|ent.OpUpdateOne|ent.OpUpdate)
}

// Overdue reports whether a deadline has passed while the work it bounds is still open.
func Overdue(due *time.Time, open bool) bool {
	return open && due != nil && due.Before(today())
}
