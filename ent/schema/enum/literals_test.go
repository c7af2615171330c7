package enum_test

import (
	"go/ast"
	"go/token"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/nanpiao/sbqw/internal/gosource"
)

// TestNoEnumLiterals: code outside the schemas names enum values through their constants
// (enum.DemandClosed), never as enum.DemandStatus("CLOSED"), which the compiler cannot check.
// Empty-string conversions (enum.X("").Values()) are fine. ent/schema is not yet converted.
func TestNoEnumLiterals(t *testing.T) {
	fset, files, err := gosource.Files(filepath.Join("..", "..", ".."), "ent", "node_modules")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) != 1 {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			if pkg, ok := sel.X.(*ast.Ident); !ok || pkg.Name != "enum" || sel.Sel.Name == "Terms" {
				return true
			}
			lit, ok := call.Args[0].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			if v, _ := strconv.Unquote(lit.Value); v != "" {
				t.Errorf("%s: enum.%s(%s): use the value's constant", fset.Position(call.Pos()), sel.Sel.Name, lit.Value)
			}
			return true
		})
	}
}
