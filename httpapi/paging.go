package httpapi

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/nanpiao/sbqw/graph/scalar"
)

// This file holds the one walk over an operation that runs before execution (see
// OperationLimits in limits.go). It does two things at once:
//
//   - it gives every connection a bounded page: a connection asked for without first/last gets
//     `first: DefaultPage`, and first/last above MaxPage are refused. The defaults are written
//     into (a copy of) the operation rather than into each resolver, so that entgql's eager
//     loading of nested connections — which reads the arguments from the operation, not from
//     the resolvers — loads bounded pages too;
//   - it measures the operation — depth, cost and aliases — on the pages it has just fixed.
//
// Cost is the most field values the response could hold: every field counts once per object
// it can appear in; inside a connection, what lies under `edges`/`nodes` counts once per row of
// the page (first/last, or the default), while totalCount and pageInfo count once; a plain
// list of objects counts ListSize elements, `nodes(ids:)` one per ID. Introspection fields
// count 1 (gqlparser's MaxIntrospectionDepth rule bounds them).
//
// Fragments are walked once each and their figures reused wherever they are spread, so a
// document that spreads fragments into each other ("fragment bomb") costs the walker time in
// proportion to its length, while its cost figure grows as the response would.

// opStats are the figures of a selection set, counted as if its parent appeared once.
type opStats struct {
	flat    int // field values that appear once per parent object
	perRow  int // field values under edges/nodes of a connection: once per row of the page
	depth   int // deepest nesting of fields (a root field is depth 1)
	aliases int // aliased fields, fragments counted as often as they are spread
	filters int // relation filters (has…With) in the arguments
}

func (s opStats) total() int { return satAdd(s.flat, s.perRow) }

func (s *opStats) add(o opStats) {
	s.flat = satAdd(s.flat, o.flat)
	s.perRow = satAdd(s.perRow, o.perRow)
	s.depth = max(s.depth, o.depth)
	s.aliases = satAdd(s.aliases, o.aliases)
	s.filters = satAdd(s.filters, o.filters)
}

// costCap keeps cost arithmetic far from overflow; anything near it is refused anyway.
const costCap = math.MaxInt32 * 1024

func satAdd(a, b int) int { return min(a+b, costCap) }

func satMul(a, b int) int {
	if a <= 0 || b <= 0 {
		return 0
	}
	if a > costCap/b {
		return costCap
	}
	return a * b
}

type walkedFragment struct {
	def   *ast.FragmentDefinition // the rewritten copy
	stats opStats
}

type pageWalker struct {
	limits    OperationLimits
	vars      map[string]any
	fragments map[string]*ast.FragmentDefinition // the document's, by name
	walked    map[string]*walkedFragment
	err       *gqlerror.Error
}

// walk rewrites the operation's pages and measures it. It returns a copy of the document with
// the operation and every fragment it reaches rewritten; the cached original is not touched.
func (w *pageWalker) walk(doc *ast.QueryDocument, op *ast.OperationDefinition) (*ast.QueryDocument, *ast.OperationDefinition, opStats) {
	w.fragments = make(map[string]*ast.FragmentDefinition, len(doc.Fragments))
	for _, f := range doc.Fragments {
		w.fragments[f.Name] = f
	}
	w.walked = map[string]*walkedFragment{}
	newOp := *op
	var stats opStats
	newOp.SelectionSet, stats = w.selections(op.SelectionSet, nil)
	frags := make(ast.FragmentDefinitionList, len(doc.Fragments))
	for i, f := range doc.Fragments {
		if wf, ok := w.walked[f.Name]; ok {
			frags[i] = wf.def
		} else {
			frags[i] = f // not reached from this operation
		}
	}
	newDoc := *doc
	newDoc.Operations = ast.OperationList{&newOp}
	newDoc.Fragments = frags
	return &newDoc, &newOp, stats
}

// selections rewrites and measures a selection set. parent is the connection field whose
// fields are being walked, if any: its edges/nodes count per row.
func (w *pageWalker) selections(set ast.SelectionSet, parent *ast.Field) (ast.SelectionSet, opStats) {
	if set == nil {
		return nil, opStats{}
	}
	var stats opStats
	out := make(ast.SelectionSet, len(set))
	for i, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			f, fs := w.field(s, parent)
			out[i] = f
			stats.add(fs)
		case *ast.InlineFragment:
			f := *s
			var fs opStats
			f.SelectionSet, fs = w.selections(s.SelectionSet, parent)
			out[i] = &f
			stats.add(fs)
		case *ast.FragmentSpread:
			// Spreads are resolved by name against the rewritten fragments.
			out[i] = sel
			stats.add(w.fragment(s.Name, parent))
		default:
			out[i] = sel
		}
	}
	return out, stats
}

