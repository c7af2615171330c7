package demo

import (
	"fmt"
	"time"

	"github.com/nanpiao/sbqw/pii"
)

// divisionCode is Nanpiao District's administrative division code, the first six digits of
// every demo ID number.
const divisionCode = "211404"

// identities hands out synthetic personal numbers that never collide within one load.
//
// ID numbers: 211404 + birth date + a sequence code 9xx + the GB 11643 check character. Real
// sequence codes are assigned by police stations from 001 upwards; a 9xx code on a demo row makes
// it recognisable as synthetic at a glance. The last sequence digit's parity is the gender (odd
// for men), as in real numbers, so the gender and birth date the ent hook derives are right.
//
// Phones: 1700 followed by seven digits — a virtual-operator block kept for demos here — made
// from a running counter, so every number is distinct.
type identities struct {
	division string // first six digits: divisionCode for the original district, another code per scaled copy
	usedIDs  map[string]bool
	phones   int
}

func newIdentities(division string) *identities {
	return &identities{division: division, usedIDs: map[string]bool{}}
}

// idNumber returns a fresh valid ID number for a person born on birth, and the birth date it
// encodes (one day later in the practically impossible case that all 50 codes of the day are
// taken).
func (a *identities) idNumber(r *rng, birth time.Time, female bool) (string, time.Time) {
	for {
		date := birth.Format("20060102")
		start := r.IntN(50)
		for i := range 50 {
			seq := (start + i) % 50 * 2 // even: a woman
			if !female {
				seq++
			}
			first17 := fmt.Sprintf("%s%s9%02d", a.division, date, seq)
			if !a.usedIDs[first17] {
				a.usedIDs[first17] = true
				return first17 + string(pii.CheckChar(first17)), birth
			}
		}
		birth = birth.AddDate(0, 0, 1)
	}
}

// phone returns a fresh synthetic mobile number 1700xxxxxxx. The counter is scattered by a
// multiplier coprime with 10^7, so consecutive people do not get consecutive numbers.
func (a *identities) phone() string {
	a.phones++
	return fmt.Sprintf("1700%07d", (a.phones*7919+104729)%10_000_000)
}

// era groups birth years by the given names that were fashionable then.
type era int

const (
	eraOld   era = iota // born before 1956
	eraMid              // 1956–1979
	eraYoung            // 1980–1999
	eraKids             // 2000 and later
)

func eraOf(birthYear int) era {
	switch {
	case birthYear < 1956:
		return eraOld
	case birthYear < 1980:
		return eraMid
	case birthYear < 2000:
		return eraYoung
	}
	return eraKids
}

// surname draws a family name with the frequencies of western Liaoning.
func (r *rng) surname() string { return choose(r, surnames) }

// otherSurname draws a family name different from s (a spouse's).
func (r *rng) otherSurname(s string) string {
	for {
		if o := r.surname(); o != s {
			return o
		}
	}
}

// givenName draws a one- or two-character given name typical of the person's generation.
func (r *rng) givenName(female bool, birthYear int) string {
	e := eraOf(birthYear)
	pool := givenNames[e][0]
	if female {
		pool = givenNames[e][1]
	}
	single := 0.2
	if e >= eraYoung {
		single = 0.3
	}
	first := pick(r, pool)
	if r.chance(single) {
		return first
	}
	if female && r.chance(0.04) {
		return first + first // 丽丽, 婷婷
	}
	for {
		if second := pick(r, pool); second != first {
			return first + second
		}
	}
}

// personName draws a full name.
func (r *rng) personName(surname string, female bool, birthYear int) string {
	return surname + r.givenName(female, birthYear)
}
