package authz

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	"entgo.io/ent"

	"github.com/nanpiao/sbqw/apperr"
	gen "github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/ent/auditevent"
	"github.com/nanpiao/sbqw/ent/partymember"
	"github.com/nanpiao/sbqw/ent/resident"
	"github.com/nanpiao/sbqw/ent/user"
	"github.com/nanpiao/sbqw/pii"
)

// Uniqueness without an existence oracle. A unique value (an ID number's blind index, a
// username) is unique district-wide, so a caller that may write it in its own scope can always
// tell "taken somewhere" from "free": a fresh value succeeds. What it must not learn is more
// than that, nor learn it cheaply:
//   - authority is checked before uniqueness (the reference and target checks run before the
//     write; createUser asks MayGrant first), so a caller without it learns nothing;
//   - a duplicate is answered the same whether the other record is in the caller's scope or
//     not (uniqueRefusal), so the answer does not say where;
//   - a duplicate outside the caller's scope is audited in a record written outside the
//     request's transaction (which the refusal rolls back) and counted per user; past the
//     limit, every write of that kind of value by the user is RATE_LIMITED, fresh or not,
//     until the window has moved on.

// uniqueRefused is the audit action of a duplicate outside the caller's scope.
const uniqueRefused = "unique.refused"

// uniqueValue is a unique column whose duplicates are guarded: input is the column the caller
// sets (the blind index is filled from it by a later hook), field its GraphQL name.
type uniqueValue struct {
	column, input, field string
	// visible reports whether a row with one of the values exists within the caller's read
	// scope (a blind index is looked up under every configured key: see pii.BlindIndexes).
	visible func(ctx context.Context, c *gen.Client, v []string) (bool, error)
}

var guardedUnique = map[string][]uniqueValue{
	gen.TypeResident: {{column: "id_number_index", input: "id_number", field: "idNumber",
		visible: func(ctx context.Context, c *gen.Client, v []string) (bool, error) {
			return c.Resident.Query().Where(resident.IDNumberIndexIn(v...)).Exist(ctx)
		}}},
	gen.TypePartyMember: {{column: "id_number_index", input: "id_number", field: "idNumber",
		visible: func(ctx context.Context, c *gen.Client, v []string) (bool, error) {
			return c.PartyMember.Query().Where(partymember.IDNumberIndexIn(v...)).Exist(ctx)
		}}},
	gen.TypeUser: {{column: "username", input: "username", field: "username",
		visible: func(ctx context.Context, c *gen.Client, v []string) (bool, error) {
			return c.User.Query().Where(user.UsernameIn(v...)).Exist(ctx)
		}}},
}

// Journal keeps what must outlive a refused write: it counts each user's uniqueness refusals
// outside its scope, and audits them on its own connection after the request's transaction
// has rolled back. One per process, owned by the sign-in service, attached to every viewer.
type Journal struct {
	client *gen.Client
	limit  int
	window time.Duration
	mu     sync.Mutex
	hits   map[int][]time.Time
	read   map[int]auditedRefusals // the audit trail's count, as last read per user
}

// auditedRefusals is what the audit trail held for a user when it was read. It is read again
// after auditReadEvery: a bulk import checks thousands of ID numbers in one request, and reading
// the window's audit events for each of them scanned the import's own audit events every time.
type auditedRefusals struct {
	times []time.Time
	at    time.Time
}

// auditReadEvery bounds how stale another replica's refusals may be here: a limit of ten an
// hour is not loosened by a second.
const auditReadEvery = time.Second

// NewJournal returns a journal writing with client (not a transaction's) that allows limit
// refusals outside the caller's scope per window.
func NewJournal(client *gen.Client, limit int, window time.Duration) *Journal {
	return &Journal{client: client, limit: limit, window: window, hits: map[int][]time.Time{}, read: map[int]auditedRefusals{}}
}

// WithJournal attaches the journal that counts and audits the viewer's refusals.
func (v *Viewer) WithJournal(j *Journal) *Viewer { v.journal = j; return v }

