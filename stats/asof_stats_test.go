package stats_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/nanpiao/sbqw/apperr"
	"github.com/nanpiao/sbqw/authz"
	"github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/ent/demand"
	"github.com/nanpiao/sbqw/ent/demandevent"
	"github.com/nanpiao/sbqw/ent/demoproject"
	"github.com/nanpiao/sbqw/ent/household"
	"github.com/nanpiao/sbqw/ent/pairing"
	"github.com/nanpiao/sbqw/ent/partymember"
	"github.com/nanpiao/sbqw/ent/post"
	"github.com/nanpiao/sbqw/ent/privacy"
	"github.com/nanpiao/sbqw/ent/schema/enum"
	"github.com/nanpiao/sbqw/internal/clock"
	"github.com/nanpiao/sbqw/stats"
)

// everyStatistic runs each statistic with asOf at (and the year) and returns its result as
// JSON, or the error code of a refusal, by name.
func everyStatistic(t *testing.T, ctx context.Context, c *ent.Client, year int, at stats.AsOf) map[string]string {
	t.Helper()
	out := map[string]string{}
	put := func(name string, v any, err error) {
		if errors.Is(err, privacy.Deny) {
			out[name] = "error FORBIDDEN" // as the presenter maps it
			return
		}
		if err != nil {
			e, ok := apperr.As(err)
			if !ok {
				t.Fatalf("%s: %v", name, err)
			}
			out[name] = "error " + string(e.Code)
			return
		}
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out[name] = string(b)
	}
	v, err := stats.VisitComplianceByUnit(ctx, c, year, stats.ByVillage, at)
	put("visitCompliance", v, err)
	ds, err := stats.DemandStatsOf(ctx, c, nil, ptr(stats.ByVillage), at)
	put("demandStats", ds, err)
	dp, err := stats.DemoProjectStats(ctx, c, nil, at)
	put("demoProjectStats", dp, err)
	rp, err := stats.RectificationProgressByUnit(ctx, c, year, stats.ByVillage, at)
	put("rectificationProgress", rp, err)
	po, err := stats.ProjectOutcomes(ctx, c, year, stats.ByTownship, at)
	put("projectOutcomes", po, err)
	pe, err := stats.PovertyExitByUnit(ctx, c, year, stats.ByVillage, at)
	put("povertyExit", pe, err)
	me, err := stats.MemberEngagementByUnit(ctx, c, year, stats.ByVillage, at)
	put("memberEngagement", me, err)
	ap, err := stats.AssessmentProgressByUnit(ctx, c, 2026, stats.ByVillage, at)
	put("assessmentProgress", ap, err)
	return out
}

func ptr[T any](v T) *T { return &v }

// statusOn replays a demand's status on day from its events (REGISTERED before any).
func demandStatusOn(events []*ent.DemandEvent, demandID int, before time.Time) enum.DemandStatus {
	var last *ent.DemandEvent
	for _, e := range events {
		if e.DemandID != demandID || e.DeletedAt != nil || !e.CreatedAt.Before(before) {
			continue
		}
		if last == nil || e.CreatedAt.After(last.CreatedAt) || (e.CreatedAt.Equal(last.CreatedAt) && e.ID > last.ID) {
			last = e
		}
	}
	if last == nil {
		return enum.DemandRegistered
	}
	return last.ToStatus
}

