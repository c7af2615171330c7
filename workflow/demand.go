package workflow

import (
	"context"
	"slices"
	"strings"
	"time"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"

	"github.com/nanpiao/sbqw/apperr"
	"github.com/nanpiao/sbqw/authz"
	"github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/ent/demand"
	"github.com/nanpiao/sbqw/ent/hook"
	"github.com/nanpiao/sbqw/ent/household"
	"github.com/nanpiao/sbqw/ent/schema/enum"
)

// A demand (诉求) moves REGISTERED → ACCEPTED → ASSIGNED → RESOLVED → FOLLOWED_UP → CLOSED, or
// from REGISTERED or ACCEPTED to REJECTED with a reason. A department sends an assigned demand
// that is not its own back to ACCEPTED with a reason, for the township to reassign; a
// DISSATISFIED follow-up reopens the demand (back to ASSIGNED, same department) instead of
// letting it close. Each step is one named action with its own permission, records a
// DemandEvent, and sets the deadline of the next step.

// Step describes one transition; Steps names it by its action.
type Step struct {
	From []enum.DemandStatus
	To   enum.DemandStatus
	// Due is the default time allowed for the step that follows, 0 when none follows.
	Due time.Duration
}

const day = 24 * time.Hour

// Steps are the transitions of the demand workflow, by action.
var Steps = map[string]Step{
	authz.ActionAccept:   {[]enum.DemandStatus{enum.DemandRegistered}, enum.DemandAccepted, 5 * day},
	authz.ActionAssign:   {[]enum.DemandStatus{enum.DemandAccepted}, enum.DemandAssigned, 15 * day},
	authz.ActionResolve:  {[]enum.DemandStatus{enum.DemandAssigned}, enum.DemandResolved, 7 * day},
	authz.ActionFollowUp: {[]enum.DemandStatus{enum.DemandResolved}, enum.DemandFollowedUp, 3 * day},
	authz.ActionClose:    {[]enum.DemandStatus{enum.DemandFollowedUp}, enum.DemandClosed, 0},
	authz.ActionReject:   {[]enum.DemandStatus{enum.DemandRegistered, enum.DemandAccepted}, enum.DemandRejected, 0},
	authz.ActionReturn:   {[]enum.DemandStatus{enum.DemandAssigned}, enum.DemandAccepted, 5 * day},
}

// reopened is where a DISSATISFIED follow-up takes a demand: back to its department.
var reopened = Steps[authz.ActionAssign]

// DemandEnded are the statuses a demand ends in: no step leaves them, and an ended demand is
// never overdue.
var DemandEnded = []enum.DemandStatus{enum.DemandClosed, enum.DemandRejected}

// DemandOpen reports whether a demand in status s still awaits a step.
func DemandOpen(s enum.DemandStatus) bool { return !slices.Contains(DemandEnded, s) }

// registrationDue is the time allowed to accept or reject a new demand.
const registrationDue = 3 * day

var statusNames = map[enum.DemandStatus]string{
	enum.DemandRegistered: "登记", enum.DemandAccepted: "受理", enum.DemandAssigned: "交办", enum.DemandResolved: "办结",
	enum.DemandFollowedUp: "回访", enum.DemandClosed: "关闭", enum.DemandRejected: "不予受理",
}

// StepInput carries what a step may need.
type StepInput struct {
	Note         string
	DueOn        *time.Time
	DepartmentID *int               // assign
	Assistants   []int              // assign: departments helping the lead (部门手拉手)
	Satisfaction *enum.Satisfaction // follow_up
}

