package authz

import (
	"context"

	"entgo.io/ent/dialect/sql"
)

// ReadScope is the caller's read rule for entType as a predicate on that type's own table, for
// a query that reaches the type's rows through another table (the change feed asks "record_id IN
// (SELECT id FROM households WHERE <this>)"). ok is false when the caller may not read the type
// at all; pred is nil when it reads every row. Unlike ReadFilter it keeps soft-deleted rows: a
// deletion is visible to whoever could see the record.
func ReadScope(ctx context.Context, entType string) (pred func(*sql.Selector), ok bool) {
	if IsSystem(ctx) {
		return nil, true
	}
	v := FromContext(ctx)
	if v == nil {
		return nil, false
	}
	return v.predicate(entType, ActionRead)
}
