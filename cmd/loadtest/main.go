// Command loadtest drives a running server (loopback only) with a bounded, mixed read/write
// workload across roles, then checks that no request failed and no write was lost.
//
//	go run . --demo --demo-password demo-pass-2017 --rate-limit 0 --max-in-flight 0 &   # or any server with the demo district
//	go run ./cmd/loadtest -url http://127.0.0.1:8080 -password demo-pass-2017 -duration 30s -workers 8
//
// It reports throughput, latency percentiles per operation and the server's memory (from
// /metrics).
package main

import (
	"bufio"
	"bytes"
	"database/sql"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	_ "github.com/go-sql-driver/mysql"
)

var (
	target   = flag.String("url", "http://127.0.0.1:8080", "server base URL (loopback only)")
	password = flag.String("password", "demo-pass-2017", "demo password")
	duration = flag.Duration("duration", 30*time.Second, "how long to run")
	workers  = flag.Int("workers", 8, "concurrent clients")
	status   = flag.String("questions", "", "MariaDB/MySQL DSN of the server's database (go-sql-driver form, e.g. root@tcp(127.0.0.1:3306)/); "+
		"after the load, print the statements per request of each operation: the global Questions counter over 20 sequential requests, least of 3 tries")
)

type client struct {
	http  *http.Client
	token string
}

func (c *client) do(query string, vars map[string]any) (map[string]any, error) {
	b, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, *target+"/graphql", bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	res, err := c.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	var out struct {
		Data   map[string]any   `json:"data"`
		Errors []map[string]any `json:"errors"`
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		return nil, fmt.Errorf("HTTP %d: %.200s", res.StatusCode, raw)
	}
	if len(out.Errors) > 0 || res.StatusCode != 200 {
		return nil, fmt.Errorf("HTTP %d: %v", res.StatusCode, out.Errors)
	}
	return out.Data, nil
}

func login(username string) *client {
	c := &client{http: &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 64}}}
	d, err := c.do(`mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }`, map[string]any{"u": username, "p": *password})
	if err != nil {
		log.Fatalf("login %s: %v", username, err)
	}
	c.token = d["login"].(map[string]any)["token"].(string)
	return c
}

func dig(v any, path ...string) any {
	for _, p := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[p]
	}
	return v
}

type op struct {
	name  string
	run   func(w int, i int) error
	write bool
}

type stat struct {
	mu        sync.Mutex
	latencies map[string][]time.Duration
	errors    map[string]int
}

func (s *stat) add(name string, d time.Duration, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.latencies[name] = append(s.latencies[name], d)
	if err != nil {
		s.errors[name]++
		if s.errors[name] <= 3 {
			log.Printf("%s failed: %v", name, err)
		}
	}
}

