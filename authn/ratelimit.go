package authn

import (
	"sync"
	"time"
)

// failureLimiter counts failed sign-ins per key (an account, a client address) in a sliding
// window. Past the limit the key must wait until its oldest failure leaves the window: a
// temporary slow-down, never a permanent lock-out. Successful sign-ins are not counted.
type failureLimiter struct {
	mu       sync.Mutex
	limit    int
	window   time.Duration
	failures map[string][]time.Time
}

func newFailureLimiter(limit int, window time.Duration) *failureLimiter {
	return &failureLimiter{limit: limit, window: window, failures: map[string][]time.Time{}}
}

// retryAfter returns how long key must wait before another attempt (0: go ahead).
func (l *failureLimiter) retryAfter(key string, now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	f := l.prune(key, now)
	if len(f) < l.limit {
		return 0
	}
	return f[len(f)-l.limit].Add(l.window).Sub(now)
}

func (l *failureLimiter) fail(key string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	f := append(l.prune(key, now), now)
	if len(f) > l.limit*2 {
		f = f[len(f)-l.limit*2:]
	}
	l.failures[key] = f
	if len(l.failures) > 100_000 { // bound memory under a spray of usernames
		l.sweep(now)
	}
}

func (l *failureLimiter) reset(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.failures, key)
}

func (l *failureLimiter) prune(key string, now time.Time) []time.Time {
	f := l.failures[key]
	i := 0
	for i < len(f) && now.Sub(f[i]) >= l.window {
		i++
	}
	f = f[i:]
	if len(f) == 0 {
		delete(l.failures, key)
		return nil
	}
	l.failures[key] = f
	return f
}

func (l *failureLimiter) sweep(now time.Time) {
	for k := range l.failures {
		l.prune(k, now)
	}
}
