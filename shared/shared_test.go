package shared_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nanpiao/sbqw/internal/testkit"
	"github.com/nanpiao/sbqw/shared"
)

// RedisEnv runs the Redis variants (Redis on 127.0.0.1:6379, or SBQW_TEST_REDIS_URL).
const RedisEnv = "SBQW_TEST_REDIS"

// stores runs f on the database store of a fresh test database (SQLite, or MariaDB with
// MYSQL_TEST_DSN) and, with SBQW_TEST_REDIS=1, on Redis. Keys get a random prefix so that runs
// sharing a Redis do not see each other.
func stores(t *testing.T, f func(t *testing.T, s shared.Store, p string)) {
	t.Run("database", func(t *testing.T) {
		db := testkit.Open(t)
		t.Cleanup(db.Close)
		f(t, shared.NewSQL(db.SQL, db.Dialect), prefix())
	})
	t.Run("redis", func(t *testing.T) {
		if os.Getenv(RedisEnv) != "1" {
			t.Skipf("set %s=1 to test against Redis", RedisEnv)
		}
		s, err := shared.OpenRedis(context.Background(), redisURL())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		f(t, s, prefix())
	})
}

func redisURL() string {
	if u := os.Getenv("SBQW_TEST_REDIS_URL"); u != "" {
		return u
	}
	return "redis://127.0.0.1:6379/0"
}

func prefix() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return "test" + hex.EncodeToString(b) + ":"
}

// together runs n calls released at the same instant.
func together(n int, f func(i int)) {
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			f(i)
		}()
	}
	close(start)
	wg.Wait()
}

func TestTakeAllowsBurstThenRefusesWithWait(t *testing.T) {
	stores(t, func(t *testing.T, s shared.Store, p string) {
		ctx := context.Background()
		for i := range 5 {
			if w, err := s.Take(ctx, p+"bucket", time.Hour, 5, 1); err != nil || w != 0 {
				t.Fatalf("take %d of a burst of 5: wait %v, err %v", i+1, w, err)
			}
		}
		w, err := s.Take(ctx, p+"bucket", time.Hour, 5, 1)
		if err != nil || w <= 0 || w > time.Hour {
			t.Fatalf("6th take: want a wait in (0, 1h], got %v, err %v", w, err)
		}
		if w, _ := s.Take(ctx, p+"other", time.Hour, 5, 1); w != 0 {
			t.Fatalf("another key shares the bucket: wait %v", w)
		}
		// Several at once: 4 of the 5 left fit, 5 do not (and spend nothing), 1 more fits.
		if w, _ := s.Take(ctx, p+"other", time.Hour, 5, 5); w == 0 {
			t.Fatal("5 taken from a bucket holding 4")
		}
		if w, _ := s.Take(ctx, p+"other", time.Hour, 5, 4); w != 0 {
			t.Fatalf("4 from a bucket holding 4: wait %v", w)
		}
		if w, _ := s.Take(ctx, p+"other", time.Hour, 5, 1); w == 0 {
			t.Fatal("a sixth request from a bucket of 5")
		}
	})
}

// A bucket's check and spend are one atomic step: 36 requests at once against a burst of 10
// let exactly 10 through.
func TestTakeConcurrentSpendsBurstExactlyOnce(t *testing.T) {
	stores(t, func(t *testing.T, s shared.Store, p string) {
		var mu sync.Mutex
		allowed, refused := 0, 0
		together(12, func(int) {
			for range 3 {
				w, err := s.Take(context.Background(), p+"bucket", time.Hour, 10, 1)
				mu.Lock()
				switch {
				case err != nil:
					t.Errorf("take: %v", err)
				case w == 0:
					allowed++
				default:
					refused++
				}
				mu.Unlock()
			}
		})
		if allowed != 10 || refused != 26 {
			t.Fatalf("want 10 allowed and 26 refused, got %d and %d", allowed, refused)
		}
	})
}

func TestHitCountsEveryHitOnce(t *testing.T) {
	stores(t, func(t *testing.T, s shared.Store, p string) {
		ctx := context.Background()
		a, b, long := p+"a", p+"b", p+strings.Repeat("账", 200)
		together(12, func(int) {
			if err := s.Hit(ctx, time.Hour, a, b, long); err != nil {
				t.Errorf("hit: %v", err)
			}
		})
		c, err := s.Counts(ctx, a, b, long, p+"never")
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{a, b, long} {
			if c[k].N != 12 || c[k].Until.Before(time.Now().Add(50*time.Minute)) {
				t.Errorf("%.20s…: want 12 hits in a window ending in about 1h, got %+v", k, c[k])
			}
		}
		if _, ok := c[p+"never"]; ok || len(c) != 3 {
			t.Errorf("counts of keys never hit: %v", c)
		}
		if err := s.Forget(ctx, a); err != nil {
			t.Fatal(err)
		}
		if c, _ := s.Counts(ctx, a, b); len(c) != 1 || c[b].N != 12 {
			t.Errorf("after forgetting a: %v", c)
		}
	})
}

func TestExpiredEntriesAreGoneAndPruned(t *testing.T) {
	stores(t, func(t *testing.T, s shared.Store, p string) {
		ctx := context.Background()
		if err := s.Hit(ctx, 20*time.Millisecond, p+"hit"); err != nil {
			t.Fatal(err)
		}
		if err := s.Put(ctx, p+"doc", "query { me { id } }", 20*time.Millisecond); err != nil {
			t.Fatal(err)
		}
		if err := s.Mark(ctx, p+"mark", 20*time.Millisecond); err != nil {
			t.Fatal(err)
		}
		if v, ok, err := s.Get(ctx, p+"doc"); err != nil || !ok || v != "query { me { id } }" {
			t.Fatalf("get before expiry: %q %v %v", v, ok, err)
		}
		time.Sleep(60 * time.Millisecond)
		if c, _ := s.Counts(ctx, p+"hit", p+"mark"); len(c) != 0 {
			t.Errorf("expired counters still counted: %v", c)
		}
		if _, ok, _ := s.Get(ctx, p+"doc"); ok {
			t.Error("expired document still cached")
		}
		// A hit after the window starts a new window at 1.
		if err := s.Hit(ctx, time.Hour, p+"hit"); err != nil {
			t.Fatal(err)
		}
		if c, _ := s.Counts(ctx, p+"hit"); c[p+"hit"].N != 1 {
			t.Errorf("hit after the window: want 1, got %v", c)
		}
		n, err := s.Prune(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if s.Kind() == "database" && n != 2 {
			t.Errorf("pruned %d rows, want 2 (the document and the mark)", n)
		}
	})
}

// BenchmarkTake is the per-request cost of the shared rate limit (one statement or round trip).
func BenchmarkTake(b *testing.B) {
	run := func(b *testing.B, s shared.Store) {
		p := prefix()
		ctx := context.Background()
		b.ResetTimer()
		for i := 0; b.Loop(); i++ {
			if _, err := s.Take(ctx, p+"bucket"+string(rune('a'+i%8)), time.Millisecond, 100, 1); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Run("database", func(b *testing.B) {
		db := testkit.Open(b)
		defer db.Close()
		run(b, shared.NewSQL(db.SQL, db.Dialect))
	})
	b.Run("redis", func(b *testing.B) {
		if os.Getenv(RedisEnv) != "1" {
			b.Skip("set " + RedisEnv + "=1")
		}
		s, err := shared.OpenRedis(context.Background(), redisURL())
		if err != nil {
			b.Fatal(err)
		}
		defer s.Close()
		run(b, s)
	})
}
