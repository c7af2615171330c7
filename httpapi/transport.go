package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/nanpiao/sbqw/apperr"
	"github.com/nanpiao/sbqw/attachments"
)

// GraphQL over HTTP, as the GraphQL-over-HTTP specification describes it
// (https://graphql.github.io/graphql-over-http/draft/), proven by the graphql-http audit suite
// (audit_test.go):
//
//   - POST with Content-Type application/json and a JSON object body; GET with the parameters in
//     the URL, for queries only (a mutation over GET is 405 with Allow: POST);
//   - the response is application/graphql-response+json or application/json, as the Accept
//     header prefers; no Accept header, */* and application/* mean application/json; an Accept
//     header naming neither is 406;
//   - a request that is not well-formed (unreadable JSON, a parameter of the wrong type, no
//     query, a batch) is 400; a body over the limit is 413, a URL over it 414, a POST that is
//     not JSON 415 — each with a GraphQL error body;
//   - a request error raised before execution (document parsing, validation, variable
//     coercion, the operation limits) has no data entry; with application/graphql-response+json
//     it is 400, with application/json 200 (the spec's legacy rule). Missing credentials are 401,
//     a refused credential 403 and rate limiting 429 with either media type;
//   - an operation deferring a fragment (@defer) is refused here (BAD_USER_INPUT, reason
//     DEFER_NEEDS_STREAM): one JSON response cannot carry the deferred parts; with Accept:
//     text/event-stream (stream.go) the first payload and each deferred part arrive as events;
//   - a response from execution always has a data entry (null when execution could not
//     produce one, e.g. a transaction that failed to commit) and is 200.
//
// Besides query, operationName, variables and extensions, a request may name a registered
// document instead of a query: documentId "sha256:<hex>" (persisted.go).

const (
	mediaGraphQLResponse = "application/graphql-response+json"
	mediaJSON            = "application/json"
)

type httpTransport struct {
	maxBody int64 // largest POST body
	maxURL  int   // longest GET query string
	// files spools uploads of multipart requests (attachments.go); nil: multipart refused.
	files *attachments.Store
}

var _ graphql.Transport = httpTransport{}

// Supports: this transport answers every request sent to the endpoint, refusing what it does
// not support with the right status instead of gqlgen's generic 400.
func (httpTransport) Supports(*http.Request) bool { return true }

// requestFault is a request refused before GraphQL sees it.
type requestFault struct {
	status int
	msg    string
}

func fault(status int, format string, args ...any) *requestFault {
	return &requestFault{status: status, msg: fmt.Sprintf(format, args...)}
}

