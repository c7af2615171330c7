package workflow

import (
	"slices"
	"testing"

	"github.com/nanpiao/sbqw/ent/schema/enum"
)

// TestDemandSteps checks the demand transition table against the end statuses: no step leaves
// an ended demand, every open status has a way on, steps into an end set no next deadline and
// the others do, and every status can be reached from REGISTERED.
func TestDemandSteps(t *testing.T) {
	leaves := map[enum.DemandStatus]bool{}
	for action, s := range Steps {
		if len(s.From) == 0 {
			t.Errorf("%s: no from status", action)
		}
		for _, f := range s.From {
			if !DemandOpen(f) {
				t.Errorf("%s leaves the ended status %s", action, f)
			}
			if f == s.To {
				t.Errorf("%s goes from %s to itself", action, f)
			}
			leaves[f] = true
		}
		if DemandOpen(s.To) != (s.Due > 0) {
			t.Errorf("%s into %s: due %v, but open=%v", action, s.To, s.Due, DemandOpen(s.To))
		}
	}
	reached := map[enum.DemandStatus]bool{enum.DemandRegistered: true}
	for changed := true; changed; {
		changed = false
		for _, s := range Steps {
			if !reached[s.To] && slices.ContainsFunc(s.From, func(f enum.DemandStatus) bool { return reached[f] }) {
				reached[s.To], changed = true, true
			}
		}
	}
	for _, v := range enum.DemandStatus("").Values() {
		s := enum.DemandStatus(v)
		if !reached[s] {
			t.Errorf("%s cannot be reached from REGISTERED", s)
		}
		if DemandOpen(s) && !leaves[s] {
			t.Errorf("%s is open but no step leaves it", s)
		}
		if statusNames[s] == "" {
			t.Errorf("%s has no Chinese name", s)
		}
	}
	for _, e := range DemandEnded {
		if !slices.Contains(enum.DemandStatus("").Values(), string(e)) {
			t.Errorf("DemandEnded names %s, not a status", e)
		}
	}
}

// TestTrainingKinds: the "1" and the "X" together are every course kind, each once.
func TestTrainingKinds(t *testing.T) {
	all := slices.Concat(TrainingOne, TrainingX)
	if len(TrainingOne) == 0 || len(TrainingX) == 0 {
		t.Fatal("the 1+X rule needs both parts")
	}
	var got []string
	for _, k := range all {
		got = append(got, string(k))
	}
	slices.Sort(got)
	want := slices.Clone(enum.CourseKind("").Values())
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("1+X kinds %v, course kinds %v", got, want)
	}
}
