package stats_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"
	"time"

	entsql "entgo.io/ent/dialect/sql"

	"github.com/nanpiao/sbqw/apperr"
	"github.com/nanpiao/sbqw/authz"
	"github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/ent/demoproject"
	"github.com/nanpiao/sbqw/ent/household"
	"github.com/nanpiao/sbqw/ent/pairing"
	"github.com/nanpiao/sbqw/ent/predicate"
	"github.com/nanpiao/sbqw/ent/privacy"
	"github.com/nanpiao/sbqw/ent/schema/enum"
	"github.com/nanpiao/sbqw/ent/visit"
	"github.com/nanpiao/sbqw/internal/clock"
	"github.com/nanpiao/sbqw/internal/testkit"
	"github.com/nanpiao/sbqw/stats"
)

func TestSpringFestival(t *testing.T) {
	// Published dates, from the programme's first year to well beyond any former table.
	for year, want := range map[int]string{2017: "2017-01-28", 2018: "2018-02-16", 2019: "2019-02-05",
		2020: "2020-01-25", 2025: "2025-01-29", 2026: "2026-02-17", 2027: "2027-02-06", 2033: "2033-01-31", 2050: "2050-01-23"} {
		got, err := stats.SpringFestival(year)
		if err != nil || got.Format(time.DateOnly) != want {
			t.Errorf("Spring Festival %d = %v, %v; want %s", year, got, err, want)
		}
	}
	for _, year := range []int{1999, 2101} {
		_, err := stats.SpringFestival(year)
		if e, ok := apperr.As(err); !ok || e.Code != apperr.BadUserInput || e.Field != "year" {
			t.Errorf("Spring Festival %d: %v, want BAD_USER_INPUT on year", year, err)
		}
	}
}

// demo is the demo district and the means to act as one of its accounts.
type demo struct {
	db  *testkit.DB
	srv *testkit.Server
}

func loadDemo(tb testing.TB) *demo {
	db := testkit.LoadDemo(tb)
	return &demo{db: db, srv: testkit.NewServer(tb, db)}
}

// as is a context carrying the viewer of a demo account, as the HTTP layer builds it.
func (d *demo) as(tb testing.TB, username string) context.Context {
	tb.Helper()
	v, err := d.srv.App.Auth.ViewerOf(context.Background(), d.int(tb, "SELECT id FROM users WHERE username = ?", username))
	if err != nil {
		tb.Fatal(err)
	}
	return authz.NewContext(context.Background(), v)
}

func (d *demo) int(tb testing.TB, q string, args ...any) int {
	tb.Helper()
	var n sql.NullInt64
	if err := d.db.SQL.QueryRow(q, args...).Scan(&n); err != nil {
		tb.Fatalf("%s: %v", q, err)
	}
	return int(n.Int64)
}

