package workflow

import (
	"context"
	"time"

	"github.com/nanpiao/sbqw/apperr"
	"github.com/nanpiao/sbqw/authz"
	"github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/ent/hook"
	"github.com/nanpiao/sbqw/ent/household"
	"github.com/nanpiao/sbqw/ent/pairing"
	"github.com/nanpiao/sbqw/ent/schema/enum"
	"github.com/nanpiao/sbqw/internal/clock"
)

// A household's poverty status (贫困状态) is the one source of truth: its category follows
// from it, its exit year is set by the confirmed exit, and every change is a dated
// PovertyStatusChange, so the status on any past day can be replayed from the history.
//
//	NOT_POOR ──identify──▶ IN_POVERTY ──exit──▶ LIFTED ──monitor──▶ AT_RISK ──close──▶ LIFTED
//	NOT_POOR ──monitor──▶ AT_RISK ──close──▶ NOT_POOR           AT_RISK ──return──▶ RETURNED ──exit──▶ LIFTED
//
// The exit (脱贫退出) is three steps on the household: the village proposes (村评议), the
// township verifies (乡审核, the public notice 公示 starts), the poverty-alleviation office
// confirms (区审定) once the notice period is over; the township or the office may reject at
// its step, with a reason. Monitoring (防返贫监测) and needy are the office's alone.

// exitable: statuses from which an exit may be proposed.
var exitable = map[enum.PovertyStatus]bool{enum.StatusInPoverty: true, enum.StatusReturned: true}

// monitorable: statuses from which monitoring may be opened (a household that left poverty, or
// one never poor but on the edge 边缘易致贫户).
var monitorable = map[enum.PovertyStatus]bool{enum.StatusLifted: true, enum.StatusNotPoor: true}

var povertyNames = map[enum.PovertyStatus]string{
	enum.StatusNotPoor: "非贫困", enum.StatusInPoverty: "未脱贫", enum.StatusLifted: "已脱贫",
	enum.StatusMonitored: "监测中", enum.StatusReturned: "返贫",
}

type povertyStepKey struct{}

// inPovertyStep marks writes made by the steps below, the only ones PovertyRules lets change
// the status, the exit year or needy after creation.
func inPovertyStep(ctx context.Context) bool { return ctx.Value(povertyStepKey{}) != nil }

// PovertyRules keeps a household's poverty fields consistent on every write: the category is
// derived from the status (a contradicting input is refused), a new household starts NOT_POOR
// or IN_POVERTY (its identification recorded), and after creation only the workflow steps
// change the status, the exit year or needy.
func PovertyRules() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.HouseholdFunc(func(ctx context.Context, m *ent.HouseholdMutation) (ent.Value, error) {
			if m.Op().Is(ent.OpCreate) {
				return createHousehold(ctx, m, next)
			}
			if authz.IsSystem(ctx) || inPovertyStep(ctx) {
				if s, ok := m.PovertyStatus(); ok {
					m.SetCategory(enum.CategoryOf(s))
				}
				return next.Mutate(ctx, m)
			}
			if err := checkPovertyUpdate(ctx, m); err != nil {
				return nil, err
			}
			return next.Mutate(ctx, m)
		})
	}, ent.OpCreate|ent.OpUpdate|ent.OpUpdateOne)
}

