package authz

import (
	"context"
	"log/slog"

	"github.com/nanpiao/sbqw/apperr"
	gen "github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/pii"
)

// ReasonUnsealable is the extensions.reason of a personal value that could not be decrypted.
const ReasonUnsealable = "PERSONAL_DATA_UNREADABLE"

// ErrUnsealable: a sealed value that does not open where it is stored — damaged, sealed with a
// key that is not configured, or moved from another row — is reported, never shown as
// something else.
var ErrUnsealable = &apperr.Error{Code: apperr.Internal, Message: "a personal value could not be decrypted (个人信息无法解密)",
	Reason: ReasonUnsealable}

// actionUnsealable is the audit action of a personal value that could not be opened.
const actionUnsealable = "pii.unsealable"

// OpenSealed decrypts the personal value stored in column (id_number, phone) of the record
// entType/id. One that does not open is logged and audited (a moved ciphertext is a sign of
// tampering with the database) and answered with ErrUnsealable.
func OpenSealed(ctx context.Context, c *gen.Client, entType string, id int, column, sealed string) (string, error) {
	plain, err := c.Sealer.Open(pii.Place{Table: gen.TypeTables[entType], Column: column, Row: id}, sealed)
	if err == nil {
		return plain, nil
	}
	slog.ErrorContext(ctx, "personal value does not open", "entity", entType, "id", id, "column", column, "error", err.Error())
	// Written apart from the request's transaction, which the error may roll back.
	if v := FromContext(ctx); v != nil && v.journal != nil {
		v.journal.record(ctx, Event{Action: actionUnsealable, Entity: entType, EntityID: &id, Changed: []string{column}, Detail: err.Error()})
	}
	return "", ErrUnsealable
}
