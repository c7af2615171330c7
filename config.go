package main

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/nanpiao/sbqw/pii"
	"github.com/nanpiao/sbqw/storage"
)

// config is the server's configuration: flags, each with an environment variable of the same
// meaning (the flag wins).
type config struct {
	Addr         string
	DatabaseURL  string
	Demo         bool
	DemoPassword string
	JWTSecret    []byte
	DataKey      string
	Pool         storage.Pool

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
	var jwtSecret string
	fs.StringVar(&c.Addr, "addr", env("ADDR", ":8080"), "listen address (ADDR)")
	fs.StringVar(&c.DatabaseURL, "db", env("DATABASE_URL", defaultDatabaseURL), "database URL: sqlite:<path> or mysql://user:pass@host:port/db (DATABASE_URL)")
	fs.BoolVar(&c.Demo, "demo", env("DEMO", "") == "1" || env("DEMO", "") == "true", "load the demo district into an empty database (DEMO=1)")
	fs.StringVar(&c.DemoPassword, "demo-password", env("DEMO_PASSWORD", ""), "password of every demo account (DEMO_PASSWORD)")
	fs.StringVar(&jwtSecret, "jwt-secret", env("JWT_SECRET", ""), "secret signing bearer tokens, at least 32 bytes (JWT_SECRET)")
	fs.StringVar(&c.DataKey, "data-key", env("DATA_KEY", ""), "32-byte key, base64 or hex, encrypting personal data (DATA_KEY)")
	fs.IntVar(&c.Pool.MaxOpen, "db-max-open", envInt(getenv, "DB_MAX_OPEN", storage.DefaultPool.MaxOpen), "maximum open database connections (DB_MAX_OPEN)")
	fs.IntVar(&c.Pool.MaxIdle, "db-max-idle", envInt(getenv, "DB_MAX_IDLE", storage.DefaultPool.MaxIdle), "maximum idle database connections (DB_MAX_IDLE)")
	c.Pool.MaxLifetime = storage.DefaultPool.MaxLifetime
	if err := fs.Parse(args); err != nil {
		return c, fmt.Errorf("%v (flags: --addr --db --demo --demo-password --jwt-secret --data-key --db-max-open --db-max-idle)", err)
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
	raw, err := pii.ParseKey(c.DataKey)
	if err != nil {
		return fmt.Errorf("invalid data key: %v", err)
	}
	if c.sealer, err = pii.NewSealer(raw); err != nil {
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

func envInt(getenv func(string) string, name string, def int) int {
	var n int
	if _, err := fmt.Sscan(getenv(name), &n); err == nil && n > 0 {
		return n
	}
	return def
}
