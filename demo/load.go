// Package demo loads the demo district: a complete, deterministic, Nanpiao-shaped set of
// townships, villages, departments, party members, households, pairings, visits, demands,
// projects, trainings, teams and accounts, for trying the platform out and for acceptance
// checks (see API.md, "The demo district").
//
// Everything personal in it is synthetic. ID numbers are valid GB 11643 numbers under
// Nanpiao's division code 211404 but always carry a sequence code 9xx (digits 15–17), which
// marks them as demo numbers; phone numbers all start with 1700. Names are drawn at random from
// common family and given names and belong to nobody in particular.
//
// The same seed always gives the same rows (apart from IDs and createdAt of most records): one
// PCG source drives every choice in a fixed order, and dates are anchored to a fixed "demo
// today", 2026-10-31.
package demo

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"time"

	entschema "entgo.io/ent/dialect/sql/schema"

	"github.com/nanpiao/sbqw/authz"
	"github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/ent/migrate"
	"github.com/nanpiao/sbqw/ent/schema"
	"github.com/nanpiao/sbqw/ent/setting"
	"github.com/nanpiao/sbqw/feed"
	"github.com/nanpiao/sbqw/workflow"
)

// DefaultSeed is the seed used when Options.Seed is 0 — the year the programme started.
const DefaultSeed = 2017

// Marker keys in the Setting table. demo.started is committed before the load begins, and
// demo.complete is written by the load's own transaction, so "started but not complete"
// means a load that died half-way.
const (
	KeyStarted  = "demo.started"
	KeyComplete = "demo.complete"
)

// ErrNotDemo is returned when the database holds data that the demo loader did not write:
// the loader never wipes such a database.
var ErrNotDemo = errors.New("demo: the database holds data that is not the demo district; refusing to load the demo into it")

// Options configure Ensure.
type Options struct {
	Seed         int64  // same seed => identical data (0 means the default seed 2017)
	PasswordHash string // argon2id hash of the demo password, computed ONCE by the caller; every demo account gets this same hash
	Scale        int    // copies of the district to load (0 and 1 mean one, the demo district itself); see scale.go
}

// Result says what Ensure did.
type Result struct {
	Loaded   bool           // false when the demo was already complete and nothing was done
	Counts   map[string]int // rows inserted per ent type name, e.g. "Household": 6000
	Duration time.Duration
}

// Ensure makes sure the database holds the complete demo district: if the completion marker is
// present it does nothing; if the database is empty it loads; if it holds a half-loaded demo
// (the "demo.started" marker without "demo.complete") it wipes every table and loads again; if it
// holds other data without any demo marker it refuses with ErrNotDemo (never wipe real data).
func Ensure(ctx context.Context, client *ent.Client, opts Options) (Result, error) {
	begin := time.Now()
	if opts.PasswordHash == "" {
		return Result{}, errors.New("demo: Options.PasswordHash is required")
	}
	seed := opts.Seed
	if seed == 0 {
		seed = DefaultSeed
	}
	scale := max(opts.Scale, 1)
	if scale > MaxScale {
		return Result{}, fmt.Errorf("demo: scale %d is above the maximum %d", scale, MaxScale)
	}
	ctx = feed.Unrecorded(authz.Bypass(ctx, "demo loader")) // a first sync reads the demo in full (docs/sync.md)

	state, err := inspect(ctx, client)
	if err != nil {
		return Result{}, err
	}
	switch state {
	case stateComplete:
		return Result{Duration: time.Since(begin)}, nil
	case stateForeign:
		return Result{}, ErrNotDemo
	}
	if err := markStarted(ctx, client, seed, state == stateHalfLoaded); err != nil {
		return Result{}, err
	}
	counts := map[string]int{}
	for k := range scale {
		// Only the first transaction wipes a half-loaded database, and only the last writes
		// demo.complete: a scaled load that dies between copies is half-loaded and reloads whole.
		c, err := loadInOneTx(ctx, client, seed, opts.PasswordHash, k, k == 0 && state == stateHalfLoaded, k == scale-1)
		if err != nil {
			return Result{}, err
		}
		for t, n := range c {
			counts[t] += n
		}
	}
	return Result{Loaded: true, Counts: counts, Duration: time.Since(begin)}, nil
}

