// Package shared keeps the state that every replica of the server must see alike: rate-limit
// buckets, sign-in failure counters and the automatic-persisted-query cache. Two stores hold
// it — the database (table shared_states) or Redis (--redis) — chosen at start; both make each
// operation one atomic statement or script, so the answer is the same whether a credential's
// requests land on one replica or on several, and a check and its write never interleave with
// another replica's.
//
// Consumers declare the small interface they need (httpapi's rate limiter: Take; authn's
// throttle: Hit, Counts, Mark, Forget; the APQ cache: Get, Put); Store is their union.
package shared

import (
	"context"
	"time"
)

// Store is what the SQL and Redis stores both provide.
type Store interface {
	// Take spends n requests of key's token bucket, which earns a request back every `every`
	// and holds at most burst: 0 when they may go ahead, else how long until they may (nothing
	// is spent then). The bucket is GCRA: one stored number, the time at which it would be full.
	Take(ctx context.Context, key string, every time.Duration, burst, n int) (time.Duration, error)
	// Hit adds one to the fixed-window counter of each key; a counter whose window is over
	// starts again at 1 for a new window.
	Hit(ctx context.Context, window time.Duration, keys ...string) error
	// Counts returns the live counters among keys (missing or expired keys are absent).
	Counts(ctx context.Context, keys ...string) (map[string]Counter, error)
	// Mark sets key's counter to 1 for ttl (a flag that expires).
	Mark(ctx context.Context, key string, ttl time.Duration) error
	// Forget removes keys.
	Forget(ctx context.Context, keys ...string) error
	// Get returns the cached value of key.
	Get(ctx context.Context, key string) (string, bool, error)
	// Put caches value under key for ttl.
	Put(ctx context.Context, key, value string, ttl time.Duration) error
	// Prune deletes expired entries (Redis expires its own: 0).
	Prune(ctx context.Context) (int, error)
	// Kind names the store for logs: "database" or "redis".
	Kind() string
	Close() error
}

// Counter is a fixed-window counter: N hits in a window that ends at Until.
type Counter struct {
	N     int64
	Until time.Time
}

// maxKeyLen bounds stored keys (the database column is 190 characters); longer keys are
// shortened by hashing (see key).
const maxKeyLen = 190
