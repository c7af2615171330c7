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

// TestDocsExamplesAreValid: every ```graphql block in docs/ parses and validates against the
// schema, so the client documentation cannot drift from the API.
func TestDocsExamplesAreValid(t *testing.T) {
	schema := generated.NewExecutableSchema(generated.Config{}).Schema()
	files, _ := filepath.Glob("../docs/*.md")
	more, _ := filepath.Glob("../docs/*/*.md")
	files = append(files, more...)
	files = append(files, "../README.md")
	checked := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range graphqlBlock.FindAllStringSubmatch(string(b), -1) {
			checked++
			if _, errs := gqlparser.LoadQuery(schema, m[1]); len(errs) > 0 {
				t.Errorf("%s: example does not validate: %v\n%s", f, errs, strings.TrimSpace(m[1]))
			}
		}
	}
	if checked < 20 {
		t.Fatalf("only %d examples found; is docs/ there?", checked)
	}
}
