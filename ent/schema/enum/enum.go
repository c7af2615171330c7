// Package enum holds the closed vocabularies of the programme: English UPPER_SNAKE_CASE values
// (what the API and the database store) with the Chinese term each stands for.
//
// Every type here is used by ent schemas through field.Enum(...).GoType and bound by gqlgen, so
// one table per type is the single place where a value and its meaning are written down.
package enum

import (
	"github.com/nanpiao/sbqw/apperr"
	"io"
	"sort"
	"strconv"
)

// Term is one value of a vocabulary with its meaning.
type Term struct {
	Value string // stored and sent over the API
	Zh    string // the term used in the programme's documents
	En    string // a short English gloss
}

// Description is the text shown in the GraphQL schema for the value.
func (t Term) Description() string { return t.Zh + " — " + t.En }

type vocabulary struct {
	name  string
	terms []Term
}

var registry = map[string]vocabulary{}

// define registers a vocabulary under its GraphQL/Go type name and returns its values.
func define(name string, terms ...Term) []string {
	if _, dup := registry[name]; dup {
		panic("enum: vocabulary defined twice: " + name)
	}
	registry[name] = vocabulary{name: name, terms: terms}
	values := make([]string, len(terms))
	for i, t := range terms {
		values[i] = t.Value
	}
	return values
}

// Terms returns the terms of the named vocabulary (nil when unknown).
func Terms(name string) []Term { return registry[name].terms }

// Names lists every registered vocabulary, sorted.
func Names() []string {
	names := make([]string, 0, len(registry))
	for n := range registry {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func marshal[E ~string](w io.Writer, e E) { _, _ = io.WriteString(w, strconv.Quote(string(e))) }

func unmarshal[E ~string](v any, e *E, name string, values []string) error {
	s, ok := v.(string)
	if !ok {
		return apperr.Invalid("", "%s must be a string, got %T", name, v)
	}
	if err := validate(name, values, s); err != nil {
		return err
	}
	*e = E(s)
	return nil
}

func validate(name string, values []string, s string) error {
	for _, v := range values {
		if v == s {
			return nil
		}
	}
	return apperr.Invalid("", "%q is not a valid %s", s, name)
}
