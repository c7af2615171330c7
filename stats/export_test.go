package stats

import (
	"context"

	"entgo.io/ent/dialect/sql"

	"github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/ent/predicate"
)

// CountPairingsIf counts the caller's pairings for which preds hold with a conditional
// aggregate (SUM(CASE WHEN …)), the way the statistics do.
func CountPairingsIf(ctx context.Context, client *ent.Client, preds ...predicate.Pairing) (int, error) {
	ps := make([]func(*sql.Selector), len(preds))
	for i, p := range preds {
		ps[i] = p
	}
	var rows []struct {
		N int `sql:"n"`
	}
	err := client.Pairing.Query().Modify(grouped(nil, countIf("n", ps...))).Scan(ctx, &rows)
	if err != nil || len(rows) != 1 {
		return 0, err
	}
	return rows[0].N, nil
}

// LastRecomputed is the set of townships the cache's last report computed: nil for all,
// empty for none.
func LastRecomputed(c *ReportCache) []int { return c.lastRecomputed() }
