package authz

import (
	"context"
	"errors"
	"fmt"

	"entgo.io/ent"
	"entgo.io/ent/dialect/sql"
	"github.com/99designs/gqlgen/graphql"

	"github.com/nanpiao/sbqw/apperr"
	gen "github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/ent/intercept"
	"github.com/nanpiao/sbqw/ent/privacy"
)

// ErrNoViewer is the denial for a query or mutation made without a caller (a bug: the HTTP
// layer refuses unauthenticated requests before they reach ent).
var ErrNoViewer = privacy.Denyf("no viewer in context")

// QueryPolicy is the read rule of every entity: system work sees everything; a caller sees the
// rows its bindings reach for "read" (or, inside a write check, for that write's action); a
// caller with no reach at all gets FORBIDDEN; no caller, no rows.
func QueryPolicy() privacy.QueryPolicy {
	return privacy.QueryPolicy{privacy.QueryRuleFunc(filterByScope)}
}

func filterByScope(ctx context.Context, q gen.Query) error {
	if IsSystem(ctx) {
		return privacy.Allow
	}
	v := FromContext(ctx)
	if v == nil {
		return ErrNoViewer
	}
	iq, err := intercept.NewQuery(q)
	if err != nil {
		return privacy.Denyf("authz: %v", err)
	}
	pred, ok := v.predicate(iq.Type(), queryAction(ctx))
	if !ok {
		return privacy.Denyf("%s may not %s %s", v.Roles(), queryAction(ctx), ObjectOf(iq.Type()))
	}
	if pred != nil {
		iq.WhereP(pred)
	}
	return privacy.Allow
}

// MutationPolicy is the write rule of every entity: system work may write; a caller may write
// only when one of its roles has the action on the object at some scope (where exactly is
// checked by WriteScopeHook once the row's scope columns are known).
func MutationPolicy() privacy.MutationPolicy {
	return privacy.MutationPolicy{privacy.MutationRuleFunc(mayAct)}
}

func mayAct(ctx context.Context, m gen.Mutation) error {
	if IsSystem(ctx) {
		return privacy.Allow
	}
	v := FromContext(ctx)
	if v == nil {
		return ErrNoViewer
	}
	action := writeAction(ctx, m)
	if _, ok := v.predicate(m.Type(), action); !ok {
		return privacy.Denyf("%s may not %s %s", v.Roles(), action, ObjectOf(m.Type()))
	}
	return privacy.Allow
}

// writeAction names what a mutation does: the workflow action set with WithAction, or create,
// update or delete (a soft delete is an update that sets deleted_at).
func writeAction(ctx context.Context, m ent.Mutation) string {
	if a := actionFrom(ctx); a != "" {
		return a
	}
	switch {
	case m.Op().Is(ent.OpCreate):
		return ActionCreate
	case m.Op().Is(ent.OpDelete | ent.OpDeleteOne):
		return ActionDelete
	}
	if _, deleting := m.Field("deleted_at"); deleting {
		return ActionDelete
	}
	return ActionUpdate
}

type clientMutation interface {
	ent.Mutation
	Client() *gen.Client
	IDs(context.Context) ([]int, error)
}

// WriteScopeHook checks where a write lands. Before an update or delete, every target must be
// visible to the caller (else NOT_FOUND, as if absent) and within the scope of the action
// (else FORBIDDEN). After a create or update, the row must lie within that scope — so no write
// can put a row into, or take it out of, another scope.
func WriteScopeHook() ent.Hook {
	return func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
			if IsSystem(ctx) {
				return next.Mutate(ctx, m)
			}
			v := FromContext(ctx)
			if v == nil {
				return nil, ErrNoViewer
			}
			cm, ok := m.(clientMutation)
			if !ok {
				return nil, fmt.Errorf("authz: unexpected mutation %T", m)
			}
			action := writeAction(ctx, m)
			if !m.Op().Is(ent.OpCreate) {
				if err := checkTargets(ctx, cm, action); err != nil {
					return nil, err
				}
			}
			value, err := guardUnique(ctx, v, cm, next)
			if err != nil || !entities[m.Type()].checkAfterWrite || !m.Op().Is(ent.OpCreate|ent.OpUpdateOne) {
				return value, err
			}
			idm, ok := m.(interface{ ID() (int, bool) })
			if !ok {
				return value, err
			}
			if id, ok := idm.ID(); ok {
				if err := visibleAs(ctx, cm.Client(), m.Type(), action, id); err != nil {
					return nil, apperr.Forbiddenf("the record would lie outside your scope (超出权限范围)")
				}
			}
			return value, nil
		})
	}
}

