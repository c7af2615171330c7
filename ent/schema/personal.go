package schema

import (
	"context"
	"fmt"
	"strings"

	"entgo.io/ent"

	"github.com/nanpiao/sbqw/apperr"
	gen "github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/ent/schema/enum"
	"github.com/nanpiao/sbqw/pii"
)

// personal names the personal columns of an entity (see sensitiveFields). Empty names are absent.
type personal struct {
	idNumber, phone   string
	birthYear, gender string
}

type sealerMutation interface {
	ent.Mutation
	Client() *gen.Client
	ID() (int, bool)
}

// sealed is a plaintext waiting for its row's ID to be sealed.
type sealed struct{ column, plain string }

// sealPersonalData validates plaintext ID numbers and phones written through the API and stores
// them sealed with a blind index; the readable column is left empty (see sensitiveFields).
// Birth year and gender are taken from the ID number: all that queries need, and too little to
// narrow the number down (birth year × sequence leaves about 180,000 candidates).
//
// Each sealed value is bound to its row (pii.Place: table, column, row ID), so a ciphertext
// moved to another row does not open there. A new row's ID is only known once it is inserted,
// so a create stores an empty placeholder and seals in an UPDATE right after the INSERT, in
// the same statement sequence of the same transaction (the hook's client is the mutation's own,
// so within a transaction both commit or neither). The row ID is chosen as the binding rather
// than a random per-row key column because IDs are already unique across tables and never
// reused, survive a dump and restore unchanged, and need no new column.
func sealPersonalData(p personal) ent.Hook {
	return func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
			sm, ok := m.(sealerMutation)
			if !ok || !m.Op().Is(ent.OpCreate|ent.OpUpdate|ent.OpUpdateOne) {
				return next.Mutate(ctx, m)
			}
			table := gen.TypeTables[m.Type()]
			// Client() builds a new client each call (every type's client in it): once per row.
			client := sm.Client()
			sealer := client.Sealer
			var pending []sealed
			if p.idNumber != "" {
				s, err := prepareIDNumber(ctx, sm, client, table, p)
				if err != nil {
					return nil, err
				}
				pending = append(pending, s...)
			}
			if p.phone != "" {
				s, err := preparePhone(sm, sealer, p.phone)
				if err != nil {
					return nil, err
				}
				pending = append(pending, s...)
			}
			if len(pending) == 0 {
				return next.Mutate(ctx, m)
			}
			if m.Op().Is(ent.OpUpdate) {
				return nil, apperr.Rule("personal values are changed one record at a time (个人信息须逐条修改)")
			}
			if id, known := sm.ID(); known { // an update of one row: sealed in the same UPDATE
				for _, s := range pending {
					v, err := sealer.Seal(pii.Place{Table: table, Column: s.column, Row: id}, s.plain)
					if err != nil {
						return nil, err
					}
					if err := m.SetField(s.column+"_sealed", v); err != nil {
						return nil, err
					}
				}
				return next.Mutate(ctx, m)
			}
			for _, s := range pending {
				if err := m.SetField(s.column+"_sealed", ""); err != nil {
					return nil, err
				}
			}
			v, err := next.Mutate(ctx, m)
			if err != nil {
				return v, err
			}
			id, _ := sm.ID()
			sets, args := make([]string, 0, len(pending)), make([]any, 0, len(pending)+1)
			cols, vals := make([]string, 0, len(pending)), make([]string, 0, len(pending))
			for _, s := range pending {
				sv, err := sealer.Seal(pii.Place{Table: table, Column: s.column, Row: id}, s.plain)
				if err != nil {
					return nil, err
				}
				sets = append(sets, s.column+"_sealed = ?")
				args = append(args, sv)
				cols, vals = append(cols, s.column), append(vals, sv)
				setSealed(v, s.column, sv)
			}
			if b := sealBatchOf(ctx); b != nil { // a bulk load: stored by b.Flush, in the same transaction
				b.add(table, id, cols, vals)
				return v, nil
			}
			if _, err := client.ExecContext(ctx, "UPDATE "+table+" SET "+strings.Join(sets, ", ")+" WHERE id = ?", append(args, id)...); err != nil {
				return nil, fmt.Errorf("sealing personal data of %s %d: %w", m.Type(), id, err)
			}
			return v, nil
		})
	}
}

