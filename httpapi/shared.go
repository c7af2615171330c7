package httpapi

import (
	"context"
	"log/slog"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/lru"
)

// SharedStore is the state of the HTTP layer that several replicas must see alike: the
// per-credential rate-limit buckets and the automatic-persisted-query cache. Package shared
// implements it on the database and on Redis; without one (a single process, SQLite) both stay
// in this process's memory.
type SharedStore interface {
	Take(ctx context.Context, key string, every time.Duration, burst int) (time.Duration, error)
	Get(ctx context.Context, key string) (string, bool, error)
	Put(ctx context.Context, key, value string, ttl time.Duration) error
}

// takeFunc spends one request of a credential's bucket: false and the wait when it is empty.
type takeFunc func(ctx context.Context, key string) (bool, time.Duration)

// newTaker returns the rate limiter of opts: the shared bucket when there is a store (one
// statement or round trip a request: the bucket is exact across replicas), else the local one.
// A store that fails lets the request through: a limiter that turns a database hiccup into
// refusals would be worse than one that briefly does not limit.
func newTaker(opts Options) takeFunc {
	if opts.RateLimit <= 0 {
		return nil
	}
	if opts.Shared == nil {
		l := newRateLimiter(opts.RateLimit, opts.RateBurst)
		return func(_ context.Context, key string) (bool, time.Duration) { return l.take(key) }
	}
	every := time.Duration(float64(time.Second) / opts.RateLimit)
	store, burst, log := opts.Shared, opts.RateBurst, opts.Logger
	return func(ctx context.Context, key string) (bool, time.Duration) {
		wait, err := store.Take(ctx, "rate:"+key, every, burst)
		if err != nil {
			if ctx.Err() == nil {
				log.WarnContext(ctx, "shared rate limit unavailable; request let through", "err", err)
			}
			return true, 0
		}
		return wait <= 0, wait
	}
}

// apqTTL is how long a registered automatic persisted query stays in the shared cache after
// it was last registered; a client whose hash is forgotten simply sends the text again.
const apqTTL = 24 * time.Hour

// sharedAPQ is the APQ cache across replicas: this process's LRU in front (no round trip for a
// hash it has seen), the shared store behind it, so a hash registered through one replica is
// known to the others.
type sharedAPQ struct {
	local *lru.LRU[string]
	store SharedStore
	log   *slog.Logger
}

var _ graphql.Cache[string] = (*sharedAPQ)(nil)

func newAPQCache(opts Options) graphql.Cache[string] {
	local := lru.New[string](opts.APQCacheSize)
	if opts.Shared == nil {
		return local
	}
	return &sharedAPQ{local: local, store: opts.Shared, log: opts.Logger}
}

func (c *sharedAPQ) Get(ctx context.Context, hash string) (string, bool) {
	if q, ok := c.local.Get(ctx, hash); ok {
		return q, true
	}
	q, ok, err := c.store.Get(ctx, "apq:"+hash)
	if err != nil {
		c.log.WarnContext(ctx, "shared APQ cache unavailable", "err", err)
		return "", false
	}
	if ok {
		c.local.Add(ctx, hash, q)
	}
	return q, ok
}

func (c *sharedAPQ) Add(ctx context.Context, hash, query string) {
	c.local.Add(ctx, hash, query)
	if err := c.store.Put(ctx, "apq:"+hash, query, apqTTL); err != nil {
		c.log.WarnContext(ctx, "shared APQ cache unavailable", "err", err)
	}
}
