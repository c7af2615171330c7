package graph_test

import (
	"fmt"
	"testing"

	"github.com/nanpiao/sbqw/graph/scalar"
)

// TestReportsOverGraphQL: districtReport and asOf through the HTTP handler — the district's rows
// and totals, a township's own row, asOf echoed, and the refusals (a day out of range, a role
// that may not read a counted type). The figures themselves are compared with the township
// reports in stats (TestDistrictReportEqualsTownshipReports).
func TestReportsOverGraphQL(t *testing.T) {
	s := newStatsEnv(t)
	const q = `query($asOf: Date) { districtReport(year: 2026, asOf: $asOf) { year asOf
		townships { township { id } coverage { needyHouseholds pairedHouseholds } members { members withPost } poverty { inPoverty exited } projects { projects actualInvestment } }
		total { township { id } coverage { needyHouseholds pairedHouseholds } members { members withPost } poverty { inPoverty exited } projects { projects actualInvestment } } } }`
	past := s.today.AddDate(0, -2, 0).Format(scalar.DateLayout)
	for _, c := range []struct {
		user string
		rows int
		asOf any
	}{{"admin", 10, nil}, {"admin", 10, past}, {"township01", 1, past}} {
		var out struct {
			DistrictReport struct {
				Year      int
				AsOf      string
				Townships []map[string]any
				Total     map[string]any
			}
		}
		s.as(t, c.user).Must(t, q, map[string]any{"asOf": c.asOf}, &out)
		r := out.DistrictReport
		wantDay := s.date()
		if c.asOf != nil {
			wantDay = past
		}
		if r.Year != 2026 || r.AsOf != wantDay || len(r.Townships) != c.rows || r.Total["township"] != nil {
			t.Fatalf("%s asOf %v: year %d, asOf %s, %d rows, total township %v", c.user, c.asOf, r.Year, r.AsOf, len(r.Townships), r.Total["township"])
		}
		for _, f := range [][2]string{{"coverage", "needyHouseholds"}, {"coverage", "pairedHouseholds"}, {"members", "members"},
			{"members", "withPost"}, {"poverty", "inPoverty"}, {"poverty", "exited"}, {"projects", "projects"}} {
			sum := 0
			for _, row := range r.Townships {
				sum += num(row[f[0]].(map[string]any)[f[1]])
			}
			total := num(r.Total[f[0]].(map[string]any)[f[1]])
			if f[0] == "members" {
				// Department members belong to no township: the district line has them, no row
				// does (issue 11). Counted independently on the member lists, as of today.
				filter := "status: ACTIVE, hasOrganizationWith: [{owner: DEPARTMENT}]"
				if f[1] == "withPost" {
					filter += ", " + s.bucketFilters("HAS_POST")["WITH_POST"]
				}
				dept := totals(t, s.as(t, c.user), "partyMembers", []string{filter})[0] // those the caller sees
				if (dept == 0) == (c.user == "admin") || (c.asOf == nil && sum+dept != total) || (c.asOf != nil && (total-sum < 0 || total-sum > dept || (dept > 0) != (total > sum))) {
					t.Errorf("%s asOf %v: %s total %d, sum of rows %d, department members %d", c.user, c.asOf, f, total, sum, dept)
				}
				continue
			}
			if sum != total || sum == 0 {
				t.Errorf("%s asOf %v: %s total %d, sum of rows %d", c.user, c.asOf, f, total, sum)
			}
		}
	}
	var tw int
	if err := s.db.SQL.QueryRow("SELECT MIN(id) FROM townships").Scan(&tw); err != nil {
		t.Fatal(err)
	}
	township := scalar.EncodeID(tw)
	for _, c := range []struct{ user, q, code string }{
		{"admin", `{ districtReport(year: 2026, asOf: "2016-12-31") { year } }`, "BAD_USER_INPUT"},
		{"admin", `{ districtReport(year: 2026, asOf: "2099-01-01") { year } }`, "BAD_USER_INPUT"},
		{"admin", `{ districtReport(year: 1999) { year } }`, "BAD_USER_INPUT"},
		{"admin", `{ pairingCoverage(asOf: "2016-12-31") { coverage } }`, "BAD_USER_INPUT"},
		{"admin", `{ cadreLoad(asOf: "2099-01-01") { cadres } }`, "BAD_USER_INPUT"},
		{"admin", `{ memberComposition(dimension: GENDER, asOf: "2016-01-01") { members } }`, "BAD_USER_INPUT"},
		{"admin", `{ trainingCompletion(year: 2026, asOf: "2099-01-01") { secretaries } }`, "BAD_USER_INPUT"},
		{"admin", fmt.Sprintf(`{ annualReport(townshipID: %q, year: 2026, asOf: "2016-12-31") { year } }`, township), "BAD_USER_INPUT"},
		{"cadre0001", `{ districtReport(year: 2026) { total { members { members } } } }`, "FORBIDDEN"},
	} {
		r := s.as(t, c.user).Do(t, c.q, nil)
		r.Fail(t, c.code)
	}
	// An annualReport as of a past day says so, and its poverty section is answered.
	var ar struct {
		AnnualReport struct {
			AsOf    string
			Poverty struct{ InPoverty, Exited int }
		}
	}
	s.as(t, "admin").Must(t, fmt.Sprintf(`{ annualReport(townshipID: %q, year: 2026, asOf: %q) { asOf poverty { inPoverty exited } } }`, township, past), nil, &ar)
	if ar.AnnualReport.AsOf != past || ar.AnnualReport.Poverty.InPoverty+ar.AnnualReport.Poverty.Exited == 0 {
		t.Errorf("annualReport asOf %s: %+v", past, ar.AnnualReport)
	}
}
