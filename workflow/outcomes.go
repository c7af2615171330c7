package workflow

import (
	"context"
	"strings"
	"time"

	"github.com/nanpiao/sbqw/apperr"
	"github.com/nanpiao/sbqw/authz"
	"github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/ent/demoprojectstage"
	"github.com/nanpiao/sbqw/ent/projectinvestment"
	"github.com/nanpiao/sbqw/ent/schema/enum"
	"github.com/nanpiao/sbqw/money"
)

// What each step of a demonstration project records. Every stage record carries the content
// of its own step; a step is not finished until its required content is there, so a project
// cannot leave a stage (advanceDemoProject) without it, and cannot be completed (结题) without
// its final figures and acceptance date, given with the move into COMPLETION.

// StageContent is what a caller records for a step (the StageContentInput of the API). Only the
// fields of the step concerned may be given.
type StageContent struct {
	Findings              *string
	EvaluationScore       *int
	EvaluationConclusion  *string
	ApprovalNumber        *string
	ApprovedBudget        *money.Fen
	ProgressPercent       *int
	SpentToDate           *money.Fen
	Milestones            []string
	ReviewGrade           *enum.ReviewGrade
	ReviewRemarks         *string
	FinalInvestment       *money.Fen
	FinalHouseholdsDriven *int
	AcceptanceDate        *time.Time
}

// contentField is one field of a step's content: its GraphQL name, the step it belongs to,
// whether the step needs it, whether a caller gave it, whether a record holds it, and how to
// write it.
type contentField struct {
	name     string
	stage    enum.ProjectStage
	required bool
	given    func(c *StageContent) bool
	held     func(r *ent.DemoProjectStage) bool
	set      func(u *ent.DemoProjectStageUpdateOne, c *StageContent)
}

func text(s *string) bool { return s != nil && strings.TrimSpace(*s) != "" }

var contentFields = []contentField{
	{"findings", enum.StageResearch, true, func(c *StageContent) bool { return c.Findings != nil },
		func(r *ent.DemoProjectStage) bool { return text(r.Findings) },
		func(u *ent.DemoProjectStageUpdateOne, c *StageContent) { u.SetFindings(strings.TrimSpace(*c.Findings)) }},
	{"evaluationScore", enum.StageEvaluation, true, func(c *StageContent) bool { return c.EvaluationScore != nil },
		func(r *ent.DemoProjectStage) bool { return r.EvaluationScore != nil },
		func(u *ent.DemoProjectStageUpdateOne, c *StageContent) { u.SetEvaluationScore(*c.EvaluationScore) }},
	{"evaluationConclusion", enum.StageEvaluation, true, func(c *StageContent) bool { return c.EvaluationConclusion != nil },
		func(r *ent.DemoProjectStage) bool { return text(r.EvaluationConclusion) },
		func(u *ent.DemoProjectStageUpdateOne, c *StageContent) {
			u.SetEvaluationConclusion(strings.TrimSpace(*c.EvaluationConclusion))
		}},
	{"approvalNumber", enum.StageApproval, true, func(c *StageContent) bool { return c.ApprovalNumber != nil },
		func(r *ent.DemoProjectStage) bool { return text(r.ApprovalNumber) },
		func(u *ent.DemoProjectStageUpdateOne, c *StageContent) {
			u.SetApprovalNumber(strings.TrimSpace(*c.ApprovalNumber))
		}},
	{"approvedBudget", enum.StageApproval, true, func(c *StageContent) bool { return c.ApprovedBudget != nil },
		func(r *ent.DemoProjectStage) bool { return r.ApprovedBudget != nil },
		func(u *ent.DemoProjectStageUpdateOne, c *StageContent) { u.SetApprovedBudget(*c.ApprovedBudget) }},
	{"progressPercent", enum.StageImplementation, true, func(c *StageContent) bool { return c.ProgressPercent != nil },
		func(r *ent.DemoProjectStage) bool { return r.ProgressPercent != nil },
		func(u *ent.DemoProjectStageUpdateOne, c *StageContent) { u.SetProgressPercent(*c.ProgressPercent) }},
	{"spentToDate", enum.StageImplementation, true, func(c *StageContent) bool { return c.SpentToDate != nil },
		func(r *ent.DemoProjectStage) bool { return r.SpentToDate != nil },
		func(u *ent.DemoProjectStageUpdateOne, c *StageContent) { u.SetSpentToDate(*c.SpentToDate) }},
	{"milestones", enum.StageImplementation, false, func(c *StageContent) bool { return c.Milestones != nil },
		func(r *ent.DemoProjectStage) bool { return len(r.Milestones) > 0 },
		func(u *ent.DemoProjectStageUpdateOne, c *StageContent) { u.SetMilestones(c.Milestones) }},
	{"reviewGrade", enum.StageReview, true, func(c *StageContent) bool { return c.ReviewGrade != nil },
		func(r *ent.DemoProjectStage) bool { return r.ReviewGrade != nil },
		func(u *ent.DemoProjectStageUpdateOne, c *StageContent) { u.SetReviewGrade(*c.ReviewGrade) }},
	{"reviewRemarks", enum.StageReview, false, func(c *StageContent) bool { return c.ReviewRemarks != nil },
		func(r *ent.DemoProjectStage) bool { return text(r.ReviewRemarks) },
		func(u *ent.DemoProjectStageUpdateOne, c *StageContent) {
			u.SetReviewRemarks(strings.TrimSpace(*c.ReviewRemarks))
		}},
	{"finalInvestment", enum.StageCompletion, true, func(c *StageContent) bool { return c.FinalInvestment != nil },
		func(r *ent.DemoProjectStage) bool { return r.FinalInvestment != nil },
		func(u *ent.DemoProjectStageUpdateOne, c *StageContent) { u.SetFinalInvestment(*c.FinalInvestment) }},
	{"finalHouseholdsDriven", enum.StageCompletion, true, func(c *StageContent) bool { return c.FinalHouseholdsDriven != nil },
		func(r *ent.DemoProjectStage) bool { return r.FinalHouseholdsDriven != nil },
		func(u *ent.DemoProjectStageUpdateOne, c *StageContent) {
			u.SetFinalHouseholdsDriven(*c.FinalHouseholdsDriven)
		}},
	{"acceptanceDate", enum.StageCompletion, true, func(c *StageContent) bool { return c.AcceptanceDate != nil },
		func(r *ent.DemoProjectStage) bool { return r.AcceptanceDate != nil },
		func(u *ent.DemoProjectStageUpdateOne, c *StageContent) { u.SetAcceptanceDate(*c.AcceptanceDate) }},
}

