//go:build replicas

// Package replicatest runs three replicas of the real server binary on one MariaDB behind
// haproxy (round robin), kills one with SIGKILL in the middle of a mixed load and restarts it,
// and checks what several replicas must agree on:
//
//   - every write acknowledged to a client is stored exactly once, although clients resend
//     failed writes with the same idempotency key through the proxy (so often to another
//     replica), and a key resent directly to each replica returns the first result;
//   - a token's rate limit is the same whether its requests hit one replica or all three.
//
// It needs haproxy and the MariaDB of .ci/mariadb-up (127.0.0.1:3306, root, or
// SBQW_REPLICAS_MYSQL), where it creates a database of its own and drops it afterwards:
//
//	go test -tags replicas -count=1 -v ./internal/replicatest
package replicatest

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
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

const (
	password  = "replica-test-2017"
	rate      = 5.0 // requests a second per token
	rateBurst = 30
	// leaseSize is httpapi's lease of a bucket with this burst: each replica spends its bucket
	// that many requests at a time, so a burst through R replicas may get up to
	// (R−1)·(leaseSize−1) fewer than the bucket holds, never more.
	leaseSize = 3
)

var nextPort = 21000 + os.Getpid()%2000*4

// freePort picks a free port below the ephemeral range (32768–60999): haproxy keeps
// connecting to a killed replica's port, and a client connecting to a port in that range can
// end up connected to itself and hold the port (see STACK-NOTES).
func freePort(t *testing.T) string {
	for range 200 {
		nextPort++
		l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(nextPort))
		if err == nil {
			l.Close()
			return strconv.Itoa(nextPort)
		}
	}
	t.Fatal("no free port below 32768")
	return ""
}

type replica struct {
	addr string
	cmd  *exec.Cmd
	logs *bytes.Buffer
}

type cluster struct {
	t        *testing.T
	bin, dsn string
	replicas []*replica
	proxy    string
}

func (c *cluster) start(r *replica, demo bool) {
	c.t.Helper()
	args := []string{"--addr", r.addr, "--db", c.dsn,
		"--jwt-secret", strings.Repeat("k", 40), "--data-key", strings.Repeat("ab", 32),
		"--rate-limit", strconv.FormatFloat(rate, 'f', -1, 64), "--rate-burst", strconv.Itoa(rateBurst), "--max-in-flight", "0"}
	if demo {
		args = append(args, "--demo", "--demo-password", password)
	}
	r.cmd = exec.Command(c.bin, args...)
	r.logs = &bytes.Buffer{}
	r.cmd.Stdout, r.cmd.Stderr = r.logs, r.logs
	if err := r.cmd.Start(); err != nil {
		c.t.Fatal(err)
	}
	waitReady(c.t, "http://"+r.addr, 240*time.Second, r.logs)
}

func (c *cluster) kill(r *replica) {
	_ = r.cmd.Process.Signal(syscall.SIGKILL)
	_, _ = r.cmd.Process.Wait()
}

func waitReady(t *testing.T, url string, within time.Duration, logs *bytes.Buffer) {
	t.Helper()
	for end := time.Now().Add(within); time.Now().Before(end); time.Sleep(250 * time.Millisecond) {
		if res, err := http.Get(url + "/readyz"); err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return
			}
		}
	}
	t.Fatalf("%s not ready within %s\n%s", url, within, tail(logs.String()))
}

func tail(s string) string {
	if len(s) > 3000 {
		return "…" + s[len(s)-3000:]
	}
	return s
}

// client talks GraphQL to one URL and never fails the test itself.
type client struct {
	url, token string
}

type outcome struct {
	status    int
	transport error
	data      map[string]any
	codes     []string
}

var hc = &http.Client{Timeout: 20 * time.Second}

