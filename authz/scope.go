package authz

import (
	"fmt"
	"time"

	"entgo.io/ent/dialect/sql"

	gen "github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/ent/demand"
	"github.com/nanpiao/sbqw/ent/departmentvillagelink"
	"github.com/nanpiao/sbqw/ent/pairing"
	"github.com/nanpiao/sbqw/ent/partymember"
	"github.com/nanpiao/sbqw/ent/rectification"
	"github.com/nanpiao/sbqw/ent/rolebinding"
	"github.com/nanpiao/sbqw/ent/schema/scope"
	"github.com/nanpiao/sbqw/ent/teammembership"
)

// This file holds what each scope kind means in SQL: predicates on an entity's own indexed
// scope columns, or an IN over an indexed sub-select — never a join chain, never a check in Go
// row by row. Which entity answers to which kind through which column is declared once, in the
// entity's schema (scope.Of), and generated into ent.Scopes; entities compiles it at start.

// scopeRule limits rows of one entity to what binding b reaches.
type scopeRule func(s *sql.Selector, b Binding, v *Viewer) *sql.Predicate

// entity describes an entity for the authorization layer.
type entity struct {
	object string                  // Casbin object name
	kinds  map[ScopeKind]scopeRule // what each scope kind means; district needs none
	// manage, when set, replaces kinds for every action but read: what the caller may change
	// is narrower than what it may see (users and role bindings; see accounts.go).
	manage map[ScopeKind]scopeRule
	// checkAfterWrite: a created or updated row must lie within the writer's scope. Off only
	// for users, which are scoped through role bindings created after them, and system rows.
	checkAfterWrite bool
}

// entities is ent.Scopes compiled into rules. An unknown scope.Via panics here, at start.
var entities = func() map[string]entity {
	out := make(map[string]entity, len(gen.Scopes))
	for t, e := range gen.Scopes {
		out[t] = entity{object: e.Object, kinds: compile(t, e.Read), manage: compile(t, e.Manage), checkAfterWrite: e.CheckAfterWrite}
	}
	return out
}()

func compile(entType string, ws []scope.Where) map[ScopeKind]scopeRule {
	if len(ws) == 0 {
		return nil
	}
	byKind := map[ScopeKind][]scopeRule{}
	for _, w := range ws {
		v, ok := vias[w.Via]
		if !ok {
			panic(fmt.Sprintf("authz: %s: scope kind %s reaches it via %q, which scope.go does not implement", entType, w.Kind, w.Via))
		}
		k := ScopeKind(w.Kind)
		byKind[k] = append(byKind[k], v(k, w.Column))
	}
	out := make(map[ScopeKind]scopeRule, len(byKind))
	for k, rs := range byKind {
		out[k] = anyOf(rs...)
	}
	return out
}

// vias implements every scope.Via: given the kind and the entity's column, the rule.
var vias = map[scope.Via]func(k ScopeKind, column string) scopeRule{
	scope.Unit:                     func(k ScopeKind, c string) scopeRule { return col(c, unitOf(k)) },
	scope.Caller:                   func(_ ScopeKind, c string) scopeRule { return self(c) },
	scope.ActivelyPairedHouseholds: in(activelyPairedHouseholds),
	scope.ActivePairings:           in(activePairings),
	scope.LinkedVillages:           in(linkedVillages),
	scope.DepartmentHouseholds:     in(departmentHouseholds),
	scope.DepartmentDemands:        in(departmentDemands),
	scope.AssistedDemands:          in(assistedDemands),
	scope.DepartmentRectifications: in(departmentRectifications),
	scope.DepartmentMembers:        in(departmentMembers),
	scope.DepartmentTeams:          in(departmentTeams),
	scope.TeamsWithMember:          func(k ScopeKind, c string) scopeRule { return colIn(c, teamsWithMember(k)) },
	scope.UsersBound:               func(k ScopeKind, c string) scopeRule { return colIn(c, usersBound(unitColumn[k], unitOf(k))) },
	scope.UnboundUsers:             func(_ ScopeKind, c string) scopeRule { return unboundUsers(c) },
	scope.ManageableUsers:          func(_ ScopeKind, c string) scopeRule { return manageableUsers(c) },
	scope.BoundHere:                func(k ScopeKind, c string) scopeRule { return boundHere(c, unitOf(k)) },
	scope.ManagedBindings:          func(ScopeKind, string) scopeRule { return managedBindings },
}

