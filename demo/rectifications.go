package demo

import (
	"context"

	"github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/ent/schema/enum"
)

// Rectifications (整顿) of weak villages: every weak organisation and some villages with
// disputes or weak administration in 2026, and the 2025 round with its acceptance scores
// (70 or more passes). The linked department supports each.

const rectifiedOthers = 9 // villages rectified in 2026 besides the weak organisations

type rectification struct {
	v        *village
	year     int
	kind     enum.RectificationKind
	status   enum.RectificationStatus
	progress int
	score    int // 0 = not scored yet
}

func (l *loader) loadRectifications(ctx context.Context) error {
	r := l.r
	var plans []rectification
	var weak, others []*village
	for _, v := range l.villages {
		if v.weak {
			weak = append(weak, v)
		} else {
			others = append(others, v)
		}
	}
	others = shuffled(r, others)
	// 2025: the weak villages were already being rectified — most failed acceptance and carry
	// on in 2026 — and three others passed.
	for _, v := range weak {
		rc := rectification{v: v, year: 2025, kind: "WEAK_LEADERSHIP", status: "FAILED", progress: 100, score: r.between(52, 68)}
		if r.chance(0.3) {
			rc.status, rc.score = "PASSED", r.between(70, 79) // passed narrowly, watched another year
		}
		plans = append(plans, rc)
	}
	for _, v := range others[:3] {
		plans = append(plans, rectification{v: v, year: 2025, kind: pick(r, []enum.RectificationKind{"DISPUTES", "WEAK_ADMINISTRATION"}), status: "PASSED", progress: 100, score: r.between(72, 93)})
	}
	for i, v := range append(append([]*village(nil), weak...), others[3:3+rectifiedOthers]...) {
		rc := rectification{v: v, year: 2026, kind: "WEAK_LEADERSHIP"}
		if i >= len(weak) {
			rc.kind = pick(r, []enum.RectificationKind{"DISPUTES", "WEAK_ADMINISTRATION"})
		}
		switch choose(r, []weighted[int]{{0, 2}, {1, 6}, {2, 2}}) {
		case 0:
			rc.status, rc.progress = "PLANNED", r.between(0, 15)
		case 1:
			rc.status, rc.progress = "IN_PROGRESS", r.between(20, 90)
		default:
			rc.status, rc.progress, rc.score = "PASSED", 100, r.between(70, 95) // accepted early
		}
		plans = append(plans, rc)
	}
	var bs []*ent.RectificationCreate
	for _, rc := range plans {
		b := l.tx.Rectification.Create().SetVillageID(rc.v.id).SetTownshipID(rc.v.t.id).SetYear(rc.year).
			SetKind(rc.kind).SetMeasures(pick(r, rectificationMeasures[rc.kind])).SetProgress(rc.progress).
			SetStatus(rc.status).SetDueOn(day(rc.year, 12, 15)).SetDepartmentID(rc.v.dept.id)
		if rc.score > 0 {
			b.SetAcceptanceScore(rc.score)
		}
		bs = append(bs, b)
	}
	_, err := insert(ctx, l, "Rectification", bs, func(ctx context.Context, b []*ent.RectificationCreate) ([]*ent.Rectification, error) {
		return l.tx.Rectification.CreateBulk(b...).Save(ctx)
	})
	return err
}
