package graph_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nanpiao/sbqw/attachments"
	"github.com/nanpiao/sbqw/graph/scalar"
	"github.com/nanpiao/sbqw/internal/testkit"
)

// Deleting attachments, moving their owners' household, and the cadre and department paths
// to them. The demo district carries attachments on every kind of owner (demo.Attachments).

const attachmentNode = `query($id: ID!) { node(id: $id) { id ... on Attachment { name url } } }`

// uploaded is what addAttachment answers.
type uploaded struct{ ID, Sha256, URL string }

func mustUpload(t *testing.T, api *testkit.API, owner, name string, content []byte) uploaded {
	t.Helper()
	r := upload(t, api, owner, name, content)
	if len(r.Errors) > 0 {
		t.Fatalf("upload to %s: %s", owner, r.ErrorText())
	}
	var out struct{ AddAttachment uploaded }
	if err := json.Unmarshal(r.Data, &out); err != nil {
		t.Fatal(err)
	}
	return out.AddAttachment
}

// blobExists says whether the store holds content sha.
func (e *attachmentEnv) blobExists(sha string) bool {
	_, err := os.Stat(filepath.Join(e.dir, "blobs", sha[:2], sha))
	return err == nil
}

// userOf is the username of the account bound with role to the unit in column.
func userOf(t *testing.T, e *attachmentEnv, role, column string, unit int) string {
	t.Helper()
	var name string
	err := e.db.QueryRow("SELECT u.username FROM users u JOIN role_bindings rb ON rb.user_id = u.id WHERE rb.role = ? AND rb."+column+" = ? AND rb.deleted_at IS NULL ORDER BY u.id", role, unit).Scan(&name)
	if err != nil {
		t.Fatalf("account of %s %s %d: %v", role, column, unit, err)
	}
	return name
}

// reaches checks api reaches attachment id (node and a download of its own link) or gets
// NOT_FOUND for both, exactly like an absent ID; it returns the link node answered.
func reaches(t *testing.T, e *attachmentEnv, api *testkit.API, who string, id int, want bool) {
	t.Helper()
	r := api.Do(t, attachmentNode, map[string]any{"id": scalar.EncodeID(id)})
	signer := attachments.NewSigner(testkit.JWTSecret, time.Minute)
	link := signer.URL(id, rawUserID(t, e.db, who), time.Now()) // a valid link for this caller
	status, body := e.get(t, api, link)
	if want {
		var out struct{ Node struct{ URL string } }
		if len(r.Errors) > 0 || json.Unmarshal(r.Data, &out) != nil || out.Node.URL == "" {
			t.Fatalf("%s: node of attachment %d: %s %s", who, id, r.Data, r.ErrorText())
		}
		if status, _ := e.get(t, api, out.Node.URL); status != http.StatusOK {
			t.Fatalf("%s: download of attachment %d through its url: HTTP %d", who, id, status)
		}
		if status != http.StatusOK {
			t.Fatalf("%s: download of attachment %d: HTTP %d %s", who, id, status, body)
		}
		return
	}
	ra := api.Do(t, attachmentNode, map[string]any{"id": scalar.EncodeID(41<<32 + 999_999)})
	if r.Code() != "NOT_FOUND" || r.ErrorText() != ra.ErrorText() || string(r.Data) != string(ra.Data) {
		t.Fatalf("%s: node of attachment %d: %s %s, want NOT_FOUND like an absent ID", who, id, r.Data, r.ErrorText())
	}
	if status != http.StatusNotFound || !strings.Contains(string(body), `"NOT_FOUND"`) {
		t.Fatalf("%s: download of attachment %d: HTTP %d %s, want 404 NOT_FOUND", who, id, status, body)
	}
}

