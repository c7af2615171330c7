package authz

import (
	"context"
	"strings"

	"github.com/nanpiao/sbqw/apperr"
	gen "github.com/nanpiao/sbqw/ent"
)

// Sensitive values a reveal may ask for.
const (
	FieldIDNumber = "id_number"
	FieldPhone    = "phone"
)

// Revealed holds the plaintext of the values asked for.
type Revealed struct{ IDNumber, Phone *string }

// Reveal returns personal values in plaintext. The caller needs the "reveal" permission on the
// record — or "reveal_phone" when only the phone is asked for — at a scope reaching it, and a
// reason, which the audit event keeps (the values themselves never reach the audit trail).
func Reveal(ctx context.Context, tx *gen.Client, id int, fields []string, reason string) (*Revealed, error) {
	if len(strings.TrimSpace(reason)) < 4 {
		return nil, apperr.Invalid("reason", "say why the values are needed (请填写查看原因)")
	}
	if len(fields) == 0 {
		return nil, apperr.Invalid("fields", "ask for at least one field")
	}
	node, err := tx.Noder(LookupContext(ctx), id)
	if err != nil {
		return nil, err
	}
	entType, sealed, err := sealedValues(node)
	if err != nil {
		return nil, err
	}
	action := ActionReveal
	if len(fields) == 1 && fields[0] == FieldPhone {
		if err := CheckRecord(ctx, tx, entType, id, ActionRevealPhone); err == nil {
			action = ActionRevealPhone
		}
	}
	if action == ActionReveal {
		if err := CheckRecord(ctx, tx, entType, id, action); err != nil {
			return nil, err
		}
	}
	out := &Revealed{}
	for _, f := range fields {
		s, ok := sealed[f]
		if !ok {
			return nil, apperr.Invalid("fields", "%s has no %s", entType, f)
		}
		if s == "" {
			continue // not recorded
		}
		plain, err := OpenSealed(ctx, tx, entType, id, f, s)
		if err != nil {
			return nil, err
		}
		switch f {
		case FieldIDNumber:
			out.IDNumber = &plain
		case FieldPhone:
			out.Phone = &plain
		}
	}
	return out, Record(ctx, tx, Event{Action: "revealSensitive", Entity: entType, EntityID: &id, Changed: fields, Detail: reason})
}

// sealedValues lists the sealed personal values of a record by field name.
func sealedValues(node gen.Noder) (string, map[string]string, error) {
	switch n := node.(type) {
	case *gen.Resident:
		return gen.TypeResident, map[string]string{FieldIDNumber: n.IDNumberSealed, FieldPhone: n.PhoneSealed}, nil
	case *gen.PartyMember:
		return gen.TypePartyMember, map[string]string{FieldIDNumber: n.IDNumberSealed, FieldPhone: n.PhoneSealed}, nil
	case *gen.Cadre:
		return gen.TypeCadre, map[string]string{FieldPhone: n.PhoneSealed}, nil
	}
	return "", nil, apperr.Invalid("id", "this record has no personal values to reveal (该记录没有敏感信息)")
}
