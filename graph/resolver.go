// Package graph is the GraphQL layer: the hand-written schema files and thin resolvers (the
// HTTP handler that serves them is package httpapi). Resolvers validate nothing themselves — ent schemas, hooks and
// privacy rules own the rules — they call ent and return.
package graph

import (
	"github.com/99designs/gqlgen/graphql"

	"github.com/nanpiao/sbqw/attachments"
	"github.com/nanpiao/sbqw/authn"
	"github.com/nanpiao/sbqw/authz"
	"github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/feed"
	"github.com/nanpiao/sbqw/graph/generated"
	"github.com/nanpiao/sbqw/stats"
)

// Resolver is the root resolver; one per server.
type Resolver struct {
	client   *ent.Client
	auth     *authn.Service
	policies *authz.Policies
	live     *feed.Live
	files    *attachments.Store
	links    *attachments.Signer
	// reports keeps the township rows of the district report and of the slowest grouped
	// statistics between requests.
	reports *stats.ReportCache
}

// Deps are what the resolvers work with.
type Deps struct {
	Client   *ent.Client
	Auth     *authn.Service
	Policies *authz.Policies
	// Live feeds the subscriptions (nil: subscriptions refused).
	Live *feed.Live
	// Files stores attachments and Links signs their download links (nil: addAttachment and
	// Attachment.url refused).
	Files *attachments.Store
	Links *attachments.Signer
}

// NewSchema is the executable schema with its resolvers and directives; package httpapi
// serves it.
func NewSchema(d Deps) graphql.ExecutableSchema {
	return generated.NewExecutableSchema(generated.Config{
		Resolvers: &Resolver{client: d.Client, auth: d.Auth, policies: d.Policies, live: d.Live, files: d.Files, links: d.Links,
			reports: stats.NewReportCache(stats.DefaultReportCacheSize)},
		Directives: generated.DirectiveRoot{Scoped: scoped},
	})
}
