package httpapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"entgo.io/ent/privacy"
	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/nanpiao/sbqw/apperr"
	"github.com/nanpiao/sbqw/authz"
	"github.com/nanpiao/sbqw/ent"
)

// TestNoErrorLeavesWithoutAReason: whatever an error is — the domain's, ent's, the driver's,
// gqlgen's, a plain one (INTERNAL) — the presenter gives it a reason the catalogue lists, and a
// reason a layer named is kept.
func TestNoErrorLeavesWithoutAReason(t *testing.T) {
	ctx := graphql.WithResponseContext(context.Background(), graphql.DefaultErrorPresenter, nil)
	for _, c := range []struct {
		err    error
		reason string // "" any listed reason
	}{
		{apperr.Invalid("idNumber", "%s", "ID number check digit is wrong (身份证号码校验位错误)"), "ID_NUMBER_CHECKSUM"},
		{apperr.Conflictf("only an exit verified by the township can be confirmed; the exit is at NONE (未经乡审核，不能审定)"), "STAGE_SKIPPED"},
		{apperr.Rule("no summary at all"), apperr.ReasonInvalidInput},
		{apperr.Rule("anything (工程已结题)").Because("STAGE_SKIPPED"), "STAGE_SKIPPED"},
		{apperr.ErrForbidden, apperr.ReasonNotAllowed},
		{authz.ErrUnsealable, authz.ReasonUnsealable},
		{&ent.NotFoundError{}, apperr.ReasonNotFound},
		{fmt.Errorf("x: %w", privacy.Deny), apperr.ReasonNotAllowed},
		{&ent.ConstraintError{}, "DUPLICATE"},
		{errors.New("Error 1213: Deadlock found"), "LOCK_CONTENTION"},
		{errors.New("Error 1969: max_statement_time exceeded"), "STATEMENT_TIMEOUT"},
		{errors.New("no such table: x"), apperr.ReasonInternal},
		{context.DeadlineExceeded, "TIMEOUT"},
		{&gqlerror.Error{Message: `Cannot query field "x" on type "Query".`, Extensions: map[string]any{"code": "GRAPHQL_VALIDATION_FAILED"}}, "GRAPHQL_VALIDATION_FAILED"},
		{&gqlerror.Error{Message: "Unexpected Name", Extensions: map[string]any{"code": "GRAPHQL_PARSE_FAILED"}}, "GRAPHQL_PARSE_FAILED"},
		{&gqlerror.Error{Message: "exceeded token limit of 5000", Extensions: map[string]any{"code": "GRAPHQL_PARSE_FAILED"}}, "DOCUMENT_TOO_LONG"},
		{&gqlerror.Error{Message: "PersistedQueryNotFound", Extensions: map[string]any{"code": "PERSISTED_QUERY_NOT_FOUND"}}, "PERSISTED_QUERY_NOT_FOUND"},
		{tooComplex("depth", 20, 15, "the query nests fields %d levels deep; at most %d are allowed (查询嵌套层数过多)", 20, 15), "QUERY_TOO_DEEP"},
		{&gqlerror.Error{Message: "some client-safe message"}, apperr.ReasonInvalidInput},
	} {
		got := presentError(ctx, c.err)
		reason, _ := got.Extensions["reason"].(string)
		if _, listed := apperr.Meaning(reason); !listed || (c.reason != "" && reason != c.reason) {
			t.Errorf("%v: reason %q, want %q (listed in the catalogue)", c.err, reason, c.reason)
		}
	}

	// An error added to a response without the presenter gets its reason on the way out.
	resp := requireErrorCodes(ctx, func(context.Context) *graphql.Response {
		return &graphql.Response{Errors: gqlerror.List{{Message: "a referenced record does not exist (关联记录不存在)", Extensions: map[string]any{"code": "NOT_FOUND"}}}}
	})
	if r := resp.Errors[0].Extensions["reason"]; r != "REFERENCE_NOT_FOUND" {
		t.Errorf("an error past the presenter: reason %v", r)
	}
}

// TestRefusalsCarryReasonAndLanguage: the HTTP layer's own refusals (before GraphQL) have a
// reason too and speak the language asked for.
func TestRefusalsCarryReasonAndLanguage(t *testing.T) {
	for lang, want := range map[string]string{"": "sign in first (请先登录)", "en-US": "sign in first", "zh-CN,zh;q=0.9": "请先登录"} {
		rec := httptest.NewRecorder()
		r := httptest.NewRequest(http.MethodPost, "/graphql", nil)
		if lang != "" {
			r.Header.Set("Accept-Language", lang)
		}
		writeRefusal(rec, r, http.StatusUnauthorized, &apperr.Error{Code: apperr.Unauthenticated, Message: "sign in first (请先登录)"})
		body := rec.Body.String()
		if !strings.Contains(body, `"reason":"SIGN_IN_REQUIRED"`) || !strings.Contains(body, `"message":"`+want+`"`) {
			t.Errorf("Accept-Language %q: %s", lang, body)
		}
	}
}

// TestPlainRefusals: the spreadsheet endpoints' plain-text refusals speak the language asked
// for and name their reason in X-Error-Reason.
func TestPlainRefusals(t *testing.T) {
	for lang, want := range map[string]string{"": `no export named "x" (无此导出)`, "en": `no export named "x"`, "zh-CN": "无此导出"} {
		rec := httptest.NewRecorder()
		r := httptest.NewRequest(http.MethodGet, "/export/x", nil)
		r.Header.Set("Accept-Language", lang)
		plainError(rec, r, `no export named "x" (无此导出)`, http.StatusNotFound)
		if got := strings.TrimSpace(rec.Body.String()); got != want || rec.Header().Get("X-Error-Reason") != "UNKNOWN_EXPORT" || rec.Code != 404 {
			t.Errorf("Accept-Language %q: %d %q, reason %q", lang, rec.Code, got, rec.Header().Get("X-Error-Reason"))
		}
	}
}
