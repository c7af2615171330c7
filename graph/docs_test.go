package graph_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2"

	"github.com/nanpiao/sbqw/graph/generated"
)

var graphqlBlock = regexp.MustCompile("(?s)```graphql\n(.*?)```")

var relaySuffix = regexp.MustCompile(`(Query|Mutation|Subscription)$`)

// TestDocsExamplesAreValid: every ```graphql block in docs/ parses and validates against the
// schema, so the client documentation cannot drift from the API.
func TestDocsExamplesAreValid(t *testing.T) {
	schema := generated.NewExecutableSchema(generated.Config{}).Schema()
	files, _ := filepath.Glob("../docs/*.md")
	more, _ := filepath.Glob("../docs/*/*.md")
	files = append(files, more...)
	files = append(files, "../README.md")
	checked := 0
	// Code generators (GraphQL Code Generator, relay-compiler) take the docs' operations as one
	// set: each must be named, and no name may be used twice. relay-compiler also wants every
	// operation name to end in Query, Mutation or Subscription (its prefix rule, the module
	// name, is met by the file each operation is written to: see TestDocsThroughToolchains).
	names := map[string]string{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range graphqlBlock.FindAllStringSubmatch(string(b), -1) {
			checked++
			doc, errs := gqlparser.LoadQuery(schema, m[1])
			if len(errs) > 0 {
				t.Errorf("%s: example does not validate: %v\n%s", f, errs, strings.TrimSpace(m[1]))
				continue
			}
			for _, op := range doc.Operations {
				if op.Name == "" {
					t.Errorf("%s: an example operation has no name:\n%s", f, strings.TrimSpace(m[1]))
				} else if !relaySuffix.MatchString(op.Name) {
					t.Errorf("%s: operation %s: relay-compiler wants the name to end in Query, Mutation or Subscription", f, op.Name)
				} else if other, dup := names[op.Name]; dup {
					t.Errorf("operation name %s is used in %s and again in %s", op.Name, other, f)
				}
				names[op.Name] = f
			}
		}
	}
	if checked < 20 {
		t.Fatalf("only %d examples found; is docs/ there?", checked)
	}
}
