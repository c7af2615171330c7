// Package pagelimit limits a nested connection's rows per parent in one statement: every
// village's first 10 needy households, say. entgql does it with a window
// (entgql.LimitPerRow: ROW_NUMBER() OVER (PARTITION BY village_id …) over every matching row
// of every parent, then row_number <= 11). On SQLite that numbers and sorts all of them: the
// window over a township's 297 needy households took 1.7–2.2 ms where one
// `SELECT … WHERE village_id = ? … ORDER BY id LIMIT 11` per village, joined with UNION ALL,
// took 0.24–0.6 ms (docs/benchmark.md, "Nested reads: the query shape"). On MariaDB 10.11 the
// union was slower than the window (its optimizer intersects two indexes and sorts per
// branch), so there the window stays.
//
// The generated code (ent/gql_collection.go, rewritten by ent/entc.go) calls LimitPerRow in
// place of entgql.LimitPerRow, and every query's sqlAll passes its predicates down through the
// context (WithPredicates, ent/template/pagelimit.tmpl): the parents' IDs are the values of the
// eager loader's `parent_column IN (…)` predicate. Each branch keeps the query's whole WHERE —
// the scope filter, the caller's where input, the cursors — but the IN list, which its
// `parent_column = ?` implies, and adds the order and the limit, so a branch returns exactly
// the rows the window would have numbered 1…limit for that parent.
package pagelimit

import (
	"context"
	"database/sql/driver"
	"strconv"

	"entgo.io/contrib/entgql"
	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"
)

// MaxParents is the most parents a statement is written as one branch per parent for; above
// it (and on other dialects) the window is used: SQLite allows 500 terms in a compound SELECT,
// and the statement, parsed on every request, grows with the parents.
const MaxParents = 50

type predicatesKey struct{}

// WithPredicates returns ctx carrying the query's predicates for LimitPerRow, which runs as a
// modifier on the query's selector and sees only that.
func WithPredicates[P ~func(*sql.Selector)](ctx context.Context, ps []P) context.Context {
	fs := make([]func(*sql.Selector), len(ps))
	for i, p := range ps {
		fs[i] = p
	}
	return context.WithValue(ctx, predicatesKey{}, fs)
}

// LimitPerRow keeps the first limit rows, in orderBy, for every value of the parent column
// partitionBy: a UNION ALL of one branch per parent on SQLite, entgql's window otherwise.
func LimitPerRow(partitionBy string, limit int, orderBy ...sql.Querier) func(*sql.Selector) {
	window := entgql.LimitPerRow(partitionBy, limit, orderBy...)
	return func(s *sql.Selector) {
		if s.Dialect() != dialect.SQLite {
			window(s)
			return
		}
		ps := predicates(s)
		in, parents := parentList(s, ps, partitionBy)
		if in < 0 || len(parents) > MaxParents || !rebuilds(s, ps) {
			window(s)
			return
		}
		s.SetDistinct(false)
		d := sql.Dialect(s.Dialect())
		var union *sql.Selector
		for i, id := range parents {
			// The branch's WHERE is the query's without the IN list, which parent = ? implies:
			// SQLite parses the statement on every request, and N lists of N parents made
			// parsing cost more than the window saved.
			b := s.Clone().SetP(nil).ClearOrder()
			for j, p := range ps {
				if j != in {
					p(b)
				}
			}
			b.Where(sql.EQ(b.C(partitionBy), id)).OrderExpr(orderBy...).Limit(limit)
			branch := d.Select("*").From(b.As("p" + strconv.Itoa(i)))
			if union == nil {
				union = branch
			} else {
				union.UnionAll(branch)
			}
		}
		*s = *union.WithContext(s.Context())
	}
}

func predicates(s *sql.Selector) []func(*sql.Selector) {
	if s.Context() == nil {
		return nil
	}
	ps, _ := s.Context().Value(predicatesKey{}).([]func(*sql.Selector))
	return ps
}

// rebuilds reports whether applying the predicates again to s without its condition gives the
// statement s is: each predicate only adds a condition (no join, no change of the selection),
// so a branch can be built from all but one of them.
func rebuilds(s *sql.Selector, ps []func(*sql.Selector)) bool {
	again := s.Clone().SetP(nil)
	for _, p := range ps {
		p(again)
	}
	q0, _ := s.Query()
	q1, _ := again.Query()
	return q0 == q1
}

// parentList finds the predicate `partitionBy IN (…)` that ent's eager loader adds, and its
// values (the parents' IDs): each predicate is applied alone to an empty selector of the same
// table, and one whose whole condition is written exactly as sql.InValues writes that column
// with these values counts. The last such predicate wins; any would do, since every row the
// query can return satisfies each of them. None: -1.
func parentList(s *sql.Selector, ps []func(*sql.Selector), partitionBy string) (int, []driver.Value) {
	d := sql.Dialect(s.Dialect())
	for i := len(ps) - 1; i >= 0; i-- {
		probe := d.Select().From(d.Table(s.TableName()))
		ps[i](probe)
		if probe.P() == nil {
			continue
		}
		cond, args := probe.P().Query()
		if len(args) == 0 {
			continue
		}
		values := make([]driver.Value, len(args))
		for j, a := range args {
			if _, sub := a.(sql.Querier); sub {
				values = nil
				break
			}
			values[j] = a
		}
		if values == nil {
			continue
		}
		want := d.Select().From(d.Table(s.TableName()))
		want.Where(sql.InValues(want.C(partitionBy), values...))
		if text, _ := want.P().Query(); text == cond {
			return i, values
		}
	}
	return -1, nil
}