// fragment rewrites and measures a named fragment once; later spreads reuse the figures.
// Whether its edges/nodes count per row depends only on its type condition being a
// connection, so the figures do not depend on where it is spread.
func (w *pageWalker) fragment(name string, parent *ast.Field) opStats {
	if wf, ok := w.walked[name]; ok {
		return wf.stats
	}
	def := w.fragments[name]
	if def == nil { // validation rules out unknown fragments; be safe anyway
		return opStats{}
	}
	nf := *def
	wf := &walkedFragment{def: &nf}
	w.walked[name] = wf // validation rules out cycles; this also stops one if it got through
	nf.SelectionSet, wf.stats = w.selections(def.SelectionSet, parent)
	return wf.stats
}

// field rewrites one field's page arguments and measures it.
func (w *pageWalker) field(s *ast.Field, parent *ast.Field) (*ast.Field, opStats) {
	f := *s
	own := opStats{flat: 1, depth: 1}
	if s.Alias != "" && s.Alias != s.Name {
		own.aliases = 1
	}
	if s.Name == "__schema" || s.Name == "__type" {
		return &f, own // left as it is; bounded by the MaxIntrospectionDepth rule
	}
	f.Arguments = w.pageArguments(s)
	var children opStats
	connection := isConnection(s)
	if connection {
		f.SelectionSet, children = w.selections(s.SelectionSet, &f)
	} else {
		f.SelectionSet, children = w.selections(s.SelectionSet, nil)
	}
	// Relation filters (has…With) in the arguments are joins the database runs per row: each
	// nesting level counts as a level of depth, and each filter as a plain list of rows.
	filterDepth, filters := w.relationFilters(s)
	own.depth = 1 + max(children.depth, filterDepth)
	own.aliases = satAdd(own.aliases, children.aliases)
	own.filters = satAdd(filters, children.filters)
	switch {
	case connection:
		own.flat = satAdd(1, satAdd(children.flat, satMul(w.pageOf(&f), children.perRow)))
	case parent != nil && (s.Name == "edges" || s.Name == "nodes"):
		// One edges list per connection, its contents once per row.
		own.perRow = children.total()
	case s.Name == "nodes" && s.Arguments.ForName("ids") != nil:
		own.flat = satAdd(1, satMul(w.listLen(s, "ids"), children.total()))
	case s.Definition != nil && s.Definition.Type != nil && s.Definition.Type.Elem != nil && len(s.SelectionSet) > 0:
		own.flat = satAdd(1, satMul(w.limits.ListSize, children.total()))
	default:
		own.flat = satAdd(1, children.total())
	}
	own.flat = satAdd(own.flat, satMul(filters, w.limits.ListSize))
	return &f, own
}

// relationFilters measures the relation filters in a field's arguments: how deep they nest
// and how many there are (InputLimits has already bounded both before validation).
func (w *pageWalker) relationFilters(f *ast.Field) (depth, count int) {
	var walk func(v any, level int)
	walk = func(v any, level int) {
		switch v := v.(type) {
		case []any:
			for _, e := range v {
				walk(e, level)
			}
		case map[string]any:
			for k, e := range v {
				if relationFilter(k) {
					count++
					depth = max(depth, level+1)
					walk(e, level+1)
				} else {
					walk(e, level)
				}
			}
		}
	}
	for _, a := range f.Arguments {
		if a.Value == nil {
			continue
		}
		if v, err := a.Value.Value(w.vars); err == nil {
			walk(v, 0)
		}
	}
	return depth, count
}

// pageOf is the page size of a rewritten connection field: first or last, whichever is larger.
func (w *pageWalker) pageOf(f *ast.Field) int {
	first, _ := w.intArg(f, "first")
	last, _ := w.intArg(f, "last")
	return max(first, last, 0)
}

// isConnection: a field returning a Relay connection with first/last arguments.
func isConnection(f *ast.Field) bool {
	if f.Definition == nil || f.Definition.Type == nil || !strings.HasSuffix(f.Definition.Type.Name(), "Connection") {
		return false
	}
	return f.Definition.Arguments.ForName("first") != nil && f.Definition.Arguments.ForName("last") != nil
}

