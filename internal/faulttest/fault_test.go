//go:build fault

// Package faulttest stops, kills (SIGKILL) and stalls the database under a running server:
// requests must fail cleanly and within their time budget meanwhile, /readyz must say so, the
// server must recover without a restart, and no write may be lost, doubled or half-applied. It runs its own MariaDB (so it can stop it without
// disturbing anything else) and the real server binary:
//
//	go test -tags fault -count=1 ./internal/faulttest
package faulttest

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	_ "github.com/go-sql-driver/mysql"
)

type mariadb struct {
	dir, port string
	cmd       *exec.Cmd
}

func freePort(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
}

func startMariaDB(t *testing.T, m *mariadb) {
	t.Helper()
	m.cmd = exec.Command("mariadbd", "--no-defaults", "--user=root", "--datadir="+filepath.Join(m.dir, "data"),
		"--port="+m.port, "--bind-address=127.0.0.1", "--socket="+filepath.Join(m.dir, "sock"), "--pid-file="+filepath.Join(m.dir, "pid"))
	m.cmd.Stdout, m.cmd.Stderr = io.Discard, io.Discard
	if err := m.cmd.Start(); err != nil {
		t.Fatalf("starting mariadbd (is MariaDB installed? see .ci/mariadb-up): %v", err)
	}
	db, _ := sql.Open("mysql", "root@tcp(127.0.0.1:"+m.port+")/")
	defer db.Close()
	for i := 0; i < 100; i++ {
		if db.Ping() == nil {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatal("private MariaDB did not come up")
}

// killMariaDB ends the server at once, as a crash or the OOM killer would: InnoDB recovers
// from its redo log at the next start.
func killMariaDB(m *mariadb) {
	_ = m.cmd.Process.Signal(syscall.SIGKILL)
	_, _ = m.cmd.Process.Wait()
}

func stopMariaDB(t *testing.T, m *mariadb) {
	t.Helper()
	_ = m.cmd.Process.Signal(syscall.SIGTERM)
	_, _ = m.cmd.Process.Wait()
}

// client is a small GraphQL client that never fails the test: the fault test wants to see
// every answer, good or bad.
type client struct {
	url, token string
}

type outcome struct {
	status    int
	transport error
	body      map[string]any
	codes     []string
}

func (c *client) do(query string, vars map[string]any) outcome {
	b, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, c.url+"/graphql", bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	hc := &http.Client{Timeout: 20 * time.Second}
	res, err := hc.Do(req)
	if err != nil {
		return outcome{transport: err}
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	o := outcome{status: res.StatusCode}
	if err := json.Unmarshal(raw, &o.body); err != nil {
		o.transport = fmt.Errorf("HTTP %d, not JSON: %.200s", res.StatusCode, raw)
		return o
	}
	if errs, ok := o.body["errors"].([]any); ok {
		for _, e := range errs {
			code, _ := e.(map[string]any)["extensions"].(map[string]any)["code"].(string)
			o.codes = append(o.codes, code)
		}
	}
	return o
}

func (o outcome) ok() bool { return o.transport == nil && o.status == 200 && len(o.codes) == 0 }

// clean: a failure the client can understand — JSON with a code from the contract, a 200 or
// a 503, never a dropped connection or a 500.
func (o outcome) clean() bool {
	if o.transport != nil || (o.status != 200 && o.status != 503) || len(o.codes) == 0 {
		return false
	}
	for _, c := range o.codes {
		if c == "" {
			return false
		}
	}
	return true
}

func readyz(url string) int {
	res, err := (&http.Client{Timeout: 5 * time.Second}).Get(url + "/readyz")
	if err != nil {
		return 0
	}
	res.Body.Close()
	return res.StatusCode
}

// requestTimeout is the server's time budget in this test: no request may take much longer,
// whatever the database does.
const requestTimeout = 4 * time.Second

// TestDatabaseFaults runs a light mixed load against the real server while the database is
// stopped, killed with SIGKILL, and stalled (an in-test TCP proxy freezes its traffic), each in
// turn. For each fault: writes succeed before it and after it (or the test proves nothing);
// every failure is clean and overlaps the fault window; every request ends within the time
// budget; every write reported done is stored exactly once, and a write stored without being
// reported is one whose request failed during the fault; each household has its audit event;
// and afterwards the connection pool and the goroutine count return to idle.
func TestDatabaseFaults(t *testing.T) {
	dir := t.TempDir()
	m := &mariadb{dir: dir, port: freePort(t)}
	install := exec.Command("mariadb-install-db", "--no-defaults", "--user=root", "--datadir="+filepath.Join(dir, "data"),
		"--auth-root-authentication-method=normal", "--skip-test-db")
	if out, err := install.CombinedOutput(); err != nil {
		t.Fatalf("mariadb-install-db: %v\n%s", err, out)
	}
	startMariaDB(t, m)
	t.Cleanup(func() { stopMariaDB(t, m) })
	admin, _ := sql.Open("mysql", "root@tcp(127.0.0.1:"+m.port+")/")
	if _, err := admin.Exec("CREATE DATABASE sbqw CHARACTER SET utf8mb4"); err != nil {
		t.Fatal(err)
	}
	admin.Close()
	px := startProxy(t, "127.0.0.1:"+m.port)

	url, logs := startServer(t, dir, "mysql://root@"+px.addr()+"/sbqw")
	l := newLoad(t, url)
	db, _ := sql.Open("mysql", "root@tcp(127.0.0.1:"+m.port+")/sbqw")
	defer db.Close()
	idleGoroutines := metric(url, "go_goroutines")

	faults := []struct {
		name        string
		fault, heal func()
	}{
		{"stop", func() { stopMariaDB(t, m) }, func() { startMariaDB(t, m) }},
		{"SIGKILL", func() { killMariaDB(m) }, func() { startMariaDB(t, m) }},
		{"stall", px.freeze, px.thaw},
	}
	for _, f := range faults {
		t.Run(f.name, func(t *testing.T) {
			l.run(t, f.name, f.fault, f.heal, outage, logs)
			l.checkStored(t, db, f.name)
			// Back to idle: no connection left in use, no goroutine left behind.
			var inUse, goroutines float64
			for end := time.Now().Add(20 * time.Second); time.Now().Before(end); time.Sleep(250 * time.Millisecond) {
				inUse, goroutines = metric(url, `go_sql_in_use_connections{db_name="main"}`), metric(url, "go_goroutines")
				if inUse == 0 && goroutines <= idleGoroutines+10 {
					break
				}
			}
			if inUse != 0 || goroutines > idleGoroutines+10 {
				t.Errorf("not idle after the fault: %v connections in use, %v goroutines (%v before the faults)", inUse, goroutines, idleGoroutines)
			}
		})
	}
	var households, audits int
	_ = db.QueryRow("SELECT COUNT(*) FROM households WHERE number LIKE 'F-%'").Scan(&households)
	_ = db.QueryRow("SELECT COUNT(*) FROM audit_events WHERE action = 'household.create'").Scan(&audits)
	if households == 0 || audits != households {
		t.Errorf("%d households written by the test, %d audit events of household creation: a write and its audit event parted", households, audits)
	}
}

// startServer builds the server and runs it with the demo district on the database dsn; it
// returns once /readyz answers 200.
func startServer(t *testing.T, dir, dsn string) (string, *bytes.Buffer) {
	t.Helper()
	bin := filepath.Join(dir, "sbqw")
	if out, err := exec.Command("go", "build", "-o", bin, "../..").CombinedOutput(); err != nil {
		t.Fatalf("building the server: %v\n%s", err, out)
	}
	addr := "127.0.0.1:" + freePort(t)
	url := "http://" + addr
	server := exec.Command(bin, "--demo", "--addr", addr, "--db", dsn,
		"--jwt-secret", strings.Repeat("k", 40), "--data-key", strings.Repeat("ab", 32), "--demo-password", "fault-test-2017",
		"--request-timeout", requestTimeout.String(),
		"--rate-limit", "0") // the load comes from two tokens; per-token limits are tested elsewhere
	logs := &bytes.Buffer{}
	server.Stdout, server.Stderr = logs, logs
	if err := server.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = server.Process.Signal(syscall.SIGTERM); _, _ = server.Process.Wait() })
	waitReady(t, url, 300*time.Second, logs)
	return url, logs
}

// newLoad signs in a township reader and the district writer and picks the village to write in.
func newLoad(t *testing.T, url string) *load {
	t.Helper()
	login := func(user string) *client {
		c := &client{url: url}
		var o outcome
		for try := 0; try < 5; try++ { // a busy CI machine can push one password hash past the time budget
			if o = c.do(`mutation($u: String!) { login(username: $u, password: "fault-test-2017") { token } }`, map[string]any{"u": user}); o.ok() {
				break
			}
		}
		if !o.ok() {
			t.Fatalf("login %s: %+v", user, o)
		}
		c.token = o.body["data"].(map[string]any)["login"].(map[string]any)["token"].(string)
		return c
	}
	l := &load{url: url, reader: login("township01"), writer: login("admin")}
	o := l.writer.do(`{ villages(first: 1) { edges { node { id } } } }`, nil)
	l.village = o.body["data"].(map[string]any)["villages"].(map[string]any)["edges"].([]any)[0].(map[string]any)["node"].(map[string]any)["id"].(string)
	return l
}

// load is two readers and two writers against the server; each write creates a household and
// its audit event in one transaction.
type load struct {
	url            string
	reader, writer *client
	village        string
	seq            atomic.Int64

	mu       sync.Mutex
	results  []result
	reported map[string]bool // households whose creation was reported done
	failedAt map[string]bool // households whose creation request failed overlapping the fault
}

type result struct {
	outcome
	write      string // the household number, for writes
	start, end time.Time
}

// expectation says what a fault must look like from outside: an outage of the only database
// makes /readyz say so and fails requests; losing one Galera node behind haproxy may do neither.
type expectation struct {
	unready   bool // /readyz must report 503 during the fault
	failures  bool // some request must fail during the fault, or the test proved nothing
	faultTime time.Duration
}

var outage = expectation{unready: true, failures: true, faultTime: 8 * time.Second}

func (l *load) run(t *testing.T, name string, fault, heal func(), want expectation, logs *bytes.Buffer) {
	l.mu.Lock()
	l.results, l.reported, l.failedAt = nil, map[string]bool{}, map[string]bool{}
	l.mu.Unlock()
	ctx, stop := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		wg.Add(2)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				start := time.Now()
				o := l.reader.do(`{ households(first: 20) { totalCount edges { node { id headName } } } }`, nil)
				l.add(result{outcome: o, start: start, end: time.Now()})
				time.Sleep(50 * time.Millisecond)
			}
		}()
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				n := fmt.Sprintf("F-%s-%05d", name, l.seq.Add(1))
				start := time.Now()
				o := l.writer.do(`mutation($v: ID!, $n: String!) {
					createHousehold(input: {villageID: $v, number: $n, headName: "故障测试"}) { id } }`, map[string]any{"v": l.village, "n": n})
				l.add(result{outcome: o, write: n, start: start, end: time.Now()})
				time.Sleep(50 * time.Millisecond)
			}
		}()
	}

	time.Sleep(3 * time.Second)
	faultStart := time.Now()
	fault()
	sawUnready := false
	for end := time.Now().Add(want.faultTime); time.Now().Before(end); time.Sleep(200 * time.Millisecond) {
		if readyz(l.url) == 503 {
			sawUnready = true
		}
	}
	heal()
	healed := time.Now()
	recovered := time.Time{}
	for end := time.Now().Add(90 * time.Second); time.Now().Before(end); time.Sleep(200 * time.Millisecond) {
		if readyz(l.url) == 200 && l.reader.do(`{ households(first: 1) { totalCount } }`, nil).ok() {
			recovered = time.Now()
			break
		}
	}
	time.Sleep(3 * time.Second)
	stop()
	wg.Wait()

	if want.unready && !sawUnready {
		t.Error("/readyz never reported the fault")
	}
	if recovered.IsZero() {
		t.Fatalf("the server did not recover after the database came back\n%s", tail(logs.String()))
	}
	// A request may fail if it overlaps [fault, recovered + grace]: the grace covers requests
	// that took a connection broken by the fault just before recovery was seen.
	windowEnd := recovered.Add(2 * time.Second)
	var okBefore, okAfter, failed, outside, dirty int
	var longest time.Duration
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, r := range l.results {
		longest = max(longest, r.end.Sub(r.start))
		overlaps := r.end.After(faultStart) && r.start.Before(windowEnd)
		switch {
		case r.ok():
			if r.write != "" && r.end.Before(faultStart) {
				okBefore++
			}
			if r.write != "" && r.start.After(recovered) {
				okAfter++
			}
		case !r.clean():
			dirty++
			t.Errorf("an unclean failure at %s–%s (fault at %s): status %d, transport %v, codes %v",
				r.start.Format("15:04:05.000"), r.end.Format("15:04:05.000"), faultStart.Format("15:04:05.000"), r.status, r.transport, r.codes)
		case !overlaps:
			outside++
			t.Errorf("a request failed outside the fault window (%s–%s): %s–%s, codes %v",
				faultStart.Format("15:04:05.000"), windowEnd.Format("15:04:05.000"), r.start.Format("15:04:05.000"), r.end.Format("15:04:05.000"), r.codes)
		default:
			failed++
			if r.write != "" {
				l.failedAt[r.write] = true
			}
		}
	}
	if okBefore == 0 || okAfter == 0 {
		t.Errorf("writes succeeded %d times before the fault and %d times after recovery; both must, or the test proves nothing", okBefore, okAfter)
	}
	if want.failures && failed == 0 {
		t.Error("no request failed during the fault; the test proves nothing")
	}
	if budget := requestTimeout + 3*time.Second; longest > budget {
		t.Errorf("a request took %s, beyond the time budget %s (+3s for the client)", longest, requestTimeout)
	}
	if t.Failed() {
		t.Logf("server log without probes:\n%s", tail(withoutProbes(logs.String())))
	}
	t.Logf("%s: %d requests, %d writes done before and %d after, %d failed cleanly in the fault window, longest %s; healed after %s, recovered %s later",
		name, len(l.results), okBefore, okAfter, failed, longest.Round(time.Millisecond), healed.Sub(faultStart).Round(time.Millisecond), recovered.Sub(healed).Round(time.Millisecond))
}