// ownerEdge lists the IDs in the attachments edge of owner as api sees it, or the error code.
func ownerEdge(t *testing.T, api *testkit.API, typ string, owner int) ([]int, string) {
	t.Helper()
	r := api.Do(t, `query($id: ID!) { node(id: $id) { ... on `+typ+` { attachments { id } } } }`, map[string]any{"id": scalar.EncodeID(owner)})
	if len(r.Errors) > 0 {
		return nil, r.Code()
	}
	var out struct {
		Node struct{ Attachments []struct{ ID string } }
	}
	if err := json.Unmarshal(r.Data, &out); err != nil {
		t.Fatal(err)
	}
	var ids []int
	for _, a := range out.Node.Attachments {
		ids = append(ids, decodeID(t, a.ID))
	}
	return ids, ""
}

func contains(ids []int, id int) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// TestDeleteAttachment: a township deletes an attachment of its own record — audited, gone from
// node, the owner's edge and the download link; the content stays while another attachment
// has the same bytes and goes with the last one. Another township, and a second delete, get
// NOT_FOUND; a village secretary of another village too; a closed year's attachment is
// YEAR_CLOSED.
func TestDeleteAttachment(t *testing.T) {
	e := newAttachmentEnv(t, attachments.Limits{})
	tw := e.srv.Login(t, "township01")
	tID := someInt(t, e.db, "SELECT township_id FROM role_bindings rb JOIN users u ON u.id = rb.user_id WHERE u.username = 'township01'")
	year := time.Now().Year()
	open := func(table, col string) int {
		return someInt(t, e.db, "SELECT id FROM "+table+" WHERE township_id = ? AND deleted_at IS NULL AND "+col+" >= ? ORDER BY id", tID, time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC))
	}
	visit, demand := open("visits", "visited_at"), open("demands", "created_at")
	pdf := attachments.SamplePDF("the same bytes twice")
	a := mustUpload(t, tw, scalar.EncodeID(visit), "a.pdf", pdf)
	b := mustUpload(t, tw, scalar.EncodeID(demand), "b.pdf", pdf)
	if a.Sha256 != b.Sha256 || !e.blobExists(a.Sha256) {
		t.Fatalf("one blob for the same bytes: %s %s", a.Sha256, b.Sha256)
	}
	aID, bID := decodeID(t, a.ID), decodeID(t, b.ID)
	del := `mutation($id: ID!) { deleteAttachment(id: $id) }`

	// Out of scope: another township, a secretary of a village the visit is not in.
	e.srv.Login(t, "township07").Do(t, del, map[string]any{"id": a.ID}).Fail(t, "NOT_FOUND")
	otherVillage := someInt(t, e.db, "SELECT v.id FROM villages v WHERE v.id <> (SELECT village_id FROM visits WHERE id = ?) ORDER BY v.id", visit)
	sec := userOf(t, e, "VILLAGE_SECRETARY", "village_id", otherVillage)
	e.srv.Login(t, sec).Do(t, del, map[string]any{"id": a.ID}).Fail(t, "NOT_FOUND")
	// Not an attachment: NOT_FOUND too (the ID names no attachment).
	tw.Do(t, del, map[string]any{"id": scalar.EncodeID(visit)}).Fail(t, "NOT_FOUND")
	if n := someInt(t, e.db, "SELECT COUNT(*) FROM attachments WHERE id IN (?, ?) AND deleted_at IS NULL", aID, bID); n != 2 {
		t.Fatalf("refused deletes deleted %d", 2-n)
	}

	var out struct{ DeleteAttachment string }
	tw.Must(t, del, map[string]any{"id": a.ID}, &out)
	if out.DeleteAttachment != a.ID {
		t.Fatalf("deleteAttachment answered %q", out.DeleteAttachment)
	}
	if n := someInt(t, e.db, "SELECT COUNT(*) FROM audit_events WHERE action = 'attachment.delete' AND username = 'township01'"); n != 1 {
		t.Fatalf("%d attachment.delete audit events", n)
	}
	if status, _ := e.get(t, tw, a.URL); status != http.StatusNotFound {
		t.Fatalf("the deleted attachment's link: HTTP %d", status)
	}
	tw.Do(t, attachmentNode, map[string]any{"id": a.ID}).Fail(t, "NOT_FOUND")
	if ids, code := ownerEdge(t, tw, "Visit", visit); code != "" || contains(ids, aID) {
		t.Fatalf("the visit's edge after the delete: %v %s", ids, code)
	}
	if !e.blobExists(a.Sha256) {
		t.Fatal("the content went while another attachment has the same bytes")
	}
	// A second delete: NOT_FOUND, like any absent record.
	tw.Do(t, del, map[string]any{"id": a.ID}).Fail(t, "NOT_FOUND")
	// It shows in the deletions feed.
	var feed struct{ DeletedRecords []struct{ RecordID string } }
	tw.Must(t, `{ deletedRecords(type: "Attachment", since: "2000-01-01T00:00:00Z") { recordID } }`, nil, &feed)
	if len(feed.DeletedRecords) != 1 || feed.DeletedRecords[0].RecordID != a.ID {
		t.Fatalf("deletions feed: %+v", feed)
	}
	// The last attachment with those bytes: the content goes with it.
	tw.Must(t, del, map[string]any{"id": b.ID}, nil)
	if e.blobExists(a.Sha256) {
		t.Fatal("the content outlived the last attachment referring to it")
	}
	if status, _ := e.get(t, tw, b.URL); status != http.StatusNotFound {
		t.Fatalf("the deleted attachment's link: HTTP %d", status)
	}

	// A closed year's record keeps its attachments (the demo closes 2025).
	closed := someInt(t, e.db, "SELECT a.id FROM attachments a JOIN visits v ON v.id = a.visit_id WHERE v.visited_at < ? ORDER BY a.id", time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	sha := ""
	if err := e.db.QueryRow("SELECT sha256 FROM attachments WHERE id = ?", closed).Scan(&sha); err != nil {
		t.Fatal(err)
	}
	err := e.srv.Login(t, "admin").Do(t, del, map[string]any{"id": scalar.EncodeID(closed)}).Fail(t, "CONFLICT")
	if err.Extensions["reason"] != "YEAR_CLOSED" {
		t.Fatalf("closed year: %v", err.Extensions)
	}
	if n := someInt(t, e.db, "SELECT COUNT(*) FROM attachments WHERE id = ? AND deleted_at IS NULL", closed); n != 1 || !e.blobExists(sha) {
		t.Fatalf("the refused delete took the attachment (%d rows) or its content", n)
	}
}