func (t httpTransport) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	media, ok := negotiate(r.Header.Values("Accept"))
	if !ok {
		t.refuse(w, r, mediaJSON, fault(http.StatusNotAcceptable,
			"the response can only be %s or %s; say so in the Accept header (不支持的Accept类型)", mediaGraphQLResponse, mediaJSON))
		return
	}
	w.Header().Set("Content-Type", media+"; charset=utf-8")
	w.Header().Add("Vary", "Accept")

	var (
		params *graphql.RawParams
		docID  string
		f      *requestFault
	)
	switch {
	case r.Method == http.MethodPost && isMultipart(r):
		var (
			cleanup func()
			e       *apperr.Error
		)
		params, cleanup, f, e = t.fromMultipart(w, r)
		defer cleanup()
		if e != nil {
			writeRefusalAs(w, r, media, uploadStatus(e), e)
			return
		}
	case r.Method == http.MethodPost:
		params, docID, f = t.fromBody(w, r)
	case r.Method == http.MethodGet:
		params, docID, f = t.fromURL(r)
	case r.Method == http.MethodOptions:
		w.Header().Del("Content-Type")
		w.Header().Set("Allow", "GET, POST, OPTIONS")
		w.WriteHeader(http.StatusNoContent)
		return
	default:
		w.Header().Set("Allow", "GET, POST, OPTIONS")
		f = fault(http.StatusMethodNotAllowed, "send GraphQL requests with POST, or GET for queries (请求方法不支持)")
	}
	if f != nil {
		t.refuse(w, r, media, f)
		return
	}

	ctx := r.Context()
	if docID != "" {
		ctx = withDocumentID(ctx, docID)
	}
	params.Headers = r.Header
	params.ReadTime = graphql.TraceTiming{Start: graphql.GetStartTime(ctx), End: graphql.Now()}

	opCtx, errs := exec.CreateOperationContext(ctx, params)
	if errs != nil {
		// Request errors are shown without running the response interceptors' view of an
		// operation: a refused mutation must not open a transaction.
		errCtx := &graphql.OperationContext{RawQuery: opCtx.RawQuery, OperationName: opCtx.OperationName, Stats: opCtx.Stats}
		resp := exec.DispatchError(graphql.WithOperationContext(ctx, errCtx), errs)
		observe(ctx).noteOperation(opCtx, resp.Errors)
		t.write(w, requestErrorStatus(media, resp.Errors), resp, false)
		return
	}
	if r.Method == http.MethodGet && opCtx.Operation.Operation != ast.Query {
		observe(ctx).noteOperation(opCtx, nil)
		w.Header().Set("Allow", "POST")
		t.refuse(w, r, media, fault(http.StatusMethodNotAllowed, "only queries may be sent with GET; send %ss with POST (GET请求只能用于查询)", opCtx.Operation.Operation))
		return
	}

	if usesDefer(opCtx) {
		// One JSON response cannot carry incremental parts: answering the first alone would
		// drop the deferred fields without a word (and leave their goroutines waiting).
		observe(ctx).noteOperation(opCtx, nil)
		t.refuse(w, r, media, fault(requestErrorStatus(media, nil),
			"@defer needs incremental delivery: send the request with Accept: text/event-stream to receive the deferred parts (@defer须以text/event-stream接收)"))
		return
	}

	responses, ctx := exec.DispatchOperation(ctx, opCtx)
	resp := responses(ctx)
	if resp == nil { // the request's context ended before execution began
		err := ctx.Err()
		if err == nil {
			err = errors.New("the operation produced no response")
		}
		resp = &graphql.Response{Errors: gqlerror.List{presentError(ctx, err)}}
	}
	observe(ctx).noteOperation(opCtx, resp.Errors)
	t.write(w, http.StatusOK, resp, true)
}

// usesDefer: the operation defers a fragment (@defer, unless its if is false), directly or
// through the fragments it spreads.
func usesDefer(opCtx *graphql.OperationContext) bool {
	seen := map[string]bool{}
	deferred := func(ds ast.DirectiveList) bool {
		d := ds.ForName("defer")
		if d == nil {
			return false
		}
		on, ok := d.ArgumentMap(opCtx.Variables)["if"].(bool)
		return !ok || on
	}
	var walk func(ast.SelectionSet) bool
	walk = func(set ast.SelectionSet) bool {
		for _, sel := range set {
			switch s := sel.(type) {
			case *ast.Field:
				if walk(s.SelectionSet) {
					return true
				}
			case *ast.InlineFragment:
				if deferred(s.Directives) || walk(s.SelectionSet) {
					return true
				}
			case *ast.FragmentSpread:
				if deferred(s.Directives) {
					return true
				}
				if s.Definition != nil && !seen[s.Name] {
					seen[s.Name] = true
					if walk(s.Definition.SelectionSet) {
						return true
					}
				}
			}
		}
		return false
	}
	return opCtx.Operation != nil && walk(opCtx.Operation.SelectionSet)
}

