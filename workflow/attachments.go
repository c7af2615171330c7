package workflow

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"

	"github.com/nanpiao/sbqw/apperr"
	"github.com/nanpiao/sbqw/attachments"
	"github.com/nanpiao/sbqw/authz"
	"github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/ent/attachment"
	"github.com/nanpiao/sbqw/ent/predicate"
	"github.com/nanpiao/sbqw/ent/sharedstate"
)

// AddAttachment stores file as an attachment of the record ownerID (a visit, demonstration
// project step, rectification, contribution or demand) — see package attachments for the order
// of writes. c is the request's transaction client, root the plain client (used, after a
// rollback, to see whether the blob this upload wrote is referenced by anyone else).
//
// The owner must be visible to the caller (else NOT_FOUND, as if absent); the attachment takes
// the owner's scope columns and must lie within the caller's scope for attachment.create (else
// FORBIDDEN). The count per owner is checked under the owner's row lock, so simultaneous
// uploads cannot pass the limit together.
func AddAttachment(ctx context.Context, c, root *ent.Client, store *attachments.Store, ownerID int, name string, file io.Reader) (*ent.Attachment, error) {
	v := authz.FromContext(ctx)
	if v == nil {
		return nil, authz.ErrNoViewer
	}
	owner, err := c.Noder(authz.LookupContext(ctx), ownerID)
	if ent.IsNotFound(err) {
		return nil, apperr.MissingReference("owner")
	}
	if err != nil {
		return nil, err
	}
	var (
		typ   string
		where predicate.Attachment
		set   func(*ent.AttachmentCreate)
	)
	switch o := owner.(type) {
	case *ent.Visit:
		typ, where, set = ent.TypeVisit, attachment.VisitID(o.ID), func(b *ent.AttachmentCreate) { b.SetVisitID(o.ID) }
	case *ent.DemoProjectStage:
		typ, where, set = ent.TypeDemoProjectStage, attachment.DemoProjectStageID(o.ID), func(b *ent.AttachmentCreate) { b.SetDemoProjectStageID(o.ID) }
	case *ent.Rectification:
		typ, where, set = ent.TypeRectification, attachment.RectificationID(o.ID), func(b *ent.AttachmentCreate) { b.SetRectificationID(o.ID) }
	case *ent.Contribution:
		typ, where, set = ent.TypeContribution, attachment.ContributionID(o.ID), func(b *ent.AttachmentCreate) { b.SetContributionID(o.ID) }
	case *ent.Demand:
		typ, where, set = ent.TypeDemand, attachment.DemandID(o.ID), func(b *ent.AttachmentCreate) { b.SetDemandID(o.ID) }
	default:
		return nil, apperr.Invalid("owner", "only a visit, a project step, a rectification, a contribution or a demand takes attachments (该记录不能添加附件)").Because("NOT_AN_ATTACHMENT_OWNER")
	}
	if err := LockRow(ctx, c, typ, ownerID); err != nil {
		return nil, err
	}
	// Counted without the caller's scope: the limit is about the record, not what one reader sees.
	n, err := c.Attachment.Query().Where(where).Count(authz.Bypass(ctx, "attachment limit"))
	if err != nil {
		return nil, err
	}
	if n >= store.Limits.MaxPerOwner {
		return nil, apperr.Rule("the record already has %d attachments (附件数量已达上限)", store.Limits.MaxPerOwner).Because("TOO_MANY_ATTACHMENTS")
	}
	if s, ok := file.(io.Seeker); ok { // a retried transaction reads the spooled file again
		if _, err := s.Seek(0, io.SeekStart); err != nil {
			return nil, err
		}
	}
	// The content lock is taken once the hash is known and held to the end of the transaction:
	// a deletion cannot remove the blob between Put finding it stored and this row committing.
	st, err := store.PutLocked(ctx, file, func(sha string) error { return lockContent(ctx, c, sha) })
	if err != nil {
		return nil, err
	}
	if st.Created() {
		forget := func() { forgetBlob(context.WithoutCancel(ctx), root, store, st.SHA256) }
		if tx := ent.TxFromContext(ctx); tx != nil {
			tx.OnRollback(func(next ent.Rollbacker) ent.Rollbacker {
				return ent.RollbackFunc(func(rctx context.Context, tx *ent.Tx) error {
					err := next.Rollback(rctx, tx)
					forget()
					return err
				})
			})
		} else {
			defer func() {
				if err != nil {
					forget()
				}
			}()
		}
	}
	b := c.Attachment.Create().
		SetSha256(st.SHA256).SetSize(st.Size).SetContentType(st.ContentType).
		SetName(cleanName(name, st.ContentType)).
		SetNillableTakenAt(st.Exif.TakenAt).SetNillableLatitude(st.Exif.Latitude).SetNillableLongitude(st.Exif.Longitude).
		SetUploaderID(v.UserID).SetUploader(v.Username)
	set(b)
	a, err := b.Save(ctx)
	return a, err
}

