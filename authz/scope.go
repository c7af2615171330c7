package authz

import (
	"time"

	"entgo.io/ent/dialect/sql"
)

// This file is the table of DESIGN.md §3: for every scoped entity, what each scope kind means
// in SQL, as predicates on the entity's own indexed scope columns (or an IN over an indexed
// sub-select) — never a join chain, never a check in Go row by row.

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
	// for users, which are scoped through role bindings created after them.
	checkAfterWrite bool
}

func col(name string, unit func(Binding) int) scopeRule {
	return func(s *sql.Selector, b Binding, _ *Viewer) *sql.Predicate { return sql.EQ(s.C(name), unit(b)) }
}

func colIn(name string, sub func(Binding) *sql.Selector) scopeRule {
	return func(s *sql.Selector, b Binding, _ *Viewer) *sql.Predicate { return sql.In(s.C(name), sub(b)) }
}

func anyOf(rules ...scopeRule) scopeRule {
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
	return sql.Select("household_id").From(sql.Table("pairings")).Where(live(sql.EQ("cadre_id", b.CadreID), sql.EQ("active", true)))
}

// activePairings: the cadre's pairings in force.
func activePairings(b Binding) *sql.Selector {
	return sql.Select("id").From(sql.Table("pairings")).Where(live(sql.EQ("cadre_id", b.CadreID), sql.EQ("active", true)))
}

// linkedVillages: villages linked to the department this year (部门联村).
func linkedVillages(b Binding) *sql.Selector {
	return sql.Select("village_id").From(sql.Table("department_village_links")).
		Where(live(sql.EQ("department_id", b.DepartmentID), sql.EQ("year", time.Now().Year())))
}

// departmentHouseholds: households a cadre of the department is or was paired with, and those
// whose demands were routed to it — so that every pairing and demand it sees has a visible
// household.
func departmentHouseholds(b Binding) *sql.Selector {
	paired := sql.Select("household_id").From(sql.Table("pairings")).Where(live(sql.EQ("department_id", b.DepartmentID)))
	routed := sql.Select("household_id").From(sql.Table("demands")).Where(live(sql.EQ("department_id", b.DepartmentID)))
	return paired.Union(routed)
}

// departmentMembers: party members of the department's own party organisations.
func departmentMembers(b Binding) *sql.Selector {
	orgs := sql.Select("id").From(sql.Table("party_organizations")).Where(live(sql.EQ("department_id", b.DepartmentID)))
	return sql.Select("id").From(sql.Table("party_members")).Where(live(sql.In("organization_id", orgs)))
}

func departmentOrgMembers(column string) scopeRule { return colIn(column, departmentMembers) }

// Scope kinds common to rows that carry township_id and village_id.
func hierarchy(extra map[ScopeKind]scopeRule) map[ScopeKind]scopeRule {
	m := map[ScopeKind]scopeRule{
		ScopeTownship: col("township_id", township),
		ScopeVillage:  col("village_id", village),
	}
	for k, r := range extra {
		m[k] = r
	}
	return m
}

// reference data carries no personal data and is readable by everyone signed in; writes to it
// are district-wide only.
var reference = map[ScopeKind]scopeRule{}

