package demo

import (
	"context"
	"fmt"

	"github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/ent/schema/enum"
)

// The district, its townships and villages, the departments and their village links, and the
// party organisations of all three.

const (
	poorVillages = 27 // about 20% of 135
	weakVillages = 6  // listed as weak and lax organisations (软弱涣散)
)

type township struct {
	id       int
	idx      int // 0..9, in code order
	spec     townshipSpec
	orgID    int
	villages []*village
	staff    []*member
	// enterpriseOrgID is the township's 两新 organisation, if the demo gives it one
	enterpriseOrgID int // members working in the township's organs; staff[0] is the party secretary
}

func (t *township) name() string { return t.spec.name }

type village struct {
	id         int
	t          *township
	code       string
	name       string
	poor       bool
	weak       bool
	orgID      int
	orgKind    enum.OrganizationKind
	size       int // party members living there
	dept       *department
	members    []*member
	secretary  *member
	households []*household
}

type department struct {
	id       int
	code     string
	spec     departmentSpec
	orgID    int
	villages []*village
	cadres   []*cadre
}

func (l *loader) loadHierarchy(ctx context.Context) error {
	if l.copy > 0 { // the platform holds one district: further copies are more of its townships
		id, err := l.tx.District.Query().OnlyID(ctx)
		if err != nil {
			return err
		}
		l.districtID = id
	} else {
		d, err := l.tx.District.Create().SetCode("211404000000").SetName("南票区").Save(ctx)
		if err != nil {
			return err
		}
		l.districtID = d.ID
		l.counts["District"]++
	}
	for _, step := range []func(context.Context) error{l.loadTownships, l.loadVillages, l.loadDepartments, l.loadVillageLinks, l.loadOrganizations} {
		if err := step(ctx); err != nil {
			return err
		}
	}
	return nil
}

func (l *loader) loadTownships(ctx context.Context) error {
	var bs []*ent.TownshipCreate
	for i, s := range townshipSpecs {
		l.townships = append(l.townships, &township{idx: i, spec: s})
		bs = append(bs, l.tx.Township.Create().SetDistrictID(l.districtID).SetCode(l.divisionCode(s.code)).SetName(s.name).SetKind(s.kind))
	}
	rows, err := insert(ctx, l, "Township", bs, func(ctx context.Context, b []*ent.TownshipCreate) ([]*ent.Township, error) {
		return l.tx.Township.CreateBulk(b...).Save(ctx)
	})
	for i, row := range rows {
		l.townships[i].id = row.ID
	}
	return err
}

func (l *loader) loadVillages(ctx context.Context) error {
	for _, t := range l.townships {
		for i, name := range t.spec.villages {
			v := &village{t: t, name: name, code: fmt.Sprintf("%s%03d", l.divisionCode(t.spec.code)[:9], 201+i)}
			// A village with many members has a general branch (党总支) instead of a branch.
			v.size = l.r.between(68, 82)
			v.orgKind = "BRANCH"
			if v.size >= 79 {
				v.orgKind = "GENERAL_BRANCH"
			}
			t.villages = append(t.villages, v)
			l.villages = append(l.villages, v)
		}
	}
	for _, i := range l.r.sample(len(l.villages), poorVillages) {
		l.villages[i].poor = true
	}
	for _, i := range l.r.sample(len(l.villages), weakVillages) {
		l.villages[i].weak = true
	}
	var bs []*ent.VillageCreate
	for _, v := range l.villages {
		bs = append(bs, l.tx.Village.Create().SetTownshipID(v.t.id).SetCode(v.code).SetName(v.name).
			SetPoorVillage(v.poor).SetWeakOrganization(v.weak))
	}
	rows, err := insert(ctx, l, "Village", bs, func(ctx context.Context, b []*ent.VillageCreate) ([]*ent.Village, error) {
		return l.tx.Village.CreateBulk(b...).Save(ctx)
	})
	for i, row := range rows {
		l.villages[i].id = row.ID
	}
	return err
}

func (l *loader) loadDepartments(ctx context.Context) error {
	var bs []*ent.DepartmentCreate
	for i, s := range departmentSpecs {
		d := &department{code: fmt.Sprintf("D%02d", i+1), spec: s}
		l.departments = append(l.departments, d)
		l.deptByCode[d.code] = d
		bs = append(bs, l.tx.Department.Create().SetCode(l.departmentCode(d.code)).SetName(s.name).SetKind(s.kind))
	}
	rows, err := insert(ctx, l, "Department", bs, func(ctx context.Context, b []*ent.DepartmentCreate) ([]*ent.Department, error) {
		return l.tx.Department.CreateBulk(b...).Save(ctx)
	})
	for i, row := range rows {
		l.departments[i].id = row.ID
	}
	return err
}