func main() {
	flag.Parse()
	u, err := url.Parse(*target)
	if err != nil {
		log.Fatal(err)
	}
	if ip := net.ParseIP(u.Hostname()); u.Hostname() != "localhost" && (ip == nil || !ip.IsLoopback()) {
		log.Fatalf("refusing to load %s: loopback addresses only", *target)
	}
	admin, township, secretary := login("admin"), login("township01"), login("village001")
	cadres := make([]*client, *workers)
	pairings := make([]string, *workers)
	for w := range cadres {
		cadres[w] = login(fmt.Sprintf("cadre%04d", w+1))
		d, err := cadres[w].do(`{ pairings(first: 1, where: {active: true}) { edges { node { id } } } }`, nil)
		if err != nil {
			log.Fatal(err)
		}
		pairings[w] = dig(d, "pairings", "edges").([]any)[0].(map[string]any)["node"].(map[string]any)["id"].(string)
	}
	visitCount := func(c *client) int {
		d, err := c.do(`{ visits { totalCount } }`, nil)
		if err != nil {
			log.Fatal(err)
		}
		return int(dig(d, "visits", "totalCount").(float64))
	}
	demandCount := func() int {
		d, err := secretary.do(`{ demands { totalCount } }`, nil)
		if err != nil {
			log.Fatal(err)
		}
		return int(dig(d, "demands", "totalCount").(float64))
	}
	household, err := secretary.do(`{ households(first: 1) { edges { node { id } } } }`, nil)
	if err != nil {
		log.Fatal(err)
	}
	hh := dig(household, "households", "edges").([]any)[0].(map[string]any)["node"].(map[string]any)["id"].(string)
	beforeVisits := make([]int, *workers)
	for w := range cadres {
		beforeVisits[w] = visitCount(cadres[w])
	}
	beforeDemands := demandCount()

	var visitsWritten, demandsWritten atomic.Int64
	ops := []op{
		{"households page (TOWNSHIP)", func(w, i int) error {
			_, err := township.do(`query($after: Cursor) { households(first: 50, after: $after, orderBy: [{field: NUMBER}]) { totalCount edges { node { id headName category residents(first: 5) { edges { node { name age idNumber } } } } } } }`, nil)
			return err
		}, false},
		{"my paired households (CADRE)", func(w, i int) error {
			_, err := cadres[w].do(`{ households { totalCount edges { node { headName residents { edges { node { name phone } } } pairings { edges { node { visits(first: 3, orderBy: [{field: VISITED_AT, direction: DESC}]) { edges { node { visitedAt occasion } } } } } } } } } }`, nil)
			return err
		}, false},
		{"district hierarchy (DISTRICT)", func(w, i int) error {
			_, err := admin.do(`{ townships { edges { node { name villages(first: 20) { totalCount edges { node { name households { totalCount } } } } } } } }`, nil)
			return err
		}, false},
		{"record a visit (CADRE)", func(w, i int) error {
			at := time.Now().UTC().Add(-time.Duration(i%600) * time.Second).Format(time.RFC3339)
			_, err := cadres[w].do(`mutation($p: ID!, $at: Time!, $k: String) { createVisit(input: {pairingID: $p, visitedAt: $at, occasion: ROUTINE, mode: PHONE, notes: "负载测试"}, idempotencyKey: $k) { id } }`,
				map[string]any{"p": pairings[w], "at": at, "k": fmt.Sprintf("load-%d-%d-%d", w, i, time.Now().UnixNano())})
			if err == nil {
				visitsWritten.Add(1)
			}
			return err
		}, true},
		{"register a demand (VILLAGE_SECRETARY)", func(w, i int) error {
			_, err := secretary.do(`mutation($h: ID!, $k: String) { createDemand(input: {householdID: $h, category: OTHER, content: "负载测试"}, idempotencyKey: $k) { id } }`,
				map[string]any{"h": hh, "k": fmt.Sprintf("load-%d-%d-%d", w, i, time.Now().UnixNano())})
			if err == nil {
				demandsWritten.Add(1)
			}
			return err
		}, true},
	}
	weights := []int{4, 3, 1, 1, 1} // mostly reads, one write in five
	var schedule []int
	for i, w := range weights {
		for j := 0; j < w; j++ {
			schedule = append(schedule, i)
		}
	}

	s := &stat{latencies: map[string][]time.Duration{}, errors: map[string]int{}}
	start := time.Now()
	deadline := start.Add(*duration)
	var wg sync.WaitGroup
	for w := 0; w < *workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; time.Now().Before(deadline); i++ {
				o := ops[schedule[(i+w)%len(schedule)]]
				t0 := time.Now()
				err := o.run(w, i)
				s.add(o.name, time.Since(t0), err)
			}
		}(w)
	}
	wg.Wait()
	elapsed := time.Since(start)

	total, failed := 0, 0
	var all []time.Duration
	fmt.Printf("\n%-40s %8s %8s %8s %8s %7s\n", "operation", "count", "p50 ms", "p99 ms", "max ms", "errors")
	names := make([]string, 0, len(s.latencies))
	for n := range s.latencies {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		l := s.latencies[n]
		all = append(all, l...)
		total += len(l)
		failed += s.errors[n]
		fmt.Printf("%-40s %8d %8.1f %8.1f %8.1f %7d\n", n, len(l), ms(pct(l, 50)), ms(pct(l, 99)), ms(pct(l, 100)), s.errors[n])
	}
	fmt.Printf("%-40s %8d %8.1f %8.1f %8.1f %7d\n", "all", total, ms(pct(all, 50)), ms(pct(all, 99)), ms(pct(all, 100)), failed)
	fmt.Printf("\nthroughput: %.1f requests/s over %s with %d workers\n", float64(total)/elapsed.Seconds(), elapsed.Round(time.Millisecond), *workers)
	if mem := serverMemory(); mem != "" {
		fmt.Println("server memory:", mem)
	}

	// No write lost: the counts moved by exactly what was acknowledged.
	lost := 0
	var after int
	for w := range cadres {
		after += visitCount(cadres[w]) - beforeVisits[w]
	}
	if int64(after) != visitsWritten.Load() {
		lost++
		fmt.Printf("visits: %d acknowledged, %d stored\n", visitsWritten.Load(), after)
	}
	if d := demandCount() - beforeDemands; int64(d) != demandsWritten.Load() {
		lost++
		fmt.Printf("demands: %d acknowledged, %d stored\n", demandsWritten.Load(), d)
	}
	fmt.Printf("writes: %d visits and %d demands acknowledged and found stored\n", visitsWritten.Load(), demandsWritten.Load())
	if failed > 0 || lost > 0 {
		fmt.Printf("FAILED: %d failed requests, %d kinds of write lost\n", failed, lost)
		os.Exit(1)
	}
	fmt.Println("OK: no request failed, no write lost")
	if *status != "" {
		printQuestions(ops)
	}
}

