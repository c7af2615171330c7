package demo

import (
	"context"
	"time"

	"github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/ent/schema/enum"
)

// Party members (villagers, township staff and department cadres who are members) and the
// cadres of the 45 departments.

const (
	townshipStaff   = 8  // members working in each township's organs
	cadresPerDept   = 26 // 45 × 26 = 1,170 cadres
	cadreMemberRate = 0.56
)

type member struct {
	id       int
	name     string
	female   bool
	birth    time.Time
	village  *village // where the member lives; the scope columns are the organisation's
	tID, vID *int     // township and village of the member's organisation (nil: none)
	active   bool
	floating bool
	joined   time.Time // joined the party
}

func (m *member) age() int { return age(m.birth) }

// cadresRegistered is the day every demo cadre was registered in its department.
var cadresRegistered = day(2023, 1, 1)

type cadre struct {
	id     int
	dept   *department
	name   string
	title  string
	phone  string
	member *member
}

// memberProfile is what a member's row says beyond who and where.
type memberProfile struct {
	orgID       int
	education   enum.Education
	occupation  enum.Occupation
	category    enum.MemberCategory
	status      enum.MemberStatus
	location    string
	phone       string
	probation   bool
	specialties []string
}

func (l *loader) loadPeople(ctx context.Context) error {
	var bs []*ent.PartyMemberCreate
	add := func(m *member, b *ent.PartyMemberCreate) {
		l.members = append(l.members, m)
		bs = append(bs, b)
	}
	for _, v := range l.villages {
		for range v.size {
			m, b := l.newVillager(v)
			v.members = append(v.members, m)
			add(m, b)
		}
	}
	for _, t := range l.townships {
		for i := range townshipStaff {
			m, b := l.newTownshipStaff(t, i)
			t.staff = append(t.staff, m)
			add(m, b)
		}
	}
	l.planCadres(add)
	rows, err := insert(ctx, l, "PartyMember", bs, func(ctx context.Context, b []*ent.PartyMemberCreate) ([]*ent.PartyMember, error) {
		return l.tx.PartyMember.CreateBulk(b...).Save(ctx)
	})
	if err != nil {
		return err
	}
	for i, row := range rows {
		l.members[i].id = row.ID
	}
	return l.insertCadres(ctx)
}

// villagerAges skews village members old, as rural party rolls are.
var villagerAges = []weighted[[2]int]{
	{[2]int{20, 29}, 6}, {[2]int{30, 39}, 10}, {[2]int{40, 49}, 16}, {[2]int{50, 59}, 24},
	{[2]int{60, 69}, 24}, {[2]int{70, 79}, 15}, {[2]int{80, 90}, 5},
}

func (l *loader) newVillager(v *village) (*member, *ent.PartyMemberCreate) {
	r := l.r
	span := choose(r, villagerAges)
	years := r.between(span[0], span[1])
	female := r.chance(0.3)
	m := l.newMember(v, female, years)
	p := memberProfile{orgID: v.orgID, status: "ACTIVE", education: educationFor(r, m.birth.Year())}
	switch {
	case years >= 80 && r.chance(0.04):
		p.status = "DECEASED"
	case r.chance(0.006):
		p.status = "TRANSFERRED_OUT"
	}
	switch {
	case years >= 70 || (years >= 65 && r.chance(0.5)):
		p.category = "ELDERLY"
		p.occupation = choose(r, []weighted[enum.Occupation]{{"FARMER", 8}, {"RETIRED", 2}})
	case r.chance(floatingRate(years)):
		p.category = "FLOATING"
		p.occupation = choose(r, []weighted[enum.Occupation]{{"MIGRANT_WORKER", 7}, {"ENTERPRISE_STAFF", 2}, {"SELF_EMPLOYED", 1}})
		p.location = pick(r, cities)
		m.floating = true
	case r.chance(0.05):
		p.category = "IN_SERVICE" // village doctors, teachers
		p.occupation = "PUBLIC_INSTITUTION_STAFF"
	default:
		p.category = "RURAL_ABLE_BODIED"
		p.occupation = choose(r, []weighted[enum.Occupation]{{"FARMER", 75}, {"SELF_EMPLOYED", 12}, {"WORKER", 8}, {"OTHER", 5}})
	}
	if r.chance(0.85) {
		p.phone = l.ids.phone()
	}
	p.probation = years <= 45 && r.chance(0.12)
	p.specialties = l.specialties(p.occupation)
	m.active = p.status == "ACTIVE"
	return m, l.memberBuilder(m, p)
}