func (l *load) add(r result) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.results = append(l.results, r)
	if r.write != "" && r.ok() {
		l.reported[r.write] = true
	}
}

// checkStored: every household reported created is stored, once; one stored without being
// reported must be one whose request failed during the fault (the commit happened, the answer
// was lost) — counted, never silent.
func (l *load) checkStored(t *testing.T, db *sql.DB, name string) {
	rows, err := db.Query("SELECT number, COUNT(*) FROM households WHERE number LIKE ? GROUP BY number", "F-"+name+"-%")
	if err != nil {
		t.Fatal(err)
	}
	stored := map[string]bool{}
	for rows.Next() {
		var n string
		var count int
		_ = rows.Scan(&n, &count)
		stored[n] = true
		if count != 1 {
			t.Errorf("household %s is stored %d times", n, count)
		}
	}
	rows.Close()
	l.mu.Lock()
	defer l.mu.Unlock()
	for n := range l.reported {
		if !stored[n] {
			t.Errorf("household %s was reported created but is not stored", n)
		}
	}
	ambiguous := 0
	for n := range stored {
		if l.reported[n] {
			continue
		}
		if !l.failedAt[n] {
			t.Errorf("household %s is stored but its request neither succeeded nor failed during the fault", n)
		}
		ambiguous++
	}
	t.Logf("%s: %d households reported created and stored; %d stored whose answer was lost in the fault", name, len(l.reported), ambiguous)
}

