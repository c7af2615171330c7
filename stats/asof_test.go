package stats_test

import (
	"context"
	"testing"
	"time"

	"github.com/nanpiao/sbqw/apperr"
	"github.com/nanpiao/sbqw/authz"
	"github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/ent/household"
	"github.com/nanpiao/sbqw/ent/pairing"
	"github.com/nanpiao/sbqw/ent/partymember"
	"github.com/nanpiao/sbqw/ent/post"
	"github.com/nanpiao/sbqw/ent/povertystatuschange"
	"github.com/nanpiao/sbqw/ent/schema/enum"
	"github.com/nanpiao/sbqw/internal/clock"
	"github.com/nanpiao/sbqw/stats"
)

// figures are the "current" sections of a township's annual report.
type figures struct {
	Needy, Paired                                                    int
	Members, Female, Under35, Over65, College, Probation, Floating   int
	WithPost                                                         int
	Identified, InPoverty, Exited, Monitored, Returned, ExitedInYear int
	Secretaries                                                      int
}

func reportFigures(t *testing.T, ctx context.Context, c *ent.Client, tw, year int, asOf *time.Time) figures {
	t.Helper()
	at, err := stats.AsOfDay(asOf)
	if err != nil {
		t.Fatal(err)
	}
	r, err := stats.AnnualReportOf(ctx, c, tw, year, at)
	if err != nil {
		t.Fatal(err)
	}
	pc, err := r.PairingCoverage(ctx)
	if err != nil {
		t.Fatal(err)
	}
	m, err := r.Members(ctx)
	if err != nil {
		t.Fatal(err)
	}
	p, err := r.Poverty(ctx)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := r.Training(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return figures{pc.NeedyHouseholds, pc.PairedHouseholds,
		m.Members, m.Female, m.Under35, m.Age65AndOver, m.CollegeEducated, m.Probationary, m.Floating, m.WithPost,
		p.Identified, p.InPoverty, p.Exited, p.Monitored, p.Returned, p.ExitedInYear, tr.Secretaries}
}

// replay counts, in Go over every live row of the township, what the report as of day must
// show: needy households registered poor that day (last history row up to the day), pairings
// in force that day, members who had joined, posts held that day, poverty status on the day.
// With flags, "today" is counted from today's flags instead (the report without asOf).
func replay(t *testing.T, c *ent.Client, tw, year int, day time.Time, flags bool) figures {
	t.Helper()
	ctx := authz.Bypass(context.Background(), "test: replay")
	hs, err := c.Household.Query().Where(household.TownshipID(tw)).All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	changes, err := c.PovertyStatusChange.Query().Where(povertystatuschange.TownshipID(tw)).All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	live := map[int]*ent.Household{}
	for _, h := range hs {
		if h.DeletedAt == nil {
			live[h.ID] = h
		}
	}
	end := day
	if last := time.Date(year, 12, 31, 0, 0, 0, 0, time.UTC); last.Before(end) {
		end = last
	}
	// statusOn is the household's last live change on or before d.
	statusOn := func(hid int, d time.Time) *ent.PovertyStatusChange {
		var last *ent.PovertyStatusChange
		for _, ch := range changes {
			if ch.DeletedAt != nil || ch.HouseholdID != hid || ch.ChangedOn.After(d) {
				continue
			}
			if last == nil || ch.ChangedOn.After(last.ChangedOn) || (ch.ChangedOn.Equal(last.ChangedOn) && ch.ID > last.ID) {
				last = ch
			}
		}
		return last
	}
	var f figures
	needy := map[int]bool{}
	for id, h := range live {
		if !h.Needy {
			continue
		}
		if !flags {
			if s := statusOn(id, day); s == nil || s.ToStatus == enum.StatusNotPoor {
				continue
			}
		}
		needy[id] = true
	}
	f.Needy = len(needy)
	ps, err := c.Pairing.Query().Where(pairing.TownshipID(tw)).All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	paired := map[int]bool{}
	for _, p := range ps {
		inForce := p.Active
		if !flags {
			inForce = !p.StartOn.After(day) && (p.EndOn == nil || !p.EndOn.Before(day))
		}
		if p.DeletedAt == nil && inForce && needy[p.HouseholdID] {
			paired[p.HouseholdID] = true
		}
	}
	f.Paired = len(paired)

	ms, err := c.PartyMember.Query().Where(partymember.TownshipID(tw)).All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	members := map[int]bool{}
	for _, m := range ms {
		if m.DeletedAt != nil || m.Status != enum.MemberActive || (!flags && m.JoinedOn.After(day)) {
			continue
		}
		members[m.ID] = true
		f.Members++
		y := day.Year()
		if m.Gender == enum.GenderFemale {
			f.Female++
		}
		if m.BirthYear > y-35 {
			f.Under35++
		}
		if m.BirthYear <= y-65 {
			f.Over65++
		}
		switch m.Education {
		case "JUNIOR_COLLEGE", "BACHELOR", "POSTGRADUATE":
			f.College++
		}
		if m.Membership == "PROBATIONARY" {
			f.Probation++
		}
		if m.Category == "FLOATING" {
			f.Floating++
		}
	}
	posts, err := c.Post.Query().Where(post.TownshipID(tw)).All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	holders := map[int]bool{}
	for _, p := range posts {
		if p.DeletedAt == nil && members[p.MemberID] && !p.StartOn.After(day) && (p.EndOn == nil || !p.EndOn.Before(day)) {
			holders[p.MemberID] = true
		}
	}
	f.WithPost = len(holders)

	identified := map[int]bool{}
	for id := range live {
		if s := statusOn(id, end); s != nil {
			switch s.ToStatus {
			case enum.StatusInPoverty:
				f.InPoverty++
			case enum.StatusLifted:
				f.Exited++
			case enum.StatusMonitored:
				f.Monitored++
			case enum.StatusReturned:
				f.Returned++
			}
		}
	}
	for _, ch := range changes {
		if ch.DeletedAt != nil || live[ch.HouseholdID] == nil || ch.ChangedOn.After(end) {
			continue
		}
		if ch.Step == enum.StepIdentified {
			identified[ch.HouseholdID] = true
		}
		if ch.Step == enum.StepExitConfirmed && ch.ChangedOn.Year() == year {
			f.ExitedInYear++
		}
	}
	f.Identified = len(identified)
	return f
}

// TestAnnualReportAsOfReplaysHistory: a report as of a past day D is the history replayed to
// D, and stays so after later changes (a pairing released, a post ended, an exit confirmed, a
// pairing added); the report without asOf reflects them.
func TestAnnualReportAsOfReplaysHistory(t *testing.T) {
	d := loadDemo(t)
	c := d.db.Client
	tw := d.int(t, "SELECT rb.township_id FROM role_bindings rb JOIN users u ON u.id = rb.user_id WHERE u.username = 'township01'")
	today := clock.Today()
	day := today.AddDate(0, -2, 0)
	year := day.Year()
	sys := authz.Bypass(context.Background(), "test: later changes")

	before := map[string]figures{}
	for _, user := range []string{"admin", "township01"} {
		before[user] = reportFigures(t, d.as(t, user), c, tw, year, &day)
	}
	want := replay(t, c, tw, year, day, false)
	// Secretaries are not replayed here (trainingCompletion's own test counts them); they must
	// only stay put after the later changes.
	want.Secretaries = before["admin"].Secretaries
	if before["admin"] != want || before["township01"] != want {
		t.Fatalf("report as of %s:\n district %+v\n township %+v\nreplay    %+v", day.Format(time.DateOnly), before["admin"], before["township01"], want)
	}
	if want.Needy == 0 || want.Paired == 0 || want.WithPost == 0 || want.InPoverty+want.Monitored+want.Returned == 0 {
		t.Fatalf("the demo township has nothing to count as of %s: %+v", day.Format(time.DateOnly), want)
	}

	// Later changes, all dated after D.
	yesterday := today.AddDate(0, 0, -1)
	rel, err := c.Pairing.Query().Where(pairing.TownshipID(tw), pairing.Active(true), pairing.StartOnLTE(day),
		pairing.HasHouseholdWith(household.Needy(true))).First(sys)
	if err != nil {
		t.Fatal("a pairing to release: ", err)
	}
	if err := c.Pairing.UpdateOne(rel).SetActive(false).SetEndOn(yesterday).SetReleaseReason("test").Exec(sys); err != nil {
		t.Fatal("release: ", err)
	}
	ended, err := c.Post.Query().Where(post.TownshipID(tw), post.StartOnLTE(day), post.EndOnIsNil(),
		post.HasMemberWith(partymember.StatusEQ(enum.MemberActive), partymember.JoinedOnLTE(day))).First(sys)
	if err != nil {
		t.Fatal("a post to end: ", err)
	}
	if err := c.Post.UpdateOne(ended).SetEndOn(yesterday).Exec(sys); err != nil {
		t.Fatal("end post: ", err)
	}
	poor, err := c.Household.Query().Where(household.TownshipID(tw), household.PovertyStatusEQ(enum.StatusInPoverty)).First(sys)
	if err != nil {
		t.Fatal("a household in poverty: ", err)
	}
	err = c.PovertyStatusChange.Create().SetHouseholdID(poor.ID).SetStep(enum.StepExitConfirmed).
		SetFromStatus(enum.StatusInPoverty).SetToStatus(enum.StatusLifted).SetChangedOn(today).SetReason("test").
		SetTownshipID(poor.TownshipID).SetVillageID(poor.VillageID).Exec(sys)
	if err != nil {
		t.Fatal("exit: ", err)
	}
	unpaired, err := c.Household.Query().Where(household.TownshipID(tw), household.Needy(true),
		household.Not(household.HasPairingsWith(pairing.Active(true)))).First(sys)
	if err != nil {
		t.Fatal("an unpaired needy household: ", err)
	}
	err = c.Pairing.Create().SetHouseholdID(unpaired.ID).SetCadreID(rel.CadreID).SetStartOn(today).
		SetTownshipID(unpaired.TownshipID).SetVillageID(unpaired.VillageID).SetDepartmentID(rel.DepartmentID).Exec(sys)
	if err != nil {
		t.Fatal("add pairing: ", err)
	}

	for _, user := range []string{"admin", "township01"} {
		if got := reportFigures(t, d.as(t, user), c, tw, year, &day); got != want {
			t.Errorf("%s: report as of %s after later changes\n got  %+v\n want %+v", user, day.Format(time.DateOnly), got, want)
		}
	}
	if again := replay(t, c, tw, year, day, false); again.Needy != want.Needy || again.Paired != want.Paired || again.WithPost != want.WithPost || again.Exited != want.Exited {
		t.Errorf("replay to D moved after later changes: %+v, was %+v", again, want)
	}
	now := reportFigures(t, d.as(t, "admin"), c, tw, today.Year(), nil)
	wantNow := replay(t, c, tw, today.Year(), today, true)
	wantNow.Secretaries = now.Secretaries
	if now != wantNow {
		t.Errorf("report of today\n got  %+v\n want %+v", now, wantNow)
	}
	if now.WithPost == want.WithPost && now.Exited == want.Exited {
		t.Errorf("today's report does not show the later changes: %+v (as of D %+v)", now, want)
	}
}

func TestAsOfOutOfRange(t *testing.T) {
	for _, d := range []time.Time{time.Date(2016, 12, 31, 0, 0, 0, 0, time.UTC), clock.Today().AddDate(0, 0, 1)} {
		_, err := stats.AsOfDay(&d)
		if e, ok := apperr.As(err); !ok || e.Code != apperr.BadUserInput || e.Field != "asOf" {
			t.Errorf("asOf %s: %v, want BAD_USER_INPUT on asOf", d.Format(time.DateOnly), err)
		}
	}
	for _, d := range []time.Time{stats.FirstDay, clock.Today()} {
		if _, err := stats.AsOfDay(&d); err != nil {
			t.Errorf("asOf %s: %v", d.Format(time.DateOnly), err)
		}
	}
}
