package graph_test

import (
	"fmt"
	"sort"
	"testing"
)

// TestAssessmentProgressEqualsScopedLists: assessmentProgress equals, per unit and indicator,
// the counts and means over the caller's own assessments list (DISTRICT, TOWNSHIP, a village
// secretary), by township and by village, today and as of a past day; POVERTY_OFFICE, which
// may not read assessments, gets FORBIDDEN from both.
func TestAssessmentProgressEqualsScopedLists(t *testing.T) {
	s := newStatsEnv(t)
	secretary := s.userWhere(t, "VILLAGE_SECRETARY", "village_id", "SELECT MIN(village_id) FROM assessments")
	today := s.date()
	// As of a day, a capability indicator counts while its secretary holds the post that day.
	inOffice := fmt.Sprintf(`or: [{secretaryIDIsNil: true}, {hasSecretaryWith: [{hasPostsWith: [{title: SECRETARY, startOnLTE: %q, or: [{endOnIsNil: true}, {endOnGTE: %q}]}]}]}]`, today, today)
	type acc struct {
		n, assessed, met                    int
		baseline, target, assessedT, actual float64
	}
	for _, c := range []struct{ user, g string }{{"admin", "TOWNSHIP"}, {"admin", "VILLAGE"}, {"township01", "TOWNSHIP"}, {"township01", "VILLAGE"}, {secretary, "VILLAGE"}} {
		t.Run(c.user+"/"+c.g, func(t *testing.T) {
			api := s.as(t, c.user)
			for _, asOf := range []string{"", today} {
				want := map[string]map[string]*acc{}
				where := "year: 2026"
				if asOf != "" {
					where += ", " + inOffice
				}
				for _, a := range nodes(t, api, "assessments", where, "indicator baseline target actual village { id township { id } }") {
					u := dig(a, "village", "township", "id").(string)
					if c.g == "VILLAGE" {
						u = dig(a, "village", "id").(string)
					}
					if want[u] == nil {
						want[u] = map[string]*acc{}
					}
					ind := dig(a, "indicator").(string)
					w := want[u][ind]
					if w == nil {
						w = &acc{}
						want[u][ind] = w
					}
					w.n++
					w.baseline += dig(a, "baseline").(float64)
					w.target += dig(a, "target").(float64)
					if v, ok := dig(a, "actual").(float64); ok {
						w.assessed++
						w.assessedT += dig(a, "target").(float64)
						w.actual += v
						if v >= dig(a, "target").(float64) {
							w.met++
						}
					}
				}
				{
					arg := ""
					if asOf != "" {
						arg = fmt.Sprintf(", asOf: %q", asOf)
					}
					rows := rowsOf(t, api, `{ assessmentProgress(year: 2026, groupBy: `+c.g+arg+`) { township { id } village { id } assessments assessed met metRate
					indicators { indicator capability assessments assessed met metRate averageBaseline averageTarget averageAssessedTarget averageActual } } }`, "assessmentProgress")
					ck := &checker{t: t}
					var got, units []string
					for _, r := range rows {
						u := unitID(r, c.g)
						got = append(got, u)
						var tot acc
						inds := dig(r, "indicators").([]any)
						if len(inds) != 11 {
							t.Errorf("%s: %d indicators listed, want all 11", u, len(inds))
						}
						for _, ip := range inds {
							name := dig(ip, "indicator").(string)
							w := want[u][name]
							if w == nil {
								w = &acc{}
							}
							if capability := dig(ip, "capability").(bool); capability != (name[:4] == "CAP_") {
								t.Errorf("%s %s: capability %v", u, name, capability)
							}
							ck.eq(u+" "+name+" assessments", num(dig(ip, "assessments")), w.n)
							ck.eq(u+" "+name+" assessed", num(dig(ip, "assessed")), w.assessed)
							ck.eq(u+" "+name+" met", num(dig(ip, "met")), w.met)
							ck.ratio(u+" "+name+" metRate", dig(ip, "metRate"), float64(w.met), float64(w.assessed))
							ck.ratio(u+" "+name+" averageBaseline", dig(ip, "averageBaseline"), w.baseline, float64(w.n))
							ck.ratio(u+" "+name+" averageTarget", dig(ip, "averageTarget"), w.target, float64(w.n))
							ck.ratio(u+" "+name+" averageAssessedTarget", dig(ip, "averageAssessedTarget"), w.assessedT, float64(w.assessed))
							ck.ratio(u+" "+name+" averageActual", dig(ip, "averageActual"), w.actual, float64(w.assessed))
							tot.n += w.n
							tot.assessed += w.assessed
							tot.met += w.met
						}
						ck.eq(u+" assessments", num(dig(r, "assessments")), tot.n)
						ck.eq(u+" assessed", num(dig(r, "assessed")), tot.assessed)
						ck.eq(u+" met", num(dig(r, "met")), tot.met)
						ck.ratio(u+" metRate", dig(r, "metRate"), float64(tot.met), float64(tot.assessed))
					}
					for u := range want {
						units = append(units, u)
					}
					sort.Strings(got)
					sort.Strings(units)
					if fmt.Sprint(got) != fmt.Sprint(units) {
						t.Errorf("asOf %q: units %v, the list has assessments in %v", asOf, got, units)
					}
					ck.done()
				}
			}
		})
	}
	t.Run("POVERTY_OFFICE", func(t *testing.T) {
		api := s.as(t, "poverty01")
		api.Do(t, `{ assessments(first: 1) { totalCount } }`, nil).Fail(t, "FORBIDDEN")
		api.Do(t, `{ assessmentProgress(year: 2026) { assessments } }`, nil).Fail(t, "FORBIDDEN")
	})
	t.Run("badInput", func(t *testing.T) {
		api := s.as(t, "admin")
		api.Do(t, `{ assessmentProgress(year: 2016) { assessments } }`, nil).Fail(t, "BAD_USER_INPUT")
		api.Do(t, `{ assessmentProgress(year: 2026, asOf: "2016-12-31") { assessments } }`, nil).Fail(t, "BAD_USER_INPUT")
	})
}