// fromBody reads a POST: a JSON object {query, operationName, variables, extensions} (or
// documentId instead of query).
func (t httpTransport) fromBody(w http.ResponseWriter, r *http.Request) (*graphql.RawParams, string, *requestFault) {
	ct := r.Header.Get("Content-Type")
	mt, mp, err := mime.ParseMediaType(ct)
	if ct == "" || err != nil || mt != mediaJSON {
		return nil, "", fault(http.StatusUnsupportedMediaType, "send the request as Content-Type: application/json (请求体须为JSON)")
	}
	if cs := mp["charset"]; cs != "" && !strings.EqualFold(cs, "utf-8") {
		return nil, "", fault(http.StatusUnsupportedMediaType, "send the request body in UTF-8 (请求体须为UTF-8编码)")
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, t.maxBody))
	if err != nil {
		if errors.As(err, new(*http.MaxBytesError)) {
			return nil, "", fault(http.StatusRequestEntityTooLarge, "the request body is larger than %d bytes (请求体过大)", t.maxBody)
		}
		return nil, "", fault(http.StatusBadRequest, "the request body could not be read (请求体读取失败)")
	}
	body = bytes.TrimSpace(body)
	switch {
	case len(body) == 0:
		return nil, "", fault(http.StatusBadRequest, "the request body is empty: send {\"query\": \"…\"} (请求体为空)")
	case body[0] == '[':
		return nil, "", fault(http.StatusBadRequest, "batched requests are not supported: send one operation per request (不支持批量请求)")
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(body, &fields); err != nil || fields == nil {
		return nil, "", fault(http.StatusBadRequest, "the request body is not a JSON object (请求体不是有效的JSON对象)")
	}
	p := &graphql.RawParams{}
	var docID string
	for _, s := range []struct {
		name string
		dst  *string
	}{{"query", &p.Query}, {"operationName", &p.OperationName}, {"documentId", &docID}} {
		if f := decodeString(fields[s.name], s.name, s.dst); f != nil {
			return nil, "", f
		}
	}
	for _, m := range []struct {
		name string
		dst  *map[string]any
	}{{"variables", &p.Variables}, {"extensions", &p.Extensions}} {
		if f := decodeObject(fields[m.name], m.name, m.dst); f != nil {
			return nil, "", f
		}
	}
	return p, docID, missingQuery(p, docID)
}

// fromURL reads a GET: the same parameters in the query string, variables and extensions as
// JSON text.
func (t httpTransport) fromURL(r *http.Request) (*graphql.RawParams, string, *requestFault) {
	if len(r.URL.RawQuery) > t.maxURL {
		return nil, "", fault(http.StatusRequestURITooLong, "the URL is longer than %d bytes: send the request with POST (URL过长)", t.maxURL)
	}
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, "", fault(http.StatusBadRequest, "the URL's query string is malformed (URL参数格式错误)")
	}
	p := &graphql.RawParams{Query: q.Get("query"), OperationName: q.Get("operationName")}
	docID := q.Get("documentId")
	for _, m := range []struct {
		name string
		dst  *map[string]any
	}{{"variables", &p.Variables}, {"extensions", &p.Extensions}} {
		if s := q.Get(m.name); s != "" {
			if f := decodeObject(json.RawMessage(s), m.name, m.dst); f != nil {
				return nil, "", f
			}
		}
	}
	return p, docID, missingQuery(p, docID)
}

func missingQuery(p *graphql.RawParams, docID string) *requestFault {
	if p.Query == "" && docID == "" && p.Extensions["persistedQuery"] == nil {
		return fault(http.StatusBadRequest, "the request has no query: send {\"query\": \"…\"} (缺少query参数)")
	}
	return nil
}

// decodeString reads an optional string parameter: absent or null is "".
func decodeString(raw json.RawMessage, name string, dst *string) *requestFault {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	if err := json.Unmarshal(raw, dst); err != nil {
		return fault(http.StatusBadRequest, "%s must be a string (%s须为字符串)", name, name)
	}
	return nil
}

// decodeObject reads an optional object parameter: absent or null is nil. Numbers stay
// json.Number so that large integers keep their digits.
func decodeObject(raw json.RawMessage, name string, dst *map[string]any) *requestFault {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil || m == nil || dec.More() {
		return fault(http.StatusBadRequest, "%s must be a JSON object (%s须为JSON对象)", name, name)
	}
	*dst = m
	return nil
}

// negotiate picks the response media type from the Accept header: the acceptable type of the
// highest quality, the first listed on a tie. ok is false when none is acceptable.
func negotiate(accept []string) (media string, ok bool) {
	header := strings.TrimSpace(strings.Join(accept, ","))
	if header == "" {
		return mediaJSON, true
	}
	best, bestQ := "", 0.0
	for _, part := range strings.Split(header, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		q := 1.0
		if s, ok := params["q"]; ok {
			if q, err = strconv.ParseFloat(s, 64); err != nil {
				continue
			}
		}
		var m string
		switch mt {
		case mediaGraphQLResponse:
			m = mediaGraphQLResponse
		case mediaJSON, "application/*", "*/*":
			m = mediaJSON
		}
		if m != "" && q > bestQ {
			best, bestQ = m, q
		}
	}
	return best, best != ""
}