// TestMoveHouseholdMovesAttachments: after DISTRICT moves a household to a village of another
// township, the attachments of its visits and demands are the new township's — through node,
// the owner's edge and the download link — and NOT_FOUND for the old township on every path,
// its links minted before the move included.
func TestMoveHouseholdMovesAttachments(t *testing.T) {
	e := newAttachmentEnv(t, attachments.Limits{})
	admin := e.srv.Login(t, "admin")
	// A household with a visit and a demand, in a township with an account.
	hh := someInt(t, e.db, `SELECT h.id FROM households h WHERE h.deleted_at IS NULL
		AND EXISTS (SELECT 1 FROM visits v WHERE v.household_id = h.id AND v.deleted_at IS NULL)
		AND EXISTS (SELECT 1 FROM demands d WHERE d.household_id = h.id AND d.deleted_at IS NULL) ORDER BY h.number DESC, h.id`)
	var from int
	if err := e.db.QueryRow("SELECT township_id FROM households WHERE id = ?", hh).Scan(&from); err != nil {
		t.Fatal(err)
	}
	visit := someInt(t, e.db, "SELECT id FROM visits WHERE household_id = ? AND deleted_at IS NULL ORDER BY id", hh)
	demand := someInt(t, e.db, "SELECT id FROM demands WHERE household_id = ? AND deleted_at IS NULL ORDER BY id", hh)
	oldName := userOf(t, e, "TOWNSHIP", "township_id", from)
	old := e.srv.Login(t, oldName)
	jpg, err := attachments.SampleJPEG(64, 48, 9, time.Now(), 41.1, 120.7)
	if err != nil {
		t.Fatal(err)
	}
	av := mustUpload(t, old, scalar.EncodeID(visit), "visit.jpg", jpg)
	ad := mustUpload(t, old, scalar.EncodeID(demand), "demand.pdf", attachments.SamplePDF("moved demand"))
	ids := []int{decodeID(t, av.ID), decodeID(t, ad.ID)}

	dest := someInt(t, e.db, `SELECT id FROM villages WHERE township_id <> ? AND deleted_at IS NULL
		AND id NOT IN (SELECT village_id FROM households WHERE number = (SELECT number FROM households WHERE id = ?)) ORDER BY id`, from, hh)
	var to int
	if err := e.db.QueryRow("SELECT township_id FROM villages WHERE id = ?", dest).Scan(&to); err != nil {
		t.Fatal(err)
	}
	admin.Must(t, `mutation($id: ID!, $v: ID!) { moveHousehold(id: $id, villageID: $v) { id } }`,
		map[string]any{"id": scalar.EncodeID(hh), "v": scalar.EncodeID(dest)}, nil)

	if n := someInt(t, e.db, "SELECT COUNT(*) FROM attachments WHERE (visit_id IN (SELECT id FROM visits WHERE household_id = ?) OR demand_id IN (SELECT id FROM demands WHERE household_id = ?)) AND (village_id <> ? OR township_id <> ?)", hh, hh, dest, to); n != 0 {
		t.Fatalf("%d attachments left in the old village", n)
	}
	newName := userOf(t, e, "TOWNSHIP", "township_id", to)
	nw := e.srv.Login(t, newName)
	for _, id := range ids {
		reaches(t, e, nw, newName, id, true)
		reaches(t, e, old, oldName, id, false)
	}
	for typ, owner := range map[string]int{"Visit": visit, "Demand": demand} {
		if got, code := ownerEdge(t, nw, typ, owner); code != "" || len(got) == 0 || !(contains(got, ids[0]) || contains(got, ids[1])) {
			t.Fatalf("new township, %s edge: %v %s", typ, got, code)
		}
		if got, code := ownerEdge(t, old, typ, owner); code != "NOT_FOUND" {
			t.Fatalf("old township, %s edge: %v %q, want NOT_FOUND", typ, got, code)
		}
	}
	// The links the old township was given before the move are dead too.
	for _, link := range []string{av.URL, ad.URL} {
		if status, _ := e.get(t, old, link); status != http.StatusNotFound {
			t.Fatalf("old township's link after the move: HTTP %d", status)
		}
	}
	// The change feed has the attachments as updated.
	if n := someInt(t, e.db, "SELECT COUNT(*) FROM feed_entries WHERE record_type = 'Attachment' AND op = 'UPDATED' AND record_id IN (?, ?)", ids[0], ids[1]); n != 2 {
		t.Fatalf("%d change feed updates for the two attachments, want 2", n)
	}
}

