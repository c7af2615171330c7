package schema

import (
	"context"
	"sort"
	"strings"
	"time"

	"entgo.io/ent"
	"entgo.io/ent/dialect"
	"entgo.io/ent/schema/mixin"

	"github.com/nanpiao/sbqw/apperr"
	gen "github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/internal/clock"
)

// Year-end close, the write side: the records "of a year" — what that year's reports count —
// cannot be created, changed or deleted while the year is closed (CONFLICT, reason
// YEAR_CLOSED). Which records belong to which year is decided here, once, for every write path:
// the table yearOf below. A type missing from it is not locked.
//
// Serialisation with closeYear (workflow/yearclose.go): every locked write reads the year_closes
// row of each year it touches with a shared lock, inside its transaction, creating the row
// first when it is missing; closeYear takes that row FOR UPDATE. So a write into year Y either
// commits before the close reads the reports, or waits for the close and then sees the year
// closed. (SQLite serialises writers anyway.)

// yearKind says how a record's years are found.
type yearKind int

const (
	byDates    yearKind = iota // each listed date (or instant) field: the year it falls in
	byYear                     // an integer year field
	byParent                   // the year of the parent row (fk → table.year)
	byInterval                 // a validity interval start..end (end empty: open)
	byOwner                    // the years of the owner record (fields: its foreign keys); changes and deletes only
)

type yearRule struct {
	kind   yearKind
	fields []string // byDates: the date fields; byYear: the year field; byInterval: start, end
	fk     string   // byParent: the foreign key column
	table  string   // byParent: the parent table, which has a year column
	// free lists the fields that may still change on a record of a closed year: workflow
	// progress that is not what the report counts (a demand registered in December is still
	// handled in January). Empty: any change is refused.
	free []string
}

// yearOf: which records are "of a year".
var yearOf = map[string]yearRule{
	"Visit":               {kind: byDates, fields: []string{"visited_at"}},
	"Contribution":        {kind: byDates, fields: []string{"on"}},
	"PovertyStatusChange": {kind: byDates, fields: []string{"changed_on"}},
	"Demand": {kind: byDates, fields: []string{"created_at"},
		free: []string{"status", "due_on", "department_id", "satisfaction", "closed_at", "idempotency_key"}},
	"Assessment":        {kind: byYear, fields: []string{"year"}},
	"Rectification":     {kind: byYear, fields: []string{"year"}},
	"DemoProject":       {kind: byYear, fields: []string{"year"}},
	"DemoProjectStage":  {kind: byParent, fk: "project_id", table: "demo_projects"},
	"ProjectInvestment": {kind: byParent, fk: "project_id", table: "demo_projects"},
	"Pairing":           {kind: byInterval, fields: []string{"start_on", "end_on"}},
	"Post":              {kind: byInterval, fields: []string{"start_on", "end_on"}},
	// A cadre's assignment history is dated like its pairings: a transfer whose first day or
	// the old assignment's last day falls in a closed year would rewrite that year's record.
	"CadreAssignment": {kind: byInterval, fields: []string{"from", "to"}},
	// An attachment is of its owner's years. Only its deletion is locked: adding a photo or a
	// document to a closed year's record changes no report, taking evidence away does.
	"Attachment": {kind: byOwner, fields: []string{"visit_id", "demo_project_stage_id", "rectification_id", "contribution_id", "demand_id"}},
}

// ownerTypes names the type each owner foreign key of an attachment refers to.
var ownerTypes = map[string]string{"visit_id": "Visit", "demo_project_stage_id": "DemoProjectStage",
	"rectification_id": "Rectification", "contribution_id": "Contribution", "demand_id": "Demand"}

