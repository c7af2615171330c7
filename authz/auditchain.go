package authz

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	gen "github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/ent/auditevent"
)

// The audit trail is tamper-evident: every event is chained by SHA-256 to the one before it.
// Events are written inside the transactions they record, whose commit order no writer knows,
// so the chain is not extended by the writers but by a sealer that runs shortly after: it takes
// the committed events not yet chained, oldest first, and gives each the next position, the
// previous link's hash and its own hash. Positions are unique, so two replicas' sealers cannot
// both extend the chain from the same link; the loser rolls back and tries again. An event is
// open to undetected change only in the second or so before it is sealed.

// SealAuditChain chains up to limit unchained events and returns how many it chained.
func SealAuditChain(ctx context.Context, client *gen.Client, limit int) (int, error) {
	ctx = Bypass(ctx, "audit chain")
	tx, err := client.Tx(ctx)
	if err != nil {
		return 0, err
	}
	defer func() { _ = tx.Rollback() }()
	var seq int64
	prev := ""
	last, err := tx.AuditEvent.Query().Where(auditevent.ChainSeqNotNil()).Order(gen.Desc(auditevent.FieldChainSeq)).First(ctx)
	switch {
	case gen.IsNotFound(err):
	case err != nil:
		return 0, err
	default:
		seq, prev = *last.ChainSeq, last.Hash
	}
	open, err := tx.AuditEvent.Query().Where(auditevent.ChainSeqIsNil()).Order(gen.Asc(auditevent.FieldID)).Limit(limit).All(ctx)
	if err != nil || len(open) == 0 {
		return 0, err
	}
	links := make([]link, len(open))
	for i, e := range open {
		seq++
		hash := chainHash(prev, seq, e)
		links[i] = link{id: e.ID, seq: seq, prev: prev, hash: hash}
		prev = hash
	}
	for chunk := range slices.Chunk(links, sealBatch) {
		if err := writeLinks(ctx, tx, chunk); err != nil {
			return 0, err
		}
	}
	return len(open), tx.Commit()
}

// sealBatch is how many links one UPDATE writes (3 CASE arms and an IN entry per link: 700
// placeholders, well within either engine's limit).
const sealBatch = 100

// link is one event's place in the chain.
type link struct {
	id   int
	seq  int64
	prev string
	hash string
}

// writeLinks writes the chain columns of a run of events in one statement. Raw SQL: audit
// events refuse every change through ent (appendOnly); these three columns are written once,
// here, and only where still empty — an event another sealer chained meanwhile is not
// matched, and the run fails.
func writeLinks(ctx context.Context, tx *gen.Tx, links []link) error {
	var seqs, prevs, hashes, ids strings.Builder
	args := make([]any, 0, 7*len(links))
	for _, l := range links {
		seqs.WriteString(" WHEN ? THEN ?")
		args = append(args, l.id, l.seq)
	}
	for _, l := range links {
		prevs.WriteString(" WHEN ? THEN ?")
		args = append(args, l.id, l.prev)
	}
	for _, l := range links {
		hashes.WriteString(" WHEN ? THEN ?")
		args = append(args, l.id, l.hash)
	}
	for i, l := range links {
		if i > 0 {
			ids.WriteString(", ")
		}
		ids.WriteString("?")
		args = append(args, l.id)
	}
	id := auditevent.FieldID
	res, err := tx.ExecContext(ctx, "UPDATE "+auditevent.Table+" SET "+
		auditevent.FieldChainSeq+" = CASE "+id+seqs.String()+" END, "+
		auditevent.FieldPrevHash+" = CASE "+id+prevs.String()+" END, "+
		auditevent.FieldHash+" = CASE "+id+hashes.String()+" END"+
		" WHERE "+id+" IN ("+ids.String()+") AND "+auditevent.FieldChainSeq+" IS NULL", args...)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n != int64(len(links)) {
		return fmt.Errorf("%d of audit events %d to %d were chained meanwhile by another sealer", int64(len(links))-n, links[0].id, links[len(links)-1].id)
	}
	return nil
}

// chainHash is SHA-256 over the previous link's hash, the position and every recorded field of
// the event, in a fixed JSON form (times in UTC to the microsecond, the precision both engines
// keep).
func chainHash(prev string, seq int64, e *gen.AuditEvent) string {
	content, _ := json.Marshal([]any{prev, seq, e.ID, e.At.UTC().Truncate(time.Microsecond).Format(time.RFC3339Nano),
		e.UserID, e.Username, e.Role, e.Action, e.Entity, e.EntityID, e.ChangedFields, e.Detail, e.RequestID,
		e.ClientAddress, e.TownshipID, e.VillageID})
	sum := sha256.Sum256(content)
	return hex.EncodeToString(sum[:])
}

// ChainReport is what VerifyAuditChain found.
type ChainReport struct {
	Chained  int // events checked in the chain
	Unsealed int // events not chained yet (written in the last moments, or no sealer running)
	// Broken names the first broken link; empty when the chain holds.
	Broken string
}

