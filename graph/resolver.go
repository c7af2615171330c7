// Package graph is the GraphQL layer: the hand-written schema files, thin resolvers and the
// HTTP handler that serves them. Resolvers validate nothing themselves — ent schemas, hooks and
// privacy rules own the rules — they call ent and return.
package graph

import (
	"github.com/nanpiao/sbqw/authn"
	"github.com/nanpiao/sbqw/authz"
	"github.com/nanpiao/sbqw/ent"
)

// Resolver is the root resolver; one per server.
type Resolver struct {
	client   *ent.Client
	auth     *authn.Service
	policies *authz.Policies
}
