package pagelimit

import (
	"context"
	"database/sql/driver"
	"strings"
	"testing"

	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"
)

// selector builds what ent's eager loader hands the modifier: the query's predicates applied in
// order (a caller's filter, the loader's IN list of parents, the scope filter), with the
// predicates also in the context as the generated sqlAll puts them.
func selector(d string, parents ...driver.Value) *sql.Selector {
	preds := []func(*sql.Selector){
		func(s *sql.Selector) { s.Where(sql.EQ(s.C("needy"), true)) },
		func(s *sql.Selector) { s.Where(sql.InValues(s.C("village_id"), parents...)) },
		func(s *sql.Selector) { s.Where(sql.Or(sql.EQ(s.C("township_id"), 7), sql.IsNull(s.C("township_id")))) },
	}
	b := sql.Dialect(d)
	s := b.Select().From(b.Table("households")).WithContext(WithPredicates(context.Background(), preds))
	s.Select(s.Columns("id", "village_id", "number")...)
	for _, p := range preds {
		p(s)
	}
	return s
}

func TestParentsAreTheLoadersInList(t *testing.T) {
	s := selector(dialect.SQLite, 11, 12, 13)
	in, got := parentList(s, predicates(s), "village_id")
	if in != 1 || len(got) != 3 || got[0] != 11 || got[2] != 13 {
		t.Fatalf("predicate %d, parents %v; want 1, [11 12 13]", in, got)
	}
	if in, got := parentList(s, predicates(s), "township_id"); in != -1 || got != nil {
		t.Fatalf("no IN list on township_id, got %d %v", in, got)
	}
}

func TestSQLiteUnionKeepsEveryOtherPredicatePerBranch(t *testing.T) {
	s := selector(dialect.SQLite, 11, 12)
	LimitPerRow("village_id", 3, sql.ExprFunc(func(b *sql.Builder) { b.Ident("id").WriteString(" ASC") }))(s)
	q, args := s.Query()
	t.Log(q, args)
	if strings.Contains(q, "ROW_NUMBER") || strings.Count(q, "UNION ALL") != 1 || strings.Contains(q, " IN (") {
		t.Fatalf("want two branches joined by UNION ALL, no window, no IN list:\n%s", q)
	}
	for _, part := range []string{"`households`.`needy`", "`households`.`township_id` = ?", "`households`.`village_id` = ?", "ORDER BY `id` ASC LIMIT 3"} {
		if n := strings.Count(q, part); n != 2 {
			t.Fatalf("%q in %d branches, want 2:\n%s", part, n, q)
		}
	}
	// Per branch: the township, the parent (SQLite writes needy = true bare).
	if len(args) != 2*2 || args[1] != 11 || args[3] != 12 {
		t.Fatalf("args %v", args)
	}
}

func TestWindowWhereUnionDoesNotApply(t *testing.T) {
	many := make([]driver.Value, MaxParents+1)
	for i := range many {
		many[i] = i + 1
	}
	for name, s := range map[string]*sql.Selector{
		"mysql":                  selector(dialect.MySQL, 11, 12),
		"many parents":           selector(dialect.SQLite, many...),
		"no context":             sql.Dialect(dialect.SQLite).Select("id").From(sql.Table("households")),
		"a predicate that joins": joined(),
	} {
		LimitPerRow("village_id", 3)(s)
		if q, _ := s.Query(); !strings.Contains(q, "ROW_NUMBER") || strings.Contains(q, "UNION") {
			t.Errorf("%s: want entgql's window:\n%s", name, q)
		}
	}
}

// joined is a query one of whose predicates joins another table: applied again it would join
// twice, so the branches cannot be rebuilt from the predicates.
func joined() *sql.Selector {
	preds := []func(*sql.Selector){
		func(s *sql.Selector) {
			v := sql.Table("villages")
			s.Join(v).On(s.C("village_id"), v.C("id")).Where(sql.EQ(v.C("poor_village"), true))
		},
		func(s *sql.Selector) { s.Where(sql.InValues(s.C("village_id"), 11, 12)) },
	}
	b := sql.Dialect(dialect.SQLite)
	s := b.Select().From(b.Table("households")).WithContext(WithPredicates(context.Background(), preds))
	s.Select(s.Columns("id", "village_id")...)
	for _, p := range preds {
		p(s)
	}
	return s
}
