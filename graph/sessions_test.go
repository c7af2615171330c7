package graph_test

import (
	"context"
	"testing"
	"time"

	"github.com/nanpiao/sbqw/authn"
	"github.com/nanpiao/sbqw/authz"
	"github.com/nanpiao/sbqw/ent/schema/enum"
	"github.com/nanpiao/sbqw/ent/session"
	"github.com/nanpiao/sbqw/internal/testkit"
)

// TestPruneSessions: sessions that ended before the retention period are deleted; recent,
// revoked-lately and live ones stay, and a live token keeps working.
func TestPruneSessions(t *testing.T) {
	db := testkit.Open(t)
	t.Cleanup(db.Close)
	srv := testkit.NewServer(t, db)
	uid := testkit.CreateUser(t, db.Client, "auditor", testkit.Binding{Role: enum.RoleAuditor})
	live := srv.Login(t, "auditor")

	ctx := authz.Bypass(context.Background(), "test fixture")
	now := time.Now().UTC()
	old := now.Add(-authn.SessionRetention - time.Hour)
	recent := now.Add(-authn.SessionRetention + time.Hour)
	add := func(token string, expires time.Time, revoked *time.Time) {
		if err := db.Client.Session.Create().SetUserID(uid).SetTokenID(token).SetExpiresAt(expires).SetNillableRevokedAt(revoked).Exec(ctx); err != nil {
			t.Fatal(err)
		}
	}
	add("expired-long-ago", old, nil)
	add("revoked-long-ago", now.Add(time.Hour), &old)
	add("expired-lately", recent, nil)
	add("revoked-lately", now.Add(time.Hour), &recent)

	n, err := srv.App.Auth.PruneSessions(context.Background())
	if err != nil || n != 2 {
		t.Fatalf("pruned %d sessions (%v), want the 2 that ended before the retention period", n, err)
	}
	left, err := db.Client.Session.Query().Where(session.UserID(uid)).Count(ctx)
	if err != nil || left != 3 {
		t.Fatalf("%d sessions left (%v), want the live one and the two that ended lately", left, err)
	}
	live.Must(t, `{ me { username } }`, nil, nil)
}
