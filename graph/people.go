package graph

import (
	"time"

	"github.com/nanpiao/sbqw/apperr"
	"github.com/nanpiao/sbqw/pii"
)

// Personal values are stored sealed only: a masked form or a birth date kept in clear beside
// the sealed value would let anyone with a copy of the database rebuild the ID number. So the
// masked forms and the age are worked out here, from the sealed value, on every read.

// errUnsealable: a sealed value that does not open with the data key (a wrong key, a damaged
// or moved ciphertext) is reported, never shown as something else.
var errUnsealable = &apperr.Error{Code: apperr.Internal, Message: "a personal value could not be decrypted (个人信息无法解密)"}

func (r *Resolver) maskedIDNumber(sealed string) (string, error) {
	plain, err := r.client.Sealer.Open(sealed)
	if err != nil {
		return "", errUnsealable
	}
	return pii.MaskIDNumber(plain), nil
}

// maskedPhone is nil when no phone is recorded.
func (r *Resolver) maskedPhone(sealed string) (*string, error) {
	if sealed == "" {
		return nil, nil
	}
	plain, err := r.client.Sealer.Open(sealed)
	if err != nil {
		return nil, errUnsealable
	}
	m := pii.MaskPhone(plain)
	return &m, nil
}

// age in whole years today, from the birth date in the sealed ID number; from the birth year
// (the age reached this year) when it cannot be opened.
func (r *Resolver) age(sealedID string, birthYear int) int {
	today := time.Now().UTC()
	if plain, err := r.client.Sealer.Open(sealedID); err == nil {
		if id, err := pii.ParseIDNumber(plain, today); err == nil {
			return pii.Age(id.BirthDate, today)
		}
	}
	return today.Year() - birthYear
}
