package workflow

import (
	"context"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/nanpiao/sbqw/apperr"
	"github.com/nanpiao/sbqw/authz"
	"github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/ent/feedentry"
	"github.com/nanpiao/sbqw/ent/partymember"
	"github.com/nanpiao/sbqw/feed"
)

// memberScopeColumns are the scope columns a member takes from its organisation.
var memberScopeColumns = []string{partymember.FieldTownshipID, partymember.FieldVillageID, partymember.FieldDepartmentID}

// MoveMember moves a party member to another organisation (组织关系转接): the member's
// organisation and scope columns become the new organisation's, and so do those of every row
// that inherits its scope from the member (posts, team posts, contributions, enrollments) and
// of the rows inheriting from those (a contribution's attachments) — found from the generated
// scope declarations, so a new child type moves without an edit here. The caller must be
// allowed to move the member where it is (the move permission) and where it goes: the member
// is checked again after the move, so a township moves only within its own township.
func MoveMember(ctx context.Context, tx *ent.Client, id, organizationID int, reason string) (*ent.PartyMember, error) {
	if len([]rune(strings.TrimSpace(reason))) < 2 {
		return nil, apperr.Invalid("reason", "say why the member moves (请填写转接原因)")
	}
	ctx = authz.WithAction(ctx, authz.ActionMove)
	if err := authz.CheckRecord(ctx, tx, ent.TypePartyMember, id, authz.ActionMove); err != nil {
		return nil, err
	}
	if err := LockRow(ctx, tx, ent.TypePartyMember, id); err != nil {
		return nil, err
	}
	m, err := tx.PartyMember.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	org, err := tx.PartyOrganization.Get(ctx, organizationID)
	if ent.IsNotFound(err) {
		return nil, apperr.MissingReference("organizationID")
	}
	if err != nil {
		return nil, err
	}
	if org.ID == m.OrganizationID {
		return nil, apperr.Conflictf("the member already belongs to this organisation (该党员已在此党组织)")
	}
	values := map[string]any{
		partymember.FieldTownshipID:   nullable(org.TownshipID),
		partymember.FieldVillageID:    nullable(org.VillageID),
		partymember.FieldDepartmentID: nullable(org.DepartmentID),
	}
	now := time.Now().UTC()
	// Plain SQL on purpose, as in MoveHousehold: scope columns are immutable to every ent update.
	set := map[string]any{partymember.FieldOrganizationID: org.ID}
	for k, v := range values {
		set[k] = v
	}
	if err := rewrite(ctx, tx, partymember.Table, partymember.FieldID, []int{id}, set, now); err != nil {
		return nil, err
	}
	if err := rescopeChildren(ctx, tx, partymember.Table, []int{id}, values, now); err != nil {
		return nil, err
	}
	// Where it goes must be within the caller's reach too.
	if err := authz.CheckRecord(ctx, tx, ent.TypePartyMember, id, authz.ActionMove); err != nil {
		return nil, apperr.MissingReference("organizationID")
	}
	err = authz.Record(ctx, tx, authz.Event{Action: "party_member.move", Entity: ent.TypePartyMember, EntityID: &id,
		Changed:    append([]string{partymember.FieldOrganizationID}, memberScopeColumns...),
		TownshipID: org.TownshipID, VillageID: org.VillageID,
		Detail: "from organisation " + strconv.Itoa(m.OrganizationID) + " to " + strconv.Itoa(org.ID) + ": " + reason})
	if err != nil {
		return nil, err
	}
	return tx.PartyMember.Get(ctx, id)
}

func nullable(v int) any {
	if v == 0 {
		return nil
	}
	return v
}

// rescopeChildren gives the rows inheriting their scope from rows ids of parentTable the
// parent's new values of the scope columns they share with it, and recurses into theirs.
func rescopeChildren(ctx context.Context, tx *ent.Client, parentTable string, ids []int, values map[string]any, now time.Time) error {
	for _, typ := range slices.Sorted(maps.Keys(ent.Scopes)) {
		for _, p := range ent.Scopes[typ].Parents {
			if p.Table != parentTable {
				continue
			}
			set := map[string]any{}
			for _, c := range p.Columns {
				if v, ok := values[c]; ok {
					set[c] = v
				}
			}
			if len(set) == 0 {
				continue
			}
			table := ent.TypeTables[typ]
			children, err := idsWhere(ctx, tx, table, p.FK, ids)
			if err != nil {
				return err
			}
			if len(children) == 0 {
				continue
			}
			if err := rewrite(ctx, tx, table, "id", children, set, now); err != nil {
				return err
			}
			if err := rescopeChildren(ctx, tx, table, children, set, now); err != nil {
				return err
			}
		}
	}
	return nil
}

// idsWhere lists the ids of table's rows whose column is one of ids.
func idsWhere(ctx context.Context, tx *ent.Client, table, column string, ids []int) ([]int, error) {
	args := make([]any, len(ids))
	for i, v := range ids {
		args[i] = v
	}
	return queryIDs(ctx, tx, "SELECT id FROM "+table+" WHERE "+column+" IN ("+marks(len(ids))+") ORDER BY id", args...)
}

// queryIDs runs query, which selects one integer column, and returns its values.
func queryIDs(ctx context.Context, tx *ent.Client, query string, args ...any) ([]int, error) {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int
	for rows.Next() {
		var n int
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

func marks(n int) string { return strings.TrimSuffix(strings.Repeat("?, ", n), ", ") }

// rewrite sets columns of the rows ids of table and records them as updated in the change feed
// (plain SQL passes no ent hook).
func rewrite(ctx context.Context, tx *ent.Client, table, key string, ids []int, set map[string]any, now time.Time) error {
	cols := slices.Sorted(maps.Keys(set))
	var assign []string
	var args []any
	for _, c := range cols {
		assign = append(assign, c+" = ?")
		args = append(args, set[c])
	}
	assign = append(assign, partymember.FieldUpdatedAt+" = ?")
	args = append(args, now)
	for _, v := range ids {
		args = append(args, v)
	}
	if _, err := tx.ExecContext(ctx, "UPDATE "+table+" SET "+strings.Join(assign, ", ")+" WHERE "+key+" IN ("+marks(len(ids))+")", args...); err != nil {
		return err
	}
	return feed.AppendRows(ctx, tx, table, feedentry.OpUPDATED, ids...)
}
