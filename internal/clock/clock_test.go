package clock_test

import (
	"testing"
	"time"

	"github.com/nanpiao/sbqw/internal/clock"
)

func TestDayOfCountsDaysInTheDistrictsZone(t *testing.T) {
	// 20:30 UTC on 31 December is 04:30 on 1 January in Beijing: already the new year there.
	instant := time.Date(2025, 12, 31, 20, 30, 0, 0, time.UTC)
	if got, want := clock.DayOf(instant), time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("DayOf(%v) = %v in %s, want %v", instant, got, clock.Zone(), want)
	}
	defer clock.SetZone(clock.Zone())
	clock.SetZone(time.UTC)
	if got, want := clock.DayOf(instant), time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("DayOf(%v) in UTC = %v, want %v", instant, got, want)
	}
}
