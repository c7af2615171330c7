package httpapi_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"sync"
	"testing"

	"github.com/nanpiao/sbqw/httpapi"
	"github.com/nanpiao/sbqw/internal/testkit"
	"github.com/nanpiao/sbqw/shared"
)

// Two handlers on one database and one shared store stand for two replicas: a token's bucket
// is spent once across both, and a persisted query registered through one is known to the
// other.
func TestReplicasShareRateLimitAndAPQ(t *testing.T) {
	db := testkit.Open(t)
	defer db.Close()
	testkit.CreateUser(t, db.Client, "admin2", testkit.Binding{Role: "DISTRICT"})
	opts := httpapi.Options{RateLimit: 0.01, RateBurst: 10, Shared: shared.NewSQL(db.SQL, db.Dialect)}
	a, b := testkit.NewServerWith(t, db, opts), testkit.NewServerWith(t, db, opts)
	onA := a.Login(t, "admin2")
	onB := b.API.As(onA.Token)

	allowed, limited := 0, 0
	for i := range 30 {
		api := onA
		if i%2 == 1 {
			api = onB
		}
		switch r := api.Do(t, `{ me { id } }`, nil); {
		case len(r.Errors) == 0:
			allowed++
		case r.Code() == "RATE_LIMITED" && r.Status == 429:
			limited++
		default:
			t.Fatalf("request %d: %s", i, r.ErrorText())
		}
	}
	if allowed != 10 || limited != 20 {
		t.Errorf("30 requests over two replicas with a burst of 10: want 10 allowed, 20 refused; got %d and %d", allowed, limited)
	}

	// With a burst of 80 each handler leases 10 requests at a time: never more than the
	// bucket, at most 9 fewer (the other handler's unused lease).
	big := opts
	big.RateBurst = 80
	c, d := testkit.NewServerWith(t, db, big), testkit.NewServerWith(t, db, big)
	onC := c.Login(t, "admin2")
	onD := d.API.As(onC.Token)
	allowed = 0
	for i := range 200 {
		api := onC
		if i%2 == 1 {
			api = onD
		}
		if r := api.Do(t, `{ me { id } }`, nil); len(r.Errors) == 0 {
			allowed++
		}
	}
	if allowed > 80 || allowed < 71 {
		t.Errorf("200 requests over two replicas with a burst of 80 and leases of 10: %d allowed, want 71–80", allowed)
	}

	// Requests of one token arriving together at one replica each take a lease: what they
	// do not spend must stay spendable there, not be dropped (a burst through one replica
	// once got 23 of a bucket of 30). Only a lease outliving its second may lose its rest.
	e := testkit.NewServerWith(t, db, big)
	onE := e.Login(t, "admin2")
	var mu sync.Mutex
	var wg sync.WaitGroup
	allowed = 0
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 25 {
				r := onE.Do(t, `{ me { id } }`, nil)
				mu.Lock()
				if len(r.Errors) == 0 {
					allowed++
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if allowed > 80 || allowed < 71 {
		t.Errorf("200 requests from 8 goroutines through one replica with a burst of 80: %d allowed, want 71–80", allowed)
	}

	// APQ: registered on A (hash and text), then run on B by hash alone. A fresh token: the
	// first one's bucket is spent.
	tok := a.Login(t, "admin2").Token
	q := `{ me { username } }`
	sum := sha256.Sum256([]byte(q))
	ext := map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": hex.EncodeToString(sum[:])}}
	send := func(api *testkit.API, withText bool) *testkit.Response {
		body := map[string]any{"extensions": ext}
		if withText {
			body["query"] = q
		}
		raw, _ := json.Marshal(body)
		return api.As(tok).Raw(t, "POST", "application/json", raw)
	}
	if r := send(a.API, true); len(r.Errors) != 0 {
		t.Fatalf("registering on A: %s", r.ErrorText())
	}
	if r := send(b.API, false); len(r.Errors) != 0 || len(r.Data) == 0 {
		t.Errorf("the hash alone on B: %s", r.ErrorText())
	}
}
