package graph_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/nanpiao/sbqw/authz"
	"github.com/nanpiao/sbqw/ent/schema/enum"
	"github.com/nanpiao/sbqw/ent/session"
	"github.com/nanpiao/sbqw/internal/testkit"
)

type authEnv struct {
	srv   *testkit.Server
	admin *testkit.API
}

func newAuthEnv(t *testing.T) *authEnv {
	db := testkit.Open(t)
	t.Cleanup(db.Close)
	srv := testkit.NewServer(t, db)
	testkit.CreateUser(t, db.Client, "admin", testkit.Binding{Role: enum.RoleDistrict})
	testkit.CreateUser(t, db.Client, "auditor", testkit.Binding{Role: enum.RoleAuditor})
	return &authEnv{srv: srv, admin: srv.Login(t, "admin")}
}

const meQuery = `{ me { username roleBindings { role } } }`

func TestLoginAndMe(t *testing.T) {
	e := newAuthEnv(t)
	var out struct {
		Me struct {
			Username     string
			RoleBindings []struct{ Role string }
		}
	}
	e.admin.Must(t, meQuery, nil, &out)
	if out.Me.Username != "admin" || len(out.Me.RoleBindings) != 1 || out.Me.RoleBindings[0].Role != "DISTRICT" {
		t.Fatalf("me = %+v", out.Me)
	}
}

func TestWrongCredentialsLookTheSame(t *testing.T) {
	e := newAuthEnv(t)
	login := `mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }`
	wrongPass := e.srv.API.Do(t, login, map[string]any{"u": "admin", "p": "not-the-password1"})
	noUser := e.srv.API.Do(t, login, map[string]any{"u": "nobody", "p": "not-the-password1"})
	a := wrongPass.Fail(t, "UNAUTHENTICATED")
	b := noUser.Fail(t, "UNAUTHENTICATED")
	if a.Message != b.Message || wrongPass.Status != noUser.Status {
		t.Fatalf("unknown user and wrong password differ: %q/%d vs %q/%d", a.Message, wrongPass.Status, b.Message, noUser.Status)
	}
}

func TestEverythingButLoginNeedsCredentials(t *testing.T) {
	e := newAuthEnv(t)
	for _, q := range []string{meQuery, `{ households { totalCount } }`, `{ __schema { types { name } } }`, `{ __type(name: "Household") { name } }`,
		`mutation { logout }`, `{ __typename }`} {
		e.srv.API.Do(t, q, nil).Fail(t, "UNAUTHENTICATED")
	}
	// Without credentials only login alone is read at all; signed in, login cannot carry other
	// fields along (it runs outside the mutation transaction).
	loginAndMore := `mutation { login(username: "admin", password: "x") { token } logout }`
	e.srv.API.Do(t, loginAndMore, nil).Fail(t, "UNAUTHENTICATED")
	e.admin.Do(t, loginAndMore, nil).Fail(t, "BAD_USER_INPUT")
	// Introspection works once signed in.
	e.admin.Must(t, `{ __schema { queryType { name } } }`, nil, nil)
}

func TestBadTokensAreRefused(t *testing.T) {
	e := newAuthEnv(t)
	good := e.admin.Token
	parts := strings.Split(good, ".")
	claims := jwt.MapClaims{"iss": "sbqw", "sub": "1", "sid": "whatever", "exp": time.Now().Add(time.Hour).Unix()}
	none, _ := jwt.NewWithClaims(jwt.SigningMethodNone, claims).SignedString(jwt.UnsafeAllowNoneSignatureType)
	otherKey, _ := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString([]byte("another-secret-another-secret-0000"))
	hs512, _ := jwt.NewWithClaims(jwt.SigningMethodHS512, claims).SignedString(testkit.JWTSecret)

	// A real session's token, re-signed with an expiry in the past.
	var sid string
	if tok, _, err := jwt.NewParser().ParseUnverified(good, jwt.MapClaims{}); err == nil {
		sid = tok.Claims.(jwt.MapClaims)["sid"].(string)
		sub := tok.Claims.(jwt.MapClaims)["sub"].(string)
		claims = jwt.MapClaims{"iss": "sbqw", "sub": sub, "sid": sid, "exp": time.Now().Add(-time.Minute).Unix()}
	}
	expired, _ := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(testkit.JWTSecret)

	cases := map[string]string{
		"alg none":           none,
		"other key":          otherKey,
		"other algorithm":    hs512,
		"expired":            expired,
		"tampered payload":   parts[0] + "." + strings.ToUpper(parts[1][:4]) + parts[1][4:] + "." + parts[2],
		"garbage":            "not-a-token",
		"unknown api key":    "sbqw_abcdefghij_" + strings.Repeat("x", 43),
		"api key, bad shape": "sbqw_short",
	}
	for name, tok := range cases {
		t.Run(name, func(t *testing.T) {
			r := e.srv.API.As(tok).Do(t, meQuery, nil)
			r.Fail(t, "UNAUTHENTICATED")
			if r.Status != 401 {
				t.Fatalf("HTTP %d, want 401", r.Status)
			}
		})
	}
	// The good token still works.
	e.admin.Must(t, meQuery, nil, nil)
}

