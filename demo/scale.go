package demo

import "fmt"

// A scaled load (Options.Scale = N > 1) writes the demo district's contents N times: copy 0 is
// the demo district exactly as an unscaled load writes it, and every further copy k is the same
// generator run again from the same seed (so each copy has exactly the same number of rows of
// every type but District) into the same district — the platform holds one district — under
// codes of its own:
//
//   - division code 211404+k as the first six digits of its township and village codes and of
//     every ID number (so codes and the blind index stay unique across copies);
//   - department codes and usernames prefixed with cKKK. (c001.township01, c001.D01 …).
//
// Each copy is loaded in a transaction of its own by a fresh loader, so the loader holds one
// district at a time whatever N is; demo.complete is written with the last copy.

// MaxScale bounds Options.Scale: division codes 211404+k must stay six digits with room to
// spare, and usernames and department codes within their column lengths.
const MaxScale = 1000

// copyDivision is the six-digit division code of copy k.
func copyDivision(k int) string {
	if k == 0 {
		return divisionCode
	}
	return fmt.Sprintf("%06d", 211404+k)
}

// divisionCode puts the loader's copy division in front of a 12-digit code of the demo district.
func (l *loader) divisionCode(code string) string {
	if l.copy == 0 {
		return code
	}
	return copyDivision(l.copy) + code[6:]
}

func (l *loader) copyPrefix() string { return fmt.Sprintf("c%03d.", l.copy) }

// departmentCode is the stored code of a department; the loader keeps using the demo's own
// code (D01 …) as the key of deptByCode.
func (l *loader) departmentCode(code string) string {
	if l.copy == 0 {
		return code
	}
	return l.copyPrefix() + code
}

func (l *loader) username(name string) string {
	if l.copy == 0 {
		return name
	}
	return l.copyPrefix() + name
}

// townshipIDs are the IDs of this copy's townships, for reading back what this loader wrote.
func (l *loader) townshipIDs() []int {
	ids := make([]int, len(l.townships))
	for i, t := range l.townships {
		ids[i] = t.id
	}
	return ids
}
