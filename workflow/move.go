// Package workflow holds the programme's multi-record operations and workflow steps: rules that
// span several rows and must happen in one transaction. Authorization is checked through
// package authz; every write is audited.
package workflow

import (
	"context"
	"slices"
	"strconv"
	"time"

	"github.com/nanpiao/sbqw/apperr"
	"github.com/nanpiao/sbqw/authz"
	"github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/ent/attachment"
	"github.com/nanpiao/sbqw/ent/household"
)

// MoveHousehold moves a household to another village and rewrites the scope columns of the
// household and of everything under it, in the caller's transaction. It is the only way a row
// changes scope; the policy gives it to DISTRICT alone.
func MoveHousehold(ctx context.Context, tx *ent.Client, id, villageID int) (*ent.Household, error) {
	if err := authz.CheckRecord(ctx, tx, ent.TypeHousehold, id, authz.ActionMove); err != nil {
		return nil, err
	}
	h, err := tx.Household.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	dest, err := tx.Village.Get(ctx, villageID)
	if ent.IsNotFound(err) {
		return nil, apperr.MissingReference("villageID")
	}
	if err != nil {
		return nil, err
	}
	if dest.ID == h.VillageID {
		return nil, apperr.Invalid("villageID", "the household is already in this village (农户已在该村)")
	}
	taken, err := tx.Household.Query().Where(household.VillageID(dest.ID), household.Number(h.Number)).Exist(authz.Bypass(ctx, "move household"))
	if err != nil {
		return nil, err
	}
	if taken {
		return nil, apperr.Conflictf("village %s already has a household numbered %s; renumber one of them first (目标村已有相同户编号)", dest.Name, h.Number)
	}
	now := time.Now().UTC()
	// Plain SQL on purpose: scope columns are immutable to every ent update; this is the one
	// audited operation allowed to rewrite them. The tables under a household are generated
	// from the ent graph (every table hanging under it through foreign keys), so a new child
	// entity moves with it without an edit here.
	if err := rescope(ctx, tx, household.Table, household.FieldID, id, dest, now); err != nil {
		return nil, err
	}
	under := ent.Scopes[ent.TypeHousehold]
	for _, t := range under.Descendants {
		if err := rescope(ctx, tx, t, under.MovedBy, id, dest, now); err != nil {
			return nil, err
		}
	}
	if err := rescopeAttachments(ctx, tx, under.Descendants, under.MovedBy, id, dest, now); err != nil {
		return nil, err
	}
	err = authz.Record(ctx, tx, authz.Event{Action: "household.move", Entity: ent.TypeHousehold, EntityID: &id,
		Changed: []string{household.FieldVillageID, household.FieldTownshipID}, TownshipID: dest.TownshipID, VillageID: dest.ID,
		Detail: "from village " + strconv.Itoa(h.VillageID) + " to " + strconv.Itoa(dest.ID)})
	if err != nil {
		return nil, err
	}
	return tx.Household.Get(ctx, id)
}

// rescopeAttachments moves the attachments of the moved records: an attachment's owner key is
// optional (it hangs under one of five kinds of record), so attachments are no descendants of
// the household; but one whose owner (by the parents its scope declaration inherits from) is a
// table the move rewrites takes the owner's new village and township, as it took the old ones
// when it was created.
func rescopeAttachments(ctx context.Context, tx *ent.Client, moved []string, movedBy string, id int, dest *ent.Village, now time.Time) error {
	for _, p := range ent.Scopes[ent.TypeAttachment].Parents {
		if !slices.Contains(moved, p.Table) {
			continue
		}
		where := p.FK + " IN (SELECT id FROM " + p.Table + " WHERE " + movedBy + " = ?)"
		if err := rescopeWhere(ctx, tx, attachment.Table, where, id, dest, now); err != nil {
			return err
		}
	}
	return nil
}

// rescope sets the village and township of the rows of table whose key column equals id, and
// records them as updated in the change feed (plain SQL passes no ent hook).
func rescope(ctx context.Context, tx *ent.Client, table, key string, id int, dest *ent.Village, now time.Time) error {
	return rescopeWhere(ctx, tx, table, key+" = ?", id, dest, now)
}

// rescopeWhere is rescope for the rows of table matching where (one argument, id): their IDs
// first, then the same rewrite moveMember uses (columns, updatedAt, change feed).
func rescopeWhere(ctx context.Context, tx *ent.Client, table, where string, id int, dest *ent.Village, now time.Time) error {
	ids, err := queryIDs(ctx, tx, "SELECT id FROM "+table+" WHERE "+where, id)
	if err != nil || len(ids) == 0 {
		return err
	}
	return rewrite(ctx, tx, table, household.FieldID, ids, map[string]any{household.FieldVillageID: dest.ID, household.FieldTownshipID: dest.TownshipID}, now)
}
