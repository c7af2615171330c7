package httpapi

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/nanpiao/sbqw/apperr"
	"github.com/nanpiao/sbqw/storage"
)

// One request failing the same way a thousand times writes a bounded number of log lines.
func TestErrorLogLinesPerRequestAreBounded(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, nil))
	ctx := context.WithValue(context.WithValue(context.Background(), observationKey{}, &observation{}), loggerKey{}, logger)
	for i := 0; i < 1000; i++ {
		if e := presentError(ctx, errors.New("boom")); e.Extensions["code"] != "INTERNAL" {
			t.Fatalf("not INTERNAL: %v", e)
		}
	}
	lines := strings.Count(buf.String(), "\n")
	if lines != maxErrorLogLines+1 || !strings.Contains(buf.String(), "further errors of this request are not logged") {
		t.Fatalf("want %d log lines and a note, got %d:\n%s", maxErrorLogLines+1, lines, buf.String())
	}
}

// MariaDB stops a statement that runs past max_statement_time, set on every session by
// storage.Open; the error is QUERY_TOO_COMPLEX, not INTERNAL.
func TestStatementTimeoutIsQueryTooComplex(t *testing.T) {
	dsn := os.Getenv("MYSQL_TEST_DSN")
	if dsn == "" {
		t.Skip("MYSQL_TEST_DSN is not set: the statement time limit is MariaDB's")
	}
	ctx := context.Background()
	db, err := storage.Open(ctx, dsn, nil, storage.Pool{MaxOpen: 2, MaxIdle: 1, StatementTimeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	start := time.Now()
	var n int
	err = db.SQL.QueryRowContext(ctx, "SELECT COUNT(*) FROM information_schema.columns a, information_schema.columns b, information_schema.columns c").Scan(&n)
	if took := time.Since(start); err == nil || took > 3*time.Second {
		t.Fatalf("the statement was not stopped: %v after %v", err, took)
	}
	if code, _, _ := classify(err); code != apperr.TooComplex {
		t.Fatalf("%v is %s, want QUERY_TOO_COMPLEX", err, code)
	}
	// Without the option the session keeps the server's default (none on the test server).
	raw, err := storage.Open(ctx, dsn, nil, storage.Pool{MaxOpen: 1, MaxIdle: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var limit float64
	if err := raw.SQL.QueryRowContext(ctx, "SELECT @@max_statement_time").Scan(&limit); err != nil || limit != 0 {
		t.Fatalf("session max_statement_time without the option: %v (%v)", limit, err)
	}
	if err := db.SQL.QueryRowContext(ctx, "SELECT @@max_statement_time").Scan(&limit); err != nil || limit != 0.2 {
		t.Fatalf("session max_statement_time %v (%v), want 0.2", limit, err)
	}
}

// A credential with as many requests running as it may is refused at once with 429 and a
// retry hint; another credential is not held up, and the place is given back afterwards.
func TestInFlightPerCredential(t *testing.T) {
	release := make(chan struct{})
	started := make(chan struct{}, 4)
	h := limitInFlight(newInFlight(2), http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Block") != "" {
			started <- struct{}{}
			<-release
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	send := func(session string, block bool) *httptest.ResponseRecorder {
		r := httptest.NewRequest(http.MethodPost, "/graphql", nil)
		if block {
			r.Header.Set("X-Block", "1")
		}
		r.Header.Set("Authorization", "Bearer "+session)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); send("a", true) }()
	}
	<-started
	<-started
	if w := send("a", false); w.Code != http.StatusTooManyRequests || w.Header().Get("Retry-After") == "" || !strings.Contains(w.Body.String(), "RATE_LIMITED") {
		t.Fatalf("a third request of one credential: %d %s", w.Code, w.Body)
	}
	if w := send("b", false); w.Code != http.StatusNoContent {
		t.Fatalf("another credential was held up: %d %s", w.Code, w.Body)
	}
	close(release)
	wg.Wait()
	if w := send("a", false); w.Code != http.StatusNoContent {
		t.Fatalf("the places were not given back: %d %s", w.Code, w.Body)
	}
}

// The heavy-query gate runs heavy queries a few at a time and lets light ones straight past;
// a heavy query whose budget ends while it waits is answered, not left hanging.
func TestHeavyQueriesTakeTurns(t *testing.T) {
	gate := heavyGate(1)
	opCtx := func(m *OperationMeasure) context.Context {
		oc := &graphql.OperationContext{Operation: &ast.OperationDefinition{Operation: ast.Query}}
		oc.Stats.SetExtension(operationMeasureKey, m)
		return graphql.WithOperationContext(context.Background(), oc)
	}
	release := make(chan struct{})
	var running atomic.Int32
	next := func(ctx context.Context) graphql.ResponseHandler {
		return func(ctx context.Context) *graphql.Response {
			running.Add(1)
			<-release
			return &graphql.Response{}
		}
	}
	heavy := opCtx(&OperationMeasure{Filters: 1})
	first := gate(heavy, next) // takes the one place
	go first(heavy)
	done := make(chan struct{})
	go func() { gate(heavy, next)(heavy); close(done) }() // waits for it
	light := gate(opCtx(&OperationMeasure{Cost: 10}), func(ctx context.Context) graphql.ResponseHandler {
		return func(ctx context.Context) *graphql.Response { return &graphql.Response{} }
	})
	if light(context.Background()) == nil {
		t.Fatal("a light query did not run")
	}
	short, cancel := context.WithTimeout(heavy, 50*time.Millisecond)
	defer cancel()
	if r := gate(short, next)(short); r == nil || len(r.Errors) != 1 {
		t.Fatalf("a heavy query out of time while waiting: %+v", r)
	}
	time.Sleep(50 * time.Millisecond)
	if n := running.Load(); n != 1 {
		t.Fatalf("%d heavy queries running at once; the gate has one place", n)
	}
	close(release)
	select {
	case <-done:
	case <-time.After(2 * time.Second):
		t.Fatal("the waiting heavy query never ran")
	}
}
