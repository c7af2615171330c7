package workflow

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/nanpiao/sbqw/apperr"
	"github.com/nanpiao/sbqw/authz"
	"github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/ent/demand"
	"github.com/nanpiao/sbqw/ent/department"
	"github.com/nanpiao/sbqw/ent/schema/enum"
	"github.com/nanpiao/sbqw/ent/setting"
)

// Joint handling (部门手拉手): the township names, besides the lead department a demand is
// assigned to, departments that help; they read the demand and record their part, while
// resolving and returning stay with the lead. Sending a demand back clears its assistants: the
// township assigns it afresh.

// MaxAssistants bounds the assisting departments of one demand.
const MaxAssistants = 5

// SetDemandAssistants replaces the assisting departments of an assigned demand (the township,
// with its assign permission).
func SetDemandAssistants(ctx context.Context, tx *ent.Client, id int, departmentIDs []int, note string) (*ent.Demand, error) {
	ctx = authz.WithAction(ctx, authz.ActionAssign)
	if err := authz.CheckRecord(ctx, tx, ent.TypeDemand, id, authz.ActionAssign); err != nil {
		return nil, err
	}
	if err := LockRow(ctx, tx, ent.TypeDemand, id); err != nil {
		return nil, err
	}
	d, err := tx.Demand.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if d.Status != enum.DemandAssigned {
		return nil, apperr.Rule("only an assigned demand has assisting departments; this one is %s (%s) (仅已交办的诉求可指定协办部门)",
			d.Status, statusNames[d.Status])
	}
	names, err := checkAssistants(ctx, tx, d.DepartmentID, departmentIDs)
	if err != nil {
		return nil, err
	}
	updated, err := tx.Demand.UpdateOneID(id).Where(demand.StatusEQ(d.Status)).
		ClearAssistingDepartments().AddAssistingDepartmentIDs(departmentIDs...).Save(ctx)
	if err != nil {
		return nil, err
	}
	text := "协办部门：" + strings.Join(names, "、")
	if len(departmentIDs) == 0 {
		text = "取消全部协办部门"
	}
	if note = strings.TrimSpace(note); note != "" {
		text += "。" + note
	}
	from := d.Status
	return updated, recordEvent(ctx, tx, updated, &from, text, d.DepartmentID)
}

// checkAssistants: distinct existing departments, at most MaxAssistants, not the lead. It
// returns their names in the order given.
func checkAssistants(ctx context.Context, tx *ent.Client, lead *int, ids []int) ([]string, error) {
	if len(ids) > MaxAssistants {
		return nil, apperr.Invalid("departmentIDs", "at most %d assisting departments (协办部门最多%d个)", MaxAssistants, MaxAssistants)
	}
	seen := map[int]bool{}
	for _, id := range ids {
		if seen[id] {
			return nil, apperr.Invalid("departmentIDs", "a department is named twice (协办部门重复)")
		}
		if lead != nil && id == *lead {
			return nil, apperr.Invalid("departmentIDs", "the lead department cannot also assist (承办部门不能同时作为协办部门)")
		}
		seen[id] = true
	}
	rows, err := tx.Department.Query().Where(department.IDIn(ids...)).All(authz.Bypass(ctx, "assisting departments are reference data"))
	if err != nil {
		return nil, err
	}
	if len(rows) != len(ids) {
		return nil, apperr.Invalid("departmentIDs", "no such department (部门不存在)")
	}
	byID := map[int]string{}
	for _, r := range rows {
		byID[r.ID] = r.Name
	}
	names := make([]string, len(ids))
	for i, id := range ids {
		names[i] = byID[id]
	}
	return names, nil
}

