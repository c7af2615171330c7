package migrations

import (
	"strings"
	"testing"
	"testing/fstest"

	"ariga.io/atlas/sql/migrate"
)

// TestCommittedMigrationsPassLint: the committed directories are intact and every destructive
// change in them is acknowledged.
func TestCommittedMigrationsPassLint(t *testing.T) {
	if p := Lint(FS); len(p) > 0 {
		t.Fatal(strings.Join(p, "\n"))
	}
}

// dirs builds both dialect directories with the same files and a correct atlas.sum.
func dirs(t *testing.T, files map[string]string) fstest.MapFS {
	t.Helper()
	out := fstest.MapFS{}
	for _, dia := range []string{"mysql", "sqlite"} {
		d := &migrate.MemDir{}
		for name, text := range files {
			if err := d.WriteFile(name, []byte(text)); err != nil {
				t.Fatal(err)
			}
			out[dia+"/"+name] = &fstest.MapFile{Data: []byte(text)}
		}
		sum, err := d.Checksum()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := sum.MarshalText()
		out[dia+"/atlas.sum"] = &fstest.MapFile{Data: b}
	}
	return out
}

func TestLintFlagsDestructiveChanges(t *testing.T) {
	base := "CREATE TABLE `a` (`id` bigint, `x` varchar(10));\n"
	for name, tc := range map[string]struct {
		file string
		want string
	}{
		"drop column":    {"ALTER TABLE `a` DROP COLUMN `x`;\n", "drops a column"},
		"drop table":     {"DROP TABLE `a`;\n", "drops table a"},
		"narrowing":      {"ALTER TABLE `a` MODIFY COLUMN `x` varchar(5) NOT NULL;\n", "changes a column's type"},
		"delete":         {"DELETE FROM `a`;\n", "deletes rows"},
		"acknowledged":   {"-- destructive: x is derived\nALTER TABLE `a` DROP COLUMN `x`;\n", ""},
		"add column":     {"ALTER TABLE `a` ADD COLUMN `y` bigint NULL;\n", ""},
		"sqlite rebuild": {"CREATE TABLE `new_a` (`id` integer);\nINSERT INTO `new_a` (`id`) SELECT `id` FROM `a`;\nDROP TABLE `a`;\nALTER TABLE `new_a` RENAME TO `a`;\n", ""},
		"drop index":     {"ALTER TABLE `a` DROP INDEX `i`, ADD INDEX `j` (`x`);\n", ""},
	} {
		t.Run(name, func(t *testing.T) {
			got := strings.Join(Lint(dirs(t, map[string]string{"1_base.sql": base, "2_next.sql": tc.file})), "\n")
			if tc.want == "" && got != "" || !strings.Contains(got, tc.want) {
				t.Fatalf("lint = %q, want %q", got, tc.want)
			}
		})
	}
	// The baseline may create and drop what it likes.
	if p := Lint(dirs(t, map[string]string{"1_base.sql": "DROP TABLE `old`;\n" + base})); len(p) > 0 {
		t.Fatalf("baseline flagged: %v", p)
	}
}

func TestLintChecksSumAndPairs(t *testing.T) {
	fsys := dirs(t, map[string]string{"1_base.sql": "CREATE TABLE `a` (`id` bigint);\n"})
	fsys["sqlite/1_base.sql"] = &fstest.MapFile{Data: []byte("CREATE TABLE `b` (`id` bigint);\n")}
	if got := strings.Join(Lint(fsys), "\n"); !strings.Contains(got, "sqlite/atlas.sum does not match") {
		t.Fatalf("edited file not caught: %q", got)
	}
	fsys = dirs(t, map[string]string{"1_base.sql": "CREATE TABLE `a` (`id` bigint);\n"})
	delete(fsys, "mysql/1_base.sql")
	if got := strings.Join(Lint(fsys), "\n"); !strings.Contains(got, "one dialect only") {
		t.Fatalf("missing twin not caught: %q", got)
	}
}
