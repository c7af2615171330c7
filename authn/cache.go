package authn

import (
	"sync"
	"time"

	"github.com/nanpiao/sbqw/authz"
)

// credentials keeps, per credential, the viewer it stood for when last loaded — the session or
// API key, the user and its bindings of the day — so a warm request authenticates without a
// statement. Entries belong to a generation of authz.Policies: any change that could revoke
// access moves it (authz/revision.go), and entries of an older generation are never used.
// Expiry and the day the bindings were valid on are checked on every use.
type credentials struct {
	mu      sync.Mutex
	gen     uint64
	entries map[string]credential
}

type credential struct {
	viewer     *authz.Viewer // without policy and request fields; copied for each request
	expires    time.Time     // of the session or key (zero: never)
	day        time.Time     // the bindings are those valid on this day
	secretHash string        // API keys: the hash the presented key must match
}

// maxCredentials bounds the cache; past it the cache starts over (a reload costs one request
// its statements, not correctness).
const maxCredentials = 50_000

func (c *credentials) get(key string, gen uint64, now time.Time, day time.Time) (credential, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen {
		return credential{}, false
	}
	e, ok := c.entries[key]
	if !ok || !e.day.Equal(day) || (!e.expires.IsZero() && !e.expires.After(now)) {
		return credential{}, false
	}
	return e, true
}

// put stores what was loaded under gen, the generation read before loading: when a change
// moved the generation meanwhile, the entry is dropped with the rest.
func (c *credentials) put(key string, gen uint64, e credential) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen < c.gen {
		return
	}
	if gen != c.gen || c.entries == nil || len(c.entries) >= maxCredentials {
		c.gen, c.entries = gen, map[string]credential{}
	}
	c.entries[key] = e
}

// forRequest copies a cached viewer so that request fields set on it stay in one request.
func forRequest(v *authz.Viewer, policy *authz.Snapshot) *authz.Viewer {
	cp := *v
	return cp.WithPolicy(policy)
}