// AssistDemand records an assisting department's part in an assigned demand (what it did, in
// words); the demand's status does not change. FORBIDDEN for a department that is not among
// the demand's assistants, even if it can read the demand as its lead.
func AssistDemand(ctx context.Context, tx *ent.Client, id int, note string) (*ent.Demand, error) {
	if err := authz.CheckRecord(ctx, tx, ent.TypeDemand, id, authz.ActionRead); err != nil {
		return nil, err
	}
	if len([]rune(strings.TrimSpace(note))) < 2 {
		return nil, apperr.Invalid("note", "say what your department did (请填写协办情况)")
	}
	if err := LockRow(ctx, tx, ent.TypeDemand, id); err != nil {
		return nil, err
	}
	sys := authz.Bypass(ctx, "the caller's read of the demand was checked")
	d, err := tx.Demand.Get(sys, id)
	if err != nil {
		return nil, err
	}
	assisting, err := tx.Demand.QueryAssistingDepartments(d).IDs(sys)
	if err != nil {
		return nil, err
	}
	var dept *int
	for _, g := range authz.DepartmentsGranted(ctx, authz.ObjectOf(ent.TypeDemand), authz.ActionAssist) {
		if slices.Contains(assisting, g) {
			dept = &g
			break
		}
	}
	if dept == nil {
		return nil, apperr.Forbiddenf("only an assisting department of this demand may record assistance (仅协办部门可登记协办情况)")
	}
	if d.Status != enum.DemandAssigned {
		return nil, apperr.Rule("a demand in status %s (%s) is not being handled (诉求不在办理中)", d.Status, statusNames[d.Status])
	}
	return d, recordEvent(ctx, tx, d, &d.Status, strings.TrimSpace(note), dept)
}

// Deadlines by category: the days a department has to handle a demand once it is assigned (or
// reopened), from a catalogue the district edits; categories it has not set keep the default.

const keyHandleDays = "demand.handle_days."

// CategoryDeadline is one row of the catalogue.
type CategoryDeadline struct {
	Category   enum.DemandCategory
	Name       string
	HandleDays int
}

// DefaultHandleDays applies to a category the district has not set.
var DefaultHandleDays = int(Steps[authz.ActionAssign].Due / day)

// DemandDeadlines reads the catalogue: one row per category, in the vocabulary's order.
func DemandDeadlines(ctx context.Context, client *ent.Client) ([]CategoryDeadline, error) {
	rows, err := client.Setting.Query().Where(setting.KeyHasPrefix(keyHandleDays)).All(authz.Bypass(ctx, "read settings"))
	if err != nil {
		return nil, err
	}
	set := map[string]int{}
	for _, r := range rows {
		if n, err := strconv.Atoi(r.Value); err == nil {
			set[strings.TrimPrefix(r.Key, keyHandleDays)] = n
		}
	}
	var out []CategoryDeadline
	for _, t := range enum.Terms("DemandCategory") {
		days, ok := set[t.Value]
		if !ok {
			days = DefaultHandleDays
		}
		out = append(out, CategoryDeadline{Category: enum.DemandCategory(t.Value), Name: t.Zh, HandleDays: days})
	}
	return out, nil
}

// handleDue is the deadline of handling a demand of category c assigned today.
func handleDue(ctx context.Context, tx *ent.Client, c enum.DemandCategory) (time.Time, error) {
	rows, err := DemandDeadlines(ctx, tx)
	if err != nil {
		return time.Time{}, err
	}
	for _, r := range rows {
		if r.Category == c {
			return today().AddDate(0, 0, r.HandleDays), nil
		}
	}
	return today().AddDate(0, 0, DefaultHandleDays), nil
}

// SetDemandHandleDays sets a category's handling deadline (DISTRICT), 1–180 days.
func SetDemandHandleDays(ctx context.Context, tx *ent.Client, c enum.DemandCategory, days int) (CategoryDeadline, error) {
	if err := authz.RequireDistrictWide(ctx, authz.ObjectSetting, authz.ActionUpdate); err != nil {
		return CategoryDeadline{}, err
	}
	if days < 1 || days > 180 {
		return CategoryDeadline{}, apperr.Invalid("days", "must be between 1 and 180 (办理时限须在1至180天之间)")
	}
	err := tx.Setting.Create().SetKey(keyHandleDays + string(c)).SetValue(strconv.Itoa(days)).
		OnConflictColumns(setting.FieldKey).UpdateNewValues().Exec(authz.Bypass(ctx, "update settings"))
	if err != nil {
		return CategoryDeadline{}, err
	}
	rows, err := DemandDeadlines(ctx, tx)
	if err != nil {
		return CategoryDeadline{}, err
	}
	for _, r := range rows {
		if r.Category == c {
			return r, nil
		}
	}
	return CategoryDeadline{}, apperr.Invalid("category", "unknown category")
}
