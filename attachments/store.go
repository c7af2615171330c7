// Package attachments stores the content of attachments (photos and documents): checked by
// type from the bytes, stripped of JPEG metadata, content-addressed by SHA-256 in a
// gocloud.dev/blob bucket (a local directory by default, any S3-compatible store when
// configured), and served through short-lived signed links (sign.go).
//
// Ordering, so that a failed or interrupted upload leaves nothing behind:
//  1. the HTTP layer spools the uploaded part into a temp file in the store's temp directory
//     (Spool), bounded by the upload limit; nothing else is written while the body arrives;
//  2. Put checks the type from the first bytes, streams the file through the JPEG filter into
//     a second temp file while hashing it, and copies that file into the bucket under its hash
//     (if the bucket lacks it); both temp files are removed whatever happens;
//  3. only then is the row written, in the request's transaction; if that transaction rolls
//     back, the blob is removed again unless another row refers to it.
//
// A crash in step 1 or 2 leaves temp files only: CleanTemp removes them at start. A crash
// between steps 2 and 3 leaves a blob no row refers to: Sweep removes those at start.
package attachments

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"gocloud.dev/blob"
	_ "gocloud.dev/blob/fileblob" // file:// buckets
	_ "gocloud.dev/blob/s3blob"   // s3:// buckets
	"gocloud.dev/gcerrors"

	"github.com/nanpiao/sbqw/apperr"
)

// Allowed are the content types accepted, as detected from the bytes.
var Allowed = map[string]string{
	"image/jpeg":      ".jpg",
	"image/png":       ".png",
	"application/pdf": ".pdf",
}

// Limits bounds what is accepted.
type Limits struct {
	MaxBytes    int64 // largest file (10 MiB)
	MaxPerOwner int   // attachments on one record (20)
}

// DefaultLimits apply when nothing is configured.
var DefaultLimits = Limits{MaxBytes: 10 << 20, MaxPerOwner: 20}

// Store is the attachment content store.
type Store struct {
	bucket *blob.Bucket
	tmpDir string
	Limits Limits
}

// Open opens the bucket at bucketURL (file:///abs/dir, s3://bucket?region=…&endpoint=…, or a
// plain directory path) with temp files in tmpDir (created if absent).
func Open(ctx context.Context, bucketURL, tmpDir string, limits Limits) (*Store, error) {
	if limits.MaxBytes <= 0 {
		limits.MaxBytes = DefaultLimits.MaxBytes
	}
	if limits.MaxPerOwner <= 0 {
		limits.MaxPerOwner = DefaultLimits.MaxPerOwner
	}
	u := bucketURL
	if !strings.Contains(u, "://") {
		abs, err := filepath.Abs(u)
		if err != nil {
			return nil, err
		}
		if err := os.MkdirAll(abs, 0o700); err != nil {
			return nil, fmt.Errorf("attachments: %w", err)
		}
		// no_tmp_dir: fileblob writes its own temp file beside the final one and renames it,
		// so a crash leaves it in the bucket directory (removed by Sweep), not in /tmp.
		u = (&url.URL{Scheme: "file", Path: filepath.ToSlash(abs), RawQuery: "no_tmp_dir=1&metadata=skip"}).String()
	}
	b, err := blob.OpenBucket(ctx, u)
	if err != nil {
		return nil, fmt.Errorf("attachments: opening %s: %w", redact(bucketURL), err)
	}
	if err := os.MkdirAll(tmpDir, 0o700); err != nil {
		_ = b.Close()
		return nil, fmt.Errorf("attachments: %w", err)
	}
	return &Store{bucket: b, tmpDir: tmpDir, Limits: limits}, nil
}

func redact(s string) string {
	if u, err := url.Parse(s); err == nil && u.User != nil {
		u.User = url.User("…")
		return u.String()
	}
	return s
}

// Close closes the bucket.
func (s *Store) Close() error { return s.bucket.Close() }

const tmpPrefix = "upload-"

// CleanTemp removes every temp file left by uploads that were interrupted (a crash, a kill):
// call it at start, before serving. It returns how many it removed.
func (s *Store) CleanTemp() (int, error) {
	entries, err := os.ReadDir(s.tmpDir)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), tmpPrefix) {
			if err := os.Remove(filepath.Join(s.tmpDir, e.Name())); err == nil {
				n++
			}
		}
	}
	return n, nil
}

// ErrTooLarge is returned by Spool for a file over the limit.
func tooLarge(limit int64) error {
	return (&apperr.Error{Code: apperr.BadUserInput, Field: "file",
		Message: fmt.Sprintf("the file is larger than %d bytes (文件过大)", limit)}).Because("FILE_TOO_LARGE")
}

// Spool copies an uploaded file into a temp file, refusing one over the size limit (then
// nothing remains). The caller removes the returned path when done.
func (s *Store) Spool(r io.Reader) (path string, size int64, err error) {
	f, err := os.CreateTemp(s.tmpDir, tmpPrefix+"*")
	if err != nil {
		return "", 0, err
	}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			_ = os.Remove(f.Name())
			path = ""
		}
	}()
	size, err = io.Copy(f, io.LimitReader(r, s.Limits.MaxBytes+1))
	if err != nil {
		return "", 0, err
	}
	if size > s.Limits.MaxBytes {
		return "", 0, tooLarge(s.Limits.MaxBytes)
	}
	return f.Name(), size, nil
}

