package authz

import (
	"go/ast"
	"go/token"
	"testing"

	"github.com/nanpiao/sbqw/internal/gosource"
)

// TestActionsNamedByConstant: the action and object arguments of the permission checks are
// never string literals outside actions.go, so that every check of an action is found by
// grepping its constant.
func TestActionsNamedByConstant(t *testing.T) {
	// function name → positions of its action/object arguments
	checks := map[string][]int{"CheckRecord": {4}, "WithAction": {1}, "RequireDistrictWide": {1, 2}, "readAs": {1}}
	fset, files, err := gosource.Files("..", "ent")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			var name string
			switch fn := call.Fun.(type) {
			case *ast.Ident:
				name = fn.Name
			case *ast.SelectorExpr:
				name = fn.Sel.Name
			}
			for _, i := range checks[name] {
				if i < len(call.Args) {
					if lit, ok := call.Args[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
						t.Errorf("%s: %s(… %s …): name it with a constant of authz/actions.go", fset.Position(lit.Pos()), name, lit.Value)
					}
				}
			}
			return true
		})
	}
}
