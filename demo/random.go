package demo

import (
	"math/rand/v2"
	"time"

	"github.com/nanpiao/sbqw/pii"
)

// demoToday is the fixed "today" every generated date is anchored to, so that the same seed
// gives the same district whenever it is loaded.
var demoToday = time.Date(2026, 10, 31, 0, 0, 0, 0, time.UTC)

// demoNow is the latest instant a generated event may carry (the end of the demo's working day).
var demoNow = demoToday.Add(18 * time.Hour)

// rng is the loader's single random source: a PCG seeded from Options.Seed. Every random choice
// goes through it, in a fixed order, which is what makes the demo reproducible.
type rng struct{ *rand.Rand }

func newRNG(seed int64) *rng {
	return &rng{rand.New(rand.NewPCG(uint64(seed), 0x5eed_11e4_0421_2017))}
}

// chance is true with probability p.
func (r *rng) chance(p float64) bool { return r.Float64() < p }

// between returns an int in [lo, hi].
func (r *rng) between(lo, hi int) int {
	if hi <= lo {
		return lo
	}
	return lo + r.IntN(hi-lo+1)
}

// floatBetween returns a float in [lo, hi), rounded to one decimal.
func (r *rng) floatBetween(lo, hi float64) float64 {
	return round1(lo + r.Float64()*(hi-lo))
}

func round1(v float64) float64 { return float64(int(v*10+0.5)) / 10 }

// pick returns a random element of xs.
func pick[T any](r *rng, xs []T) T { return xs[r.IntN(len(xs))] }

// weighted is one option of a weighted choice.
type weighted[T any] struct {
	v T
	w int
}

// choose returns one of the options with probability proportional to its weight.
func choose[T any](r *rng, options []weighted[T]) T {
	total := 0
	for _, o := range options {
		total += o.w
	}
	n := r.IntN(total)
	for _, o := range options {
		if n < o.w {
			return o.v
		}
		n -= o.w
	}
	return options[len(options)-1].v
}

// sample returns k distinct indices of [0, n) in random order (all of them when k >= n).
func (r *rng) sample(n, k int) []int {
	p := r.Perm(n)
	if k < n {
		p = p[:k]
	}
	return p
}

// shuffled returns a shuffled copy of xs.
func shuffled[T any](r *rng, xs []T) []T {
	out := append([]T(nil), xs...)
	r.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

// day builds a date at UTC midnight.
func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// dateBetween returns a random date in [from, to] (both dates at midnight).
func (r *rng) dateBetween(from, to time.Time) time.Time {
	days := int(to.Sub(from).Hours() / 24)
	if days <= 0 {
		return from
	}
	return from.AddDate(0, 0, r.IntN(days+1))
}

// officeHours turns a date into an instant during the working day (08:00–17:59).
func (r *rng) officeHours(d time.Time) time.Time {
	return d.Add(time.Duration(r.between(8, 17))*time.Hour + time.Duration(r.IntN(60))*time.Minute)
}

// dateOf truncates an instant to its date.
func dateOf(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// age in whole years on demoToday.
func age(birth time.Time) int { return pii.Age(birth, demoToday) }

// birthForAge returns a random birth date of someone who is the given age on demoToday.
func (r *rng) birthForAge(years int) time.Time {
	latest := demoToday.AddDate(-years, 0, 0)
	return latest.AddDate(0, 0, -r.IntN(365))
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