func in(sub func(Binding) *sql.Selector) func(ScopeKind, string) scopeRule {
	return func(_ ScopeKind, c string) scopeRule { return colIn(c, sub) }
}

// unitOf is the binding's unit a kind compares with.
func unitOf(k ScopeKind) func(Binding) int {
	switch k {
	case ScopeTownship:
		return township
	case ScopeVillage:
		return village
	case ScopeDepartment:
		return department
	}
	panic("authz: scope kind " + string(k) + " has no unit")
}

// unitColumn is the role-binding column holding a kind's unit.
var unitColumn = map[ScopeKind]string{
	ScopeTownship:   rolebinding.FieldTownshipID,
	ScopeVillage:    rolebinding.FieldVillageID,
	ScopeDepartment: rolebinding.FieldDepartmentID,
}

func col(name string, unit func(Binding) int) scopeRule {
	return func(s *sql.Selector, b Binding, _ *Viewer) *sql.Predicate { return sql.EQ(s.C(name), unit(b)) }
}

func colIn(name string, sub func(Binding) *sql.Selector) scopeRule {
	return func(s *sql.Selector, b Binding, _ *Viewer) *sql.Predicate { return sql.In(s.C(name), sub(b)) }
}

func anyOf(rules ...scopeRule) scopeRule {
	if len(rules) == 1 {
		return rules[0]
	}
	return func(s *sql.Selector, b Binding, v *Viewer) *sql.Predicate {
		ps := make([]*sql.Predicate, len(rules))
		for i, r := range rules {
			ps[i] = r(s, b, v)
		}
		return or(ps...)
	}
}

// or joins predicates with OR. A one-element sql.Or renders its element without passing on
// its nesting depth, so an OR nested in it loses its parentheses and binds wrongly against
// the AND of the query's other conditions ("deleted_at IS NULL AND a OR b"): never build one.
func or(ps ...*sql.Predicate) *sql.Predicate {
	if len(ps) == 1 {
		return ps[0]
	}
	return sql.Or(ps...)
}

func self(name string) scopeRule {
	return func(s *sql.Selector, _ Binding, v *Viewer) *sql.Predicate { return sql.EQ(s.C(name), v.UserID) }
}

func township(b Binding) int   { return b.TownshipID }
func village(b Binding) int    { return b.VillageID }
func department(b Binding) int { return b.DepartmentID }

func live(p ...*sql.Predicate) *sql.Predicate { return sql.And(append(p, sql.IsNull("deleted_at"))...) }

// Sub-selects shared by several entities.

// activelyPairedHouseholds: households the cadre is paired with now.
func activelyPairedHouseholds(b Binding) *sql.Selector {
	return sql.Select(pairing.FieldHouseholdID).From(sql.Table(pairing.Table)).
		Where(live(sql.EQ(pairing.FieldCadreID, b.CadreID), sql.EQ(pairing.FieldActive, true)))
}

// activePairings: the cadre's pairings in force.
func activePairings(b Binding) *sql.Selector {
	return sql.Select(pairing.FieldID).From(sql.Table(pairing.Table)).
		Where(live(sql.EQ(pairing.FieldCadreID, b.CadreID), sql.EQ(pairing.FieldActive, true)))
}

// linkedVillages: villages linked to the department this year (部门联村).
func linkedVillages(b Binding) *sql.Selector {
	return sql.Select(departmentvillagelink.FieldVillageID).From(sql.Table(departmentvillagelink.Table)).
		Where(live(sql.EQ(departmentvillagelink.FieldDepartmentID, b.DepartmentID), sql.EQ(departmentvillagelink.FieldYear, time.Now().Year())))
}

// departmentHouseholds: households a cadre of the department is or was paired with, and those
// whose demands were routed to it — so that every pairing and demand it sees has a visible
// household.
func departmentHouseholds(b Binding) *sql.Selector {
	paired := sql.Select(pairing.FieldHouseholdID).From(sql.Table(pairing.Table)).Where(live(sql.EQ(pairing.FieldDepartmentID, b.DepartmentID)))
	routed := sql.Select(demand.FieldHouseholdID).From(sql.Table(demand.Table)).Where(live(sql.Or(
		sql.EQ(demand.FieldDepartmentID, b.DepartmentID), sql.In(demand.FieldID, assistedDemands(b)))))
	return paired.Union(routed)
}

