// Package yearclose is the year-end close (年度关账): DISTRICT closes a year, which freezes the
// district's and every township's report of that year as immutable snapshots (canonical JSON
// and an XLSX workbook, each stamped with its SHA-256) and locks the year's records (the rule
// is in ent/schema/yearlock.go) until DISTRICT reopens it. See docs/reports.md.
package yearclose

import (
	"context"
	"encoding/json"
	"sort"
	"time"

	"github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/ent/demoproject"
	"github.com/nanpiao/sbqw/ent/demoprojectstage"
	"github.com/nanpiao/sbqw/ent/projectinvestment"
	"github.com/nanpiao/sbqw/ent/schema/enum"
	"github.com/nanpiao/sbqw/ent/township"
	"github.com/nanpiao/sbqw/money"
	"github.com/nanpiao/sbqw/stats"
)

// Format names the layout of the snapshot JSON; a later layout gets a new name.
const Format = "sbqw.closedReport/1"

// Report is the content of a snapshot: the district's (Township nil, Townships set) or one
// township's (Township set, Annual set). Encoded by encoding/json as it is declared: fields
// in this order, no insignificant whitespace, UTF-8, money in integer fen, dates as
// YYYY-MM-DD — the same figures give the same bytes.
type Report struct {
	Format    string      `json:"format"`
	Year      int         `json:"year"`
	AsOf      string      `json:"asOf"`
	Township  *Unit       `json:"township"`
	Headline  Headline    `json:"headline"`
	Townships []Row       `json:"townships,omitempty"`
	Annual    *Annual     `json:"annual,omitempty"`
	Projects  []Project   `json:"projects"`
	Outcomes  OutcomeSums `json:"outcomes"`
}

// Unit names a township.
type Unit struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// Row is one township's headline figures in the district report.
type Row struct {
	Township Unit     `json:"township"`
	Figures  Headline `json:"figures"`
}

// Headline holds the figures of districtReport's row (see graph/reports.graphqls).
type Headline struct {
	NeedyHouseholds       int       `json:"needyHouseholds"`
	PairedHouseholds      int       `json:"pairedHouseholds"`
	Secretaries           int       `json:"secretaries"`
	ComprehensiveAttended int       `json:"comprehensiveAttended"`
	Members               int       `json:"members"`
	MembersWithPost       int       `json:"membersWithPost"`
	Identified            int       `json:"identified"`
	InPoverty             int       `json:"inPoverty"`
	Exited                int       `json:"exited"`
	Monitored             int       `json:"monitored"`
	Returned              int       `json:"returned"`
	ExitedInYear          int       `json:"exitedInYear"`
	Projects              int       `json:"projects"`
	ActualInvestmentFen   money.Fen `json:"actualInvestmentFen"`
}

// Annual holds a township's further annualReport sections.
type Annual struct {
	MonitoringOpenedInYear int     `json:"monitoringOpenedInYear"`
	ReturnedInYear         int     `json:"returnedInYear"`
	XCoursesAttended       int     `json:"xCoursesAttended"`
	VisitsByQuarter        []int   `json:"visitsByQuarter"`
	SpringFestivalPairings int     `json:"springFestivalPairings"`
	SpringFestivalVisited  int     `json:"springFestivalVisited"`
	Rectifications         int     `json:"rectifications"`
	RectificationsPassed   int     `json:"rectificationsPassed"`
	Teams                  int     `json:"teams"`
	Contributions          int     `json:"contributions"`
	HouseholdsHelped       int     `json:"householdsHelped"`
	ByStage                []Count `json:"projectsByStage"`
}

// Count is a number of projects in a stage.
type Count struct {
	Stage    string `json:"stage"`
	Projects int    `json:"projects"`
}

