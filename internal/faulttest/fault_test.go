//go:build fault

// Package faulttest stops the database under a running server and starts it again: requests
// must fail cleanly meanwhile, /readyz must say so, the server must recover without a restart,
// and no write may be left half-applied. It runs its own MariaDB (so it can stop it without
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

func TestDatabaseOutage(t *testing.T) {
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

	bin := filepath.Join(dir, "sbqw")
	if out, err := exec.Command("go", "build", "-o", bin, "../..").CombinedOutput(); err != nil {
		t.Fatalf("building the server: %v\n%s", err, out)
	}
	addr := "127.0.0.1:" + freePort(t)
	url := "http://" + addr
	server := exec.Command(bin, "--demo", "--addr", addr, "--db", "mysql://root@127.0.0.1:"+m.port+"/sbqw",
		"--jwt-secret", strings.Repeat("k", 40), "--data-key", strings.Repeat("ab", 32), "--demo-password", "fault-test-2017",
		"--rate-limit", "0") // the load comes from two tokens; per-token limits are tested elsewhere
	var logs bytes.Buffer
	server.Stdout, server.Stderr = &logs, &logs
	if err := server.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = server.Process.Signal(syscall.SIGTERM); _, _ = server.Process.Wait() })
	waitReady(t, url, 120*time.Second, &logs)

	login := func(user string) *client {
		c := &client{url: url}
		o := c.do(`mutation($u: String!) { login(username: $u, password: "fault-test-2017") { token } }`, map[string]any{"u": user})
		if !o.ok() {
			t.Fatalf("login %s: %+v", user, o)
		}
		c.token = o.body["data"].(map[string]any)["login"].(map[string]any)["token"].(string)
		return c
	}
	reader, writer := login("township01"), login("admin")
	var village string
	o := writer.do(`{ villages(first: 1) { edges { node { id } } } }`, nil)
	village = o.body["data"].(map[string]any)["villages"].(map[string]any)["edges"].([]any)[0].(map[string]any)["node"].(map[string]any)["id"].(string)

	// Light load: two readers, two writers. Each write creates a household and its head in one
	// request — one transaction.
	var (
		mu       sync.Mutex
		outcomes []outcome
		written  []string // numbers of households whose creation was reported done
		seq      atomic.Int64
		phase    atomic.Value
	)
	phase.Store("before")
	ctx, stop := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	record := func(o outcome) {
		mu.Lock()
		defer mu.Unlock()
		outcomes = append(outcomes, o)
	}
	for i := 0; i < 2; i++ {
		wg.Add(2)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				record(reader.do(`{ households(first: 20) { totalCount edges { node { id headName } } } }`, nil))
				time.Sleep(50 * time.Millisecond)
			}
		}()
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				// A household and its audit event: two rows, one transaction.
				n := fmt.Sprintf("F-%05d", seq.Add(1))
				o := writer.do(`mutation($v: ID!, $n: String!) {
					createHousehold(input: {villageID: $v, number: $n, headName: "故障测试"}) { id } }`, map[string]any{"v": village, "n": n})
				if o.ok() {
					mu.Lock()
					written = append(written, n)
					mu.Unlock()
				}
				record(o)
				time.Sleep(50 * time.Millisecond)
			}
		}()
	}

	time.Sleep(3 * time.Second)
	phase.Store("outage")
	stopMariaDB(t, m)
	sawUnready := false
	for end := time.Now().Add(6 * time.Second); time.Now().Before(end); time.Sleep(200 * time.Millisecond) {
		if readyz(url) == 503 {
			sawUnready = true
		}
	}
	startMariaDB(t, m)
	phase.Store("recovering")
	recovered := false
	for end := time.Now().Add(60 * time.Second); time.Now().Before(end); time.Sleep(200 * time.Millisecond) {
		if readyz(url) == 200 && reader.do(`{ households(first: 1) { totalCount } }`, nil).ok() {
			recovered = true
			break
		}
	}
	phase.Store("after")
	time.Sleep(2 * time.Second)
	stop()
	wg.Wait()

	if !sawUnready {
		t.Error("/readyz never reported the database outage")
	}
	if !recovered {
		t.Fatalf("the server did not recover after the database came back\n%s", tail(logs.String()))
	}
	var failed, dirty, okAfter int
	for _, o := range outcomes {
		switch {
		case o.ok():
		case o.clean():
			failed++
		default:
			dirty++
			t.Errorf("an unclean failure: status %d, transport %v, codes %v", o.status, o.transport, o.codes)
		}
	}
	for _, o := range outcomes[len(outcomes)-4:] {
		if o.ok() {
			okAfter++
		}
	}
	if failed == 0 {
		t.Error("no request failed during the outage; the test proves nothing")
	}
	if okAfter == 0 {
		t.Error("requests still fail after recovery")
	}
	t.Logf("%d requests, %d failed cleanly during the outage, %d unclean", len(outcomes), failed, dirty)

	// No half-applied write: every household reported created exists, and nothing else does.
	db, _ := sql.Open("mysql", "root@tcp(127.0.0.1:"+m.port+")/sbqw")
	defer db.Close()
	rows, err := db.Query("SELECT number FROM households WHERE number LIKE 'F-%'")
	if err != nil {
		t.Fatal(err)
	}
	stored := map[string]bool{}
	for rows.Next() {
		var n string
		_ = rows.Scan(&n)
		stored[n] = true
	}
	rows.Close()
	for _, n := range written {
		if !stored[n] {
			t.Errorf("household %s was reported created but is not stored", n)
		}
	}
	if len(stored) != len(written) {
		t.Errorf("%d households stored, %d reported created: a write was applied without being reported", len(stored), len(written))
	}
	var audits int
	_ = db.QueryRow("SELECT COUNT(*) FROM audit_events WHERE action = 'household.create'").Scan(&audits)
	if audits != len(stored) {
		t.Errorf("%d households, %d audit events: a write and its audit event parted", len(stored), audits)
	}
}

func waitReady(t *testing.T, url string, d time.Duration, logs *bytes.Buffer) {
	for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(250 * time.Millisecond) {
		if readyz(url) == 200 {
			return
		}
	}
	t.Fatalf("server not ready after %s\n%s", d, tail(logs.String()))
}

func tail(s string) string {
	if len(s) > 3000 {
		return s[len(s)-3000:]
	}
	return s
}
