package testkit

import (
	"context"
	"log/slog"
	"sync"
	"testing"

	"github.com/nanpiao/sbqw/authn"
	"github.com/nanpiao/sbqw/authz"
	"github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/httpapi"
)

// Password is the password of every account tests create.
const Password = "test-pass-2017"

// JWTSecret signs the test server's tokens.
var JWTSecret = []byte("test-secret-test-secret-test-secret!")

var (
	hashOnce sync.Once
	hash     string
)

// Test databases hold many accounts and tests reset passwords by the hundred: hashes written by
// a test binary get the lowest cost the server accepts, so that hashing is not most of the
// suite's time. Tests about the cost itself (the sign-in burst, the hashing budget) use
// authn.ProductionHashCost.
func init() { authn.SetHashCost(authn.MinimalHashCost) }

// PasswordHash is Password hashed once per test binary.
func PasswordHash() string {
	hashOnce.Do(func() {
		var err error
		if hash, err = authn.HashPassword(Password); err != nil {
			panic(err)
		}
	})
	return hash
}

// Server is the real API on a test database, served on loopback.
type Server struct {
	*API // anonymous
	App  *httpapi.API
	DB   *DB
}

// NewServer wires the API exactly as the server does, with the default options, and serves it
// for the test.
func NewServer(tb testing.TB, db *DB) *Server {
	tb.Helper()
	return NewServerWith(tb, db, httpapi.Options{})
}

// NewServerWith is NewServer with options (limits, logger, CORS) of the test's choosing.
func NewServerWith(tb testing.TB, db *DB, opts httpapi.Options) *Server {
	tb.Helper()
	if opts.Pool == nil {
		opts.Pool = db.SQL
	}
	if opts.RateLimit == 0 {
		// Tests page through whole tables as fast as the database answers; the rate limit has
		// tests of its own.
		opts.RateLimit = -1
	}
	if opts.MaxInFlight == 0 {
		// Concurrency tests send a dozen requests with one token at once; the limit on
		// requests in flight has tests of its own.
		opts.MaxInFlight = -1
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler) // request logs would drown the test output
	}
	app, err := httpapi.NewAPI(context.Background(), db.Client, httpapi.Config{JWTSecret: JWTSecret, Ready: db.Ping, Options: opts})
	if err != nil {
		tb.Fatal(err)
	}
	return &Server{API: Serve(tb, app.Handler), App: app, DB: db}
}

// Login signs in and returns an API that sends the token.
func (s *Server) Login(tb testing.TB, username string) *API {
	tb.Helper()
	var out struct {
		Login struct{ Token string }
	}
	s.API.Must(tb, `mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }`,
		map[string]any{"u": username, "p": Password}, &out)
	return s.API.As(out.Login.Token)
}

// Binding describes a role binding for CreateUser; set the unit the role needs.
type Binding = authn.BindingInput

// CreateUser creates an account with the test password and the given bindings, directly in the
// database (system context), and returns its ID.
func CreateUser(tb testing.TB, client *ent.Client, username string, bindings ...Binding) int {
	tb.Helper()
	ctx := authz.Bypass(context.Background(), "test fixture")
	u, err := client.User.Create().SetUsername(username).SetPasswordHash(PasswordHash()).Save(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	for _, b := range bindings {
		if _, err := authn.CreateBinding(ctx, client, u.ID, b); err != nil {
			tb.Fatal(err)
		}
	}
	return u.ID
}
