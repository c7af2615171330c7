package stats

import (
	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"
)

// Building blocks of the aggregate queries. They run inside ent's Modify, on the selector of
// the query's main type, before ent adds the query's predicates (scope, soft delete, filters)
// to its WHERE clause.

// column is one selected aggregate: an expression built on the query's selector, and the name
// it is scanned by.
type column struct {
	as   string
	expr func(s *sql.Selector) sql.Querier
}

// key is a grouping key and the name it is scanned by: a column of the main table, or an
// expression without arguments (it is repeated verbatim in GROUP BY).
type key struct {
	col, as string
	expr    func(s *sql.Selector) string
	// total selects 0 under the name and does not group: one row over all the rows kept.
	total bool
}

func (k key) sql(s *sql.Selector) string {
	if k.expr != nil {
		return k.expr(s)
	}
	return s.C(k.col)
}

// unitKey groups by the unit's scope column, scanned as "unit"; byTotal selects unit 0 without
// grouping.
func unitKey(g StatsGrouping) key {
	if g == byTotal {
		return key{as: "unit", total: true}
	}
	return key{col: g.column(), as: "unit"}
}

// by groups by a column, scanned under its own name.
func by(col string) key { return key{col: col, as: col} }

// grouped turns the query into SELECT <keys…>, <columns…> … GROUP BY <keys…>.
func grouped(keys []key, cols ...column) func(*sql.Selector) {
	return func(s *sql.Selector) {
		s.Select()
		var groupBy []string
		for _, k := range keys {
			if k.total {
				s.AppendSelectExprAs(sql.Raw("0"), k.as)
				continue
			}
			s.AppendSelectExprAs(sql.Raw(k.sql(s)), k.as)
			groupBy = append(groupBy, k.sql(s))
		}
		for _, c := range cols {
			s.AppendSelectExprAs(c.expr(s), c.as)
		}
		if len(groupBy) > 0 {
			s.GroupBy(groupBy...)
		}
	}
}

// cond renders predicates written for a query on s's table — ent's generated predicates, edge
// predicates with their sub-queries, read filters — as one boolean expression, so that a
// conditional aggregate counts exactly the rows a Where with the same predicates would keep.
func cond(s *sql.Selector, preds ...func(*sql.Selector)) *sql.Predicate {
	b := sql.Dialect(s.Dialect())
	t := b.Select().From(b.Table(s.TableName()))
	t.WithContext(s.Context())
	for _, p := range preds {
		p(t)
	}
	if t.P() == nil {
		return sql.ExprP("1 = 1")
	}
	return t.P()
}

func expr(f func(b *sql.Builder)) sql.Querier { return sql.ExprFunc(f) }

// countAll is COUNT(*).
func countAll(as string) column {
	return column{as: as, expr: func(*sql.Selector) sql.Querier { return sql.Raw("COUNT(*)") }}
}

// countIf counts the rows for which all preds hold.
func countIf(as string, preds ...func(*sql.Selector)) column {
	return column{as: as, expr: func(s *sql.Selector) sql.Querier {
		p := cond(s, preds...)
		return expr(func(b *sql.Builder) { b.S("SUM(CASE WHEN ").Join(p).S(" THEN 1 ELSE 0 END)") })
	}}
}

// countDistinct counts the distinct values of a column.
func countDistinct(as, col string) column {
	return column{as: as, expr: func(s *sql.Selector) sql.Querier {
		return expr(func(b *sql.Builder) { b.S("COUNT(DISTINCT " + s.C(col) + ")") })
	}}
}

// countDistinctIf counts the distinct values of a column among the rows for which preds hold.
func countDistinctIf(as, col string, preds ...func(*sql.Selector)) column {
	return column{as: as, expr: func(s *sql.Selector) sql.Querier {
		p := cond(s, preds...)
		return expr(func(b *sql.Builder) {
			b.S("COUNT(DISTINCT CASE WHEN ").Join(p).S(" THEN " + s.C(col) + " END)")
		})
	}}
}

