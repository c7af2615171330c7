// Package stats computes the programme's statistics (统计) for the GraphQL API.
//
// Every number is an aggregate computed by the database (GROUP BY, COUNT, SUM over CASE …),
// never by loading rows into Go and counting them. Each statistic is one or more ent queries
// whose main type is a type it counts, so ent's privacy rules add the caller's scope predicate
// (and the soft-delete filter) exactly as they do for lists and totalCount; a role that may not
// read a counted type gets that type's FORBIDDEN. Where a query reaches into another type
// through a sub-query (an edge predicate, a correlated count), ent builds that sub-query without
// privacy rules, so the target's read filter (authz.ReadFilter) is added here by hand: a
// statistic never counts a row, nor tests for a row, that its caller cannot see.
package stats

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/nanpiao/sbqw/internal/clock"

	"entgo.io/ent/dialect/sql"

	"github.com/nanpiao/sbqw/apperr"
	"github.com/nanpiao/sbqw/authz"
	"github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/ent/township"
)

// today is the start of the current day in UTC, the day of "overdue", "the last 60 days" and
// "a post valid today" (as for hasPost and the list filters clients use).
func today() time.Time { return clock.Today() }

// FirstYear is the programme's first year (2017); a statistic accepts any year from it to next
// year (plans are made a year ahead).
const FirstYear = 2017

func checkYear(year int) error {
	if last := today().Year() + 1; year < FirstYear || year > last {
		return apperr.Invalid("year", "must be between %d and %d (年度超出范围)", FirstYear, last)
	}
	return nil
}

func checkOptionalYear(year *int) error {
	if year == nil {
		return nil
	}
	return checkYear(*year)
}

// yearSpan is [1 January year, 1 January year+1) in UTC.
func yearSpan(year int) (time.Time, time.Time) {
	return time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(year+1, 1, 1, 0, 0, 0, 0, time.UTC)
}

// visible is the caller's read filter for entType, for the sub-queries ent builds without
// privacy rules: the scope predicate plus deleted_at IS NULL, or FALSE for a role that may not
// read the type.
func visible(ctx context.Context, entType string) func(*sql.Selector) {
	return authz.ReadFilter(ctx, entType)
}

// requireTownship checks a township argument: it must name a live township (reference data,
// readable by every caller), else BAD_USER_INPUT.
func requireTownship(ctx context.Context, client *ent.Client, id int) (*ent.Township, error) {
	t, err := client.Township.Query().Where(township.ID(id)).Only(ctx)
	if ent.IsNotFound(err) {
		return nil, apperr.Invalid("townshipID", "no such township (乡镇不存在)")
	}
	return t, err
}

// errUnitMissing reports an aggregate row whose unit could not be loaded (a broken reference).
var errUnitMissing = errors.New("stats: unit of an aggregate row not found")

// atoi reads an integer key scanned as text (keys of several types share one scan struct).
func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}
