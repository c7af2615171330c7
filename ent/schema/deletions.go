package schema

import (
	"context"
	"time"

	"github.com/nanpiao/sbqw/apperr"
	"github.com/nanpiao/sbqw/ent"
)

// MaxDeletedPage bounds one page of the deletions feed.
const MaxDeletedPage = 500

// DeletedSince is the deletions feed (deletedRecords): records of one type soft-deleted after
// since, oldest first, at most first of them, through the type's privacy rules.
func DeletedSince(ctx context.Context, client *ent.Client, typeName string, since time.Time, first int) ([]ent.Deleted, error) {
	if first < 1 || first > MaxDeletedPage {
		return nil, apperr.Invalid("first", "must be between 1 and %d", MaxDeletedPage)
	}
	if _, ok := ent.TypeTables[typeName]; !ok {
		return nil, apperr.Invalid("type", "%q is not a record type", typeName)
	}
	return client.DeletedSince(IncludeDeleted(ctx), typeName, since, first)
}