// OutcomeSums are projectOutcomes of the report's unit.
type OutcomeSums struct {
	Projects              int          `json:"projects"`
	PlannedFen            money.Fen    `json:"plannedFen"`
	ActualFen             money.Fen    `json:"actualFen"`
	HouseholdsDriven      int          `json:"householdsDriven"`
	PersonsDriven         int          `json:"personsDriven"`
	NeedyHouseholdsDriven int          `json:"needyHouseholdsDriven"`
	IncomeGainFen         money.Fen    `json:"incomeGainFen"`
	NewCollectiveIncome   money.Fen    `json:"newCollectiveIncomeFen"`
	JobsCreated           int          `json:"jobsCreated"`
	Investments           []Investment `json:"investments"`
}

// Investment is the planned and actual investment from one source.
type Investment struct {
	Source     string    `json:"source"`
	PlannedFen money.Fen `json:"plannedFen"`
	ActualFen  money.Fen `json:"actualFen"`
}

// Project is one demonstration project of the year, with its stage history.
type Project struct {
	Township               Unit         `json:"township"`
	Name                   string       `json:"name"`
	SubjectKind            string       `json:"subjectKind"`
	SubjectName            string       `json:"subjectName"`
	Industry               string       `json:"industry"`
	Goal                   string       `json:"goal"`
	Deadline               string       `json:"deadline"`
	Stage                  string       `json:"stage"`
	HouseholdsDriven       int          `json:"householdsDriven"`
	PersonsDriven          int          `json:"personsDriven"`
	NeedyHouseholdsDriven  int          `json:"needyHouseholdsDriven"`
	IncomeGainPerHousehold *money.Fen   `json:"incomeGainPerHouseholdFen"`
	NewCollectiveIncomeFen *money.Fen   `json:"newCollectiveIncomeFen"`
	JobsCreated            int          `json:"jobsCreated"`
	Investments            []Investment `json:"investments"`
	Stages                 []Stage      `json:"stages"`
	PlannedFen, ActualFen  money.Fen    `json:"-"`
	townshipCode           string
}

// Stage is one step of a project's history.
type Stage struct {
	Stage           string     `json:"stage"`
	Result          string     `json:"result"`
	At              string     `json:"at"`
	Actor           string     `json:"actor"`
	Remarks         string     `json:"remarks"`
	EvaluationScore *int       `json:"evaluationScore"`
	ApprovalNumber  *string    `json:"approvalNumber"`
	ApprovedBudget  *money.Fen `json:"approvedBudgetFen"`
	ProgressPercent *int       `json:"progressPercent"`
	SpentToDate     *money.Fen `json:"spentToDateFen"`
	ReviewGrade     *string    `json:"reviewGrade"`
	FinalInvestment *money.Fen `json:"finalInvestmentFen"`
	AcceptanceDate  *string    `json:"acceptanceDate"`
}

// Encode is the canonical JSON of a report.
func (r *Report) Encode() ([]byte, error) { return json.Marshal(r) }

// YearEnd is the last day of year, the day a closed report counts on.
func YearEnd(year int) time.Time { return time.Date(year, 12, 31, 0, 0, 0, 0, time.UTC) }

