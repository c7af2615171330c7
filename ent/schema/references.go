package schema

import (
	"context"
	"fmt"
	"sort"

	"entgo.io/ent"
	"entgo.io/ent/schema/mixin"

	"github.com/nanpiao/sbqw/apperr"
	"github.com/nanpiao/sbqw/authz"
	gen "github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/workflow"
)

// base is the mixin set every entity of the programme uses: timestamps, soft deletion, scope
// columns filled from the parents the entity's scope declaration names, the check that every
// referenced ID exists and is visible, and authorization. Order matters: hooks run in this
// order, so the authorization checks see the scope columns the scope mixin filled in.
func base() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}, SoftDeleteMixin{}, ScopeMixin{}, ReferenceMixin{}, AuthzMixin{}, YearLockMixin{}, VersionMixin{}}
}

// ReferenceMixin checks, on create and update, that every ID the mutation points an edge at
// names a live row of the edge's target type that the caller can read (the lookup goes through
// the target's privacy rules). Anything else is NOT_FOUND, naming the input field — the same
// answer for an absent row, a row of another type and a row outside the caller's scope.
type ReferenceMixin struct{ mixin.Schema }

func (ReferenceMixin) Hooks() []ent.Hook {
	return []ent.Hook{
		func(next ent.Mutator) ent.Mutator {
			return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
				// System jobs (the demo loader's bulk inserts) rely on the foreign keys instead.
				if m.Op().Is(ent.OpCreate|ent.OpUpdate|ent.OpUpdateOne) && !authz.IsSystem(ctx) {
					if err := checkReferences(ctx, m); err != nil {
						return nil, err
					}
				}
				return next.Mutate(ctx, m)
			})
		},
	}
}

func checkReferences(ctx context.Context, m ent.Mutation) error {
	mc, ok := m.(sealerMutation)
	if !ok {
		return fmt.Errorf("references: unexpected mutation %T", m)
	}
	edges := m.AddedEdges()
	sort.Strings(edges) // report the first bad field deterministically
	client := mc.Client()
	// Load the referenced rows as plain lookups, not as part of the GraphQL selection.
	lookupCtx := authz.LookupContext(ctx)
	for _, e := range edges {
		table := gen.EdgeTargets[m.Type()][e]
		for _, id := range m.AddedIDs(e) {
			n, ok := id.(int)
			if !ok {
				return fmt.Errorf("references: unexpected ID type %T", id)
			}
			if workflow.HeldVisible(ctx, table, n) {
				continue // read through the caller's rules, under its lock, by this write's workflow
			}
			if _, err := client.Noder(lookupCtx, n, gen.WithFixedNodeType(table)); err != nil {
				if gen.IsNotFound(err) {
					return apperr.MissingReference(edgeInputName(e))
				}
				return err
			}
		}
	}
	return nil
}

// edgeInputName is the input field that sets an edge: village → villageID.
func edgeInputName(edge string) string { return gqlName(edge + "_id") }
