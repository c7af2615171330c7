package graph_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/nanpiao/sbqw/feed"
	"github.com/nanpiao/sbqw/internal/testkit"
)

// docOperations returns every operation of the ```graphql blocks in docs/ and the README, by
// name, as its source text (one block may hold several: each is cut out on its own).
func docOperations(t *testing.T) map[string]string {
	t.Helper()
	files, _ := filepath.Glob("../docs/*.md")
	more, _ := filepath.Glob("../docs/*/*.md")
	files = append(append(files, more...), "../README.md")
	ops := map[string]string{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range graphqlBlock.FindAllStringSubmatch(string(b), -1) {
			doc, err := parser.ParseQuery(&ast.Source{Name: f, Input: m[1]})
			if err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			if len(doc.Fragments) > 0 {
				t.Fatalf("%s: a docs example defines a fragment; lay fragments out with their operations here first", f)
			}
			for i, op := range doc.Operations {
				end := len(m[1])
				if i+1 < len(doc.Operations) {
					end = doc.Operations[i+1].Position.Start
				}
				ops[op.Name] = strings.TrimSpace(m[1][op.Position.Start:end])
			}
		}
	}
	if len(ops) < 20 {
		t.Fatalf("only %d operations found in docs/", len(ops))
	}
	return ops
}

// TestDocsThroughToolchains runs the docs' operations through the frontend's toolchains against
// schema.graphql — GraphQL Code Generator's client preset and relay-compiler — and no error is
// allowed; then a Relay store (relay-runtime) against the real server loads a household, and
// the deletions feed (changes and deletedRecords) after the household is deleted, and no record
// changes __typename. It needs Node.js, npm and the npm registry, so it runs only with
// SBQW_TEST_NODE=1 (.ci/run sets it). relay-compiler's naming rules: each operation is written
// to a module named after it, and TestDocsExamplesAreValid keeps the names ending in Query,
// Mutation or Subscription.
func TestDocsThroughToolchains(t *testing.T) {
	testkit.NeedsTools(t, "SBQW_TEST_NODE", "node", "npm")
	installed := testkit.NpmInstall(t, filepath.Join("testdata", "toolchains"), "graphql-toolchains", "relay-compiler")
	ops := docOperations(t)

	work := t.TempDir()
	schema, err := os.ReadFile("../schema.graphql")
	if err != nil {
		t.Fatal(err)
	}
	write := func(name string, b []byte) {
		t.Helper()
		p := filepath.Join(work, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("schema.graphql", schema)
	if err := os.Symlink(filepath.Join(installed, "node_modules"), filepath.Join(work, "node_modules")); err != nil {
		t.Fatal(err)
	}
	names := make([]string, 0, len(ops))
	for name, text := range ops {
		names = append(names, name)
		write(filepath.Join("ops", name+".graphql"), []byte(text+"\n"))
		// relay-compiler reads graphql tags in JavaScript; the module name (the file's) must
		// prefix the operation's name.
		write(filepath.Join("relay", "src", name+".js"), []byte("import { graphql } from \"relay-runtime\";\n\ngraphql`\n"+text+"\n`;\n"))
	}
	sort.Strings(names)
	for _, f := range []string{"RelayStore.js", "relay-store.mjs"} {
		b, err := os.ReadFile(filepath.Join(installed, f))
		if err != nil {
			t.Fatal(err)
		}
		if f == "RelayStore.js" {
			f = filepath.Join("relay", "src", f)
		}
		write(f, b)
	}
	write("codegen.json", []byte(`{
  "schema": "schema.graphql",
  "documents": ["ops/*.graphql"],
  "generates": {
    "gql/": {
      "preset": "client",
      "config": {"scalars": {"Cursor": "string", "Date": "string", "Time": "string", "Money": "string"}}
    }
  }
}
`))
	write("relay.config.json", []byte(`{
  "src": "./relay/src",
  "schema": "./schema.graphql",
  "language": "javascript"
}
`))

	run := func(what string, env []string, name string, args ...string) string {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, name, args...)
		cmd.Dir = work
		cmd.Env = append(os.Environ(), env...)
		var stderr strings.Builder
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("%s failed: %v\n%s\n%s", what, err, out, stderr.String())
		}
		return string(out) + stderr.String()
	}

	start := time.Now()
	run("GraphQL Code Generator", []string{"CI=true"}, "node_modules/.bin/graphql-codegen", "--config", "codegen.json")
	generated, err := os.ReadFile(filepath.Join(work, "gql", "graphql.ts"))
	if err != nil {
		t.Fatalf("GraphQL Code Generator wrote no gql/graphql.ts: %v", err)
	}
	for _, name := range names {
		// The preset appends the operation's kind to its name: SyncStartQuery → SyncStartQueryQuery.
		typ := name + relaySuffix.FindString(name) + "Variables"
		if !strings.Contains(string(generated), "export type "+typ+" ") {
			t.Errorf("GraphQL Code Generator wrote no type %s for %s", typ, name)
		}
	}
	t.Logf("GraphQL Code Generator (client preset): %d docs operations typed in %s", len(names), time.Since(start).Round(time.Millisecond))

	start = time.Now()
	out := run("relay-compiler", nil, "node_modules/.bin/relay-compiler")
	if strings.Contains(out, "[ERROR]") || strings.Contains(out, "[WARN]") {
		t.Fatalf("relay-compiler reported errors or warnings:\n%s", out)
	}
	for _, name := range names {
		if _, err := os.Stat(filepath.Join(work, "relay", "src", "__generated__", name+".graphql.js")); err != nil {
			t.Errorf("relay-compiler wrote no artifact for %s: %v", name, err)
		}
	}
	t.Logf("relay-compiler: %d docs operations compiled in %s", len(names), time.Since(start).Round(time.Millisecond))

	// The Relay store against the real server, its change feed sequenced as the server does.
	e := newEnv(t)
	township := e.createTownship(t, "211404100000", "沙金乡")
	village := e.createVillage(t, township, "211404100201", "沙金村")
	household := e.createHousehold(t, village, "R-1", "张三")
	e.createHousehold(t, village, "R-2", "李四")
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	go func() {
		for ctx.Err() == nil {
			_, _ = feed.Sequence(ctx, e.db.Client, 1000)
			time.Sleep(50 * time.Millisecond)
		}
	}()
	out = run("the Relay store", []string{"RELAY_URL=" + e.api.URL, "RELAY_TOKEN=" + e.api.Token, "HOUSEHOLD_ID=" + household},
		"node", "relay-store.mjs")
	var summary struct {
		HouseholdBefore, HouseholdAfter string
		DeletedInFeed, DeletedListed    bool
		Records                         int
		Problems, Warnings              []string
	}
	if err := json.Unmarshal([]byte(strings.TrimSpace(strings.SplitN(out, "\n", 2)[0])), &summary); err != nil {
		t.Fatalf("the Relay store printed no summary: %v\n%s", err, out)
	}
	if summary.HouseholdBefore != "Household" || summary.HouseholdAfter != "Household" || !summary.DeletedInFeed ||
		!summary.DeletedListed || len(summary.Problems) > 0 || len(summary.Warnings) > 0 || summary.Records < 5 {
		t.Fatalf("the Relay store: %+v", summary)
	}
	t.Logf("Relay store: %d records; the household stayed a Household through changes and deletedRecords", summary.Records)
}

