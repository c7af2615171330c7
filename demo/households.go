package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/ent/schema/enum"
)

// Households and their residents. A household's category, poverty status, causes, years and
// income agree with each other, and its residents' ages, genders and relations make a family.

type household struct {
	id       int
	v        *village
	number   string
	headName string
	needy    bool
	category enum.HouseholdCategory
	causes   []enum.PovertyCause
	// status and the years of its history: identified (or monitored from), exited (0: never)
	status     enum.PovertyStatus
	identified int
	exit       int
}

// resident is one person of a household before it is written.
type resident struct {
	name     string
	surname  string
	female   bool
	years    int
	relation enum.Relation
	health   enum.HealthStatus
}

var chineseDigits = []string{"一", "二", "三", "四", "五", "六", "七", "八", "九", "十"}

func (l *loader) loadHouseholds(ctx context.Context) error {
	var (
		hbs    []*ent.HouseholdCreate
		people [][]*ent.ResidentCreate // residents of hbs[i], household ID set once known
	)
	for _, v := range l.villages {
		for i := range l.r.between(40, 52) {
			h := &household{v: v, number: fmt.Sprintf("%04d", i+1)}
			hb, rbs := l.newHousehold(h, i)
			v.households = append(v.households, h)
			l.households = append(l.households, h)
			hbs = append(hbs, hb)
			people = append(people, rbs)
		}
	}
	rows, err := insert(ctx, l, "Household", hbs, func(ctx context.Context, b []*ent.HouseholdCreate) ([]*ent.Household, error) {
		return l.tx.Household.CreateBulk(b...).Save(ctx)
	})
	if err != nil {
		return err
	}
	var rbs []*ent.ResidentCreate
	for i, row := range rows {
		l.households[i].id = row.ID
		for _, rb := range people[i] {
			rbs = append(rbs, rb.SetHouseholdID(row.ID))
		}
	}
	_, err = insert(ctx, l, "Resident", rbs, func(ctx context.Context, b []*ent.ResidentCreate) ([]*ent.Resident, error) {
		return l.tx.Resident.CreateBulk(b...).Save(ctx)
	})
	return err
}

func (l *loader) newHousehold(h *household, i int) (*ent.HouseholdCreate, []*ent.ResidentCreate) {
	r := l.r
	weights := []weighted[enum.HouseholdCategory]{{"ORDINARY", 55}, {"REGISTERED_POOR", 11}, {"LIFTED_OUT", 25}, {"MONITORED", 9}}
	if h.v.poor {
		weights = []weighted[enum.HouseholdCategory]{{"ORDINARY", 40}, {"REGISTERED_POOR", 16}, {"LIFTED_OUT", 32}, {"MONITORED", 12}}
	}
	h.category = choose(r, weights)
	b := l.tx.Household.Create().SetVillageID(h.v.id).SetTownshipID(h.v.t.id).SetNumber(h.number).
		SetAddress(fmt.Sprintf("%s%s组%d号", h.v.name, chineseDigits[i%8], r.between(1, 60))).
		SetCategory(h.category)
	var income float64
	// The poverty status decides the category (workflow.PovertyRules); the dated history that
	// leads to it is written by loadPovertyHistory (poverty.go).
	switch h.category {
	case "ORDINARY":
		b.SetPovertyStatus("NOT_POOR")
		h.needy = r.chance(0.03) // a family hit by a sudden hardship: monitored
		if h.needy {
			h.status, h.identified = enum.StatusMonitored, 2020+i%6
		}
		income = float64(r.between(1200, 2600)) * 10
	case "REGISTERED_POOR": // 建档立卡, not yet out of poverty
		h.status = choose(r, []weighted[enum.PovertyStatus]{{"IN_POVERTY", 8}, {"AT_RISK", 2}})
		h.identified = r.between(2014, 2019)
		if h.status == enum.StatusMonitored { // left poverty, now monitored again
			h.exit = min(h.identified+2, 2020)
		} else if h.identified <= 2016 && i%5 == 0 { // left poverty, fell back (返贫)
			h.status, h.exit = enum.StatusReturned, h.identified+2
		}
		h.needy = true
		income = float64(r.between(350, 650)) * 10
	case "LIFTED_OUT": // 脱贫户
		h.identified = r.between(2014, 2018)
		h.status, h.exit = enum.StatusLifted, r.between(h.identified+1, 2020)
		h.needy = r.chance(0.85) // still followed by a cadre until the situation is stable
		income = float64(r.between(800, 1600)) * 10
	case "MONITORED": // 监测户: at risk of falling (back) into poverty
		h.identified = r.between(2021, 2026)
		h.status = enum.StatusMonitored
		if h.identified <= 2024 && r.chance(0.3) {
			h.status, h.exit = enum.StatusLifted, r.between(h.identified, 2025) // risk removed
		}
		h.needy = true
		income = float64(r.between(600, 1100)) * 10
	}
	if h.status == "" {
		h.status = enum.StatusNotPoor
	}
	h.category = enum.CategoryOf(h.status)
	b.SetPovertyStatus(h.status).SetCategory(h.category)
	if h.status == enum.StatusMonitored { // the risk its history opened monitoring for (poverty.go)
		b.SetMonitoringRisk(demoRisks[len(l.households)%len(demoRisks)])
	}
	if h.identified > 0 {
		b.SetIdentifiedYear(h.identified)
	}
	if h.exit > 0 {
		b.SetExitYear(h.exit)
	}
	if h.status != enum.StatusNotPoor {
		h.causes = l.causes()
		b.SetCauses(h.causes)
	}
	b.SetNeedy(h.needy).SetIncomePerCapita(income)
	family := l.family(h)
	h.headName = family[0].name
	b.SetHeadName(h.headName)
	var rbs []*ent.ResidentCreate
	for _, p := range family {
		rbs = append(rbs, l.residentBuilder(h, p))
	}
	return b, rbs
}

