package storage_test

import (
	"compress/gzip"
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"entgo.io/ent/dialect"

	"github.com/nanpiao/sbqw/authz"
	"github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/ent/resident"
	"github.com/nanpiao/sbqw/internal/testkit"
	"github.com/nanpiao/sbqw/pii"
	"github.com/nanpiao/sbqw/storage"
)

// The upgrade test (issue 14): a database of the previous release — its schema, with its data
// — is migrated to this one, and every record is found intact.
//
// The previous release is the migration version set of commit b10509b (stop 16's last commit),
// whose last file is previousRelease. Its data is the fixture migrations/testdata/<version>.json.gz:
// every row of every table of that release's demo district, made once with that release:
//
//	git archive b10509b | tar -x -C /tmp/old && cd /tmp/old && go build -o sbqw-old .
//	DATA_KEY=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= ./sbqw-old --demo --db sqlite:/tmp/old.db   # stop once loaded
//	UPGRADE_FIXTURE_FROM=/tmp/old.db go test -count=1 -run TestWriteUpgradeFixture ./storage
//
// DATA_KEY is the test data key (testkit.DataKey, 32 zero bytes), so the sealed ID numbers of
// the fixture open here.

const previousRelease = "20261130152018"

var fixtureFile = filepath.Join("..", "migrations", "testdata", previousRelease+".json.gz")

// fixture is every row of every table, by table; values are JSON-encoded by encodeValue.
type fixture struct {
	Version string                   `json:"version"`
	Made    string                   `json:"made"`
	Tables  map[string]*fixtureTable `json:"tables"`
}

type fixtureTable struct {
	Columns []string `json:"columns"`
	Rows    [][]any  `json:"rows"`
}

// encodeValue keeps what database/sql scanned distinguishable in JSON: numbers and strings as
// they are, bytes as {"b": base64}, times as {"t": RFC 3339}, floats as {"f": x}.
func encodeValue(v any) any {
	switch x := v.(type) {
	case nil, int64, string, bool:
		return x
	case float64:
		return map[string]any{"f": x}
	case []byte:
		return map[string]any{"b": base64.StdEncoding.EncodeToString(x)}
	case time.Time:
		return map[string]any{"t": x.Format(time.RFC3339Nano)}
	default:
		panic(fmt.Sprintf("fixture: unexpected value %T", v))
	}
}

func decodeValue(v any) (any, error) {
	switch x := v.(type) {
	case nil, string, bool:
		return x, nil
	case json.Number:
		return x.Int64()
	case map[string]any:
		switch {
		case x["b"] != nil:
			return base64.StdEncoding.DecodeString(x["b"].(string))
		case x["t"] != nil:
			return time.Parse(time.RFC3339Nano, x["t"].(string))
		case x["f"] != nil:
			return x["f"].(json.Number).Float64()
		}
	}
	return nil, fmt.Errorf("fixture: unexpected value %v", v)
}

// normal turns a scanned value into one that compares equal across a table's rebuild:
// times as UTC instants, bytes as text.
func normal(v any) any {
	switch x := v.(type) {
	case time.Time:
		return x.UTC().Format(time.RFC3339Nano)
	case []byte:
		return string(x)
	}
	return v
}

// dumpTables reads every row of every table (but the migration bookkeeping), ordered by id.
func dumpTables(t *testing.T, db *sql.DB, dia string) map[string]*fixtureTable {
	t.Helper()
	ctx := context.Background()
	q := "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
	if dia == dialect.MySQL {
		q = "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE()"
	}
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != storage.RevisionTable {
			names = append(names, n)
		}
	}
	rows.Close()
	out := map[string]*fixtureTable{}
	for _, name := range names {
		rows, err := db.QueryContext(ctx, "SELECT * FROM "+name+" ORDER BY id")
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		cols, _ := rows.Columns()
		tb := &fixtureTable{Columns: cols}
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			tb.Rows = append(tb.Rows, vals)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
		out[name] = tb
	}
	return out
}

