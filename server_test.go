package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestShutdownLetsRequestsInFlightFinish: on shutdown the server stops taking connections but
// answers the requests it is working on.
func TestShutdownLetsRequestsInFlightFinish(t *testing.T) {
	started := make(chan struct{})
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		time.Sleep(300 * time.Millisecond)
		_, _ = w.Write([]byte("finished"))
	})}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- serve(ctx, srv, ln, 5*time.Second) }()

	type result struct {
		body string
		err  error
	}
	inFlight := make(chan result, 1)
	go func() {
		res, err := http.Get("http://" + ln.Addr().String() + "/")
		if err != nil {
			inFlight <- result{err: err}
			return
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		inFlight <- result{string(b), err}
	}()
	<-started
	stop() // as SIGTERM would

	got := <-inFlight
	if got.err != nil || got.body != "finished" {
		t.Fatalf("the request in flight got %q, %v; want it to finish", got.body, got.err)
	}
	if err := <-served; err != nil {
		t.Fatalf("serve returned %v after a clean shutdown", err)
	}
	if _, err := http.Get("http://" + ln.Addr().String() + "/"); err == nil {
		t.Fatal("the server still accepts requests after shutting down")
	}
}

// TestLimitFlags: every limit has a flag and an environment variable, 0 turns a limit off, and
// nonsense is refused with one clear error.
func TestLimitFlags(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	base := []string{"--jwt-secret", strings.Repeat("s", 32), "--data-key", strings.Repeat("a", 64)}

	c, err := parseConfig(base, env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.API.MaxDepth != 15 || c.API.MaxCost != 250_000 || c.API.RateLimit != 10 || c.API.RequestTimeout != 15*time.Second ||
		c.API.MaxBodyBytes != 1<<20 || len(c.API.CORSOrigins) != 0 || c.ShutdownGrace != 20*time.Second {
		t.Fatalf("defaults: %+v", c.API)
	}

	c, err = parseConfig(append(base, "--max-depth", "8", "--max-cost", "0", "--rate-limit", "2.5", "--request-timeout", "3s",
		"--cors-origins", "https://app.example.org, http://localhost:5173"),
		env(map[string]string{"MAX_ALIASES": "7", "MAX_DEPTH": "99", "RATE_LIMIT": "0"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.API.MaxDepth != 8 || c.API.MaxCost != -1 || c.API.MaxAliases != 7 || c.API.RateLimit != 2.5 || c.API.RequestTimeout != 3*time.Second {
		t.Fatalf("flags and environment: %+v", c.API)
	}
	if strings.Join(c.API.CORSOrigins, " ") != "https://app.example.org http://localhost:5173" {
		t.Fatalf("CORS origins: %q", c.API.CORSOrigins)
	}
	if c, _ = parseConfig(base, env(map[string]string{"RATE_LIMIT": "0", "REQUEST_TIMEOUT": "0"})); c.API.RateLimit != -1 || c.API.RequestTimeout != -1 {
		t.Fatalf("0 must turn the rate limit and the time budget off: %+v", c.API)
	}
	c, err = parseConfig(append(base, "--max-list-length", "50", "--max-filters", "0", "--db-statement-timeout", "3s", "--max-heavy-queries", "6"),
		env(map[string]string{"MAX_IN_FLIGHT": "2", "MAX_FILTER_NESTING": "1", "MAX_SELECTIONS": "300", "MAX_BOOLEAN_NESTING": "0"}))
	if err != nil {
		t.Fatal(err)
	}
	if a := c.API; a.MaxListLength != 50 || a.MaxFilters != -1 || a.MaxInFlight != 2 || a.MaxFilterNesting != 1 ||
		a.MaxSelections != 300 || a.MaxBooleanNesting != -1 || c.Pool.StatementTimeout != 3*time.Second || a.MaxHeavy != 6 {
		t.Fatalf("input limits, in-flight and statement time: %+v %+v", a, c.Pool)
	}
	if c, _ = parseConfig(base, env(nil)); c.Pool.StatementTimeout != 10*time.Second || c.API.MaxInFlight != 4 || c.API.MaxListLength != 1000 {
		t.Fatalf("defaults of the new limits: %+v %+v", c.API, c.Pool)
	}
	if c, _ = parseConfig(base, env(nil)); c.HashMemory != 192<<20 || len(c.API.TrustedProxies) != 0 {
		t.Fatalf("sign-in defaults: %d bytes of hashing, proxies %v", c.HashMemory, c.API.TrustedProxies)
	}
	c, err = parseConfig(append(base, "--trusted-proxies", "10.0.0.0/8, 192.168.1.1"), env(map[string]string{"PASSWORD_HASH_MEMORY": "128", "TRUSTED_PROXIES": "172.16.0.0/12"}))
	if err != nil || c.HashMemory != 128<<20 || fmt.Sprint(c.API.TrustedProxies) != "[10.0.0.0/8 192.168.1.1/32]" {
		t.Fatalf("sign-in flags: %d bytes, proxies %v (%v)", c.HashMemory, c.API.TrustedProxies, err)
	}

	for _, bad := range []struct {
		args []string
		env  map[string]string
	}{
		{[]string{"--max-depth", "-1"}, nil},
		{[]string{"--max-page-size", "0"}, nil},
		{[]string{"--default-page-size", "600"}, nil},
		{[]string{"--cors-origins", "app.example.org"}, nil},
		{[]string{"--cors-origins", "https://app.example.org/path"}, nil},
		{nil, map[string]string{"MAX_COST": "lots"}},
		{[]string{"--password-hash-memory", "0"}, nil},
		{[]string{"--trusted-proxies", "10.0.0.0/33"}, nil},
		{nil, map[string]string{"TRUSTED_PROXIES": "proxy.example.org"}},
		{nil, map[string]string{"REQUEST_TIMEOUT": "15"}},
		{[]string{"--db-statement-timeout", "-1s"}, nil},
		{[]string{"--max-in-flight", "-2"}, nil},
	} {
		if _, err := parseConfig(append(base, bad.args...), env(bad.env)); err == nil || strings.Contains(err.Error(), "\n") {
			t.Errorf("%v %v: want one line of error, got %v", bad.args, bad.env, err)
		}
	}
}

// TestHelpListsEveryFlag: --help prints every flag, its environment variable and its default,
// and is not an error.
func TestHelpListsEveryFlag(t *testing.T) {
	_, err := parseConfig([]string{"--help"}, func(string) string { return "" })
	var help helpError
	if !errors.As(err, &help) {
		t.Fatalf("--help: %v, want the usage text", err)
	}
	text := string(help)
	for _, want := range []string{"--addr", "(ADDR)", "[default :8080]", "--db", "(DATABASE_URL)", "--time-zone", "[default Asia/Shanghai]",
		"--pprof-addr", "--otel-endpoint", "(OTEL_EXPORTER_OTLP_ENDPOINT)", "--trusted-proxies", "--password-hash-memory", "--max-in-flight", "--shutdown-grace", "[default 20s]"} {
		if !strings.Contains(text, want) {
			t.Errorf("--help does not mention %q:\n%s", want, text)
		}
	}
	if n := strings.Count(text, "\n  --"); n < 30 {
		t.Errorf("--help lists %d flags; every flag should be there", n)
	}
}

// TestSharedStateFlags: --shared-state takes auto, database or memory, and --redis only with auto.
func TestSharedStateFlags(t *testing.T) {
	base := []string{"--jwt-secret", strings.Repeat("s", 32), "--data-key", strings.Repeat("a", 64)}
	env := func(string) string { return "" }
	for _, ok := range [][]string{{}, {"--shared-state", "database"}, {"--shared-state", "memory"}, {"--redis", "redis://127.0.0.1:6379/0"}} {
		if _, err := parseConfig(append(base, ok...), env); err != nil {
			t.Errorf("%v: %v", ok, err)
		}
	}
	for _, bad := range [][]string{{"--shared-state", "redis"}, {"--shared-state", "memory", "--redis", "redis://127.0.0.1:6379/0"}} {
		if _, err := parseConfig(append(base, bad...), env); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
}

// TestMalformedEnvironmentIsAnError: a value that cannot be read is refused, never ignored.
func TestMalformedEnvironmentIsAnError(t *testing.T) {
	base := []string{"--jwt-secret", strings.Repeat("s", 32), "--data-key", strings.Repeat("a", 64)}
	for name, value := range map[string]string{"DEMO": "maybe", "DB_MAX_OPEN": "lots", "DB_MAX_IDLE": "-3",
		"TIME_ZONE": "Mars/Olympus", "PPROF_ADDR": "0.0.0.0:6060", "OTEL_EXPORTER_OTLP_ENDPOINT": "collector:4318"} {
		_, err := parseConfig(base, func(k string) string {
			if k == name {
				return value
			}
			return ""
		})
		if err == nil {
			t.Errorf("%s=%q was accepted", name, value)
		}
	}
	c, err := parseConfig(append(base, "--pprof-addr", "127.0.0.1:6060", "--time-zone", "UTC"), func(string) string { return "" })
	if err != nil || c.PprofAddr != "127.0.0.1:6060" || c.Zone.String() != "UTC" {
		t.Fatalf("pprof on loopback and a UTC zone: %+v %v", c, err)
	}
	c, err = parseConfig(base, func(k string) string {
		if k == "OTEL_EXPORTER_OTLP_ENDPOINT" {
			return "http://collector:4318"
		}
		return ""
	})
	if err != nil || c.OTelEndpoint != "http://collector:4318" {
		t.Fatalf("OTEL_EXPORTER_OTLP_ENDPOINT: %q %v", c.OTelEndpoint, err)
	}
	if c, _ = parseConfig(base, func(string) string { return "" }); c.OTelEndpoint != "" {
		t.Fatalf("tracing is on by default: %q", c.OTelEndpoint)
	}
	if _, err := parseConfig(append(base, "--otel-endpoint", "ftp://collector"), func(string) string { return "" }); err == nil || !strings.Contains(err.Error(), "--otel-endpoint") {
		t.Fatalf("--otel-endpoint ftp://collector: %v", err)
	}
}
