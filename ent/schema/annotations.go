package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent/schema"
)

// listed: a type with a root Relay connection (`households(first:…)`), multi-column ordering and
// generated create/update inputs.
func listed(withMutations bool) []schema.Annotation {
	a := []schema.Annotation{entgql.RelayConnection(), entgql.QueryField(), entgql.MultiOrder()}
	if withMutations {
		a = append(a, entgql.Mutations(entgql.MutationCreate(), entgql.MutationUpdate()))
	}
	return a
}

// nested: a type reached through its parents and node(id:), with Relay connections where it is
// the target of a to-many edge.
func nested(withMutations bool) []schema.Annotation {
	a := []schema.Annotation{entgql.RelayConnection(), entgql.MultiOrder()}
	if withMutations {
		a = append(a, entgql.Mutations(entgql.MutationCreate(), entgql.MutationUpdate()))
	}
	return a
}

// connection annotates a to-many edge: a paginated Relay connection that the parent's inputs
// never set (children are created pointing at their parent, not the other way round).
var connection = []schema.Annotation{entgql.RelayConnection(), notSettable}

// childList annotates a small to-many edge shown as a plain list.
var childList = []schema.Annotation{notSettable}
