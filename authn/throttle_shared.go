package authn

import (
	"context"
	"log/slog"
	"time"

	"github.com/nanpiao/sbqw/shared"
)

// ThrottleStore keeps the sign-in failure counters where every replica sees them (package
// shared: the database or Redis). Without one they stay in this process (throttle.go).
type ThrottleStore interface {
	Hit(ctx context.Context, window time.Duration, keys ...string) error
	Counts(ctx context.Context, keys ...string) (map[string]shared.Counter, error)
	Mark(ctx context.Context, key string, ttl time.Duration) error
	Forget(ctx context.Context, keys ...string) error
}

// signInThrottle is what Login asks before and tells after checking a password.
type signInThrottle interface {
	check(ctx context.Context, addr, account string, now time.Time) time.Duration
	failed(ctx context.Context, addr, account string, now time.Time)
	succeeded(ctx context.Context, addr, account string, now time.Time)
}

func newSignInThrottle(cfg Config) signInThrottle {
	if cfg.ThrottleStore == nil {
		return localThrottle{newThrottle(cfg.Throttle)}
	}
	return &sharedThrottle{cfg: cfg.Throttle.withDefaults(), store: cfg.ThrottleStore}
}

// localThrottle is the in-process throttle (one replica).
type localThrottle struct{ t *throttle }

func (l localThrottle) check(_ context.Context, addr, account string, now time.Time) time.Duration {
	return l.t.wait(addr, account, now)
}
func (l localThrottle) failed(_ context.Context, addr, account string, now time.Time) {
	l.t.fail(addr, account, now)
}
func (l localThrottle) succeeded(_ context.Context, addr, account string, now time.Time) {
	l.t.succeed(addr, account, now)
}

// sharedThrottle applies the rules of throttle.wait to counters in the shared store: one
// read of five counters before the password is checked, one write after a failure (all four
// counters in one statement), a delete and a mark after a success.
//
// The counters are fixed windows, not the sliding window of the local throttle: a limit of L
// failures per window W lets at most 2L through in any span of W (L at the end of one window,
// L at the start of the next), and a key over its limit waits until its window ends. A store
// that fails lets the sign-in go on (the password check needs the database anyway) and is
// logged.
type sharedThrottle struct {
	cfg   ThrottleConfig
	store ThrottleStore
}

func throttleKeys(addr, account string) (pair, acct, address, good string) {
	p := pairKey(addr, account)
	return "fail:pair:" + p, "fail:acct:" + account, "fail:addr:" + addr, "good:" + p
}

const globalFailKey = "fail:all"

func (s *sharedThrottle) check(ctx context.Context, addr, account string, now time.Time) time.Duration {
	pair, acct, address, good := throttleKeys(addr, account)
	c, err := s.store.Counts(ctx, pair, acct, address, good, globalFailKey)
	if err != nil {
		slog.WarnContext(ctx, "shared sign-in throttle unavailable; sign-in not throttled", "err", err)
		return 0
	}
	over := func(key string, limit int) time.Duration {
		if x, ok := c[key]; ok && x.N >= int64(limit) {
			return max(x.Until.Sub(now), time.Second)
		}
		return 0
	}
	w := over(pair, s.cfg.PairFailures)
	if _, known := c[good]; !known {
		w = max(w, over(acct, s.cfg.AccountFailures))
		if over(globalFailKey, s.cfg.GlobalFailures) > 0 {
			w = max(w, over(address, s.cfg.AddressFailures))
		}
	}
	return w
}

func (s *sharedThrottle) failed(ctx context.Context, addr, account string, _ time.Time) {
	pair, acct, address, _ := throttleKeys(addr, account)
	if err := s.store.Hit(ctx, s.cfg.Window, pair, acct, address, globalFailKey); err != nil {
		slog.WarnContext(ctx, "shared sign-in throttle unavailable; failure not counted", "err", err)
	}
}

func (s *sharedThrottle) succeeded(ctx context.Context, addr, account string, _ time.Time) {
	pair, _, _, good := throttleKeys(addr, account)
	err := s.store.Forget(ctx, pair)
	if err == nil {
		err = s.store.Mark(ctx, good, s.cfg.KnownGoodFor)
	}
	if err != nil {
		slog.WarnContext(ctx, "shared sign-in throttle unavailable", "err", err)
	}
}