// Build computes the district report and every township's report of year as of its last day,
// with client and the caller's context (the reads go through the caller's scope; DISTRICT
// sees everything).
func Build(ctx context.Context, client *ent.Client, year int) (district *Report, townships map[int]*Report, err error) {
	end := YearEnd(year)
	at, err := stats.AsOfDay(&end)
	if err != nil {
		return nil, nil, err
	}
	dr, err := stats.DistrictReportOf(ctx, client, year, at)
	if err != nil {
		return nil, nil, err
	}
	if len(dr.Withheld) > 0 {
		return nil, nil, dr.Withheld[0]
	}
	ts, err := client.Township.Query().Order(ent.Asc(township.FieldCode)).All(ctx)
	if err != nil {
		return nil, nil, err
	}
	projects, err := loadProjects(ctx, client, year)
	if err != nil {
		return nil, nil, err
	}
	rows := map[int]*stats.DistrictReportRow{}
	for _, r := range dr.Townships {
		rows[r.Township.ID] = r
	}
	asOf := end.Format(time.DateOnly)
	district = &Report{Format: Format, Year: year, AsOf: asOf, Headline: headline(dr.Total), Townships: []Row{}, Projects: []Project{}}
	townships = map[int]*Report{}
	for _, t := range ts {
		u := Unit{Code: t.Code, Name: t.Name}
		h := headline(rows[t.ID])
		district.Townships = append(district.Townships, Row{Township: u, Figures: h})
		tr := &Report{Format: Format, Year: year, AsOf: asOf, Township: &u, Headline: h, Projects: []Project{}}
		ar, err := stats.AnnualReportOf(ctx, client, t.ID, year, at)
		if err != nil {
			return nil, nil, err
		}
		if tr.Annual, err = annual(ctx, ar); err != nil {
			return nil, nil, err
		}
		for _, p := range projects {
			if p.townshipCode == t.Code {
				tr.Projects = append(tr.Projects, p)
			}
		}
		tr.Outcomes = sums(tr.Projects)
		townships[t.ID] = tr
	}
	district.Projects = projects
	district.Outcomes = sums(projects)
	return district, townships, nil
}

func headline(r *stats.DistrictReportRow) Headline {
	var h Headline
	if r == nil {
		return h
	}
	if c := r.Coverage; c != nil {
		h.NeedyHouseholds, h.PairedHouseholds = c.NeedyHouseholds, c.PairedHouseholds
	}
	if t := r.Training; t != nil {
		h.Secretaries, h.ComprehensiveAttended = t.Secretaries, t.ComprehensiveAttended
	}
	if m := r.Members; m != nil {
		h.Members, h.MembersWithPost = m.Members, m.WithPost
	}
	if p := r.Poverty; p != nil {
		h.Identified, h.InPoverty, h.Exited, h.Monitored, h.Returned, h.ExitedInYear = p.Identified, p.InPoverty, p.Exited, p.Monitored, p.Returned, p.ExitedInYear
	}
	if p := r.Projects; p != nil {
		h.Projects, h.ActualInvestmentFen = p.Projects, p.ActualInvestment
	}
	return h
}

func annual(ctx context.Context, ar *stats.AnnualReport) (*Annual, error) {
	a := &Annual{VisitsByQuarter: []int{}, ByStage: []Count{}}
	pov, err := ar.Poverty(ctx)
	if err != nil {
		return nil, err
	}
	a.MonitoringOpenedInYear, a.ReturnedInYear = pov.MonitoringOpenedInYear, pov.ReturnedInYear
	tr, err := ar.Training(ctx)
	if err != nil {
		return nil, err
	}
	a.XCoursesAttended = tr.XCoursesAttended
	vc, err := ar.VisitCompliance(ctx)
	if err != nil {
		return nil, err
	}
	a.VisitsByQuarter = append(a.VisitsByQuarter, vc.VisitsByQuarter...)
	a.SpringFestivalPairings, a.SpringFestivalVisited = vc.SpringFestivalPairings, vc.SpringFestivalVisited
	rp, err := ar.Rectifications(ctx)
	if err != nil {
		return nil, err
	}
	a.Rectifications, a.RectificationsPassed = rp.Rectifications, rp.Passed
	tf, err := ar.Teams(ctx)
	if err != nil {
		return nil, err
	}
	a.Teams, a.Contributions, a.HouseholdsHelped = tf.Teams, tf.Contributions, tf.HouseholdsHelped
	st, err := ar.DemoProjectStages(ctx)
	if err != nil {
		return nil, err
	}
	for _, s := range st {
		a.ByStage = append(a.ByStage, Count{Stage: string(s.Stage), Projects: s.Projects})
	}
	return a, nil
}

