package demo

import (
	"fmt"
	"time"

	"github.com/nanpiao/sbqw/ent/schema/enum"
)

// assistEvery: one assigned demand in this many is handled jointly (部门手拉手): the village's
// linked department (or the next department) assists the lead and records its part. Chosen
// without the random source, so the rest of the demo stays as it was.
const assistEvery = 5

func (l *loader) assistJointly() {
	n := 0
	for _, d := range l.demands {
		if d.dept == nil || len(l.departments) < 2 {
			continue
		}
		at := -1 // index of the ASSIGNED step
		for i, s := range d.steps {
			if s.to == "ASSIGNED" {
				at = i
			}
		}
		if at < 0 {
			continue
		}
		if n++; n%assistEvery != 0 {
			continue
		}
		helper := d.h.v.dept
		if helper == nil || helper == d.dept {
			helper = l.departments[(n/assistEvery)%len(l.departments)]
			if helper == d.dept {
				helper = l.departments[(n/assistEvery+1)%len(l.departments)]
			}
		}
		d.assist = append(d.assist, helper)
		d.steps[at].note += fmt.Sprintf("协办：%s。", helper.spec.name)
		// The helper's part, half-way between the assignment and the next step (or a day later).
		when := d.steps[at].at.Add(24 * time.Hour)
		if at+1 < len(d.steps) {
			when = d.steps[at].at.Add(d.steps[at+1].at.Sub(d.steps[at].at) / 2)
		}
		if when.After(demoNow) {
			continue
		}
		step := demandStep{to: enum.DemandAssigned, at: when, actor: helper.spec.name, dept: helper,
			note: fmt.Sprintf("%s协助办理：已派员现场核实并提出协办意见。", helper.spec.name)}
		d.steps = append(d.steps[:at+1], append([]demandStep{step}, d.steps[at+1:]...)...)
	}
}