func floatingRate(years int) float64 {
	switch {
	case years < 50:
		return 0.25
	case years < 60:
		return 0.1
	}
	return 0.03
}

// newTownshipStaff: the township's secretary, deputies and committee members, living in one
// of its villages and belonging to the township committee.
func (l *loader) newTownshipStaff(t *township, i int) (*member, *ent.PartyMemberCreate) {
	r := l.r
	years := r.between(30, 55)
	if i == 0 {
		years = r.between(42, 55)
	}
	m := l.newMember(pick(r, t.villages), r.chance(0.25), years)
	m.active = true
	p := memberProfile{
		orgID: t.orgID, status: "ACTIVE", category: "IN_SERVICE", occupation: "CIVIL_SERVANT",
		education: choose(r, []weighted[enum.Education]{{"JUNIOR_COLLEGE", 3}, {"BACHELOR", 6}, {"POSTGRADUATE", 1}}),
		phone:     l.ids.phone(), location: t.name(),
	}
	p.specialties = l.specialties(p.occupation)
	return m, l.memberBuilder(m, p)
}

// newMember draws name, gender and birth date; the ID number is drawn in memberBuilder.
func (l *loader) newMember(home *village, female bool, years int) *member {
	birth := l.r.birthForAge(years)
	return &member{
		name: l.r.personName(l.r.surname(), female, birth.Year()), female: female, birth: birth, village: home,
	}
}

func (l *loader) memberBuilder(m *member, p memberProfile) *ent.PartyMemberCreate {
	idNumber, birth := l.ids.idNumber(l.r, m.birth, m.female)
	m.birth = birth
	var membership enum.MembershipKind = "FULL"
	m.joined = l.fullMemberJoined(m.birth)
	if p.probation {
		membership = "PROBATIONARY"
		m.joined = l.r.dateBetween(demoToday.AddDate(0, 0, -350), demoToday.AddDate(0, 0, -20))
	}
	b := l.tx.PartyMember.Create().SetName(m.name).SetIDNumber(idNumber).
		SetEducation(p.education).SetOccupation(p.occupation).SetCategory(p.category).SetStatus(p.status).
		SetMembership(membership).SetJoinedOn(m.joined).
		SetOrganizationID(p.orgID)
	u := l.orgUnits[p.orgID]
	m.tID, m.vID = u.township, u.village
	b.SetNillableTownshipID(u.township).SetNillableVillageID(u.village).SetNillableDepartmentID(u.department)
	if m.floating {
		// deterministic, drawing nothing: the seed's later draws stay where they were
		b.SetFloatingSince(m.joined.AddDate((demoToday.Year()-m.joined.Year())/2, 0, 0))
	}
	if p.phone != "" {
		b.SetPhone(p.phone)
	}
	if p.location != "" {
		b.SetLocation(p.location)
	}
	if len(p.specialties) > 0 {
		b.SetSpecialties(p.specialties)
	}
	return b
}

// fullMemberJoined: joined at 18 or later, most in their twenties and thirties, and at least a
// year ago (the probation year is over).
func (l *loader) fullMemberJoined(birth time.Time) time.Time {
	latest := demoToday.AddDate(-1, 0, -1)
	latestAge := min(age(birth)-1, 60)
	span := max(latestAge-18, 0)
	joinAge := 18 + l.r.IntN(l.r.IntN(span+1)+1)
	joined := birth.AddDate(joinAge, 0, l.r.IntN(365))
	return minTime(joined, latest)
}

