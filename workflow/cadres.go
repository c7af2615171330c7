package workflow

import (
	"context"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/nanpiao/sbqw/apperr"
	"github.com/nanpiao/sbqw/authz"
	"github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/ent/cadre"
	"github.com/nanpiao/sbqw/ent/cadreassignment"
	"github.com/nanpiao/sbqw/ent/departmentvillagelink"
	"github.com/nanpiao/sbqw/ent/hook"
	"github.com/nanpiao/sbqw/ent/pairing"
	"github.com/nanpiao/sbqw/ent/partyorganization"
	"github.com/nanpiao/sbqw/ent/rolebinding"
	"github.com/nanpiao/sbqw/ent/schema/enum"
	"github.com/nanpiao/sbqw/internal/clock"
)

// CadreFirstAssignment opens a new cadre's first assignment (任职经历), in the department the
// cadre is registered in, from the day of registration.
func CadreFirstAssignment() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.CadreFunc(func(ctx context.Context, m *ent.CadreMutation) (ent.Value, error) {
			v, err := next.Mutate(ctx, m)
			if err != nil {
				return nil, err
			}
			c := v.(*ent.Cadre)
			err = m.Client().CadreAssignment.Create().SetCadreID(c.ID).SetDepartmentID(c.DepartmentID).
				SetFrom(clock.DayOf(c.CreatedAt)).SetReason("registered 登记").Exec(authz.Bypass(ctx, "first assignment of a new cadre"))
			return v, err
		})
	}, ent.OpCreate)
}

// TransferCadre moves a cadre to another department (干部调动) from day on (DISTRICT): the open
// assignment ends the day before, a new one opens on that day, and the cadre's pairings in force
// in the villages linked to the old department end that same day before — released, or handed
// over to the old department's cadre with the fewest pairings in force, who takes each household
// from on. Nothing is deleted. The cadre's row lock serialises competing transfers: the first
// applies, the rest find the cadre already moved (CONFLICT).
//
// The cadre's own party-member record follows it (memberMoved) when it is in a branch of the
// old department and the new department has exactly one branch — through MoveMember, in the
// same transaction, so the member's posts, team posts and contributions follow and the move is
// audited as any other. With no branch or several in the new department the member stays
// where it is, and memberMoved is false: someone must choose the branch with moveMember.
//
// A transfer dated into a closed year is refused (YEAR_CLOSED) by the year lock on the
// assignments (ent/schema/yearlock.go), as are pairings ended in one.
func TransferCadre(ctx context.Context, tx *ent.Client, id, departmentID int, on time.Time, pairings enum.PairingDisposition, reason string) (c *ent.Cadre, memberMoved bool, err error) {
	old := 0
	if c, old, err = transferCadre(ctx, tx, id, departmentID, on, pairings, reason); err != nil {
		return nil, false, err
	}
	if memberMoved, err = memberFollowsCadre(ctx, tx, c, old, reason); err != nil {
		return nil, false, err
	}
	return c, memberMoved, nil
}

// memberFollowsCadre moves the transferred cadre's member record from a branch of the old
// department to the new department's only branch, and says whether it did.
func memberFollowsCadre(ctx context.Context, tx *ent.Client, c *ent.Cadre, old int, reason string) (bool, error) {
	if c.MemberID == nil {
		return false, nil
	}
	look := authz.Bypass(ctx, "cadre transfer: the cadre's member record")
	m, err := tx.PartyMember.Get(look, *c.MemberID)
	if ent.IsNotFound(err) {
		return false, nil // deleted since
	}
	if err != nil {
		return false, err
	}
	if m.DepartmentID != old {
		return false, nil // a village, township or 两新 member: the transfer is no concern of its branch
	}
	branches, err := tx.PartyOrganization.Query().Where(partyorganization.DepartmentID(c.DepartmentID),
		partyorganization.OwnerEQ(enum.OwnerDepartment)).Limit(2).IDs(look)
	if err != nil || len(branches) != 1 {
		return false, err
	}
	if _, err := MoveMember(ctx, tx, m.ID, branches[0], "cadre transferred 干部调动: "+reason); err != nil {
		return false, err
	}
	return true, nil
}

