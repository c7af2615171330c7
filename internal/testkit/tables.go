package testkit

import (
	"sort"

	"entgo.io/ent/dialect/sql/schema"

	"github.com/nanpiao/sbqw/ent/migrate"
)

// TablesUnder lists, in name order, every table that hangs under table through required foreign keys,
// directly or through other children — read from the migration schema, so that tests about
// "everything under a household" need no hand-written list a new child entity would miss.
func TablesUnder(table string) []string {
	under := map[string]bool{table: true}
	for grew := true; grew; {
		grew = false
		for _, tb := range migrate.Tables {
			if joinTable(tb) {
				continue
			}
			for _, fk := range tb.ForeignKeys {
				if !under[tb.Name] && under[fk.RefTable.Name] && required(fk.Columns) {
					under[tb.Name], grew = true, true
				}
			}
		}
	}
	delete(under, table)
	out := make([]string, 0, len(under))
	for t := range under {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}

// joinTable: an edge's table (two keys, no id of its own, e.g. a demand's assisting
// departments). Its rows are no records: they are reached through the records at both ends,
// carry no scope columns and move with nothing.
func joinTable(tb *schema.Table) bool {
	return len(tb.PrimaryKey) > 1
}

// required: a row cannot exist without the row the key names (NOT NULL columns). An optional
// key is a reference, not a parent — a contribution made for a household is its member's.
func required(cols []*schema.Column) bool {
	for _, c := range cols {
		if c.Nullable {
			return false
		}
	}
	return true
}