// TestCadreAndDepartmentReachAttachments: a CADRE reaches the attachments of its active
// pairings' visits and its paired households' demands and nothing else; a DEPARTMENT those of
// demands it leads or assists, its cadres' visits, its rectifications and its members'
// contributions, and nothing else — through node, the owner's edge and the download link.
func TestCadreAndDepartmentReachAttachments(t *testing.T) {
	e := newAttachmentEnv(t, attachments.Limits{})
	tw := e.srv.Login(t, "admin")

	// The cadre of cadre0001: a visit of its active pairing, and a demand of its paired household.
	cad := someInt(t, e.db, "SELECT rb.cadre_id FROM role_bindings rb JOIN users u ON u.id = rb.user_id WHERE u.username = 'cadre0001'")
	ownVisit := someInt(t, e.db, "SELECT id FROM visits WHERE deleted_at IS NULL AND pairing_id IN (SELECT id FROM pairings WHERE cadre_id = ? AND active = ? AND deleted_at IS NULL) ORDER BY id DESC", cad, true)
	otherVisit := someInt(t, e.db, "SELECT id FROM visits WHERE deleted_at IS NULL AND pairing_id NOT IN (SELECT id FROM pairings WHERE cadre_id = ?) AND household_id NOT IN (SELECT household_id FROM pairings WHERE cadre_id = ?) ORDER BY id DESC", cad, cad)
	// A visit of the same household by an earlier, released pairing would be the hard case;
	// a visit of another cadre in the same village is the common one.
	jpg, _ := attachments.SampleJPEG(40, 30, 1, time.Now(), 41.1, 120.7)
	mine := decodeID(t, mustUpload(t, tw, scalar.EncodeID(ownVisit), "mine.jpg", jpg).ID)
	theirs := decodeID(t, mustUpload(t, tw, scalar.EncodeID(otherVisit), "theirs.jpg", jpg).ID)
	cadre := e.srv.Login(t, "cadre0001")
	reaches(t, e, cadre, "cadre0001", mine, true)
	reaches(t, e, cadre, "cadre0001", theirs, false)
	if got, code := ownerEdge(t, cadre, "Visit", ownVisit); code != "" || !contains(got, mine) {
		t.Fatalf("cadre's own visit edge: %v %s", got, code)
	}
	if _, code := ownerEdge(t, cadre, "Visit", otherVisit); code != "NOT_FOUND" {
		t.Fatalf("cadre, another cadre's visit edge: %q", code)
	}
	if ownDemand, ok := optionalInt(t, e, "SELECT id FROM demands WHERE deleted_at IS NULL AND household_id IN (SELECT household_id FROM pairings WHERE cadre_id = ? AND active = ? AND deleted_at IS NULL) ORDER BY id", cad, true); ok {
		d := decodeID(t, mustUpload(t, tw, scalar.EncodeID(ownDemand), "demand.pdf", attachments.SamplePDF("cadre demand")).ID)
		reaches(t, e, cadre, "cadre0001", d, true)
	}
	// The demo's attachments outside the cadre's pairings: all NOT_FOUND.
	foreign := someInt(t, e.db, `SELECT id FROM attachments WHERE deleted_at IS NULL AND (visit_id IS NULL OR visit_id NOT IN
		(SELECT id FROM visits WHERE pairing_id IN (SELECT id FROM pairings WHERE cadre_id = ? AND active = ?))) AND (demand_id IS NULL OR demand_id NOT IN
		(SELECT id FROM demands WHERE household_id IN (SELECT household_id FROM pairings WHERE cadre_id = ? AND active = ?))) ORDER BY id`, cad, true, cad, true)
	reaches(t, e, cadre, "cadre0001", foreign, false)

	// Departments: the demo attaches to a demand each of the first two departments leads and to
	// a demand another department assists.
	assisted := someInt(t, e.db, `SELECT d.id FROM demands d JOIN attachments a ON a.demand_id = d.id
		WHERE d.id IN (SELECT demand_id FROM department_assisted_demands) ORDER BY d.id`)
	assistant := someInt(t, e.db, "SELECT department_id FROM department_assisted_demands WHERE demand_id = ? ORDER BY department_id", assisted)
	lead := someInt(t, e.db, "SELECT department_id FROM demands WHERE id = ?", assisted)
	att := someInt(t, e.db, "SELECT id FROM attachments WHERE demand_id = ? ORDER BY id", assisted)
	bystander := someInt(t, e.db, `SELECT id FROM departments WHERE id NOT IN (?, ?) AND id NOT IN
		(SELECT department_id FROM department_assisted_demands WHERE demand_id = ?) ORDER BY id`, lead, assistant, assisted)
	for _, c := range []struct {
		dept int
		want bool
	}{{lead, true}, {assistant, true}, {bystander, false}} {
		name := userOf(t, e, "DEPARTMENT", "department_id", c.dept)
		api := e.srv.Login(t, name)
		reaches(t, e, api, name, att, c.want)
		got, code := ownerEdge(t, api, "Demand", assisted)
		if c.want && (code != "" || !contains(got, att)) || !c.want && code != "NOT_FOUND" {
			t.Fatalf("%s, the demand's attachments edge: %v %q (want reach %v)", name, got, code, c.want)
		}
	}
	// A demand led by the bystander department's own: its attachment is not the lead's.
	if other, ok := optionalInt(t, e, "SELECT id FROM demands WHERE deleted_at IS NULL AND department_id = ? AND id NOT IN (SELECT demand_id FROM department_assisted_demands WHERE department_id = ?) ORDER BY id", bystander, lead); ok {
		a := decodeID(t, mustUpload(t, tw, scalar.EncodeID(other), "other.pdf", attachments.SamplePDF("bystander")).ID)
		name := userOf(t, e, "DEPARTMENT", "department_id", bystander)
		reaches(t, e, e.srv.Login(t, name), name, a, true)
		leadName := userOf(t, e, "DEPARTMENT", "department_id", lead)
		reaches(t, e, e.srv.Login(t, leadName), leadName, a, false)
	}
}

