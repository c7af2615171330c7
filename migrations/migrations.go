// Package migrations holds the versioned schema migrations, one directory per dialect, written
// by `go run ./cmd/migrations new <name>` and applied by storage.Apply (`sbqw admin migrate
// apply`, or at start with --auto-migrate). Files are never edited once released: a change to
// ent/schema gets a new file. atlas.sum guards the directory against edits and bad merges.
package migrations

import "embed"

// FS holds mysql/ and sqlite/.
//
//go:embed mysql/* sqlite/*
var FS embed.FS
