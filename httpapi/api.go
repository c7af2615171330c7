package httpapi

import (
	"context"
	"net/http"

	"github.com/nanpiao/sbqw/attachments"
	"github.com/nanpiao/sbqw/authn"
	"github.com/nanpiao/sbqw/authz"
	"github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/feed"
	"github.com/nanpiao/sbqw/graph"
)

// Config is what NewAPI needs besides the database.
type Config struct {
	JWTSecret []byte
	Auth      authn.Config // JWTSecret is copied into it
	Options   Options
	// Ready reports whether the service may take traffic (database reachable, demo loaded).
	Ready func(context.Context) error
}

// API is the wired application: the HTTP handler and the services behind it.
type API struct {
	Handler  http.Handler
	Auth     *authn.Service
	Policies *authz.Policies
	// Live sequences the change feed and wakes the live streams: run it (Live.Run) beside the
	// server.
	Live *feed.Live
}

// NewAPI wires the whole API on a migrated database: it loads (or seeds) the policy, builds
// the authentication service and the GraphQL handler, and mounts the routes.
func NewAPI(ctx context.Context, client *ent.Client, cfg Config) (*API, error) {
	policies, err := authz.LoadPolicies(ctx, client)
	if err != nil {
		return nil, err
	}
	cfg.Auth.Secret = cfg.JWTSecret
	auth := authn.New(client, policies, cfg.Auth)
	// Live streams end when ctx does (the server shutting down).
	live := feed.NewLive(ctx, cfg.Options.withDefaults().MaxStreams)
	cfg.Options.links = attachments.NewSigner(cfg.JWTSecret, cfg.Options.LinkTTL)
	gql := NewGraphQL(graph.Deps{Client: client, Auth: auth, Policies: policies, Live: live, Files: cfg.Options.Files, Links: cfg.Options.links}, cfg.Options)
	cfg.Options.client = client
	cfg.Options.audit = func(ctx context.Context, e authz.Event) error { return authz.Record(ctx, client, e) }
	ready := cfg.Ready
	if ready == nil {
		ready = func(context.Context) error { return nil }
	}
	return &API{Handler: Routes(gql, auth, ready, cfg.Options), Auth: auth, Policies: policies, Live: live}, nil
}