func optionalInt(t *testing.T, e *attachmentEnv, q string, args ...any) (int, bool) {
	t.Helper()
	var n int
	if err := e.db.QueryRow(q, args...).Scan(&n); err != nil {
		return 0, false
	}
	return n, true
}

// TestAttachmentLimitUnderConcurrency: twelve simultaneous uploads to one record that has
// three places left: exactly three succeed, the other nine are refused with
// TOO_MANY_ATTACHMENTS, and nothing of the refused ones is stored (no row, no file, no temp
// file). The count is checked under the owner's row lock (MySQL) or the serialised writer
// (SQLite).
func TestAttachmentLimitUnderConcurrency(t *testing.T) {
	const limit, parallel = 8, 12
	e := newAttachmentEnv(t, attachments.Limits{MaxPerOwner: limit})
	tw := e.srv.Login(t, "township01")
	tID := someInt(t, e.db, "SELECT township_id FROM role_bindings rb JOIN users u ON u.id = rb.user_id WHERE u.username = 'township01'")
	stage := someInt(t, e.db, "SELECT id FROM demo_project_stages WHERE township_id = ? AND deleted_at IS NULL AND id NOT IN (SELECT demo_project_stage_id FROM attachments WHERE demo_project_stage_id IS NOT NULL) ORDER BY id", tID)
	owner := scalar.EncodeID(stage)
	for i := 0; i < limit-3; i++ {
		mustUpload(t, tw, owner, "before.pdf", attachments.SamplePDF("before "+string(rune('a'+i))))
	}
	rows0, files0 := e.stored(t)
	type result struct {
		ok     bool
		code   string
		reason any
		err    string
	}
	results := make(chan result, parallel)
	start := make(chan struct{})
	for i := 0; i < parallel; i++ {
		ct, body := multipartBody(t, owner, "race.pdf", attachments.SamplePDF("race "+string(rune('A'+i))))
		go func() {
			<-start
			r := tw.Raw(t, http.MethodPost, ct, body)
			if len(r.Errors) == 0 {
				results <- result{ok: true}
				return
			}
			results <- result{code: r.Code(), reason: r.Errors[0].Extensions["reason"], err: r.ErrorText()}
		}()
	}
	close(start)
	ok, refused := 0, 0
	for i := 0; i < parallel; i++ {
		r := <-results
		switch {
		case r.ok:
			ok++
		case r.code == "BAD_USER_INPUT" && r.reason == "TOO_MANY_ATTACHMENTS":
			refused++
		default:
			t.Errorf("an upload failed otherwise: %s", r.err)
		}
	}
	if ok != 3 || refused != parallel-3 {
		t.Fatalf("%d uploads succeeded and %d were refused for the limit, want 3 and %d", ok, refused, parallel-3)
	}
	if n := someInt(t, e.db, "SELECT COUNT(*) FROM attachments WHERE demo_project_stage_id = ? AND deleted_at IS NULL", stage); n != limit {
		t.Fatalf("the record has %d attachments, the limit is %d", n, limit)
	}
	if rows, files := e.stored(t); rows != rows0+3 || files != files0+3 {
		t.Fatalf("rows %d→%d, files %d→%d: want 3 more of each (no orphan)", rows0, rows, files0, files)
	}
	if tmp, _ := os.ReadDir(filepath.Join(e.dir, "tmp")); len(tmp) != 0 {
		t.Fatalf("%d temp files left", len(tmp))
	}
}

