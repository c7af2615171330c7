package main

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/nanpiao/sbqw/attachments"
	"github.com/nanpiao/sbqw/authn"
	"github.com/nanpiao/sbqw/demo"
	"github.com/nanpiao/sbqw/feed"
	"github.com/nanpiao/sbqw/httpapi"
	"github.com/nanpiao/sbqw/internal/clock"
	"github.com/nanpiao/sbqw/internal/tracing"
	"github.com/nanpiao/sbqw/pii"
	"github.com/nanpiao/sbqw/storage"
)

// config is the server's configuration: flags, each with an environment variable of the same
// meaning (the flag wins).
type config struct {
	Addr        string
	DatabaseURL string
	Demo        bool
	// AutoMigrate applies pending migration files at start instead of refusing to start.
	AutoMigrate  bool
	DemoPassword string
	// DemoScale loads the demo district this many times (province scale, demo/scale.go).
	DemoScale int
	JWTSecret []byte
	DataKey   string
	// OldDataKeys are earlier data keys, still read until admin rotate-data-key has moved
	// every value to DataKey (docs/keys.md).
	OldDataKeys string
	Pool        storage.Pool
	// API holds the request limits, CORS origins and the rest of the HTTP layer's options.
	API httpapi.Options
	// ShutdownGrace is how long requests in flight may take to finish on shutdown.
	ShutdownGrace time.Duration
	// Zone is the zone whose calendar days the date rules count in (clock.SetZone).
	Zone *time.Location
	// PprofAddr is the loopback address of the profiler's own listener; empty: off.
	PprofAddr string
	// AuditRetentionDays is how long audit events are kept; 0 keeps them for ever.
	AuditRetentionDays int
	// FeedRetentionDays is how long change-feed entries are kept; 0 keeps them for ever.
	FeedRetentionDays int
	// HashMemory bounds the memory of password hashing running at once, in bytes.
	HashMemory int64
	// RedisURL, when set, keeps the state replicas share (rate limits, sign-in throttles, APQ)
	// in Redis; SharedState chooses where it lives otherwise (openShared).
	RedisURL    string
	SharedState string
	// OTelEndpoint, when set, is the OTLP/HTTP endpoint traces are exported to; empty: no tracing.
	OTelEndpoint string

	// Attachments: where their content is stored (a directory or a gocloud.dev/blob URL such as
	// s3://bucket?region=…&endpoint=…), where uploads are spooled, and their limits.
	AttachmentsURL    string
	AttachmentsTmp    string
	AttachmentLimits  attachments.Limits
	AttachmentOrphans time.Duration // blobs no row refers to are removed at start once this old

	sealer                *pii.Sealer
	demoPasswordGenerated bool
}

const defaultDatabaseURL = "sqlite:data/app.db"

