package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nanpiao/sbqw/authn"
	"github.com/nanpiao/sbqw/authz"
	"github.com/nanpiao/sbqw/ent/schema/enum"
	"github.com/nanpiao/sbqw/httpapi"
	"github.com/nanpiao/sbqw/internal/testkit"
)

const loginOp = `mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }`

// TestSignInBurst: 200 concurrent wrong-password sign-ins through the real handler. Password
// hashing is bounded by its memory budget, so peak memory rises by far less than 200 × 64 MiB;
// every request is answered (a wrong-credentials error or RATE_LIMITED with Retry-After, never
// a dropped connection); the server keeps serving; and a correct sign-in for an account that
// was not attacked succeeds from the very same address right after.
func TestSignInBurst(t *testing.T) {
	e := newHTTPEnv(t, httpapi.Options{})
	target := testkit.CreateUser(t, e.db.Client, "target", testkit.Binding{Role: enum.RoleAuditor})
	testkit.CreateUser(t, e.db.Client, "bystander", testkit.Binding{Role: enum.RoleAuditor})
	// The attacked account has a hash of production cost (64 MiB), not the test accounts' cheap one.
	full, err := authn.ProductionHashCost.Hash(testkit.Password)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.db.Client.User.UpdateOneID(target).SetPasswordHash(full).Exec(authz.Bypass(context.Background(), "test fixture")); err != nil {
		t.Fatal(err)
	}

	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	var peakInuse atomic.Uint64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() { // sample the heap while the burst runs
		defer close(sampled)
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapInuse > peakInuse.Load() {
				peakInuse.Store(m.HeapInuse)
			}
			select {
			case <-stop:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}()

	const n = 200
	type answer struct {
		status     int
		code, msg  string
		retryAfter string
		err        error
	}
	answers := make([]answer, n)
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxConnsPerHost: 0, MaxIdleConnsPerHost: n}}
	var start, wg sync.WaitGroup
	start.Add(1)
	began := time.Now()
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			user := "target" // half on one account, half sprayed over names that do not exist
			if i%2 == 1 {
				user = fmt.Sprintf("nobody%d", i)
			}
			body, _ := json.Marshal(map[string]any{"query": loginOp, "variables": map[string]any{"u": user, "p": "wrong-password-" + strconv.Itoa(i)}})
			start.Wait()
			res, err := client.Post(e.base+"/graphql", "application/json", bytes.NewReader(body))
			if err != nil {
				answers[i].err = err
				return
			}
			defer res.Body.Close()
			raw, err := io.ReadAll(res.Body)
			var out struct {
				Errors []struct {
					Message    string
					Extensions map[string]any
				}
			}
			if err == nil {
				err = json.Unmarshal(raw, &out)
			}
			answers[i] = answer{status: res.StatusCode, retryAfter: res.Header.Get("Retry-After"), err: err}
			if len(out.Errors) > 0 {
				answers[i].code, _ = out.Errors[0].Extensions["code"].(string)
				answers[i].msg = out.Errors[0].Message
			}
		}()
	}
	start.Done()
	wg.Wait()
	took := time.Since(began)
	close(stop)
	<-sampled
	var after runtime.MemStats
	runtime.ReadMemStats(&after)

	counts := map[string]int{}
	for i, a := range answers {
		switch {
		case a.err != nil:
			t.Errorf("request %d got no answer: %v", i, a.err)
		case a.code == "UNAUTHENTICATED" && a.status == http.StatusOK:
		case a.code == "RATE_LIMITED" && (a.status == http.StatusOK || a.status == http.StatusTooManyRequests):
			if s, err := strconv.Atoi(a.retryAfter); err != nil || s < 1 {
				t.Errorf("request %d: RATE_LIMITED without a Retry-After header (%q)", i, a.retryAfter)
			}
		default:
			t.Errorf("request %d: HTTP %d, code %q: %s", i, a.status, a.code, a.msg)
		}
		counts[a.code]++
	}
	const mib = 1 << 20
	inuse := (int64(peakInuse.Load()) - int64(before.HeapInuse)) / mib
	sys := (int64(after.Sys) - int64(before.Sys)) / mib
	t.Logf("burst of %d in %v: %v; peak HeapInuse +%d MiB, Sys +%d MiB", n, took.Round(time.Millisecond), counts, inuse, sys)
	if inuse >= 300 || sys >= 300 {
		t.Errorf("peak memory rose by %d MiB in use, %d MiB from the OS; want < 300 MiB", inuse, sys)
	}
	if t.Failed() {
		for _, l := range strings.Split(e.logs.String(), "\n") {
			if strings.Contains(l, "ERROR") {
				t.Log(l)
				break
			}
		}
	}
	if counts["RATE_LIMITED"] == 0 {
		t.Error("nothing was refused: the burst did not reach the hashing budget")
	}

	if r := e.do(t, call{body: gql(meOp, nil)}); r.Status != 200 || r.code() != "" {
		t.Fatalf("the server stopped serving: %s", r)
	}
	// The same address (loopback) signs in to an account nobody attacked.
	e.srv.Login(t, "bystander")
}

