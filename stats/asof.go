package stats

import (
	"context"
	"time"

	"entgo.io/ent/dialect/sql"

	"github.com/nanpiao/sbqw/apperr"
	"github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/ent/household"
	"github.com/nanpiao/sbqw/ent/pairing"
	"github.com/nanpiao/sbqw/ent/partymember"
	"github.com/nanpiao/sbqw/ent/povertystatuschange"
	"github.com/nanpiao/sbqw/ent/predicate"
	"github.com/nanpiao/sbqw/ent/schema/enum"
	"github.com/nanpiao/sbqw/workflow"
)

// AsOf is the day a statistic counts "current" state on (报告基准日). The zero AsOf is today,
// counted from today's flags exactly as before asOf existed; a given day is counted from the
// records' validity dates and history: pairings in force that day (start_on/end_on), posts held
// that day (start_on/end_on), members who had joined by then, and poverty statuses replayed
// from poverty_status_changes.
type AsOf struct {
	day *time.Time
}

// FirstDay is the first day an asOf may name: the programme's start.
var FirstDay = time.Date(FirstYear, 1, 1, 0, 0, 0, 0, time.UTC)

// AsOfDay checks an optional asOf argument: absent is today; a day before 2017-01-01 or after
// today is BAD_USER_INPUT.
func AsOfDay(d *time.Time) (AsOf, error) {
	if d == nil {
		return AsOf{}, nil
	}
	day := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC)
	if day.Before(FirstDay) || day.After(today()) {
		return AsOf{}, apperr.Invalid("asOf", "must be between %s and today, %s (基准日超出范围)",
			FirstDay.Format(time.DateOnly), today().Format(time.DateOnly))
	}
	return AsOf{day: &day}, nil
}

// Day is the day counted on (today for the zero AsOf).
func (a AsOf) Day() time.Time {
	if a.day == nil {
		return today()
	}
	return *a.day
}

// pairingInForce: an active pairing (today) or one in force on the day.
func (a AsOf) pairingInForce() predicate.Pairing {
	if a.day == nil {
		return pairing.Active(true)
	}
	return inForceOn(*a.day)
}

// pairingInForceSQL is pairingInForce on a table other than the query's own (a correlated
// sub-query's alias).
func (a AsOf) pairingInForceSQL(t *sql.SelectTable) *sql.Predicate {
	if a.day == nil {
		return sql.EQ(t.C(pairing.FieldActive), true)
	}
	return sql.And(sql.LTE(t.C(pairing.FieldStartOn), *a.day),
		sql.Or(sql.IsNull(t.C(pairing.FieldEndOn)), sql.GTE(t.C(pairing.FieldEndOn), *a.day)))
}

// needy: a household named needy (the flag has no dated history: today's flag) that, on the
// day, was registered poor — its last poverty status change on or before the day leads to a
// status other than NOT_POOR. Today, the flag alone (the office never names a NOT_POOR
// household needy). The history sub-query carries the history's read filter: a household
// counts only by history its caller may read.
func (a AsOf) needy(ctx context.Context) predicate.Household {
	if a.day == nil {
		return household.Needy(true)
	}
	day := *a.day
	return household.And(household.Needy(true), func(s *sql.Selector) {
		c := sql.Table(povertystatuschange.Table).As("status_on")
		hh := povertystatuschange.FieldHouseholdID
		last := sql.Select(c.C(povertystatuschange.FieldID)).From(c).Where(sql.And(
			sql.ColumnsEQ(c.C(hh), s.C(household.FieldID)),
			sql.IsNull(c.C("deleted_at")),
			sql.LTE(c.C(povertystatuschange.FieldChangedOn), day),
			sql.NEQ(c.C(povertystatuschange.FieldToStatus), string(enum.StatusNotPoor)),
			notLaterChange(c.C, day),
		))
		visible(ctx, ent.TypePovertyStatusChange)(last)
		s.Where(sql.Exists(last))
	})
}

