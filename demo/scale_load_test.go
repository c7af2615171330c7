package demo_test

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/nanpiao/sbqw/demo"
	"github.com/nanpiao/sbqw/internal/testkit"
	"github.com/nanpiao/sbqw/storage"
)

// TestScaleLoadTime loads --demo-scale $SBQW_SCALE_N into the database named by
// $SBQW_SCALE_DB (sqlite:<file> or mysql://…, which must be empty) and reports how long it took.
// It is a measuring tool for docs/benchmark.md ("Province scale"), skipped unless both are set:
//
//	SBQW_SCALE_N=10 SBQW_SCALE_DB=sqlite:/tmp/scale/10.db go test -count=1 -run TestScaleLoadTime -cpuprofile cpu.out ./demo
func TestScaleLoadTime(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("SBQW_SCALE_N"))
	url := os.Getenv("SBQW_SCALE_DB")
	if n < 1 || url == "" {
		t.Skip("set SBQW_SCALE_N and SBQW_SCALE_DB to measure a scaled load")
	}
	ctx := context.Background()
	db, err := storage.Open(ctx, url, testkit.Sealer(), storage.DefaultPool)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Apply(ctx); err != nil {
		t.Fatal(err)
	}
	res, err := demo.Ensure(ctx, db.Client, demo.Options{PasswordHash: passwordHash(), Scale: n})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Loaded {
		t.Fatalf("%s already held a complete demo; give an empty database", url)
	}
	t.Logf("scale %d loaded in %s: %d households, %d residents", n, res.Duration.Round(time.Millisecond),
		res.Counts["Household"], res.Counts["Resident"])
}