func createHousehold(ctx context.Context, m *ent.HouseholdMutation, next ent.Mutator) (ent.Value, error) {
	system := authz.IsSystem(ctx)
	status, ok := m.PovertyStatus()
	if !ok {
		status = enum.StatusNotPoor
	}
	if !system && status != enum.StatusNotPoor && status != enum.StatusInPoverty {
		return nil, apperr.Invalid("povertyStatus", "a new household is NOT_POOR or IN_POVERTY (identified); exits, monitoring and returns are workflow steps (新建农户只能为非贫困或未脱贫)")
	}
	if _, set := m.ExitYear(); set && !system {
		return nil, apperr.Invalid("exitYear", "the exit year is set when the office confirms an exit (脱贫年度由区审定生成)")
	}
	// ent fills the default (ORDINARY) before hooks run, so ORDINARY cannot be told from "not
	// given": it is replaced by the derived category; any other contradiction is refused.
	if c, set := m.Category(); set && c != enum.CategoryOrdinary && c != enum.CategoryOf(status) {
		return nil, apperr.Invalid("category", "category %s contradicts povertyStatus %s, which implies %s; omit it (农户类别与贫困状态矛盾)", c, status, enum.CategoryOf(status))
	}
	m.SetCategory(enum.CategoryOf(status))
	if needy, _ := m.Needy(); needy {
		if !system {
			return nil, apperr.Forbiddenf("only the poverty-alleviation office names a household needy, through setHouseholdNeedy (困难群体由区扶贫办认定)")
		}
		if status == enum.StatusNotPoor {
			return nil, apperr.Invalid("needy", "a NOT_POOR household cannot be needy (非贫困户不能认定为困难群体)")
		}
	}
	if _, set := m.IdentifiedYear(); !set && status == enum.StatusInPoverty {
		m.SetIdentifiedYear(clock.Today().Year())
	}
	v, err := next.Mutate(ctx, m)
	if err != nil || system || status == enum.StatusNotPoor {
		return v, err // system loaders (demo, import) write their own dated history
	}
	h := v.(*ent.Household)
	return v, recordChange(ctx, m.Client(), h, enum.StepIdentified, enum.StatusNotPoor, nil, "")
}

func checkPovertyUpdate(ctx context.Context, m *ent.HouseholdMutation) error {
	_, s := m.PovertyStatus()
	_, c := m.Category()
	_, y := m.ExitYear()
	_, n := m.Needy()
	if !(s || c || y || n || m.ExitYearCleared()) {
		return nil
	}
	if !m.Op().Is(ent.OpUpdateOne) {
		return apperr.Rule("poverty fields change one household at a time, through the poverty workflow")
	}
	old, err := m.OldPovertyStatus(ctx)
	if err != nil {
		return err
	}
	if to, set := m.PovertyStatus(); set && to != old {
		return apperr.Invalid("povertyStatus", "the poverty status changes only through the exit workflow (proposeHouseholdExit → verifyHouseholdExit → confirmHouseholdExit) and monitoring; it is %s (贫困状态只能经退出流程或监测变更)", old)
	}
	if cat, set := m.Category(); set && cat != enum.CategoryOf(old) {
		return apperr.Invalid("category", "category %s contradicts povertyStatus %s, which implies %s; omit it (农户类别与贫困状态矛盾)", cat, old, enum.CategoryOf(old))
	}
	oldYear, err := m.OldExitYear(ctx)
	if err != nil {
		return err
	}
	if yr, set := m.ExitYear(); (set && (oldYear == nil || *oldYear != yr)) || (m.ExitYearCleared() && oldYear != nil) {
		return apperr.Invalid("exitYear", "the exit year is set when the office confirms an exit (脱贫年度由区审定生成)")
	}
	if needy, set := m.Needy(); set {
		oldNeedy, err := m.OldNeedy(ctx)
		if err != nil {
			return err
		}
		if needy != oldNeedy {
			return apperr.Forbiddenf("only the poverty-alleviation office names a household needy, through setHouseholdNeedy (困难群体由区扶贫办认定)")
		}
	}
	return nil
}

// PovertyStepInput carries what a step may need.
type PovertyStepInput struct {
	Reason string
	Risk   *enum.MonitoringRisk
}

