package client

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/Khan/genqlient/graphql"
)

// Files Sync keeps in its directory.
const (
	CursorFile     = "cursor"           // the feed cursor to continue from, written after each applied page
	HouseholdsFile = "households.jsonl" // the copy: one household a line (HouseholdFields as JSON), by ID
)

// Sync keeps a copy of the households in the caller's scope by the protocol of docs/sync.md:
// take the feed's end, read every household page by page, then follow the change feed from the
// stored cursor. The copy and the cursor live in Dir, so a restarted Sync continues where the
// last one stopped; the copy is always written before the cursor, so a crash in between only
// replays a page, which upserts and removals make harmless.
type Sync struct {
	Client   graphql.Client
	Dir      string
	PageSize int // rows a request, 1–500; 0 means 500

	// OnChange, when set, sees every change applied (to print or forward it).
	OnChange func(Change)

	households map[string]HouseholdFields
	cursor     Cursor
	loaded     bool
}

// Households returns the copy, by record ID.
func (s *Sync) Households() map[string]HouseholdFields { return s.households }

// Cursor is the stored cursor; "" before the first full read.
func (s *Sync) Cursor() Cursor { return s.cursor }

func (s *Sync) pageSize() int {
	if s.PageSize <= 0 || s.PageSize > 500 {
		return 500
	}
	return s.PageSize
}

// Load reads the copy and the cursor from Dir; a directory without them is an empty copy that
// has not started.
func (s *Sync) Load() error {
	s.households, s.cursor, s.loaded = map[string]HouseholdFields{}, "", true
	b, err := os.ReadFile(filepath.Join(s.Dir, CursorFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	s.cursor = Cursor(strings.TrimSpace(string(b)))
	f, err := os.Open(filepath.Join(s.Dir, HouseholdsFile))
	if err != nil {
		return fmt.Errorf("%s holds a cursor but its copy is unreadable: %w", s.Dir, err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
	for line := 1; sc.Scan(); line++ {
		var h HouseholdFields
		if err := json.Unmarshal(sc.Bytes(), &h); err != nil {
			return fmt.Errorf("%s line %d: %w", HouseholdsFile, line, err)
		}
		s.households[h.Id] = h
	}
	return sc.Err()
}

// Run brings the copy up to date: a full read first when Dir holds no cursor yet, then the
// change feed to its end. It returns the number of changes applied.
func (s *Sync) Run(ctx context.Context) (int, error) {
	if !s.loaded {
		if err := s.Load(); err != nil {
			return 0, err
		}
	}
	if s.cursor == "" {
		if err := s.FullRead(ctx); err != nil {
			return 0, err
		}
	}
	return s.Follow(ctx)
}

// FullRead takes the feed's current end, then reads every household page by page, and stores
// the copy and that cursor (steps 1 of docs/sync.md). Changes made during the read are in the
// feed after the cursor and are applied again by Follow.
func (s *Sync) FullRead(ctx context.Context) error {
	start, err := SyncStart(ctx, s.Client)
	if err != nil {
		return fmt.Errorf("taking the starting cursor: %w", err)
	}
	all := map[string]HouseholdFields{}
	var after *Cursor
	for {
		page, err := HouseholdsPage(ctx, s.Client, after, s.pageSize())
		if err != nil {
			return fmt.Errorf("reading households: %w", err)
		}
		for _, e := range page.Households.Edges {
			all[e.Node.Id] = e.Node.HouseholdFields
		}
		info := page.Households.PageInfo
		if !info.HasNextPage || info.EndCursor == nil {
			break
		}
		after = info.EndCursor
	}
	s.households, s.loaded = all, true
	return s.save(start.Changes.EndCursor)
}

// Follow applies the change feed from the stored cursor to its end, page by page, storing the
// copy and the cursor after each page (step 2 of docs/sync.md). It returns the number of
// changes applied.
func (s *Sync) Follow(ctx context.Context) (int, error) {
	if s.cursor == "" {
		return 0, errors.New("no cursor yet: run a full read first")
	}
	applied := 0
	for {
		after := s.cursor
		page, err := SyncChanges(ctx, s.Client, &after, s.pageSize())
		if err != nil {
			return applied, fmt.Errorf("reading the change feed: %w", err)
		}
		for _, c := range page.Changes.Changes {
			s.apply(c)
			applied++
		}
		if err := s.save(page.Changes.EndCursor); err != nil {
			return applied, err
		}
		if !page.Changes.HasNextPage {
			return applied, nil
		}
	}
}

// apply upserts a household that still exists and is visible, and removes the copy of any
// other (deleted, or out of sight); changes of other types are not kept.
func (s *Sync) apply(c Change) {
	if s.OnChange != nil {
		s.OnChange(c)
	}
	if c.Typename != "Household" {
		return
	}
	if h, ok := c.Node.(*ChangeNodeHousehold); ok && c.Op != ChangeOpDeleted {
		s.households[c.RecordID] = h.HouseholdFields
		return
	}
	delete(s.households, c.RecordID)
}

// save writes the copy, then the cursor, each through a temporary file renamed into place.
func (s *Sync) save(cursor Cursor) error {
	if err := os.MkdirAll(s.Dir, 0o755); err != nil {
		return err
	}
	ids := make([]string, 0, len(s.households))
	for id := range s.households {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	var b strings.Builder
	for _, id := range ids {
		line, err := json.Marshal(s.households[id])
		if err != nil {
			return err
		}
		b.Write(line)
		b.WriteByte('\n')
	}
	if err := writeFile(filepath.Join(s.Dir, HouseholdsFile), b.String()); err != nil {
		return err
	}
	if err := writeFile(filepath.Join(s.Dir, CursorFile), string(cursor)+"\n"); err != nil {
		return err
	}
	s.cursor = cursor
	return nil
}

func writeFile(path, content string) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.WriteString(content); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
