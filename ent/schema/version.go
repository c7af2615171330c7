package schema

import (
	"context"
	"fmt"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect/sql"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/mixin"

	"github.com/nanpiao/sbqw/apperr"
	"github.com/nanpiao/sbqw/authz"
	gen "github.com/nanpiao/sbqw/ent"
)

// VersionMixin gives records optimistic concurrency: every change increments version, and an
// update sent through the API must say which version it was made from. A stale version is
// refused with CONFLICT, so two officials editing one household never overwrite each other
// silently. The check is part of the UPDATE's WHERE clause, so it holds under concurrency too.
type VersionMixin struct{ mixin.Schema }

func (VersionMixin) Fields() []ent.Field {
	return []ent.Field{
		field.Int("version").Default(1).Positive().
			Comment("Version of the record, incremented by every change. Send the version you read with every update; a stale one is refused with CONFLICT 版本号").
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipWhereInput, entgql.SkipOrderField)),
	}
}

type versioned interface {
	ent.Mutation
	WhereP(...func(*sql.Selector))
}

func (VersionMixin) Hooks() []ent.Hook {
	return []ent.Hook{
		func(next ent.Mutator) ent.Mutator {
			return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
				// System bookkeeping (a login's timestamp, say) is no edit another official could
				// overwrite: it neither needs nor moves the version.
				if !m.Op().Is(ent.OpUpdate|ent.OpUpdateOne) || authz.IsSystem(ctx) {
					return next.Mutate(ctx, m)
				}
				given, ok := m.Field("version")
				if !ok {
					if m.Op().Is(ent.OpUpdateOne) && authz.IsPlainUpdate(ctx, m) {
						return nil, apperr.Invalid("version", "send the version of the record you are changing (请提交所修改记录的版本号)")
					}
					if err := m.AddField("version", 1); err != nil {
						return nil, err
					}
					return next.Mutate(ctx, m)
				}
				stale := apperr.Conflictf("the record was changed by someone else since version %d; reload it and apply your change again (记录已被他人修改，请刷新后重试)", given)
				if m.Op().Is(ent.OpUpdateOne) {
					// The guarded UPDATE decides, by the rows it changed: ent's own guarded update
					// re-reads the row when nothing matched and, under a snapshot, finds the old
					// version still there and reports success. Taking the version first also locks
					// the row for the rest of the transaction.
					moved, err := claimVersion(ctx, m, given.(int))
					if err != nil {
						return nil, err
					}
					if !moved {
						return nil, stale
					}
				} else {
					vm, ok := m.(versioned)
					if !ok {
						return nil, fmt.Errorf("version: unexpected mutation %T", m)
					}
					vm.WhereP(sql.FieldEQ("version", given))
				}
				if err := m.SetField("version", given.(int)+1); err != nil {
					return nil, err
				}
				v, err := next.Mutate(ctx, m)
				if gen.IsNotFound(err) {
					return nil, stale
				}
				return v, err
			})
		},
	}
}

// claimVersion moves one record from version given to given+1 if it is still at given, and
// reports whether it did.
func claimVersion(ctx context.Context, m ent.Mutation, given int) (bool, error) {
	id, ok := m.(interface{ ID() (int, bool) }).ID()
	table, known := gen.TypeTables[m.Type()]
	if !ok || !known {
		return false, fmt.Errorf("version: cannot address %s", m.Type())
	}
	res, err := m.(sealerMutation).Client().ExecContext(ctx,
		"UPDATE "+table+" SET version = ? WHERE id = ? AND version = ?", given+1, id, given)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}
