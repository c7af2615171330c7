// Command bench measures the API against a hand-written floor: it loads the demo district into
// a database, starts this server and a plain database/sql handler for the same two reads side
// by side on loopback, checks that both give the same answers, and drives each with the same
// fixed-duration load (8 connections by default).
//
//	go run ./cmd/bench -db sqlite:/tmp/bench.db -duration 10s
//	go run ./cmd/bench -db mysql://root@127.0.0.1:3306/bench -duration 10s
//
// flat   = the township's first 20 households and their totalCount (as its TOWNSHIP user);
// nested = the township's first 20 villages by code, each with its first 10 needy households
// and both counts. The floor runs the same SQL a careful person would write, without
// authorization. It prints requests/s, p50 and p99 and the API's ratio to the floor; only
// the ratio within one run means much on a shared machine.
package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"os"
	"reflect"
	"runtime"
	"runtime/pprof"
	"sort"
	"sync"
	"time"

	"github.com/nanpiao/sbqw/authn"
	"github.com/nanpiao/sbqw/demo"
	_ "github.com/nanpiao/sbqw/ent/runtime" // hooks, interceptors and privacy policies
	"github.com/nanpiao/sbqw/httpapi"
	"github.com/nanpiao/sbqw/pii"
	"github.com/nanpiao/sbqw/storage"
)

var (
	dbURL    = flag.String("db", "sqlite:/tmp/sbqw-bench.db", "database URL (sqlite:<path> or mysql://…); the demo district is loaded when absent")
	duration = flag.Duration("duration", 10*time.Second, "load per target")
	conns    = flag.Int("conns", 8, "concurrent connections")
	username = flag.String("user", "township01", "the demo TOWNSHIP account the API is read as")
	only     = flag.String("only", "", "run only this read (flat or nested)")
	cpuProf  = flag.String("cpuprofile", "", "write a CPU profile of the API's load (server and client, one process) to this file")
	memProf  = flag.String("memprofile", "", "write allocation profiles taken before and after the API's load to FILE.<read>.before and FILE.<read> (compare with go tool pprof -sample_index=alloc_space -base)")
	scale    = flag.Int("scale", 1, "copies of the demo district to load when the database is empty (--demo-scale)")
)

const password = "bench-pass-2017"

const flatQuery = `{ households(first: 20) { totalCount edges { node { number headName } } } }`

const nestedQuery = `query($t: ID!) { villages(first: 20, where: {townshipID: $t}, orderBy: [{field: CODE}]) { totalCount edges { node { code name
	households(first: 10, where: {needy: true}) { totalCount edges { node { number headName } } } } } } }`