// Advance takes one step of a demand's workflow.
func Advance(ctx context.Context, tx *ent.Client, id int, action string, in StepInput) (*ent.Demand, error) {
	step := Steps[action]
	ctx = authz.WithAction(ctx, action)
	if err := authz.CheckRecord(ctx, tx, ent.TypeDemand, id, action); err != nil {
		return nil, err
	}
	if err := LockRow(ctx, tx, ent.TypeDemand, id); err != nil {
		return nil, err
	}
	d, err := tx.Demand.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if !allowedFrom(step, d.Status) {
		return nil, apperr.Rule("a demand in status %s (%s) cannot be moved to %s (%s) (当前状态不能执行此操作)",
			d.Status, statusNames[d.Status], step.To, statusNames[step.To])
	}
	upd := tx.Demand.UpdateOneID(id).Where(demand.StatusEQ(d.Status)).SetStatus(step.To)
	var eventDept *int
	switch action {
	case authz.ActionReturn:
		if len([]rune(in.Note)) < 2 {
			return nil, apperr.Invalid("reason", "say why the demand is not your department's (请填写退回理由)")
		}
		eventDept = d.DepartmentID // the event keeps who sent it back
	case authz.ActionReject:
		if len([]rune(in.Note)) < 2 {
			return nil, apperr.Invalid("reason", "say why the demand is not accepted (请填写不予受理的理由)")
		}
	case authz.ActionAssign:
		if in.DepartmentID == nil {
			return nil, apperr.Invalid("departmentID", "name the department the demand is assigned to (请指定承办部门)")
		}
		upd.SetDepartmentID(*in.DepartmentID)
		eventDept = in.DepartmentID
		if len(in.Assistants) > 0 {
			names, err := checkAssistants(ctx, tx, in.DepartmentID, in.Assistants)
			if err != nil {
				return nil, err
			}
			upd.AddAssistingDepartmentIDs(in.Assistants...)
			in.Note = strings.TrimSpace(in.Note + " 协办部门：" + strings.Join(names, "、"))
		}
	case authz.ActionResolve:
		if len([]rune(in.Note)) < 2 {
			return nil, apperr.Invalid("note", "say how the demand was resolved (请填写办理结果)")
		}
	case authz.ActionFollowUp:
		if in.Satisfaction == nil {
			return nil, apperr.Invalid("satisfaction", "record the household's satisfaction (请填写回访满意度)")
		}
		upd.SetSatisfaction(*in.Satisfaction)
		if *in.Satisfaction == enum.SatisfactionDissatisfied {
			step = Step{To: reopened.To, Due: reopened.Due}
			upd.SetStatus(step.To)
		}
	}
	switch {
	case in.DueOn != nil:
		if in.DueOn.Before(today()) {
			return nil, apperr.Invalid("dueOn", "the deadline is in the past (时限不能早于今天)")
		}
		upd.SetDueOn(*in.DueOn)
	case step.To == enum.DemandAssigned:
		// Handling time by category, from the district's catalogue (assigned or reopened).
		due, err := handleDue(ctx, tx, d.Category)
		if err != nil {
			return nil, err
		}
		upd.SetDueOn(due)
	case step.Due > 0:
		upd.SetDueOn(today().Add(step.Due))
	default:
		upd.ClearDueOn()
	}
	if !DemandOpen(step.To) {
		upd.SetClosedAt(time.Now().UTC())
	}
	updated, err := upd.Save(ctx)
	if ent.IsNotFound(err) {
		return nil, apperr.Conflictf("the demand was moved on by someone else meanwhile; reload it (诉求状态已变化，请刷新)")
	}
	if err != nil {
		return nil, err
	}
	if action == authz.ActionReturn {
		// Unassigned only after the step: the step itself is the department's, in its scope;
		// leaving that scope is the point of sending the demand back.
		if updated, err = tx.Demand.UpdateOneID(id).ClearDepartmentID().ClearAssistingDepartments().Save(authz.Bypass(ctx, "returned demand leaves its department")); err != nil {
			return nil, err
		}
	}
	from := d.Status
	return updated, recordEvent(ctx, tx, updated, &from, in.Note, eventDept)
}

func allowedFrom(s Step, status enum.DemandStatus) bool {
	for _, f := range s.From {
		if f == status {
			return true
		}
	}
	return false
}

func recordEvent(ctx context.Context, tx *ent.Client, d *ent.Demand, from *enum.DemandStatus, note string, dept *int) error {
	actorID, actorName := actorOf(ctx)
	create := tx.DemandEvent.Create().SetDemandID(d.ID).SetNillableFromStatus(from).SetToStatus(d.Status).
		SetNote(note).SetNillableDepartmentID(dept).SetNillableActorID(actorID).SetActorName(truncate(actorName, 64))
	if d.TownshipID != 0 && d.VillageID != 0 && d.HouseholdID != 0 {
		// The scope columns come from the demand in hand (they never change after it is
		// created), so the event's scope hook has nothing to look up (ScopeMixin).
		create.SetTownshipID(d.TownshipID).SetVillageID(d.VillageID).SetHouseholdID(d.HouseholdID)
	}
	return create.Exec(authz.Bypass(ctx, "demand event"))
}