type dbState int

const (
	stateEmpty dbState = iota
	stateHalfLoaded
	stateComplete
	stateForeign
)

// inspect reads the markers and, without them, looks for any row of any type the demo writes —
// soft-deleted rows included, they are data too.
func inspect(ctx context.Context, client *ent.Client) (dbState, error) {
	markers, err := client.Setting.Query().Where(setting.KeyIn(KeyStarted, KeyComplete)).All(ctx)
	if err != nil {
		return 0, fmt.Errorf("demo: reading the markers: %w", err)
	}
	var started, complete bool
	for _, m := range markers {
		started = started || m.Key == KeyStarted
		complete = complete || m.Key == KeyComplete
	}
	switch {
	case complete:
		return stateComplete, nil
	case started:
		return stateHalfLoaded, nil
	}
	found, err := anyData(schema.IncludeDeleted(ctx), client)
	if err != nil {
		return 0, fmt.Errorf("demo: looking for existing data: %w", err)
	}
	if found != "" {
		return stateForeign, nil
	}
	return stateEmpty, nil
}

// anyData returns the name of the first entity type that has a row, or "". It checks every
// type the demo writes plus the ones that hang off users (sessions, API keys). CasbinRule and
// AuditEvent are left out: the server may seed policies and audit its own start before the
// demo loads.
func anyData(ctx context.Context, c *ent.Client) (string, error) {
	checks := []struct {
		name  string
		exist func(context.Context) (bool, error)
	}{
		{"District", c.District.Query().Exist},
		{"Township", c.Township.Query().Exist},
		{"Village", c.Village.Query().Exist},
		{"Department", c.Department.Query().Exist},
		{"DepartmentVillageLink", c.DepartmentVillageLink.Query().Exist},
		{"PartyOrganization", c.PartyOrganization.Query().Exist},
		{"PartyMember", c.PartyMember.Query().Exist},
		{"Post", c.Post.Query().Exist},
		{"Household", c.Household.Query().Exist},
		{"Resident", c.Resident.Query().Exist},
		{"Cadre", c.Cadre.Query().Exist},
		{"Pairing", c.Pairing.Query().Exist},
		{"Visit", c.Visit.Query().Exist},
		{"Demand", c.Demand.Query().Exist},
		{"DemandEvent", c.DemandEvent.Query().Exist},
		{"Rectification", c.Rectification.Query().Exist},
		{"DemoProject", c.DemoProject.Query().Exist},
		{"DemoProjectStage", c.DemoProjectStage.Query().Exist},
		{"TrainingCourse", c.TrainingCourse.Query().Exist},
		{"TrainingEnrollment", c.TrainingEnrollment.Query().Exist},
		{"Assessment", c.Assessment.Query().Exist},
		{"Team", c.Team.Query().Exist},
		{"TeamMembership", c.TeamMembership.Query().Exist},
		{"Contribution", c.Contribution.Query().Exist},
		{"User", c.User.Query().Exist},
		{"RoleBinding", c.RoleBinding.Query().Exist},
		{"ApiKey", c.ApiKey.Query().Exist},
		{"Session", c.Session.Query().Exist},
	}
	for _, chk := range checks {
		ok, err := chk.exist(ctx)
		if err != nil {
			return "", fmt.Errorf("%s: %w", chk.name, err)
		}
		if ok {
			return chk.name, nil
		}
	}
	return "", nil
}

// markStarted commits demo.started (value: the seed) on its own, before the load, so that a
// load that dies half-way leaves a database that the next start recognises and reloads.
func markStarted(ctx context.Context, client *ent.Client, seed int64, exists bool) error {
	v := strconv.FormatInt(seed, 10)
	var err error
	if exists {
		err = client.Setting.Update().Where(setting.Key(KeyStarted)).SetValue(v).Exec(ctx)
	} else {
		err = client.Setting.Create().SetKey(KeyStarted).SetValue(v).Exec(ctx)
	}
	if err != nil {
		return fmt.Errorf("demo: writing the %s marker: %w", KeyStarted, err)
	}
	return nil
}

