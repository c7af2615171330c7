package graph_test

import (
	"context"
	"testing"
	"time"

	"github.com/nanpiao/sbqw/authz"
	"github.com/nanpiao/sbqw/ent/schema/enum"
	"github.com/nanpiao/sbqw/ent/user"
	"github.com/nanpiao/sbqw/graph/scalar"
	"github.com/nanpiao/sbqw/internal/testkit"
)

// revocationBound is how soon a change made through one replica must reach the other: the
// one-second bound of the credential cache plus a margin for a loaded test machine. It is a
// deadline for "refused by then", not a measure of speed.
const revocationBound = time.Second + 500*time.Millisecond

// TestRevocationReachesOtherReplicas: two servers on one database, each with its own client
// and caches. Whatever takes access away through one — logout, a password change or reset,
// disabling the user, revoking an API key, removing a binding, editing the policy — is refused
// by the other within the bound, though it had the credential cached; a binding added is seen
// as well. A warm request on either authenticates without a statement.
func TestRevocationReachesOtherReplicas(t *testing.T) {
	db := testkit.Open(t)
	t.Cleanup(db.Close)
	a := testkit.NewServer(t, db)
	replica := db.Replica()
	b := testkit.NewServer(t, replica)

	ctx := authz.Bypass(context.Background(), "test fixture")
	c := db.Client
	d := c.District.Create().SetCode("211404000000").SetName("南票区").SaveX(ctx)
	tw := c.Township.Create().SetDistrictID(d.ID).SetCode("211404100000").SetName("沙锅屯乡").SaveX(ctx)
	v := c.Village.Create().SetTownshipID(tw.ID).SetCode("211404100200").SetName("沙锅屯村").SaveX(ctx)
	c.Household.Create().SetVillageID(v.ID).SetTownshipID(tw.ID).SetNumber("1").SetHeadName("户主").SaveX(ctx)

	testkit.CreateUser(t, c, "admin", testkit.Binding{Role: enum.RoleDistrict})
	admin := a.Login(t, "admin")
	newUser := func(name string, bindings ...testkit.Binding) int {
		return testkit.CreateUser(t, c, name, bindings...)
	}
	townshipBinding := testkit.Binding{Role: enum.RoleTownship, TownshipID: &tw.ID}
	version := func(id int) int { return c.User.Query().Where(user.ID(id)).OnlyX(ctx).Version }
	const households = `{ households { totalCount } }`
	onB := func(token string) *testkit.API { return b.API.As(token) }

	// refusedOnB waits until api gets code (or a totalCount other than before) from B.
	refusedOnB := func(t *testing.T, api *testkit.API, query, code string) {
		t.Helper()
		deadline := time.Now().Add(revocationBound)
		for {
			r := api.Do(t, query, nil)
			if r.Code() == code {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("replica B still answers %q (%s) %v after the change on A, want %s", r.Code(), r.Data, revocationBound, code)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	// warm makes B cache the credential, and shows a warm request runs no statement.
	warm := func(t *testing.T, api *testkit.API) {
		t.Helper()
		api.Must(t, `{ __typename }`, nil, nil)
		// An API key's first use records last_used_at off the request path; let it land
		// before counting what the request itself runs. The setup's own revoking writes (the
		// user's binding) may reach B's revision check only now: ask once more, then count.
		time.Sleep(time.Second)
		api.Must(t, `{ __typename }`, nil, nil)
		replica.Counter.Start()
		api.Must(t, `{ __typename }`, nil, nil)
		if n := replica.Counter.Stop(); len(n) != 0 {
			t.Fatalf("a warm request ran %d statements: %q", len(n), n)
		}
	}

	t.Run("logout", func(t *testing.T) {
		newUser("u_logout", townshipBinding)
		tok := a.Login(t, "u_logout")
		warm(t, onB(tok.Token))
		tok.Must(t, `mutation { logout }`, nil, nil)
		refusedOnB(t, onB(tok.Token), meQuery, "UNAUTHENTICATED")
	})
	t.Run("password change", func(t *testing.T) {
		newUser("u_change", townshipBinding)
		one, other := a.Login(t, "u_change"), a.Login(t, "u_change")
		warm(t, onB(other.Token))
		one.Must(t, `mutation { changePassword(currentPassword: "`+testkit.Password+`", newPassword: "a-new-password-2") }`, nil, nil)
		refusedOnB(t, onB(other.Token), meQuery, "UNAUTHENTICATED")
		onB(one.Token).Must(t, meQuery, nil, nil) // the session that changed it lives on
	})
	t.Run("password reset", func(t *testing.T) {
		id := newUser("u_reset", townshipBinding)
		tok := a.Login(t, "u_reset")
		warm(t, onB(tok.Token))
		admin.Must(t, `mutation($id: ID!) { resetPassword(id: $id) { temporaryPassword } }`, map[string]any{"id": scalar.EncodeID(id)}, nil)
		refusedOnB(t, onB(tok.Token), meQuery, "UNAUTHENTICATED")
	})
	t.Run("user disabled", func(t *testing.T) {
		id := newUser("u_disable", townshipBinding)
		tok := a.Login(t, "u_disable")
		warm(t, onB(tok.Token))
		admin.Must(t, `mutation($id: ID!, $v: Int!) { updateUser(id: $id, input: {version: $v, status: DISABLED}) { status } }`,
			map[string]any{"id": scalar.EncodeID(id), "v": version(id)}, nil)
		refusedOnB(t, onB(tok.Token), meQuery, "UNAUTHENTICATED")
	})
	t.Run("api key revoked", func(t *testing.T) {
		var created struct {
			CreateApiKey struct {
				Key    string
				ApiKey struct{ ID string }
			}
		}
		admin.Must(t, `mutation { createApiKey(input: {name: "对接"}) { key apiKey { id } } }`, nil, &created)
		warm(t, onB(created.CreateApiKey.Key))
		admin.Must(t, `mutation($id: ID!) { revokeApiKey(id: $id) { revokedAt } }`, map[string]any{"id": created.CreateApiKey.ApiKey.ID}, nil)
		refusedOnB(t, onB(created.CreateApiKey.Key), meQuery, "UNAUTHENTICATED")
	})
	t.Run("binding removed", func(t *testing.T) {
		newUser("u_unbind", townshipBinding)
		tok := a.Login(t, "u_unbind")
		warm(t, onB(tok.Token))
		onB(tok.Token).Must(t, households, nil, nil)
		var me struct {
			Me struct{ RoleBindings []struct{ ID string } }
		}
		tok.Must(t, `{ me { roleBindings { id } } }`, nil, &me)
		admin.Must(t, `mutation($id: ID!) { deleteRoleBinding(id: $id) }`, map[string]any{"id": me.Me.RoleBindings[0].ID}, nil)
		refusedOnB(t, onB(tok.Token), households, "FORBIDDEN")
	})
	t.Run("binding added", func(t *testing.T) {
		id := newUser("u_bind")
		tok := a.Login(t, "u_bind")
		warm(t, onB(tok.Token))
		onB(tok.Token).Do(t, households, nil).Fail(t, "FORBIDDEN")
		admin.Must(t, `mutation($u: ID!, $tw: ID!) { createRoleBinding(userID: $u, input: {role: TOWNSHIP, townshipID: $tw}) { id } }`,
			map[string]any{"u": scalar.EncodeID(id), "tw": scalar.EncodeID(tw.ID)}, nil)
		refusedOnB(t, onB(tok.Token), households, "") // "" : answered without an error
	})
	t.Run("policy edit", func(t *testing.T) {
		newUser("u_policy", townshipBinding)
		tok := a.Login(t, "u_policy")
		warm(t, onB(tok.Token))
		onB(tok.Token).Must(t, households, nil, nil)
		line := map[string]any{"role": "TOWNSHIP", "object": "household", "action": "read", "scope": "TOWNSHIP"}
		admin.Must(t, `mutation($l: PolicyRuleInput!) { updatePolicies(remove: [$l]) { role } }`, map[string]any{"l": line}, nil)
		refusedOnB(t, onB(tok.Token), households, "FORBIDDEN")
	})
	t.Run("a warm request runs no statement on either replica", func(t *testing.T) {
		admin.Must(t, `{ __typename }`, nil, nil)
		db.Counter.Start()
		admin.Must(t, `{ __typename }`, nil, nil)
		if n := db.Counter.Stop(); len(n) != 0 {
			t.Fatalf("a warm request ran %d statements: %q", len(n), n)
		}
	})
}