// TestForwardedForOnlyFromTrustedProxies: the address a session and the sign-in throttles
// record is the TCP peer's unless the peer is a trusted proxy; a client cannot pick its
// address with X-Forwarded-For or X-Real-IP.
func TestForwardedForOnlyFromTrustedProxies(t *testing.T) {
	e := newHTTPEnv(t, httpapi.Options{})
	loopback := []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}
	proxied := e.with(t, httpapi.Options{TrustedProxies: loopback})
	cases := []struct {
		name   string
		env    *httpEnv
		header map[string]string
		want   string
	}{
		{"no proxy trusted: the header is ignored", e, map[string]string{"X-Forwarded-For": "203.0.113.9"}, "127.0.0.1"},
		{"no proxy trusted: X-Real-IP is ignored", e, map[string]string{"X-Real-IP": "203.0.113.9"}, "127.0.0.1"},
		{"a trusted proxy names the client", proxied, map[string]string{"X-Forwarded-For": "203.0.113.9"}, "203.0.113.9"},
		{"a client's own entry left of the proxy's is not believed", proxied, map[string]string{"X-Forwarded-For": "198.51.100.1, 203.0.113.9"}, "203.0.113.9"},
		{"trusted hops on the right are skipped", proxied, map[string]string{"X-Forwarded-For": "203.0.113.9, 127.0.0.5"}, "203.0.113.9"},
		{"X-Real-IP from a trusted proxy", proxied, map[string]string{"X-Real-IP": "203.0.113.7"}, "203.0.113.7"},
		{"a malformed header falls back to the peer", proxied, map[string]string{"X-Forwarded-For": "not-an-address"}, "127.0.0.1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := c.env.do(t, call{token: "-", header: c.header, body: gql(loginOp, map[string]any{"u": "admin", "p": testkit.Password})})
			if r.Status != 200 || r.code() != "" {
				t.Fatalf("login: %s", r)
			}
			var got string
			if err := e.db.SQL.QueryRow("SELECT client_address FROM sessions ORDER BY id DESC LIMIT 1").Scan(&got); err != nil {
				t.Fatal(err)
			}
			if got != c.want {
				t.Fatalf("session recorded %q, want %q", got, c.want)
			}
		})
	}
}

// TestNoisyAddressDoesNotLockOutItsNeighbours: failures from one address (a township's NAT)
// slow down that address on the accounts it failed on; a colleague behind the same address
// still signs in, and the refused attempt carries Retry-After.
func TestNoisyAddressDoesNotLockOutItsNeighbours(t *testing.T) {
	e := newHTTPEnv(t, httpapi.Options{})
	testkit.CreateUser(t, e.db.Client, "clerk", testkit.Binding{Role: enum.RoleAuditor})
	for i := 0; i < 25; i++ { // more than the old per-address limit of 20
		user := "auditor" + strconv.Itoa(i%5)
		e.do(t, call{token: "-", body: gql(loginOp, map[string]any{"u": user, "p": "wrong-password-1"})})
	}
	r := e.do(t, call{token: "-", body: gql(loginOp, map[string]any{"u": "auditor0", "p": "wrong-password-2"})})
	if r.code() != "RATE_LIMITED" || r.Header.Get("Retry-After") == "" {
		t.Fatalf("the account guessed at from this address: %s (Retry-After %q)", r, r.Header.Get("Retry-After"))
	}
	e.srv.Login(t, "clerk")
}