// RequiredContent lists the GraphQL names of the fields a step must record before it is done.
func RequiredContent(stage enum.ProjectStage) []string {
	var out []string
	for _, f := range contentFields {
		if f.stage == stage && f.required {
			out = append(out, f.name)
		}
	}
	return out
}

// checkBelongs refuses content fields of any step but the allowed ones, and negative amounts.
func (c *StageContent) checkBelongs(allowed ...enum.ProjectStage) error {
	for _, f := range contentFields {
		if !f.given(c) {
			continue
		}
		ok := false
		for _, s := range allowed {
			ok = ok || f.stage == s
		}
		if !ok {
			return invalidContent(f.name, "%s is recorded at %s (%s), not now (该字段不属于当前步骤)", f.name, f.stage, stageNames[f.stage])
		}
	}
	for _, m := range []struct {
		name string
		v    *money.Fen
	}{{"approvedBudget", c.ApprovedBudget}, {"spentToDate", c.SpentToDate}, {"finalInvestment", c.FinalInvestment}} {
		if m.v != nil && *m.v < 0 {
			return invalidContent(m.name, "cannot be negative (金额不能为负)")
		}
	}
	return nil
}

// invalidContent is BAD_USER_INPUT naming the field under content, with the reason
// STAGE_CONTENT and the field in extensions, so clients can point at it.
func invalidContent(field, format string, args ...any) error {
	e := apperr.Invalid("content."+field, format, args...).Because("STAGE_CONTENT")
	e.Extra = map[string]any{"missingField": field}
	return e
}

// writeContent writes the given fields of stage onto record rec (a system write: the caller's
// authority over the project was checked).
func writeContent(ctx context.Context, tx *ent.Client, rec *ent.DemoProjectStage, stage enum.ProjectStage, c *StageContent) (*ent.DemoProjectStage, error) {
	if c == nil {
		return rec, nil
	}
	u := tx.DemoProjectStage.UpdateOne(rec)
	changed := false
	for _, f := range contentFields {
		if f.stage == stage && f.given(c) {
			f.set(u, c)
			changed = true
		}
	}
	if !changed {
		return rec, nil
	}
	return u.Save(authz.Bypass(ctx, "project stage content"))
}

// requireContent: the record holds every required field of its step.
func requireContent(rec *ent.DemoProjectStage, stage enum.ProjectStage) error {
	for _, f := range contentFields {
		if f.stage == stage && f.required && !f.held(rec) {
			return invalidContent(f.name, "%s (%s) cannot be finished without %s; record it with recordDemoProjectStage or pass it in content (步骤内容未填写：%s)",
				stage, stageNames[stage], f.name, f.name)
		}
	}
	return nil
}

// currentRecord is the newest record of the stage the project is at.
func currentRecord(ctx context.Context, tx *ent.Client, p *ent.DemoProject) (*ent.DemoProjectStage, error) {
	return tx.DemoProjectStage.Query().
		Where(demoprojectstage.ProjectID(p.ID), demoprojectstage.StageEQ(p.Stage)).
		Order(ent.Desc(demoprojectstage.FieldID)).First(authz.Bypass(ctx, "project stage content"))
}