// sumOf sums a column (NULL when no row has a value).
func sumOf(as, col string) column {
	return column{as: as, expr: func(s *sql.Selector) sql.Querier {
		return expr(func(b *sql.Builder) { b.S("SUM(" + s.C(col) + ")") })
	}}
}

// countOf counts the rows where a column is not NULL.
func countOf(as, col string) column {
	return column{as: as, expr: func(s *sql.Selector) sql.Querier {
		return expr(func(b *sql.Builder) { b.S("COUNT(" + s.C(col) + ")") })
	}}
}

// sumExprIf sums a per-row expression over the rows for which preds hold; countExprIf counts
// those rows where the expression is not NULL, the divisor of its average.
func sumExprIf(as string, value func(s *sql.Selector) string, preds ...func(*sql.Selector)) column {
	return column{as: as, expr: func(s *sql.Selector) sql.Querier {
		p := cond(s, preds...)
		return expr(func(b *sql.Builder) { b.S("SUM(CASE WHEN ").Join(p).S(" THEN " + value(s) + " END)") })
	}}
}

func countExprIf(as string, value func(s *sql.Selector) string, preds ...func(*sql.Selector)) column {
	return column{as: as, expr: func(s *sql.Selector) sql.Querier {
		p := cond(s, preds...)
		return expr(func(b *sql.Builder) { b.S("COUNT(CASE WHEN ").Join(p).S(" THEN " + value(s) + " END)") })
	}}
}

// daysBetween is the time from one timestamp column to another, in (fractional) days,
// computed per row by the database: julianday on SQLite, TIMESTAMPDIFF on MySQL/MariaDB.
func daysBetween(from, to string) func(s *sql.Selector) string {
	return func(s *sql.Selector) string {
		f, t := s.C(from), s.C(to)
		if s.Dialect() == dialect.MySQL {
			return "(TIMESTAMPDIFF(MICROSECOND, " + f + ", " + t + ") / 86400000000.0)"
		}
		return "(julianday(" + t + ") - julianday(" + f + "))"
	}
}

// quarterOf is the quarter (1–4) of a timestamp column (UTC), computed per row by the
// database; it has no arguments, so it can be a grouping key.
func quarterOf(col string) func(s *sql.Selector) string {
	return func(s *sql.Selector) string {
		if s.Dialect() == dialect.MySQL {
			return "QUARTER(" + s.C(col) + ")"
		}
		return "((CAST(strftime('%m', " + s.C(col) + ") AS INTEGER) + 2) / 3)"
	}
}

// inTownship limits a query to one township (the annual report); 0 means no limit.
func inTownship(id int) func(*sql.Selector) { return oneTownship(id).where() }

// townships limits a query to some townships: one (a township's annual report), or those whose
// figures a cache must recompute (ReportCache); nil means no limit, an empty set no row.
type townships []int

// oneTownship is the township id alone; 0 means no limit.
func oneTownship(id int) townships {
	if id == 0 {
		return nil
	}
	return townships{id}
}

func (t townships) where() func(*sql.Selector) {
	return func(s *sql.Selector) {
		switch {
		case t == nil:
		case len(t) == 1:
			s.Where(sql.EQ(s.C("township_id"), t[0]))
		case len(t) == 0:
			s.Where(sql.False())
		default:
			ids := make([]any, len(t))
			for i, id := range t {
				ids[i] = id
			}
			s.Where(sql.In(s.C("township_id"), ids...))
		}
	}
}

// ratio divides two aggregates; nil when there is nothing to divide by.
func ratio(num, den float64) *float64 {
	if den == 0 {
		return nil
	}
	r := num / den
	return &r
}

// nonEmpty keeps the single row of an ungrouped aggregate only when it counted a row, so that
// its SUMs are never NULL (SQLite ≥ 3.39 and MariaDB accept HAVING without GROUP BY).
func nonEmpty(s *sql.Selector) { s.Having(sql.ExprP("COUNT(*) > 0")) }
