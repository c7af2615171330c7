package schema

import (
	"context"
	"fmt"
	"strings"
	"time"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect/sql"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
	"entgo.io/ent/schema/mixin"

	"github.com/nanpiao/sbqw/apperr"
	"github.com/nanpiao/sbqw/authz"
	gen "github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/ent/intercept"
	"github.com/nanpiao/sbqw/ent/schema/scope"
	"github.com/nanpiao/sbqw/workflow"
)

// TimeMixin gives every entity createdAt/updatedAt, filterable and orderable, so that
// integrations can pull what changed since a moment.
type TimeMixin struct{ mixin.Schema }

func (TimeMixin) Fields() []ent.Field {
	return []ent.Field{
		field.Time("created_at").SchemaType(instantColumn).Comment("When the record was created (UTC) 创建时间").
			Default(now).Immutable().
			Annotations(entgql.OrderField("CREATED_AT"), notSettable),
		field.Time("updated_at").SchemaType(instantColumn).Comment("When the record last changed (UTC) 更新时间").
			Default(now).UpdateDefault(now).
			Annotations(entgql.OrderField("UPDATED_AT"), notSettable),
	}
}

func (TimeMixin) Indexes() []ent.Index {
	return []ent.Index{index.Fields("updated_at")}
}

// SoftDeleteMixin turns deletes into an update of deleted_at and hides deleted rows from every
// query. delete_token is 0 while the row is live and unique once deleted, so that unique indexes
// that include it hold among live rows only (a deleted household number may be used again).
type SoftDeleteMixin struct{ mixin.Schema }

func (SoftDeleteMixin) Fields() []ent.Field {
	return []ent.Field{
		field.Time("deleted_at").SchemaType(instantColumn).Comment("When the record was deleted; deleted records are hidden").
			Optional().Nillable().Annotations(hidden),
		field.Int64("delete_token").Default(0).Annotations(hidden),
	}
}

type skipSoftDeleteKey struct{}

// IncludeDeleted returns a context whose queries also see soft-deleted rows (change feeds,
// the demo loader's completeness check).
func IncludeDeleted(ctx context.Context) context.Context {
	return context.WithValue(ctx, skipSoftDeleteKey{}, true)
}

func includesDeleted(ctx context.Context) bool {
	skip, _ := ctx.Value(skipSoftDeleteKey{}).(bool)
	return skip
}

func (SoftDeleteMixin) Interceptors() []ent.Interceptor {
	return []ent.Interceptor{
		intercept.TraverseFunc(func(ctx context.Context, q intercept.Query) error {
			if !includesDeleted(ctx) {
				q.WhereP(sql.FieldIsNull("deleted_at"))
			}
			return nil
		}),
	}
}

// softDeleter is what every generated mutation of a soft-deletable entity offers.
type softDeleter interface {
	ent.Mutation
	SetOp(ent.Op)
	Client() *gen.Client
	SetDeletedAt(time.Time)
	SetDeleteToken(int64)
	WhereP(...func(*sql.Selector))
}

func (SoftDeleteMixin) Hooks() []ent.Hook {
	return []ent.Hook{
		func(next ent.Mutator) ent.Mutator {
			return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
				if !m.Op().Is(ent.OpDelete | ent.OpDeleteOne) {
					return next.Mutate(ctx, m)
				}
				mx, ok := m.(softDeleter)
				if !ok {
					return nil, fmt.Errorf("soft delete: unexpected mutation %T", m)
				}
				at := now()
				mx.WhereP(sql.FieldIsNull("deleted_at"))
				mx.SetOp(ent.OpUpdate)
				mx.SetDeletedAt(at)
				mx.SetDeleteToken(at.UnixNano())
				return mx.Client().Mutate(ctx, m)
			})
		},
	}
}

// ScopeMixin fills the scope columns of an entity from its parents on create, as the entity's
// scope declaration (scope.Of in its Annotations, generated into ent.Scopes) says. A scope
// column the caller already set must agree with the parent (a team's township and its
// village, say). Scope columns are immutable afterwards; see scopeField.
type ScopeMixin struct{ mixin.Schema }

type rawQuerier interface {
	ent.Mutation
	Client() *gen.Client
}

func (ScopeMixin) Hooks() []ent.Hook {
	return []ent.Hook{
		func(next ent.Mutator) ent.Mutator {
			return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
				if m.Op().Is(ent.OpCreate) {
					for _, p := range gen.Scopes[m.Type()].Parents {
						if err := inherit(ctx, m, p); err != nil {
							return nil, err
						}
					}
				}
				return next.Mutate(ctx, m)
			})
		},
	}
}

func allSet(m ent.Mutation, p scope.Parent) bool {
	for _, c := range p.Columns {
		if _, ok := m.Field(c); !ok {
			return false
		}
	}
	return true
}

// gqlName turns a column name into the GraphQL spelling clients see: village_id → villageID.
func gqlName(column string) string { return apperr.FieldName(column) }

// inherit copies p's columns from the parent row m points at.
func inherit(ctx context.Context, m ent.Mutation, p scope.Parent) error {
	fkv, ok := m.Field(p.FK)
	if !ok {
		return nil // optional parent not given
	}
	if authz.IsSystem(ctx) && allSet(m, p) {
		return nil // bulk loaders fill scope columns themselves; TestScopeColumnsAgree checks them
	}
	mq, ok := m.(rawQuerier)
	if !ok {
		return fmt.Errorf("scope: unexpected mutation %T", m)
	}
	vals, err := parentColumns(ctx, mq.Client(), p, fkv)
	if err != nil {
		return err
	}
	for i, c := range p.Columns {
		if !vals[i].Valid {
			// The parent has none (a department's organisation has no village): neither may the
			// child, or it would be reached by a unit its parent is not.
			if _, set := m.Field(c); set {
				return apperr.Invalid(gqlName(p.FK), "does not belong to the given %s (所属%s不一致)", gqlName(c), gqlName(c))
			}
			continue
		}
		v := int(vals[i].Int64)
		if cur, set := m.Field(c); set && cur.(int) != v {
			return apperr.Invalid(gqlName(p.FK), "does not belong to the given %s (所属%s不一致)", gqlName(c), gqlName(c))
		}
		if err := m.SetField(c, v); err != nil {
			return err
		}
	}
	return nil
}

// parentColumns reads the scope columns of the parent row a create points at: from the row the
// write's workflow holds under its lock (workflow.Hold), else from the table.
func parentColumns(ctx context.Context, c *gen.Client, p scope.Parent, fkv ent.Value) ([]sql.NullInt64, error) {
	cols := p.Columns
	vals := make([]sql.NullInt64, len(cols))
	if id, ok := fkv.(int); ok {
		if held, valid, ok := workflow.HeldColumns(ctx, p.Table, id, cols); ok {
			for i := range vals {
				vals[i] = sql.NullInt64{Int64: int64(held[i]), Valid: valid[i]}
			}
			return vals, nil
		}
	}
	// Plain SQL on purpose: this is bookkeeping, not a read on behalf of the caller. Whether the
	// caller may reference the parent is the authorization layer's check.
	q := "SELECT " + strings.Join(cols, ", ") + " FROM " + p.Table + " WHERE id = ? AND deleted_at IS NULL"
	rows, err := c.QueryContext(ctx, q, fkv)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return nil, err
		}
		return nil, apperr.MissingReference(gqlName(p.FK))
	}
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	if err := rows.Scan(ptrs...); err != nil {
		return nil, err
	}
	return vals, nil
}