// RecordStageContent fills in the content of the step a project is at (from, as the caller
// read it), under the authority to edit the project.
func RecordStageContent(ctx context.Context, tx *ent.Client, id int, from enum.ProjectStage, c StageContent) (*ent.DemoProjectStage, error) {
	p, err := lockProjectAt(ctx, tx, id, from)
	if err != nil {
		return nil, err
	}
	if err := authz.CheckRecord(ctx, tx, ent.TypeDemoProject, id, authz.ActionUpdate); err != nil {
		return nil, err
	}
	if p.Stage == enum.StageCompletion {
		return nil, apperr.Rule("the project is complete (结题); its final figures were recorded when it was completed (工程已结题)")
	}
	if err := c.checkBelongs(p.Stage); err != nil {
		return nil, err
	}
	rec, err := currentRecord(ctx, tx, p)
	if err != nil {
		return nil, err
	}
	return writeContent(ctx, tx, rec, p.Stage, &c)
}

// lockProjectAt reads a project in scope under a row lock and checks it is at stage from.
func lockProjectAt(ctx context.Context, tx *ent.Client, id int, from enum.ProjectStage) (*ent.DemoProject, error) {
	if err := authz.CheckRecord(ctx, tx, ent.TypeDemoProject, id, authz.ActionRead); err != nil {
		return nil, err
	}
	if err := LockRow(ctx, tx, ent.TypeDemoProject, id); err != nil {
		return nil, err
	}
	p, err := tx.DemoProject.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if p.Stage != from {
		return nil, apperr.Conflictf("the project is at %s (%s), not %s; it was moved meanwhile — reload it (工程阶段已变化，请刷新)", p.Stage, stageNames[p.Stage], from)
	}
	return p, nil
}

// finishStage runs in an advance, before the project moves from p.Stage to next: it writes
// the content given for the step being left, checks that step is complete, and checks the
// content for the step entered (COMPLETION's final figures come with the move).
func finishStage(ctx context.Context, tx *ent.Client, p *ent.DemoProject, next enum.ProjectStage, c *StageContent) error {
	if c == nil {
		c = &StageContent{}
	}
	allowed := []enum.ProjectStage{p.Stage}
	if next == enum.StageCompletion {
		allowed = append(allowed, next)
	}
	if err := c.checkBelongs(allowed...); err != nil {
		return err
	}
	rec, err := currentRecord(ctx, tx, p)
	if err != nil {
		return err
	}
	if rec, err = writeContent(ctx, tx, rec, p.Stage, c); err != nil {
		return err
	}
	if err := requireContent(rec, p.Stage); err != nil {
		return err
	}
	if p.Stage == enum.StageReview && *rec.ReviewGrade == enum.ReviewFail {
		return invalidContent("reviewGrade", "a project graded FAIL (不合格) cannot be completed; send it back with returnDemoProject (评审不合格，不能结题)")
	}
	if next == enum.StageCompletion {
		for _, f := range contentFields {
			if f.stage == next && f.required && !f.given(c) {
				return invalidContent(f.name, "completing a project (结题) needs %s in content (结题须填写：%s)", f.name, f.name)
			}
		}
	}
	return nil
}

// SetInvestment records a project's planned and/or actual investment from one source, under
// the authority to edit the project. Omitted amounts keep their value (0 for a new source).
// The project row lock serialises concurrent first writes of one source, so they update one
// row instead of racing to insert two.
func SetInvestment(ctx context.Context, tx *ent.Client, projectID int, source enum.FundingSource, planned, actual *money.Fen) (*ent.ProjectInvestment, error) {
	for _, m := range []struct {
		name string
		v    *money.Fen
	}{{"planned", planned}, {"actual", actual}} {
		if m.v != nil && *m.v < 0 {
			return nil, apperr.Invalid(m.name, "an investment cannot be negative (投资额不能为负)")
		}
	}
	if err := authz.CheckRecord(ctx, tx, ent.TypeDemoProject, projectID, authz.ActionRead); err != nil {
		return nil, err
	}
	if err := authz.CheckRecord(ctx, tx, ent.TypeDemoProject, projectID, authz.ActionUpdate); err != nil {
		return nil, err
	}
	if err := LockRow(ctx, tx, ent.TypeDemoProject, projectID); err != nil {
		return nil, err
	}
	existing, err := tx.ProjectInvestment.Query().
		Where(projectinvestment.ProjectID(projectID), projectinvestment.SourceEQ(source)).Only(ctx)
	switch {
	case ent.IsNotFound(err):
		c := tx.ProjectInvestment.Create().SetProjectID(projectID).SetSource(source)
		if planned != nil {
			c.SetPlanned(*planned)
		}
		if actual != nil {
			c.SetActual(*actual)
		}
		return c.Save(ctx)
	case err != nil:
		return nil, err
	}
	// The project's row lock makes the version read here the current one: a "set" replaces the
	// amounts whatever they were, so it claims that version rather than asking the caller's.
	u := existing.Update().SetVersion(existing.Version)
	if planned != nil {
		u.SetPlanned(*planned)
	}
	if actual != nil {
		u.SetActual(*actual)
	}
	return u.Save(ctx)
}
