package authz

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/nanpiao/sbqw/apperr"
	gen "github.com/nanpiao/sbqw/ent"
)

// Reason is what one role binding contributes to an access decision.
type Reason struct {
	Binding     Binding
	Scopes      []ScopeKind
	Matched     bool
	Explanation string
}

// Explanation answers "may this user take this action on this record, and why?".
type Explanation struct {
	Allowed bool
	Object  string
	Action  string
	Reasons []Reason
}

// Explain evaluates a user's access to record id one binding at a time, with the same rules
// every request goes through. Only those who may read the policy district-wide may ask; the
// subject is loaded (by subjectOf) only once that is checked, so the answer reveals nothing
// about users to anyone else.
func Explain(ctx context.Context, client *gen.Client, subjectOf func(context.Context) (*Viewer, error), id int, action string) (*Explanation, error) {
	if err := RequireDistrictWide(ctx, ObjectPolicy, ActionRead); err != nil {
		return nil, err
	}
	subject, err := subjectOf(ctx)
	if errors.Is(err, apperr.ErrUnauthenticated) { // no such active user
		return nil, apperr.MissingReference("userID")
	}
	if err != nil {
		return nil, err
	}
	node, err := client.Noder(LookupContext(Bypass(ctx, "explain access")), id)
	if err != nil {
		return nil, err
	}
	entType := typeName(node)
	ex := &Explanation{Object: ObjectOf(entType), Action: action}
	for _, b := range subject.Bindings {
		one := &Viewer{UserID: subject.UserID, Username: subject.Username, Bindings: []Binding{b}, policy: subject.policy}
		r := Reason{Binding: b, Scopes: subject.policy.Scopes(string(b.Role), ex.Object, action)}
		switch {
		case len(r.Scopes) == 0:
			r.Explanation = fmt.Sprintf("no policy gives %s the action %q on %s", b.Role, action, ex.Object)
		default:
			err := CheckRecord(NewContext(ctx, one), client, entType, id, action)
			r.Matched = err == nil
			if r.Matched {
				r.Explanation = fmt.Sprintf("policy (%s, %s, %s, %s) and this binding reach the record", b.Role, ex.Object, action, joinKinds(r.Scopes))
			} else {
				r.Explanation = fmt.Sprintf("policy gives %s %s scope, but the record lies outside this binding's reach", b.Role, joinKinds(r.Scopes))
			}
		}
		ex.Allowed = ex.Allowed || r.Matched
		ex.Reasons = append(ex.Reasons, r)
	}
	return ex, nil
}

func typeName(n gen.Noder) string {
	name := fmt.Sprintf("%T", n)
	return name[strings.LastIndex(name, ".")+1:]
}

func joinKinds(ks []ScopeKind) string {
	s := make([]string, len(ks))
	for i, k := range ks {
		s[i] = string(k)
	}
	return strings.Join(s, "|")
}
