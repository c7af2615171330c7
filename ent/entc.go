//go:build ignore

// Code generation for the ent layer and the ent part of the GraphQL schema. Run from the
// repository root through `go generate ./...` (see server.go).
package main

import (
	"encoding/json"
	"fmt"
	"log"
	"slices"
	"sort"
	"strings"

	"entgo.io/contrib/entgql"
	"entgo.io/ent/entc"
	"entgo.io/ent/entc/gen"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/nanpiao/sbqw/ent/schema/enum"
	"github.com/nanpiao/sbqw/ent/schema/scope"
	"github.com/nanpiao/sbqw/pii"
)

func main() {
	ex, err := entgql.NewExtension(
		entgql.WithConfigPath("./gqlgen.yml"),
		entgql.WithSchemaGenerator(),
		entgql.WithSchemaPath("./graph/ent.graphql"),
		entgql.WithWhereInputs(true),
		entgql.WithSchemaHook(describeEnumValues, scopeEdgeFilters, describeGenerated, nonNullEdges, specifyScalars),
	)
	if err != nil {
		log.Fatalf("creating entgql extension: %v", err)
	}
	scopeTemplate := gen.MustParse(gen.NewTemplate("scope").
		Funcs(gen.Funcs).Funcs(map[string]any{"scopeEntities": scopeEntities}).
		ParseFiles("./ent/template/scope.tmpl"))
	err = entc.Generate("./ent/schema", &gen.Config{
		Target:    "./ent",
		Templates: []*gen.Template{scopeTemplate},
		Package:   "github.com/nanpiao/sbqw/ent",
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

// scopeEntity is one row of the generated ent.Scopes table.
type scopeEntity struct {
	Type string // ent type name
	scope.Entity
}

// scopeEntities resolves every type's scope declaration (ent/schema/scope) against the ent
// graph: parents become FK column, table and shared scope columns; a movable type gets every
// table that hangs under it through foreign keys. A type without a declaration, a parent
// without an edge, or a descendant that cannot be moved fails generation.
func scopeEntities(g *gen.Graph) ([]scopeEntity, error) {
	out := make([]scopeEntity, 0, len(g.Nodes))
	for _, n := range g.Nodes {
		raw, ok := n.Annotations[scope.Annotation{}.Name()]
		if !ok {
			return nil, fmt.Errorf("schema %s declares no scope: add scope.Of(...) to its Annotations", n.Name)
		}
		var a scope.Annotation
		b, err := json.Marshal(raw)
		if err == nil {
			err = json.Unmarshal(b, &a)
		}
		if err != nil {
			return nil, fmt.Errorf("schema %s: scope annotation: %w", n.Name, err)
		}
		e := scopeEntity{Type: n.Name, Entity: scope.Entity{
			Object: a.Object, Read: a.Read, Manage: a.Manage, CheckAfterWrite: !a.NoCheckAfterWrite,
			SoftDelete: hasField(n, "deleted_at"),
		}}
		if e.Object == "" {
			e.Object = scope.SnakeCase(n.Name)
		}
		for _, w := range append(slices.Clone(a.Read), a.Manage...) {
			if !hasField(n, w.Column) {
				return nil, fmt.Errorf("schema %s: scope kind %s reaches it through %s, which it lacks", n.Name, w.Kind, w.Column)
			}
		}
		for _, parent := range a.Parents {
			p, err := scopeParent(n, parent)
			if err != nil {
				return nil, err
			}
			e.Parents = append(e.Parents, p)
		}
		if a.Movable {
			if e.Descendants, err = descendants(g, n); err != nil {
				return nil, err
			}
			e.MovedBy = movedBy(n)
		}
		out = append(out, e)
	}
	return out, nil
}

// movedBy is the column naming a row of root in the tables under it: household_id.
func movedBy(root *gen.Type) string { return scope.SnakeCase(root.Name) + "_id" }

func hasField(n *gen.Type, name string) bool {
	return name == "id" || slices.ContainsFunc(n.Fields, func(f *gen.Field) bool { return f.Name == name })
}

// scopeParent finds the one edge of n that holds a foreign key to parent.
func scopeParent(n *gen.Type, parent string) (scope.Parent, error) {
	var found []*gen.Edge
	for _, e := range n.Edges {
		if e.Type.Name == parent && e.Field() != nil {
			found = append(found, e)
		}
	}
	if len(found) != 1 {
		return scope.Parent{}, fmt.Errorf("schema %s inherits scope from %s but has %d edges with a foreign key to it", n.Name, parent, len(found))
	}
	e := found[0]
	p := scope.Parent{FK: e.Field().Name, Table: e.Type.Table()}
	for _, f := range n.Fields {
		if _, ok := f.Annotations[scope.InheritedColumn{}.Name()]; ok && hasField(e.Type, f.Name) {
			p.Columns = append(p.Columns, f.Name)
		}
	}
	if len(p.Columns) == 0 {
		return scope.Parent{}, fmt.Errorf("schema %s inherits scope from %s but they share no scope column", n.Name, parent)
	}
	return p, nil
}

// descendants lists, in name order, the tables of every type that hangs under root through
// required foreign keys, directly or through other children. Each must carry root's scope
// columns and a column naming the root row, for the move to rewrite it. An optional foreign key
// is a reference, not a parent: a contribution made for a household stays its member's record.
func descendants(g *gen.Graph, root *gen.Type) ([]string, error) {
	under := map[*gen.Type]bool{root: true}
	for grew := true; grew; {
		grew = false
		for _, n := range g.Nodes {
			for _, e := range n.Edges {
				if !under[n] && e.Field() != nil && !e.Optional && under[e.Type] {
					under[n], grew = true, true
				}
			}
		}
	}
	rootFK := movedBy(root)
	var out []string
	for n := range under {
		if n == root {
			continue
		}
		for _, c := range []string{rootFK, "township_id", "village_id"} {
			if !hasField(n, c) {
				return nil, fmt.Errorf("schema %s hangs under %s but has no %s column to move it by", n.Name, root.Name, c)
			}
		}
		out = append(out, n.Table())
	}
	sort.Strings(out)
	return out, nil
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

// describeGenerated gives every generated type, field, argument and enum value a description
// (English and Chinese): entity types from their schema's Comment annotation, fields of
// inputs from the entity's own fields, and the Relay and filter machinery from its shape.
// TestSchemaIsFullyDescribed fails on anything left without one.
func describeGenerated(g *gen.Graph, s *ast.Schema) error {
	nodes := map[string]*gen.Type{}
	for _, n := range g.Nodes {
		nodes[n.Name] = n
	}
	// Objects first, then inputs (which copy their entity's field descriptions), each in name
	// order, so that generation is deterministic.
	names := make([]string, 0, len(s.Types))
	for name := range s.Types {
		names = append(names, name)
	}
	sort.Slice(names, func(i, j int) bool {
		ki, kj := s.Types[names[i]].Kind == ast.InputObject, s.Types[names[j]].Kind == ast.InputObject
		if ki != kj {
			return !ki
		}
		return names[i] < names[j]
	})
	for _, name := range names {
		def := s.Types[name]
		if strings.HasPrefix(name, "__") {
			continue
		}
		entity := entityOf(name)
		if def.Description == "" {
			def.Description = typeDescription(name, nodes)
		}
		for _, f := range def.Fields {
			if f.Description == "" {
				f.Description = fieldDescription(def, f, s, entity)
			}
			for _, a := range f.Arguments {
				if a.Description == "" {
					a.Description = argDescription(a.Name)
				}
			}
		}
		for _, v := range def.EnumValues {
			if v.Description == "" && strings.HasSuffix(name, "OrderField") {
				v.Description = "Order by " + strings.ToLower(strings.ReplaceAll(v.Name, "_", " ")) + " 按此字段排序"
			}
		}
	}
	return nil
}

// entityOf strips the machinery suffixes: HouseholdWhereInput → Household.
func entityOf(name string) string {
	for _, suffix := range []string{"WhereInput", "OrderField", "Order", "Connection", "Edge"} {
		if t, ok := strings.CutSuffix(name, suffix); ok {
			return t
		}
	}
	for _, prefix := range []string{"Create", "Update"} {
		if t, ok := strings.CutPrefix(name, prefix); ok {
			return strings.TrimSuffix(t, "Input")
		}
	}
	return name
}

func typeDescription(name string, nodes map[string]*gen.Type) string {
	e := entityOf(name)
	switch {
	case nodes[name] != nil:
		if c, ok := nodes[name].Annotations["Comment"].(map[string]any); ok {
			if text, ok := c["Text"].(string); ok {
				return text
			}
		}
	case strings.HasSuffix(name, "Connection"):
		return "A page of " + e + " records, with the total count and where the page lies (Relay connection) 分页列表"
	case strings.HasSuffix(name, "Edge"):
		return "One " + e + " in a page, with its cursor 分页中的一条记录"
	case strings.HasSuffix(name, "OrderField"):
		return "Fields " + e + " lists can be ordered by 排序字段"
	case strings.HasSuffix(name, "Order"):
		return "How to order " + e + " lists: a field and a direction 排序方式"
	case name == "Query":
		return "Every read the API offers; lists are limited to the caller's scope 查询"
	case name == "Mutation":
		return "Every change the API offers; each runs in one transaction 变更"
	}
	return name
}

var predicateSuffixes = []struct{ suffix, en, zh string }{
	{"NotNil", "is set", "非空"}, {"IsNil", "is not set", "为空"}, {"NotIn", "is none of", "不在列表中"},
	{"ContainsFold", "contains, ignoring case", "包含（不区分大小写）"}, {"EqualFold", "equals, ignoring case", "等于（不区分大小写）"},
	{"HasPrefix", "starts with", "开头为"}, {"HasSuffix", "ends with", "结尾为"}, {"Contains", "contains", "包含"},
	{"NEQ", "differs from", "不等于"}, {"GTE", "is at or after / at least", "大于等于"}, {"LTE", "is at or before / at most", "小于等于"},
	{"GT", "is after / greater than", "大于"}, {"LT", "is before / less than", "小于"}, {"In", "is one of", "在列表中"},
}

func fieldDescription(def *ast.Definition, f *ast.FieldDefinition, s *ast.Schema, entity string) string {
	name := def.Name
	switch {
	case f.Name == "id":
		return "Opaque global ID: pass it to node(id:); never build or parse it 全局唯一标识"
	case strings.HasSuffix(name, "Connection"):
		return map[string]string{
			"edges":      "The records of this page, each with its cursor 本页记录",
			"pageInfo":   "Where this page lies, for fetching the next or previous one 分页信息",
			"totalCount": "How many records match in all — within the caller's scope and filters, not only this page 总数",
		}[f.Name]
	case strings.HasSuffix(name, "Edge"):
		return map[string]string{"node": "The record 记录", "cursor": "This record's cursor, for after/before 游标"}[f.Name]
	case strings.HasSuffix(name, "Order"):
		return map[string]string{"field": "The field to order by 排序字段", "direction": "Ascending or descending 排序方向"}[f.Name]
	case strings.HasSuffix(name, "WhereInput"):
		return whereDescription(f.Name, entity)
	case def.Kind == ast.InputObject:
		if strings.HasPrefix(f.Name, "clear") {
			return "Set " + lowerFirst(strings.TrimPrefix(f.Name, "clear")) + " to empty 清空该字段"
		}
		if t := s.Types[entity]; t != nil {
			if same := t.Fields.ForName(f.Name); same != nil && same.Description != "" {
				return same.Description
			}
		}
		if e, ok := strings.CutSuffix(f.Name, "ID"); ok {
			return "ID of the " + e + " 关联记录ID"
		}
	case name == "Query":
		return "The " + f.Name + " the caller may see, as a Relay connection: first/after or last/before, orderBy, where (default page 50, at most 500) 分页查询"
	}
	if e, ok := strings.CutSuffix(f.Name, "ID"); ok && e != "" {
		return "ID of the " + e + " 关联记录ID"
	}
	if def.Kind == ast.Object && f.Type != nil {
		target := f.Type.Name()
		if strings.HasSuffix(target, "Connection") {
			return "The " + f.Name + " of this " + name + " the caller may see (Relay connection) 关联列表"
		}
		if f.Type.Elem != nil {
			return "The " + f.Name + " of this " + name + " 关联记录"
		}
		if _, ok := s.Types[target]; ok && s.Types[target].Kind == ast.Object {
			return "The " + f.Name + " this " + name + " belongs to 所属" + f.Name
		}
	}
	return f.Name
}

func whereDescription(field, entity string) string {
	switch field {
	case "not":
		return "Rows not matching this filter 取反"
	case "and":
		return "Rows matching all of these filters 同时满足"
	case "or":
		return "Rows matching any of these filters 满足其一"
	}
	if e, ok := strings.CutSuffix(field, "With"); ok && strings.HasPrefix(e, "has") {
		return "Rows with related " + lowerFirst(strings.TrimPrefix(e, "has")) + " matching any of these filters, among those the caller may see; [{}] means any 存在满足条件的关联记录"
	}
	for _, p := range predicateSuffixes {
		if base, ok := strings.CutSuffix(field, p.suffix); ok && base != "" {
			return base + " " + p.en + " 筛选：" + p.zh
		}
	}
	return field + " equals 筛选：等于"
}

func argDescription(name string) string {
	return map[string]string{
		"after":   "Return the records after this cursor 之后的记录",
		"first":   "Return at most this many records from the start (default 50, at most 500) 前n条",
		"before":  "Return the records before this cursor 之前的记录",
		"last":    "Return at most this many records from the end (at most 500) 后n条",
		"orderBy": "How to order the records; ties are broken by ID 排序",
		"where":   "Which records to return 筛选条件",
		"id":      "ID of the record 记录ID",
		"input":   "The values to write 输入值",
	}[name]
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// nonNullEdges makes every connection's edges and every edge's node non-null: a page never
// holds a missing row (rows outside the caller's scope are filtered in SQL, not nulled), so
// clients need not filter nulls out of every list.
func nonNullEdges(_ *gen.Graph, s *ast.Schema) error {
	for name, def := range s.Types {
		switch {
		case strings.HasSuffix(name, "Connection"):
			if f := def.Fields.ForName("edges"); f != nil && f.Type.Elem != nil {
				f.Type.Elem.NonNull, f.Type.NonNull = true, true
			}
		case strings.HasSuffix(name, "Edge"):
			if f := def.Fields.ForName("node"); f != nil {
				f.Type.NonNull = true
			}
		}
	}
	return nil
}

// specifyScalars says what the generated scalars hold, with @specifiedBy where a specification
// exists, so that client code generators can map them.
func specifyScalars(_ *gen.Graph, s *ast.Schema) error {
	scalars := map[string]struct{ url, desc string }{
		"Time": {"https://www.rfc-editor.org/rfc/rfc3339#section-5.6",
			"An instant, written as an RFC 3339 date-time with its offset, e.g. 2024-01-31T08:30:00Z or 2024-01-31T16:30:00+08:00. 时间"},
		"Cursor": {"https://relay.dev/graphql/connections.htm#sec-Cursor",
			"An opaque position in a list, as returned in pageInfo and edges: pass it back unchanged, with the same orderBy and where; do not parse or build one. 分页游标"},
	}
	for name, spec := range scalars {
		def := s.Types[name]
		if def == nil {
			continue
		}
		def.Description = spec.desc
		def.Directives = append(def.Directives, &ast.Directive{Name: "specifiedBy",
			Arguments: ast.ArgumentList{{Name: "url", Value: &ast.Value{Kind: ast.StringValue, Raw: spec.url}}}})
	}
	return nil
}
