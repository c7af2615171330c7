package main

import (
	"strings"
	"testing"
)

func TestDiffFindsBreakingChanges(t *testing.T) {
	old := `type Query { a(x: Int): String! b: Int c: [String!]! }
		input In { f: Int g: String! }
		enum E { ONE TWO }`
	cases := []struct {
		name, cur string
		want      string // "" = no breaking change
	}{
		{"identical", old, ""},
		{"new optional argument, field and enum value", `type Query { a(x: Int, y: Int): String! b: Int c: [String!]! d: Int }
			input In { f: Int g: String! h: Int } enum E { ONE TWO THREE }`, ""},
		{"output made non-null is safe", `type Query { a(x: Int): String! b: Int! c: [String!]! } input In { f: Int g: String! } enum E { ONE TWO }`, ""},
		{"field removed", `type Query { a(x: Int): String! c: [String!]! } input In { f: Int g: String! } enum E { ONE TWO }`, "field Query.b removed"},
		{"output made nullable", `type Query { a(x: Int): String b: Int c: [String!]! } input In { f: Int g: String! } enum E { ONE TWO }`, "field Query.a changed type"},
		{"argument made required", `type Query { a(x: Int!): String! b: Int c: [String!]! } input In { f: Int g: String! } enum E { ONE TWO }`, "argument Query.a(x) changed type"},
		{"required argument added", `type Query { a(x: Int, y: Int!): String! b: Int c: [String!]! } input In { f: Int g: String! } enum E { ONE TWO }`, "required argument Query.a(y) added"},
		{"required input field added", `type Query { a(x: Int): String! b: Int c: [String!]! } input In { f: Int g: String! h: Int! } enum E { ONE TWO }`, "required input field In.h added"},
		{"enum value removed", `type Query { a(x: Int): String! b: Int c: [String!]! } input In { f: Int g: String! } enum E { ONE }`, "enum value E.TWO removed"},
		{"type removed", `type Query { a(x: Int): String! b: Int c: [String!]! } enum E { ONE TWO }`, "type In removed"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := Diff(old, c.cur)
			if err != nil {
				t.Fatal(err)
			}
			joined := strings.Join(got, "; ")
			if (c.want == "") != (len(got) == 0) || (c.want != "" && !strings.Contains(joined, c.want)) {
				t.Fatalf("want %q, got %q", c.want, joined)
			}
		})
	}
}
