package schema

import (
	"github.com/nanpiao/sbqw/workflow"

	"context"
	"fmt"
	"strings"
	"time"

	"entgo.io/ent"

	"github.com/nanpiao/sbqw/apperr"
	gen "github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/ent/schema/enum"
)

// Small record-level rules shared by several entities. Each runs on create and update and
// names the offending field in GraphQL spelling, so a client can point at it.

func onWrite(check func(ctx context.Context, m ent.Mutation) error) ent.Hook {
	return func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
			if m.Op().Is(ent.OpCreate | ent.OpUpdate | ent.OpUpdateOne) {
				if err := check(ctx, m); err != nil {
					return nil, err
				}
			}
			return next.Mutate(ctx, m)
		})
	}
}

// oldValue returns a field's value after the mutation: the new value if set, else the stored
// one (update-one only).
func valueAfter(ctx context.Context, m ent.Mutation, name string) (ent.Value, bool) {
	if v, ok := m.Field(name); ok {
		return v, true
	}
	if m.FieldCleared(name) || !m.Op().Is(ent.OpUpdateOne) {
		return nil, false
	}
	v, err := m.OldField(ctx, name)
	if err != nil || v == nil {
		return nil, false
	}
	return v, true
}

func asTime(v ent.Value) (time.Time, bool) {
	switch t := v.(type) {
	case time.Time:
		return t, true
	case *time.Time:
		if t != nil {
			return *t, true
		}
	}
	return time.Time{}, false
}

func asInt(v ent.Value) (int, bool) {
	switch n := v.(type) {
	case int:
		return n, true
	case *int:
		if n != nil {
			return *n, true
		}
	}
	return 0, false
}

// endNotBeforeStart: an end date, when given, is on or after the start date.
func endNotBeforeStart(start, end string) ent.Hook {
	return onWrite(func(ctx context.Context, m ent.Mutation) error {
		e, ok := valueAfter(ctx, m, end)
		if !ok {
			return nil
		}
		s, ok := valueAfter(ctx, m, start)
		if !ok {
			return nil
		}
		st, ok1 := asTime(s)
		et, ok2 := asTime(e)
		if ok1 && ok2 && et.Before(st) {
			return apperr.Invalid(gqlName(end), "must not be before %s (结束日期不能早于开始日期)", gqlName(start))
		}
		return nil
	})
}

// orderedYears: a second year, when given, is not before the first.
func orderedYears(first, second string) ent.Hook {
	return onWrite(func(ctx context.Context, m ent.Mutation) error {
		a, ok1 := valueAfter(ctx, m, first)
		b, ok2 := valueAfter(ctx, m, second)
		if !ok1 || !ok2 {
			return nil
		}
		ay, okA := asInt(a)
		by, okB := asInt(b)
		if okA && okB && by < ay { // a cleared (nil) year orders with nothing
			return apperr.Invalid(gqlName(second), "must not be before %s (年份顺序有误)", gqlName(first))
		}
		return nil
	})
}

// requireOneOf: a new row names at least one of the given parents.
func requireOneOf(fields ...string) ent.Hook {
	return onWrite(func(ctx context.Context, m ent.Mutation) error {
		if !m.Op().Is(ent.OpCreate) {
			return nil
		}
		for _, f := range fields {
			if _, ok := m.Field(f); ok {
				return nil
			}
		}
		return apperr.Invalid(gqlName(fields[0]), "one of %v is required (须指定所属单位)", gqlNames(fields))
	})
}

func gqlNames(cols []string) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = gqlName(c)
	}
	return out
}

// dependent is a table whose live rows point at this entity through fk.
type dependent struct{ table, fk, what string }

// refuseDeleteWhileUsed refuses to delete a row that live rows of another table still point
// at (CONFLICT, saying what to remove first), so deletion never leaves orphans behind. A soft
// delete is an update that sets deleted_at, so that is what the hook looks for.
func refuseDeleteWhileUsed(deps ...dependent) ent.Hook {
	return func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
			if _, deleting := m.Field("deleted_at"); !deleting || !m.Op().Is(ent.OpUpdate|ent.OpUpdateOne) {
				return next.Mutate(ctx, m)
			}
			ids, err := mutationIDs(ctx, m)
			if err != nil || len(ids) == 0 {
				return next.Mutate(ctx, m)
			}
			client := m.(sealerMutation).Client()
			// Locked before counting: a child being inserted meanwhile holds its foreign key's
			// shared lock on this row (MySQL), so either it commits first and is counted, or it
			// waits and then finds its parent deleted.
			for _, id := range ids {
				if err := workflow.LockRow(ctx, client, m.Type(), id); err != nil {
					return nil, err
				}
			}
			for _, d := range deps {
				n, err := countLive(ctx, client, d.table, d.fk, ids)
				if err != nil {
					return nil, err
				}
				if n > 0 {
					return nil, apperr.Conflictf("still has %d %s; remove them first (仍有关联记录，请先处理)", n, d.what)
				}
			}
			return next.Mutate(ctx, m)
		})
	}
}

