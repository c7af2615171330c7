package authz

import (
	"context"
	"sort"
	"strings"

	"entgo.io/ent"

	gen "github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/ent/auditevent"
)

// AuditHook writes an AuditEvent for every write made on behalf of a caller, in the same
// transaction as the write: who, with which roles, did what to which record, and the names of
// the fields it set — never their values, so no personal data reaches the audit trail.
func AuditHook() ent.Hook {
	return func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
			v := FromContext(ctx)
			if IsSystem(ctx) || v == nil {
				return next.Mutate(ctx, m)
			}
			changed := changedFields(m)
			action := ObjectOf(m.Type()) + "." + writeAction(ctx, m)
			value, err := next.Mutate(ctx, m)
			if err != nil {
				return value, err
			}
			cm, ok := m.(clientMutation)
			if !ok {
				return value, nil
			}
			var id *int
			if idm, ok := m.(interface{ ID() (int, bool) }); ok {
				if n, ok := idm.ID(); ok {
					id = &n
				}
			}
			e := Event{Action: action, Entity: m.Type(), EntityID: id, Changed: changed}
			e.TownshipID, _ = intField(m, auditevent.FieldTownshipID)
			e.VillageID, _ = intField(m, auditevent.FieldVillageID)
			return value, Record(ctx, cm.Client(), e)
		})
	}
}

// Event is what Record writes besides the caller's identity.
type Event struct {
	Action     string // e.g. household.update, login, revealSensitive
	Entity     string
	EntityID   *int
	Changed    []string
	Detail     string // non-personal detail, e.g. a reveal's reason
	TownshipID int
	VillageID  int
	// Username is used when there is no viewer (failed logins).
	Username string
}

// Record writes one audit event with client (a transaction's client inside mutations).
func Record(ctx context.Context, client *gen.Client, e Event) error {
	c := client.AuditEvent.Create().SetAction(e.Action).SetEntity(e.Entity).SetNillableEntityID(e.EntityID).
		SetChangedFields(e.Changed).SetDetail(truncate(e.Detail, 1000))
	if v := FromContext(ctx); v != nil {
		c.SetUserID(v.UserID).SetUsername(v.Username).SetRole(v.Roles()).
			SetRequestID(v.RequestID).SetClientAddress(v.ClientAddr)
	} else {
		name := e.Username
		if r := SystemReason(ctx); r != "" && name == "" {
			name = "system:" + r
		}
		c.SetUsername(truncate(name, 48)).SetRole("")
	}
	if e.TownshipID != 0 {
		c.SetTownshipID(e.TownshipID)
	}
	if e.VillageID != 0 {
		c.SetVillageID(e.VillageID)
	}
	return c.Exec(Bypass(ctx, "audit"))
}

func changedFields(m ent.Mutation) []string {
	seen := map[string]bool{}
	for _, f := range append(m.Fields(), m.ClearedFields()...) {
		f = strings.TrimSuffix(strings.TrimSuffix(f, "_sealed"), "_index")
		if f != "updated_at" && f != "created_at" && f != "delete_token" {
			seen[f] = true
		}
	}
	for _, e := range append(m.AddedEdges(), m.RemovedEdges()...) {
		seen[e] = true
	}
	out := make([]string, 0, len(seen))
	for f := range seen {
		out = append(out, f)
	}
	sort.Strings(out)
	return out
}

func intField(m ent.Mutation, name string) (int, bool) {
	v, ok := m.Field(name)
	if !ok {
		return 0, false
	}
	n, ok := v.(int)
	return n, ok
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n])
}
