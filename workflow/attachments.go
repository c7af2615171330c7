package workflow

import (
	"context"
	"io"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/nanpiao/sbqw/apperr"
	"github.com/nanpiao/sbqw/attachments"
	"github.com/nanpiao/sbqw/authz"
	"github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/ent/attachment"
	"github.com/nanpiao/sbqw/ent/predicate"
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
	st, err := store.Put(ctx, file)
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

// forgetBlob removes a blob that an upload wrote when no committed row refers to it (the
// upload's transaction rolled back).
func forgetBlob(ctx context.Context, root *ent.Client, store *attachments.Store, sha string) {
	ref, err := ReferencedContent(ctx, root, []string{sha})
	if err == nil && !ref[sha] {
		_ = store.Remove(ctx, sha)
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

// ReferencedContent says which of the hashes some attachment row refers to, soft-deleted rows
// included (their content is kept with them). Plain SQL: bookkeeping, not a read on anyone's
// behalf, and it must see deleted rows too.
func ReferencedContent(ctx context.Context, c *ent.Client, hashes []string) (map[string]bool, error) {
	out := make(map[string]bool, len(hashes))
	if len(hashes) == 0 {
		return out, nil
	}
	args := make([]any, len(hashes))
	for i, h := range hashes {
		args[i] = h
	}
	rows, err := c.QueryContext(ctx, "SELECT DISTINCT "+attachment.FieldSha256+" FROM "+attachment.Table+
		" WHERE "+attachment.FieldSha256+" IN (?"+strings.Repeat(", ?", len(hashes)-1)+")", args...)
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
