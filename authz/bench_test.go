package authz_test

import (
	"context"
	"database/sql"
	"testing"

	"github.com/nanpiao/sbqw/authz"
	"github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/ent/household"
	"github.com/nanpiao/sbqw/internal/testkit"
)

// BenchmarkHouseholdPage reads the same page of households — the first 50 by ID, with the
// total count, as a connection does — as each role and with authorization off (the system
// context), to show what scoping costs. Run on MariaDB with
//
//	MYSQL_TEST_DSN=mysql://root@127.0.0.1:3306/test go test ./authz -run XXX -bench HouseholdPage -benchtime 3s
func BenchmarkHouseholdPage(b *testing.B) {
	db := testkit.LoadDemo(b)
	srv := testkit.NewServer(b, db)
	cases := []struct{ name, user string }{
		{"off", ""}, {"DISTRICT", "admin"}, {"TOWNSHIP", "township01"}, {"VILLAGE_SECRETARY", "village001"}, {"CADRE", "cadre0001"},
	}
	for _, c := range cases {
		ctx := authz.Bypass(context.Background(), "benchmark: authorization off")
		if c.user != "" {
			v, err := srv.App.Auth.ViewerOf(context.Background(), userID(b, db.SQL, c.user))
			if err != nil {
				b.Fatal(err)
			}
			ctx = authz.NewContext(context.Background(), v)
		}
		page := func() (int, error) {
			q := db.Client.Household.Query()
			n, err := q.Clone().Count(ctx)
			if err != nil {
				return 0, err
			}
			rows, err := q.Order(ent.Asc(household.FieldID)).Limit(50).All(ctx)
			if err != nil {
				return 0, err
			}
			return n + len(rows), nil
		}
		db.Counter.Start()
		if _, err := page(); err != nil {
			b.Fatal(err)
		}
		for _, s := range db.Counter.Stop() {
			b.Logf("%s: %s", c.name, s)
		}
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := page(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func userID(tb testing.TB, db *sql.DB, username string) int {
	var id int
	if err := db.QueryRow("SELECT id FROM users WHERE username = ?", username).Scan(&id); err != nil {
		tb.Fatal(err)
	}
	return id
}
