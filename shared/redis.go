package shared

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// Redis is the store in Redis (--redis URL). Each operation is one round trip: a Lua script
// for the bucket and the counters (atomic on the server), GET/SET/DEL otherwise. Keys expire
// on their own, so Prune has nothing to do. Keys are prefixed "sbqw:" so the server can share
// a Redis with others.
type Redis struct {
	c   *redis.Client
	now func() time.Time
}

// OpenRedis connects to url (redis://[:password@]host:port/db) and checks it answers.
func OpenRedis(ctx context.Context, url string) (*Redis, error) {
	opt, err := redis.ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("--redis: %w", err)
	}
	c := redis.NewClient(opt)
	if err := c.Ping(ctx).Err(); err != nil {
		c.Close()
		return nil, fmt.Errorf("--redis %s: %w", opt.Addr, err)
	}
	return &Redis{c: c, now: time.Now}, nil
}

func (r *Redis) Kind() string { return "redis" }
func (r *Redis) Close() error { return r.c.Close() }

const redisPrefix = "sbqw:"

// takeScript is the same GCRA as SQL.Take: KEYS[1] holds the TAT in ms.
// ARGV: now, the cost (n·every), limit (burst·every). Returns 0 (allowed) or the wait in ms.
var takeScript = redis.NewScript(`
local now, t, limit = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
if tat + t - now > limit then return tat + t - now - limit end
redis.call('SET', KEYS[1], tat + t, 'PX', tat + t - now)
return 0`)

func (r *Redis) Take(ctx context.Context, key string, every time.Duration, burst, n int) (time.Duration, error) {
	t := max(every.Milliseconds(), 1)
	wait, err := takeScript.Run(ctx, r.c, []string{redisPrefix + key}, r.now().UnixMilli(), t*int64(max(n, 1)), t*int64(max(burst, 1))).Int64()
	if err != nil {
		return 0, fmt.Errorf("rate-limit bucket: %w", err)
	}
	return time.Duration(wait) * time.Millisecond, nil
}

// hitScript: INCR each key; a new key gets the window as its expiry.
var hitScript = redis.NewScript(`
for i, k in ipairs(KEYS) do
  if redis.call('INCR', k) == 1 then redis.call('PEXPIRE', k, ARGV[1]) end
end
return 0`)

func (r *Redis) Hit(ctx context.Context, window time.Duration, keys ...string) error {
	if len(keys) == 0 {
		return nil
	}
	return hitScript.Run(ctx, r.c, prefixed(keys), window.Milliseconds()).Err()
}

func (r *Redis) Counts(ctx context.Context, keys ...string) (map[string]Counter, error) {
	out := map[string]Counter{}
	if len(keys) == 0 {
		return out, nil
	}
	now := r.now()
	pipe := r.c.Pipeline()
	gets := make([]*redis.StringCmd, len(keys))
	ttls := make([]*redis.DurationCmd, len(keys))
	for i, k := range prefixed(keys) {
		gets[i] = pipe.Get(ctx, k)
		ttls[i] = pipe.PTTL(ctx, k)
	}
	if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
		return nil, err
	}
	for i, k := range keys {
		n, err := gets[i].Int64()
		if err != nil || ttls[i].Val() <= 0 {
			continue
		}
		out[k] = Counter{N: n, Until: now.Add(ttls[i].Val())}
	}
	return out, nil
}

func (r *Redis) Mark(ctx context.Context, key string, ttl time.Duration) error {
	return r.c.Set(ctx, redisPrefix+key, 1, ttl).Err()
}

func (r *Redis) Forget(ctx context.Context, keys ...string) error {
	if len(keys) == 0 {
		return nil
	}
	return r.c.Del(ctx, prefixed(keys)...).Err()
}

func (r *Redis) Get(ctx context.Context, key string) (string, bool, error) {
	v, err := r.c.Get(ctx, redisPrefix+key).Result()
	if errors.Is(err, redis.Nil) {
		return "", false, nil
	}
	return v, err == nil, err
}

func (r *Redis) Put(ctx context.Context, key, value string, ttl time.Duration) error {
	return r.c.Set(ctx, redisPrefix+key, value, ttl).Err()
}

func (r *Redis) Prune(context.Context) (int, error) { return 0, nil }

func prefixed(keys []string) []string {
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = redisPrefix + k
	}
	return out
}