func main() {
	flag.Parse()
	log.SetFlags(0)
	slog.SetDefault(slog.New(slog.DiscardHandler))
	ctx := context.Background()
	key := make([]byte, pii.KeySize)
	sealer, err := pii.NewSealer(key)
	check(err)
	db, err := storage.Open(ctx, *dbURL, sealer, storage.DefaultPool)
	check(err)
	defer db.Close()
	_, err = db.Apply(ctx)
	check(err)
	hash, err := authn.HashPassword(password)
	check(err)
	res, err := demo.Ensure(ctx, db.Client, demo.Options{PasswordHash: hash, Scale: *scale})
	check(err)
	if res.Loaded {
		log.Printf("demo district loaded in %.1fs", res.Duration.Seconds())
	}
	// The demo's accounts must change their password at first sign-in; the bench's account
	// gets the bench password and is ready to use.
	_, err = db.SQL.ExecContext(ctx, "UPDATE users SET password_hash = ?, must_change_password = ? WHERE username = ?", hash, false, *username)
	check(err)

	app, err := httpapi.NewAPI(ctx, db.Client, httpapi.Config{JWTSecret: []byte("bench-secret-bench-secret-bench-secret"), Ready: db.Ping,
		Options: httpapi.Options{Pool: db.SQL, RateLimit: -1, MaxInFlight: -1, Logger: slog.New(slog.DiscardHandler)}})
	check(err)
	apiURL := serve(app.Handler) + "/graphql"
	fl := &floor{db: db.SQL, mysql: db.Dialect == "mysql"}
	check(fl.prepare(ctx))
	floorURL := serve(fl.routes())

	var township int
	check(db.SQL.QueryRowContext(ctx, `SELECT rb.township_id FROM role_bindings rb JOIN users u ON u.id = rb.user_id
		WHERE u.username = ? AND rb.township_id IS NOT NULL`, *username).Scan(&township))
	token := login(apiURL)
	gid := globalID(apiURL, token, township)

	targets := []struct {
		name      string
		api, flor request
	}{
		{"flat", request{url: apiURL, token: token, body: gqlBody(flatQuery, nil)}, request{url: floorURL + "/flat?township=" + fmt.Sprint(township)}},
		{"nested", request{url: apiURL, token: token, body: gqlBody(nestedQuery, map[string]any{"t": gid})}, request{url: floorURL + "/nested?township=" + fmt.Sprint(township)}},
	}
	fmt.Printf("engine %s, %d connections, %s per target, GOMAXPROCS %d\n", db.Dialect, *conns, *duration, runtime.GOMAXPROCS(0))
	fmt.Printf("%-8s %-6s %10s %9s %9s %8s\n", "read", "side", "req/s", "p50 ms", "p99 ms", "ratio")
	for _, t := range targets {
		if *only != "" && t.name != *only {
			continue
		}
		a, f := t.api.fetch(), t.flor.fetch()
		if err := sameAnswer(t.name, a, f); err != nil {
			log.Fatal(err)
		}
		if db.Dialect == "mysql" {
			fmt.Printf("%-8s statements per request (server's Questions, min of 3 x 50 sequential): api %.2f, floor %.2f\n",
				t.name, questions(ctx, db.SQL, t.api), questions(ctx, db.SQL, t.flor))
		}
		fr := load(t.flor)
		ar := profiled(t.name, func() result { return load(t.api) })
		fmt.Printf("%-8s %-6s %10.0f %9.2f %9.2f %8s\n", t.name, "floor", fr.rps, fr.p50, fr.p99, "")
		fmt.Printf("%-8s %-6s %10.0f %9.2f %9.2f %7.2fx\n", t.name, "api", ar.rps, ar.p50, ar.p99, ar.rps/fr.rps)
	}
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	fmt.Printf("heap in use %d MiB, from the OS %d MiB (server and floor in this process)\n", m.HeapInuse>>20, m.Sys>>20)
}

// profiled runs the API's load under the CPU profiler when -cpuprofile is given (file name
// suffixed with the read's name).
func profiled(name string, run func() result) result {
	if *memProf != "" {
		writeAllocs(*memProf + "." + name + ".before")
		defer writeAllocs(*memProf + "." + name)
	}
	if *cpuProf == "" {
		return run()
	}
	f, err := os.Create(*cpuProf + "." + name)
	check(err)
	defer f.Close()
	check(pprof.StartCPUProfile(f))
	defer pprof.StopCPUProfile()
	return run()
}

// writeAllocs writes the allocation profile so far to path.
func writeAllocs(path string) {
	f, err := os.Create(path)
	check(err)
	defer f.Close()
	check(pprof.Lookup("allocs").WriteTo(f, 0))
}

// questions is the number of statements the server received per request, sent one at a time:
// MariaDB's global Questions counter over 50 requests, the least of three tries (other clients
// of the same server only ever add to it). The two readings themselves are subtracted.
func questions(ctx context.Context, db *sql.DB, r request) float64 {
	read := func() int {
		var name string
		var n int
		check(db.QueryRowContext(ctx, "SHOW GLOBAL STATUS LIKE 'Questions'").Scan(&name, &n))
		return n
	}
	best := -1.0
	for try := 0; try < 3; try++ {
		before := read()
		for i := 0; i < 50; i++ {
			_, err := r.do()
			check(err)
		}
		per := float64(read()-before-1) / 50
		if best < 0 || per < best {
			best = per
		}
	}
	return best
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}

func serve(h http.Handler) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	check(err)
	go func() { _ = http.Serve(ln, h) }()
	return "http://" + ln.Addr().String()
}

func gqlBody(q string, vars map[string]any) []byte {
	b, _ := json.Marshal(map[string]any{"query": q, "variables": vars})
	return b
}

var client = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64, MaxConnsPerHost: 64}}

type request struct {
	url, token string
	body       []byte
}

