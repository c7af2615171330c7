package demo_test

import (
	"database/sql"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nanpiao/sbqw/ent/migrate"
	"github.com/nanpiao/sbqw/pii"
)

// TestNothingInClearRebuildsAnIDNumber plays the thief with a copy of the demo database and
// no data key. It dumps every column of every table, leaving out only the ciphertexts and the
// keyed blind indexes (useless without the key), and tries to rebuild each resident's and
// party member's ID number and phone. The key is used only to check the attempt against the
// truth.
//
// What a thief knows of an ID number (GB 11643): the division code (six digits: assume the
// district's own, so one candidate), the birth date (eight digits), a sequence number of three
// digits whose last digit's parity is the gender, and a check character computed from the rest.
// So the candidates are: dates the clear columns allow × 500 sequences of the right parity.
func TestNothingInClearRebuildsAnIDNumber(t *testing.T) {
	d, _ := loadedDemo(t)
	dump := dumpClear(t, d.db)

	type person struct {
		table   string
		row     map[string]string
		id      string // the truth, for checking only
		phone   string
		minDate time.Time
		maxDate time.Time
	}
	var people []person
	sealedShapes := map[string]bool{}
	for _, table := range []string{"residents", "party_members"} {
		for _, row := range dump[table] {
			p := person{table: table, row: row}
			var sealedID, sealedPhone string
			if err := d.db.QueryRow("SELECT id_number_sealed, COALESCE(phone_sealed, '') FROM "+table+" WHERE id = ?", row["id"]).Scan(&sealedID, &sealedPhone); err != nil {
				t.Fatal(err)
			}
			row := atoi(t, row["id"])
			p.id = open(t, pii.Place{Table: table, Column: "id_number", Row: row}, sealedID)
			if sealedPhone != "" {
				p.phone = open(t, pii.Place{Table: table, Column: "phone", Row: row}, sealedPhone)
			}
			people = append(people, p)
			// What a sealed ID number shows in clear (format and key ID, length) is the same
			// for every row, so it tells the thief nothing about anyone.
			head, _, _ := strings.Cut(strings.TrimPrefix(sealedID, "v2:"), ":")
			sealedShapes["v2:"+head+":"+fmt.Sprint(len(sealedID))] = true
		}
	}
	if len(sealedShapes) != 1 {
		t.Errorf("sealed ID numbers differ in their clear prefix or length: %v", sealedShapes)
	}
	if len(people) < 1000 {
		t.Fatalf("only %d people in the demo district", len(people))
	}

	// 1. Nothing in clear anywhere holds a number or its masked form; nothing in the person's
	// own row holds the birth date or the last digits. (Four digits or a date alone occur by
	// chance elsewhere; in the person's row they would be the missing pieces.)
	tokens := map[string]bool{} // every run of digits, X and * in any clear cell
	for _, rows := range dump {
		for _, row := range rows {
			for _, v := range row {
				for _, tok := range numberRuns(v) {
					tokens[tok] = true
				}
			}
		}
	}
	for _, p := range people {
		global := []string{p.id, pii.MaskIDNumber(p.id)}
		own := []string{p.id[6:14], p.id[6:10] + "-" + p.id[10:12] + "-" + p.id[12:14], p.id[14:]}
		if p.phone != "" {
			global = append(global, p.phone, pii.MaskPhone(p.phone))
			own = append(own, p.phone[len(p.phone)-4:])
		}
		for _, trace := range global {
			if tokens[trace] {
				t.Fatalf("%s %s: %q is in clear", p.table, p.row["id"], trace)
			}
		}
		for col, v := range p.row {
			if notOfThePerson(col) {
				continue
			}
			if len(v) >= 10 {
				if day, err := time.Parse(time.DateOnly, v[:10]); err == nil { // a date: not the birth date
					if day.Format("20060102") == p.id[6:14] {
						t.Fatalf("%s %s: %s is the birth date", p.table, p.row["id"], col)
					}
					continue
				}
			}
			for _, tok := range numberRuns(v) {
				if slices.Contains(own, tok) {
					t.Fatalf("%s %s: %s %q holds %q", p.table, p.row["id"], col, v, tok)
				}
			}
		}
	}

	// 2. Count the candidates the clear columns leave. The birth year narrows the date to a
	// year; a party member joined at 18 or older, so the date is at most joined_on - 18 years.
	minIDs, minPhones := math.MaxInt, math.MaxInt
	for _, p := range people {
		year := atoi(t, p.row["birth_year"])
		first := time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC)
		last := time.Date(year, 12, 31, 0, 0, 0, 0, time.UTC)
		if j := p.row["joined_on"]; j != "" {
			if joined, err := time.Parse(time.DateOnly, j[:10]); err == nil && joined.AddDate(-18, 0, 0).Before(last) {
				last = joined.AddDate(-18, 0, 0)
			}
		}
		dates := int(last.Sub(first).Hours()/24) + 1
		ids := dates * 500
		truth, _ := time.Parse("20060102", p.id[6:14])
		if truth.Before(first) || truth.After(last) {
			t.Fatalf("the candidate set misses the truth for %s %s: %s outside %s–%s", p.table, p.row["id"], truth.Format(time.DateOnly), first.Format(time.DateOnly), last.Format(time.DateOnly))
		}
		minIDs = min(minIDs, ids)
		if p.phone != "" {
			// Nothing of the phone is in clear but that it is a mobile number: 1, then [3-9],
			// then nine digits. (The demo's own numbers share a 1700 prefix; a thief is not told.)
			minPhones = min(minPhones, 7*1_000_000_000)
		}
	}
	t.Logf("%d people: at least %d candidate ID numbers and %d candidate phones each", len(people), minIDs, minPhones)
	if minIDs < 1000 || minPhones < 1000 {
		t.Fatalf("an ID number is narrowed to %d candidates, a phone to %d; want at least 1,000", minIDs, minPhones)
	}
}