// Stored describes content put in the store.
type Stored struct {
	SHA256      string
	Size        int64
	ContentType string
	Exif        Exif
	created     bool // this Put wrote the blob (it was not there before)
}

// Created says whether the blob was new (a rollback may then remove it).
func (st *Stored) Created() bool { return st.created }

// key is where content with hash h lives in the bucket.
func key(h string) string { return h[:2] + "/" + h }

// Put stores the upload in r (read once, streamed): type from the first bytes, JPEG metadata
// stripped, hashed, copied into the bucket under its hash. On error nothing is left behind.
func (s *Store) Put(ctx context.Context, r io.Reader) (*Stored, error) {
	return s.PutLocked(ctx, r, nil)
}

// PutLocked is Put calling lock with the content's hash once it is known, before looking
// whether the bucket has it: the caller's lock on that content (held to the end of its
// transaction) keeps a concurrent removal of the same content from slipping in between.
func (s *Store) PutLocked(ctx context.Context, r io.Reader, lock func(sha string) error) (*Stored, error) {
	br := bufio.NewReaderSize(r, 4096)
	head, _ := br.Peek(512)
	ct := http.DetectContentType(head)
	if i := strings.IndexByte(ct, ';'); i >= 0 {
		ct = ct[:i]
	}
	if _, ok := Allowed[ct]; !ok {
		return nil, (&apperr.Error{Code: apperr.BadUserInput, Field: "file",
			Message: fmt.Sprintf("files of type %s are not accepted: send a JPEG or PNG photo or a PDF document (文件类型不允许)", ct)}).Because("FILE_TYPE_NOT_ALLOWED")
	}
	f, err := os.CreateTemp(s.tmpDir, tmpPrefix+"*")
	if err != nil {
		return nil, err
	}
	defer func() { _ = f.Close(); _ = os.Remove(f.Name()) }()
	h := sha256.New()
	w := io.MultiWriter(f, h)
	out := &Stored{ContentType: ct}
	if ct == "image/jpeg" {
		raw, err := stripJPEG(w, br)
		if err != nil {
			if errors.Is(err, errNotJPEG) {
				return nil, (&apperr.Error{Code: apperr.BadUserInput, Field: "file",
					Message: "the JPEG file is damaged (文件已损坏)"}).Because("FILE_DAMAGED")
			}
			return nil, err
		}
		out.Exif = parseExif(raw)
	} else if _, err := io.Copy(w, br); err != nil {
		return nil, err
	}
	if out.Size, err = f.Seek(0, io.SeekCurrent); err != nil {
		return nil, err
	}
	out.SHA256 = hex.EncodeToString(h.Sum(nil))
	if lock != nil {
		if err := lock(out.SHA256); err != nil {
			return nil, err
		}
	}
	exists, err := s.bucket.Exists(ctx, key(out.SHA256))
	if err != nil {
		return nil, fmt.Errorf("attachments: %w", err)
	}
	if exists {
		return out, nil
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	if err := s.bucket.Upload(ctx, key(out.SHA256), f, &blob.WriterOptions{ContentType: ct}); err != nil {
		_ = s.bucket.Delete(context.WithoutCancel(ctx), key(out.SHA256))
		return nil, fmt.Errorf("attachments: storing %s: %w", out.SHA256, err)
	}
	out.created = true
	return out, nil
}

// Open reads the content with hash h.
func (s *Store) Open(ctx context.Context, h string) (*blob.Reader, error) {
	return s.bucket.NewReader(ctx, key(h), nil)
}

// Has says whether content with hash h is stored.
func (s *Store) Has(ctx context.Context, h string) (bool, error) { return s.bucket.Exists(ctx, key(h)) }

// Remove deletes content with hash h (absent content is not an error).
func (s *Store) Remove(ctx context.Context, h string) error {
	err := s.bucket.Delete(ctx, key(h))
	if gcerrors.Code(err) == gcerrors.NotFound {
		return nil
	}
	return err
}

// Sweep removes blobs older than grace that no row refers to (referenced answers for a batch
// of hashes) and fileblob temp files left by a crash. It returns how many it removed.
func (s *Store) Sweep(ctx context.Context, grace time.Duration, referenced func(context.Context, []string) (map[string]bool, error)) (int, error) {
	it := s.bucket.List(nil)
	removed := 0
	var batch []*blob.ListObject
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		hs := make([]string, 0, len(batch))
		for _, o := range batch {
			hs = append(hs, hashOf(o.Key))
		}
		ref, err := referenced(ctx, hs)
		if err != nil {
			return err
		}
		for _, o := range batch {
			if !ref[hashOf(o.Key)] {
				if err := s.bucket.Delete(ctx, o.Key); err == nil {
					removed++
				}
			}
		}
		batch = batch[:0]
		return nil
	}
	cutoff := time.Now().Add(-grace)
	for {
		o, err := it.Next(ctx)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return removed, err
		}
		if o.IsDir || o.ModTime.After(cutoff) {
			continue
		}
		batch = append(batch, o)
		if len(batch) == 200 {
			if err := flush(); err != nil {
				return removed, err
			}
		}
	}
	return removed, flush()
}

// hashOf is the hash a key names ("" for a key that is not content: a temp file).
func hashOf(k string) string {
	h := k[strings.LastIndexByte(k, '/')+1:]
	if len(h) != 64 || k != key(h) {
		return ""
	}
	return h
}