func (c *client) do(url, query string, vars map[string]any) outcome {
	if url == "" {
		url = c.url
	}
	b, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, url+"/graphql", bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	res, err := hc.Do(req)
	if err != nil {
		return outcome{transport: err}
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	o := outcome{status: res.StatusCode}
	var body struct {
		Data   map[string]any `json:"data"`
		Errors []struct {
			Extensions struct {
				Code string `json:"code"`
			} `json:"extensions"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(raw, &body); err != nil {
		o.transport = fmt.Errorf("HTTP %d, not JSON: %.200s", res.StatusCode, raw)
		return o
	}
	o.data = body.Data
	for _, e := range body.Errors {
		o.codes = append(o.codes, e.Extensions.Code)
	}
	return o
}

func (o outcome) ok() bool { return o.transport == nil && o.status == 200 && len(o.codes) == 0 }

// id digs data.<field>.id out of a mutation's answer.
func (o outcome) id(field string) string {
	m, _ := o.data[field].(map[string]any)
	s, _ := m["id"].(string)
	return s
}

func firstNodeID(o outcome, field string) string {
	m, _ := o.data[field].(map[string]any)
	edges, _ := m["edges"].([]any)
	if len(edges) == 0 {
		return ""
	}
	s, _ := edges[0].(map[string]any)["node"].(map[string]any)["id"].(string)
	return s
}

func login(t *testing.T, url, user string) *client {
	t.Helper()
	c := &client{url: url}
	for range 20 {
		o := c.do("", `mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }`, map[string]any{"u": user, "p": password})
		if o.ok() {
			c.token = o.data["login"].(map[string]any)["token"].(string)
			return c
		}
		time.Sleep(500 * time.Millisecond)
	}
	t.Fatalf("cannot sign in as %s", user)
	return nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// write is one intended write: its idempotency key, the table it lands in, and the ID the
// server acknowledged (empty until one did).
type write struct {
	key, table, ackID string
	writer, attempts  int
}

func TestThreeReplicasBehindHAProxy(t *testing.T) {
	if _, err := exec.LookPath("haproxy"); err != nil {
		t.Fatalf("haproxy is not installed (apt-get install -y haproxy): %v", err)
	}
	dir := t.TempDir()
	rootDSN := os.Getenv("SBQW_REPLICAS_MYSQL")
	if rootDSN == "" {
		rootDSN = "root@tcp(127.0.0.1:3306)/"
	}
	name := "replicas_" + randomHex(4)
	admin, err := sql.Open("mysql", rootDSN)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Exec("CREATE DATABASE " + name + " CHARACTER SET utf8mb4"); err != nil {
		t.Fatalf("creating the test database (is MariaDB up? .ci/mariadb-up): %v", err)
	}
	t.Cleanup(func() { _, _ = admin.Exec("DROP DATABASE " + name); admin.Close() })
	db, err := sql.Open("mysql", strings.TrimSuffix(rootDSN, "/")+"/"+name)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	bin := filepath.Join(dir, "sbqw")
	if out, err := exec.Command("go", "build", "-o", bin, "../..").CombinedOutput(); err != nil {
		t.Fatalf("building the server: %v\n%s", err, out)
	}
	hostPort := strings.TrimSuffix(strings.TrimPrefix(strings.TrimSuffix(rootDSN, "/"), "root@tcp("), ")")
	c := &cluster{t: t, bin: bin, dsn: "mysql://root@" + hostPort + "/" + name}
	for range 3 {
		c.replicas = append(c.replicas, &replica{addr: "127.0.0.1:" + freePort(t)})
	}
	t.Cleanup(func() {
		for _, r := range c.replicas {
			if r.cmd != nil && r.cmd.ProcessState == nil {
				_ = r.cmd.Process.Signal(syscall.SIGTERM)
				_, _ = r.cmd.Process.Wait()
			}
		}
	})
	c.start(c.replicas[0], true) // migrates and loads the demo district
	c.start(c.replicas[1], false)
	c.start(c.replicas[2], false)
	c.proxy = startHAProxy(t, dir, c.replicas)
	url := c.proxy

	// Roles of the load: cadres record visits, village secretaries register demands (both
	// with idempotency keys), a township and the auditor read.
	type writer struct {
		cl     *client
		field  string // createVisit / createDemand
		table  string
		query  string
		vars   func() map[string]any
		parent string
	}
	var writers []*writer
	for i := 1; i <= 4; i++ {
		cl := login(t, url, fmt.Sprintf("cadre%04d", i))
		p := firstNodeID(cl.do("", `{ pairings(first: 1, where: {active: true}) { edges { node { id } } } }`, nil), "pairings")
		if p == "" {
			t.Fatalf("cadre%04d has no active pairing", i)
		}
		writers = append(writers, &writer{cl: cl, field: "createVisit", table: "visits", parent: p,
			query: `mutation($p: ID!, $at: Time!, $k: String) { createVisit(input: {pairingID: $p, visitedAt: $at, occasion: ROUTINE, mode: PHONE, notes: "副本测试"}, idempotencyKey: $k) { id } }`})
	}
	for i := 1; i <= 3; i++ {
		cl := login(t, url, fmt.Sprintf("village%03d", i))
		h := firstNodeID(cl.do("", `{ households(first: 1) { edges { node { id } } } }`, nil), "households")
		if h == "" {
			t.Fatalf("village%03d has no household", i)
		}
		writers = append(writers, &writer{cl: cl, field: "createDemand", table: "demands", parent: h,
			query: `mutation($p: ID!, $k: String) { createDemand(input: {householdID: $p, category: OTHER, content: "副本测试"}, idempotencyKey: $k) { id } }`})
	}
	readers := []*client{login(t, url, "township01"), login(t, url, "auditor")}

	// The load: each writer writes about three times a second (under the 5/s rate limit, the
	// burst absorbing resends); a failed write is resent with the same key, through the proxy,
	// until acknowledged.
	ctx, stop := context.WithCancel(context.Background())
	var mu sync.Mutex
	var writes []*write
	var failures, reads, readFailures atomic.Int64
	var wg sync.WaitGroup
	for wi, w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; ctx.Err() == nil; n++ {
				wr := &write{key: fmt.Sprintf("rep-%d-%d-%s", wi, n, randomHex(4)), table: w.table, writer: wi}
				vars := map[string]any{"p": w.parent, "k": wr.key, "at": time.Now().UTC().Add(-time.Duration(n) * time.Second).Format(time.RFC3339)}
				for deadline := time.Now().Add(60 * time.Second); wr.ackID == "" && time.Now().Before(deadline); {
					wr.attempts++
					o := w.cl.do("", w.query, vars)
					if o.ok() {
						wr.ackID = o.id(w.field)
						break
					}
					failures.Add(1)
					time.Sleep(300 * time.Millisecond)
				}
				mu.Lock()
				writes = append(writes, wr)
				mu.Unlock()
				select {
				case <-ctx.Done():
				case <-time.After(300 * time.Millisecond):
				}
			}
		}()
	}
	for _, r := range readers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				reads.Add(1)
				if !r.do("", `{ households(first: 10) { totalCount edges { node { id headName } } } }`, nil).ok() {
					readFailures.Add(1)
				}
				time.Sleep(300 * time.Millisecond)
			}
		}()
	}

	time.Sleep(10 * time.Second)
	victim := c.replicas[1]
	// Writes sent straight to the victim as it dies: whether each committed is unknown to its
	// client, which resends it with the same key through the proxy.
	var cut sync.WaitGroup
	for i := range 6 {
		w := writers[i%len(writers)]
		cut.Add(1)
		go func() {
			defer cut.Done()
			wr := &write{key: "cut-" + randomHex(6), table: w.table, writer: i % len(writers)}
			vars := map[string]any{"p": w.parent, "k": wr.key, "at": time.Now().UTC().Format(time.RFC3339)}
			for end := time.Now().Add(60 * time.Second); time.Now().Before(end); time.Sleep(300 * time.Millisecond) {
				target := ""
				if wr.attempts == 0 {
					target = "http://" + victim.addr
				}
				wr.attempts++
				if o := w.cl.do(target, w.query, vars); o.ok() {
					wr.ackID = o.id(w.field)
					break
				}
				failures.Add(1)
			}
			mu.Lock()
			writes = append(writes, wr)
			mu.Unlock()
		}()
	}
	time.Sleep(3 * time.Millisecond)
	c.kill(victim)
	t.Logf("replica %s killed with SIGKILL", victim.addr)
	time.Sleep(5 * time.Second)
	c.start(victim, false)
	t.Logf("replica %s restarted", victim.addr)
	time.Sleep(10 * time.Second)
	stop()
	wg.Wait()
	cut.Wait()

	// Every acknowledged write is stored exactly once, under the acknowledged ID.
	acked, resent := 0, 0
	for _, wr := range writes {
		if wr.ackID == "" {
			t.Errorf("write %s was never acknowledged in 60 s", wr.key)
			continue
		}
		acked++
		if wr.attempts > 1 {
			resent++
		}
		var n int
		if err := db.QueryRow("SELECT COUNT(*) FROM "+wr.table+" WHERE idempotency_key = ?", wr.key).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			t.Errorf("write %s (%s) is stored %d times", wr.key, wr.table, n)
		}
	}
	if acked < 100 || resent == 0 {
		t.Errorf("%d writes acknowledged, %d resent: too few to prove anything", acked, resent)
	}

	// A key resent directly to each replica returns the first result.
	checked := 0
	for i, wr := range writes {
		if wr.ackID == "" || i%20 != 0 {
			continue
		}
		w := writers[wr.writer]
		vars := map[string]any{"p": w.parent, "k": wr.key, "at": time.Now().UTC().Format(time.RFC3339)}
		for _, r := range c.replicas {
			o := w.cl.do("http://"+r.addr, w.query, vars)
			if o.status == http.StatusTooManyRequests {
				continue // the token's bucket: counted below, not a different answer
			}
			if !o.ok() || o.id(w.field) != wr.ackID {
				t.Errorf("key %s resent to %s: got %q (codes %v), first result %q", wr.key, r.addr, o.id(w.field), o.codes, wr.ackID)
			}
			checked++
		}
	}
	t.Logf("load: %d writes acknowledged (%d needed a resend, %d failed attempts), %d reads (%d failed); %d resends to single replicas returned the first result",
		acked, resent, failures.Load(), reads.Load(), readFailures.Load(), checked)

	// A token's rate limit is the same through one replica and through three: a burst of 90
	// requests from a fresh token gets the bucket's 30 (plus what refills at 5/s meanwhile,
	// less what leases leave unused), not 30 per replica.
	burst := func(target string, user string) (allowed, limited int, took time.Duration) {
		cl := login(t, url, user)
		start := time.Now()
		var amu sync.Mutex
		var bw sync.WaitGroup
		for g := range 3 {
			bw.Add(1)
			go func() {
				defer bw.Done()
				for range 30 {
					o := cl.do(target, `{ me { id } }`, nil)
					amu.Lock()
					switch {
					case o.ok():
						allowed++
					case o.status == http.StatusTooManyRequests:
						limited++
					default:
						t.Errorf("burst %d: status %d codes %v err %v", g, o.status, o.codes, o.transport)
					}
					amu.Unlock()
				}
			}()
		}
		bw.Wait()
		return allowed, limited, time.Since(start)
	}
	a1, l1, d1 := burst("http://"+c.replicas[0].addr, "township02")
	a3, l3, d3 := burst(url, "township03")
	t.Logf("rate limit (burst %d, %v/s): one replica %d allowed / %d refused in %s; three replicas %d allowed / %d refused in %s",
		rateBurst, rate, a1, l1, d1.Round(time.Millisecond), a3, l3, d3.Round(time.Millisecond))
	for _, x := range []struct {
		allowed int
		took    time.Duration
	}{{a1, d1}, {a3, d3}} {
		most := rateBurst + int(x.took.Seconds()*rate) + 1
		least := rateBurst - (len(c.replicas)-1)*(leaseSize-1)
		if x.allowed < least || x.allowed > most {
			t.Errorf("a burst of 90 allowed %d requests; the bucket holds %d, refills %d meanwhile, and leases may leave %d unused", x.allowed, rateBurst, most-rateBurst, rateBurst-least)
		}
	}
}

// startHAProxy runs haproxy in round robin over the replicas, checking /readyz, and returns
// its URL. A request whose connection to a replica fails is retried on another (redispatch);
// one cut off in flight (the replica killed under it) reaches the client as a 502, and the
// client resends it.
func startHAProxy(t *testing.T, dir string, replicas []*replica) string {
	t.Helper()
	port := freePort(t)
	var b strings.Builder
	fmt.Fprintf(&b, `global
    maxconn 2000
defaults
    mode http
    timeout connect 2s
    timeout client 30s
    timeout server 30s
    retries 2
    option redispatch
    retry-on conn-failure
frontend api
    bind 127.0.0.1:%s
    default_backend replicas
backend replicas
    balance roundrobin
    option httpchk GET /readyz
    default-server inter 500ms fall 2 rise 2
`, port)
	for i, r := range replicas {
		fmt.Fprintf(&b, "    server r%d %s check\n", i+1, r.addr)
	}
	cfg := filepath.Join(dir, "haproxy.cfg")
	if err := os.WriteFile(cfg, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("haproxy", "-db", "-f", cfg)
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Signal(syscall.SIGTERM); _, _ = cmd.Process.Wait() })
	url := "http://127.0.0.1:" + port
	waitReady(t, url, 20*time.Second, &logs)
	return url
}
