package workflow

import (
	"context"
	"time"

	"entgo.io/ent/dialect"

	"github.com/nanpiao/sbqw/apperr"
	"github.com/nanpiao/sbqw/authz"
	"github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/ent/pairing"
	"github.com/nanpiao/sbqw/ent/rectification"
	"github.com/nanpiao/sbqw/ent/schema/enum"
	"github.com/nanpiao/sbqw/ent/visit"
)

// ReleasePairing ends a pairing with a reason and, when a replacement cadre is named, pairs
// the household with that cadre in the same transaction.
func ReleasePairing(ctx context.Context, tx *ent.Client, id int, reason string, endOn *time.Time, replacementCadre *int) (*ent.Pairing, *ent.Pairing, error) {
	if len([]rune(reason)) < 2 {
		return nil, nil, apperr.Invalid("reason", "say why the pairing ends (请填写解除原因)")
	}
	ctx = authz.WithAction(ctx, authz.ActionRelease)
	if err := authz.CheckRecord(ctx, tx, ent.TypePairing, id, authz.ActionRelease); err != nil {
		return nil, nil, err
	}
	if err := LockRow(ctx, tx, ent.TypePairing, id); err != nil {
		return nil, nil, err
	}
	p, err := tx.Pairing.Get(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	end := today()
	if endOn != nil {
		end = *endOn
	}
	if end.Before(p.StartOn) || end.After(today()) {
		return nil, nil, apperr.Invalid("endOn", "the end date must lie between the start of the pairing and today (解除日期无效)")
	}
	released, err := tx.Pairing.UpdateOneID(id).Where(pairing.Active(true)).
		SetActive(false).SetEndOn(end).SetReleaseReason(reason).Save(ctx)
	if ent.IsNotFound(err) {
		return nil, nil, apperr.Rule("the pairing has already been released (该结对已解除)")
	}
	if err != nil || replacementCadre == nil {
		return released, nil, err
	}
	create := authz.WithAction(ctx, authz.ActionCreate)
	next, err := tx.Pairing.Create().SetCadreID(*replacementCadre).SetHouseholdID(p.HouseholdID).SetStartOn(end).Save(create)
	return released, next, err
}

// CreateVisit records a visit. With an idempotency key, a retry of the same request returns
// the visit first recorded instead of recording it twice.
// Concurrent requests with one key queue on the pairing's row lock and the later ones find the
// first visit (see CreateDemand).
func CreateVisit(ctx context.Context, tx *ent.Client, in ent.CreateVisitInput, key *string) (*ent.Visit, error) {
	if key == nil {
		return tx.Visit.Create().SetInput(in).Save(ctx)
	}
	p, err := lockPairing(ctx, tx, in.PairingID)
	if err != nil {
		return nil, err
	}
	return once(func() (*ent.Visit, error) {
		return tx.Visit.Query().Where(visit.CadreID(p.CadreID), visit.IdempotencyKey(*key)).Only(ctx)
	}, func() (*ent.Visit, error) {
		// The visit's rules, scope and reference hooks take the pairing held here instead of
		// locking and reading it again.
		return tx.Visit.Create().SetInput(in).SetIdempotencyKey(*key).Save(Hold(ctx, ent.TypePairing, p.ID, p, pairingScope(p)))
	})
}

// lockPairing locks a pairing's row and reads it through the caller's read rules (NOT_FOUND
// when the caller cannot see it): on MySQL one SELECT … FOR UPDATE, which waits for a release
// of the pairing to commit and then reads the row as released.
func lockPairing(ctx context.Context, tx *ent.Client, id int) (*ent.Pairing, error) {
	q := tx.Pairing.Query().Where(pairing.ID(id))
	if tx.Dialect() != dialect.SQLite { // SQLite serialises its writers instead
		q = q.ForUpdate()
	}
	return q.Only(ctx)
}

// pairingScope is a pairing's stored scope columns, for the rows that inherit them.
func pairingScope(p *ent.Pairing) map[string]int {
	return map[string]int{pairing.FieldTownshipID: p.TownshipID, pairing.FieldVillageID: p.VillageID,
		pairing.FieldHouseholdID: p.HouseholdID, pairing.FieldCadreID: p.CadreID, pairing.FieldDepartmentID: p.DepartmentID}
}

// AcceptRectification records the acceptance check: a score of 70 or more passes.
func AcceptRectification(ctx context.Context, tx *ent.Client, id, score int) (*ent.Rectification, error) {
	if score < 0 || score > 100 {
		return nil, apperr.Invalid("score", "a score is between 0 and 100 (得分应在0到100之间)")
	}
	ctx = authz.WithAction(ctx, authz.ActionAccept)
	if err := authz.CheckRecord(ctx, tx, ent.TypeRectification, id, authz.ActionAccept); err != nil {
		return nil, err
	}
	if err := LockRow(ctx, tx, ent.TypeRectification, id); err != nil {
		return nil, err
	}
	status := enum.RectificationFailed
	if score >= 70 {
		status = "PASSED"
	}
	r, err := tx.Rectification.UpdateOneID(id).
		Where(rectification.StatusIn(enum.RectificationPlanned, enum.RectificationInProgress)).
		SetStatus(status).SetAcceptanceScore(score).Save(ctx)
	if ent.IsNotFound(err) {
		return nil, apperr.Rule("the rectification has already been accepted (整顿已验收)")
	}
	return r, err
}
