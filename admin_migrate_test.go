package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	neturl "net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nanpiao/sbqw/storage"
)

// TestAdminMigrateAndStartRefusal: a new database is behind; the server refuses it naming the
// pending files and the command; `admin migrate status` lists them; `apply` brings it up to
// date, after which the server starts and status says so.
func TestAdminMigrateAndStartRefusal(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { testAdminMigrate(t, "sqlite:"+filepath.Join(t.TempDir(), "app.db")) })
	t.Run("mysql", func(t *testing.T) { testAdminMigrate(t, mysqlTestDatabase(t)) })
}

// mysqlTestDatabase creates a database on the server of MYSQL_TEST_DSN for the test, or skips.
func mysqlTestDatabase(t *testing.T) string {
	base := os.Getenv("MYSQL_TEST_DSN")
	if base == "" {
		t.Skip("MYSQL_TEST_DSN unset: runs on MariaDB in CI")
	}
	_, dsn, _, err := storage.ParseURL(base)
	if err != nil {
		t.Fatal(err)
	}
	admin, err := sql.Open("mysql", dsn)
	if err != nil {
		t.Fatal(err)
	}
	name := fmt.Sprintf("sbqw_test_admin_%d_%d", os.Getpid(), time.Now().UnixNano()%1e12)
	if _, err := admin.Exec("CREATE DATABASE " + name + " CHARACTER SET utf8mb4"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_, _ = admin.Exec("DROP DATABASE IF EXISTS " + name)
		admin.Close()
	})
	u, _ := neturl.Parse(base)
	u.Path = "/" + name
	return u.String()
}

func testAdminMigrate(t *testing.T, url string) {
	ctx := context.Background()
	getenv := func(string) string { return "" }
	dir, err := storage.Dir("sqlite3")
	if err != nil {
		t.Fatal(err)
	}
	files, _ := dir.Files()
	last := files[len(files)-1]

	db, err := storage.Open(ctx, url, nil, storage.DefaultPool)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = migrateAtStart(ctx, db, false)
	if err == nil || !strings.Contains(err.Error(), last.Name()) || !strings.Contains(err.Error(), "sbqw admin migrate apply") || !strings.Contains(err.Error(), "--auto-migrate") {
		t.Fatalf("start on an empty database: %v", err)
	}

	var out bytes.Buffer
	if err := runMigrate([]string{"status", "--db", url}, getenv, &out); err != nil {
		t.Fatal(err)
	}
	want := []string{"current version: none (empty database)", "pending: " + itoa(len(files)), files[0].Name(), last.Name(), "sbqw admin migrate apply"}
	for _, w := range want {
		if !strings.Contains(out.String(), w) {
			t.Errorf("status lacks %q:\n%s", w, out.String())
		}
	}

	out.Reset()
	if err := runMigrate([]string{"apply", "--db", url}, getenv, &out); err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"applied " + files[0].Version(), "applied " + last.Version(), "current version: " + last.Version(), "pending: none"} {
		if !strings.Contains(out.String(), w) {
			t.Errorf("apply output lacks %q:\n%s", w, out.String())
		}
	}
	if err := migrateAtStart(ctx, db, false); err != nil {
		t.Fatalf("start after apply: %v", err)
	}
	if err := runMigrate([]string{"drop"}, getenv, &out); err == nil {
		t.Fatal("admin migrate drop accepted")
	}
}

// TestAutoMigrateAtStart: with --auto-migrate (or --demo) the server applies the files itself.
func TestAutoMigrateAtStart(t *testing.T) {
	ctx := context.Background()
	db, err := storage.Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "app.db"), nil, storage.DefaultPool)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := migrateAtStart(ctx, db, true); err != nil {
		t.Fatal(err)
	}
	if err := db.CheckCurrent(ctx); err != nil {
		t.Fatal(err)
	}
	cfg, err := parseConfig([]string{"--demo", "--db", "sqlite:" + filepath.Join(t.TempDir(), "demo.db")}, func(string) string { return "" })
	if err != nil || !cfg.AutoMigrate {
		t.Fatalf("--demo: AutoMigrate=%v, %v", cfg.AutoMigrate, err)
	}
	cfg, err = parseConfig([]string{"--jwt-secret", strings.Repeat("s", 32), "--data-key", strings.Repeat("0", 64)}, func(k string) string {
		if k == "AUTO_MIGRATE" {
			return "1"
		}
		return ""
	})
	if err != nil || !cfg.AutoMigrate {
		t.Fatalf("AUTO_MIGRATE=1: AutoMigrate=%v, %v", cfg.AutoMigrate, err)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
