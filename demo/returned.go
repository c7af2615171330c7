package demo

import "time"

// returnedDemands: a few assigned demands were routed to the wrong department, which sent them
// back (退回) to the township to reassign — they wait, ACCEPTED and unassigned, with the
// return in their history. Chosen without the random source: the first ones assigned.
const returnedDemands = 3

func (l *loader) returnMisrouted() {
	n := 0
	for _, d := range l.demands {
		if n == returnedDemands {
			return
		}
		if d.status() != "ASSIGNED" || d.dept == nil {
			continue
		}
		at := d.steps[len(d.steps)-1].at.Add(2 * 24 * time.Hour)
		if at.After(demoToday) {
			continue
		}
		d.steps = append(d.steps, demandStep{to: "ACCEPTED", at: at, actor: d.dept.spec.name, dept: d.dept,
			note: "经核实，该诉求不属于本部门职责，退回乡镇重新交办。"})
		d.dept = nil
		d.due = at.AddDate(0, 0, dueDays["ACCEPTED"])
		n++
	}
}