// CreateDemand registers a demand. With an idempotency key, a retry of the same request
// (a field app resending after a dropped connection) returns the demand first registered.
// Concurrent requests with one key meet the unique index (created_by, idempotency_key): the
// later inserts wait for the first transaction, fail as duplicates when it commits, and return
// the demand it stored — for the same household or, with a key reused, another one.
func CreateDemand(ctx context.Context, tx *ent.Client, in ent.CreateDemandInput, key *string) (*ent.Demand, error) {
	v := authz.FromContext(ctx)
	if key == nil || v == nil {
		return tx.Demand.Create().SetInput(in).SetNillableCreatedBy(createdBy(v)).Save(ctx)
	}
	first := func() (*ent.Demand, error) {
		return tx.Demand.Query().Where(demand.CreatedBy(v.UserID), demand.IdempotencyKey(*key)).Only(ctx)
	}
	// The household's shared lock: a move of the household (which rewrites the scope columns
	// of the rows under it) waits for this transaction, or this one for the move, so the new
	// demand takes the household's scope as it is at commit. Demands registered for one
	// household side by side do not wait for each other: requests with one key meet the
	// unique index, and once returns the demand that got there first.
	h, err := shareHousehold(ctx, tx, in.HouseholdID)
	if err != nil {
		return nil, err
	}
	save := ctx
	if h != nil { // the demand's scope and reference hooks take it instead of reading it again
		save = Hold(ctx, ent.TypeHousehold, h.ID, h, map[string]int{household.FieldTownshipID: h.TownshipID, household.FieldVillageID: h.VillageID})
	}
	return once(first, func() (*ent.Demand, error) {
		return tx.Demand.Create().SetInput(in).SetIdempotencyKey(*key).SetCreatedBy(v.UserID).Save(save)
	})
}

// shareHousehold takes the household's shared lock and reads it through the caller's read
// rules, in one statement on MySQL; nil when the caller cannot see it (the lock is then taken
// on its own, and the create reports the reference in its own words).
func shareHousehold(ctx context.Context, tx *ent.Client, id int) (*ent.Household, error) {
	q := tx.Household.Query().Where(household.ID(id))
	if tx.Dialect() != dialect.SQLite { // SQLite serialises its writers instead
		q = q.ForShare(entsql.WithLockClause("LOCK IN SHARE MODE")) // MariaDB has no FOR SHARE
	}
	h, err := q.Only(ctx)
	if ent.IsNotFound(err) {
		return nil, LockRowShared(ctx, tx, ent.TypeHousehold, id)
	}
	return h, err
}

func createdBy(v *authz.Viewer) *int {
	if v == nil {
		return nil
	}
	return &v.UserID
}

// DemandRules: a demand heard on a visit belongs to that visit's household; a new demand starts
// REGISTERED with a deadline for acceptance, and its registration is its first event.
func DemandRules() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.DemandFunc(func(ctx context.Context, m *ent.DemandMutation) (ent.Value, error) {
			if authz.IsSystem(ctx) { // bulk loaders write their own history
				return next.Mutate(ctx, m)
			}
			c := m.Client()
			if visitID, ok := m.VisitID(); ok {
				v, err := c.Visit.Get(authz.Bypass(ctx, "workflow rule"), visitID)
				if err != nil {
					return nil, err
				}
				if hh, _ := m.HouseholdID(); v.HouseholdID != hh {
					return nil, apperr.Invalid("visitID", "the visit was to another household (走访对象与诉求农户不一致)")
				}
			}
			if _, ok := m.DueOn(); !ok {
				m.SetDueOn(today().Add(registrationDue))
			}
			value, err := next.Mutate(ctx, m)
			if err != nil {
				return nil, err
			}
			d := value.(*ent.Demand)
			return d, recordEvent(ctx, c, d, nil, "", nil)
		})
	}, ent.OpCreate)
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n])
	}
	return s
}