func TestLogoutAndDisablingRevokeTokens(t *testing.T) {
	e := newAuthEnv(t)
	second := e.srv.Login(t, "admin")
	e.admin.Must(t, `mutation { logout }`, nil, nil)
	e.admin.Do(t, meQuery, nil).Fail(t, "UNAUTHENTICATED")
	second.Must(t, meQuery, nil, nil) // other sessions live on

	auditor := e.srv.Login(t, "auditor")
	auditor.Must(t, meQuery, nil, nil)
	var users struct {
		Users struct {
			Edges []struct{ Node struct{ ID, Username string } }
		}
	}
	second.Must(t, `{ users(where: {username: "auditor"}) { edges { node { id username } } } }`, nil, &users)
	second.Must(t, `mutation($id: ID!) { updateUser(id: $id, input: {version: 1, status: DISABLED}) { status } }`,
		map[string]any{"id": users.Users.Edges[0].Node.ID}, nil)
	auditor.Do(t, meQuery, nil).Fail(t, "UNAUTHENTICATED")
	e.srv.API.Do(t, `mutation { login(username: "auditor", password: "`+testkit.Password+`") { token } }`, nil).Fail(t, "UNAUTHENTICATED")
}

func TestFailedLoginsAreRateLimitedButNeverLockedForGood(t *testing.T) {
	e := newAuthEnv(t)
	login := `mutation($p: String!) { login(username: "auditor", password: $p) { token } }`
	for i := 0; i < 5; i++ {
		e.srv.API.Do(t, login, map[string]any{"p": "wrong-password-1"}).Fail(t, "UNAUTHENTICATED")
	}
	r := e.srv.API.Do(t, login, map[string]any{"p": testkit.Password})
	got := r.Fail(t, "RATE_LIMITED")
	if secs, _ := got.Extensions["retryAfterSeconds"].(float64); secs <= 0 || secs > 15*60 {
		t.Fatalf("retry hint = %v", got.Extensions["retryAfterSeconds"])
	}
	// Another account from the same address is not locked by this one's failures, and
	// successful logins are never counted.
	for i := 0; i < 30; i++ {
		e.srv.Login(t, "admin")
	}
}

func TestAPIKeys(t *testing.T) {
	e := newAuthEnv(t)
	var created struct {
		CreateApiKey struct {
			Key    string
			ApiKey struct{ ID, Prefix string }
		}
	}
	e.admin.Must(t, `mutation { createApiKey(input: {name: "统计局对接"}) { key apiKey { id prefix } } }`, nil, &created)
	key := created.CreateApiKey.Key
	if !strings.HasPrefix(key, "sbqw_"+created.CreateApiKey.ApiKey.Prefix+"_") {
		t.Fatalf("key %q does not carry its prefix %q", key, created.CreateApiKey.ApiKey.Prefix)
	}
	withKey := e.srv.API.As(key)
	var me struct{ Me struct{ Username string } }
	withKey.Must(t, meQuery, nil, &me)
	if me.Me.Username != "admin" {
		t.Fatalf("an API key acts as its user, got %q", me.Me.Username)
	}
	// The database holds a hash, never the key.
	var stored string
	if err := e.srv.DB.SQL.QueryRow("SELECT secret_hash FROM api_keys").Scan(&stored); err != nil || strings.Contains(key, stored) || stored == key {
		t.Fatalf("stored secret %q (%v)", stored, err)
	}
	e.admin.Must(t, `mutation($id: ID!) { revokeApiKey(id: $id) { revokedAt } }`, map[string]any{"id": created.CreateApiKey.ApiKey.ID}, nil)
	withKey.Do(t, meQuery, nil).Fail(t, "UNAUTHENTICATED")

	// Expired keys stop working too.
	e.admin.Must(t, `mutation($at: Time!) { createApiKey(input: {name: "短期", expiresAt: $at}) { key } }`,
		map[string]any{"at": time.Now().Add(2 * time.Second).UTC().Format(time.RFC3339)}, &created)
	short := e.srv.API.As(created.CreateApiKey.Key)
	short.Must(t, meQuery, nil, nil)
	time.Sleep(2500 * time.Millisecond)
	short.Do(t, meQuery, nil).Fail(t, "UNAUTHENTICATED")

	// Only DISTRICT may mint keys in the default policy.
	e.srv.Login(t, "auditor").Do(t, `mutation { createApiKey(input: {name: "x"}) { key } }`, nil).Fail(t, "FORBIDDEN")
}

func TestChangePassword(t *testing.T) {
	e := newAuthEnv(t)
	other := e.srv.Login(t, "admin")
	q := `mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) }`
	e.admin.Do(t, q, map[string]any{"c": "wrong-current-1", "n": "a-new-password-2"}).Fail(t, "BAD_USER_INPUT")
	e.admin.Do(t, q, map[string]any{"c": testkit.Password, "n": "short1"}).Fail(t, "BAD_USER_INPUT")
	e.admin.Must(t, q, map[string]any{"c": testkit.Password, "n": "a-new-password-2"}, nil)
	e.admin.Must(t, meQuery, nil, nil)                   // this session survives
	other.Do(t, meQuery, nil).Fail(t, "UNAUTHENTICATED") // the others end
	e.srv.API.Must(t, `mutation { login(username: "admin", password: "a-new-password-2") { token } }`, nil, nil)
	n, err := e.srv.DB.Client.Session.Query().Where(session.RevokedAtNotNil()).Count(authz.Bypass(context.Background(), "test"))
	if err != nil || n < 1 {
		t.Fatalf("revoked sessions: %d (%v)", n, err)
	}
}