// printQuestions prints the statements per request of each operation, sent one at a time by
// worker 0: the database server's global Questions counter (BEGIN and COMMIT included) over 20
// requests, the least of three tries — other clients of the same server only ever add to it.
func printQuestions(ops []op) {
	db, err := sql.Open("mysql", *status)
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	read := func() int {
		var name string
		var n int
		if err := db.QueryRow("SHOW GLOBAL STATUS LIKE 'Questions'").Scan(&name, &n); err != nil {
			log.Fatal(err)
		}
		return n
	}
	fmt.Printf("\n%-40s %s\n", "operation", "statements per request (least of 3 x 20)")
	for _, o := range ops {
		best := -1.0
		for try := 0; try < 3; try++ {
			before := read()
			for i := 0; i < 20; i++ {
				if err := o.run(0, 1_000_000+try*20+i); err != nil {
					log.Fatal(err)
				}
			}
			if per := float64(read()-before-1) / 20; best < 0 || per < best {
				best = per
			}
		}
		fmt.Printf("%-40s %.2f\n", o.name, best)
	}
}

func pct(l []time.Duration, p int) time.Duration {
	if len(l) == 0 {
		return 0
	}
	c := append([]time.Duration(nil), l...)
	sort.Slice(c, func(i, j int) bool { return c[i] < c[j] })
	i := (len(c) - 1) * p / 100
	return c[i]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// serverMemory reads the server's resident memory and Go heap from /metrics.
func serverMemory() string {
	res, err := http.Get(*target + "/metrics")
	if err != nil {
		return ""
	}
	defer res.Body.Close()
	var parts []string
	sc := bufio.NewScanner(res.Body)
	for sc.Scan() {
		line := sc.Text()
		for _, m := range []string{"process_resident_memory_bytes ", "go_memstats_heap_inuse_bytes "} {
			if strings.HasPrefix(line, m) {
				var v float64
				fmt.Sscanf(strings.TrimPrefix(line, m), "%g", &v)
				parts = append(parts, fmt.Sprintf("%s %.0f MiB", strings.TrimSuffix(m, " "), v/1024/1024))
			}
		}
	}
	return strings.Join(parts, ", ")
}