// metric reads one sample from the server's /metrics; -1 when it cannot.
func metric(url, name string) float64 {
	res, err := (&http.Client{Timeout: 5 * time.Second}).Get(url + "/metrics")
	if err != nil {
		return -1
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	for _, line := range strings.Split(string(raw), "\n") {
		if v, ok := strings.CutPrefix(line, name+" "); ok {
			f, _ := strconv.ParseFloat(strings.TrimSpace(v), 64)
			return f
		}
	}
	return -1
}

// proxy forwards TCP connections to the database; freeze stops every byte in both directions
// (connections stay open, as when a network path stalls) until thaw.
type proxy struct {
	ln      net.Listener
	backend string
	mu      sync.Mutex
	cond    *sync.Cond
	frozen  bool
}

func startProxy(t *testing.T, backend string) *proxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{ln: ln, backend: backend}
	p.cond = sync.NewCond(&p.mu)
	t.Cleanup(func() { p.thaw(); ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go p.pipe(c)
		}
	}()
	return p
}

func (p *proxy) addr() string { return p.ln.Addr().String() }

func (p *proxy) pipe(c net.Conn) {
	b, err := net.Dial("tcp", p.backend)
	if err != nil {
		c.Close()
		return
	}
	go p.copy(b, c)
	go p.copy(c, b)
}

func (p *proxy) copy(dst, src net.Conn) {
	defer dst.Close()
	defer src.Close()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			p.mu.Lock()
			for p.frozen {
				p.cond.Wait()
			}
			p.mu.Unlock()
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

func (p *proxy) freeze() { p.mu.Lock(); p.frozen = true; p.mu.Unlock() }

func (p *proxy) thaw() { p.mu.Lock(); p.frozen = false; p.cond.Broadcast(); p.mu.Unlock() }

func waitReady(t *testing.T, url string, d time.Duration, logs *bytes.Buffer) {
	for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(250 * time.Millisecond) {
		if readyz(url) == 200 {
			return
		}
	}
	t.Fatalf("server not ready after %s\n%s", d, tail(withoutProbes(logs.String())))
}

// withoutProbes drops the request log lines of /readyz probes, which would fill a tail.
func withoutProbes(s string) string {
	var keep []string
	for _, line := range strings.Split(s, "\n") {
		if !strings.Contains(line, `"path":"/readyz"`) {
			keep = append(keep, line)
		}
	}
	return strings.Join(keep, "\n")
}

func tail(s string) string {
	if len(s) > 3000 {
		return s[len(s)-3000:]
	}
	return s
}