var causeWeights = []weighted[enum.PovertyCause]{
	{"ILLNESS", 30}, {"DISABILITY", 12}, {"LACK_OF_LABOR", 15}, {"LACK_OF_FUNDS", 12}, {"LACK_OF_SKILLS", 10},
	{"SCHOOLING", 6}, {"DISASTER", 4}, {"LACK_OF_LAND", 3}, {"LACK_OF_WATER", 2}, {"POOR_TRANSPORT", 2}, {"LACK_OF_DRIVE", 4},
}

// causes draws one to three distinct causes of poverty, the main one first.
func (l *loader) causes() []enum.PovertyCause {
	n := choose(l.r, []weighted[int]{{1, 50}, {2, 35}, {3, 15}})
	var out []enum.PovertyCause
	for len(out) < n {
		c := choose(l.r, causeWeights)
		if !hasCause(out, c) {
			out = append(out, c)
		}
	}
	return out
}

func hasCause(cs []enum.PovertyCause, c enum.PovertyCause) bool {
	for _, x := range cs {
		if x == c {
			return true
		}
	}
	return false
}

// family draws the residents: the head first, then spouse, a parent, children or a son's
// family. Ages follow from each other and relations fix the genders.
func (l *loader) family(h *household) []resident {
	r := l.r
	poor := h.category != "ORDINARY"
	size := choose(r, []weighted[int]{{1, 12}, {2, 28}, {3, 22}, {4, 20}, {5, 12}, {6, 6}})
	headAge := r.between(28, 85)
	if poor {
		headAge = r.between(38, 88)
		size = max(1, size-r.IntN(2)) // poor households are smaller
	}
	head := resident{surname: r.surname(), years: headAge, relation: "HEAD"}
	head.female = r.chance(0.12) || (size == 1 && headAge > 65 && r.chance(0.4))
	fam := []resident{head}
	room := func() bool { return len(fam) < size }

	husbandSurname := head.surname
	motherAge := headAge
	if room() && !(head.female && headAge > 60 && r.chance(0.7)) {
		spouse := resident{surname: r.otherSurname(head.surname), female: !head.female, relation: "SPOUSE"}
		if head.female {
			spouse.years = min(headAge+r.between(0, 5), 95)
			husbandSurname = spouse.surname
		} else {
			spouse.years = max(headAge-r.between(0, 5), 20)
			motherAge = spouse.years
		}
		fam = append(fam, spouse)
	} else if head.female {
		husbandSurname = r.otherSurname(head.surname) // a widow's late husband
	}
	if room() && headAge <= 58 && r.chance(0.5) {
		parent := resident{female: r.chance(0.6), years: min(headAge+r.between(24, 34), 95), relation: "PARENT"}
		parent.surname = head.surname // the head's own father, or a mother who married in
		if parent.female {
			parent.surname = r.otherSurname(head.surname)
		}
		fam = append(fam, parent)
	}
	if room() && headAge >= 52 && size-len(fam) >= 2 && r.chance(0.6) {
		son := resident{surname: husbandSurname, years: motherAge - r.between(22, 32), relation: "SON"}
		if son.years >= 20 {
			inLaw := resident{surname: r.otherSurname(husbandSurname), female: true, years: max(son.years-r.between(-2, 4), 19), relation: "CHILD_IN_LAW"}
			fam = append(fam, son, inLaw)
			for room() {
				g := resident{surname: husbandSurname, female: r.chance(0.5), years: inLaw.years - r.between(22, 30), relation: "GRANDCHILD"}
				if g.years < 1 {
					break
				}
				fam = append(fam, g)
			}
		}
	}
	for room() {
		c := resident{surname: husbandSurname, female: r.chance(0.5), years: motherAge - r.between(21, 38), relation: "SON"}
		if c.female {
			c.relation = "DAUGHTER"
		}
		if c.years < 1 {
			break
		}
		fam = append(fam, c)
	}
	for i := range fam {
		p := &fam[i]
		born := demoToday.Year() - p.years
		p.name = p.surname + r.givenName(p.female, born)
		p.health = l.health(p.years)
	}
	l.matchHealthToCauses(h, fam)
	return fam
}

