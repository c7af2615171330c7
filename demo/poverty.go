package demo

import (
	"context"
	"time"

	"github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/ent/schema/enum"
)

// The poverty history (贫困状态变更记录) of every household that was ever poor or monitored,
// 2014–2026: identification, the three exit steps (村评议 → 乡审核 → 7-day 公示 → 区审定),
// monitoring opened for a risk and, for some, closed or ended in a return to poverty. Each
// household's last change leads to the status it is stored with, so the history replays to
// today's state; no change is later than the loader's "today" of 2026.

var demoRisks = []enum.MonitoringRisk{"INCOME_BELOW_LINE", "ILLNESS", "DISASTER", "SUDDEN_EXPENSE"}

type povertyEvent struct {
	step     enum.PovertyStep
	from, to enum.PovertyStatus
	on       time.Time
	risk     *enum.MonitoringRisk
	reason   string
}

// povertyEvents is h's history; it uses only h's own fields (no draws from the random stream),
// so adding it changes nothing else in the demo district.
func povertyEvents(h *household, i int) []povertyEvent {
	if h.status == enum.StatusNotPoor {
		return nil
	}
	var out []povertyEvent
	add := func(step enum.PovertyStep, from, to enum.PovertyStatus, on time.Time, reason string) {
		out = append(out, povertyEvent{step: step, from: from, to: to, on: on, reason: reason})
	}
	risk := func(year int) {
		r := demoRisks[i%len(demoRisks)]
		from := enum.StatusNotPoor
		if h.exit > 0 {
			from = enum.StatusLifted
		}
		out = append(out, povertyEvent{step: enum.StepMonitoringOpened, from: from, to: enum.StatusMonitored,
			on: day(year, time.Month(3+i%6), 1+i%27), risk: &r, reason: "动态监测排查发现风险"})
	}
	monitoredFromStart := h.exit == 0 && h.status == enum.StatusMonitored
	if !monitoredFromStart {
		add(enum.StepIdentified, enum.StatusNotPoor, enum.StatusInPoverty, day(h.identified, time.Month(3), 1+i%20), "精准识别，建档立卡")
	}
	if h.exit > 0 {
		y := h.exit
		add(enum.StepExitProposed, enum.StatusInPoverty, enum.StatusInPoverty, day(y, time.Month(10), 8), "村民代表大会评议通过")
		add(enum.StepExitVerified, enum.StatusInPoverty, enum.StatusInPoverty, day(y, time.Month(10), 20), "乡镇审核通过，公示7天")
		add(enum.StepExitConfirmed, enum.StatusInPoverty, enum.StatusLifted, day(y, time.Month(11), 5), "区扶贫办审定，达到脱贫标准")
	}
	switch {
	case monitoredFromStart:
		risk(h.identified)
	case h.status == enum.StatusMonitored:
		risk(min(h.exit+3+i%4, 2026))
	case h.status == enum.StatusReturned:
		risk(h.exit + 2)
		add(enum.StepReturned, enum.StatusMonitored, enum.StatusReturned, day(h.exit+3, time.Month(2), 10), "因病返贫")
	case h.status == enum.StatusLifted && i%4 == 0 && h.exit <= 2022:
		// monitored for a while after the exit, risk removed
		risk(h.exit + 2)
		add(enum.StepMonitoringClosed, enum.StatusMonitored, enum.StatusLifted, day(h.exit+3, time.Month(9), 15), "风险消除")
	}
	if len(out) > 0 && out[len(out)-1].to != h.status {
		panic("demo: poverty history of " + h.number + " does not end at " + string(h.status))
	}
	return out
}

func (l *loader) loadPovertyHistory(ctx context.Context) error {
	var bs []*ent.PovertyStatusChangeCreate
	for i, h := range l.households {
		for _, e := range povertyEvents(h, i) {
			bs = append(bs, l.tx.PovertyStatusChange.Create().SetHouseholdID(h.id).SetTownshipID(h.v.t.id).SetVillageID(h.v.id).
				SetStep(e.step).SetFromStatus(e.from).SetToStatus(e.to).SetChangedOn(e.on).SetNillableRisk(e.risk).
				SetReason(e.reason).SetActorName("system:demo"))
		}
	}
	_, err := insert(ctx, l, "PovertyStatusChange", bs, func(ctx context.Context, b []*ent.PovertyStatusChangeCreate) ([]*ent.PovertyStatusChange, error) {
		return l.tx.PovertyStatusChange.CreateBulk(b...).Save(ctx)
	})
	return err
}