// VerifyAuditChain walks the chain from its first link and names the first one whose position,
// previous hash or own hash does not match what was recorded: an event edited, deleted or
// inserted after it was sealed.
func VerifyAuditChain(ctx context.Context, client *gen.Client) (ChainReport, error) {
	ctx = Bypass(ctx, "verify audit chain")
	var r ChainReport
	var err error
	if r.Unsealed, err = client.AuditEvent.Query().Where(auditevent.ChainSeqIsNil()).Count(ctx); err != nil {
		return r, err
	}
	seq, prev, err := chainStart(ctx, client)
	if err != nil {
		return r, err
	}
	if strings.HasPrefix(prev, "!") {
		r.Broken = prev[1:]
		return r, nil
	}
	const page = 1000
	for {
		events, err := client.AuditEvent.Query().Where(auditevent.ChainSeqGT(seq)).Order(gen.Asc(auditevent.FieldChainSeq)).Limit(page).All(ctx)
		if err != nil {
			return r, err
		}
		for _, e := range events {
			switch {
			case *e.ChainSeq != seq+1:
				r.Broken = fmt.Sprintf("link %d is missing (the next is %d, event %d): an event was deleted", seq+1, *e.ChainSeq, e.ID)
			case e.PrevHash != prev:
				r.Broken = fmt.Sprintf("link %d (event %d) does not follow link %d: the chain was rewritten", *e.ChainSeq, e.ID, seq)
			case e.Hash != chainHash(prev, *e.ChainSeq, e):
				r.Broken = fmt.Sprintf("link %d (event %d, %s at %s) was changed after it was sealed", *e.ChainSeq, e.ID, e.Action, e.At.UTC().Format(time.RFC3339))
			}
			if r.Broken != "" {
				return r, nil
			}
			seq, prev = *e.ChainSeq, e.Hash
			r.Chained++
		}
		if len(events) < page {
			return r, nil
		}
	}
}

// pruneDetail is how a prune event records the last link it removed: the chain resumes from it.
const pruneDetail = "removed links through %d, the last with hash %s"

// ActionAuditPrune is the audit action of a retention prune.
const ActionAuditPrune = "audit.prune"

// chainStart is where verification begins: before link 1, or — once retention has removed the
// oldest links — after the link the latest prune event names, whose hash the first remaining
// link must carry. Links missing at the start without such a record break the chain ("!" and
// the reason).
func chainStart(ctx context.Context, client *gen.Client) (int64, string, error) {
	first, err := client.AuditEvent.Query().Where(auditevent.ChainSeqNotNil()).Order(gen.Asc(auditevent.FieldChainSeq)).First(ctx)
	if gen.IsNotFound(err) || (err == nil && *first.ChainSeq == 1) {
		return 0, "", nil
	}
	if err != nil {
		return 0, "", err
	}
	prune, err := client.AuditEvent.Query().Where(auditevent.Action(ActionAuditPrune)).Order(gen.Desc(auditevent.FieldID)).First(ctx)
	if gen.IsNotFound(err) {
		return 0, fmt.Sprintf("!links 1 to %d are missing and no retention prune removed them", *first.ChainSeq-1), nil
	}
	if err != nil {
		return 0, "", err
	}
	var through int64
	var hash string
	if _, err := fmt.Sscanf(prune.Detail, pruneDetail, &through, &hash); err != nil || through != *first.ChainSeq-1 {
		return 0, fmt.Sprintf("!links 1 to %d are missing, but the latest prune (event %d) removed links through %d", *first.ChainSeq-1, prune.ID, through), nil
	}
	return through, hash, nil
}

// PruneAuditTrail removes the sealed events older than before — the retention setting — and
// records, as an audit event of its own, the last link removed and its hash, from which the
// chain is verified afterwards. Unsealed events are never removed.
func PruneAuditTrail(ctx context.Context, client *gen.Client, before time.Time) (int, error) {
	ctx = Bypass(ctx, "audit retention")
	tx, err := client.Tx(ctx)
	if err != nil {
		return 0, err
	}
	defer func() { _ = tx.Rollback() }()
	last, err := tx.AuditEvent.Query().Where(auditevent.ChainSeqNotNil(), auditevent.AtLT(before), auditevent.ActionNEQ(ActionAuditPrune)).
		Order(gen.Desc(auditevent.FieldChainSeq)).First(ctx)
	if gen.IsNotFound(err) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	// Raw SQL: audit events refuse deletion through ent (appendOnly); retention is the one way.
	res, err := tx.ExecContext(ctx, "DELETE FROM "+auditevent.Table+" WHERE "+auditevent.FieldChainSeq+" <= ?", *last.ChainSeq)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, err
	}
	if err := Record(ctx, tx.Client(), Event{Action: ActionAuditPrune, Detail: fmt.Sprintf(pruneDetail, *last.ChainSeq, last.Hash)}); err != nil {
		return 0, err
	}
	return int(n), tx.Commit()
}

// String is the report as `admin verify-audit` prints it.
func (r ChainReport) String() string {
	var b strings.Builder
	if r.Broken != "" {
		fmt.Fprintf(&b, "BROKEN: %s\n", r.Broken)
	}
	fmt.Fprintf(&b, "%d events in the chain checked", r.Chained)
	if r.Broken == "" {
		b.WriteString(", every link holds")
	}
	fmt.Fprintf(&b, "; %d not sealed yet\n", r.Unsealed)
	return b.String()
}
