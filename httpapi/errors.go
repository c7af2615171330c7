package httpapi

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"entgo.io/ent/privacy"
	"github.com/99designs/gqlgen/graphql"
	"github.com/go-sql-driver/mysql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/nanpiao/sbqw/apperr"
	"github.com/nanpiao/sbqw/ent"
)

// presentError is the one place where an error becomes what a client sees: every error gets an
// extensions.code from the contract's list; internal errors are logged with the request ID and
// shown only as INTERNAL plus that ID.
func presentError(ctx context.Context, err error) *gqlerror.Error {
	return explain(ctx, presentCode(ctx, err))
}

// explain gives a presented error its extensions.reason — unless a layer named it already —
// and says its message in the request's language (apperr.Localize).
func explain(ctx context.Context, gqlErr *gqlerror.Error) *gqlerror.Error {
	if gqlErr.Extensions == nil {
		gqlErr.Extensions = map[string]any{}
	}
	code, _ := gqlErr.Extensions["code"].(string)
	reason, _ := gqlErr.Extensions["reason"].(string)
	if reason == "" {
		reason = apperr.ReasonOf(apperr.Code(code), gqlErr.Message)
		gqlErr.Extensions["reason"] = reason
	}
	gqlErr.Message = apperr.Localize(gqlErr.Message, languageOf(ctx), reason)
	return gqlErr
}

// presentCode decides the code, the message and the other extensions of an error.
func presentCode(ctx context.Context, err error) *gqlerror.Error {
	gqlErr := graphql.DefaultErrorPresenter(ctx, err)
	if gqlErr.Extensions == nil {
		gqlErr.Extensions = map[string]any{}
	}
	if code, ok := gqlErr.Extensions["code"].(string); ok && code != "" {
		// Errors from parsing and validation (gqlgen sets GRAPHQL_*), already client-safe, and
		// entgql's node lookups, whose message would show the raw ID.
		c := clientCodeFor(code)
		if _, ok := apperr.Meaning(code); ok && code != string(c) {
			// gqlgen's own code (GRAPHQL_VALIDATION_FAILED…) says why; the contract's says what.
			gqlErr.Extensions["reason"] = code
		}
		if code == "GRAPHQL_PARSE_FAILED" && strings.HasPrefix(gqlErr.Message, "exceeded token limit") {
			delete(gqlErr.Extensions, "reason") // the document's length: DOCUMENT_TOO_LONG
			c = apperr.TooComplex               // the parser's limit on the length of a document
			gqlErr.Message = "the document is too long: " + gqlErr.Message + " (查询文档过长)"
		}
		gqlErr.Extensions["code"] = string(c)
		if c == apperr.NotFound {
			gqlErr.Message = "not found (记录不存在)"
		}
		return gqlErr
	}
	code, msg, field := classify(err)
	gqlErr.Extensions["code"] = string(code)
	if isLockContention(err) {
		gqlErr.Extensions["reason"] = reasonLockContention
	}
	if field != "" {
		gqlErr.Extensions["field"] = field
	}
	if ae, ok := apperr.As(err); ok {
		for k, v := range ae.Extra {
			gqlErr.Extensions[k] = v
		}
		if ae.Reason != "" {
			gqlErr.Extensions["reason"] = ae.Reason
		}
	}
	if code == apperr.Internal {
		id := RequestID(ctx)
		gqlErr.Extensions["requestId"] = id
		if budget := timeBudget(ctx); errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded) {
			// The request's time budget ran out and its database work was cancelled.
			if l := errorLog(ctx); l != nil {
				l.WarnContext(ctx, "request timed out", "request_id", id, "path", gqlErr.Path.String(), "error", err.Error())
			}
			msg = "the request took longer than the server allows (" + budget.String() + ") and was cancelled; ask for less (smaller pages, fewer nested connections) or try again later (请求超时); request " + id
			gqlErr.Extensions["reason"] = "TIMEOUT"
			gqlErr.Extensions["timeoutSeconds"] = budget.Seconds()
		} else {
			if l := errorLog(ctx); l != nil {
				l.ErrorContext(ctx, "internal error", "request_id", id, "path", gqlErr.Path.String(), "error", err.Error())
			}
			msg = "internal error (系统内部错误); quote request " + id + " when reporting it"
		}
	}
	gqlErr.Message = msg
	return gqlErr
}