// departmentDemands: demands routed to the department, or that it assists with.
func departmentDemands(b Binding) *sql.Selector {
	return sql.Select(demand.FieldID).From(sql.Table(demand.Table)).Where(live(sql.EQ(demand.FieldDepartmentID, b.DepartmentID))).
		Union(assistedDemands(b))
}

// assistedDemands: demands the department was asked to assist with (部门手拉手). Rows of the
// join table carry no deleted_at: the demand itself is checked live where it is read.
func assistedDemands(b Binding) *sql.Selector {
	return sql.Select(demand.AssistingDepartmentsPrimaryKey[1]).From(sql.Table(demand.AssistingDepartmentsTable)).
		Where(sql.EQ(demand.AssistingDepartmentsPrimaryKey[0], b.DepartmentID))
}

// departmentRectifications: rectifications the department is the linked department of now.
func departmentRectifications(b Binding) *sql.Selector {
	return sql.Select(rectification.FieldID).From(sql.Table(rectification.Table)).Where(live(sql.EQ(rectification.FieldDepartmentID, b.DepartmentID)))
}

// departmentMembers: party members of the department's own party organisations — one indexed
// equality, since a member's department_id is its organisation's.
func departmentMembers(b Binding) *sql.Selector {
	return sql.Select(partymember.FieldID).From(sql.Table(partymember.Table)).Where(live(sql.EQ(partymember.FieldDepartmentID, b.DepartmentID)))
}

// departmentTeams: teams with a member of the department.
func departmentTeams(b Binding) *sql.Selector {
	return sql.Select(teammembership.FieldTeamID).From(sql.Table(teammembership.Table)).
		Where(live(sql.In(teammembership.FieldMemberID, departmentMembers(b))))
}

// teamsWithMember: teams with a member from the binding's township or village. A membership's
// scope columns are its member's, so this is one indexed equality on team_memberships.
func teamsWithMember(k ScopeKind) func(Binding) *sql.Selector {
	column, unit := map[ScopeKind]string{ScopeTownship: teammembership.FieldTownshipID, ScopeVillage: teammembership.FieldVillageID}[k], unitOf(k)
	if column == "" {
		panic("authz: teamsWithMember answers to township and village scope only, not " + string(k))
	}
	return func(b Binding) *sql.Selector {
		return sql.Select(teammembership.FieldTeamID).From(sql.Table(teammembership.Table)).
			Where(live(sql.EQ(column, unit(b))))
	}
}

// ObjectOf returns the Casbin object name of an ent type ("" when unknown).
func ObjectOf(entType string) string { return entities[entType].object }

// EntityTypes lists the ent types the authorization layer knows.
func EntityTypes() []string {
	out := make([]string, 0, len(entities))
	for t := range entities {
		out = append(out, t)
	}
	return out
}

// predicate compiles the viewer's reach for action on an entity into one predicate: the OR,
// over its active bindings, of what each binding's role may reach. ok is false when no binding
// may take the action at all; a nil predicate with ok means every row.
func (v *Viewer) predicate(entType, action string) (func(*sql.Selector), bool) {
	ent, known := entities[entType]
	if !known || v.policy == nil {
		return nil, false
	}
	type part struct {
		b    Binding
		rule scopeRule
	}
	kinds := ent.kinds
	if action != ActionRead && ent.manage != nil {
		kinds = ent.manage
	}
	var parts []part
	allowed := false
	for _, b := range v.Bindings {
		for _, kind := range v.policy.Scopes(string(b.Role), ent.object, action) {
			if kind == ScopeDistrict {
				return nil, true
			}
			rule, ok := kinds[kind]
			if !ok || !bound(kind, b) {
				continue // a kind that means nothing for this entity or this binding grants nothing
			}
			allowed = true
			parts = append(parts, part{b, rule})
		}
	}
	if !allowed {
		return nil, false
	}
	return func(s *sql.Selector) {
		ps := make([]*sql.Predicate, len(parts))
		for i, p := range parts {
			ps[i] = p.rule(s, p.b, v)
		}
		s.Where(or(ps...))
	}, true
}

// bound: the binding is tied to the unit the scope kind needs.
func bound(kind ScopeKind, b Binding) bool {
	switch kind {
	case ScopeTownship:
		return b.TownshipID != 0
	case ScopeVillage:
		return b.VillageID != 0
	case ScopePaired:
		return b.CadreID != 0
	case ScopeDepartment:
		return b.DepartmentID != 0
	}
	return true
}
