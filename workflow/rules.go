package workflow

import (
	"context"
	"time"

	"github.com/nanpiao/sbqw/internal/clock"

	"github.com/nanpiao/sbqw/apperr"
	"github.com/nanpiao/sbqw/authz"
	"github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/ent/assessment"
	"github.com/nanpiao/sbqw/ent/departmentvillagelink"
	"github.com/nanpiao/sbqw/ent/hook"
	"github.com/nanpiao/sbqw/ent/pairing"
	"github.com/nanpiao/sbqw/ent/post"
	"github.com/nanpiao/sbqw/ent/schema/enum"
	"github.com/nanpiao/sbqw/ent/trainingenrollment"
)

// The programme's record rules, attached to the ent schemas as hooks so that every write
// path obeys them. Lookups made to check a rule are bookkeeping (system context); whether the
// caller may touch the records at all is decided before, by the authorization layer.

func today() time.Time { return clock.Today() }

// PairingRules: a cadre pairs only with a needy household, in a village linked to the
// cadre's department for the year the pairing starts, which has no cadre yet; and a cadre
// holds at most the configured number of households.
func PairingRules() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.PairingFunc(func(ctx context.Context, m *ent.PairingMutation) (ent.Value, error) {
			if isGeneratedCopy(ctx) {
				return next.Mutate(ctx, m)
			}
			cadreID, _ := m.CadreID()
			householdID, _ := m.HouseholdID()
			start, _ := m.StartOn()
			c := m.Client()
			// The household's and the cadre's rows are locked (always in this order) before
			// their active pairings are counted: competing pairings queue here.
			if err := LockRow(ctx, c, ent.TypeHousehold, householdID); err != nil {
				return nil, err
			}
			if err := LockRow(ctx, c, ent.TypeCadre, cadreID); err != nil {
				return nil, err
			}
			h, err := c.Household.Get(authz.Bypass(ctx, "workflow rule"), householdID)
			if err != nil {
				return nil, err
			}
			if !h.Needy {
				return nil, apperr.Invalid("householdID", "only households named as needy can be paired (只能与困难群体结对)")
			}
			cadre, err := c.Cadre.Get(authz.Bypass(ctx, "workflow rule"), cadreID)
			if err != nil {
				return nil, err
			}
			linked, err := c.DepartmentVillageLink.Query().Where(departmentvillagelink.DepartmentID(cadre.DepartmentID),
				departmentvillagelink.VillageID(h.VillageID), departmentvillagelink.Year(start.Year())).Exist(authz.Bypass(ctx, "workflow rule"))
			if err != nil {
				return nil, err
			}
			if !linked {
				return nil, apperr.Invalid("householdID", "the household's village is not linked to the cadre's department in %d (该户所在村不是干部所在部门的联系村)", start.Year())
			}
			taken, err := c.Pairing.Query().Where(pairing.HouseholdID(householdID), pairing.Active(true)).Exist(authz.Bypass(ctx, "workflow rule"))
			if err != nil {
				return nil, err
			}
			if taken {
				return nil, apperr.Invalid("householdID", "the household already has a paired cadre; release that pairing first (该户已有结对干部)")
			}
			settings, err := LoadSettings(ctx, c)
			if err != nil {
				return nil, err
			}
			held, err := c.Pairing.Query().Where(pairing.CadreID(cadreID), pairing.Active(true)).Count(authz.Bypass(ctx, "workflow rule"))
			if err != nil {
				return nil, err
			}
			if held >= settings.MaxHouseholdsPerCadre {
				return nil, apperr.Invalid("cadreID", "the cadre already has %d households, the most allowed (每名干部最多结对%d户)", held, settings.MaxHouseholdsPerCadre)
			}
			return next.Mutate(ctx, m)
		})
	}, ent.OpCreate)
}