// notLaterChange: no live change of the same household after the row whose columns col names,
// on or before day — that row is the household's last change by day (ties on one day go to
// the later row).
func notLaterChange(col func(string) string, day time.Time) *sql.Predicate {
	t := sql.Table(povertystatuschange.Table).As("later")
	hh, on, id := povertystatuschange.FieldHouseholdID, povertystatuschange.FieldChangedOn, povertystatuschange.FieldID
	later := sql.Select(t.C(id)).From(t).Where(sql.And(
		sql.ColumnsEQ(t.C(hh), col(hh)),
		sql.IsNull(t.C("deleted_at")),
		sql.LTE(t.C(on), day),
		sql.Or(sql.ColumnsGT(t.C(on), col(on)), sql.And(sql.ColumnsEQ(t.C(on), col(on)), sql.ColumnsGT(t.C(id), col(id)))),
	))
	return sql.NotExists(later)
}

// member: an active party member who, on a given day, had joined.
func (a AsOf) member() predicate.PartyMember {
	if a.day == nil {
		return activeMember()
	}
	return partymember.And(activeMember(), partymember.JoinedOnLTE(*a.day))
}

// postHeld: a post held on the day.
func (a AsOf) postHeld() predicate.Post { return workflow.PostHeldOn(a.Day()) }

// given reports whether a day was named (the zero AsOf is today, counted from today's state).
func (a AsOf) given() bool { return a.day != nil }

// before is the first instant after the day counted on: records created (createdAt) before it
// existed on that day.
func (a AsOf) before() time.Time { return a.Day().AddDate(0, 0, 1) }

// upTo is the earlier of the day counted on and last (a year's last day), for the dated
// records of a year that a past day sees only up to itself.
func (a AsOf) upTo(last time.Time) time.Time {
	if a.given() && a.day.Before(last) {
		return *a.day
	}
	return last
}

// lastRowBefore: the row's last live history row (table, joined by fk to the row's id; the last
// by createdAt, then id) created before `before` exists and satisfies cond. The history is
// read through entType's read filter, like every sub-query here.
func lastRowBefore(ctx context.Context, entType, table, fk string, before time.Time, cond func(t *sql.SelectTable) *sql.Predicate) func(*sql.Selector) {
	return func(s *sql.Selector) {
		h := sql.Table(table).As("hist")
		l := sql.Table(table).As("hist_later")
		later := sql.Select(l.C("id")).From(l).Where(sql.And(
			sql.ColumnsEQ(l.C(fk), h.C(fk)),
			sql.IsNull(l.C("deleted_at")),
			sql.LT(l.C("created_at"), before),
			sql.Or(sql.ColumnsGT(l.C("created_at"), h.C("created_at")),
				sql.And(sql.ColumnsEQ(l.C("created_at"), h.C("created_at")), sql.ColumnsGT(l.C("id"), h.C("id")))),
		))
		last := sql.Select(h.C("id")).From(h).Where(sql.And(
			sql.ColumnsEQ(h.C(fk), s.C("id")),
			sql.IsNull(h.C("deleted_at")),
			sql.LT(h.C("created_at"), before),
			cond(h),
			sql.NotExists(later),
		))
		visible(ctx, entType)(last)
		s.Where(sql.Exists(last))
	}
}

// noRowBefore: the row has no live history row created before `before`.
func noRowBefore(ctx context.Context, entType, table, fk string, before time.Time) func(*sql.Selector) {
	return func(s *sql.Selector) {
		h := sql.Table(table).As("hist_none")
		some := sql.Select(h.C("id")).From(h).Where(sql.And(
			sql.ColumnsEQ(h.C(fk), s.C("id")),
			sql.IsNull(h.C("deleted_at")),
			sql.LT(h.C("created_at"), before),
		))
		visible(ctx, entType)(some)
		s.Where(sql.NotExists(some))
	}
}
