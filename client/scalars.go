package client

import (
	"time"

	"github.com/nanpiao/sbqw/money"
)

// Cursor is an opaque position in a list or in the change feed: store it and send it back as
// `after`; never build or parse one.
type Cursor string

// Date is a calendar day as the API writes it, "2006-01-02" (RFC 3339 full-date).
type Date string

// Time reads the day as midnight UTC.
func (d Date) Time() (time.Time, error) { return time.Parse(time.DateOnly, string(d)) }

// Money is an amount of yuan as the API writes it: a decimal string with two places
// ("1234.50"), never a float.
type Money string

// Fen reads the amount exactly, in fen (分).
func (m Money) Fen() (money.Fen, error) { return money.Parse(string(m)) }