// VisitRules: only the paired cadre records and corrects a visit, under a pairing in force,
// dated within the pairing and not in the future; after the lock period it cannot change.
func VisitRules() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.VisitFunc(func(ctx context.Context, m *ent.VisitMutation) (ent.Value, error) {
			if authz.IsSystem(ctx) {
				return next.Mutate(ctx, m)
			}
			c := m.Client()
			var p *ent.Pairing
			var err error
			if m.Op().Is(ent.OpCreate) {
				pid, _ := m.PairingID()
				// Locked so that a release cannot end the pairing between this check and the
				// insert — by CreateVisit already when it holds the pairing (Hold).
				if p = heldPairing(ctx, pid); p == nil {
					if err := LockRow(ctx, c, ent.TypePairing, pid); err != nil {
						return nil, err
					}
					if p, err = c.Pairing.Get(authz.Bypass(ctx, "workflow rule"), pid); err != nil {
						return nil, err
					}
				}
				if !p.Active {
					return nil, apperr.Invalid("pairingID", "the pairing has been released; visits go under the pairing in force (该结对已解除)")
				}
			} else {
				id, _ := m.ID()
				v, err := c.Visit.Get(authz.Bypass(ctx, "workflow rule"), id)
				if err != nil {
					return nil, err
				}
				settings, err := LoadSettings(ctx, c)
				if err != nil {
					return nil, err
				}
				if time.Since(v.CreatedAt) > time.Duration(settings.VisitLockDays)*24*time.Hour {
					return nil, apperr.Rule("the visit was recorded more than %d days ago and is locked (走访记录超过%d天已锁定，不能修改)", settings.VisitLockDays, settings.VisitLockDays)
				}
				if p, err = c.Pairing.Get(authz.Bypass(ctx, "workflow rule"), v.PairingID); err != nil {
					return nil, err
				}
			}
			if !isCadre(ctx, p.CadreID) {
				return nil, apperr.Forbiddenf("only the paired cadre records visits (只有结对干部本人可以登记走访)")
			}
			if at, ok := m.VisitedAt(); ok {
				if at.After(time.Now().Add(5 * time.Minute)) {
					return nil, apperr.Invalid("visitedAt", "a visit cannot be in the future (走访时间不能晚于当前时间)")
				}
				if at.Before(p.StartOn) || (p.EndOn != nil && at.After(p.EndOn.Add(24*time.Hour))) {
					return nil, apperr.Invalid("visitedAt", "the visit lies outside the pairing's dates (走访时间不在结对期间内)")
				}
			}
			return next.Mutate(ctx, m)
		})
	}, ent.OpCreate|ent.OpUpdateOne)
}

// isCadre reports whether the caller acts as the given cadre.
func isCadre(ctx context.Context, cadreID int) bool {
	v := authz.FromContext(ctx)
	if v == nil {
		return false
	}
	for _, b := range v.Bindings {
		if b.Role == enum.RoleCadre && b.CadreID == cadreID {
			return true
		}
	}
	return false
}

// actorOf names the caller for event records (who took a step).
func actorOf(ctx context.Context) (*int, string) {
	if v := authz.FromContext(ctx); v != nil {
		id := v.UserID
		return &id, v.Username
	}
	return nil, "system:" + authz.SystemReason(ctx)
}

// EnrollmentRules: only a serving village party secretary is enrolled, and no more hours are
// credited than the course has.
func EnrollmentRules() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.TrainingEnrollmentFunc(func(ctx context.Context, m *ent.TrainingEnrollmentMutation) (ent.Value, error) {
			if m.Op().Is(ent.OpCreate) && isGeneratedCopy(ctx) {
				return next.Mutate(ctx, m)
			}
			c := m.Client()
			if sid, ok := m.SecretaryID(); ok {
				serving, err := c.Post.Query().Where(post.MemberID(sid), VillageSecretaryOn(today())).Exist(authz.Bypass(ctx, "workflow rule"))
				if err != nil {
					return nil, err
				}
				if !serving {
					return nil, apperr.Invalid("secretaryID", "only a serving village party secretary can be enrolled (只有在任村党组织书记可以参训)")
				}
			}
			if hours, ok := m.HoursAttended(); ok {
				courseID, ok := m.CourseID()
				if !ok {
					id, _ := m.ID()
					e, err := c.TrainingEnrollment.Get(authz.Bypass(ctx, "workflow rule"), id)
					if err != nil {
						return nil, err
					}
					courseID = e.CourseID
				}
				// The course's row lock orders this against a change of the course's hours.
				if err := LockRow(ctx, c, ent.TypeTrainingCourse, courseID); err != nil {
					return nil, err
				}
				course, err := c.TrainingCourse.Get(authz.Bypass(ctx, "workflow rule"), courseID)
				if err != nil {
					return nil, err
				}
				if hours > course.Hours {
					return nil, apperr.Invalid("hoursAttended", "more than the course's %.1f hours (超过课程学时)", course.Hours)
				}
			}
			return next.Mutate(ctx, m)
		})
	}, ent.OpCreate|ent.OpUpdateOne)
}