// LockedTypes lists the entity types the year lock covers (docs and tests).
func LockedTypes() []string {
	out := make([]string, 0, len(yearOf))
	for t := range yearOf {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}

type skipYearLockKey struct{}

// BulkLoad returns a context whose writes skip the year lock: the demo loader, which writes
// the history of past years before it closes any of them. Nothing reachable from a request
// uses it.
func BulkLoad(ctx context.Context) context.Context {
	return context.WithValue(ctx, skipYearLockKey{}, true)
}

// YearLockMixin attaches the year lock to every entity of the programme (see base()).
type YearLockMixin struct{ mixin.Schema }

func (YearLockMixin) Hooks() []ent.Hook {
	return []ent.Hook{
		func(next ent.Mutator) ent.Mutator {
			return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
				rule, ok := yearOf[m.Type()]
				if !ok || !m.Op().Is(ent.OpCreate|ent.OpUpdate|ent.OpUpdateOne) || (rule.kind == byOwner && m.Op().Is(ent.OpCreate)) {
					return next.Mutate(ctx, m)
				}
				if skip, _ := ctx.Value(skipYearLockKey{}).(bool); skip {
					return next.Mutate(ctx, m)
				}
				years, err := touchedYears(ctx, m, rule)
				if err != nil {
					return nil, err
				}
				if err := CheckYearsOpen(ctx, m.(rawQuerier).Client(), years); err != nil {
					return nil, err
				}
				return next.Mutate(ctx, m)
			})
		},
	}
}

// YearClosedError is the refusal of a write into a closed year.
func YearClosedError(year int) error {
	return apperr.Conflictf("the year %d is closed; its records cannot be changed until the district reopens it (%d年度已关账，记录不可修改)", year, year).Because(ReasonYearClosed)
}

// ReasonYearClosed is the extensions.reason of a write refused because its year is closed.
const ReasonYearClosed = "YEAR_CLOSED"

// CheckYearsOpen takes the shared lock on each year's row (creating a missing row) and refuses
// with YEAR_CLOSED when one of them is closed. Shared locks let writers of one year run side by
// side; only closeYear's exclusive lock waits for them (and they for it).
func CheckYearsOpen(ctx context.Context, c *gen.Client, years []int) error {
	for _, y := range years {
		closed, found, err := readYear(ctx, c, y)
		if err == nil && !found {
			if err = EnsureYearRow(ctx, c, y); err == nil {
				closed, _, err = readYear(ctx, c, y)
			}
		}
		if err != nil {
			return err
		}
		if closed {
			return YearClosedError(y)
		}
	}
	return nil
}

// readYear reads whether the year is closed, holding its row's shared lock (MySQL).
func readYear(ctx context.Context, c *gen.Client, year int) (closed, found bool, err error) {
	q := "SELECT closed FROM year_closes WHERE year = ?"
	if c.Dialect() == dialect.MySQL {
		q += " LOCK IN SHARE MODE"
	}
	rows, err := c.QueryContext(ctx, q, year)
	if err != nil {
		return false, false, err
	}
	defer rows.Close()
	if rows.Next() {
		if err := rows.Scan(&closed); err != nil {
			return false, false, err
		}
		found = true
	}
	return closed, found, rows.Err()
}

// EnsureYearRow inserts the year's row when it is missing and leaves it alone otherwise (on
// MySQL an ignored duplicate waits for, then shares, the lock of the existing row).
func EnsureYearRow(ctx context.Context, c *gen.Client, year int) error {
	t := time.Now().UTC()
	q := "INSERT INTO year_closes (created_at, updated_at, year, closed, close_count, closed_by) VALUES (?, ?, ?, ?, 0, '')"
	switch c.Dialect() {
	case dialect.MySQL:
		q = strings.Replace(q, "INSERT INTO", "INSERT IGNORE INTO", 1)
	default:
		q += " ON CONFLICT (year) DO NOTHING"
	}
	_, err := c.ExecContext(ctx, q, t, t, year, false)
	return err
}

