package gqllist_test

import (
	"bytes"
	"context"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/nanpiao/sbqw/internal/gqllist"
)

const schema = `
type Query { villages: [Village!]! node: Node }
interface Node { id: ID! }
type Village implements Node { id: ID! code: String! households: [Household!]! }
type Household implements Node { id: ID! number: String! hasPost: Boolean! }
`

// selection parses q against schema and returns the selection set under its first field.
func selection(t *testing.T, q string) ast.SelectionSet {
	t.Helper()
	s := gqlparser.MustLoadSchema(&ast.Source{Input: schema})
	doc, errs := gqlparser.LoadQuery(s, q)
	if errs != nil {
		t.Fatal(errs)
	}
	return doc.Operations[0].SelectionSet[0].(*ast.Field).SelectionSet
}

func TestNeedsConcurrency(t *testing.T) {
	concurrent := map[string]bool{"Household.hasPost": true, "Node.hasPost": true}
	for _, c := range []struct {
		q    string
		want bool
	}{
		{`{ villages { code households { number } } }`, false},
		{`{ villages { code households { number hasPost } } }`, true},
		{`{ villages { ... on Village { households { ... on Household { hasPost } } } } }`, true},
		{`{ villages { ...V } } fragment V on Village { households { hasPost } }`, true},
		{`{ villages { ...V } } fragment V on Village { households { number } }`, false},
		{`{ villages { __typename id } }`, false},
	} {
		if got := gqllist.NeedsConcurrency(concurrent, selection(t, c.q)); got != c.want {
			t.Errorf("%s: NeedsConcurrency %v, want %v", c.q, got, c.want)
		}
	}
}

// TestMarshalSequential: with nothing that may wait, every element runs on the caller's
// goroutine, in order, with its index in its field context; a panic in one element nulls it
// and is reported, the others are kept.
func TestMarshalSequential(t *testing.T) {
	sel := selection(t, `{ villages { code } }`)
	ctx := graphql.WithResponseContext(context.Background(), graphql.DefaultErrorPresenter, graphql.DefaultRecover)
	ctx = graphql.WithFieldContext(ctx, &graphql.FieldContext{Field: graphql.CollectedField{Field: &ast.Field{Alias: "villages"}}})
	caller := goroutines()
	var order []int
	ret := gqllist.Marshal(ctx, map[string]bool{}, sel, 4, 0, false, func(ctx context.Context, i int) graphql.Marshaler {
		if goroutines() != caller {
			t.Errorf("element %d: goroutines %d, caller saw %d: not on the caller's goroutine", i, goroutines(), caller)
		}
		if fc := graphql.GetFieldContext(ctx); fc.Index == nil || *fc.Index != i {
			t.Errorf("element %d: field context index %v", i, fc.Index)
		}
		order = append(order, i)
		if i == 2 {
			panic("element 2")
		}
		return graphql.MarshalInt(i)
	})
	if len(order) != 4 || order[0] != 0 || order[3] != 3 {
		t.Fatalf("order %v", order)
	}
	var b bytes.Buffer
	ret.MarshalGQL(&b)
	if b.String() != "[0,1,null,3]" {
		t.Fatalf("marshalled %s", b.String())
	}
	if errs := graphql.GetErrors(ctx); len(errs) != 1 || errs[0].Path.String() != "villages[2]" {
		t.Fatalf("errors %v", errs)
	}
}

// TestMarshalConcurrentWhenWaiting: a selection with a field that may wait keeps gqlgen's
// concurrent marshalling — every element runs at once, as a data loader needs.
func TestMarshalConcurrentWhenWaiting(t *testing.T) {
	sel := selection(t, `{ villages { households { hasPost } } }`)
	ctx := graphql.WithResponseContext(context.Background(), graphql.DefaultErrorPresenter, graphql.DefaultRecover)
	var all sync.WaitGroup
	all.Add(3)
	together := make(chan struct{})
	go func() { all.Wait(); close(together) }()
	gqllist.Marshal(ctx, map[string]bool{"Household.hasPost": true}, sel, 3, 0, false, func(ctx context.Context, i int) graphql.Marshaler {
		all.Done()
		select { // as a data loader waits for its siblings' keys
		case <-together:
		case <-time.After(5 * time.Second):
			t.Errorf("element %d: its siblings did not run alongside it", i)
		}
		return graphql.MarshalInt(i)
	})
}

func goroutines() int { return runtime.NumGoroutine() }