// DeleteAttachment deletes the attachment id (a soft delete, like every record's: it leaves
// the reads, the download links and the owner's list at once, and shows in the deletions feed)
// for a caller who may delete attachments at a scope reaching it — the units that add them.
// An attachment of a closed year's record is refused with YEAR_CLOSED (the year lock, ent
// schema). Audited by the audit hook. Once the transaction commits, the content is removed
// from the store unless another live row refers to the same SHA-256 (content-addressed: two
// uploads of the same bytes share one blob); see removeIfUnreferenced for why that is
// race-free.
func DeleteAttachment(ctx context.Context, c, root *ent.Client, store *attachments.Store, id int) error {
	a, err := c.Attachment.Get(ctx, id) // NOT_FOUND when absent, deleted or out of scope
	if err != nil {
		return err
	}
	if err := c.Attachment.DeleteOneID(id).Exec(ctx); err != nil {
		return err
	}
	if store == nil {
		return nil
	}
	forget := func() { removeIfUnreferenced(context.WithoutCancel(ctx), root, store, a.Sha256) }
	if tx := ent.TxFromContext(ctx); tx != nil {
		tx.OnCommit(func(next ent.Committer) ent.Committer {
			return ent.CommitFunc(func(cctx context.Context, tx *ent.Tx) error {
				err := next.Commit(cctx, tx)
				if err == nil {
					forget()
				}
				return err
			})
		})
		return nil
	}
	forget()
	return nil
}

// forgetBlob removes a blob that an upload wrote when no committed row refers to it (the
// upload's transaction rolled back).
func forgetBlob(ctx context.Context, root *ent.Client, store *attachments.Store, sha string) {
	removeIfUnreferenced(ctx, root, store, sha)
}

// removeIfUnreferenced removes the content sha when no live attachment row refers to it, in a
// transaction of its own holding the content lock: an upload of the same bytes holds that lock
// from finding the blob stored until its row commits, so either it commits first (and the
// blob stays) or this removal goes first (and the upload, finding no blob, stores it again).
// On SQLite the write transaction itself is the lock (writers are serialised). A failure
// leaves an unreferenced blob, which the sweep at start removes.
func removeIfUnreferenced(ctx context.Context, root *ent.Client, store *attachments.Store, sha string) {
	if err := removeUnreferenced(ctx, root, store, sha); err != nil {
		slog.WarnContext(ctx, "attachment content left for the sweep at start", "sha256", sha, "error", err.Error())
	}
}

func removeUnreferenced(ctx context.Context, root *ent.Client, store *attachments.Store, sha string) error {
	tx, err := root.Tx(ctx)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }()
	c := tx.Client()
	if err := lockContent(ctx, c, sha); err != nil {
		return err
	}
	ref, err := ReferencedContent(ctx, c, []string{sha})
	if err != nil || ref[sha] {
		return err
	}
	if err := store.Remove(ctx, sha); err != nil {
		return err
	}
	return tx.Commit()
}

// lockContent takes the content lock of sha until the transaction ends: the write lock of a
// row named after it in the shared state table (created when missing; pruned an hour later).
// SQLite needs none: its writers are serialised.
func lockContent(ctx context.Context, c *ent.Client, sha string) error {
	if c.Dialect() != dialect.MySQL {
		return nil
	}
	name := "attachment-content:" + sha
	sel, args := sql.Dialect(c.Dialect()).Select(sharedstate.FieldID).From(sql.Table(sharedstate.Table)).
		Where(sql.EQ(sharedstate.FieldName, name)).ForUpdate().Query()
	for try := 0; ; try++ {
		rows, err := c.QueryContext(ctx, sel, args...)
		if err != nil {
			return err
		}
		found := rows.Next()
		if err := rows.Close(); err != nil {
			return err
		}
		if found {
			return nil
		}
		if try == 1 {
			return fmt.Errorf("attachments: the content lock row of %s vanished", sha)
		}
		// A new row is locked by its insert; a concurrent insert of the same name waits for
		// this transaction and is then ignored, and its SELECT … FOR UPDATE waits in turn.
		if _, err := c.ExecContext(ctx, "INSERT IGNORE INTO "+sharedstate.Table+" ("+sharedstate.FieldName+", "+sharedstate.FieldN+", "+
			sharedstate.FieldOk+", "+sharedstate.FieldExpiresAt+") VALUES (?, 0, 0, ?)", name, time.Now().Add(time.Hour).UnixMilli()); err != nil {
			return err
		}
	}
}

// cleanName keeps the base name of an uploaded file, without control characters, at most 200
// bytes; a missing name becomes "file" with the extension of the detected type.
func cleanName(name, contentType string) string {
	name = path.Base(strings.ReplaceAll(name, "\\", "/"))
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == utf8.RuneError {
			return -1
		}
		return r
	}, name)
	name = strings.TrimSpace(name)
	for len(name) > 200 {
		_, size := utf8.DecodeLastRuneInString(name)
		name = name[:len(name)-size]
	}
	if name == "" || name == "." || name == "/" {
		name = "file" + attachments.Allowed[contentType]
	}
	return name
}

// ReferencedContent says which of the hashes some live attachment row refers to. A deleted
// attachment's content is removed with it (deleteAttachment), so soft-deleted rows do not
// keep content alive. Plain SQL: bookkeeping, not a read on anyone's behalf.
func ReferencedContent(ctx context.Context, c *ent.Client, hashes []string) (map[string]bool, error) {
	out := make(map[string]bool, len(hashes))
	if len(hashes) == 0 {
		return out, nil
	}
	values := make([]any, len(hashes))
	for i, h := range hashes {
		values[i] = h
	}
	query, args := sql.Dialect(c.Dialect()).Select(attachment.FieldSha256).Distinct().From(sql.Table(attachment.Table)).
		Where(sql.And(sql.IsNull(attachment.FieldDeletedAt), sql.In(attachment.FieldSha256, values...))).Query()
	rows, err := c.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var h string
		if err := rows.Scan(&h); err != nil {
			return nil, err
		}
		out[h] = true
	}
	return out, rows.Err()
}
