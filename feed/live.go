package feed

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	gen "github.com/nanpiao/sbqw/ent"
)

// Live wakes this replica's live subscriptions when the feed moves. One goroutine (Run) does
// the sequencing turn and then reads the newest position, for every subscription at once;
// each subscription then reads its own scope's entries (Read) from its own cursor. Positions
// given by another replica's sequencer are seen at the next turn.
type Live struct {
	mu   sync.Mutex
	head int64
	wake chan struct{} // closed, and replaced, when head moves
	done <-chan struct{}

	streams   sync.Mutex
	open      map[string]int
	maxStream int
}

// NewLive is the feed's live side; its streams end when stop ends (server shutdown), and a
// credential holds at most maxStreams of them at once.
func NewLive(stop context.Context, maxStreams int) *Live {
	return &Live{wake: make(chan struct{}), done: stop.Done(), open: map[string]int{}, maxStream: maxStreams}
}

// Run sequences the feed and wakes subscriptions every interval until ctx ends.
func (l *Live) Run(ctx context.Context, client *gen.Client, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if _, err := Sequence(ctx, client, 1000); err != nil && ctx.Err() == nil {
			slog.Warn("change feed: sequencing failed; next turn retries", "error", err)
		}
		if head, err := Head(ctx, client); err == nil {
			l.moved(head)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (l *Live) moved(head int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if head > l.head {
		l.head = head
		close(l.wake)
		l.wake = make(chan struct{})
	}
}

// changed is closed when the feed moves next.
func (l *Live) changed() <-chan struct{} {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.wake
}

// Enter takes one of key's stream places; false when all are taken. Leave gives it back.
func (l *Live) Enter(key string) bool {
	l.streams.Lock()
	defer l.streams.Unlock()
	if l.open[key] >= l.maxStream {
		return false
	}
	l.open[key]++
	return true
}

// Leave gives back a place taken with Enter.
func (l *Live) Leave(key string) {
	l.streams.Lock()
	defer l.streams.Unlock()
	if l.open[key]--; l.open[key] <= 0 {
		delete(l.open, key)
	}
}

// RecheckInterval is how often a live stream that has nothing to send checks its credential
// again (Follow's check): with the replica's own revision reads (authz.RevisionInterval) a
// revoked credential's stream ends within about a second, like its requests.
const RecheckInterval = 250 * time.Millisecond

// Follow sends every entry visible to ctx's caller after position after, as it is positioned,
// until ctx ends or the server stops (nil), check fails (its error) or the cursor is older than
// the feed's retention (ErrCursorExpired); keep filters entries
// (nil keeps all). check (nil: none) is the caller's credential checked again — before every
// read, before every entry is sent and every RecheckInterval while waiting — so that nothing
// read for a credential is sent once it has been revoked or its access changed. The caller
// closes out after Follow returns.
func (l *Live) Follow(ctx context.Context, client *gen.Client, after int64, keep func(*gen.FeedEntry) bool, check func(context.Context) error, out chan<- *gen.FeedEntry) error {
	if check == nil {
		check = func(context.Context) error { return nil }
	}
	tick := time.NewTicker(RecheckInterval)
	defer tick.Stop()
	for {
		if err := check(ctx); err != nil {
			return err
		}
		wake := l.changed()
		page, err := Read(ctx, client, after, MaxPage)
		if errors.Is(err, ErrCursorExpired) {
			return err
		}
		if err != nil {
			if ctx.Err() == nil {
				slog.Warn("change feed: a live subscription failed", "error", err)
			}
			return nil
		}
		for _, e := range page.Entries {
			if keep != nil && !keep(e) {
				continue
			}
			if err := check(ctx); err != nil {
				return err
			}
			select {
			case out <- e:
			case <-ctx.Done():
				return nil
			case <-l.done:
				return nil
			}
		}
		after = page.End
		if page.HasMore {
			continue
		}
	wait:
		for {
			select {
			case <-wake:
				break wait
			case <-tick.C:
				if err := check(ctx); err != nil {
					return err
				}
			case <-ctx.Done():
				return nil
			case <-l.done:
				return nil
			}
		}
	}
}
