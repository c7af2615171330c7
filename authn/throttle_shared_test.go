package authn_test

import (
	"context"
	"errors"
	"testing"

	"github.com/nanpiao/sbqw/apperr"
	"github.com/nanpiao/sbqw/authn"
	"github.com/nanpiao/sbqw/authz"
	"github.com/nanpiao/sbqw/internal/testkit"
	"github.com/nanpiao/sbqw/shared"
)

// Two services on one database stand for two replicas sharing the sign-in throttle: failures
// counted on one hold back the (address, account) pair on the other; a different account from
// the same noisy address still signs in; a success clears the pair everywhere.
func TestSharedThrottleHoldsAcrossReplicas(t *testing.T) {
	db := testkit.Open(t)
	defer db.Close()
	ctx := context.Background()
	testkit.CreateUser(t, db.Client, "alice")
	testkit.CreateUser(t, db.Client, "bob")
	policies, err := authz.LoadPolicies(ctx, db.Client)
	if err != nil {
		t.Fatal(err)
	}
	store := shared.NewSQL(db.SQL, db.Dialect)
	replica := func() *authn.Service {
		return authn.New(db.Client, policies, authn.Config{Secret: make([]byte, 32), ThrottleStore: store,
			Throttle: authn.ThrottleConfig{PairFailures: 3}})
	}
	a, b := replica(), replica()
	code := func(err error) apperr.Code {
		var e *apperr.Error
		if errors.As(err, &e) {
			return e.Code
		}
		return ""
	}
	const addr = "10.9.8.7"
	for i, s := range []*authn.Service{a, b, a} {
		if _, _, _, err := s.Login(ctx, "alice", "wrong-password-1", "", addr); code(err) != apperr.Unauthenticated {
			t.Fatalf("failure %d: want UNAUTHENTICATED, got %v", i+1, err)
		}
	}
	for name, s := range map[string]*authn.Service{"a": a, "b": b} {
		if _, _, _, err := s.Login(ctx, "alice", testkit.Password, "", addr); code(err) != apperr.RateLimited {
			t.Errorf("replica %s after 3 failures on the pair (limit 3): want RATE_LIMITED, got %v", name, err)
		}
	}
	if _, _, _, err := b.Login(ctx, "bob", testkit.Password, "", addr); err != nil {
		t.Errorf("another account from the same address: %v", err)
	}
	if _, _, _, err := b.Login(ctx, "alice", testkit.Password, "", "10.1.1.1"); err != nil {
		t.Errorf("alice from another address: %v", err)
	}
}