func (r request) do() ([]byte, error) {
	method, body := http.MethodGet, io.Reader(nil)
	if r.body != nil {
		method, body = http.MethodPost, bytes.NewReader(r.body)
	}
	req, _ := http.NewRequest(method, r.url, body)
	req.Header.Set("Content-Type", "application/json")
	if r.token != "" {
		req.Header.Set("Authorization", "Bearer "+r.token)
	}
	res, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	out, err := io.ReadAll(res.Body)
	if err == nil && (res.StatusCode != 200 || bytes.Contains(out, []byte(`"errors"`))) {
		err = fmt.Errorf("HTTP %d: %.300s", res.StatusCode, out)
	}
	return out, err
}

func (r request) fetch() map[string]any {
	raw, err := r.do()
	check(err)
	var out map[string]any
	check(json.Unmarshal(raw, &out))
	if d, ok := out["data"].(map[string]any); ok {
		return d
	}
	return out
}

func login(apiURL string) string {
	var out struct {
		Data struct{ Login struct{ Token string } }
	}
	raw, err := request{url: apiURL, body: gqlBody(`mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }`,
		map[string]any{"u": *username, "p": password})}.do()
	check(err)
	check(json.Unmarshal(raw, &out))
	return out.Data.Login.Token
}

// globalID finds the API's ID of the township (its villages' township edge).
func globalID(apiURL, token string, township int) string {
	raw, err := request{url: apiURL, token: token, body: gqlBody(`{ townships(first: 100) { edges { node { id code } } } }`, nil)}.do()
	check(err)
	var out struct {
		Data struct {
			Townships struct {
				Edges []struct{ Node struct{ ID, Code string } }
			}
		}
	}
	check(json.Unmarshal(raw, &out))
	var code string
	check(globalDB.QueryRow("SELECT code FROM townships WHERE id = ?", township).Scan(&code))
	for _, e := range out.Data.Townships.Edges {
		if e.Node.Code == code {
			return e.Node.ID
		}
	}
	log.Fatalf("township %s not found through the API", code)
	return ""
}

var globalDB *sql.DB

// sameAnswer compares the API's answer with the floor's, which has the API's shape.
func sameAnswer(name string, api, floor map[string]any) error {
	if !reflect.DeepEqual(api, floor) {
		a, _ := json.Marshal(api)
		f, _ := json.Marshal(floor)
		return fmt.Errorf("%s: the API and the floor disagree:\napi   %.600s\nfloor %.600s", name, a, f)
	}
	return nil
}

type result struct{ rps, p50, p99 float64 }

