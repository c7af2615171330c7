package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/nanpiao/sbqw/authn"
	"github.com/nanpiao/sbqw/authz"
	"github.com/nanpiao/sbqw/ent/schema/enum"
	"github.com/nanpiao/sbqw/storage"
)

// runAdmin implements `sbqw admin create --username NAME`: the first district administrator
// of a real deployment. The password comes from ADMIN_PASSWORD or a prompt.
func runAdmin(args []string, getenv func(string) string, stdin io.Reader) error {
	if len(args) > 0 && args[0] == "migrate" {
		return runMigrate(args[1:], getenv, os.Stdout)
	}
	if len(args) > 0 && args[0] == "backup" {
		return runBackup(args[1:], getenv, os.Stdout)
	}
	if len(args) > 0 && args[0] == "rotate-data-key" {
		return runRotateDataKey(args[1:], getenv, os.Stdout)
	}
	if len(args) > 0 && args[0] == "verify-audit" {
		return runVerifyAudit(args[1:], getenv, os.Stdout)
	}
	if len(args) == 0 || args[0] != "create" {
		return errors.New("usage: admin create --username NAME [--db URL] (password from ADMIN_PASSWORD or a prompt) | admin migrate apply|status [--db URL] | admin backup [--db URL] FILE | admin verify-audit [--db URL] | admin rotate-data-key [--db URL] [--batch N] (keys from DATA_KEY and OLD_DATA_KEYS)")
	}
	fs := flag.NewFlagSet("admin create", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	username := fs.String("username", "", "the administrator's username")
	db := fs.String("db", envOr(getenv, "DATABASE_URL", defaultDatabaseURL), "database URL (DATABASE_URL)")
	dataKey := fs.String("data-key", getenv("DATA_KEY"), "data key (DATA_KEY)")
	oldKeys := fs.String("old-data-keys", getenv("OLD_DATA_KEYS"), "earlier data keys (OLD_DATA_KEYS)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *username == "" {
		return errors.New("admin create needs --username")
	}
	password := getenv("ADMIN_PASSWORD")
	if password == "" {
		fmt.Fprint(os.Stderr, "password for "+*username+": ")
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && line == "" {
			return errors.New("no password given (set ADMIN_PASSWORD or type it at the prompt)")
		}
		password = strings.TrimRight(line, "\r\n")
	}
	if err := authn.CheckPasswordStrength(password); err != nil {
		return err
	}
	cfg := config{DatabaseURL: *db, DataKey: *dataKey, OldDataKeys: *oldKeys, Demo: *dataKey == ""}
	if err := cfg.resolveSecrets("admin-command-does-not-sign-tokens-000"); err != nil {
		return err
	}
	ctx := authz.Bypass(context.Background(), "admin create")
	store, err := storage.Open(ctx, *db, cfg.sealer, storage.DefaultPool)
	if err != nil {
		return err
	}
	defer store.Close()
	if err := store.CheckCurrent(ctx); err != nil {
		return err
	}
	tx, err := store.Client.Tx(ctx)
	if err != nil {
		return err
	}
	u, err := authn.CreateUser(ctx, tx.Client(), *username, "区级管理员", password, []authn.BindingInput{{Role: enum.RoleDistrict}}, authn.ChosenByUser)
	if err == nil {
		err = authz.Record(ctx, tx.Client(), authz.Event{Action: "user.create", Entity: "User", EntityID: &u.ID, Detail: "first district administrator, from the command line"})
	}
	if err != nil {
		_ = tx.Rollback()
		return fmt.Errorf("creating %s: %v", *username, err)
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "created district administrator %q\n", *username)
	return nil
}

func envOr(getenv func(string) string, name, def string) string {
	if v := getenv(name); v != "" {
		return v
	}
	return def
}

// runVerifyAudit implements `sbqw admin verify-audit`: it seals what is not chained yet, walks
// the audit chain and names the first broken link; a broken chain is an error (exit status 1).
func runVerifyAudit(args []string, getenv func(string) string, out io.Writer) error {
	fs := flag.NewFlagSet("admin verify-audit", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	db := fs.String("db", envOr(getenv, "DATABASE_URL", defaultDatabaseURL), "database URL (DATABASE_URL)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	ctx := context.Background()
	store, err := storage.Open(ctx, *db, nil, storage.DefaultPool)
	if err != nil {
		return err
	}
	defer store.Close()
	if err := store.CheckCurrent(ctx); err != nil {
		return err
	}
	for {
		n, err := authz.SealAuditChain(ctx, store.Client, 1000)
		if err != nil {
			return err
		}
		if n == 0 {
			break
		}
	}
	r, err := authz.VerifyAuditChain(ctx, store.Client)
	if err != nil {
		return err
	}
	fmt.Fprint(out, r)
	if r.Broken != "" {
		return errors.New("the audit trail was changed after it was written")
	}
	return nil
}
