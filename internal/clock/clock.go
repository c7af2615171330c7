// Package clock says what day it is for the programme's date rules (deadlines, overdue flags,
// bindings and posts in force), in one place. A day is a calendar day in the district's time
// zone (China Standard Time unless configured otherwise), stored at UTC midnight like every
// Date value, so that a rule never sees "yesterday" during Beijing's morning.
package clock

import (
	"sync/atomic"
	"time"
	_ "time/tzdata" // the zone database travels with the binary: hosts without /usr/share/zoneinfo
)

// DefaultZone is the district's zone unless the server is told otherwise.
const DefaultZone = "Asia/Shanghai"

var zone atomic.Pointer[time.Location]

func init() {
	loc, err := time.LoadLocation(DefaultZone)
	if err != nil {
		panic(err) // embedded by time/tzdata; cannot fail
	}
	zone.Store(loc)
}

// SetZone sets the zone whose calendar days the rules count in; the server calls it once at
// start (--time-zone).
func SetZone(loc *time.Location) { zone.Store(loc) }

// Zone is the zone whose calendar days the rules count in.
func Zone() *time.Location { return zone.Load() }

// Today is the current calendar day in Zone, at UTC midnight like every stored Date.
func Today() time.Time { return DayOf(time.Now()) }

// DayOf is the calendar day in Zone of the instant t, at UTC midnight.
func DayOf(t time.Time) time.Time {
	y, m, d := t.In(Zone()).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