// TestPrivacyScopesGroupByAndAggregate: the ent privacy rule adds the caller's scope to
// GroupBy, Aggregate and Modify queries — the three forms the statistics use — exactly as to a
// list, soft-deleted rows included; a role that may not read the type is denied.
func TestPrivacyScopesGroupByAndAggregate(t *testing.T) {
	d := loadDemo(t)
	c := d.db.Client
	tw := d.int(t, "SELECT rb.township_id FROM role_bindings rb JOIN users u ON u.id = rb.user_id WHERE u.username = 'township01'")
	cad := d.int(t, "SELECT rb.cadre_id FROM role_bindings rb JOIN users u ON u.id = rb.user_id WHERE u.username = 'cadre0001'")
	admin, township, cadre := d.as(t, "admin"), d.as(t, "township01"), d.as(t, "cadre0001")

	type group struct {
		TownshipID int `json:"township_id"`
		Count      int `json:"count"`
	}
	byTownship := func(ctx context.Context) map[int]int {
		t.Helper()
		var rows []group
		if err := c.Household.Query().GroupBy(household.FieldTownshipID).Aggregate(ent.Count()).Scan(ctx, &rows); err != nil {
			t.Fatal(err)
		}
		out := map[int]int{}
		for _, r := range rows {
			out[r.TownshipID] = r.Count
		}
		return out
	}
	aggregate := func(ctx context.Context) int {
		t.Helper()
		n, err := c.Household.Query().Aggregate(ent.Count()).Int(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	modified := func(ctx context.Context) int {
		t.Helper()
		n, err := c.Household.Query().Modify(func(s *entsql.Selector) { s.Select(entsql.Count("*")) }).Int(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	check := func() {
		t.Helper()
		all := d.int(t, "SELECT COUNT(*) FROM households WHERE deleted_at IS NULL")
		own := d.int(t, "SELECT COUNT(*) FROM households WHERE township_id = ? AND deleted_at IS NULL", tw)
		paired := d.int(t, `SELECT COUNT(*) FROM households WHERE deleted_at IS NULL AND id IN
			(SELECT household_id FROM pairings WHERE cadre_id = ? AND active = ? AND deleted_at IS NULL)`, cad, true)
		if g := byTownship(township); len(g) != 1 || g[tw] != own {
			t.Errorf("township GroupBy = %v, want only {%d: %d}", g, tw, own)
		}
		sum := 0
		for _, n := range byTownship(admin) {
			sum += n
		}
		if sum != all || len(byTownship(admin)) != 10 {
			t.Errorf("district GroupBy adds up to %d over %d townships, want %d over 10", sum, len(byTownship(admin)), all)
		}
		if got := aggregate(cadre); got != paired || paired == 0 {
			t.Errorf("cadre Aggregate = %d, want %d (>0)", got, paired)
		}
		if got := modified(township); got != own {
			t.Errorf("township Modify count = %d, want %d", got, own)
		}
	}
	check()
	before := modified(township)
	// A soft-deleted household stops counting on every path.
	sys := authz.Bypass(context.Background(), "test fixture")
	id := d.int(t, `SELECT MIN(id) FROM households WHERE township_id = ? AND deleted_at IS NULL
		AND id NOT IN (SELECT household_id FROM pairings) AND id NOT IN (SELECT household_id FROM demands)`, tw)
	if err := c.Household.DeleteOneID(id).Exec(sys); err != nil {
		t.Fatal(err)
	}
	if d.int(t, "SELECT COUNT(*) FROM households WHERE id = ?", id) != 1 {
		t.Fatal("the household was removed, not soft-deleted: the test proves nothing")
	}
	if after := modified(township); after != before-1 {
		t.Errorf("after a soft delete the township counts %d households, before %d", after, before)
	}
	check()

	// A role that may not read the type is refused on every form, with the privacy denial that
	// the API turns into FORBIDDEN.
	var rows []struct{ Count int }
	err := c.DemoProject.Query().GroupBy(demoproject.FieldStage).Aggregate(ent.Count()).Scan(cadre, &rows)
	_, err2 := c.DemoProject.Query().Aggregate(ent.Count()).Int(cadre)
	if !errors.Is(err, privacy.Deny) || !errors.Is(err2, privacy.Deny) {
		t.Errorf("cadre GroupBy/Aggregate on demo projects: %v / %v, want privacy denial", err, err2)
	}
}

// TestConditionalAggregatesCountLikeWhere: a predicate used inside SUM(CASE WHEN …) — edge
// predicates with their sub-queries and read filters included — counts the same rows as the
// same predicate in WHERE, for several roles, on both databases.
func TestConditionalAggregatesCountLikeWhere(t *testing.T) {
	d := loadDemo(t)
	c := d.db.Client
	today := clock.Today()
	sf := time.Date(2026, 2, 17, 0, 0, 0, 0, time.UTC)
	for _, user := range []string{"admin", "township01", "cadre0001", "dept01"} {
		ctx := d.as(t, user)
		seen := predicate.Visit(authz.ReadFilter(ctx, "Visit"))
		cases := map[string][]predicate.Pairing{
			"all":     nil,
			"active":  {pairing.Active(true)},
			"quiet":   {pairing.Active(true), pairing.Not(pairing.HasVisitsWith(visit.VisitedAtGTE(today.AddDate(0, 0, -60)), seen))},
			"festive": {pairing.HasVisitsWith(visit.OccasionEQ(enum.VisitSpringFestival), seen)},
			"inForce": {pairing.StartOnLTE(sf), pairing.Or(pairing.EndOnIsNil(), pairing.EndOnGTE(sf))},
		}
		for name, preds := range cases {
			got, err := stats.CountPairingsIf(ctx, c, preds...)
			if err != nil {
				t.Fatal(err)
			}
			want, err := c.Pairing.Query().Where(preds...).Count(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if got != want || (name == "active" && want == 0) {
				t.Errorf("%s %s: conditional aggregate %d, WHERE %d", user, name, got, want)
			}
		}
	}
}