// cascadeDelete soft-deletes the live rows of a table that belong to the rows being deleted
// (a household's residents), in the same transaction.
func cascadeDelete(table, fk string) ent.Hook {
	return func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
			at, deleting := m.Field("deleted_at")
			if !deleting || !m.Op().Is(ent.OpUpdate|ent.OpUpdateOne) {
				return next.Mutate(ctx, m)
			}
			ids, err := mutationIDs(ctx, m)
			if err != nil {
				return nil, err
			}
			v, err := next.Mutate(ctx, m)
			if err != nil || len(ids) == 0 {
				return v, err
			}
			t := at.(time.Time)
			q := "UPDATE " + table + " SET deleted_at = ?, delete_token = id WHERE deleted_at IS NULL AND " + fk + " IN (" + placeholders(len(ids)) + ")"
			if _, err := m.(sealerMutation).Client().ExecContext(ctx, q, append([]any{t}, intsToAny(ids)...)...); err != nil {
				return nil, err
			}
			return v, nil
		})
	}
}

func mutationIDs(ctx context.Context, m ent.Mutation) ([]int, error) {
	im, ok := m.(interface {
		IDs(context.Context) ([]int, error)
	})
	if !ok {
		return nil, fmt.Errorf("delete guard: unexpected mutation %T", m)
	}
	return im.IDs(ctx)
}

func countLive(ctx context.Context, client *gen.Client, table, fk string, ids []int) (int, error) {
	q := "SELECT COUNT(*) FROM " + table + " WHERE deleted_at IS NULL AND " + fk + " IN (" + placeholders(len(ids)) + ")"
	rows, err := client.QueryContext(ctx, q, intsToAny(ids)...)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	n := 0
	if rows.Next() {
		if err := rows.Scan(&n); err != nil {
			return 0, err
		}
	}
	return n, rows.Err()
}

func placeholders(n int) string { return strings.TrimSuffix(strings.Repeat("?, ", n), ", ") }

func intsToAny(ids []int) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = id
	}
	return out
}

// appendOnly refuses updates and deletes: the audit trail is written once and kept.
var appendOnly ent.Hook = func(next ent.Mutator) ent.Mutator {
	return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
		if !m.Op().Is(ent.OpCreate) {
			return nil, apperr.Forbiddenf("audit events cannot be changed or deleted (审计记录不可修改)")
		}
		return next.Mutate(ctx, m)
	})
}

// organizationOwner keeps a party organisation's owner and its unit columns in agreement, on
// create (both are immutable): a village's organisation has its village (and the village's
// township), a department's its department and no township, a township's own or a 两新
// organisation its township and neither a village nor a department. An owner left at its
// default (TOWNSHIP) is derived from the columns given.
func organizationOwner() ent.Hook {
	return onWrite(func(_ context.Context, m ent.Mutation) error {
		if !m.Op().Is(ent.OpCreate) {
			return nil
		}
		v, _ := m.Field("owner")
		owner, _ := v.(enum.OrganizationOwner)
		_, village := m.Field("village_id")
		_, department := m.Field("department_id")
		_, township := m.Field("township_id")
		derived := owner
		switch {
		case village && owner == enum.OwnerTownship:
			derived = enum.OwnerVillage
		case department && !village && owner == enum.OwnerTownship:
			derived = enum.OwnerDepartment
		}
		ok := map[enum.OrganizationOwner]bool{
			enum.OwnerVillage:            village && !department,
			enum.OwnerDepartment:         department && !village && !township,
			enum.OwnerTownship:           township && !village && !department,
			enum.OwnerEnterpriseOrSocial: township && !village && !department,
		}[derived]
		if !ok {
			return apperr.Invalid("owner", "%s does not fit the organisation's township, village and department (党组织隶属与所属单位不符)", derived)
		}
		return m.SetField("owner", derived)
	})
}