// TestWriteUpgradeFixture writes the fixture from a database of the previous release (see
// the top of this file); it runs only when asked to.
func TestWriteUpgradeFixture(t *testing.T) {
	from := os.Getenv("UPGRADE_FIXTURE_FROM")
	if from == "" {
		t.Skip("UPGRADE_FIXTURE_FROM unset: writes the upgrade fixture from an old release's SQLite file when asked")
	}
	db, err := sql.Open("sqlite", storage.SQLiteDSN(from))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var version string
	if err := db.QueryRow("SELECT MAX(version) FROM " + storage.RevisionTable).Scan(&version); err != nil || version != previousRelease {
		t.Fatalf("%s is at version %q (%v), want %s", from, version, err, previousRelease)
	}
	fx := fixture{Version: previousRelease, Tables: dumpTables(t, db, dialect.SQLite),
		Made: "the demo district of commit b10509b (--demo, DATA_KEY = testkit.DataKey, a sign-in, an API key and a logout), cut to its first township"}
	cutToOneTownship(t, db, fx.Tables)
	for _, tb := range fx.Tables {
		for _, r := range tb.Rows {
			for i, v := range r {
				r[i] = encodeValue(v)
			}
		}
	}
	f, err := os.Create(fixtureFile)
	if err != nil {
		t.Fatal(err)
	}
	zw, _ := gzip.NewWriterLevel(f, gzip.BestCompression)
	if err := json.NewEncoder(zw).Encode(fx); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// cutToOneTownship keeps the district's first township: the rows whose township_id is null
// (district-wide) or that township, then drops every row whose foreign key points at a row
// dropped, until none does — a smaller district the old release could have made, which
// migrations' foreign-key checks accept.
func cutToOneTownship(t *testing.T, db *sql.DB, tables map[string]*fixtureTable) {
	t.Helper()
	type fk struct{ column, parent string }
	fks := map[string][]fk{}
	for name := range tables {
		rows, err := db.Query(`SELECT "from", "table" FROM pragma_foreign_key_list(?)`, name)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var f fk
			if err := rows.Scan(&f.column, &f.parent); err != nil {
				t.Fatal(err)
			}
			fks[name] = append(fks[name], f)
		}
		rows.Close()
	}
	col := func(tb *fixtureTable, name string) int { return slices.Index(tb.Columns, name) }
	first := tables["townships"].Rows[0][col(tables["townships"], "id")]
	keep := func(name string, pred func(row []any) bool) int {
		tb := tables[name]
		was := len(tb.Rows)
		tb.Rows = slices.DeleteFunc(tb.Rows, func(r []any) bool { return !pred(r) })
		return was - len(tb.Rows)
	}
	for name, tb := range tables {
		if name == "townships" {
			keep(name, func(r []any) bool { return r[col(tb, "id")] == first })
		} else if i := col(tb, "township_id"); i >= 0 {
			keep(name, func(r []any) bool { return r[i] == nil || r[i] == first })
		}
	}
	for dropped := 1; dropped > 0; {
		dropped = 0
		ids := map[string]map[any]bool{}
		for name, tb := range tables {
			ids[name] = map[any]bool{}
			for _, r := range tb.Rows {
				ids[name][r[col(tb, "id")]] = true
			}
		}
		for name, tb := range tables {
			for _, f := range fks[name] {
				i := col(tb, f.column)
				dropped += keep(name, func(r []any) bool { return r[i] == nil || ids[f.parent][r[i]] })
			}
		}
	}
}