// loadVillageLinks links every department to three villages (部门联村), every village to exactly
// one department, the same for 2025 and 2026 so that pairings begun in 2025 stay in linked
// villages.
func (l *loader) loadVillageLinks(ctx context.Context) error {
	perm := l.r.Perm(len(l.villages))
	for i, vi := range perm {
		d := l.departments[i/3]
		v := l.villages[vi]
		v.dept = d
		d.villages = append(d.villages, v)
	}
	var bs []*ent.DepartmentVillageLinkCreate
	for _, year := range []int{2025, 2026} {
		for _, d := range l.departments {
			for _, v := range d.villages {
				bs = append(bs, l.tx.DepartmentVillageLink.Create().SetDepartmentID(d.id).SetVillageID(v.id).
					SetYear(year).SetTownshipID(v.t.id))
			}
		}
	}
	_, err := insert(ctx, l, "DepartmentVillageLink", bs, func(ctx context.Context, b []*ent.DepartmentVillageLinkCreate) ([]*ent.DepartmentVillageLink, error) {
		return l.tx.DepartmentVillageLink.CreateBulk(b...).Save(ctx)
	})
	return err
}

// loadOrganizations creates a party committee per township, a branch (or general branch) per
// village and an organ branch per department.
func (l *loader) loadOrganizations(ctx context.Context) error {
	var bs []*ent.PartyOrganizationCreate
	for _, t := range l.townships {
		bs = append(bs, l.tx.PartyOrganization.Create().SetName("中共"+t.name()+"委员会").SetKind("COMMITTEE").SetTownshipID(t.id).
			SetOwner(enum.OwnerTownship))
	}
	for _, v := range l.villages {
		suffix := "党支部"
		if v.orgKind == "GENERAL_BRANCH" {
			suffix = "党总支"
		}
		bs = append(bs, l.tx.PartyOrganization.Create().SetName(v.t.name()+v.name+suffix).SetKind(v.orgKind).
			SetVillageID(v.id).SetTownshipID(v.t.id).SetOwner(enum.OwnerVillage))
	}
	for _, d := range l.departments {
		bs = append(bs, l.tx.PartyOrganization.Create().SetName(d.spec.name+"机关党支部").SetKind("BRANCH").SetDepartmentID(d.id).
			SetOwner(enum.OwnerDepartment))
	}
	enterprises := l.townships[:min(len(enterpriseOrgs), len(l.townships))]
	for i, t := range enterprises {
		bs = append(bs, l.tx.PartyOrganization.Create().SetName(t.name()+enterpriseOrgs[i]+"党支部").SetKind("BRANCH").
			SetTownshipID(t.id).SetOwner(enum.OwnerEnterpriseOrSocial))
	}
	rows, err := insert(ctx, l, "PartyOrganization", bs, func(ctx context.Context, b []*ent.PartyOrganizationCreate) ([]*ent.PartyOrganization, error) {
		return l.tx.PartyOrganization.CreateBulk(b...).Save(ctx)
	})
	if err != nil {
		return err
	}
	for i, t := range l.townships {
		t.orgID = rows[i].ID
	}
	for i, v := range l.villages {
		v.orgID = rows[len(l.townships)+i].ID
	}
	for i, d := range l.departments {
		d.orgID = rows[len(l.townships)+len(l.villages)+i].ID
	}
	for i, t := range enterprises {
		t.enterpriseOrgID = rows[len(l.townships)+len(l.villages)+len(l.departments)+i].ID
	}
	for _, o := range rows {
		l.orgUnits[o.ID] = orgUnits{township: nonZero(o.TownshipID), village: nonZero(o.VillageID), department: nonZero(o.DepartmentID)}
	}
	return nil
}

// enterpriseOrgs: the 两新 organisations (non-public enterprises and social organisations) of
// the first townships, one each, with a few members (enterprises.go).
var enterpriseOrgs = []string{"金穗农业专业合作社", "南票电商产业园", "福民养殖有限公司"}

// orgUnits is where a party organisation lies; its members take it (nil: none).
type orgUnits struct{ township, village, department *int }

func nonZero(v int) *int {
	if v == 0 {
		return nil
	}
	return &v
}
