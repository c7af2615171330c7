// Package apperr defines the errors that carry meaning to API clients. Domain rules and the
// authorization layer return them; the GraphQL error presenter maps each kind, in one place, to
// its extensions.code. Everything else a client sees is INTERNAL.
package apperr

import (
	"errors"
	"fmt"
	"strings"
)

// Code is the value of errors[].extensions.code.
type Code string

const (
	Unauthenticated Code = "UNAUTHENTICATED"
	Forbidden       Code = "FORBIDDEN"
	NotFound        Code = "NOT_FOUND"
	BadUserInput    Code = "BAD_USER_INPUT"
	Conflict        Code = "CONFLICT"
	RateLimited     Code = "RATE_LIMITED"
	TooComplex      Code = "QUERY_TOO_COMPLEX"
	Internal        Code = "INTERNAL"
)

// Error is an error a client may see: a code, a message fit to show a user (Chinese and
// English where a person will read it) and, for input errors, the offending field.
type Error struct {
	Code    Code
	Message string
	Field   string         // input field in GraphQL spelling, when one is at fault
	Reason  string         // extensions.reason; empty: the catalogue finds it (reasons.go)
	Extra   map[string]any // further extensions (e.g. retryAfterSeconds)
}

func (e *Error) Error() string {
	if e.Field != "" {
		return e.Field + ": " + e.Message
	}
	return e.Message
}

// Because names the error's reason (an UPPER_SNAKE reason of the catalogue, reasons.go).
func (e *Error) Because(reason string) *Error {
	e.Reason = reason
	return e
}

// Is lets errors.Is(err, ErrForbidden) match any error of the same code.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Message == "" && t.Code == e.Code
}

// Sentinels for errors.Is; use the constructors below to say what went wrong.
var (
	ErrUnauthenticated = &Error{Code: Unauthenticated}
	ErrForbidden       = &Error{Code: Forbidden}
	ErrNotFound        = &Error{Code: NotFound}
	ErrBadUserInput    = &Error{Code: BadUserInput}
	ErrConflict        = &Error{Code: Conflict}
)

// Invalid reports bad input in one field. field is the GraphQL (camelCase) name.
func Invalid(field, format string, args ...any) *Error {
	return &Error{Code: BadUserInput, Field: field, Message: fmt.Sprintf(format, args...)}
}

// Rule reports a request that breaks a domain rule (a workflow step out of order, a limit).
func Rule(format string, args ...any) *Error {
	return &Error{Code: BadUserInput, Message: fmt.Sprintf(format, args...)}
}

// NotFoundf reports a missing object; out-of-scope objects get exactly the same error.
func NotFoundf(format string, args ...any) *Error {
	return &Error{Code: NotFound, Message: fmt.Sprintf(format, args...)}
}

// Conflictf reports a write that clashes with the current state (duplicates, stale versions).
func Conflictf(format string, args ...any) *Error {
	return &Error{Code: Conflict, Message: fmt.Sprintf(format, args...)}
}

// Forbiddenf reports an action the caller's role may not take on an object it can see.
func Forbiddenf(format string, args ...any) *Error {
	return &Error{Code: Forbidden, Message: fmt.Sprintf(format, args...)}
}

// As returns the *Error inside err, if any.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// MissingReference reports an input field pointing at a record that does not exist — or that
// the caller cannot see, which must look exactly the same.
func MissingReference(field string) *Error {
	return &Error{Code: NotFound, Field: field, Message: "no such record (记录不存在)"}
}

// FieldName spells a column name the way clients see the field: village_id → villageID.
func FieldName(column string) string {
	parts := strings.Split(column, "_")
	for i := 1; i < len(parts); i++ {
		if parts[i] == "id" {
			parts[i] = "ID"
		} else if parts[i] != "" {
			parts[i] = strings.ToUpper(parts[i][:1]) + parts[i][1:]
		}
	}
	return strings.Join(parts, "")
}