func readFixture(t *testing.T) fixture {
	t.Helper()
	f, err := os.Open(fixtureFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(zr)
	dec.UseNumber()
	var fx fixture
	if err := dec.Decode(&fx); err != nil {
		t.Fatal(err)
	}
	for name, tb := range fx.Tables {
		for _, r := range tb.Rows {
			for i, v := range r {
				if r[i], err = decodeValue(v); err != nil {
					t.Fatalf("%s: %v", name, err)
				}
			}
		}
	}
	return fx
}

// TestUpgradeFromPreviousRelease: an empty database is migrated to the previous release's
// version, filled with that release's data, then migrated to this one. Every table keeps its
// row count; every row keeps the value of every column that still exists (but those a data
// step recomputes on purpose, which must hold what it computes: rederived); the current ent
// client reads records of every type; the audit chain still verifies; and a sealed ID number
// of the old release opens with the data key and matches the masked form ent derives. On
// SQLite, and on MariaDB with MYSQL_TEST_DSN (the same fixture, loaded there).
func TestUpgradeFromPreviousRelease(t *testing.T) {
	fx := readFixture(t)
	if fx.Version != previousRelease {
		t.Fatalf("the fixture is of version %s, want %s", fx.Version, previousRelease)
	}
	for _, b := range backends(t) {
		t.Run(b, func(t *testing.T) { upgradeFromPreviousRelease(t, emptyDB(t, b), fx) })
	}
}

func upgradeFromPreviousRelease(t *testing.T, db *storage.DB, fx fixture) {
	ctx := context.Background()
	if _, err := db.ApplyThrough(ctx, previousRelease); err != nil {
		t.Fatal(err)
	}
	if st, err := db.Status(ctx); err != nil || st.Current != previousRelease || len(st.Pending) == 0 {
		t.Fatalf("after applying through the previous release: %+v, %v", st, err)
	}
	load(t, db, fx)

	loaded := dumpTables(t, db.SQL, db.Dialect)
	for name, tb := range fx.Tables {
		got := loaded[name]
		if got == nil || len(got.Rows) != len(tb.Rows) {
			t.Fatalf("%s: loading the fixture left %v rows, want %d", name, got, len(tb.Rows))
		}
		if db.Dialect != dialect.SQLite {
			continue // SQLite's values in MariaDB's types: compared across the upgrade only
		}
		for i, r := range tb.Rows {
			for j, v := range r {
				if a, b := normal(v), normal(got.Rows[i][j]); a != b {
					t.Fatalf("%s row %d column %s: loaded %v, fixture %v", name, i, tb.Columns[j], b, a)
				}
			}
		}
	}
	before := snapshot(t, db, inspect(t, db))

	started := time.Now()
	applied, err := db.Apply(ctx)
	if err != nil {
		t.Fatalf("upgrading: %v", err)
	}
	if len(applied) == 0 {
		t.Fatal("nothing to apply after the previous release")
	}
	t.Logf("upgraded %s → %s in %v (%d files)", previousRelease, applied[len(applied)-1], time.Since(started), len(applied))
	if err := db.CheckCurrent(ctx); err != nil {
		t.Fatal(err)
	}

	after := snapshot(t, db, inspect(t, db))
	rows, values := 0, 0
	for _, table := range slices.Sorted(maps.Keys(before)) {
		old, now := before[table], after[table]
		if now == nil {
			t.Errorf("table %s is gone after the upgrade", table)
			continue
		}
		if added := newRows(table, old, now); added != nil {
			if slices.Compare(added, addedPolicyLines) != 0 {
				t.Errorf("%s: the upgrade added %q, want exactly %q", table, added, addedPolicyLines)
			}
		} else if len(now) != len(old) {
			t.Errorf("%s: %d rows after the upgrade, %d before", table, len(now), len(old))
		}
		for id, cols := range old {
			for col, v := range cols {
				got, kept := now[id][col]
				if derive, ok := rederived[table+"."+col]; ok {
					if want := derive(now[id], after); got != want {
						t.Errorf("%s id %s: %s is %q, the migration should have made it %q", table, id, col, got, want)
					}
					continue
				}
				if kept && got != v {
					t.Errorf("%s id %s column %s: %q before the upgrade, %q after", table, id, col, v, got)
				}
				values++
			}
			rows++
		}
	}
	if rows < 1000 {
		t.Fatalf("only %d rows compared: is the fixture the demo district?", rows)
	}
	t.Logf("%d tables, %d rows, %d values intact", len(before), rows, values)

	readEveryType(t, db, after)
	openSealed(t, db)
	report, err := authz.VerifyAuditChain(authz.Bypass(ctx, "upgrade test"), db.Client)
	if err != nil || report.Broken != "" || report.Chained == 0 {
		t.Fatalf("the audit chain after the upgrade: %v %v (the old release's sign-ins and key creation are in it)", report, err)
	}
}

// load inserts the fixture's rows as they are, IDs included, with foreign keys unchecked
// (tables load in any order), in one transaction.
func load(t *testing.T, db *storage.DB, fx fixture) {
	t.Helper()
	ctx := context.Background()
	conn, err := db.SQL.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	off, on := "PRAGMA foreign_keys = off", "PRAGMA foreign_keys = on"
	if db.Dialect == dialect.MySQL {
		off, on = "SET FOREIGN_KEY_CHECKS = 0", "SET FOREIGN_KEY_CHECKS = 1"
	}
	if _, err := conn.ExecContext(ctx, off); err != nil {
		t.Fatal(err)
	}
	defer conn.ExecContext(ctx, on) //nolint:errcheck
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback() //nolint:errcheck
	for _, name := range slices.Sorted(maps.Keys(fx.Tables)) {
		tb := fx.Tables[name]
		if len(tb.Rows) == 0 {
			continue
		}
		cols := make([]string, len(tb.Columns))
		for i, c := range tb.Columns {
			cols[i] = quote(db, c)
		}
		marks := strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ")
		stmt, err := tx.PrepareContext(ctx, "INSERT INTO "+quote(db, name)+" ("+strings.Join(cols, ", ")+") VALUES ("+marks+")")
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, r := range tb.Rows {
			if _, err := stmt.ExecContext(ctx, r...); err != nil {
				t.Fatalf("%s: inserting %v: %v", name, r, err)
			}
		}
		stmt.Close()
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
}

// notNodes read the types that are no GraphQL node.
var notNodes = map[string]func(context.Context, *ent.Client, int) error{
	ent.TypeCasbinRule: func(ctx context.Context, c *ent.Client, id int) error {
		_, err := c.CasbinRule.Get(ctx, id)
		return err
	},
	ent.TypeSetting: func(ctx context.Context, c *ent.Client, id int) error {
		_, err := c.Setting.Get(ctx, id)
		return err
	},
	ent.TypeSession: func(ctx context.Context, c *ent.Client, id int) error {
		_, err := c.Session.Get(ctx, id)
		return err
	},
}

// readEveryType reads up to three records of every type through the current ent client, as a
// node: every column scanned into this version's entities. Types without rows in the old
// release's data are named in the log.
func readEveryType(t *testing.T, db *storage.DB, tables map[string]map[string]map[string]string) {
	t.Helper()
	ctx := authz.Bypass(context.Background(), "upgrade test")
	read := 0
	var empty []string
	for _, typ := range slices.Sorted(maps.Keys(ent.TypeTables)) {
		rows, ok := tables[ent.TypeTables[typ]]
		if !ok {
			t.Errorf("type %s: no table %s after the upgrade", typ, ent.TypeTables[typ])
			continue
		}
		if len(rows) == 0 {
			empty = append(empty, typ)
		}
		for _, id := range slices.Sorted(maps.Keys(rows))[:min(3, len(rows))] {
			n, err := strconv.Atoi(id)
			if err != nil {
				t.Fatalf("%s id %q", typ, id)
			}
			if read, ok := notNodes[typ]; ok {
				err = read(ctx, db.Client, n)
			} else {
				_, err = db.Client.Noder(ctx, n, ent.WithFixedNodeType(ent.TypeTables[typ]))
			}
			if err != nil {
				t.Errorf("type %s, id %d: %v", typ, n, err)
				break
			}
			read++
		}
	}
	t.Logf("%d records read through the ent client; types without old rows: %v", read, empty)
}

// openSealed opens the ID numbers of a few old residents with the test data key and checks
// them against the masked form the ent client derives.
func openSealed(t *testing.T, db *storage.DB) {
	t.Helper()
	ctx := authz.Bypass(context.Background(), "upgrade test")
	residents, err := db.Client.Resident.Query().Limit(5).All(ctx)
	if err != nil || len(residents) == 0 {
		t.Fatalf("reading residents: %d, %v", len(residents), err)
	}
	for _, r := range residents {
		plain, err := testkit.Sealer().Open(pii.Place{Table: resident.Table, Column: resident.FieldIDNumberSealed, Row: r.ID}, r.IDNumberSealed)
		if err != nil {
			t.Fatalf("resident %d: the old release's sealed ID number does not open: %v", r.ID, err)
		}
		if _, err := pii.ParseIDNumber(plain, time.Now()); err != nil {
			t.Fatalf("resident %d: opened %q, not an ID number: %v", r.ID, pii.MaskIDNumber(plain), err)
		}
		if r.IDNumber != "" && r.IDNumber != pii.MaskIDNumber(plain) {
			t.Fatalf("resident %d: the API shows %q, the sealed value is %q", r.ID, r.IDNumber, pii.MaskIDNumber(plain))
		}
	}
}

// addedPolicyLines are the policy lines migrations add to a policy already loaded (sorted):
// 20261201023430_org_membership lets every caller read cadres' assignments, as it reads
// cadres, and a township move members within its township.
var addedPolicyLines = []string{
	"p, *, cadre_assignment, read, district",
	"p, TOWNSHIP, party_member, move, township",
}

// newRows lists, sorted, the policy lines of the rows of casbin_rules the upgrade added; nil
// for any other table.
func newRows(table string, old, now map[string]map[string]string) []string {
	if table != "casbin_rules" {
		return nil
	}
	out := []string{}
	for id, r := range now {
		if _, had := old[id]; !had {
			out = append(out, strings.Join([]string{r["ptype"], r["v0"], r["v1"], r["v2"], r["v3"]}, ", "))
		}
	}
	slices.Sort(out)
	return out
}
