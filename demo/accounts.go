package demo

import (
	"context"
	"fmt"

	"github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/ent/schema/enum"
)

// Demo accounts: admin (DISTRICT), auditor (AUDITOR), and one account per township, village
// secretary, department and cadre, all with the demo password and bound from 2025-01-01.

type account struct {
	username    string
	displayName string
	role        enum.Role
	township    *township
	village     *village
	dept        *department
	cadre       *cadre
}

func (l *loader) accounts() []account {
	out := []account{
		{username: "admin", displayName: "区委组织部管理员", role: enum.RoleDistrict},
		{username: "auditor", displayName: "审计员（只读）", role: enum.RoleAuditor},
		{username: "poverty01", displayName: "区扶贫办", role: enum.RolePovertyOffice},
	}
	for i, t := range l.townships {
		out = append(out, account{username: fmt.Sprintf("township%02d", i+1), displayName: t.name() + "党委", role: enum.RoleTownship, township: t})
	}
	for i, v := range l.villages {
		out = append(out, account{username: fmt.Sprintf("village%03d", i+1), displayName: v.secretary.name, role: enum.RoleVillageSecretary, village: v})
	}
	for i, d := range l.departments {
		out = append(out, account{username: fmt.Sprintf("dept%02d", i+1), displayName: d.spec.name, role: enum.RoleDepartment, dept: d})
	}
	for i, c := range l.cadres {
		out = append(out, account{username: fmt.Sprintf("cadre%04d", i+1), displayName: c.name, role: enum.RoleCadre, cadre: c})
	}
	return out
}

func (l *loader) loadAccounts(ctx context.Context) error {
	accounts := l.accounts()
	var ubs []*ent.UserCreate
	for _, a := range accounts {
		ubs = append(ubs, l.tx.User.Create().SetUsername(l.username(a.username)).SetDisplayName(a.displayName).SetPasswordHash(l.hash))
	}
	users, err := insert(ctx, l, "User", ubs, func(ctx context.Context, b []*ent.UserCreate) ([]*ent.User, error) {
		return l.tx.User.CreateBulk(b...).Save(ctx)
	})
	if err != nil {
		return err
	}
	var bbs []*ent.RoleBindingCreate
	for i, a := range accounts {
		b := l.tx.RoleBinding.Create().SetUserID(users[i].ID).SetRole(a.role).SetValidFrom(day(2025, 1, 1))
		switch {
		case a.township != nil:
			b.SetTownshipID(a.township.id)
		case a.village != nil: // the village's township is the binding's scope column too
			b.SetVillageID(a.village.id).SetTownshipID(a.village.t.id)
		case a.dept != nil:
			b.SetDepartmentID(a.dept.id)
		case a.cadre != nil: // and the cadre's department
			b.SetCadreID(a.cadre.id).SetDepartmentID(a.cadre.dept.id)
		}
		bbs = append(bbs, b)
	}
	_, err = insert(ctx, l, "RoleBinding", bbs, func(ctx context.Context, b []*ent.RoleBindingCreate) ([]*ent.RoleBinding, error) {
		return l.tx.RoleBinding.CreateBulk(b...).Save(ctx)
	})
	return err
}
