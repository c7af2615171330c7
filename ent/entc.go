//go:build ignore

// Code generation for the ent layer and the ent part of the GraphQL schema. Run from the
// repository root through `go generate ./...` (see server.go).
package main

import (
	"fmt"
	"log"
	"strings"

	"entgo.io/contrib/entgql"
	"entgo.io/ent/entc"
	"entgo.io/ent/entc/gen"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/nanpiao/sbqw/ent/schema/enum"
	"github.com/nanpiao/sbqw/pii"
)

func main() {
	ex, err := entgql.NewExtension(
		entgql.WithConfigPath("./gqlgen.yml"),
		entgql.WithSchemaGenerator(),
		entgql.WithSchemaPath("./graph/ent.graphql"),
		entgql.WithWhereInputs(true),
		entgql.WithSchemaHook(describeEnumValues, scopeEdgeFilters),
	)
	if err != nil {
		log.Fatalf("creating entgql extension: %v", err)
	}
	err = entc.Generate("./ent/schema", &gen.Config{
		Target:  "./ent",
		Package: "github.com/nanpiao/sbqw/ent",
		Features: []gen.Feature{
			gen.FeaturePrivacy,
			gen.FeatureIntercept,
			gen.FeatureEntQL,
			gen.FeatureSnapshot,
			gen.FeatureGlobalID,
			gen.FeatureModifier,
			gen.FeatureExecQuery,
			gen.FeatureLock,
			gen.FeatureUpsert,
		},
	},
		entc.Extensions(ex),
		entc.TemplateFiles("./ent/template/edgetargets.tmpl"),
		// The data key's sealer travels with the client, so every write path seals personal data.
		entc.Dependency(entc.DependencyName("Sealer"), entc.DependencyType(&pii.Sealer{})),
	)
	if err != nil {
		log.Fatalf("running ent codegen: %v", err)
	}
}

const enumPkg = "github.com/nanpiao/sbqw/ent/schema/enum"

func goModel(model string) *ast.Directive {
	return &ast.Directive{Name: "goModel", Arguments: ast.ArgumentList{
		{Name: "model", Value: &ast.Value{Raw: model, Kind: ast.StringValue}},
	}}
}

// describeEnumValues declares every vocabulary of package enum as a GraphQL enum, gives each
// value the Chinese term and English gloss registered there, and fails generation when a value
// has none.
func describeEnumValues(_ *gen.Graph, s *ast.Schema) error {
	for _, name := range enum.Names() {
		def := s.Types[name]
		if def == nil {
			// A vocabulary used only inside JSON fields (e.g. poverty causes): declare it here.
			def = &ast.Definition{Kind: ast.Enum, Name: name, Directives: ast.DirectiveList{goModel(enumPkg + "." + name)}}
			for _, t := range enum.Terms(name) {
				def.EnumValues = append(def.EnumValues, &ast.EnumValueDefinition{Name: t.Value})
			}
			s.AddTypes(def)
		}
		if def.Kind != ast.Enum {
			return fmt.Errorf("%s is a vocabulary in package enum but not a GraphQL enum", name)
		}
		desc := map[string]string{}
		for _, t := range enum.Terms(name) {
			desc[t.Value] = t.Description()
		}
		for _, v := range def.EnumValues {
			d, ok := desc[v.Name]
			if !ok {
				return fmt.Errorf("enum %s value %s has no description", name, v.Name)
			}
			v.Description = d
		}
		def.Description = name + " — values are English; each value's description gives the Chinese term."
	}
	return nil
}

// scopeEdgeFilters makes filters on related rows (`villages(where: {hasHouseholdsWith: …})`)
// apply the related type's scope: each has…With field gets the @scoped directive, whose
// implementation adds the caller's read filter to the nested filter. ent builds those
// sub-queries without privacy rules, so without it a filter would tell a caller whether rows
// it cannot see exist. The bare has… booleans are dropped: `has…With: [{}]` says the same and
// is scoped.
func scopeEdgeFilters(_ *gen.Graph, s *ast.Schema) error {
	for name, def := range s.Types {
		if def.Kind != ast.InputObject || !strings.HasSuffix(name, "WhereInput") {
			continue
		}
		kept := def.Fields[:0]
		for _, f := range def.Fields {
			if !strings.HasPrefix(f.Name, "has") || f.Name == "has" {
				kept = append(kept, f)
				continue
			}
			if strings.HasSuffix(f.Name, "With") {
				f.Directives = append(f.Directives, &ast.Directive{Name: "scoped"})
				kept = append(kept, f)
			}
		}
		def.Fields = kept
	}
	return nil
}