func parseConfig(args []string, getenv func(string) string) (config, error) {
	fs := flag.NewFlagSet("sbqw", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	env := func(name, def string) string {
		if v := getenv(name); v != "" {
			return v
		}
		return def
	}
	var c config
	var jwtSecret, timeZone string
	var envErr error // the first malformed environment value
	fs.StringVar(&c.Addr, "addr", env("ADDR", ":8080"), "listen address (ADDR)")
	fs.StringVar(&c.DatabaseURL, "db", env("DATABASE_URL", defaultDatabaseURL), "database URL: sqlite:<path> or mysql://user:pass@host:port/db (DATABASE_URL)")
	fs.BoolVar(&c.Demo, "demo", envBool(getenv, "DEMO", &envErr), "load the demo district into an empty database (DEMO=1)")
	fs.BoolVar(&c.AutoMigrate, "auto-migrate", envBool(getenv, "AUTO_MIGRATE", &envErr), "apply pending schema migrations at start instead of refusing to start; on with --demo (AUTO_MIGRATE=1)")
	fs.IntVar(&c.DemoScale, "demo-scale", envCount(getenv, "DEMO_SCALE", 1, &envErr), "with --demo, load the demo district this many times, each copy under codes of its own (DEMO_SCALE)")
	fs.StringVar(&c.DemoPassword, "demo-password", env("DEMO_PASSWORD", ""), "password of every demo account (DEMO_PASSWORD)")
	fs.StringVar(&jwtSecret, "jwt-secret", env("JWT_SECRET", ""), "secret signing bearer tokens, at least 32 bytes (JWT_SECRET)")
	fs.StringVar(&c.DataKey, "data-key", env("DATA_KEY", ""), "32-byte key, base64 or hex, encrypting personal data (DATA_KEY)")
	fs.StringVar(&c.OldDataKeys, "old-data-keys", env("OLD_DATA_KEYS", ""), "earlier data keys, comma-separated, still opening values sealed with them until rotated; or @FILE, one key a line (OLD_DATA_KEYS)")
	fs.IntVar(&c.Pool.MaxOpen, "db-max-open", envCount(getenv, "DB_MAX_OPEN", storage.DefaultPool.MaxOpen, &envErr), "maximum open database connections (DB_MAX_OPEN)")
	fs.IntVar(&c.Pool.MaxIdle, "db-max-idle", envCount(getenv, "DB_MAX_IDLE", storage.DefaultPool.MaxIdle, &envErr), "maximum idle database connections (DB_MAX_IDLE)")
	c.Pool.MaxLifetime = storage.DefaultPool.MaxLifetime

	// Request limits: defaults from httpapi.DefaultOptions; 0 turns a limit off.
	def := httpapi.DefaultOptions
	var corsOrigins string
	fs.IntVar(&c.API.DefaultPageSize, "default-page-size", envCount(getenv, "DEFAULT_PAGE_SIZE", def.DefaultPageSize, &envErr), "rows of a connection asked for without first/last (DEFAULT_PAGE_SIZE)")
	fs.IntVar(&c.API.MaxPageSize, "max-page-size", envCount(getenv, "MAX_PAGE_SIZE", def.MaxPageSize, &envErr), "largest first/last accepted (MAX_PAGE_SIZE)")
	fs.IntVar(&c.API.MaxDepth, "max-depth", envCount(getenv, "MAX_DEPTH", def.MaxDepth, &envErr), "deepest nesting of fields in an operation; 0: no limit (MAX_DEPTH)")
	fs.IntVar(&c.API.MaxCost, "max-cost", envCount(getenv, "MAX_COST", def.MaxCost, &envErr), "most values a response may hold, pages counted; 0: no limit (MAX_COST)")
	fs.IntVar(&c.API.MaxAliases, "max-aliases", envCount(getenv, "MAX_ALIASES", def.MaxAliases, &envErr), "aliased fields in an operation; 0: no limit (MAX_ALIASES)")
	fs.IntVar(&c.API.MaxOperations, "max-operations", envCount(getenv, "MAX_OPERATIONS", def.MaxOperations, &envErr), "operations defined in one document; 0: no limit (MAX_OPERATIONS)")
	fs.IntVar(&c.API.MaxTokens, "max-tokens", envCount(getenv, "MAX_TOKENS", def.MaxTokens, &envErr), "lexical tokens in one document; 0: no limit (MAX_TOKENS)")
	var maxBody int
	fs.IntVar(&maxBody, "max-body-bytes", envCount(getenv, "MAX_BODY_BYTES", int(def.MaxBodyBytes), &envErr), "largest request body in bytes (MAX_BODY_BYTES)")
	fs.DurationVar(&c.API.RequestTimeout, "request-timeout", envDuration(getenv, "REQUEST_TIMEOUT", def.RequestTimeout, &envErr), "time budget of a request, after which its database work is cancelled; 0: none (REQUEST_TIMEOUT)")
	fs.Float64Var(&c.API.RateLimit, "rate-limit", envRate(getenv, "RATE_LIMIT", def.RateLimit, &envErr), "requests a second per credential, on average; 0: no limit (RATE_LIMIT)")
	fs.IntVar(&c.API.RateBurst, "rate-burst", envCount(getenv, "RATE_BURST", def.RateBurst, &envErr), "requests a credential may send at once (RATE_BURST)")
	fs.IntVar(&c.API.MaxInFlight, "max-in-flight", envCount(getenv, "MAX_IN_FLIGHT", def.MaxInFlight, &envErr), "requests of one credential running at the same time; 0: no limit (MAX_IN_FLIGHT)")
	fs.IntVar(&c.API.MaxHeavy, "max-heavy-queries", envCount(getenv, "MAX_HEAVY_QUERIES", max(1, runtime.GOMAXPROCS(0)-1), &envErr), "heavy queries (relation filters, cost ≥ 50000) running at once in the service; 0: no limit (MAX_HEAVY_QUERIES)")
	fs.IntVar(&c.API.MaxSelections, "max-selections", envCount(getenv, "MAX_SELECTIONS", def.MaxSelections, &envErr), "field selections in a document, fragments counted where spread; 0: no limit (MAX_SELECTIONS)")
	fs.IntVar(&c.API.MaxListLength, "max-list-length", envCount(getenv, "MAX_LIST_LENGTH", def.MaxListLength, &envErr), "elements of a list argument (idIn, nodes(ids:)); 0: no limit (MAX_LIST_LENGTH)")
	fs.IntVar(&c.API.MaxFilterNesting, "max-filter-nesting", envCount(getenv, "MAX_FILTER_NESTING", def.MaxFilterNesting, &envErr), "relation filters (has…With) nested in one another; 0: no limit (MAX_FILTER_NESTING)")
	fs.IntVar(&c.API.MaxFilters, "max-filters", envCount(getenv, "MAX_FILTERS", def.MaxFilters, &envErr), "relation filters (has…With) in one field's arguments; 0: no limit (MAX_FILTERS)")
	fs.IntVar(&c.API.MaxBooleanNesting, "max-boolean-nesting", envCount(getenv, "MAX_BOOLEAN_NESTING", def.MaxBooleanNesting, &envErr), "not/and/or nested in one another; 0: no limit (MAX_BOOLEAN_NESTING)")
	fs.DurationVar(&c.Pool.StatementTimeout, "db-statement-timeout", envDuration(getenv, "DB_STATEMENT_TIMEOUT", storage.DefaultPool.StatementTimeout, &envErr), "MariaDB's limit on one statement (max_statement_time); 0: none (DB_STATEMENT_TIMEOUT)")

	fs.StringVar(&corsOrigins, "cors-origins", env("CORS_ORIGINS", ""), "comma-separated origins allowed to call the API from a browser, e.g. https://app.example.org; none by default (CORS_ORIGINS)")
	hashMiB := fs.Int("password-hash-memory", envCount(getenv, "PASSWORD_HASH_MEMORY", authn.DefaultHashMemory>>20, &envErr), "MiB of memory that password checks may use at once (64 MiB each); sign-ins beyond it are refused with RATE_LIMITED (PASSWORD_HASH_MEMORY)")
	var trustedProxies string
	fs.StringVar(&trustedProxies, "trusted-proxies", env("TRUSTED_PROXIES", ""), "comma-separated CIDRs of reverse proxies whose X-Forwarded-For / X-Real-IP are believed; none by default (TRUSTED_PROXIES)")
	fs.StringVar(&timeZone, "time-zone", env("TIME_ZONE", clock.DefaultZone), "IANA zone whose calendar days the date rules count in (TIME_ZONE)")
	fs.IntVar(&c.AuditRetentionDays, "audit-retention-days", envCount(getenv, "AUDIT_RETENTION_DAYS", 0, &envErr), "days audit events are kept before they are pruned (the chain stays verifiable); 0: for ever (AUDIT_RETENTION_DAYS)")
	fs.IntVar(&c.FeedRetentionDays, "feed-retention-days", envCount(getenv, "FEED_RETENTION_DAYS", int(feed.DefaultRetention/(24*time.Hour)), &envErr), "days change-feed entries are kept; a client whose cursor is older must sync from scratch (CURSOR_EXPIRED); 0: for ever (FEED_RETENTION_DAYS)")
	fs.StringVar(&c.PprofAddr, "pprof-addr", env("PPROF_ADDR", ""), "loopback address for Go's profiler (net/http/pprof), e.g. 127.0.0.1:6060; off by default (PPROF_ADDR)")
	fs.StringVar(&c.RedisURL, "redis", env("REDIS_URL", ""), "redis://host:port/db keeping rate limits, sign-in throttles and the APQ cache shared by every replica; off by default (REDIS_URL)")
	fs.StringVar(&c.SharedState, "shared-state", env("SHARED_STATE", "auto"), "where replicas share rate limits, sign-in throttles and the APQ cache: auto (Redis with --redis, else the database on MySQL, else memory), database, memory (one process only) (SHARED_STATE)")
	fs.StringVar(&c.OTelEndpoint, "otel-endpoint", env("OTEL_EXPORTER_OTLP_ENDPOINT", ""), "OTLP/HTTP endpoint, e.g. http://collector:4318, receiving OpenTelemetry traces of requests, GraphQL operations and SQL statements; off by default (OTEL_EXPORTER_OTLP_ENDPOINT)")
	fs.StringVar(&c.AttachmentsURL, "attachments-url", env("ATTACHMENTS_URL", ""), "where attachment content is stored: a directory, file:///dir or s3://bucket?region=…&endpoint=… (gocloud.dev/blob); default: attachments/ beside the SQLite file, data/attachments with MySQL (ATTACHMENTS_URL)")
	fs.StringVar(&c.AttachmentsTmp, "attachments-tmp", env("ATTACHMENTS_TMP", ""), "local directory uploads are spooled into, emptied at start; default: attachments-tmp/ beside the SQLite file, data/attachments-tmp with MySQL (ATTACHMENTS_TMP)")
	var maxUpload int
	fs.IntVar(&maxUpload, "max-upload-bytes", envCount(getenv, "MAX_UPLOAD_BYTES", int(attachments.DefaultLimits.MaxBytes), &envErr), "largest attachment in bytes (MAX_UPLOAD_BYTES)")
	fs.IntVar(&c.AttachmentLimits.MaxPerOwner, "max-attachments", envCount(getenv, "MAX_ATTACHMENTS", attachments.DefaultLimits.MaxPerOwner, &envErr), "attachments one record may have (MAX_ATTACHMENTS)")
	fs.DurationVar(&c.API.LinkTTL, "attachment-link-ttl", envDuration(getenv, "ATTACHMENT_LINK_TTL", 5*time.Minute, &envErr), "how long an attachment download link is valid (ATTACHMENT_LINK_TTL)")
	fs.DurationVar(&c.AttachmentOrphans, "attachment-orphan-age", envDuration(getenv, "ATTACHMENT_ORPHAN_AGE", time.Hour, &envErr), "stored attachment content that no record refers to is removed at start once this old (ATTACHMENT_ORPHAN_AGE)")
	fs.DurationVar(&c.ShutdownGrace, "shutdown-grace", envDuration(getenv, "SHUTDOWN_GRACE", 20*time.Second, &envErr), "how long requests in flight may take to finish on shutdown (SHUTDOWN_GRACE)")
	if envErr != nil {
		return c, envErr
	}
	if err := fs.Parse(args); errors.Is(err, flag.ErrHelp) {
		return c, helpError(usage(fs))
	} else if err != nil {
		return c, fmt.Errorf("%v (run with --help for every flag)", err)
	}
	var err error
	if c.Zone, err = time.LoadLocation(timeZone); err != nil {
		return c, fmt.Errorf("--time-zone: %q is not an IANA time zone such as Asia/Shanghai", timeZone)
	}
	if err := checkLoopback(c.PprofAddr); err != nil {
		return c, fmt.Errorf("--pprof-addr: %v", err)
	}
	if c.OTelEndpoint != "" {
		if _, err := tracing.TracesURL(c.OTelEndpoint); err != nil {
			return c, fmt.Errorf("--otel-endpoint: %v", err)
		}
	}
	if c.DemoScale < 1 || c.DemoScale > demo.MaxScale {
		return c, fmt.Errorf("--demo-scale: %d is not between 1 and %d", c.DemoScale, demo.MaxScale)
	}
	c.AutoMigrate = c.AutoMigrate || c.Demo
	switch c.SharedState {
	case "auto", "database", "memory":
	default:
		return c, fmt.Errorf("--shared-state: %q is not one of auto, database, memory", c.SharedState)
	}
	if c.RedisURL != "" && c.SharedState != "auto" {
		return c, errors.New("--redis keeps the shared state in Redis: leave --shared-state at auto")
	}
	if maxUpload <= 0 || c.AttachmentLimits.MaxPerOwner <= 0 || c.API.LinkTTL <= 0 {
		return c, errors.New("--max-upload-bytes, --max-attachments and --attachment-link-ttl must be positive")
	}
	c.AttachmentLimits.MaxBytes = int64(maxUpload)
	if err := c.resolveAttachmentDirs(); err != nil {
		return c, err
	}
	if err := c.resolveLimits(maxBody, corsOrigins); err != nil {
		return c, err
	}
	if *hashMiB <= 0 {
		return c, errors.New("--password-hash-memory must be a positive number of MiB")
	}
	c.HashMemory = int64(*hashMiB) << 20
	if c.API.TrustedProxies, err = httpapi.ParseTrustedProxies(trustedProxies); err != nil {
		return c, fmt.Errorf("--trusted-proxies: %v", err)
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if _, _, _, err := storage.ParseURL(c.DatabaseURL); err != nil {
		return c, err
	}
	if err := c.resolveSecrets(jwtSecret); err != nil {
		return c, err
	}
	return c, nil
}

// resolveAttachmentDirs puts attachments beside the SQLite file unless told otherwise.
func (c *config) resolveAttachmentDirs() error {
	_, _, path, err := storage.ParseURL(c.DatabaseURL)
	if err != nil {
		return err
	}
	base := "data"
	if path != "" {
		base = filepath.Dir(path)
	}
	if c.AttachmentsURL == "" {
		c.AttachmentsURL = filepath.Join(base, "attachments")
	}
	if c.AttachmentsTmp == "" {
		c.AttachmentsTmp = filepath.Join(base, "attachments-tmp")
	}
	return nil
}

// resolveSecrets applies the rule of the contract: in demo mode missing secrets are generated
// (the data key once, kept beside the SQLite file); otherwise they are required.
func (c *config) resolveSecrets(jwtSecret string) error {
	switch {
	case jwtSecret != "":
		if len(jwtSecret) < 32 {
			return errors.New("JWT secret must be at least 32 characters")
		}
		c.JWTSecret = []byte(jwtSecret)
	case c.Demo:
		c.JWTSecret = make([]byte, 32)
		_, _ = rand.Read(c.JWTSecret)
	default:
		return errors.New("missing JWT secret: set JWT_SECRET or --jwt-secret (at least 32 characters), or run with --demo")
	}

	if c.DataKey == "" && c.Demo {
		key, err := demoDataKey(c.DatabaseURL)
		if err != nil {
			return err
		}
		c.DataKey = key
	}
	if c.DataKey == "" {
		return errors.New("missing data key: set DATA_KEY or --data-key (32 bytes, base64 or hex; generate one with `openssl rand -base64 32`)")
	}
	var err error
	c.sealer, err = newSealer(c.DataKey, c.OldDataKeys)
	if err != nil {
		return err
	}

	if c.Demo && c.DemoPassword == "" {
		b := make([]byte, 12)
		_, _ = rand.Read(b)
		c.DemoPassword = "demo-" + base64.RawURLEncoding.EncodeToString(b)
		c.demoPasswordGenerated = true
	}
	return nil
}

// demoDataKey reads the demo data key kept beside the SQLite file, creating it on first use.
func demoDataKey(databaseURL string) (string, error) {
	_, _, path, err := storage.ParseURL(databaseURL)
	if err != nil {
		return "", err
	}
	if path == "" {
		return "", errors.New("missing data key: with a MySQL database set DATA_KEY or --data-key, even in demo mode")
	}
	keyFile := path + ".key"
	if b, err := os.ReadFile(keyFile); err == nil {
		return strings.TrimSpace(string(b)), nil
	}
	if err := os.MkdirAll(filepath.Dir(keyFile), 0o750); err != nil {
		return "", err
	}
	key := pii.NewKey()
	if err := os.WriteFile(keyFile, []byte(key+"\n"), 0o600); err != nil {
		return "", fmt.Errorf("cannot keep the demo data key in %s: %v", keyFile, err)
	}
	return key, nil
}

// resolveLimits checks the limits and turns the flags' "0: off" into httpapi.Options' "< 0: off".
func (c *config) resolveLimits(maxBody int, corsOrigins string) error {
	a := &c.API
	for _, l := range []struct {
		name string
		v    *int
		off  bool // 0 may turn it off
	}{
		{"default-page-size", &a.DefaultPageSize, false}, {"max-page-size", &a.MaxPageSize, false},
		{"max-depth", &a.MaxDepth, true}, {"max-cost", &a.MaxCost, true}, {"max-aliases", &a.MaxAliases, true},
		{"max-operations", &a.MaxOperations, true}, {"max-tokens", &a.MaxTokens, true},
		{"rate-burst", &a.RateBurst, false}, {"max-body-bytes", &maxBody, false},
		{"max-in-flight", &a.MaxInFlight, true}, {"max-heavy-queries", &a.MaxHeavy, true}, {"max-selections", &a.MaxSelections, true},
		{"max-list-length", &a.MaxListLength, true}, {"max-filter-nesting", &a.MaxFilterNesting, true},
		{"max-boolean-nesting", &a.MaxBooleanNesting, true}, {"max-filters", &a.MaxFilters, true},
	} {
		switch {
		case *l.v < 0, *l.v == 0 && !l.off:
			return fmt.Errorf("--%s must be a positive number", l.name)
		case *l.v == 0:
			*l.v = -1
		}
	}
	if a.DefaultPageSize > a.MaxPageSize {
		return errors.New("--default-page-size must not exceed --max-page-size")
	}
	a.MaxBodyBytes = int64(maxBody)
	switch {
	case a.RequestTimeout < 0 || a.RateLimit < 0 || c.ShutdownGrace < 0 || c.Pool.StatementTimeout < 0:
		return errors.New("--request-timeout, --rate-limit, --shutdown-grace and --db-statement-timeout must not be negative")
	case a.RequestTimeout == 0:
		a.RequestTimeout = -1
	}
	if a.RateLimit == 0 {
		a.RateLimit = -1
	}
	for _, o := range strings.Split(corsOrigins, ",") {
		o = strings.TrimSpace(o)
		if o == "" {
			continue
		}
		if u, err := url.Parse(o); o != "*" && (err != nil || u.Scheme == "" || u.Host == "" || (u.Path != "" && u.Path != "/")) {
			return fmt.Errorf("--cors-origins: %q is not an origin such as https://app.example.org", o)
		}
		a.CORSOrigins = append(a.CORSOrigins, strings.TrimSuffix(o, "/"))
	}
	return nil
}

// envCount reads a non-negative whole number from the environment; a malformed one is an error.
func envCount(getenv func(string) string, name string, def int, errp *error) int {
	s := strings.TrimSpace(getenv(name))
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		*errp = fmt.Errorf("%s=%q is not a whole number ≥ 0", name, s)
		return def
	}
	return n
}

// envDuration reads a duration such as 15s from the environment.
func envDuration(getenv func(string) string, name string, def time.Duration, errp *error) time.Duration {
	s := strings.TrimSpace(getenv(name))
	if s == "" {
		return def
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		*errp = fmt.Errorf("%s=%q is not a duration such as 15s", name, s)
		return def
	}
	return d
}

// envRate reads a non-negative number from the environment.
func envRate(getenv func(string) string, name string, def float64, errp *error) float64 {
	s := strings.TrimSpace(getenv(name))
	if s == "" {
		return def
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 0 {
		*errp = fmt.Errorf("%s=%q is not a number ≥ 0", name, s)
		return def
	}
	return f
}

// envBool reads 1/true/yes or 0/false/no (or nothing) from the environment.
func envBool(getenv func(string) string, name string, errp *error) bool {
	switch s := strings.ToLower(strings.TrimSpace(getenv(name))); s {
	case "", "0", "false", "no":
		return false
	case "1", "true", "yes":
		return true
	default:
		if *errp == nil {
			*errp = fmt.Errorf("%s=%q is not 1 or 0", name, s)
		}
		return false
	}
}

// helpError carries the usage text: --help is answered on standard output with exit status 0.
type helpError string

func (h helpError) Error() string { return string(h) }

// usage lists every flag with its meaning (which names its environment variable) and default.
func usage(fs *flag.FlagSet) string {
	var b strings.Builder
	b.WriteString("Usage: sbqw [flags]    (and: sbqw admin <command>)\n\nEvery flag has an environment variable of the same meaning, named in brackets; the flag wins.\n\n")
	fs.VisitAll(func(f *flag.Flag) {
		fmt.Fprintf(&b, "  --%s", f.Name)
		if name, _ := flag.UnquoteUsage(f); name != "" {
			fmt.Fprintf(&b, " %s", name)
		}
		fmt.Fprintf(&b, "\n      %s", f.Usage)
		if f.DefValue != "" && f.DefValue != "0" && f.DefValue != "false" && f.DefValue != "0s" {
			fmt.Fprintf(&b, " [default %s]", f.DefValue)
		}
		b.WriteString("\n")
	})
	return b.String()
}

// checkLoopback accepts an empty address (off) or one on a loopback interface: the profiler
// shows memory and goroutines, and must not be reachable from the network.
func checkLoopback(addr string) error {
	if addr == "" {
		return nil
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return err
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("%q is not a loopback address such as 127.0.0.1:6060", addr)
	}
	return nil
}

// newSealer builds the sealer from the current data key and the earlier ones (a list, or
// @FILE naming a file with one key a line; # starts a comment line).
func newSealer(current, older string) (*pii.Sealer, error) {
	raw, err := pii.ParseKey(current)
	if err != nil {
		return nil, fmt.Errorf("invalid data key: %v", err)
	}
	if file, ok := strings.CutPrefix(strings.TrimSpace(older), "@"); ok {
		b, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("old data keys: %v", err)
		}
		older = string(b)
	}
	old, err := pii.ParseKeys(older)
	if err != nil {
		return nil, fmt.Errorf("invalid old data key: %v", err)
	}
	return pii.NewSealer(raw, old...)
}