// ProposeExit: the village proposes the household's exit (村评议).
func ProposeExit(ctx context.Context, tx *ent.Client, id int, in PovertyStepInput) (*ent.Household, error) {
	return povertyStep(ctx, tx, id, authz.ActionProposeExit, func(h *ent.Household, u *ent.HouseholdUpdateOne) (enum.PovertyStep, error) {
		if !exitable[h.PovertyStatus] {
			return "", apperr.Conflictf("only a household in poverty (IN_POVERTY or RETURNED) can be proposed for exit; it is %s (%s) (当前状态不能申请脱贫)", h.PovertyStatus, povertyNames[h.PovertyStatus])
		}
		if h.ExitStage != enum.ExitNone {
			return "", apperr.Conflictf("an exit is already under way (%s) (已在退出流程中)", h.ExitStage)
		}
		u.SetExitStage(enum.ExitProposed)
		return enum.StepExitProposed, nil
	})
}

// VerifyExit: the township verifies a proposed exit (乡审核); the public notice starts today.
func VerifyExit(ctx context.Context, tx *ent.Client, id int, in PovertyStepInput) (*ent.Household, error) {
	return povertyStep(ctx, tx, id, authz.ActionVerifyExit, func(h *ent.Household, u *ent.HouseholdUpdateOne) (enum.PovertyStep, error) {
		if h.ExitStage != enum.ExitProposed {
			return "", apperr.Conflictf("only an exit proposed by the village can be verified; the exit is at %s (未经村评议，不能审核)", h.ExitStage)
		}
		u.SetExitStage(enum.ExitVerified).SetExitVerifiedOn(clock.Today())
		return enum.StepExitVerified, nil
	})
}

// ConfirmExit: the office confirms a verified exit once the public notice is over (区审定);
// the household is LIFTED, its exit year this year.
func ConfirmExit(ctx context.Context, tx *ent.Client, id int, in PovertyStepInput) (*ent.Household, error) {
	settings, err := LoadSettings(ctx, tx)
	if err != nil {
		return nil, err
	}
	return povertyStep(ctx, tx, id, authz.ActionConfirmExit, func(h *ent.Household, u *ent.HouseholdUpdateOne) (enum.PovertyStep, error) {
		if h.ExitStage != enum.ExitVerified || h.ExitVerifiedOn == nil {
			return "", apperr.Conflictf("only an exit verified by the township can be confirmed; the exit is at %s (未经乡审核，不能审定)", h.ExitStage)
		}
		ends := NoticeEnds(*h.ExitVerifiedOn, settings.ExitNoticeDays)
		if clock.Today().Before(ends) {
			return "", apperr.Conflictf("the public notice (公示) of %d days runs until %s; confirm on or after that day (公示期未满)", settings.ExitNoticeDays, ends.Format(time.DateOnly))
		}
		u.SetPovertyStatus(enum.StatusLifted).SetExitYear(clock.Today().Year()).SetExitStage(enum.ExitNone).ClearExitVerifiedOn()
		return enum.StepExitConfirmed, nil
	})
}

// NoticeEnds is the first day an exit verified on verified may be confirmed.
func NoticeEnds(verified time.Time, days int) time.Time { return verified.AddDate(0, 0, days) }

// RejectExit sends a pending exit back with a reason: a proposed exit by the township (as
// verifier), a verified one by the office (as confirmer).
func RejectExit(ctx context.Context, tx *ent.Client, id int, in PovertyStepInput) (*ent.Household, error) {
	if len([]rune(in.Reason)) < 2 {
		return nil, apperr.Invalid("reason", "say why the exit is rejected (请填写退回理由)")
	}
	// Who may reject depends on the stage: read it first (the step re-reads it under the lock).
	if err := authz.CheckRecord(ctx, tx, ent.TypeHousehold, id, authz.ActionRead); err != nil {
		return nil, err
	}
	h, err := tx.Household.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	action := authz.ActionVerifyExit
	if h.ExitStage == enum.ExitVerified {
		action = authz.ActionConfirmExit
	}
	return povertyStepWith(ctx, tx, id, action, in, func(h *ent.Household, u *ent.HouseholdUpdateOne) (enum.PovertyStep, error) {
		want := enum.ExitProposed
		if action == authz.ActionConfirmExit {
			want = enum.ExitVerified
		}
		if h.ExitStage != want {
			return "", apperr.Conflictf("the exit is at %s, not %s; it was moved meanwhile — reload it (退出进度已变化，请刷新)", h.ExitStage, want)
		}
		u.SetExitStage(enum.ExitNone).ClearExitVerifiedOn()
		return enum.StepExitRejected, nil
	})
}

