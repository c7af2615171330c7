package authz_test

import (
	"go/ast"
	"go/token"
	"strconv"
	"testing"

	gen "github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/internal/gosource"
)

// TestNoTypeOrTableNamedByString: hand-written authz and workflow code names ent types and
// tables through generated constants (gen.TypeX, x.Table) or the generated scope table, never
// by a string literal that the compiler cannot check.
func TestNoTypeOrTableNamedByString(t *testing.T) {
	names := map[string]bool{}
	for typ, table := range gen.TypeTables {
		names[typ], names[table] = true, true
	}
	scanned := 0
	for _, dir := range []string{".", "../workflow"} {
		fset, files, err := gosource.Files(dir)
		if err != nil {
			t.Fatal(err)
		}
		scanned += len(files)
		for _, f := range files {
			ast.Inspect(f, func(n ast.Node) bool {
				if _, ok := n.(*ast.ImportSpec); ok {
					return false // import paths are not names
				}
				lit, ok := n.(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					return true
				}
				s, err := strconv.Unquote(lit.Value)
				if err == nil && names[s] {
					t.Errorf("%s: %q names an ent type or table; use its generated constant", fset.Position(lit.Pos()), s)
				}
				return true
			})
		}
	}
	if scanned < 10 {
		t.Fatalf("scanned only %d files", scanned)
	}
}
