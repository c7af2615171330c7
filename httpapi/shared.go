package httpapi

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/lru"
)

// SharedStore is the state of the HTTP layer that several replicas must see alike: the
// per-credential rate-limit buckets and the automatic-persisted-query cache. Package shared
// implements it on the database and on Redis; without one (a single process, SQLite) both stay
// in this process's memory.
type SharedStore interface {
	Take(ctx context.Context, key string, every time.Duration, burst, n int) (time.Duration, error)
	Get(ctx context.Context, key string) (string, bool, error)
	Put(ctx context.Context, key, value string, ttl time.Duration) error
}

// takeFunc spends one request of a credential's bucket: false and the wait when it is empty.
type takeFunc func(ctx context.Context, key string) (bool, time.Duration)

// newTaker returns the rate limiter of opts: the local bucket without a shared store, else a
// leasedTaker over it. A store that fails lets the request through: a limiter that turns a
// database hiccup into refusals would be worse than one that briefly does not limit.
func newTaker(opts Options) takeFunc {
	if opts.RateLimit <= 0 {
		return nil
	}
	if opts.Shared == nil {
		l := newRateLimiter(opts.RateLimit, opts.RateBurst)
		return func(_ context.Context, key string) (bool, time.Duration) { return l.take(key) }
	}
	return newLeasedTaker(opts).take
}

// leasedTaker spends a credential's shared bucket a few requests at a time, so that a request
// costs a statement (or round trip) only once per lease rather than every time. A replica takes
// a lease of leaseSize requests from the shared bucket and spends it locally for up to leaseTTL;
// what is left then is dropped. A refusal is remembered until its wait is over (the shared
// bucket cannot refill sooner), so a caller hammering while limited costs no statements.
//
// The bound: every request let through was spent from the shared bucket, so a credential never
// gets more than its rate and burst across all replicas; it may get up to
// (replicas − 1) × (leaseSize − 1) fewer in a second, leases left unused on other replicas.
// When a whole lease does not fit, one request is tried, so a bucket is spent to its last
// request.
type leasedTaker struct {
	store      SharedStore
	every      time.Duration
	burst, per int
	log        *slog.Logger

	mu     sync.Mutex
	leases map[string]*lease
	swept  time.Time
}

type lease struct {
	left    int
	until   time.Time // lease dropped after this
	refused time.Time // refused until this
}

// leaseTTL is how long a lease may be spent; leaseSize(burst) how many requests it holds.
const leaseTTL = time.Second

func leaseSize(burst int) int { return min(max(burst/8, 1), 10) }

func newLeasedTaker(opts Options) *leasedTaker {
	return &leasedTaker{store: opts.Shared, every: time.Duration(float64(time.Second) / opts.RateLimit),
		burst: opts.RateBurst, per: leaseSize(opts.RateBurst), log: opts.Logger, leases: map[string]*lease{}}
}

func (l *leasedTaker) take(ctx context.Context, key string) (bool, time.Duration) {
	now := time.Now()
	l.mu.Lock()
	le := l.leases[key]
	switch {
	case le != nil && now.Before(le.refused):
		l.mu.Unlock()
		return false, le.refused.Sub(now)
	case le != nil && le.left > 0 && now.Before(le.until):
		le.left--
		l.mu.Unlock()
		return true, 0
	}
	if now.Sub(l.swept) > time.Minute {
		l.sweep(now)
	}
	l.mu.Unlock()

	got := l.per
	wait, err := l.store.Take(ctx, "rate:"+key, l.every, l.burst, got)
	if err == nil && wait > 0 && got > 1 {
		got = 1
		wait, err = l.store.Take(ctx, "rate:"+key, l.every, l.burst, got)
	}
	if err != nil {
		if ctx.Err() == nil {
			l.log.WarnContext(ctx, "shared rate limit unavailable; request let through", "err", err)
		}
		return true, 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	// Requests of one credential arriving together each take a lease; what they did not spend
	// joins the lease in force rather than replacing it, or it would be lost to the caller.
	le = l.leases[key]
	live := le != nil && le.left > 0 && now.Before(le.until)
	if wait > 0 {
		if !live {
			l.leases[key] = &lease{refused: now.Add(wait)}
			return false, wait
		}
		le.left--
		return true, 0
	}
	if live {
		le.left += got - 1
		le.until = now.Add(leaseTTL)
		return true, 0
	}
	l.leases[key] = &lease{left: got - 1, until: now.Add(leaseTTL)}
	return true, 0
}

// sweep forgets leases and refusals that are over.
func (l *leasedTaker) sweep(now time.Time) {
	l.swept = now
	for k, le := range l.leases {
		if now.After(le.until) && now.After(le.refused) {
			delete(l.leases, k)
		}
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