// OpenMonitoring puts a household under monitoring (纳入防返贫监测) for a risk.
func OpenMonitoring(ctx context.Context, tx *ent.Client, id int, in PovertyStepInput) (*ent.Household, error) {
	if in.Risk == nil {
		return nil, apperr.Invalid("risk", "name the risk the household is monitored for (请选择监测风险)")
	}
	return povertyStepWith(ctx, tx, id, authz.ActionMonitor, in, func(h *ent.Household, u *ent.HouseholdUpdateOne) (enum.PovertyStep, error) {
		if !monitorable[h.PovertyStatus] || h.ExitStage != enum.ExitNone {
			return "", apperr.Conflictf("only a household that left poverty or is not poor can be put under monitoring; it is %s (%s) (当前状态不能纳入监测)", h.PovertyStatus, povertyNames[h.PovertyStatus])
		}
		u.SetPovertyStatus(enum.StatusMonitored).SetMonitoringRisk(*in.Risk)
		return enum.StepMonitoringOpened, nil
	})
}

// CloseMonitoring ends monitoring once the risk is removed (风险消除): the household returns to
// the status it had when monitoring opened.
func CloseMonitoring(ctx context.Context, tx *ent.Client, id int, in PovertyStepInput) (*ent.Household, error) {
	return povertyStepWith(ctx, tx, id, authz.ActionMonitor, in, func(h *ent.Household, u *ent.HouseholdUpdateOne) (enum.PovertyStep, error) {
		if h.PovertyStatus != enum.StatusMonitored {
			return "", apperr.Conflictf("the household is not under monitoring; it is %s (%s) (该户不在监测中)", h.PovertyStatus, povertyNames[h.PovertyStatus])
		}
		back := enum.StatusNotPoor
		if h.ExitYear != nil {
			back = enum.StatusLifted
		}
		u.SetPovertyStatus(back).ClearMonitoringRisk()
		return enum.StepMonitoringClosed, nil
	})
}

// MarkReturned records that a monitored household fell (back) into poverty (返贫/致贫).
func MarkReturned(ctx context.Context, tx *ent.Client, id int, in PovertyStepInput) (*ent.Household, error) {
	if len([]rune(in.Reason)) < 2 {
		return nil, apperr.Invalid("reason", "say why the household returned to poverty (请填写返贫原因)")
	}
	return povertyStepWith(ctx, tx, id, authz.ActionMonitor, in, func(h *ent.Household, u *ent.HouseholdUpdateOne) (enum.PovertyStep, error) {
		if h.PovertyStatus != enum.StatusMonitored {
			return "", apperr.Conflictf("only a monitored household can be marked returned to poverty; it is %s (%s) (未纳入监测的农户不能标记返贫)", h.PovertyStatus, povertyNames[h.PovertyStatus])
		}
		u.SetPovertyStatus(enum.StatusReturned).ClearMonitoringRisk()
		return enum.StepReturned, nil
	})
}

