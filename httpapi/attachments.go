package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/nanpiao/sbqw/apperr"
	"github.com/nanpiao/sbqw/attachments"
	"github.com/nanpiao/sbqw/authz"
	"github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/ent/privacy"
)

// The GraphQL multipart request specification
// (https://github.com/jaydenseric/graphql-multipart-request-spec), read as a stream: the
// `operations` part, the `map` part, then the files, in that order. Each file is spooled into
// the attachment store's temp directory as it arrives (bounded by the upload limit), so the
// operation — and its database transaction — starts only once the whole body is in; a body
// that breaks off leaves no file behind. The spooled files are removed when the request ends.

// maxUploadFiles bounds the files of one request.
const maxUploadFiles = 5

// uploadOverhead is what a multipart body may hold besides the files (operations, map, part
// headers) beyond the ordinary body limit.
const uploadOverhead = 64 << 10

func (t httpTransport) fromMultipart(w http.ResponseWriter, r *http.Request) (*graphql.RawParams, func(), *requestFault, *apperr.Error) {
	nothing := func() {}
	if t.files == nil {
		return nil, nothing, fault(http.StatusUnsupportedMediaType, "send the request as Content-Type: application/json (请求体须为JSON)"), nil
	}
	limit := t.maxBody + uploadOverhead + maxUploadFiles*(t.files.Limits.MaxBytes)
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, nothing, fault(http.StatusBadRequest, "the multipart body is malformed (多部分请求体格式错误)"), nil
	}
	var spooled []*os.File
	cleanup := func() {
		for _, f := range spooled {
			_ = f.Close()
			_ = os.Remove(f.Name())
		}
	}
	fail := func(f *requestFault, e *apperr.Error) (*graphql.RawParams, func(), *requestFault, *apperr.Error) {
		cleanup()
		return nil, nothing, f, e
	}
	readErr := func(err error) (*graphql.RawParams, func(), *requestFault, *apperr.Error) {
		if errors.As(err, new(*http.MaxBytesError)) {
			return fail(fault(http.StatusRequestEntityTooLarge, "the request body is larger than %d bytes (请求体过大)", limit), nil)
		}
		if e, ok := apperr.As(err); ok {
			return fail(nil, e)
		}
		return fail(fault(http.StatusBadRequest, "the request body could not be read (请求体读取失败)"), nil)
	}
	small := func(p io.Reader) ([]byte, error) {
		b, err := io.ReadAll(io.LimitReader(p, t.maxBody+1))
		if err == nil && int64(len(b)) > t.maxBody {
			err = &http.MaxBytesError{Limit: t.maxBody}
		}
		return b, err
	}
	// operations
	part, err := mr.NextPart()
	if err != nil {
		return readErr(err)
	}
	if part.FormName() != "operations" {
		return fail(fault(http.StatusBadRequest, "the first part of a multipart request must be operations (首个部分须为operations)"), nil)
	}
	opsRaw, err := small(part)
	if err != nil {
		return readErr(err)
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(opsRaw, &fields); err != nil || fields == nil {
		return fail(fault(http.StatusBadRequest, "operations is not a JSON object: batches are not supported (operations须为JSON对象)"), nil)
	}
	p := &graphql.RawParams{}
	var docID string
	for _, s := range []struct {
		name string
		dst  *string
	}{{"query", &p.Query}, {"operationName", &p.OperationName}, {"documentId", &docID}} {
		if f := decodeString(fields[s.name], s.name, s.dst); f != nil {
			return fail(f, nil)
		}
	}
	for _, m := range []struct {
		name string
		dst  *map[string]any
	}{{"variables", &p.Variables}, {"extensions", &p.Extensions}} {
		if f := decodeObject(fields[m.name], m.name, m.dst); f != nil {
			return fail(f, nil)
		}
	}
	if docID != "" {
		return fail(fault(http.StatusBadRequest, "a multipart request names its query in operations (多部分请求须直接提供query)"), nil)
	}
	if f := missingQuery(p, docID); f != nil {
		return fail(f, nil)
	}
	// map
	if part, err = mr.NextPart(); err != nil {
		return readErr(err)
	}
	if part.FormName() != "map" {
		return fail(fault(http.StatusBadRequest, "the second part of a multipart request must be map (第二个部分须为map)"), nil)
	}
	mapRaw, err := small(part)
	if err != nil {
		return readErr(err)
	}
	var fileMap map[string][]string
	if err := json.Unmarshal(mapRaw, &fileMap); err != nil {
		return fail(fault(http.StatusBadRequest, "map must be a JSON object of file names to lists of paths (map格式错误)"), nil)
	}
	if len(fileMap) > maxUploadFiles {
		return fail(fault(http.StatusBadRequest, "at most %d files may be sent in one request (文件数量过多)", maxUploadFiles), nil)
	}
	// files
	seen := map[string]bool{}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return readErr(err)
		}
		name := part.FormName()
		paths, ok := fileMap[name]
		if !ok || seen[name] {
			return fail(fault(http.StatusBadRequest, "the body holds a file part %q that map does not name (存在未声明的文件)", name), nil)
		}
		seen[name] = true
		path, size, err := t.files.Spool(part)
		if err != nil {
			return readErr(err)
		}
		f, err := os.Open(path)
		if err != nil {
			_ = os.Remove(path)
			return readErr(err)
		}
		spooled = append(spooled, f)
		up := graphql.Upload{File: f, Filename: part.FileName(), Size: size, ContentType: part.Header.Get("Content-Type")}
		for _, at := range paths {
			if err := setVariable(p, at, up); err != nil {
				return fail(fault(http.StatusBadRequest, "map: %v (map路径无效)", err), nil)
			}
		}
	}
	if len(seen) != len(fileMap) {
		return fail(fault(http.StatusBadRequest, "map names a file the body does not hold (缺少文件)"), nil)
	}
	return p, cleanup, nil, nil
}