// requireErrorCodes is the outermost response interceptor: an error that reached the response
// without passing the presenter — entgql's Transactioner reports failures to open or commit a
// transaction that way, with the driver's message — leaves as INTERNAL with the request ID,
// like every other internal error; its text goes to the log only.
func requireErrorCodes(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	if resp == nil {
		return nil
	}
	if n := len(resp.Errors); n > maxErrors {
		// The first errors say what is wrong; thousands of copies only cost both sides.
		resp.Errors = resp.Errors[:maxErrors]
		if resp.Extensions == nil {
			resp.Extensions = map[string]any{}
		}
		resp.Extensions["errorsOmitted"] = n - maxErrors
	}
	for i, e := range resp.Errors {
		if c, _ := e.Extensions["code"].(string); isContractCode(apperr.Code(c)) {
			continue
		}
		presented := presentError(ctx, errors.New(e.Message))
		presented.Path, presented.Locations = e.Path, e.Locations
		resp.Errors[i] = presented
	}
	for _, e := range resp.Errors {
		if r, _ := e.Extensions["reason"].(string); r == "" {
			explain(ctx, e) // an error that never met the presenter
		}
	}
	return resp
}

type languageKey struct{}

// withLanguage notes the language the request's Accept-Language asks for: zh or en; none
// (messages in both) otherwise.
func withLanguage(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if lang := apperr.Language(r.Header.Get("Accept-Language")); lang != "" {
			r = r.WithContext(context.WithValue(r.Context(), languageKey{}, lang))
		}
		next.ServeHTTP(w, r)
	})
}

// languageOf is the language of the request's messages: "zh", "en" or "" for both.
func languageOf(ctx context.Context) string {
	l, _ := ctx.Value(languageKey{}).(string)
	return l
}

// maxErrors bounds the errors of one response; extensions.errorsOmitted counts the rest.
const maxErrors = 20

// clientCodeFor maps gqlgen's own codes (parse and validation failures) onto the contract's.
func clientCodeFor(code string) apperr.Code {
	switch code {
	case "GRAPHQL_PARSE_FAILED", "GRAPHQL_VALIDATION_FAILED", "BAD_USER_INPUT":
		return apperr.BadUserInput
	case "PERSISTED_QUERY_NOT_FOUND", "PERSISTED_QUERY_NOT_SUPPORTED":
		return apperr.BadUserInput
	}
	if c := apperr.Code(code); isContractCode(c) {
		return c
	}
	return apperr.BadUserInput
}

func isContractCode(c apperr.Code) bool {
	switch c {
	case apperr.Unauthenticated, apperr.Forbidden, apperr.NotFound, apperr.BadUserInput,
		apperr.Conflict, apperr.RateLimited, apperr.TooComplex, apperr.Internal:
		return true
	}
	return false
}

