package migrations

import (
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"

	"ariga.io/atlas/sql/migrate"
)

// Ack is the comment a migration file carries to acknowledge a destructive change on purpose,
// e.g. "-- destructive: birth_date rebuilds ID numbers".
const Ack = "-- destructive:"

var (
	dropTable   = regexp.MustCompile("(?i)\\bDROP\\s+TABLE\\s+(?:IF\\s+EXISTS\\s+)?[`\"]?(\\w+)")
	renameTable = regexp.MustCompile("(?i)\\bALTER\\s+TABLE\\s+[`\"]?new_(\\w+)[`\"]?\\s+RENAME\\s+TO\\s+[`\"]?(\\w+)")
	dropColumn  = regexp.MustCompile("(?i)\\bDROP\\s+(?:COLUMN\\s+)?[`\"]?\\w+[`\"]?\\s*[,;]")
	modify      = regexp.MustCompile("(?i)\\b(MODIFY|CHANGE)\\s+COLUMN\\b")
	truncate    = regexp.MustCompile("(?i)\\b(TRUNCATE|DELETE\\s+FROM)\\b")
)

// Lint checks the migration directories under root (sqlite/ and mysql/): atlas.sum matches
// the files, every version exists for both dialects, and no file after the baseline drops a
// table or column, changes a column's type (which may narrow it) or deletes rows unless it
// carries an Ack comment. A SQLite table rebuild (new_X copied, X dropped, new_X renamed to X)
// is not a drop in itself; the columns it leaves out show as DROP COLUMN in the MySQL twin,
// which must then carry the Ack — either file's Ack covers the version.
func Lint(root fs.FS) []string {
	var problems []string
	versions := map[string]map[string]migrate.File{}
	for _, dia := range []string{"mysql", "sqlite"} {
		dir := &migrate.MemDir{}
		entries, err := fs.ReadDir(root, dia)
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: %v", dia, err))
			continue
		}
		for _, e := range entries {
			b, err := fs.ReadFile(root, path.Join(dia, e.Name()))
			if err == nil {
				err = dir.WriteFile(e.Name(), b)
			}
			if err != nil {
				problems = append(problems, err.Error())
			}
		}
		if err := migrate.Validate(dir); err != nil {
			problems = append(problems, fmt.Sprintf("%s/atlas.sum does not match the files (edited after generation? run `go run ./cmd/migrations hash` only for a file not yet released): %v", dia, err))
		}
		files, _ := dir.Files()
		for _, f := range files {
			if versions[f.Version()] == nil {
				versions[f.Version()] = map[string]migrate.File{}
			}
			versions[f.Version()][dia] = f
		}
	}
	order := make([]string, 0, len(versions))
	for v := range versions {
		order = append(order, v)
	}
	sort.Strings(order)
	for i, v := range order {
		pair := versions[v]
		if pair["mysql"] == nil || pair["sqlite"] == nil {
			problems = append(problems, fmt.Sprintf("version %s exists for one dialect only; generate both with go run ./cmd/migrations new", v))
		}
		if i == 0 {
			continue // the baseline creates everything
		}
		var found []string
		acked := false
		for _, dia := range []string{"mysql", "sqlite"} {
			f := pair[dia]
			if f == nil {
				continue
			}
			text := string(f.Bytes())
			if strings.Contains(text, Ack) {
				acked = true
			}
			for _, d := range destructive(text) {
				found = append(found, dia+"/"+f.Name()+": "+d)
			}
		}
		if len(found) > 0 && !acked {
			problems = append(problems, fmt.Sprintf("destructive change without %q acknowledgement:\n  %s", Ack+" <reason>", strings.Join(found, "\n  ")))
		}
	}
	return problems
}

// destructive lists the statements of a file that may lose data.
func destructive(text string) []string {
	rebuilt := map[string]bool{}
	for _, m := range renameTable.FindAllStringSubmatch(text, -1) {
		if m[1] == m[2] {
			rebuilt[m[1]] = true
		}
	}
	var found []string
	for _, line := range strings.Split(text, "\n") {
		s := strings.TrimSpace(line)
		if s == "" || strings.HasPrefix(s, "--") {
			continue
		}
		if m := dropTable.FindStringSubmatch(s); m != nil && !rebuilt[m[1]] {
			found = append(found, "drops table "+m[1])
		}
		if strings.HasPrefix(strings.ToUpper(s), "ALTER TABLE") && dropColumn.MatchString(s) && !strings.Contains(strings.ToUpper(s), "DROP INDEX") && !strings.Contains(strings.ToUpper(s), "DROP FOREIGN KEY") && !strings.Contains(strings.ToUpper(s), "DROP CONSTRAINT") {
			found = append(found, "drops a column: "+short(s))
		}
		if modify.MatchString(s) {
			found = append(found, "changes a column's type (may narrow it): "+short(s))
		}
		if truncate.MatchString(s) {
			found = append(found, "deletes rows: "+short(s))
		}
	}
	return found
}

func short(s string) string {
	if len(s) > 120 {
		return s[:120] + "…"
	}
	return s
}