// CourseRules: a course is not made shorter than the hours already credited to an enrolment.
func CourseRules() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.TrainingCourseFunc(func(ctx context.Context, m *ent.TrainingCourseMutation) (ent.Value, error) {
			hours, ok := m.Hours()
			id, _ := m.ID()
			if !ok || authz.IsSystem(ctx) {
				return next.Mutate(ctx, m)
			}
			if err := LockRow(ctx, m.Client(), ent.TypeTrainingCourse, id); err != nil {
				return nil, err
			}
			over, err := m.Client().TrainingEnrollment.Query().
				Where(trainingenrollment.CourseID(id), trainingenrollment.HoursAttendedGT(hours)).Exist(authz.Bypass(ctx, "workflow rule"))
			if err != nil {
				return nil, err
			}
			if over {
				return nil, apperr.Invalid("hours", "an enrolment is already credited with more than %.1f hours (已有学员学时超过该学时)", hours)
			}
			return next.Mutate(ctx, m)
		})
	}, ent.OpUpdateOne)
}

// AssessmentRules: the five capability gains are assessed for a secretary of the village,
// the six performance gains for the village itself; one value per indicator and year.
func AssessmentRules() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.AssessmentFunc(func(ctx context.Context, m *ent.AssessmentMutation) (ent.Value, error) {
			if isGeneratedCopy(ctx) {
				return next.Mutate(ctx, m)
			}
			ind, _ := m.Indicator()
			villageID, _ := m.VillageID()
			year, _ := m.Year()
			secretaryID, hasSecretary := m.SecretaryID()
			switch {
			case ind.IsCapability() && !hasSecretary:
				return nil, apperr.Invalid("secretaryID", "a capability gain (五个增强) is assessed for a secretary: give secretaryID")
			case !ind.IsCapability() && hasSecretary:
				return nil, apperr.Invalid("secretaryID", "a performance gain (六个提高) is assessed for the village: leave secretaryID out")
			}
			c := m.Client()
			// One value per indicator and year: the village's row lock orders competing creates.
			if err := LockRow(ctx, c, ent.TypeVillage, villageID); err != nil {
				return nil, err
			}
			if hasSecretary {
				member, err := c.PartyMember.Get(authz.Bypass(ctx, "workflow rule"), secretaryID)
				if err != nil {
					return nil, err
				}
				if member.VillageID != villageID {
					return nil, apperr.Invalid("secretaryID", "the secretary is not of this village (书记不属于该村)")
				}
			}
			q := c.Assessment.Query().Where(assessment.VillageID(villageID), assessment.Year(year), assessment.IndicatorEQ(ind))
			if hasSecretary {
				q.Where(assessment.SecretaryID(secretaryID))
			}
			dup, err := q.Exist(authz.Bypass(ctx, "workflow rule"))
			if err != nil {
				return nil, err
			}
			if dup {
				return nil, apperr.Conflictf("this indicator is already assessed for %d; update that assessment (该指标本年度已有考核记录)", year)
			}
			return next.Mutate(ctx, m)
		})
	}, ent.OpCreate)
}

// RectificationRules: work in progress moves a plan to IN_PROGRESS; an accepted (or failed)
// rectification is closed to changes.
func RectificationRules() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.RectificationFunc(func(ctx context.Context, m *ent.RectificationMutation) (ent.Value, error) {
			if authz.IsSystem(ctx) || authz.IsWorkflowStep(ctx) {
				return next.Mutate(ctx, m)
			}
			id, _ := m.ID()
			r, err := m.Client().Rectification.Get(authz.Bypass(ctx, "workflow rule"), id)
			if err != nil {
				return nil, err
			}
			if r.Status == enum.RectificationPassed || r.Status == enum.RectificationFailed {
				return nil, apperr.Rule("the rectification has been accepted and is closed (整顿已验收，不能修改)")
			}
			if p, ok := m.Progress(); ok && p > 0 && r.Status == enum.RectificationPlanned {
				m.SetStatus(enum.RectificationInProgress)
			}
			return next.Mutate(ctx, m)
		})
	}, ent.OpUpdateOne)
}
