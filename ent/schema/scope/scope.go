// Package scope is how an entity schema declares its scope, once: the parents it inherits its
// scope columns from, which scope kinds it answers to and through which column and sub-select.
// entc (ent/entc.go, ent/template/scope.tmpl) reads the declaration and generates from it and
// from the ent graph the table ent.Scopes: the inheritance the scope hook applies on create,
// authz's per-entity rules, the soft-delete set and the tables a household move rewrites.
package scope

import (
	"fmt"
	"reflect"
	"strings"
)

// Kind is a scope kind of the policy (authz.ScopeKind has the same values). DISTRICT needs no
// declaration: it reaches every row.
type Kind string

const (
	Township   Kind = "township"
	Village    Kind = "village"
	Paired     Kind = "paired"
	Department Kind = "department"
	Self       Kind = "self"
)

// Via names how a column is matched against the caller's binding. Unit and Caller compare the
// column with a value; every other Via is a sub-select that authz/scope.go implements (an
// unknown one panics when authz starts, so every test fails).
type Via string

const (
	Unit   Via = "unit"   // column = the binding's township, village or department
	Caller Via = "caller" // column = the caller's user ID

	ActivelyPairedHouseholds Via = "activelyPairedHouseholds" // households the cadre is paired with now
	ActivePairings           Via = "activePairings"           // the cadre's pairings in force
	LinkedVillages           Via = "linkedVillages"           // villages linked to the department this year
	DepartmentHouseholds     Via = "departmentHouseholds"     // households paired with or routed to the department
	DepartmentDemands        Via = "departmentDemands"        // demands routed to the department or that it assists with
	AssistedDemands          Via = "assistedDemands"          // demands the department assists with (not leads)
	DepartmentRectifications Via = "departmentRectifications" // rectifications the department is linked to now
	DepartmentMembers        Via = "departmentMembers"        // members of the department's party organisations
	DepartmentTeams          Via = "departmentTeams"          // teams with a member of the department
	TeamsWithMember          Via = "teamsWithMember"          // teams with a member from the binding's township or village
	UsersBound               Via = "usersBound"               // users bound in force in the binding's unit
	UnboundUsers             Via = "unboundUsers"             // users with no binding at all
	ManageableUsers          Via = "manageableUsers"          // users the binding may manage (accounts.go)
	BoundHere                Via = "boundHere"                // bindings in the binding's unit of users bound there
	ManagedBindings          Via = "managedBindings"          // bindings the binding may grant or take away
)

// Where is one way a scope kind reaches a row; several for one kind are ORed.
type Where struct {
	Kind   Kind
	Column string
	Via    Via
}

// Parent is a resolved inheritance: the child's FK column, the parent's table, and the scope
// columns copied (child column = parent column of the same name). Generated, not declared.
type Parent struct {
	FK, Table string
	Columns   []string
}

// Entity is what ent.Scopes holds for one type.
type Entity struct {
	Object          string  // Casbin object name
	Read            []Where // how each scope kind reaches a row; none: reference data or district-only
	Manage          []Where // when set, replaces Read for every action but read
	CheckAfterWrite bool    // a created or updated row must lie within the writer's scope
	SoftDelete      bool    // has deleted_at
	Parents         []Parent
	Descendants     []string // tables moved with a row of this type (Movable)
	MovedBy         string   // the column of each descendant naming the moved row
}

// Annotation is the schema annotation; build it with Of.
type Annotation struct {
	Parents           []string `json:"parents,omitempty"` // ent type names
	Read              []Where  `json:"read,omitempty"`
	Manage            []Where  `json:"manage,omitempty"`
	Object            string   `json:"object,omitempty"`
	NoCheckAfterWrite bool     `json:"noCheckAfterWrite,omitempty"`
	Movable           bool     `json:"movable,omitempty"`
}

// Name implements schema.Annotation.
func (Annotation) Name() string { return "Scope" }

// Option is one part of a declaration.
type Option func(*Annotation)

// Of declares an entity's scope. Every entity needs one (generation fails without it);
// Of() with no option is reference data: read by everyone signed in, written district-wide.
func Of(opts ...Option) Annotation {
	var a Annotation
	for _, o := range opts {
		o(&a)
	}
	return a
}

// Inherits copies the scope columns the entity shares with parent (given as a method
// expression, e.g. Household.Type) from the parent row its edge to parent points at.
func Inherits(parent any) Option {
	t := reflect.TypeOf(parent)
	if t == nil || t.Kind() != reflect.Func || t.NumIn() != 1 {
		panic(fmt.Sprintf("scope.Inherits: want a method expression like Household.Type, got %T", parent))
	}
	name := t.In(0).Name()
	return func(a *Annotation) { a.Parents = append(a.Parents, name) }
}

// Hierarchy: TOWNSHIP and VILLAGE reach the rows of their unit through township_id/village_id.
func Hierarchy() Option {
	return func(a *Annotation) {
		a.Read = append(a.Read, Where{Township, "township_id", Unit}, Where{Village, "village_id", Unit})
	}
}

// Reach adds one way kind reaches a row: column matched through via.
func Reach(kind Kind, column string, via Via) Option {
	return func(a *Annotation) { a.Read = append(a.Read, Where{kind, column, via}) }
}

// ManageReach is Reach for every action but read (see Entity.Manage).
func ManageReach(kind Kind, column string, via Via) Option {
	return func(a *Annotation) { a.Manage = append(a.Manage, Where{kind, column, via}) }
}

// Object overrides the Casbin object name (default: the type name in snake case).
func Object(name string) Option { return func(a *Annotation) { a.Object = name } }

// NoCheckAfterWrite: a written row need not lie in the writer's scope (users, which are scoped
// through role bindings created after them) — and rows only system work writes.
func NoCheckAfterWrite() Option { return func(a *Annotation) { a.NoCheckAfterWrite = true } }

// Movable: the one operation that changes a row's scope (workflow.MoveHousehold) rewrites it
// and every table that hangs under it through foreign keys, derived from the ent graph.
func Movable() Option { return func(a *Annotation) { a.Movable = true } }

// SnakeCase turns a type name into the default object name: DemandEvent → demand_event.
func SnakeCase(name string) string {
	var b strings.Builder
	for i, r := range name {
		if r >= 'A' && r <= 'Z' {
			if i > 0 {
				b.WriteByte('_')
			}
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Inherited marks a field as a scope column filled from the parent (see Inherits) that has a
// column of the same name.
func Inherited() InheritedColumn { return InheritedColumn{} }

// InheritedColumn is the field annotation Inherited returns.
type InheritedColumn struct{}

// Name implements schema.Annotation.
func (InheritedColumn) Name() string { return "ScopeInherited" }
