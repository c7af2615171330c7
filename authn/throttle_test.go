package authn

import (
	"testing"
	"time"
)

var t0 = time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)

func failN(th *throttle, addr, account string, n int, now time.Time) {
	for i := 0; i < n; i++ {
		th.fail(addr, account, now)
	}
}

func TestThrottle(t *testing.T) {
	cfg := ThrottleConfig{PairFailures: 5, AccountFailures: 20, GlobalFailures: 50, AddressFailures: 10, Window: 15 * time.Minute}
	type attempt struct {
		addr, account string
		held          bool
	}
	cases := []struct {
		name  string
		setup func(th *throttle)
		try   []attempt
	}{
		{"an address that fails on an account is held back on that account only",
			func(th *throttle) { failN(th, "10.0.0.1", "alice", 5, t0) },
			[]attempt{{"10.0.0.1", "alice", true}, {"10.0.0.1", "bob", false}, {"10.0.0.2", "alice", false}}},
		{"four failures are not yet a limit",
			func(th *throttle) { failN(th, "10.0.0.1", "alice", 4, t0) },
			[]attempt{{"10.0.0.1", "alice", false}}},
		{"one noisy address behind a NAT does not lock out its neighbours, even after failing on many accounts",
			func(th *throttle) {
				for _, a := range []string{"a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8"} {
					failN(th, "10.0.0.1", a, 4, t0) // 32 failures, under the global budget
				}
			},
			[]attempt{{"10.0.0.1", "carol", false}, {"10.0.0.1", "a1", false}}},
		{"guessing spread over many addresses holds the account back",
			func(th *throttle) {
				for i := 0; i < 20; i++ {
					th.fail("10.1.0."+string(rune('a'+i)), "alice", t0)
				}
			},
			[]attempt{{"10.9.9.9", "alice", true}, {"10.9.9.9", "bob", false}}},
		{"an address that signed in to the account before is exempt from the account's limit",
			func(th *throttle) {
				th.succeed("10.0.0.7", "alice", t0.Add(-time.Hour))
				for i := 0; i < 20; i++ {
					th.fail("10.1.0."+string(rune('a'+i)), "alice", t0)
				}
			},
			[]attempt{{"10.0.0.7", "alice", false}, {"10.9.9.9", "alice", true}}},
		{"but not from its own pair limit",
			func(th *throttle) {
				th.succeed("10.0.0.7", "alice", t0.Add(-time.Hour))
				failN(th, "10.0.0.7", "alice", 5, t0)
			},
			[]attempt{{"10.0.0.7", "alice", true}}},
		{"under a spray that spends the global budget, noisy addresses are held back and quiet ones are not",
			func(th *throttle) {
				for i := 0; i < 50; i++ {
					th.fail("10.6.6.6", "user"+string(rune('A'+i)), t0)
				}
			},
			[]attempt{{"10.6.6.6", "dave", true}, {"10.0.0.3", "dave", false}}},
		{"a known-good pair gets through even then",
			func(th *throttle) {
				th.succeed("10.6.6.6", "erin", t0.Add(-time.Hour))
				for i := 0; i < 50; i++ {
					th.fail("10.6.6.6", "user"+string(rune('A'+i)), t0)
				}
			},
			[]attempt{{"10.6.6.6", "erin", false}}},
		{"a success clears the pair's failures",
			func(th *throttle) {
				failN(th, "10.0.0.1", "alice", 4, t0)
				th.succeed("10.0.0.1", "alice", t0)
				failN(th, "10.0.0.1", "alice", 4, t0)
			},
			[]attempt{{"10.0.0.1", "alice", false}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			th := newThrottle(cfg)
			c.setup(th)
			for _, a := range c.try {
				w := th.wait(a.addr, a.account, t0.Add(time.Second))
				if (w > 0) != a.held {
					t.Errorf("%s → %s: wait %v, want held=%v", a.addr, a.account, w, a.held)
				}
				if w > cfg.Window {
					t.Errorf("wait %v longer than the window", w)
				}
			}
			// Every limit is temporary.
			for _, a := range c.try {
				if w := th.wait(a.addr, a.account, t0.Add(cfg.Window)); w != 0 {
					t.Errorf("%s → %s still held after the window: %v", a.addr, a.account, w)
				}
			}
		})
	}
}

func TestHashGate(t *testing.T) {
	const mib = 1 << 20
	g := newHashGate(192 * mib)
	for i := 0; i < 3; i++ {
		if !g.acquire(64 * mib) {
			t.Fatalf("hash %d within the budget refused", i+1)
		}
	}
	if g.acquire(64 * mib) {
		t.Fatal("a fourth 64 MiB hash fits in 192 MiB")
	}
	g.release(64 * mib)
	if !g.acquire(64 * mib) {
		t.Fatal("a released slot is not reusable")
	}

	small := newHashGate(16 * mib)
	if !small.acquire(64 * mib) {
		t.Fatal("a budget smaller than one hash must still let one run at a time")
	}
	if small.acquire(64 * mib) {
		t.Fatal("a second hash over a small budget")
	}
	if hashCost("") != argonMemory*1024 {
		t.Fatalf("cost of the dummy hash = %d", hashCost(""))
	}
}

// The hashes' memory goes back to the OS when the last hash in progress ends, not while others
// still run (they would only allocate it again).
func TestHashGateReturnsMemoryWhenIdle(t *testing.T) {
	const mib = 1 << 20
	g := newHashGate(192 * mib)
	returned := make(chan struct{}, 4)
	g.returnMemory = func() { returned <- struct{}{} }
	g.acquire(64 * mib)
	g.acquire(64 * mib)
	g.release(64 * mib)
	select {
	case <-returned:
		t.Fatal("memory returned while a hash is still in progress")
	case <-time.After(50 * time.Millisecond):
	}
	g.release(64 * mib)
	select {
	case <-returned:
	case <-time.After(5 * time.Second):
		t.Fatal("memory not returned after the last hash ended")
	}
}

// The dummy hash verified for unknown users is a constant; it must cost what a real one costs,
// or a wrong username would answer faster than a wrong password.
func TestDummyHashHasProductionCost(t *testing.T) {
	p, salt, key, err := decodeHash(dummyHash)
	if err != nil {
		t.Fatal(err)
	}
	want := ProductionHashCost
	if p.memory != want.MemoryKiB || p.time != want.Time || p.threads != want.Threads || len(key) != argonKeyLen || len(salt) != saltLen {
		t.Fatalf("dummy hash params %+v, key %d, salt %d; want %+v", p, len(key), len(salt), want)
	}
}