// SetNeedy names a household needy (困难群体) or takes it off the list: the office's alone,
// and never for a NOT_POOR household. Taking a paired household off is refused while it has an
// active pairing (the pairing is released first).
func SetNeedy(ctx context.Context, tx *ent.Client, id int, needy bool, reason string) (*ent.Household, error) {
	if len([]rune(reason)) < 2 {
		return nil, apperr.Invalid("reason", "say why (请填写认定理由)")
	}
	ctx = authz.WithAction(ctx, authz.ActionSetNeedy)
	if err := checkStep(ctx, tx, id, authz.ActionSetNeedy); err != nil {
		return nil, err
	}
	h, err := tx.Household.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if needy && h.PovertyStatus == enum.StatusNotPoor {
		return nil, apperr.Conflictf("a NOT_POOR household cannot be needy (非贫困户不能认定为困难群体)")
	}
	if !needy && h.Needy {
		paired, err := h.QueryPairings().Where(pairing.Active(true)).Exist(authz.Bypass(ctx, "needy: active pairings"))
		if err != nil {
			return nil, err
		}
		if paired {
			return nil, apperr.Conflictf("the household has an active pairing; release it first (该户仍有结对干部，请先解除结对)")
		}
	}
	return tx.Household.UpdateOneID(id).SetNeedy(needy).Save(context.WithValue(ctx, povertyStepKey{}, true))
}

type decide func(h *ent.Household, u *ent.HouseholdUpdateOne) (enum.PovertyStep, error)

func povertyStep(ctx context.Context, tx *ent.Client, id int, action string, d decide) (*ent.Household, error) {
	return povertyStepWith(ctx, tx, id, action, PovertyStepInput{}, d)
}

// povertyStepWith checks the caller may take the step, locks the household, lets d decide the
// change from the state read under the lock, writes it and records it in the history.
func povertyStepWith(ctx context.Context, tx *ent.Client, id int, action string, in PovertyStepInput, d decide) (*ent.Household, error) {
	ctx = authz.WithAction(ctx, action)
	if err := checkStep(ctx, tx, id, action); err != nil {
		return nil, err
	}
	h, err := tx.Household.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	// The guard repeats what was read under the lock: on SQLite (no row locks, serialised
	// writers) and anywhere the lock is missing, a step that lost a race updates nothing.
	u := tx.Household.UpdateOneID(id).Where(household.PovertyStatusEQ(h.PovertyStatus), household.ExitStageEQ(h.ExitStage))
	step, err := d(h, u)
	if err != nil {
		return nil, err
	}
	updated, err := u.Save(context.WithValue(ctx, povertyStepKey{}, true))
	if ent.IsNotFound(err) {
		return nil, apperr.Conflictf("the household was changed by someone else meanwhile; reload it (农户状态已变化，请刷新)")
	}
	if err != nil {
		return nil, err
	}
	return updated, recordChange(ctx, tx, updated, step, h.PovertyStatus, in.Risk, in.Reason)
}

// checkStep: the household is visible (else NOT_FOUND), the caller may take action on it (else
// FORBIDDEN; the office's acts only by the office), and its row is locked.
func checkStep(ctx context.Context, tx *ent.Client, id int, action string) error {
	if err := authz.CheckRecord(ctx, tx, ent.TypeHousehold, id, action); err != nil {
		return err
	}
	for _, a := range authz.OfficeOnly {
		if a == action {
			if err := authz.RequireOffice(ctx, authz.ObjectOf(ent.TypeHousehold), action); err != nil {
				return err
			}
		}
	}
	return LockRow(ctx, tx, ent.TypeHousehold, id)
}

func recordChange(ctx context.Context, tx *ent.Client, h *ent.Household, step enum.PovertyStep, from enum.PovertyStatus, risk *enum.MonitoringRisk, reason string) error {
	actorID, actorName := actorOf(ctx)
	return tx.PovertyStatusChange.Create().SetHouseholdID(h.ID).SetStep(step).SetFromStatus(from).SetToStatus(h.PovertyStatus).
		SetChangedOn(clock.Today()).SetNillableRisk(risk).SetReason(truncate(reason, 1000)).
		SetNillableActorID(actorID).SetActorName(truncate(actorName, 64)).
		Exec(authz.Bypass(ctx, "poverty status change"))
}
