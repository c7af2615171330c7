package graph_test

import (
	"strings"
	"testing"
	"time"

	"github.com/nanpiao/sbqw/authz"
)

// TestSwappedIDNumberIsRefusedThroughTheAPI: two residents' sealed ID numbers swapped in the
// database. Reading either through the API is an error with reason PERSONAL_DATA_UNREADABLE,
// never the other resident's (masked) number; revealSensitive refuses too; the failure is
// audited, without any value.
func TestSwappedIDNumberIsRefusedThroughTheAPI(t *testing.T) {
	m := newMatrix(t)
	v := m.accs["village001"]
	a := someID(t, m.db, "residents", "village_id = ?", v.village)
	b := someID(t, m.db, "residents", "village_id = ? AND id <> ?", v.village, decodeID(t, a))
	q := `query($id: ID!) { node(id: $id) { ... on Resident { idNumber } } }`
	masked := map[string]string{}
	for _, id := range []string{a, b} {
		var out map[string]any
		m.apis["village001"].Must(t, q, map[string]any{"id": id}, &out)
		masked[id] = dig(out, "node", "idNumber").(string)
	}
	var sa, sb string
	if err := m.db.QueryRow("SELECT id_number_sealed FROM residents WHERE id = ?", decodeID(t, a)).Scan(&sa); err != nil {
		t.Fatal(err)
	}
	if err := m.db.QueryRow("SELECT id_number_sealed FROM residents WHERE id = ?", decodeID(t, b)).Scan(&sb); err != nil {
		t.Fatal(err)
	}
	for id, s := range map[string]string{a: sb, b: sa} {
		if _, err := m.db.Exec("UPDATE residents SET id_number_sealed = ? WHERE id = ?", s, decodeID(t, id)); err != nil {
			t.Fatal(err)
		}
	}
	for _, id := range []string{a, b} {
		r := m.apis["village001"].Do(t, q, map[string]any{"id": id})
		e := r.Fail(t, "INTERNAL")
		if e.Extensions["reason"] != authz.ReasonUnsealable {
			t.Errorf("reason %v, want %s", e.Extensions["reason"], authz.ReasonUnsealable)
		}
		for _, other := range masked {
			if strings.Contains(string(r.Data), other) {
				t.Fatalf("the response shows a masked ID number after the swap: %s", r.Data)
			}
		}
		reveal := `mutation($id: ID!) { revealSensitive(id: $id, fields: [ID_NUMBER], reason: "核实身份") { idNumber } }`
		r = m.apis["village001"].Do(t, reveal, map[string]any{"id": id})
		if r.Fail(t, "INTERNAL").Extensions["reason"] != authz.ReasonUnsealable {
			t.Errorf("reveal after the swap: %s", r.ErrorText())
		}
	}
	// Audited apart from the request (the audit record is written once the request is done).
	deadline := time.Now().Add(20 * time.Second)
	for {
		var n int
		if err := m.db.QueryRow("SELECT COUNT(*) FROM audit_events WHERE action = 'pii.unsealable' AND entity_id IN (?, ?)", decodeID(t, a), decodeID(t, b)).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n >= 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d audit events of the unreadable values, want at least 2", n)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
