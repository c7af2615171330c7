// Package clock says what day it is for the programme's date rules (deadlines, overdue flags,
// bindings and posts in force), in one place. Days are UTC calendar days, stored at UTC midnight
// like every Date value; should the district want China Standard Time days, this is the place.
package clock

import "time"

// Today is the current UTC calendar day at midnight.
func Today() time.Time { return time.Now().UTC().Truncate(24 * time.Hour) }
