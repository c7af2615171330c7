// Package workflow holds the programme's multi-record operations and workflow steps: rules that
// span several rows and must happen in one transaction. Authorization is checked through
// package authz; every write is audited.
package workflow

import (
	"context"
	"strconv"
	"time"

	"github.com/nanpiao/sbqw/apperr"
	"github.com/nanpiao/sbqw/authz"
	"github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/ent/household"
)

// tablesUnderHousehold are the tables whose rows hang off a household and carry its scope.
var tablesUnderHousehold = []string{"residents", "pairings", "visits", "demands", "demand_events"}

// MoveHousehold moves a household to another village and rewrites the scope columns of the
// household and of everything under it, in the caller's transaction. It is the only way a row
// changes scope; the policy gives it to DISTRICT alone.
func MoveHousehold(ctx context.Context, tx *ent.Client, id, villageID int) (*ent.Household, error) {
	if err := authz.CheckRecord(ctx, tx, "Household", id, authz.ActionMove); err != nil {
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
	// audited operation allowed to rewrite them.
	if _, err := tx.ExecContext(ctx, "UPDATE households SET village_id = ?, township_id = ?, updated_at = ? WHERE id = ?",
		dest.ID, dest.TownshipID, now, id); err != nil {
		return nil, err
	}
	for _, t := range tablesUnderHousehold {
		if _, err := tx.ExecContext(ctx, "UPDATE "+t+" SET village_id = ?, township_id = ?, updated_at = ? WHERE household_id = ?",
			dest.ID, dest.TownshipID, now, id); err != nil {
			return nil, err
		}
	}
	err = authz.Record(ctx, tx, authz.Event{Action: "household.move", Entity: "Household", EntityID: &id,
		Changed: []string{"village_id", "township_id"}, TownshipID: dest.TownshipID, VillageID: dest.ID,
		Detail: "from village " + strconv.Itoa(h.VillageID) + " to " + strconv.Itoa(dest.ID)})
	if err != nil {
		return nil, err
	}
	return tx.Household.Get(ctx, id)
}
