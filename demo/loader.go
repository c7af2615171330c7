package demo

import (
	"context"
	"fmt"

	"github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/ent/schema"
)

// batchSize rows go into one INSERT. The widest demo rows have about 25 columns, so a batch
// stays far below SQLite's 32,766 and MySQL's 65,535 placeholders per statement.
const batchSize = 500

// loader generates the district area by area and inserts it through one transaction. It keeps
// what later areas need (IDs, names, who lives where) in small model structs.
type loader struct {
	tx         *ent.Tx
	r          *rng
	seed       int64 // for areas that draw from a source of their own (districtteams.go)
	copy       int   // 0 for the demo district; k > 0 for the k-th extra copy of a scaled load (scale.go)
	closesYear bool  // this copy closes ClosedYear at the end of its load (closedyear.go)
	ids        *identities
	hash       string
	counts     map[string]int
	seals      *schema.SealBatch // sealed personal values of the rows just inserted, stored by insert

	districtID  int
	townships   []*township
	villages    []*village
	departments []*department
	deptByCode  map[string]*department
	members     []*member
	orgUnits    map[int]orgUnits // each party organisation's township, village and department
	cadres      []*cadre
	households  []*household
	pairings    []*pairing
	demands     []*demandPlan
}

func newLoader(tx *ent.Tx, seed int64, hash string, copy int) *loader {
	return &loader{
		tx:         tx,
		r:          newRNG(seed),
		seed:       seed,
		copy:       copy,
		ids:        newIdentities(copyDivision(copy)),
		hash:       hash,
		counts:     map[string]int{},
		orgUnits:   map[int]orgUnits{},
		deptByCode: map[string]*department{},
		seals:      &schema.SealBatch{},
	}
}

// run loads every area in dependency order. The order is also the order in which the random
// source is consumed, so it is part of what makes a seed reproducible.
func (l *loader) run(ctx context.Context) error {
	ctx = schema.DeferSealing(ctx, l.seals)
	steps := []struct {
		what string
		load func(context.Context) error
	}{
		{"hierarchy", l.loadHierarchy},
		{"party members and cadres", l.loadPeople},
		{"posts", l.loadPosts},
		{"households", l.loadHouseholds},
		{"poverty history", l.loadPovertyHistory},
		{"pairings and visits", l.loadPairings},
		{"demands", l.loadDemands},
		{"rectifications", l.loadRectifications},
		{"demo projects", l.loadProjects},
		{"training", l.loadTraining},
		{"assessments", l.loadAssessments},
		{"teams", l.loadTeams},
		{"accounts", l.loadAccounts},
		{"project outcomes", l.loadOutcomes},
		{"demo projects of 2025", l.loadProjects2025},
		{"两新 organisations' members", l.loadEnterpriseMembers},
		{"a cadre's transfer", l.transferOneCadre},
		{"closing 2025", l.closeYear2025},
	}
	for _, s := range steps {
		if err := s.load(ctx); err != nil {
			return fmt.Errorf("demo: loading %s: %w", s.what, err)
		}
		if err := l.flushSeals(ctx); err != nil { // a create outside insert, should there be one
			return fmt.Errorf("demo: loading %s: %w", s.what, err)
		}
	}
	return nil
}

// flushSeals stores the sealed personal values of the rows created since the last flush (see
// schema.SealBatch): one UPDATE per 200 rows instead of one per row.
func (l *loader) flushSeals(ctx context.Context) error {
	return l.seals.Flush(ctx, func(ctx context.Context, query string, args ...any) error {
		_, err := l.tx.ExecContext(ctx, query, args...)
		return err
	})
}

// insert saves builders in batches with ent's CreateBulk and returns the created rows in the
// builders' order, so callers wire children with the IDs ent hands back.
func insert[C any, N any](ctx context.Context, l *loader, typeName string, builders []C,
	save func(context.Context, []C) ([]N, error)) ([]N, error) {
	out := make([]N, 0, len(builders))
	for start := 0; start < len(builders); start += batchSize {
		end := min(start+batchSize, len(builders))
		rows, err := save(ctx, builders[start:end])
		if err != nil {
			return nil, fmt.Errorf("%s rows %d–%d: %w", typeName, start+1, end, err)
		}
		if err := l.flushSeals(ctx); err != nil {
			return nil, fmt.Errorf("%s rows %d–%d: %w", typeName, start+1, end, err)
		}
		out = append(out, rows...)
	}
	l.counts[typeName] += len(builders)
	return out, nil
}
