package authz_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	gen "github.com/nanpiao/sbqw/ent"
)

// TestNoTypeOrTableNamedByString: hand-written authz and workflow code names ent types and
// tables through generated constants (gen.TypeX, x.Table) or the generated scope table, never
// by a string literal that the compiler cannot check.
func TestNoTypeOrTableNamedByString(t *testing.T) {
	names := map[string]bool{}
	for typ, table := range gen.TypeTables {
		names[typ], names[table] = true, true
	}
	files := 0
	for _, dir := range []string{".", "../workflow"} {
		paths, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, path := range paths {
			if strings.HasSuffix(path, "_test.go") {
				continue
			}
			fset := token.NewFileSet()
			f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
			if err != nil {
				t.Fatal(err)
			}
			files++
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
	if files < 10 {
		t.Fatalf("scanned only %d files", files)
	}
}
