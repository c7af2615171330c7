package authz

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/ent/apikey"
	"github.com/nanpiao/sbqw/ent/setting"
	"github.com/nanpiao/sbqw/ent/user"
)

// Replicas keep sessions, users, role bindings, API keys and the policy in process, so a warm
// request authenticates and authorizes without a statement. What makes that safe is one row:
// every change that can take access away (a session revoked, a password changed, a user
// disabled, a binding or API key changed, a policy line edited) writes a fresh random value to
// the setting revisionKey in the transaction that makes the change. A replica reads that row (with
// the policy version, one statement) at most every RevisionInterval and drops everything it
// cached when it moved; a change committed through this replica drops it at once. A cache is
// thus never used more than RevisionInterval plus one read after the change was committed
// elsewhere — under a second.

const revisionKey = "authz.revision"

// RevisionInterval is how long a replica trusts what it cached before it reads the revision
// again. Half the one-second bound leaves the read itself and a busy scheduler their margin.
const RevisionInterval = 500 * time.Millisecond

type revisionCheckKey struct{}

// IsRevisionCheck reports whether ctx is the revision read: a statement per replica per
// RevisionInterval, not per request (statement-counting tests leave it out).
func IsRevisionCheck(ctx context.Context) bool { return ctx.Value(revisionCheckKey{}) != nil }

// revision tracks the revision row as this replica last read it.
type revision struct {
	mu        sync.Mutex
	checkedAt time.Time // when the last read began
	value     string    // revision and policy version as read
	policy    int
	gen       atomic.Uint64 // moves whenever value moved: cached entries of an older one are void
	dirty     atomic.Bool   // a change was committed through this replica: read before trusting
}

// Generation returns the cache generation in force: entries cached under another one are void.
// It reads the revision row when the last read is older than RevisionInterval (or this
// replica committed a change since).
func (p *Policies) Generation(ctx context.Context) (uint64, *Snapshot, error) {
	if err := p.refresh(ctx, false); err != nil {
		return 0, nil, err
	}
	return p.rev.gen.Load(), p.current.Load(), nil
}

// refresh reads the revision row if it is due (or force), moves the generation when it changed
// and reloads the policy when its version changed.
func (p *Policies) refresh(ctx context.Context, force bool) error {
	r := &p.rev
	fresh := func() bool {
		return !force && !r.dirty.Load() && p.current.Load() != nil && time.Since(r.checkedAt) < RevisionInterval
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if fresh() {
		return nil
	}
	started := time.Now()
	r.dirty.Store(false) // a commit from here on marks it again and is read next time
	rows, err := p.client.Setting.Query().Where(setting.KeyIn(revisionKey, policyVersionKey)).
		All(context.WithValue(Bypass(ctx, "revision check"), revisionCheckKey{}, true))
	if err != nil {
		r.dirty.Store(true)
		return fmt.Errorf("reading the authorization revision: %w", err)
	}
	value, policy := "", 0
	for _, st := range rows {
		switch st.Key {
		case revisionKey:
			value = st.Value
		case policyVersionKey:
			if policy, err = strconv.Atoi(st.Value); err != nil {
				return fmt.Errorf("reading the policy version: %w", err)
			}
		}
	}
	value += "/" + strconv.Itoa(policy)
	if s := p.current.Load(); s == nil || s.version != policy {
		if err := p.load(ctx, policy); err != nil {
			r.dirty.Store(true)
			return err
		}
	}
	if value != r.value {
		r.value = value
		r.gen.Add(1)
	}
	r.checkedAt = started
	return nil
}

// revokes reports whether a mutation can take access away from someone already signed in.
// Creating a user, a session or an API key cannot (nothing cached refers to them yet), nor can
// the bookkeeping of sign-ins and key use.
func revokes(m ent.Mutation) bool {
	switch m.Type() {
	case ent.TypeRoleBinding, ent.TypeCasbinRule, ent.TypeSession:
		return !(m.Type() == ent.TypeSession && m.Op().Is(ent.OpCreate))
	case ent.TypeUser, ent.TypeApiKey:
		if m.Op().Is(ent.OpCreate) {
			return false
		}
		if m.Op().Is(ent.OpDelete | ent.OpDeleteOne) {
			return true
		}
		for _, f := range append(append(m.Fields(), m.AddedFields()...), m.ClearedFields()...) {
			if f != user.FieldLastLoginAt && f != apikey.FieldLastUsedAt && f != user.FieldUpdatedAt {
				return true
			}
		}
	}
	return false
}

// watchRevocations installs the hook that writes a new revision with every change that
// revokes(), in the change's own transaction (just before it commits, so the row is locked
// last and briefly), and makes this replica read it again once committed.
func (p *Policies) watchRevocations() {
	p.client.Use(func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
			v, err := next.Mutate(ctx, m)
			if err != nil || !revokes(m) {
				return v, err
			}
			if tx, terr := txOf(m); terr == nil {
				tx.OnCommit(func(next ent.Committer) ent.Committer {
					return ent.CommitFunc(func(ctx context.Context, tx *ent.Tx) error {
						if err := bumpRevision(ctx, tx.Client()); err != nil {
							return err
						}
						err := next.Commit(ctx, tx)
						p.rev.dirty.Store(true)
						return err
					})
				})
				return v, nil
			}
			cm, ok := m.(interface{ Client() *ent.Client })
			if !ok {
				return nil, fmt.Errorf("revision: unexpected mutation %T", m)
			}
			err = bumpRevision(ctx, cm.Client())
			p.rev.dirty.Store(true)
			return v, err
		})
	})
}

func txOf(m ent.Mutation) (*ent.Tx, error) {
	txm, ok := m.(interface{ Tx() (*ent.Tx, error) })
	if !ok {
		return nil, fmt.Errorf("revision: unexpected mutation %T", m)
	}
	return txm.Tx()
}

func bumpRevision(ctx context.Context, client *ent.Client) error {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return client.Setting.Create().SetKey(revisionKey).SetValue(hex.EncodeToString(b)).
		OnConflictColumns(setting.FieldKey).UpdateNewValues().Exec(Bypass(ctx, "revision"))
}