var entities = map[string]entity{
	// Reference data.
	"District":              {object: "district", kinds: reference, checkAfterWrite: true},
	"Township":              {object: "township", kinds: reference, checkAfterWrite: true},
	"Village":               {object: "village", kinds: reference, checkAfterWrite: true},
	"Department":            {object: "department", kinds: reference, checkAfterWrite: true},
	"DepartmentVillageLink": {object: "department_village_link", kinds: reference, checkAfterWrite: true},
	"PartyOrganization":     {object: "party_organization", kinds: reference, checkAfterWrite: true},
	"TrainingCourse":        {object: "training_course", kinds: reference, checkAfterWrite: true},
	"Cadre": {object: "cadre", checkAfterWrite: true, kinds: map[ScopeKind]scopeRule{
		ScopeDepartment: col("department_id", department),
	}},

	// People and households.
	"Household": {object: "household", checkAfterWrite: true, kinds: hierarchy(map[ScopeKind]scopeRule{
		ScopePaired:     colIn("id", activelyPairedHouseholds),
		ScopeDepartment: anyOf(colIn("village_id", linkedVillages), colIn("id", departmentHouseholds)),
	})},
	"Resident": {object: "resident", checkAfterWrite: true, kinds: hierarchy(map[ScopeKind]scopeRule{
		ScopePaired:     colIn("household_id", activelyPairedHouseholds),
		ScopeDepartment: anyOf(colIn("village_id", linkedVillages), colIn("household_id", departmentHouseholds)),
	})},
	"PartyMember":    {object: "party_member", checkAfterWrite: true, kinds: hierarchy(map[ScopeKind]scopeRule{ScopeDepartment: departmentOrgMembers("id")})},
	"Post":           {object: "post", checkAfterWrite: true, kinds: hierarchy(map[ScopeKind]scopeRule{ScopeDepartment: departmentOrgMembers("member_id")})},
	"TeamMembership": {object: "team_membership", checkAfterWrite: true, kinds: hierarchy(map[ScopeKind]scopeRule{ScopeDepartment: departmentOrgMembers("member_id")})},
	"Contribution":   {object: "contribution", checkAfterWrite: true, kinds: hierarchy(map[ScopeKind]scopeRule{ScopeDepartment: departmentOrgMembers("member_id")})},
	"Team": {object: "team", checkAfterWrite: true, kinds: hierarchy(map[ScopeKind]scopeRule{
		ScopeDepartment: colIn("id", func(b Binding) *sql.Selector {
			return sql.Select("team_id").From(sql.Table("team_memberships")).Where(live(sql.In("member_id", departmentMembers(b))))
		}),
	})},

	// Pairing, visits, demands. A cadre sees the pairings in force and what hangs off them, so
	// that every edge from a row it sees leads to a row it sees.
	"Pairing": {object: "pairing", checkAfterWrite: true, kinds: hierarchy(map[ScopeKind]scopeRule{
		ScopePaired:     colIn("id", activePairings),
		ScopeDepartment: col("department_id", department),
	})},
	"Visit": {object: "visit", checkAfterWrite: true, kinds: hierarchy(map[ScopeKind]scopeRule{
		ScopePaired:     colIn("pairing_id", activePairings),
		ScopeDepartment: col("department_id", department),
	})},
	"Demand": {object: "demand", checkAfterWrite: true, kinds: hierarchy(map[ScopeKind]scopeRule{
		ScopePaired:     colIn("household_id", activelyPairedHouseholds),
		ScopeDepartment: col("department_id", department),
	})},
	"DemandEvent": {object: "demand_event", checkAfterWrite: true, kinds: hierarchy(map[ScopeKind]scopeRule{
		ScopePaired: colIn("household_id", activelyPairedHouseholds),
		ScopeDepartment: colIn("demand_id", func(b Binding) *sql.Selector {
			return sql.Select("id").From(sql.Table("demands")).Where(live(sql.EQ("department_id", b.DepartmentID)))
		}),
	})},
	"Rectification": {object: "rectification", checkAfterWrite: true, kinds: hierarchy(map[ScopeKind]scopeRule{
		ScopeDepartment: col("department_id", department),
	})},

	// The four projects.
	"DemoProject":        {object: "demo_project", checkAfterWrite: true, kinds: hierarchy(nil)},
	"DemoProjectStage":   {object: "demo_project_stage", checkAfterWrite: true, kinds: hierarchy(nil)},
	"TrainingEnrollment": {object: "training_enrollment", checkAfterWrite: true, kinds: hierarchy(nil)},
	"Assessment":         {object: "assessment", checkAfterWrite: true, kinds: hierarchy(nil)},

	// Platform.
	// Users and bindings: a binding places its holder only while in force; who may change a
	// user, or grant and take away its bindings, is decided by accounts.go's authority rule.
	"User": {object: "user", kinds: map[ScopeKind]scopeRule{
		ScopeTownship:   anyOf(colIn("id", usersBound("township_id", township)), unboundUsers),
		ScopeSelf:       self("id"),
		ScopeDepartment: anyOf(self("id"), colIn("id", usersBound("department_id", department)), unboundUsers),
	}, manage: map[ScopeKind]scopeRule{
		ScopeTownship:   manageableUsers("id"),
		ScopeSelf:       self("id"),
		ScopeDepartment: manageableUsers("id"),
	}},
	"RoleBinding": {object: "role_binding", checkAfterWrite: true, kinds: map[ScopeKind]scopeRule{
		ScopeTownship:   boundHere("township_id", township),
		ScopeSelf:       self("user_id"),
		ScopeDepartment: anyOf(self("user_id"), boundHere("department_id", department)),
	}, manage: map[ScopeKind]scopeRule{
		ScopeTownship:   managedBindings,
		ScopeDepartment: managedBindings,
	}},
	"ApiKey":     {object: "api_key", checkAfterWrite: true, kinds: map[ScopeKind]scopeRule{ScopeSelf: self("user_id")}},
	"AuditEvent": {object: "audit_event", kinds: map[ScopeKind]scopeRule{}},
	"Session":    {object: "session", kinds: map[ScopeKind]scopeRule{}},
	"CasbinRule": {object: "policy", kinds: map[ScopeKind]scopeRule{}},
	"Setting":    {object: "setting", kinds: map[ScopeKind]scopeRule{}},
	// Registered GraphQL documents: read by DISTRICT and AUDITOR through their "*" policies,
	// written by DISTRICT; run by anyone through the system lookup in httpapi/persisted.go.
	"TrustedDocument": {object: "trusted_document", kinds: reference, checkAfterWrite: true},
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