// TestTypeScriptExample generates the types of docs/examples/typescript with its own pinned
// GraphQL Code Generator and type-checks the example with tsc, as docs/typescript.md tells a
// frontend team to, in a copy laid out like the repository (the example reads
// ../../../schema.graphql). Like TestDocsThroughToolchains it runs only with SBQW_TEST_NODE=1.
func TestTypeScriptExample(t *testing.T) {
	testkit.NeedsTools(t, "SBQW_TEST_NODE", "node", "npm")
	src := filepath.Join("..", "docs", "examples", "typescript")
	installed := testkit.NpmInstall(t, src, "typescript-example", "@graphql-codegen/client-preset")

	root := t.TempDir()
	example := filepath.Join(root, "docs", "examples", "typescript")
	copyFile := func(from, to string) {
		t.Helper()
		b, err := os.ReadFile(from)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(to, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	copyFile(filepath.Join("..", "schema.graphql"), filepath.Join(root, "schema.graphql"))
	for _, f := range []string{"package.json", "codegen.ts", "tsconfig.json"} {
		copyFile(filepath.Join(src, f), filepath.Join(example, f))
	}
	sources, _ := filepath.Glob(filepath.Join(src, "src", "*.ts"))
	if len(sources) == 0 {
		t.Fatal("the example has no src/*.ts")
	}
	for _, f := range sources {
		copyFile(f, filepath.Join(example, "src", filepath.Base(f)))
	}
	if err := os.Symlink(filepath.Join(installed, "node_modules"), filepath.Join(example, "node_modules")); err != nil {
		t.Fatal(err)
	}
	for _, step := range [][]string{
		{"node_modules/.bin/graphql-codegen", "--config", "codegen.ts"},
		{"node_modules/.bin/tsc", "--noEmit", "-p", "."},
	} {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		cmd := exec.CommandContext(ctx, step[0], step[1:]...)
		cmd.Dir = example
		cmd.Env = append(os.Environ(), "CI=true")
		out, err := cmd.CombinedOutput()
		cancel()
		if err != nil {
			t.Fatalf("%s failed: %v\n%s", strings.Join(step, " "), err, out)
		}
	}
	if _, err := os.Stat(filepath.Join(example, "src", "gql", "graphql.ts")); err != nil {
		t.Fatalf("codegen wrote no src/gql/graphql.ts: %v", err)
	}
}