func (w *pageWalker) pageArguments(f *ast.Field) ast.ArgumentList {
	if !isConnection(f) {
		return f.Arguments
	}
	first, hasFirst := w.intArg(f, "first")
	last, hasLast := w.intArg(f, "last")
	for _, a := range []struct {
		name string
		n    int
		set  bool
	}{{"first", first, hasFirst}, {"last", last, hasLast}} {
		if a.set && a.n > w.limits.MaxPage && w.err == nil {
			w.err = &gqlerror.Error{
				Message:    a.name + " on " + f.Name + " must be at most " + strconv.Itoa(w.limits.MaxPage) + " (每页最多" + strconv.Itoa(w.limits.MaxPage) + "条)",
				Path:       ast.Path{ast.PathName(f.Alias)},
				Locations:  []gqlerror.Location{{Line: f.Position.Line, Column: f.Position.Column}},
				Extensions: map[string]any{"code": "BAD_USER_INPUT", "field": a.name},
			}
		}
	}
	w.checkCursors(f)
	if hasFirst || hasLast {
		return f.Arguments
	}
	args := make(ast.ArgumentList, 0, len(f.Arguments)+1)
	for _, a := range f.Arguments {
		if a.Name != "first" && a.Name != "last" { // drop arguments bound to null variables
			args = append(args, a)
		}
	}
	return append(args, &ast.Argument{
		Name:     "first",
		Value:    &ast.Value{Kind: ast.IntValue, Raw: strconv.Itoa(w.limits.DefaultPage), Position: f.Position},
		Position: f.Position,
	})
}

// intArg reads an integer argument given literally or through a variable; a null counts as
// not given.
func (w *pageWalker) intArg(f *ast.Field, name string) (int, bool) {
	arg := f.Arguments.ForName(name)
	if arg == nil || arg.Value == nil {
		return 0, false
	}
	v, err := arg.Value.Value(w.vars)
	if err != nil || v == nil {
		return 0, false
	}
	switch n := v.(type) {
	case int64:
		return int(n), true
	case int:
		return n, true
	case float64:
		return int(n), true
	case json.Number:
		i, err := n.Int64()
		return int(i), err == nil
	}
	return 0, false
}

// listLen is the length of a list argument given literally or through a variable.
func (w *pageWalker) listLen(f *ast.Field, name string) int {
	arg := f.Arguments.ForName(name)
	if arg == nil || arg.Value == nil {
		return 0
	}
	v, err := arg.Value.Value(w.vars)
	if err != nil {
		return 0
	}
	if l, ok := v.([]any); ok {
		return len(l)
	}
	return 1 // a single value is coerced to a list of one
}

// checkCursors refuses, before any SQL, a cursor that does not fit the connection's ordering:
// a cursor holds the row's values of the orderBy fields it was returned under, so one reused
// with another orderBy, or made by hand, would otherwise reach the database (or entgql's
// cursor predicate) as a mismatch — an INTERNAL error or a silently wrong page.
func (w *pageWalker) checkCursors(f *ast.Field) {
	order := w.orderFields(f)
	for _, name := range []string{"after", "before"} {
		arg := f.Arguments.ForName(name)
		if arg == nil || arg.Value == nil || w.err != nil {
			continue
		}
		v, err := arg.Value.Value(w.vars)
		if err != nil || v == nil {
			continue
		}
		c, err := scalar.UnmarshalCursor(v)
		if err != nil {
			continue // the field reports it as it runs
		}
		if !cursorFits(c.Value, order) {
			w.err = &gqlerror.Error{
				Message:    name + " on " + f.Name + " is not a cursor of this ordering: send a cursor with the orderBy of the page it came from (分页游标与排序不符)",
				Path:       ast.Path{ast.PathName(f.Alias)},
				Locations:  []gqlerror.Location{{Line: f.Position.Line, Column: f.Position.Column}},
				Extensions: map[string]any{"code": "BAD_USER_INPUT", "field": name},
			}
		}
	}
}

// orderFields are the orderBy fields of a connection field, in order (none: ordered by ID).
func (w *pageWalker) orderFields(f *ast.Field) []string {
	arg := f.Arguments.ForName("orderBy")
	if arg == nil || arg.Value == nil {
		return nil
	}
	v, err := arg.Value.Value(w.vars)
	if err != nil || v == nil {
		return nil
	}
	list, ok := v.([]any)
	if !ok {
		list = []any{v} // a single value is coerced to a list of one
	}
	var fields []string
	for _, o := range list {
		if m, ok := o.(map[string]any); ok {
			name, _ := m["field"].(string)
			fields = append(fields, name)
		}
	}
	return fields
}

// cursorFits: the cursor holds one plain value per orderBy field (none without orderBy), a
// moment for the fields that are moments (…_AT).
func cursorFits(value any, order []string) bool {
	if value == nil {
		return len(order) == 0
	}
	values, ok := value.([]any)
	if !ok || len(values) != len(order) {
		return false
	}
	for i, v := range values {
		_, isTime := v.(time.Time)
		switch v.(type) {
		case nil, string, bool, time.Time, float32, float64,
			int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
		default:
			return false
		}
		if moment := order[i] == "AT" || strings.HasSuffix(order[i], "_AT"); moment != isTime && v != nil {
			return false
		}
	}
	return true
}