// classify decides the code, the message and the offending input field of an error.
func classify(err error) (apperr.Code, string, string) {
	if ae, ok := apperr.As(err); ok {
		return ae.Code, ae.Message, ae.Field
	}
	var verr *ent.ValidationError
	switch {
	case errors.As(err, &verr):
		return apperr.BadUserInput, validationMessage(verr), apperr.FieldName(verr.Name)
	case ent.IsNotFound(err):
		return apperr.NotFound, "not found (记录不存在)", ""
	case ent.IsConstraintError(err):
		return constraintCode(err)
	case errors.Is(err, privacy.Deny):
		return apperr.Forbidden, "not allowed for your role (无权执行此操作)", ""
	case errors.Is(err, context.DeadlineExceeded):
		return apperr.Internal, "", ""
	}
	if isStatementTimeout(err) {
		return apperr.TooComplex, "the database stopped a statement of this request that ran longer than it allows; ask for less (smaller pages, fewer or simpler filters) (查询过于复杂，数据库已中止)", ""
	}
	if isCursorMismatch(err) { // a safety net: the operation walk refuses these before SQL
		return apperr.BadUserInput, "the cursor does not fit this ordering: send it with the orderBy of the page it came from (分页游标与排序不符)", "after"
	}
	if isLockContention(err) {
		return apperr.Conflict, "the record is being changed by another request; reload it and try again (记录正被他人修改，请稍后重试)", ""
	}
	if isDuplicateKey(err) { // from plain SQL writes, which ent does not classify
		return apperr.Conflict, "a record with the same unique value already exists (记录重复)", ""
	}
	var gqlErr *gqlerror.Error
	if errors.As(err, &gqlErr) && gqlErr.Unwrap() == nil {
		// Written for the client by gqlgen or entgql (e.g. "`first` … cannot be less than zero").
		return apperr.BadUserInput, gqlErr.Message, ""
	}
	return apperr.Internal, "", ""
}

// constraintCode: a unique index says the record already exists (CONFLICT); a foreign key
// failing means a referenced record vanished concurrently (NOT_FOUND).
func constraintCode(err error) (apperr.Code, string, string) {
	s := strings.ToLower(err.Error())
	if strings.Contains(s, "foreign key") {
		return apperr.NotFound, "a referenced record does not exist (关联记录不存在)", ""
	}
	return apperr.Conflict, "a record with the same unique value already exists (记录重复)", ""
}

func validationMessage(verr *ent.ValidationError) string {
	msg := verr.Unwrap().Error()
	// ent says `validator failed for field "X": value out of range`; keep the reason only.
	if i := strings.LastIndex(msg, ": "); i >= 0 {
		msg = msg[i+2:]
	}
	return "invalid value: " + msg + " (输入值无效)"
}

// isLockContention recognises a transaction the database gave up on because of competing
// writers: a MySQL/MariaDB deadlock or Galera certification failure (1213), a lock wait timeout
// (1205), a MySQL group replication certification failure (3101), a TiDB write conflict (9007),
// SQLite still busy after its timeout. The request changed nothing (the transaction is rolled
// back), so it is a CONFLICT to retry, not a server fault.
func isLockContention(err error) bool {
	var my *mysql.MySQLError
	if errors.As(err, &my) {
		switch my.Number {
		case 1213, 1205, 3101, 9007:
			return true
		}
	}
	s := err.Error()
	return strings.Contains(s, "Error 1213") || strings.Contains(s, "Error 1205") || strings.Contains(s, "SQLITE_BUSY") || strings.Contains(s, "database is locked")
}

// isDuplicateKey recognises a unique-index violation from SQLite or MySQL.
func isDuplicateKey(err error) bool {
	s := err.Error()
	return strings.Contains(s, "UNIQUE constraint failed") || strings.Contains(s, "Error 1062")
}

// isStatementTimeout recognises the database's own limit on one statement: MariaDB's
// max_statement_time (error 1969), MySQL's max_execution_time (error 3024).
func isStatementTimeout(err error) bool {
	s := err.Error()
	return strings.Contains(s, "Error 1969") || strings.Contains(s, "Error 3024") || strings.Contains(s, "max_statement_time exceeded")
}

// isCursorMismatch recognises entgql's refusal of a cursor whose values do not fit the orderBy.
func isCursorMismatch(err error) bool {
	s := err.Error()
	return strings.Contains(s, "cursor values length") || (strings.HasPrefix(s, "cursor ") && strings.HasSuffix(s, "is not a slice"))
}

// plainError answers a plain-text endpoint (the spreadsheet export and import) with msg in
// the request's language; the X-Error-Reason header carries its reason.
func plainError(w http.ResponseWriter, r *http.Request, msg string, status int) {
	reason := apperr.ReasonOf(codeForStatus(status), msg)
	w.Header().Set("X-Error-Reason", reason)
	http.Error(w, apperr.Localize(msg, apperr.Language(r.Header.Get("Accept-Language")), reason), status)
}