func loadProjects(ctx context.Context, client *ent.Client, year int) ([]Project, error) {
	ps, err := client.DemoProject.Query().Where(demoproject.Year(year)).
		WithTownship().
		WithInvestments(func(q *ent.ProjectInvestmentQuery) { q.Order(ent.Asc(projectinvestment.FieldSource)) }).
		WithStages(func(q *ent.DemoProjectStageQuery) { q.Order(ent.Asc(demoprojectstage.FieldID)) }).
		All(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Project, 0, len(ps))
	for _, p := range ps {
		t := p.Edges.Township
		if t == nil {
			continue
		}
		pr := Project{
			Township: Unit{Code: t.Code, Name: t.Name}, Name: p.Name, SubjectKind: string(p.SubjectKind), SubjectName: p.SubjectName,
			Industry: string(p.Industry), Goal: p.Goal, Deadline: p.Deadline.Format(time.DateOnly), Stage: string(p.Stage),
			HouseholdsDriven: p.HouseholdsDriven, PersonsDriven: p.PersonsDriven, NeedyHouseholdsDriven: p.NeedyHouseholdsDriven,
			IncomeGainPerHousehold: p.IncomeGainPerHousehold, NewCollectiveIncomeFen: p.NewCollectiveIncome, JobsCreated: p.JobsCreated,
			Investments: []Investment{}, Stages: []Stage{}, townshipCode: t.Code,
		}
		byIn := map[string]*ent.ProjectInvestment{}
		for _, in := range p.Edges.Investments {
			byIn[string(in.Source)] = in
		}
		for _, src := range enum.FundingSource("").Values() {
			in := Investment{Source: src}
			if got := byIn[src]; got != nil {
				in.PlannedFen, in.ActualFen = got.Planned, got.Actual
			}
			pr.PlannedFen += in.PlannedFen
			pr.ActualFen += in.ActualFen
			pr.Investments = append(pr.Investments, in)
		}
		for _, s := range p.Edges.Stages {
			st := Stage{Stage: string(s.Stage), Result: string(s.Result), At: s.CreatedAt.UTC().Format(time.RFC3339), Actor: s.ActorName, Remarks: s.Remarks,
				EvaluationScore: s.EvaluationScore, ApprovalNumber: s.ApprovalNumber, ApprovedBudget: s.ApprovedBudget,
				ProgressPercent: s.ProgressPercent, SpentToDate: s.SpentToDate, FinalInvestment: s.FinalInvestment}
			if s.ReviewGrade != nil {
				g := string(*s.ReviewGrade)
				st.ReviewGrade = &g
			}
			if s.AcceptanceDate != nil {
				d := s.AcceptanceDate.Format(time.DateOnly)
				st.AcceptanceDate = &d
			}
			pr.Stages = append(pr.Stages, st)
		}
		out = append(out, pr)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].townshipCode != out[j].townshipCode {
			return out[i].townshipCode < out[j].townshipCode
		}
		return out[i].Name < out[j].Name
	})
	return out, nil
}

func sums(ps []Project) OutcomeSums {
	s := OutcomeSums{Investments: []Investment{}}
	bySource := map[string]*Investment{}
	for _, src := range enum.FundingSource("").Values() {
		s.Investments = append(s.Investments, Investment{Source: src})
	}
	for i := range s.Investments {
		bySource[s.Investments[i].Source] = &s.Investments[i]
	}
	for _, p := range ps {
		s.Projects++
		s.PlannedFen += p.PlannedFen
		s.ActualFen += p.ActualFen
		s.HouseholdsDriven += p.HouseholdsDriven
		s.PersonsDriven += p.PersonsDriven
		s.NeedyHouseholdsDriven += p.NeedyHouseholdsDriven
		if p.IncomeGainPerHousehold != nil {
			s.IncomeGainFen += *p.IncomeGainPerHousehold * money.Fen(p.HouseholdsDriven)
		}
		if p.NewCollectiveIncomeFen != nil {
			s.NewCollectiveIncome += *p.NewCollectiveIncomeFen
		}
		s.JobsCreated += p.JobsCreated
		for _, in := range p.Investments {
			b := bySource[in.Source]
			b.PlannedFen += in.PlannedFen
			b.ActualFen += in.ActualFen
		}
	}
	return s
}