// setVariable puts up at a map path: "variables.file" or "variables.files.0".
func setVariable(p *graphql.RawParams, path string, up graphql.Upload) error {
	parts := strings.Split(path, ".")
	if len(parts) < 2 || parts[0] != "variables" || p.Variables == nil {
		return fmt.Errorf("%q is not a path into variables", path)
	}
	var cur any = p.Variables
	for i, k := range parts[1:] {
		last := i == len(parts)-2
		switch c := cur.(type) {
		case map[string]any:
			v, ok := c[k]
			if !ok {
				return fmt.Errorf("%q: no variable %q", path, k)
			}
			if last {
				if v != nil {
					return fmt.Errorf("%q: the variable must be null", path)
				}
				c[k] = up
				return nil
			}
			cur = v
		case []any:
			n, err := strconv.Atoi(k)
			if err != nil || n < 0 || n >= len(c) {
				return fmt.Errorf("%q: no element %q", path, k)
			}
			if last {
				if c[n] != nil {
					return fmt.Errorf("%q: the element must be null", path)
				}
				c[n] = up
				return nil
			}
			cur = c[n]
		default:
			return fmt.Errorf("%q does not lead to a variable", path)
		}
	}
	return fmt.Errorf("%q is not a path into variables", path)
}

// isMultipart says whether a POST is a multipart request.
func isMultipart(r *http.Request) bool {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && mt == "multipart/form-data"
}

// downloadAttachment serves GET /attachments/{id}?u=&exp=&sig= (links minted by
// Attachment.url): the signature and expiry, the caller (the Authorization of this request must
// be the user the link was minted for), then the attachment itself read through the caller's
// scope — a binding taken away after the link was minted counts at once. Every refusal is the
// same NOT_FOUND; every download is audited before a byte is sent.
func downloadAttachment(client *ent.Client, files *attachments.Store, links *attachments.Signer, audit func(context.Context, authz.Event) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		v := authz.FromContext(ctx)
		if v == nil {
			writeRefusal(w, r, http.StatusUnauthorized, &apperr.Error{Code: apperr.Unauthenticated, Message: "sign in first (请先登录)"})
			return
		}
		notFound := func() {
			writeRefusal(w, r, http.StatusNotFound, apperr.NotFoundf("not found (记录不存在)"))
		}
		id, err := strconv.Atoi(r.PathValue("id"))
		q := r.URL.Query()
		if err != nil || links.Check(id, q.Get("u"), q.Get("exp"), q.Get("sig"), v.UserID, time.Now()) != nil {
			notFound()
			return
		}
		a, err := client.Attachment.Get(authz.LookupContext(ctx), id)
		if err != nil {
			if !ent.IsNotFound(err) && !errors.Is(err, apperr.ErrForbidden) && !errors.Is(err, privacy.Deny) {
				logFor(ctx).ErrorContext(ctx, "attachment lookup failed", "request_id", RequestID(ctx), "err", err)
				writeRefusal(w, r, http.StatusServiceUnavailable, &apperr.Error{Code: apperr.Internal, Message: "internal error (系统内部错误)"})
				return
			}
			notFound()
			return
		}
		body, err := files.Open(ctx, a.Sha256)
		if err != nil {
			logFor(ctx).ErrorContext(ctx, "attachment content missing", "request_id", RequestID(ctx), "id", id, "sha256", a.Sha256, "err", err)
			writeRefusal(w, r, http.StatusServiceUnavailable, &apperr.Error{Code: apperr.Internal, Message: "internal error (系统内部错误)"})
			return
		}
		defer body.Close()
		e := authz.Event{Action: "attachment.download", Entity: "Attachment", EntityID: &a.ID}
		if a.TownshipID != 0 {
			e.TownshipID = a.TownshipID
		}
		if a.VillageID != 0 {
			e.VillageID = a.VillageID
		}
		if err := audit(ctx, e); err != nil {
			logFor(ctx).ErrorContext(ctx, "attachment download not audited: refused", "request_id", RequestID(ctx), "err", err)
			writeRefusal(w, r, http.StatusServiceUnavailable, &apperr.Error{Code: apperr.Internal, Message: "internal error (系统内部错误)"})
			return
		}
		h := w.Header()
		h.Set("Content-Type", a.ContentType)
		h.Set("Content-Length", strconv.FormatInt(a.Size, 10))
		h.Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(a.Name))
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
		h.Set("Cache-Control", "private, no-store")
		_, _ = io.Copy(w, body)
	})
}

// uploadStatus is the HTTP status of an upload refused while its body was read.
func uploadStatus(e *apperr.Error) int {
	if e.Reason == "FILE_TOO_LARGE" {
		return http.StatusRequestEntityTooLarge
	}
	return http.StatusBadRequest
}