// load sends the request from conns goroutines for the duration and measures.
func load(r request) result {
	var (
		mu   sync.Mutex
		lats []time.Duration
		fail error
		wg   sync.WaitGroup
	)
	end := time.Now().Add(*duration)
	for i := 0; i < *conns; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			for time.Now().Before(end) {
				t0 := time.Now()
				if _, err := r.do(); err != nil {
					mu.Lock()
					fail = err
					mu.Unlock()
					return
				}
				mine = append(mine, time.Since(t0))
			}
			mu.Lock()
			lats = append(lats, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	if fail != nil {
		log.Fatalf("%s: %v", r.url, fail)
	}
	sort.Slice(lats, func(i, j int) bool { return lats[i] < lats[j] })
	pct := func(p float64) float64 {
		if len(lats) == 0 {
			return 0
		}
		return float64(lats[int(float64(len(lats)-1)*p)].Microseconds()) / 1000
	}
	return result{rps: float64(len(lats)) / duration.Seconds(), p50: pct(0.50), p99: pct(0.99)}
}

// floor is the hand-written handler: prepared statements, no authorization, the API's JSON shape.
type floor struct {
	db                                  *sql.DB
	mysql                               bool
	flat, flatCount, villages, villageN *sql.Stmt
	needy, needyCount                   *sql.Stmt
}

func (f *floor) prepare(ctx context.Context) error {
	globalDB = f.db
	var err error
	prep := func(q string) *sql.Stmt {
		if err != nil {
			return nil
		}
		var s *sql.Stmt
		s, err = f.db.PrepareContext(ctx, q)
		return s
	}
	f.flat = prep(`SELECT number, head_name FROM households WHERE township_id = ? AND deleted_at IS NULL ORDER BY id LIMIT 20`)
	f.flatCount = prep(`SELECT COUNT(*) FROM households WHERE township_id = ? AND deleted_at IS NULL`)
	f.villages = prep(`SELECT id, code, name FROM villages WHERE township_id = ? AND deleted_at IS NULL ORDER BY code, id LIMIT 20`)
	f.villageN = prep(`SELECT COUNT(*) FROM villages WHERE township_id = ? AND deleted_at IS NULL`)
	// One statement for every village's first 10 needy households, one for their counts.
	f.needy = prep(`SELECT village_id, number, head_name FROM (SELECT village_id, number, head_name, id,
		ROW_NUMBER() OVER (PARTITION BY village_id ORDER BY id) AS rn FROM households
		WHERE township_id = ? AND needy = ? AND deleted_at IS NULL) h WHERE rn <= 10 ORDER BY village_id, id`)
	f.needyCount = prep(`SELECT village_id, COUNT(*) FROM households WHERE township_id = ? AND needy = ? AND deleted_at IS NULL GROUP BY village_id`)
	return err
}

func (f *floor) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/flat", func(w http.ResponseWriter, r *http.Request) {
		t := r.URL.Query().Get("township")
		var n int
		if err := f.flatCount.QueryRowContext(r.Context(), t).Scan(&n); err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		edges, err := households(f.flat.QueryContext(r.Context(), t))
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		writeJSON(w, map[string]any{"households": map[string]any{"totalCount": n, "edges": edges}})
	})
	mux.HandleFunc("/nested", func(w http.ResponseWriter, r *http.Request) {
		t := r.URL.Query().Get("township")
		var n int
		if err := f.villageN.QueryRowContext(r.Context(), t).Scan(&n); err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		out, err := f.nested(r.Context(), t)
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		writeJSON(w, map[string]any{"villages": map[string]any{"totalCount": n, "edges": out}})
	})
	return mux
}

func (f *floor) nested(ctx context.Context, t string) ([]any, error) {
	rows, err := f.villages.QueryContext(ctx, t)
	if err != nil {
		return nil, err
	}
	type village struct {
		id         int
		code, name string
	}
	var vs []village
	for rows.Next() {
		var v village
		if err := rows.Scan(&v.id, &v.code, &v.name); err != nil {
			return nil, err
		}
		vs = append(vs, v)
	}
	if err := rows.Close(); err != nil {
		return nil, err
	}
	counts := map[int]int{}
	crow, err := f.needyCount.QueryContext(ctx, t, true)
	if err != nil {
		return nil, err
	}
	for crow.Next() {
		var id, n int
		if err := crow.Scan(&id, &n); err != nil {
			return nil, err
		}
		counts[id] = n
	}
	if err := crow.Close(); err != nil {
		return nil, err
	}
	hh := map[int][]any{}
	hrow, err := f.needy.QueryContext(ctx, t, true)
	if err != nil {
		return nil, err
	}
	for hrow.Next() {
		var id int
		var number, head string
		if err := hrow.Scan(&id, &number, &head); err != nil {
			return nil, err
		}
		hh[id] = append(hh[id], map[string]any{"node": map[string]any{"number": number, "headName": head}})
	}
	if err := hrow.Close(); err != nil {
		return nil, err
	}
	out := []any{}
	for _, v := range vs {
		edges := hh[v.id]
		if edges == nil {
			edges = []any{}
		}
		out = append(out, map[string]any{"node": map[string]any{"code": v.code, "name": v.name,
			"households": map[string]any{"totalCount": float64(counts[v.id]), "edges": edges}}})
	}
	return out, nil
}

func households(rows *sql.Rows, err error) ([]any, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []any{}
	for rows.Next() {
		var number, head string
		if err := rows.Scan(&number, &head); err != nil {
			return nil, err
		}
		out = append(out, map[string]any{"node": map[string]any{"number": number, "headName": head}})
	}
	return out, rows.Err()
}

// writeJSON answers with the body round-tripped through JSON, as the API's numbers are.
func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	if err := json.NewEncoder(w).Encode(map[string]any{"data": v}); err != nil {
		fmt.Fprintln(os.Stderr, err)
	}
}