// educationFor draws an education typical of the birth year.
func educationFor(r *rng, born int) enum.Education {
	switch {
	case born < 1950:
		return choose(r, []weighted[enum.Education]{{"PRIMARY_OR_BELOW", 60}, {"JUNIOR_HIGH", 30}, {"SENIOR_HIGH", 10}})
	case born < 1965:
		return choose(r, []weighted[enum.Education]{{"PRIMARY_OR_BELOW", 35}, {"JUNIOR_HIGH", 45}, {"SENIOR_HIGH", 17}, {"JUNIOR_COLLEGE", 3}})
	case born < 1980:
		return choose(r, []weighted[enum.Education]{{"PRIMARY_OR_BELOW", 10}, {"JUNIOR_HIGH", 50}, {"SENIOR_HIGH", 28}, {"JUNIOR_COLLEGE", 9}, {"BACHELOR", 3}})
	case born < 1995:
		return choose(r, []weighted[enum.Education]{{"JUNIOR_HIGH", 30}, {"SENIOR_HIGH", 30}, {"JUNIOR_COLLEGE", 22}, {"BACHELOR", 17}, {"POSTGRADUATE", 1}})
	}
	return choose(r, []weighted[enum.Education]{{"JUNIOR_HIGH", 10}, {"SENIOR_HIGH", 25}, {"JUNIOR_COLLEGE", 30}, {"BACHELOR", 32}, {"POSTGRADUATE", 3}})
}

// specialties draws none, one or two of what people in that occupation are good at.
func (l *loader) specialties(o enum.Occupation) []string {
	n := choose(l.r, []weighted[int]{{0, 30}, {1, 50}, {2, 20}})
	pool := specialtiesByWork[o]
	var out []string
	for _, i := range l.r.sample(len(pool), n) {
		out = append(out, pool[i])
	}
	return out
}

// planCadres draws the 26 cadres of every department: a head, two deputies, section chiefs,
// deputy chiefs and staff. Heads, deputies and about half of the others are party members of the
// department's branch (their home village is anywhere in the district).
func (l *loader) planCadres(add func(*member, *ent.PartyMemberCreate)) {
	r := l.r
	for _, d := range l.departments {
		staffTitle := "科员"
		if d.spec.kind == "PUBLIC_INSTITUTION" {
			staffTitle = "干事"
		}
		for i := range cadresPerDept {
			title, lo, hi := staffTitle, 23, 45
			switch {
			case i == 0:
				title, lo, hi = d.spec.head, 45, 58
			case i <= 2:
				title, lo, hi = d.spec.deputy, 38, 56
			case i <= 7:
				title, lo, hi = "科长", 32, 55
			case i <= 12:
				title, lo, hi = "副科长", 28, 50
			}
			female := r.chance(0.4)
			if i == 0 {
				female = r.chance(0.15)
			}
			c := &cadre{dept: d, title: title, phone: l.ids.phone()}
			years := r.between(lo, hi)
			if i <= 2 || r.chance(cadreMemberRate) {
				c.member = l.newMember(pick(r, l.villages), female, years)
				c.member.active = true
				add(c.member, l.memberBuilder(c.member, l.cadreProfile(d, c.phone)))
				c.name = c.member.name
			} else {
				birth := r.birthForAge(years)
				c.name = r.personName(r.surname(), female, birth.Year())
			}
			d.cadres = append(d.cadres, c)
			l.cadres = append(l.cadres, c)
		}
	}
}

func (l *loader) cadreProfile(d *department, phone string) memberProfile {
	p := memberProfile{
		phone: phone, orgID: d.orgID, status: "ACTIVE", category: "IN_SERVICE", occupation: "CIVIL_SERVANT", location: "南票区",
		education: choose(l.r, []weighted[enum.Education]{{"JUNIOR_COLLEGE", 15}, {"BACHELOR", 70}, {"POSTGRADUATE", 15}}),
		probation: l.r.chance(0.02),
	}
	if d.spec.kind == "PUBLIC_INSTITUTION" {
		p.occupation = "PUBLIC_INSTITUTION_STAFF"
	}
	p.specialties = l.specialties(p.occupation)
	return p
}

// insertCadres writes the cadres; a cadre who is a member shares the member's phone.
func (l *loader) insertCadres(ctx context.Context) error {
	var bs []*ent.CadreCreate
	for _, c := range l.cadres {
		b := l.tx.Cadre.Create().SetDepartmentID(c.dept.id).SetName(c.name).SetTitle(c.title).SetPhone(c.phone).
			SetCreatedAt(cadresRegistered) // the first assignment (任职经历) starts that day
		if c.member != nil {
			b.SetMemberID(c.member.id)
		}
		bs = append(bs, b)
	}
	rows, err := insert(ctx, l, "Cadre", bs, func(ctx context.Context, b []*ent.CadreCreate) ([]*ent.Cadre, error) {
		return l.tx.Cadre.CreateBulk(b...).Save(ctx)
	})
	for i, row := range rows {
		l.cadres[i].id = row.ID
	}
	return err
}
