package graph

import (
	"context"
	"time"

	"github.com/nanpiao/sbqw/authz"
	"github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/pii"
)

// Personal values are stored sealed only: a masked form or a birth date kept in clear beside
// the sealed value would let anyone with a copy of the database rebuild the ID number. So the
// masked forms and the age are worked out here, from the sealed value, on every read. A value
// that does not open in its own row (damaged, or moved there from another row) is an error
// with reason PERSONAL_DATA_UNREADABLE, audited — never another person's number.

func (r *Resolver) maskedIDNumber(ctx context.Context, entType string, id int, sealed string) (string, error) {
	plain, err := authz.OpenSealed(ctx, r.client, entType, id, authz.FieldIDNumber, sealed)
	if err != nil {
		return "", err
	}
	return pii.MaskIDNumber(plain), nil
}

// maskedPhone is nil when no phone is recorded.
func (r *Resolver) maskedPhone(ctx context.Context, entType string, id int, sealed string) (*string, error) {
	if sealed == "" {
		return nil, nil
	}
	plain, err := authz.OpenSealed(ctx, r.client, entType, id, authz.FieldPhone, sealed)
	if err != nil {
		return nil, err
	}
	m := pii.MaskPhone(plain)
	return &m, nil
}

// age in whole years today, from the birth date in the sealed ID number; from the birth year
// (the age reached this year) when it cannot be opened (the idNumber field reports that).
func (r *Resolver) age(entType string, id int, sealedID string, birthYear int) int {
	today := time.Now().UTC()
	at := pii.Place{Table: ent.TypeTables[entType], Column: authz.FieldIDNumber, Row: id}
	if plain, err := r.client.Sealer.Open(at, sealedID); err == nil {
		if id, err := pii.ParseIDNumber(plain, today); err == nil {
			return pii.Age(id.BirthDate, today)
		}
	}
	return today.Year() - birthYear
}
