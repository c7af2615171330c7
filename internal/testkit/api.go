package testkit

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// API talks GraphQL over HTTP to a running handler, like a client would.
type API struct {
	URL   string // the /graphql endpoint
	Token string // sent as Authorization: Bearer <Token> when set
}

// Serve starts the handler on a loopback test server for the duration of the test.
func Serve(tb testing.TB, h http.Handler) *API {
	srv := httptest.NewServer(h)
	tb.Cleanup(srv.Close)
	return &API{URL: srv.URL + "/graphql"}
}

// As returns a copy of the API that sends the given bearer token.
func (a *API) As(token string) *API { c := *a; c.Token = token; return &c }

// Error is one entry of a GraphQL response's errors.
type Error struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Extensions map[string]any `json:"extensions"`
}

// Response is a decoded GraphQL response.
type Response struct {
	Status int
	Data   json.RawMessage `json:"data"`
	Errors []Error         `json:"errors"`
	Header http.Header
}

// Code is the extensions.code of the first error, "" when there is none.
func (r *Response) Code() string {
	if len(r.Errors) == 0 {
		return ""
	}
	c, _ := r.Errors[0].Extensions["code"].(string)
	return c
}

// Codes lists the extensions.code of every error.
func (r *Response) Codes() []string {
	var out []string
	for _, e := range r.Errors {
		c, _ := e.Extensions["code"].(string)
		out = append(out, c)
	}
	return out
}

// Do posts a query with variables and decodes the response; it fails the test only when the
// exchange itself fails (no response, not JSON).
func (a *API) Do(tb testing.TB, query string, vars map[string]any) *Response {
	tb.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	return a.Raw(tb, http.MethodPost, "application/json", body)
}

// Raw sends an arbitrary request body to the endpoint.
func (a *API) Raw(tb testing.TB, method, contentType string, body []byte) *Response {
	tb.Helper()
	req, err := http.NewRequest(method, a.URL, bytes.NewReader(body))
	if err != nil {
		tb.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("Accept", "application/graphql-response+json, application/json")
	if a.Token != "" {
		req.Header.Set("Authorization", "Bearer "+a.Token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatalf("request failed: %v", err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	out := &Response{Status: res.StatusCode, Header: res.Header}
	if err := json.Unmarshal(raw, out); err != nil {
		tb.Fatalf("response (HTTP %d) is not JSON: %v: %.300s", res.StatusCode, err, raw)
	}
	return out
}

// Must posts a query and fails the test when the response has errors; it decodes data into
// out when out is not nil.
func (a *API) Must(tb testing.TB, query string, vars map[string]any, out any) *Response {
	tb.Helper()
	r := a.Do(tb, query, vars)
	if len(r.Errors) > 0 {
		tb.Fatalf("unexpected errors: %s\nquery: %s", r.ErrorText(), strings.TrimSpace(query))
	}
	if out != nil {
		if err := json.Unmarshal(r.Data, out); err != nil {
			tb.Fatalf("decoding data: %v: %s", err, r.Data)
		}
	}
	return r
}

// ErrorText renders the errors for test failure messages.
func (r *Response) ErrorText() string {
	b, _ := json.Marshal(r.Errors)
	return string(b)
}

// Fail asserts that the response failed with the given code, and returns the first error.
func (r *Response) Fail(tb testing.TB, code string) Error {
	tb.Helper()
	if r.Code() != code {
		tb.Fatalf("want error code %s, got %q (HTTP %d): %s data=%s", code, r.Code(), r.Status, r.ErrorText(), r.Data)
	}
	return r.Errors[0]
}