// retryAfter is how long the user must wait before enough counted refusals leave the window
// to bring it under the limit; zero when it is under already. Refusals are counted twice: in
// the audit trail, which outlives a restart and is shared by every replica, and in memory,
// which holds those whose audit record is still being written.
// The audit trail is read with the request's own client (its transaction), so that the check
// never waits for a second connection from the pool.
func (j *Journal) retryAfter(ctx context.Context, client *gen.Client, userID int, now time.Time) (time.Duration, error) {
	j.mu.Lock()
	kept := j.hits[userID][:0]
	for _, t := range j.hits[userID] {
		if now.Sub(t) < j.window {
			kept = append(kept, t)
		}
	}
	j.hits[userID] = kept
	inMemory := slices.Clone(kept)
	audited, fresh := j.read[userID]
	j.mu.Unlock()
	if !fresh || now.Sub(audited.at) >= auditReadEvery || now.Before(audited.at) {
		events, err := client.AuditEvent.Query().
			Where(auditevent.UserID(userID), auditevent.Action(uniqueRefused), auditevent.AtGT(now.Add(-j.window))).
			Order(auditevent.ByAt()).Select(auditevent.FieldAt).All(Bypass(ctx, "count uniqueness refusals"))
		if err != nil {
			return 0, err
		}
		audited = auditedRefusals{at: now}
		for _, e := range events {
			audited.times = append(audited.times, e.At)
		}
		j.mu.Lock()
		j.read[userID] = audited
		j.mu.Unlock()
	}
	times := inMemory
	if len(audited.times) > len(times) {
		times = audited.times
	}
	if len(times) < j.limit {
		return 0, nil
	}
	return times[len(times)-j.limit].Add(j.window).Sub(now), nil
}

func (j *Journal) count(userID int, now time.Time) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.hits[userID] = append(j.hits[userID], now)
}

// record audits e with the viewer's identity once the request's transaction has let go: a
// write on another connection while it is open would wait on its locks (SQLite allows one
// writer; the audit chain's head is locked on MariaDB).
func (j *Journal) record(ctx context.Context, e Event) {
	ctx = context.WithoutCancel(ctx)
	go func() {
		ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		for attempt := 0; attempt < 5; attempt++ {
			if err := Record(ctx, j.client, e); err == nil {
				return
			}
			time.Sleep(time.Duration(attempt+1) * 200 * time.Millisecond)
		}
	}()
}

// guardUnique runs a create or update of a guarded entity: RATE_LIMITED before anything when
// the caller has used up its refusals; a duplicate answered as uniqueRefusal says.
func guardUnique(ctx context.Context, v *Viewer, m clientMutation, next ent.Mutator) (ent.Value, error) {
	values := guardedUnique[m.Type()]
	touched := false
	for _, u := range values {
		if _, ok := m.Field(u.input); ok {
			touched = true
		}
	}
	if !touched || v.journal == nil {
		value, err := next.Mutate(ctx, m)
		var older *pii.DuplicateError
		if errors.As(err, &older) {
			return nil, &apperr.Error{Code: apperr.Conflict, Message: "this value is already registered (该值已被登记)"}
		}
		return value, err
	}
	wait, err := v.journal.retryAfter(LookupContext(ctx), m.Client(), v.UserID, time.Now())
	if err != nil {
		return nil, err
	}
	if wait > 0 {
		secs := int(math.Ceil(wait.Seconds()))
		return nil, &apperr.Error{Code: apperr.RateLimited,
			Message: fmt.Sprintf("too many refused duplicates; try again in %d seconds (重复登记被拒次数过多，请%d秒后再试)", secs, secs),
			Extra:   map[string]any{"retryAfterSeconds": secs}}
	}
	value, err := next.Mutate(ctx, m)
	var older *pii.DuplicateError
	if errors.As(err, &older) { // a duplicate still under an older data key's blind index
		for _, u := range values {
			if u.column == older.Column+"_index" {
				return nil, uniqueRefusal(ctx, v, m, u, older.Indexes)
			}
		}
	}
	if err == nil || !gen.IsConstraintError(err) {
		return value, err
	}
	for _, u := range values {
		if strings.Contains(err.Error(), u.column) {
			raw, _ := m.Field(u.column)
			s, _ := raw.(string)
			return nil, uniqueRefusal(ctx, v, m, u, []string{s})
		}
	}
	return value, err
}

// uniqueRefusal is the one answer to a duplicate of u, wherever the other record lies. One
// outside the caller's scope is counted and audited (without the value).
func uniqueRefusal(ctx context.Context, v *Viewer, m clientMutation, u uniqueValue, values []string) error {
	refusal := &apperr.Error{Code: apperr.Conflict, Field: u.field,
		Message: "this value is already registered (该值已被登记)"}
	inScope, err := u.visible(LookupContext(ctx), m.Client(), values)
	if err != nil || inScope {
		return refusal // a failed scope lookup still refuses; it is not counted
	}
	v.journal.count(v.UserID, time.Now())
	v.journal.record(ctx, Event{Action: uniqueRefused, Entity: m.Type(), Changed: []string{u.input},
		Detail: "duplicate of a record outside the caller's scope (" + ObjectOf(m.Type()) + "." + writeAction(ctx, m) + ")"})
	return refusal
}