// requestErrorStatus is the status of a response to a request error (one without data).
func requestErrorStatus(media string, errs gqlerror.List) int {
	code := ""
	if len(errs) > 0 {
		code, _ = errs[0].Extensions["code"].(string)
	}
	if s, ok := httpStatusOf[apperr.Code(code)]; ok {
		return s
	}
	if media == mediaJSON {
		return http.StatusOK // the legacy rule of application/json
	}
	return http.StatusBadRequest
}

// httpStatusOf: codes whose status does not depend on the media type — they are about the
// HTTP request (who sent it, how often, whether the service can take it) rather than about
// the GraphQL document.
var httpStatusOf = map[apperr.Code]int{
	apperr.Unauthenticated: http.StatusUnauthorized,
	apperr.Forbidden:       http.StatusForbidden,
	apperr.RateLimited:     http.StatusTooManyRequests,
	apperr.Internal:        http.StatusServiceUnavailable,
}

// wireResponse is a GraphQL response as sent. data is left out when it is absent (request
// errors); execution results always carry it.
type wireResponse struct {
	Errors     gqlerror.List   `json:"errors,omitempty"`
	Data       json.RawMessage `json:"data,omitempty"`
	Extensions map[string]any  `json:"extensions,omitempty"`
}

func (httpTransport) write(w http.ResponseWriter, status int, resp *graphql.Response, executed bool) {
	out := wireResponse{Errors: resp.Errors, Data: resp.Data, Extensions: resp.Extensions}
	if executed && len(out.Data) == 0 {
		out.Data = json.RawMessage("null")
	}
	b, err := json.Marshal(out)
	if err != nil {
		status = http.StatusInternalServerError
		b = []byte(`{"errors":[{"message":"the response could not be encoded (系统内部错误)","extensions":{"code":"INTERNAL","reason":"INTERNAL"}}]}`)
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="sbqw"`)
	}
	setRetryAfter(w, resp.Errors)
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// setRetryAfter repeats a RATE_LIMITED error's retry hint (a refused sign-in) as the HTTP
// Retry-After header, so that clients and proxies that know HTTP only can back off too.
func setRetryAfter(w http.ResponseWriter, errs gqlerror.List) {
	for _, e := range errs {
		if e.Extensions["code"] != string(apperr.RateLimited) {
			continue
		}
		if secs, ok := e.Extensions["retryAfterSeconds"].(int); ok && secs > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(secs))
			return
		}
	}
}

func (t httpTransport) refuse(w http.ResponseWriter, r *http.Request, media string, f *requestFault) {
	w.Header().Set("Content-Type", media+"; charset=utf-8")
	writeRefusalAs(w, r, media, f.status, &apperr.Error{Code: apperr.BadUserInput, Message: f.msg})
}

// writeRefusal answers a request refused before GraphQL execution with a GraphQL error body,
// in the media type the client accepts.
func writeRefusal(w http.ResponseWriter, r *http.Request, status int, e *apperr.Error) {
	media, ok := negotiate(r.Header.Values("Accept"))
	if !ok {
		media = mediaJSON
	}
	writeRefusalAs(w, r, media, status, e)
}

func writeRefusalAs(w http.ResponseWriter, r *http.Request, media string, status int, e *apperr.Error) {
	reason := apperr.ReasonFor(e)
	ext := map[string]any{"code": string(e.Code), "reason": reason}
	for k, v := range e.Extra {
		ext[k] = v
	}
	msg := apperr.Localize(e.Message, apperr.Language(r.Header.Get("Accept-Language")), reason)
	observe(r.Context()).noteCodes(string(e.Code))
	w.Header().Set("Content-Type", media+"; charset=utf-8")
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="sbqw"`)
	}
	b, _ := json.Marshal(wireResponse{Errors: gqlerror.List{{Message: msg, Extensions: ext}}})
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

type documentIDKey struct{}

func withDocumentID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, documentIDKey{}, id)
}

// documentIDFrom is the documentId the request named, "" when none.
func documentIDFrom(ctx context.Context) string {
	id, _ := ctx.Value(documentIDKey{}).(string)
	return id
}
