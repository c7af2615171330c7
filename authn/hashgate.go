package authn

import (
	"runtime/debug"
	"sync"
	"sync/atomic"
)

// DefaultHashMemory is the memory budget of concurrent password hashing: three argon2id
// hashes of 64 MiB each.
const DefaultHashMemory = 3 * argonMemory * 1024

// hashGate bounds the memory that password hashes in progress may hold. Each argon2id
// verification needs its whole memory parameter at once (64 MiB), so without a bound a burst
// of sign-ins can exhaust the server's memory. A verification that does not fit is refused at
// once rather than queued: a queue would only move the burst into waiting goroutines and
// timeouts, and the client is better told to retry.
type hashGate struct {
	mu     sync.Mutex
	budget int64
	used   int64

	// returnMemory runs when the last hash in progress ends (debug.FreeOSMemory; tests count
	// it). A finished hash leaves its 64 MiB as garbage that Go's heap keeps as idle memory for
	// minutes, so one sign-in otherwise raises the server's resident size by 64-128 MiB long
	// after it ended — more than the rest of its working set. Returning it costs one garbage
	// collection of a small heap per burst of sign-ins, beside 0.1 s of hashing per sign-in.
	returnMemory func()
	returning    atomic.Bool
}

func newHashGate(budget int64) *hashGate {
	if budget <= 0 {
		budget = DefaultHashMemory
	}
	return &hashGate{budget: budget, returnMemory: debug.FreeOSMemory}
}

// acquire reserves cost bytes; false when they do not fit. A hash larger than the whole budget
// still runs when nothing else does, so a small budget slows sign-ins but never stops them.
func (g *hashGate) acquire(cost int64) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.used > 0 && g.used+cost > g.budget {
		return false
	}
	g.used += cost
	return true
}

// release frees cost bytes of the budget; when no hash is left in progress, the hashes' memory
// is handed back to the operating system in the background (one return at a time).
func (g *hashGate) release(cost int64) {
	g.mu.Lock()
	g.used -= cost
	idle := g.used == 0
	g.mu.Unlock()
	if idle && g.returning.CompareAndSwap(false, true) {
		go func() {
			defer g.returning.Store(false)
			g.returnMemory()
		}()
	}
}

// hashCost is the memory a verification against hash needs, in bytes.
func hashCost(hash string) int64 {
	if hash == "" {
		hash = dummyHash
	}
	p, _, _, err := decodeHash(hash)
	if err != nil {
		return 0
	}
	return int64(p.memory) * 1024
}