func transferCadre(ctx context.Context, tx *ent.Client, id, departmentID int, on time.Time, pairings enum.PairingDisposition, reason string) (*ent.Cadre, int, error) {
	if len([]rune(strings.TrimSpace(reason))) < 2 {
		return nil, 0, apperr.Invalid("reason", "say why the cadre is transferred (请填写调动原因)")
	}
	ctx = authz.WithAction(ctx, authz.ActionTransfer)
	if err := authz.CheckRecord(ctx, tx, ent.TypeCadre, id, authz.ActionTransfer); err != nil {
		return nil, 0, err
	}
	if err := LockRow(ctx, tx, ent.TypeCadre, id); err != nil {
		return nil, 0, err
	}
	c, err := tx.Cadre.Get(ctx, id)
	if err != nil {
		return nil, 0, err
	}
	if c.DepartmentID == departmentID {
		return nil, 0, apperr.Conflictf("the cadre already works in this department (该干部已在此部门)")
	}
	if _, err := tx.Department.Get(ctx, departmentID); ent.IsNotFound(err) {
		return nil, 0, apperr.MissingReference("departmentID")
	} else if err != nil {
		return nil, 0, err
	}
	on = clock.DayOf(on)
	last := on.AddDate(0, 0, -1)
	open, err := tx.CadreAssignment.Query().Where(cadreassignment.CadreID(id), cadreassignment.ToIsNil()).Only(ctx)
	if err != nil && !ent.IsNotFound(err) {
		return nil, 0, err
	}
	if open != nil {
		if !open.From.Before(on) {
			return nil, 0, apperr.Invalid("on", "the transfer must come after the current assignment began on %s (调动日期须晚于现任职起始日期)", open.From.Format(time.DateOnly))
		}
		if err := tx.CadreAssignment.UpdateOne(open).SetTo(last).Exec(ctx); err != nil {
			return nil, 0, err
		}
	}
	if err := tx.CadreAssignment.Create().SetCadreID(id).SetDepartmentID(departmentID).SetFrom(on).SetReason(reason).Exec(ctx); err != nil {
		return nil, 0, err
	}
	old := c.DepartmentID
	// Checked above; bypassed here so that the transfer is audited once, with its details, below.
	if c, err = tx.Cadre.UpdateOneID(id).SetDepartmentID(departmentID).Save(authz.Bypass(ctx, "cadre transfer")); err != nil {
		return nil, 0, err
	}
	if err := endPairings(ctx, tx, id, old, last, pairings, reason); err != nil {
		return nil, 0, err
	}
	bindings, err := tx.RoleBinding.Query().Where(rolebinding.CadreID(id)).IDs(authz.Bypass(ctx, "cadre transfer"))
	if err != nil {
		return nil, 0, err
	}
	if len(bindings) > 0 {
		if err := rewrite(ctx, tx, rolebinding.Table, rolebinding.FieldID, bindings, map[string]any{rolebinding.FieldDepartmentID: departmentID}, time.Now().UTC()); err != nil {
			return nil, 0, err
		}
	}
	if authz.FromContext(ctx) == nil {
		return c, old, nil // system work (the demo loader) is not a caller's act; nothing to audit
	}
	err = authz.Record(ctx, tx, authz.Event{Action: "cadre.transfer", Entity: ent.TypeCadre, EntityID: &id, Changed: []string{cadre.FieldDepartmentID},
		Detail: "from department " + strconv.Itoa(old) + " to " + strconv.Itoa(departmentID) + " on " + on.Format(time.DateOnly) + ", pairings " + string(pairings) + ": " + reason})
	if err != nil {
		return nil, 0, err
	}
	return c, old, nil
}

// endPairings ends the cadre's pairings in force in the villages linked to department old
// (in the year of the last day), on last; with HAND_OVER each household is paired the next
// day with the old department's cadre with the fewest pairings in force (the lowest ID on a tie).
func endPairings(ctx context.Context, tx *ent.Client, cadreID, old int, last time.Time, how enum.PairingDisposition, reason string) error {
	villages, err := tx.DepartmentVillageLink.Query().Where(departmentvillagelink.DepartmentID(old), departmentvillagelink.Year(last.Year())).
		Select(departmentvillagelink.FieldVillageID).Ints(authz.Bypass(ctx, "cadre transfer"))
	if err != nil {
		return err
	}
	ps, err := tx.Pairing.Query().Where(pairing.CadreID(cadreID), pairing.Active(true), pairing.VillageIDIn(villages...)).
		Order(ent.Asc(pairing.FieldID)).All(authz.Bypass(ctx, "cadre transfer"))
	if err != nil || len(ps) == 0 {
		return err
	}
	var load map[int]int
	var takers []int
	if how == enum.PairingsHandOver {
		if takers, err = tx.Cadre.Query().Where(cadre.DepartmentID(old), cadre.IDNEQ(cadreID)).IDs(authz.Bypass(ctx, "cadre transfer")); err != nil {
			return err
		}
		if len(takers) == 0 {
			return apperr.Rule("the old department has no other cadre to hand the pairings over to; release them instead (原部门无其他干部可移交结对)")
		}
		load = map[int]int{}
		for _, t := range takers {
			n, err := tx.Pairing.Query().Where(pairing.CadreID(t), pairing.Active(true)).Count(authz.Bypass(ctx, "cadre transfer"))
			if err != nil {
				return err
			}
			load[t] = n
		}
	}
	for _, p := range ps {
		end := last
		if end.Before(p.StartOn) {
			end = p.StartOn
		}
		if err := tx.Pairing.UpdateOneID(p.ID).Where(pairing.Active(true)).SetActive(false).SetEndOn(end).
			SetReleaseReason("cadre transferred 干部调动: " + reason).Exec(ctx); err != nil {
			return err
		}
		if how != enum.PairingsHandOver {
			continue
		}
		sort.SliceStable(takers, func(i, j int) bool {
			if load[takers[i]] != load[takers[j]] {
				return load[takers[i]] < load[takers[j]]
			}
			return takers[i] < takers[j]
		})
		to := takers[0]
		if err := tx.Pairing.Create().SetCadreID(to).SetHouseholdID(p.HouseholdID).SetStartOn(end.AddDate(0, 0, 1)).
			Exec(authz.WithAction(ctx, authz.ActionCreate)); err != nil {
			return err
		}
		load[to]++
	}
	return nil
}
