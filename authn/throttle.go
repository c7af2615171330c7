package authn

import (
	"sync"
	"time"
)

// ThrottleConfig bounds failed sign-ins. The limits are chosen so that one noisy client cannot
// lock out others: an address that fails is slowed down only for the accounts it failed on,
// and held back as a whole only while the server as a whole is under a spray of failures.
type ThrottleConfig struct {
	PairFailures    int           // failures of one address on one account in Window (5)
	AccountFailures int           // failures on one account from all addresses in Window (20)
	GlobalFailures  int           // failures server-wide in Window before noisy addresses are held back (1000)
	AddressFailures int           // failures in Window that make an address noisy (20)
	Window          time.Duration // sliding window of every limit (15m)
	KnownGoodFor    time.Duration // an address that signed in to an account skips that account's limit this long (30 days)
}

func (c ThrottleConfig) withDefaults() ThrottleConfig {
	set := func(v *int, def int) {
		if *v <= 0 {
			*v = def
		}
	}
	set(&c.PairFailures, 5)
	set(&c.AccountFailures, 20)
	set(&c.GlobalFailures, 1000)
	set(&c.AddressFailures, 20)
	if c.Window <= 0 {
		c.Window = 15 * time.Minute
	}
	if c.KnownGoodFor <= 0 {
		c.KnownGoodFor = 30 * 24 * time.Hour
	}
	return c
}

// throttle keeps the failure counts of sign-ins. Only failures are counted: successful
// sign-ins (tests and clients log in many accounts from one address) never slow anyone down.
type throttle struct {
	cfg       ThrottleConfig
	pairs     *failureLimiter // address + account
	accounts  *failureLimiter // account, from anywhere
	addresses *failureLimiter // address, only consulted under global pressure
	global    *failureLimiter // one key: the whole server

	mu        sync.Mutex
	knownGood map[string]time.Time // address + account → last successful sign-in
}

func newThrottle(cfg ThrottleConfig) *throttle {
	cfg = cfg.withDefaults()
	return &throttle{cfg: cfg,
		pairs:     newFailureLimiter(cfg.PairFailures, cfg.Window),
		accounts:  newFailureLimiter(cfg.AccountFailures, cfg.Window),
		addresses: newFailureLimiter(cfg.AddressFailures, cfg.Window),
		global:    newFailureLimiter(cfg.GlobalFailures, cfg.Window),
		knownGood: map[string]time.Time{},
	}
}

const globalKey = "*"

func pairKey(addr, account string) string { return addr + "\x00" + account }

// wait returns how long a sign-in of account from addr must wait before its password is even
// checked (0: go ahead).
//   - The (address, account) limit always applies: it is what stops one client guessing.
//   - The account limit stops guessing spread over many addresses; an address that signed in
//     to the account before is exempt, so the owner still gets in while the account is attacked
//     from elsewhere.
//   - The address limit applies only while the global failure budget is spent: then addresses
//     that keep failing are held back, while quiet addresses (and known-good pairs) still pass.
//     A township's NAT is never locked out because one of its users mistypes.
func (t *throttle) wait(addr, account string, now time.Time) time.Duration {
	pair := pairKey(addr, account)
	w := t.pairs.retryAfter(pair, now)
	good := t.isKnownGood(pair, now)
	if !good {
		w = max(w, t.accounts.retryAfter(account, now))
	}
	if !good && t.global.retryAfter(globalKey, now) > 0 {
		w = max(w, t.addresses.retryAfter(addr, now))
	}
	return w
}

// fail counts a wrong password (or unknown account).
func (t *throttle) fail(addr, account string, now time.Time) {
	t.pairs.fail(pairKey(addr, account), now)
	t.accounts.fail(account, now)
	t.addresses.fail(addr, now)
	t.global.fail(globalKey, now)
}

// succeed clears the pair's failures and remembers the pair as known good. The account's and
// the address's failures stay: a success does not prove that the others were harmless.
func (t *throttle) succeed(addr, account string, now time.Time) {
	pair := pairKey(addr, account)
	t.pairs.reset(pair)
	t.mu.Lock()
	defer t.mu.Unlock()
	t.knownGood[pair] = now
	if len(t.knownGood) > 100_000 { // bound memory: forget the expired, then the oldest half
		for k, at := range t.knownGood {
			if now.Sub(at) >= t.cfg.KnownGoodFor || len(t.knownGood) > 50_000 {
				delete(t.knownGood, k)
			}
		}
	}
}

func (t *throttle) isKnownGood(pair string, now time.Time) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	at, ok := t.knownGood[pair]
	return ok && now.Sub(at) < t.cfg.KnownGoodFor
}
