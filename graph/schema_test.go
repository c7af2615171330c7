package graph_test

import (
	"os"
	"strings"
	"testing"

	"github.com/nanpiao/sbqw/graph"
	"github.com/nanpiao/sbqw/graph/generated"
)

// TestSchemaFileIsCurrent: schema.graphql is what the code serves.
func TestSchemaFileIsCurrent(t *testing.T) {
	committed, err := os.ReadFile("../schema.graphql")
	if err != nil {
		t.Fatalf("reading schema.graphql: %v", err)
	}
	if string(committed) != graph.PrintSchema() {
		t.Fatal("schema.graphql is stale: run `go generate ./...` and commit it")
	}
}

// TestSchemaIsFullyDescribed: every type, field, argument, input field and enum value clients
// can see has a description.
func TestSchemaIsFullyDescribed(t *testing.T) {
	s := generated.NewExecutableSchema(generated.Config{}).Schema()
	var missing []string
	builtin := map[string]bool{"Int": true, "Float": true, "String": true, "Boolean": true, "ID": true}
	for name, def := range s.Types {
		if strings.HasPrefix(name, "__") || builtin[name] {
			continue
		}
		if strings.TrimSpace(def.Description) == "" {
			missing = append(missing, "type "+name)
		}
		for _, f := range def.Fields {
			if strings.HasPrefix(f.Name, "__") {
				continue // introspection
			}
			if strings.TrimSpace(f.Description) == "" {
				missing = append(missing, name+"."+f.Name)
			}
			for _, a := range f.Arguments {
				if strings.TrimSpace(a.Description) == "" {
					missing = append(missing, name+"."+f.Name+"("+a.Name+")")
				}
			}
		}
		for _, v := range def.EnumValues {
			if strings.TrimSpace(v.Description) == "" {
				missing = append(missing, name+"."+v.Name)
			}
		}
	}
	for _, d := range s.Directives {
		// gqlgen's own directives (goModel, goField…) are build-time only.
		if !strings.HasPrefix(d.Name, "go") && d.Position != nil && d.Position.Src != nil && !d.Position.Src.BuiltIn && strings.TrimSpace(d.Description) == "" {
			missing = append(missing, "@"+d.Name)
		}
	}
	if len(missing) > 0 {
		t.Fatalf("%d schema elements have no description:\n  %s", len(missing), strings.Join(missing, "\n  "))
	}
}