// dumpClear reads every table as a thief would: every column but the ciphertexts (_sealed) and
// the keyed blind indexes (_index), as text.
func dumpClear(t *testing.T, db *sql.DB) map[string][]map[string]string {
	t.Helper()
	out := map[string][]map[string]string{}
	for _, table := range migrate.Tables {
		var cols []string
		for _, c := range table.Columns {
			if !strings.HasSuffix(c.Name, "_sealed") && !strings.HasSuffix(c.Name, "_index") {
				cols = append(cols, "`"+c.Name+"`")
			}
		}
		q := "SELECT " + strings.Join(cols, ", ") + " FROM `" + table.Name + "`"
		rows, err := db.Query(q)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		names, _ := rows.Columns()
		for rows.Next() {
			vals := make([]sql.RawBytes, len(names))
			ptrs := make([]any, len(names))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			row := map[string]string{}
			for i, n := range names {
				row[n] = string(vals[i])
			}
			out[table.Name] = append(out[table.Name], row)
		}
		if err := rows.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// notOfThePerson: columns whose digits come from the database or the server's clock, and the
// birth year, which is kept on purpose and counted in the candidates.
func notOfThePerson(col string) bool {
	return col == "id" || col == "version" || col == "birth_year" || strings.HasSuffix(col, "_id") || strings.HasSuffix(col, "_at")
}

// numberRuns splits a value into its runs of digits, X and * (the characters of ID numbers,
// phones and their masked forms).
func numberRuns(v string) []string {
	return strings.FieldsFunc(v, func(r rune) bool { return !(r >= '0' && r <= '9' || r == 'X' || r == '*') })
}

func open(t *testing.T, at pii.Place, sealed string) string {
	t.Helper()
	plain, err := sealer.Open(at, sealed)
	if err != nil {
		t.Fatal(err)
	}
	return plain
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	var n int
	if _, err := fmt.Sscan(s, &n); err != nil {
		t.Fatalf("%q is not a number", s)
	}
	return n
}