// setSealed puts the sealed value into the record a create returns, as if read back.
func setSealed(v ent.Value, column, sealed string) {
	switch n := v.(type) {
	case *gen.Resident:
		if column == "phone" {
			n.PhoneSealed = sealed
		} else {
			n.IDNumberSealed = sealed
		}
	case *gen.PartyMember:
		if column == "phone" {
			n.PhoneSealed = sealed
		} else {
			n.IDNumberSealed = sealed
		}
	case *gen.Cadre:
		n.PhoneSealed = sealed
	}
}

func prepareIDNumber(ctx context.Context, m sealerMutation, client *gen.Client, table string, p personal) ([]sealed, error) {
	v, ok := m.Field(p.idNumber)
	if !ok {
		return nil, nil
	}
	id, err := pii.ParseIDNumber(v.(string), now())
	if err != nil {
		return nil, apperr.Invalid(gqlName(p.idNumber), "%s", err.Error())
	}
	if err := blindIndex(m, client.Sealer, p.idNumber, pii.KindIDNumber, id.Value); err != nil {
		return nil, err
	}
	if err := refuseDuplicateUnderOlderKey(ctx, m, client, table, p.idNumber, id.Value); err != nil {
		return nil, err
	}
	if p.birthYear != "" {
		if err := m.SetField(p.birthYear, id.BirthDate.Year()); err != nil {
			return nil, err
		}
	}
	if p.gender != "" {
		g := enum.GenderMale
		if id.Female {
			g = enum.GenderFemale
		}
		if err := m.SetField(p.gender, g); err != nil {
			return nil, err
		}
	}
	return []sealed{{p.idNumber, id.Value}}, nil
}

func preparePhone(m sealerMutation, sealer *pii.Sealer, name string) ([]sealed, error) {
	if m.FieldCleared(name) {
		for _, f := range []string{name + "_sealed", name + "_index"} {
			if err := m.ClearField(f); err != nil {
				return nil, err
			}
		}
		return nil, nil
	}
	v, ok := m.Field(name)
	if !ok {
		return nil, nil
	}
	phone, err := pii.NormalizePhone(v.(string))
	if err != nil {
		return nil, apperr.Invalid(gqlName(name), "%s", err.Error())
	}
	return []sealed{{name, phone}}, blindIndex(m, sealer, name, pii.KindPhone, phone)
}

// blindIndex empties the plaintext column and stores the blind index under the current key.
func blindIndex(m sealerMutation, sealer *pii.Sealer, name, kind, plain string) error {
	idx, err := sealer.BlindIndex(kind, plain)
	if err != nil {
		return err
	}
	if err := m.SetField(name, ""); err != nil {
		return err
	}
	return m.SetField(name+"_index", idx)
}

// refuseDuplicateUnderOlderKey: while a key rotation is under way, a live row may still carry
// the value's blind index under an older key, which the unique index (on the current key's
// blind index) cannot see. Once every replica seals with the new key, no row gets an older
// key's index any more, so this check and the unique index between them refuse every duplicate:
// a row rekeyed by the rotation meanwhile meets the unique index.
func refuseDuplicateUnderOlderKey(ctx context.Context, m sealerMutation, client *gen.Client, table, column, value string) error {
	all, err := client.Sealer.BlindIndexes(pii.KindIDNumber, value)
	if err != nil || len(all) < 2 {
		return err
	}
	older := all[1:]
	q := "SELECT COUNT(*) FROM " + table + " WHERE delete_token = 0 AND " + column + "_index IN (?" + strings.Repeat(", ?", len(older)-1) + ")"
	args := make([]any, 0, len(older)+1)
	for _, o := range older {
		args = append(args, o)
	}
	if id, ok := m.ID(); ok {
		q += " AND id <> ?"
		args = append(args, id)
	}
	rows, err := client.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	n := 0
	if rows.Next() {
		if err := rows.Scan(&n); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if n > 0 {
		return &pii.DuplicateError{Table: table, Column: column, Indexes: all}
	}
	return nil
}