// loadInOneTx wipes a half-loaded database (when asked), loads the whole district (copy k of a
// scaled load) and, for the last copy, writes demo.complete, all in one transaction: either the
// copy is there or nothing of it is.
func loadInOneTx(ctx context.Context, client *ent.Client, seed int64, hash string, copy int, wipeFirst, last bool) (map[string]int, error) {
	tx, err := client.Tx(ctx)
	if err != nil {
		return nil, fmt.Errorf("demo: starting the transaction: %w", err)
	}
	rollback := func(err error) (map[string]int, error) {
		if rerr := tx.Rollback(); rerr != nil {
			return nil, fmt.Errorf("%w (rolling back: %v)", err, rerr)
		}
		return nil, err
	}
	if wipeFirst {
		if err := wipe(ctx, tx); err != nil {
			return rollback(err)
		}
	}
	l := newLoader(tx, seed, hash, copy)
	l.closesYear = last // a scaled load closes 2025 once, with its last copy, so the snapshot holds every copy
	// The load writes the history of past years before it closes one; the year lock would
	// only cost it a lookup per row.
	runCtx := schema.BulkLoad(ctx)
	if copy > 0 {
		// Copy k repeats copy 0's rows under codes of its own; copy 0 went through every rule.
		runCtx = workflow.GeneratedCopy(runCtx)
	}
	if err := l.run(runCtx); err != nil {
		return rollback(err)
	}
	if !last {
		if err := tx.Commit(); err != nil {
			return nil, fmt.Errorf("demo: committing copy %d of the demo district: %w", copy, err)
		}
		return l.counts, nil
	}
	if err := tx.Setting.Create().SetKey(KeyComplete).SetValue(strconv.FormatInt(seed, 10)).Exec(ctx); err != nil {
		return rollback(fmt.Errorf("demo: writing the %s marker: %w", KeyComplete, err))
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("demo: committing the demo district: %w", err)
	}
	return l.counts, nil
}

// keptTables survive a wipe: settings hold the markers (and other platform state), and Casbin
// policies are configuration the server seeds, not demo data.
var keptTables = map[string]bool{"settings": true, "casbin_rules": true}

// wipe deletes every row of every other table, children before parents. DELETE, never TRUNCATE:
// TRUNCATE resets MySQL's AUTO_INCREMENT, which would move new IDs out of ent's per-type
// global-ID ranges.
func wipe(ctx context.Context, tx *ent.Tx) error {
	order, err := childrenFirst(migrate.Tables)
	if err != nil {
		return err
	}
	for _, t := range order {
		if keptTables[t] {
			continue
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM "+t); err != nil {
			return fmt.Errorf("demo: wiping %s: %w", t, err)
		}
	}
	return nil
}

// childrenFirst orders tables so that every table comes before the tables its foreign keys
// point at (self-references aside), ties broken by name.
func childrenFirst(tables []*entschema.Table) ([]string, error) {
	parents := map[string][]string{} // table → tables it references
	var names []string
	for _, t := range tables {
		names = append(names, t.Name)
		for _, fk := range t.ForeignKeys {
			if fk.RefTable != nil && fk.RefTable.Name != t.Name {
				parents[t.Name] = append(parents[t.Name], fk.RefTable.Name)
			}
		}
	}
	sort.Strings(names)
	children := map[string]int{} // table → number of not yet ordered tables referencing it
	for _, n := range names {
		for _, p := range parents[n] {
			children[p]++
		}
	}
	var order []string
	done := map[string]bool{}
	for len(order) < len(names) {
		progressed := false
		for _, n := range names {
			if done[n] || children[n] > 0 {
				continue
			}
			done[n] = true
			order = append(order, n)
			for _, p := range parents[n] {
				children[p]--
			}
			progressed = true
		}
		if !progressed {
			return nil, errors.New("demo: foreign keys form a cycle; cannot order the wipe")
		}
	}
	return order, nil
}