// TestDeleteRacesUploadOfTheSameBytes: an attachment is deleted while the same bytes are
// uploaded to another record, round after round. The content is shared (one blob per
// SHA-256), so the deletion's removal of the blob and the upload's finding it stored must not
// cross: whenever a live attachment refers to the content, the content is there and
// downloads; when none does, it is gone.
func TestDeleteRacesUploadOfTheSameBytes(t *testing.T) {
	e := newAttachmentEnv(t, attachments.Limits{MaxPerOwner: 100})
	tw := e.srv.Login(t, "township01")
	tID := someInt(t, e.db, "SELECT township_id FROM role_bindings rb JOIN users u ON u.id = rb.user_id WHERE u.username = 'township01'")
	since := time.Date(time.Now().Year(), 1, 1, 0, 0, 0, 0, time.UTC)
	var owners []int
	rows, err := e.db.Query("SELECT id FROM visits WHERE township_id = ? AND deleted_at IS NULL AND visited_at >= ? ORDER BY id LIMIT 2", tID, since)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int
		_ = rows.Scan(&id)
		owners = append(owners, id)
	}
	rows.Close()
	if len(owners) != 2 {
		t.Fatalf("need two visits of this year, found %d", len(owners))
	}
	del := `mutation($id: ID!) { deleteAttachment(id: $id) }`
	for round := 0; round < 12; round++ {
		content := attachments.SamplePDF(fmt.Sprintf("shared bytes, round %d", round))
		first := mustUpload(t, tw, scalar.EncodeID(owners[0]), "first.pdf", content)
		done := make(chan uploaded, 1)
		go func() {
			r := upload(t, tw, scalar.EncodeID(owners[1]), "second.pdf", content)
			var out struct{ AddAttachment uploaded }
			if len(r.Errors) == 0 {
				_ = json.Unmarshal(r.Data, &out)
			}
			done <- out.AddAttachment
		}()
		if r := tw.Do(t, del, map[string]any{"id": first.ID}); len(r.Errors) > 0 {
			t.Fatalf("round %d: delete: %s", round, r.ErrorText())
		}
		second := <-done
		if second.ID == "" {
			t.Fatalf("round %d: the second upload failed", round)
		}
		if !e.blobExists(first.Sha256) {
			t.Fatalf("round %d: the content is gone while attachment %s refers to it", round, second.ID)
		}
		if status, _ := e.get(t, tw, second.URL); status != http.StatusOK {
			t.Fatalf("round %d: download of the surviving attachment: HTTP %d", round, status)
		}
		// The survivor goes too: now the content must go.
		tw.Must(t, del, map[string]any{"id": second.ID}, nil)
		if e.blobExists(first.Sha256) {
			t.Fatalf("round %d: the content outlived both attachments", round)
		}
	}
}