func (l *loader) health(years int) enum.HealthStatus {
	if years < 60 {
		return choose(l.r, []weighted[enum.HealthStatus]{{"HEALTHY", 88}, {"CHRONIC_ILLNESS", 7}, {"SERIOUS_ILLNESS", 2}, {"DISABLED", 3}})
	}
	return choose(l.r, []weighted[enum.HealthStatus]{{"HEALTHY", 55}, {"CHRONIC_ILLNESS", 30}, {"SERIOUS_ILLNESS", 7}, {"DISABLED", 8}})
}

// matchHealthToCauses makes sure a household poor through illness has someone ill, and one
// poor through disability someone disabled.
func (l *loader) matchHealthToCauses(h *household, fam []resident) {
	adult := func() *resident {
		var adults []int
		for i, p := range fam {
			if p.years >= 18 {
				adults = append(adults, i)
			}
		}
		return &fam[pick(l.r, adults)]
	}
	if hasCause(h.causes, "ILLNESS") && !anyHealth(fam, "CHRONIC_ILLNESS", "SERIOUS_ILLNESS") {
		adult().health = choose(l.r, []weighted[enum.HealthStatus]{{"CHRONIC_ILLNESS", 6}, {"SERIOUS_ILLNESS", 4}})
	}
	if hasCause(h.causes, "DISABILITY") && !anyHealth(fam, "DISABLED") {
		adult().health = "DISABLED"
	}
}

func anyHealth(fam []resident, hs ...enum.HealthStatus) bool {
	for _, p := range fam {
		for _, h := range hs {
			if p.health == h {
				return true
			}
		}
	}
	return false
}

func (l *loader) residentBuilder(h *household, p resident) *ent.ResidentCreate {
	r := l.r
	idNumber, birth := l.ids.idNumber(r, r.birthForAge(p.years), p.female)
	b := l.tx.Resident.Create().SetName(p.name).SetRelation(p.relation).SetIDNumber(idNumber).
		SetHealth(p.health).SetLaborSkill(laborSkill(r, age(birth), p.health)).
		SetTownshipID(h.v.t.id).SetVillageID(h.v.id)
	if e, ok := residentEducation(r, age(birth), birth); ok {
		b.SetEducation(e)
	}
	if hasPhone(r, p) {
		b.SetPhone(l.ids.phone())
	}
	return b
}

func hasPhone(r *rng, p resident) bool {
	switch {
	case p.relation == "HEAD":
		return r.chance(0.9)
	case p.years < 18 || p.years > 75:
		return false
	case p.relation == "SPOUSE":
		return r.chance(0.6)
	}
	return r.chance(0.5)
}

func laborSkill(r *rng, years int, health enum.HealthStatus) enum.LaborSkill {
	switch {
	case years < 16 || years > 75 || health == "SERIOUS_ILLNESS":
		return "NONE"
	case health == "DISABLED":
		return choose(r, []weighted[enum.LaborSkill]{{"NONE", 6}, {"LIMITED", 4}})
	case years > 60 || health == "CHRONIC_ILLNESS":
		return choose(r, []weighted[enum.LaborSkill]{{"LIMITED", 6}, {"GENERAL", 3}, {"NONE", 1}})
	case years < 20:
		return choose(r, []weighted[enum.LaborSkill]{{"NONE", 6}, {"GENERAL", 4}}) // mostly at school
	}
	return choose(r, []weighted[enum.LaborSkill]{{"GENERAL", 70}, {"SKILLED", 25}, {"LIMITED", 5}})
}

// residentEducation: children at school have the level they are in; small children none.
func residentEducation(r *rng, years int, birth time.Time) (enum.Education, bool) {
	switch {
	case years < 6:
		return "", false
	case years < 12:
		return "PRIMARY_OR_BELOW", true
	case years < 15:
		return "JUNIOR_HIGH", true
	case years < 18:
		return "SENIOR_HIGH", true
	case years < 23 && r.chance(0.5):
		return choose(r, []weighted[enum.Education]{{"JUNIOR_COLLEGE", 5}, {"BACHELOR", 5}}), true
	}
	return educationFor(r, birth.Year()), true
}
