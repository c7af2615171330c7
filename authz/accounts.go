package authz

import (
	"context"
	"slices"

	"entgo.io/ent/dialect/sql"

	"github.com/nanpiao/sbqw/apperr"
	gen "github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/ent/rolebinding"
	"github.com/nanpiao/sbqw/ent/schema/enum"
	"github.com/nanpiao/sbqw/internal/clock"
)

// Authority over accounts. Role bindings are read in two ways here:
//   - what a binding grants its holder counts only while it is in force (valid_from ≤ today ≤
//     valid_to): an expired or future binding places nobody anywhere;
//   - authority over a user looks at every binding that is in force or still to come: a caller
//     may change a user (update, disable, reset the password, bind, unbind) only when each of
//     those bindings lies inside the caller's unit and strictly below the caller's role.
//     Counting future bindings too closes the gap where a township resets a user today who
//     becomes DISTRICT tomorrow.

// manages says, per role, the roles strictly below it that it may grant and take away, and
// which unit column of the granted binding must name the caller's unit. DISTRICT manages
// everyone through its district-wide policy; roles not listed manage nobody.
var manages = map[enum.Role]struct {
	roles  []enum.Role
	column string
	unit   func(Binding) int
}{
	// A VILLAGE_SECRETARY binding carries its village's township, filled from the village.
	enum.RoleTownship: {roles: []enum.Role{enum.RoleVillageSecretary}, column: rolebinding.FieldTownshipID, unit: township},
	// A CADRE binding carries its cadre's department.
	enum.RoleDepartment: {roles: []enum.Role{enum.RoleCadre}, column: rolebinding.FieldDepartmentID, unit: department},
}

// inForce: the binding grants something today.
func inForce() *sql.Predicate {
	today := clock.Today()
	return sql.And(sql.LTE(rolebinding.FieldValidFrom, today), sql.Or(sql.IsNull(rolebinding.FieldValidTo), sql.GTE(rolebinding.FieldValidTo, today)))
}

// notEnded: the binding grants something today or will later.
func notEnded() *sql.Predicate {
	return sql.Or(sql.IsNull(rolebinding.FieldValidTo), sql.GTE(rolebinding.FieldValidTo, clock.Today()))
}

// grantable: the role_bindings row (columns unqualified, or qualified by s) is one that b may
// grant: a role below b's, inside b's unit.
func grantable(s *sql.Selector, b Binding) *sql.Predicate {
	m, ok := manages[b.Role]
	if !ok {
		return sql.False()
	}
	roles := make([]any, len(m.roles))
	for i, r := range m.roles {
		roles[i] = string(r)
	}
	c := func(name string) string {
		if s == nil {
			return name
		}
		return s.C(name)
	}
	return sql.And(sql.In(c("role"), roles...), sql.EQ(c(m.column), m.unit(b)))
}

// notGrantable is NOT grantable, written so that a NULL unit counts as not grantable.
func notGrantable(b Binding) *sql.Predicate {
	m := manages[b.Role]
	roles := make([]any, len(m.roles))
	for i, r := range m.roles {
		roles[i] = string(r)
	}
	return sql.Or(sql.NotIn("role", roles...), sql.IsNull(m.column), sql.NEQ(m.column, m.unit(b)))
}

// bindingUsers selects the users holding a live role binding that satisfies p.
func bindingUsers(p ...*sql.Predicate) *sql.Selector {
	return sql.Select(rolebinding.FieldUserID).From(sql.Table(rolebinding.Table)).Where(live(p...))
}

// unboundUsers: users that have never had a role binding. Such an account exists only inside
// the transaction of the createUser that makes it (a user needs at least one binding), so the
// bindings createUser adds can name it; everyone who may create users may see it.
func unboundUsers(column string) scopeRule {
	return func(s *sql.Selector, _ Binding, _ *Viewer) *sql.Predicate {
		return sql.NotIn(s.C(column), sql.Select(rolebinding.FieldUserID).From(sql.Table(rolebinding.Table)))
	}
}

// manageableUsers: users every one of whose current and future bindings b may grant — and
// that hold at least one, or none ever (a user being created).
func manageableUsers(column string) scopeRule {
	return func(s *sql.Selector, b Binding, _ *Viewer) *sql.Predicate {
		if _, ok := manages[b.Role]; !ok {
			return sql.False()
		}
		beyond := bindingUsers(notEnded(), notGrantable(b))
		within := bindingUsers(notEnded(), grantable(nil, b))
		never := sql.Select(rolebinding.FieldUserID).From(sql.Table(rolebinding.Table))
		return sql.And(sql.NotIn(s.C(column), beyond), sql.Or(sql.In(s.C(column), within), sql.NotIn(s.C(column), never)))
	}
}

// managedBindings: role bindings b may grant or take away, of users b manages.
func managedBindings(s *sql.Selector, b Binding, v *Viewer) *sql.Predicate {
	return sql.And(grantable(s, b), manageableUsers(rolebinding.FieldUserID)(s, b, v))
}

// usersBound: users holding a binding in force whose column equals b's unit.
func usersBound(column string, unit func(Binding) int) func(Binding) *sql.Selector {
	return func(b Binding) *sql.Selector { return bindingUsers(inForce(), sql.EQ(column, unit(b))) }
}

// boundHere: role bindings of users bound (today) in b's unit through column.
func boundHere(column string, unit func(Binding) int) scopeRule {
	return func(s *sql.Selector, b Binding, _ *Viewer) *sql.Predicate {
		return sql.And(sql.EQ(s.C(column), unit(b)), sql.In(s.C(rolebinding.FieldUserID), usersBound(column, unit)(b)))
	}
}

// MayGrant checks, before anything is written, that the caller may give someone binding g
// (its units filled in: a village's township, a cadre's department): FORBIDDEN otherwise. It
// asks the same question the role-binding rules ask of a written binding, so that createUser
// can refuse a caller without authority before it learns whether the username is taken.
func MayGrant(ctx context.Context, g Binding) error {
	if IsSystem(ctx) {
		return nil
	}
	v := FromContext(ctx)
	if v == nil || v.policy == nil {
		return ErrNoViewer
	}
	for _, b := range v.Bindings {
		for _, kind := range v.policy.Scopes(string(b.Role), entities[gen.TypeRoleBinding].object, ActionCreate) {
			if kind == ScopeDistrict {
				return nil
			}
			m, ok := manages[b.Role]
			if !ok || !bound(kind, b) {
				continue
			}
			unit := map[string]int{rolebinding.FieldTownshipID: g.TownshipID, rolebinding.FieldDepartmentID: g.DepartmentID}[m.column]
			if slices.Contains(m.roles, g.Role) && unit == m.unit(b) {
				return nil
			}
		}
	}
	return apperr.Forbiddenf("you may not grant a %s binding there (无权授予该角色)", g.Role)
}