func checkTargets(ctx context.Context, m clientMutation, action string) error {
	var ids []int
	if idm, ok := m.(interface{ ID() (int, bool) }); ok {
		if id, ok := idm.ID(); ok {
			ids = []int{id}
		}
	}
	if ids == nil {
		var err error
		if ids, err = m.IDs(ctx); err != nil { // read-scoped: invisible rows are not targets
			return err
		}
	}
	for _, id := range ids {
		if err := CheckRecord(ctx, m.Client(), m.Type(), id, action); err != nil {
			return err
		}
	}
	return nil
}

// CheckRecord decides whether the caller may take action on one record of entType: NOT_FOUND
// when the caller cannot see it (exactly as if it did not exist), FORBIDDEN when it can see it
// but the action's scope does not reach it.
func CheckRecord(ctx context.Context, client *gen.Client, entType string, id int, action string) error {
	if IsSystem(ctx) {
		return nil
	}
	if err := visibleAs(ctx, client, entType, ActionRead, id); err != nil {
		return err
	}
	if action == ActionRead {
		return nil
	}
	if err := visibleAs(ctx, client, entType, action, id); err != nil {
		if errors.Is(err, apperr.ErrNotFound) || errors.Is(err, privacy.Deny) {
			return apperr.Forbiddenf("you may not %s this record (无权操作此记录)", action)
		}
		return err
	}
	return nil
}

// visibleAs looks a row up through the privacy rules, filtered by the scope of action.
func visibleAs(ctx context.Context, client *gen.Client, entType, action string, id int) error {
	_, err := client.Noder(LookupContext(readAs(ctx, action)), id, gen.WithFixedNodeType(tableOf(entType)))
	if gen.IsNotFound(err) {
		return apperr.NotFoundf("not found (记录不存在)")
	}
	return err
}

func tableOf(entType string) string { return gen.TypeTables[entType] }

// LookupContext hides the GraphQL field being resolved from a lookup made on the side (by a
// hook or a check), so that the lookup does not eager-load what the client selected.
func LookupContext(ctx context.Context) context.Context { return withoutFieldContext{ctx} }

type withoutFieldContext struct{ context.Context }

func (c withoutFieldContext) Value(key any) any {
	v := c.Context.Value(key)
	if _, ok := v.(*graphql.FieldContext); ok {
		return nil
	}
	return v
}

// RequireDistrictWide checks that the caller may take action on object across the whole
// district (policy edits, explainAccess): FORBIDDEN otherwise.
func RequireDistrictWide(ctx context.Context, object, action string) error {
	if IsSystem(ctx) {
		return nil
	}
	v := FromContext(ctx)
	if v == nil {
		return ErrNoViewer
	}
	for _, b := range v.Bindings {
		if hasKind(v.policy.Scopes(string(b.Role), object, action), ScopeDistrict) {
			return nil
		}
	}
	return apperr.Forbiddenf("%s may not %s %s (无权执行此操作)", v.Roles(), action, object)
}

// ReadFilter returns what a filter on related rows of entType must add so that it sees only
// live rows the caller may read: `villages(where: {hasHouseholdsWith: …})` would otherwise test
// households the caller cannot see (ent builds those sub-queries without privacy rules).
func ReadFilter(ctx context.Context, entType string) func(*sql.Selector) {
	if IsSystem(ctx) {
		return func(s *sql.Selector) { s.Where(sql.IsNull(s.C("deleted_at"))) }
	}
	v := FromContext(ctx)
	if v == nil {
		return func(s *sql.Selector) { s.Where(sql.False()) }
	}
	pred, ok := v.predicate(entType, ActionRead)
	return func(s *sql.Selector) {
		switch {
		case !ok:
			s.Where(sql.False())
		case pred != nil:
			pred(s)
		}
		if gen.Scopes[entType].SoftDelete {
			s.Where(sql.IsNull(s.C("deleted_at")))
		}
	}
}

// IsPlainUpdate reports whether m is an ordinary update made by a caller through the API — not
// a workflow step, a soft delete or system work. Such updates must carry the version they were
// made from.
func IsPlainUpdate(ctx context.Context, m ent.Mutation) bool {
	return !IsSystem(ctx) && FromContext(ctx) != nil && writeAction(ctx, m) == ActionUpdate
}
