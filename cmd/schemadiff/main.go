// Command schemadiff reports the changes to schema.graphql that break existing clients,
// comparing the working tree with the version committed at a git revision:
//
//	go run ./cmd/schemadiff -base HEAD~1
//
// It exits 1 when it finds breaking changes, unless the newest commit message carries a
// "Breaking-Change: <why>" trailer acknowledging them.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"strings"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
)

func main() {
	base := flag.String("base", "HEAD", "git revision holding the previous schema.graphql")
	file := flag.String("file", "schema.graphql", "the schema file")
	flag.Parse()

	old, err := exec.Command("git", "show", *base+":"+*file).Output()
	if err != nil {
		fmt.Printf("schemadiff: no %s at %s; nothing to compare\n", *file, *base)
		return
	}
	cur, err := os.ReadFile(*file)
	if err != nil {
		fail("reading %s: %v", *file, err)
	}
	breaks, err := Diff(string(old), string(cur))
	if err != nil {
		fail("%v", err)
	}
	if len(breaks) == 0 {
		fmt.Printf("schemadiff: no breaking changes against %s\n", *base)
		return
	}
	fmt.Printf("schemadiff: %d breaking change(s) against %s:\n", len(breaks), *base)
	for _, b := range breaks {
		fmt.Println("  - " + b)
	}
	msg, _ := exec.Command("git", "log", "-1", "--format=%B").Output()
	if strings.Contains(string(msg), "Breaking-Change:") {
		fmt.Println("schemadiff: acknowledged by the commit's Breaking-Change trailer")
		return
	}
	fmt.Println("schemadiff: add a 'Breaking-Change: <why>' trailer to the commit message if these are intended")
	os.Exit(1)
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "schemadiff: "+format+"\n", args...)
	os.Exit(2)
}

// Diff lists the changes from old to cur that can break a client written against old.
func Diff(oldSDL, curSDL string) ([]string, error) {
	old, err := gqlparser.LoadSchema(&ast.Source{Name: "old", Input: oldSDL})
	if err != nil {
		return nil, fmt.Errorf("old schema: %v", err)
	}
	cur, err := gqlparser.LoadSchema(&ast.Source{Name: "current", Input: curSDL})
	if err != nil {
		return nil, fmt.Errorf("current schema: %v", err)
	}
	var out []string
	add := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }
	for name, o := range old.Types {
		if strings.HasPrefix(name, "__") || (o.BuiltIn) {
			continue
		}
		c := cur.Types[name]
		if c == nil {
			add("type %s removed", name)
			continue
		}
		if c.Kind != o.Kind {
			add("type %s changed from %s to %s", name, o.Kind, c.Kind)
			continue
		}
		switch o.Kind {
		case ast.Object, ast.Interface:
			for _, of := range o.Fields {
				cf := c.Fields.ForName(of.Name)
				if cf == nil {
					add("field %s.%s removed", name, of.Name)
					continue
				}
				if !outputCompatible(of.Type, cf.Type) {
					add("field %s.%s changed type from %s to %s", name, of.Name, of.Type, cf.Type)
				}
				for _, oa := range of.Arguments {
					ca := cf.Arguments.ForName(oa.Name)
					if ca == nil {
						add("argument %s.%s(%s) removed", name, of.Name, oa.Name)
					} else if !inputCompatible(oa.Type, ca.Type) {
						add("argument %s.%s(%s) changed type from %s to %s", name, of.Name, oa.Name, oa.Type, ca.Type)
					}
				}
				for _, ca := range cf.Arguments {
					if of.Arguments.ForName(ca.Name) == nil && ca.Type.NonNull && ca.DefaultValue == nil {
						add("required argument %s.%s(%s) added", name, of.Name, ca.Name)
					}
				}
			}
		case ast.InputObject:
			for _, of := range o.Fields {
				cf := c.Fields.ForName(of.Name)
				if cf == nil {
					add("input field %s.%s removed", name, of.Name)
				} else if !inputCompatible(of.Type, cf.Type) {
					add("input field %s.%s changed type from %s to %s", name, of.Name, of.Type, cf.Type)
				}
			}
			for _, cf := range c.Fields {
				if o.Fields.ForName(cf.Name) == nil && cf.Type.NonNull && cf.DefaultValue == nil {
					add("required input field %s.%s added", name, cf.Name)
				}
			}
		case ast.Enum:
			for _, ov := range o.EnumValues {
				if c.EnumValues.ForName(ov.Name) == nil {
					add("enum value %s.%s removed", name, ov.Name)
				}
			}
		case ast.Union:
			for _, t := range o.Types {
				if !contains(c.Types, t) {
					add("union %s lost member %s", name, t)
				}
			}
		}
	}
	return out, nil
}

// outputCompatible: a client reading a field still gets what it expects when the named type
// stays and the field is not made nullable.
func outputCompatible(o, c *ast.Type) bool {
	if o == nil || c == nil {
		return o == c
	}
	if o.NonNull && !c.NonNull {
		return false
	}
	if (o.Elem == nil) != (c.Elem == nil) {
		return false
	}
	if o.Elem != nil {
		return outputCompatible(o.Elem, c.Elem)
	}
	return o.NamedType == c.NamedType
}

// inputCompatible: what a client sends is still accepted when the named type stays and a value
// that was optional is not made required.
func inputCompatible(o, c *ast.Type) bool {
	if o == nil || c == nil {
		return o == c
	}
	if !o.NonNull && c.NonNull {
		return false
	}
	if (o.Elem == nil) != (c.Elem == nil) {
		return false
	}
	if o.Elem != nil {
		return inputCompatible(o.Elem, c.Elem)
	}
	return o.NamedType == c.NamedType
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