// touchedYears: the years a write reaches, sorted, without duplicates.
func touchedYears(ctx context.Context, m ent.Mutation, r yearRule) ([]int, error) {
	set := map[int]bool{}
	add := func(v ent.Value) {
		if y, ok := yearOfValue(r, v); ok {
			set[y] = true
		}
	}
	mc := m.(rawQuerier)
	if m.Op().Is(ent.OpCreate) {
		switch r.kind {
		case byParent:
			if v, ok := m.Field(r.fk); ok {
				ys, err := parentYears(ctx, mc.Client(), r, []any{v})
				if err != nil {
					return nil, err
				}
				for _, y := range ys {
					set[y] = true
				}
			}
		default:
			for _, f := range r.fields {
				if v, ok := m.Field(f); ok {
					add(v)
				}
			}
			if r.kind == byDates && len(set) == 0 && r.fields[0] == "created_at" {
				set[clock.DayOf(time.Now()).Year()] = true
			}
		}
		return sortedYears(set), nil
	}
	// Update or delete (a soft delete is an update setting deleted_at).
	changed := m.Fields()
	_, deleting := m.Field("deleted_at")
	if !deleting && onlyFree(changed, r.free) {
		return nil, nil
	}
	ids, err := mutationIDs(ctx, m)
	if err != nil || len(ids) == 0 {
		return nil, err
	}
	switch r.kind {
	case byOwner:
		olds, err := storedValues(ctx, mc.Client(), m.Type(), r.fields, ids)
		if err != nil {
			return nil, err
		}
		for _, row := range olds {
			for i, v := range row {
				id, ok := v.(int)
				if !ok {
					continue
				}
				ys, err := recordYears(ctx, mc.Client(), ownerTypes[r.fields[i]], id)
				if err != nil {
					return nil, err
				}
				for _, y := range ys {
					set[y] = true
				}
			}
		}
		return sortedYears(set), nil
	case byParent:
		var fks []any
		q := "SELECT " + r.fk + " FROM " + gen.TypeTables[m.Type()] + " WHERE id IN (" + placeholders(len(ids)) + ")"
		rows, err := mc.Client().QueryContext(ctx, q, intsToAny(ids)...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var fk int
			if err := rows.Scan(&fk); err != nil {
				rows.Close()
				return nil, err
			}
			fks = append(fks, fk)
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
		ys, err := parentYears(ctx, mc.Client(), r, fks)
		if err != nil {
			return nil, err
		}
		for _, y := range ys {
			set[y] = true
		}
		return sortedYears(set), nil
	case byInterval:
		// The years the stored interval covers when the row is deleted, else the old and the
		// new value of each date that changes; other changes (notes, flags) leave the years'
		// reports alone.
		olds, err := storedValues(ctx, mc.Client(), m.Type(), r.fields, ids)
		if err != nil {
			return nil, err
		}
		for _, row := range olds {
			if deleting {
				addIntervalYears(set, row[0], row[1])
				continue
			}
			for i, f := range r.fields {
				if v, ok := m.Field(f); ok || m.FieldCleared(f) {
					add(row[i])
					if ok {
						add(v)
					}
				}
			}
		}
		return sortedYears(set), nil
	default:
		olds, err := storedValues(ctx, mc.Client(), m.Type(), r.fields, ids)
		if err != nil {
			return nil, err
		}
		for _, row := range olds {
			for _, v := range row {
				add(v)
			}
		}
		for _, f := range r.fields {
			if v, ok := m.Field(f); ok {
				add(v)
			}
		}
		return sortedYears(set), nil
	}
}

// recordYears: the years a stored record of typ is of, as its deletion would touch them.
func recordYears(ctx context.Context, c *gen.Client, typ string, id int) ([]int, error) {
	r, ok := yearOf[typ]
	if !ok {
		return nil, nil
	}
	set := map[int]bool{}
	switch r.kind {
	case byParent:
		olds, err := storedValues(ctx, c, typ, []string{r.fk}, []int{id})
		if err != nil {
			return nil, err
		}
		var fks []any
		for _, row := range olds {
			fks = append(fks, row[0])
		}
		return parentYears(ctx, c, r, fks)
	case byInterval:
		olds, err := storedValues(ctx, c, typ, r.fields, []int{id})
		if err != nil {
			return nil, err
		}
		for _, row := range olds {
			addIntervalYears(set, row[0], row[1])
		}
	default:
		olds, err := storedValues(ctx, c, typ, r.fields, []int{id})
		if err != nil {
			return nil, err
		}
		for _, row := range olds {
			for _, v := range row {
				if y, ok := yearOfValue(r, v); ok {
					set[y] = true
				}
			}
		}
	}
	return sortedYears(set), nil
}

func onlyFree(changed, free []string) bool {
	for _, f := range changed {
		switch f {
		case "updated_at", "version":
			continue
		}
		isFree := false
		for _, ff := range free {
			if f == ff {
				isFree = true
				break
			}
		}
		if !isFree {
			return false
		}
	}
	return true
}

func yearOfValue(r yearRule, v ent.Value) (int, bool) {
	if r.kind == byYear {
		switch n := v.(type) {
		case int:
			return n, true
		case *int:
			if n != nil {
				return *n, true
			}
		case int64:
			return int(n), true
		}
		return 0, false
	}
	t, ok := asTime(v)
	if !ok || t.IsZero() {
		return 0, false
	}
	// Dates are stored at UTC midnight; instants count in the district's calendar.
	if t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 && t.Nanosecond() == 0 {
		return t.Year(), true
	}
	return clock.DayOf(t).Year(), true
}

func parentYears(ctx context.Context, c *gen.Client, r yearRule, fks []any) ([]int, error) {
	if len(fks) == 0 {
		return nil, nil
	}
	q := "SELECT DISTINCT year FROM " + r.table + " WHERE id IN (" + placeholders(len(fks)) + ")"
	rows, err := c.QueryContext(ctx, q, fks...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int
	for rows.Next() {
		var y int
		if err := rows.Scan(&y); err != nil {
			return nil, err
		}
		out = append(out, y)
	}
	return out, rows.Err()
}

// storedValues reads the given columns of the rows, as time.Time / int values.
func storedValues(ctx context.Context, c *gen.Client, typ string, cols []string, ids []int) ([][]any, error) {
	sel := ""
	for i, col := range cols {
		if i > 0 {
			sel += ", "
		}
		sel += quoteCol(c, col)
	}
	q := "SELECT " + sel + " FROM " + gen.TypeTables[typ] + " WHERE id IN (" + placeholders(len(ids)) + ")"
	rows, err := c.QueryContext(ctx, q, intsToAny(ids)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out [][]any
	for rows.Next() {
		row := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range row {
			ptrs[i] = &row[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		for i, v := range row {
			row[i] = normalise(v)
		}
		out = append(out, row)
	}
	return out, rows.Err()
}

func quoteCol(c *gen.Client, col string) string {
	if c.Dialect() == dialect.MySQL {
		return "`" + col + "`"
	}
	return `"` + col + `"`
}

// normalise turns a scanned column into time.Time or int where it is one.
func normalise(v any) any {
	switch x := v.(type) {
	case time.Time:
		return x
	case int64:
		return int(x)
	case []byte:
		return parseStoredTime(string(x))
	case string:
		return parseStoredTime(x)
	}
	return v
}

func parseStoredTime(s string) any {
	for _, layout := range []string{"2006-01-02 15:04:05.999999999-07:00", "2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05Z07:00", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t
		}
	}
	return s
}

func sortedYears(set map[int]bool) []int {
	out := make([]int, 0, len(set))
	for y := range set {
		out = append(out, y)
	}
	sort.Ints(out)
	return out
}

// snapshotImmutable: a closed report is never changed, except to mark it superseded.
var snapshotImmutable ent.Hook = func(next ent.Mutator) ent.Mutator {
	return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
		if m.Op().Is(ent.OpDelete | ent.OpDeleteOne) {
			return nil, apperr.Forbiddenf("closed reports cannot be deleted (已关账报表不可删除)")
		}
		if m.Op().Is(ent.OpUpdate | ent.OpUpdateOne) {
			for _, f := range m.Fields() {
				if f != "superseded_at" && f != "updated_at" {
					return nil, apperr.Forbiddenf("closed reports cannot be changed (已关账报表不可修改)")
				}
			}
		}
		return next.Mutate(ctx, m)
	})
}

// addIntervalYears adds to set every year from start to end (today while end is unset): the
// years a record valid over that interval counts in.
func addIntervalYears(set map[int]bool, start, end any) {
	from, ok := asTime(start)
	if !ok {
		return
	}
	to := time.Now().UTC()
	if e, ok := asTime(end); ok {
		to = e
	}
	for y := from.Year(); y <= to.Year(); y++ {
		set[y] = true
	}
}