// TestStatisticsAsOfStayAfterLaterChanges: every statistic taking asOf, asked for a past day D
// by DISTRICT, POVERTY_OFFICE, TOWNSHIP and a village secretary, gives the same answer after
// later changes to pairings, posts, poverty statuses, demands and project stages; the demand
// statuses and project stages it counts on D are those replayed from the history in Go; the
// answers without asOf do move.
func TestStatisticsAsOfStayAfterLaterChanges(t *testing.T) {
	d := loadDemo(t)
	c := d.db.Client
	tw := d.int(t, "SELECT rb.township_id FROM role_bindings rb JOIN users u ON u.id = rb.user_id WHERE u.username = 'township01'")
	var secretary string
	if err := d.db.SQL.QueryRow("SELECT u.username FROM users u JOIN role_bindings rb ON rb.user_id = u.id WHERE rb.role = 'VILLAGE_SECRETARY' AND rb.township_id = ? ORDER BY u.username", tw).Scan(&secretary); err != nil {
		t.Fatal(err)
	}
	today := clock.Today()
	day := today.AddDate(0, -2, 0)
	year := day.Year()
	at, err := stats.AsOfDay(&day)
	if err != nil {
		t.Fatal(err)
	}
	users := []string{"admin", "poverty01", "township01", secretary}
	before := map[string]map[string]string{}
	nowBefore := map[string]map[string]string{}
	for _, u := range users {
		before[u] = everyStatistic(t, d.as(t, u), c, year, at)
		nowBefore[u] = everyStatistic(t, d.as(t, u), c, year, stats.AsOf{})
	}
	for _, name := range []string{"visitCompliance", "demandStats", "demoProjectStats", "projectOutcomes", "assessmentProgress"} {
		if got := before["poverty01"][name]; got != "error FORBIDDEN" {
			t.Errorf("POVERTY_OFFICE %s: %.80s, want FORBIDDEN as for the list", name, got)
		}
	}
	if got := before["poverty01"]["povertyExit"]; len(got) < 10 || got[0] != '[' {
		t.Errorf("POVERTY_OFFICE povertyExit: %.80s, want rows", got)
	}

	// The demand statuses and project stages on D, replayed in Go, against the statistic.
	sys := authz.Bypass(context.Background(), "test: replay")
	next := day.AddDate(0, 0, 1)
	demands, err := c.Demand.Query().Where(demand.CreatedAtLT(next)).All(sys)
	if err != nil {
		t.Fatal(err)
	}
	events, err := c.DemandEvent.Query().Where(demandevent.CreatedAtLT(next)).All(sys)
	if err != nil {
		t.Fatal(err)
	}
	secVillage := d.int(t, "SELECT rb.village_id FROM role_bindings rb JOIN users u ON u.id = rb.user_id WHERE u.username = ?", secretary)
	// Each role's demands by status on D, replayed over the rows of its scope (DISTRICT: all,
	// TOWNSHIP: its township, VILLAGE_SECRETARY: its village).
	inScope := map[string]func(*ent.Demand) bool{
		"admin":      func(*ent.Demand) bool { return true },
		"township01": func(dm *ent.Demand) bool { return dm.TownshipID == tw },
		secretary:    func(dm *ent.Demand) bool { return dm.VillageID == secVillage },
	}
	moved := 0
	for u, keep := range inScope {
		wantStatus := map[enum.DemandStatus]int{}
		for _, dm := range demands {
			if dm.DeletedAt == nil && keep(dm) {
				wantStatus[demandStatusOn(events, dm.ID, next)]++
			}
		}
		ds, err := stats.DemandStatsOf(d.as(t, u), c, nil, nil, at)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range ds.ByStatus {
			if r.Demands != wantStatus[*r.Status] {
				t.Errorf("%s: demands %s on %s: statistic %d, replay %d", u, *r.Status, day.Format(time.DateOnly), r.Demands, wantStatus[*r.Status])
			}
			if *r.Status != enum.DemandRegistered && u != "admin" {
				moved += r.Demands
			}
		}
		if u == "admin" {
			t.Logf("as of %s: demands by status %v", day.Format(time.DateOnly), wantStatus)
		}
	}
	if moved == 0 {
		t.Errorf("no demand had moved by %s: the replay proves nothing", day.Format(time.DateOnly))
	}
	projects, err := c.DemoProject.Query().WithStages().All(sys)
	if err != nil {
		t.Fatal(err)
	}
	wantStage := map[enum.ProjectStage]int{}
	for _, p := range projects {
		var last *ent.DemoProjectStage
		for _, st := range p.Edges.Stages {
			if st.DeletedAt == nil && st.CreatedAt.Before(next) && (last == nil || st.CreatedAt.After(last.CreatedAt) || (st.CreatedAt.Equal(last.CreatedAt) && st.ID > last.ID)) {
				last = st
			}
		}
		if p.DeletedAt == nil && last != nil {
			wantStage[last.Stage]++
		}
	}
	dp, err := stats.DemoProjectStats(d.as(t, "admin"), c, nil, at)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range dp {
		if r.Projects != wantStage[r.Stage] {
			t.Errorf("projects in %s on %s: statistic %d, replay %d", r.Stage, day.Format(time.DateOnly), r.Projects, wantStage[r.Stage])
		}
	}

	t.Logf("as of %s: projects by stage %v", day.Format(time.DateOnly), wantStage)
	if len(wantStage) == 0 {
		t.Errorf("no project had begun by %s: the replay proves nothing", day.Format(time.DateOnly))
	}
	for _, name := range []string{"visitCompliance", "demandStats", "demoProjectStats", "povertyExit", "memberEngagement", "assessmentProgress", "projectOutcomes"} {
		if len(before["township01"][name]) < 50 {
			t.Errorf("township01 %s as of %s is empty (%s): the comparison proves nothing", name, day.Format(time.DateOnly), before["township01"][name])
		}
	}

	// Later changes, all after D.
	yesterday := today.AddDate(0, 0, -1)
	rel, err := c.Pairing.Query().Where(pairing.TownshipID(tw), pairing.Active(true), pairing.StartOnLTE(day)).First(sys)
	if err != nil {
		t.Fatal("a pairing to release: ", err)
	}
	if err := c.Pairing.UpdateOne(rel).SetActive(false).SetEndOn(yesterday).SetReleaseReason("test").Exec(sys); err != nil {
		t.Fatal(err)
	}
	ended, err := c.Post.Query().Where(post.TownshipID(tw), post.TitleEQ(enum.PostSecretary), post.StartOnLTE(day), post.EndOnIsNil(),
		post.HasMemberWith(partymember.HasAssessments())).First(sys)
	if err != nil {
		t.Fatal("an assessed secretary's post to end: ", err)
	}
	if err := c.Post.UpdateOne(ended).SetEndOn(yesterday).Exec(sys); err != nil {
		t.Fatal(err)
	}
	poor, err := c.Household.Query().Where(household.TownshipID(tw), household.PovertyStatusEQ(enum.StatusInPoverty)).First(sys)
	if err != nil {
		t.Fatal("a household in poverty: ", err)
	}
	err = c.PovertyStatusChange.Create().SetHouseholdID(poor.ID).SetStep(enum.StepExitConfirmed).
		SetFromStatus(enum.StatusInPoverty).SetToStatus(enum.StatusLifted).SetChangedOn(today).SetReason("test").
		SetTownshipID(poor.TownshipID).SetVillageID(poor.VillageID).Exec(sys)
	if err != nil {
		t.Fatal(err)
	}
	open, err := c.Demand.Query().Where(demand.TownshipID(tw), demand.CreatedAtLT(day), demand.StatusNotIn(enum.DemandClosed, enum.DemandRejected)).First(sys)
	if err != nil {
		t.Fatal("an open demand: ", err)
	}
	if err := c.DemandEvent.Create().SetDemandID(open.ID).SetFromStatus(open.Status).SetToStatus(enum.DemandRejected).SetNote("test").
		SetTownshipID(open.TownshipID).SetVillageID(open.VillageID).Exec(sys); err != nil {
		t.Fatal(err)
	}
	if err := c.Demand.UpdateOne(open).SetStatus(enum.DemandRejected).Exec(sys); err != nil {
		t.Fatal(err)
	}
	proj, err := c.DemoProject.Query().Where(demoproject.TownshipID(tw), demoproject.StageNEQ(enum.StageCompletion)).First(sys)
	if err != nil {
		t.Fatal("a project to move: ", err)
	}
	if err := c.DemoProjectStage.Create().SetProjectID(proj.ID).SetStage(enum.StageCompletion).SetResult(enum.StageResult(enum.StageResult("").Values()[0])).
		SetTownshipID(proj.TownshipID).SetNillableVillageID(proj.VillageID).Exec(sys); err != nil {
		t.Fatal(err)
	}
	if err := c.DemoProject.UpdateOne(proj).SetStage(enum.StageCompletion).Exec(sys); err != nil {
		t.Fatal(err)
	}

	for _, u := range users {
		after := everyStatistic(t, d.as(t, u), c, year, at)
		for name, want := range before[u] {
			if after[name] != want {
				t.Errorf("%s %s as of %s moved after later changes:\n before %.300s\n after  %.300s", u, name, day.Format(time.DateOnly), want, after[name])
			}
		}
	}
	now := everyStatistic(t, d.as(t, "admin"), c, year, stats.AsOf{})
	for _, name := range []string{"visitCompliance", "demandStats", "demoProjectStats", "povertyExit"} {
		if now[name] == nowBefore["admin"][name] {
			t.Errorf("%s without asOf did not show the later changes", name)
		}
	}
}
