package graph_test

import (
	"bytes"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nanpiao/sbqw/attachments"
	"github.com/nanpiao/sbqw/graph/scalar"
	"github.com/nanpiao/sbqw/httpapi"
	"github.com/nanpiao/sbqw/internal/testkit"
)

const addAttachment = `mutation AddAttachmentMutation($owner: ID!, $file: Upload!) {
  addAttachment(owner: $owner, file: $file) { id name contentType size sha256 takenAt latitude longitude url } }`

// attachmentEnv is the demo district served with an attachment store in a temp directory.
type attachmentEnv struct {
	srv       *testkit.Server
	db        *sql.DB
	dir       string // holds blobs/ and tmp/
	store     *attachments.Store
	serverURL string
}

func newAttachmentEnv(t testing.TB, limits attachments.Limits) *attachmentEnv {
	t.Helper()
	db := testkit.LoadDemo(t)
	dir := t.TempDir()
	testkit.CopyDemoBlobs(t, filepath.Join(dir, "blobs")) // the demo's own attachments
	store, err := attachments.Open(t.Context(), filepath.Join(dir, "blobs"), filepath.Join(dir, "tmp"), limits)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = store.Close() })
	srv := testkit.NewServerWith(t, db, httpapi.Options{Files: store})
	return &attachmentEnv{srv: srv, db: db.SQL, dir: dir, store: store, serverURL: strings.TrimSuffix(srv.URL, "/graphql")}
}

// multipartBody is a request of the GraphQL multipart request specification.
func multipartBody(t *testing.T, owner, name string, content []byte) (string, []byte) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	ops, _ := json.Marshal(map[string]any{"query": addAttachment, "variables": map[string]any{"owner": owner, "file": nil}})
	_ = w.WriteField("operations", string(ops))
	_ = w.WriteField("map", `{"0":["variables.file"]}`)
	fw, _ := w.CreateFormFile("0", name)
	_, _ = fw.Write(content)
	_ = w.Close()
	return w.FormDataContentType(), b.Bytes()
}

func upload(t *testing.T, api *testkit.API, owner, name string, content []byte) *testkit.Response {
	t.Helper()
	ct, body := multipartBody(t, owner, name, content)
	return api.Raw(t, http.MethodPost, ct, body)
}

// stored counts attachment rows and files (blobs and temp files) on disk.
func (e *attachmentEnv) stored(t *testing.T) (rows, files int) {
	t.Helper()
	rows = someInt(t, e.db, "SELECT COUNT(*) FROM attachments")
	_ = filepath.Walk(e.dir, func(_ string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			files++
		}
		return nil
	})
	return rows, files
}

// get fetches a download link with api's token.
func (e *attachmentEnv) get(t *testing.T, api *testkit.API, link string) (int, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, e.serverURL+link, nil)
	if api != nil && api.Token != "" {
		req.Header.Set("Authorization", "Bearer "+api.Token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, b
}

func rawUserID(t *testing.T, db *sql.DB, name string) int {
	return someInt(t, db, "SELECT id FROM users WHERE username = ?", name)
}

// TestAttachmentOfAnotherTownshipIsNotFound: an attachment on a township's visit is NOT_FOUND
// for another township through node, through the owner's attachments edge and the root list,
// and through the download URL — its own link presented by another user, a link minted for
// that other user, an expired link; the uploader downloads it, audited.
func TestAttachmentOfAnotherTownshipIsNotFound(t *testing.T) {
	e := newAttachmentEnv(t, attachments.Limits{})
	tw := e.srv.Login(t, "township01")
	other := e.srv.Login(t, "township07")
	tID := someInt(t, e.db, "SELECT township_id FROM role_bindings rb JOIN users u ON u.id = rb.user_id WHERE u.username = 'township01'")
	visit := scalar.EncodeID(someInt(t, e.db, "SELECT id FROM visits WHERE township_id = ? AND deleted_at IS NULL ORDER BY id", tID))
	taken := time.Date(2026, 5, 4, 2, 15, 0, 0, time.UTC)
	jpg, err := attachments.SampleJPEG(80, 60, 3, taken, 41.1063, 120.7525)
	if err != nil {
		t.Fatal(err)
	}
	r := upload(t, tw, visit, "走访.jpg", jpg)
	if len(r.Errors) > 0 {
		t.Fatalf("upload: %s", r.ErrorText())
	}
	var out struct {
		AddAttachment struct {
			ID, Name, ContentType, Sha256, URL string
			Size                               int
			TakenAt                            *time.Time
			Latitude, Longitude                *float64
		}
	}
	if err := json.Unmarshal(r.Data, &out); err != nil {
		t.Fatal(err)
	}
	a := out.AddAttachment
	if a.ContentType != "image/jpeg" || a.Name != "走访.jpg" || a.TakenAt == nil || !a.TakenAt.Equal(taken) || a.Latitude == nil || *a.Latitude < 41.1 || *a.Latitude > 41.11 {
		t.Fatalf("stored %+v", a)
	}
	// Scope columns are the visit's.
	newID, _ := scalar.DecodeID(a.ID)
	if n := someInt(t, e.db, `SELECT COUNT(*) FROM attachments a JOIN visits v ON v.id = a.visit_id
		WHERE a.township_id = v.township_id AND a.village_id = v.village_id AND a.pairing_id = v.pairing_id
		AND a.department_id = v.department_id AND a.household_id IS NULL AND a.id = ?`, newID); n != 1 {
		t.Fatalf("scope columns not the visit's (%d rows agree)", n)
	}

	// node(id:): NOT_FOUND, exactly like an ID that does not exist.
	absent := scalar.EncodeID(41<<32 + 999_999)
	rf := other.Do(t, `query($id: ID!) { node(id: $id) { id ... on Attachment { name url } } }`, map[string]any{"id": a.ID})
	ra := other.Do(t, `query($id: ID!) { node(id: $id) { id ... on Attachment { name url } } }`, map[string]any{"id": absent})
	if rf.Code() != "NOT_FOUND" || ra.Code() != "NOT_FOUND" || rf.Errors[0].Message != ra.Errors[0].Message || string(rf.Data) != string(ra.Data) {
		t.Fatalf("foreign vs absent attachment differ:\n%s %s\n%s %s", rf.ErrorText(), rf.Data, ra.ErrorText(), ra.Data)
	}
	// The owner's attachments edge and the root list.
	other.Do(t, `query($id: ID!) { node(id: $id) { ... on Visit { attachments { id } } } }`, map[string]any{"id": visit}).Fail(t, "NOT_FOUND")
	var list struct {
		Attachments struct {
			TotalCount int
			Edges      []struct{ Node struct{ ID string } }
		}
		Visits struct {
			Edges []struct {
				Node struct{ Attachments []struct{ ID string } }
			}
		}
	}
	other.Must(t, `{ attachments(first: 500) { totalCount edges { node { id } } } visits(first: 500) { edges { node { attachments { id } } } } }`, nil, &list)
	otherTownship := someInt(t, e.db, "SELECT township_id FROM role_bindings rb JOIN users u ON u.id = rb.user_id WHERE u.username = 'township07'")
	if want := someInt(t, e.db, "SELECT COUNT(*) FROM attachments WHERE township_id = ? AND deleted_at IS NULL", otherTownship); list.Attachments.TotalCount != want || len(list.Attachments.Edges) != want || want == 0 {
		t.Fatalf("another township lists %d attachments, it has %d of its own", list.Attachments.TotalCount, want)
	}
	for _, n := range list.Attachments.Edges {
		if n.Node.ID == a.ID {
			t.Fatal("another township lists the attachment")
		}
	}
	for _, v := range list.Visits.Edges {
		for _, x := range v.Node.Attachments {
			if x.ID == a.ID {
				t.Fatalf("another township's visit list shows the attachment")
			}
		}
	}
	var own struct {
		Node struct{ Attachments []struct{ ID string } }
	}
	tw.Must(t, `query($id: ID!) { node(id: $id) { ... on Visit { attachments { id } } } }`, map[string]any{"id": visit}, &own)
	if n := len(own.Node.Attachments); n == 0 || own.Node.Attachments[n-1].ID != a.ID {
		t.Fatalf("owner's edge lacks the upload: %+v", own)
	}

	// Download: the uploader, with its token, gets the stored (stripped) bytes; audited.
	id, _ := scalar.DecodeID(a.ID)
	status, body := e.get(t, tw, a.URL)
	sum := sha256.Sum256(body)
	if status != http.StatusOK || int(len(body)) != a.Size || hex.EncodeToString(sum[:]) != a.Sha256 || bytes.Contains(body, []byte("Exif\x00\x00")) {
		t.Fatalf("download: HTTP %d, %d bytes (size %d)", status, len(body), a.Size)
	}
	if n := someInt(t, e.db, "SELECT COUNT(*) FROM audit_events WHERE action = 'attachment.download' AND entity_id = ? AND username = 'township01'", id); n != 1 {
		t.Fatalf("%d download audit events", n)
	}
	signer := attachments.NewSigner(testkit.JWTSecret, time.Minute)
	otherUser := rawUserID(t, e.db, "township07")
	for name, c := range map[string]struct {
		api  *testkit.API
		link string
	}{
		"the uploader's link, presented by another township": {other, a.URL},
		"a link minted for the other township":               {other, signer.URL(id, otherUser, time.Now())},
		"an expired link":                                    {tw, signer.URL(id, rawUserID(t, e.db, "township01"), time.Now().Add(-2*time.Minute))},
		"a link with the user rewritten":                     {other, strings.Replace(a.URL, fmt.Sprintf("u=%d", rawUserID(t, e.db, "township01")), fmt.Sprintf("u=%d", otherUser), 1)},
		"a link for another attachment ID":                   {tw, strings.Replace(a.URL, fmt.Sprint(id), fmt.Sprint(id+1), 1)},
	} {
		status, body := e.get(t, c.api, c.link)
		if status != http.StatusNotFound || !strings.Contains(string(body), `"NOT_FOUND"`) {
			t.Errorf("%s: HTTP %d %s", name, status, body)
		}
	}
	if status, _ := e.get(t, nil, a.URL); status != http.StatusUnauthorized {
		t.Errorf("without a token: HTTP %d", status)
	}
	if n := someInt(t, e.db, "SELECT COUNT(*) FROM audit_events WHERE action = 'attachment.download'"); n != 1 {
		t.Fatalf("refused downloads audited as downloads: %d events", n)
	}
	// An upload to another township's visit: NOT_FOUND, nothing stored.
	rows, files := e.stored(t)
	upload(t, other, visit, "x.jpg", jpg).Fail(t, "NOT_FOUND")
	if r2, f2 := e.stored(t); r2 != rows || f2 != files {
		t.Fatalf("refused upload stored something: rows %d→%d, files %d→%d", rows, r2, files, f2)
	}
}

// TestAttachmentRefusalsStoreNothing: oversize, wrong type (judged from the bytes, whatever the
// name) and one too many are refused with their reasons, and leave no row and no file.
func TestAttachmentRefusalsStoreNothing(t *testing.T) {
	e := newAttachmentEnv(t, attachments.Limits{MaxBytes: 64 << 10, MaxPerOwner: 3})
	tw := e.srv.Login(t, "township01")
	tID := someInt(t, e.db, "SELECT township_id FROM role_bindings rb JOIN users u ON u.id = rb.user_id WHERE u.username = 'township01'")
	// A step without the demo's attachments.
	stage := scalar.EncodeID(someInt(t, e.db, "SELECT id FROM demo_project_stages WHERE township_id = ? AND deleted_at IS NULL AND id NOT IN (SELECT demo_project_stage_id FROM attachments WHERE demo_project_stage_id IS NOT NULL) ORDER BY id", tID))
	rows0, files0 := e.stored(t)
	exe := append([]byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00"), bytes.Repeat([]byte{0x90}, 2000)...)
	big := bytes.Repeat([]byte("%PDF-1.4\n"), (64<<10)/9+10)
	for _, c := range []struct {
		name, file string
		content    []byte
		status     int
		reason     string
	}{
		{"oversize", "big.pdf", big, http.StatusRequestEntityTooLarge, "FILE_TOO_LARGE"},
		{"an executable named .jpg", "photo.jpg", exe, http.StatusOK, "FILE_TYPE_NOT_ALLOWED"},
		{"HTML named .png", "x.png", []byte("<!DOCTYPE html><script>alert(1)</script>"), http.StatusOK, "FILE_TYPE_NOT_ALLOWED"},
		{"a damaged JPEG", "photo.jpg", []byte("\xff\xd8\xff\xe0\x00\x10JFIF"), http.StatusOK, "FILE_DAMAGED"},
	} {
		t.Run(c.name, func(t *testing.T) {
			rows, files := e.stored(t)
			r := upload(t, tw, stage, c.file, c.content)
			if err := r.Fail(t, "BAD_USER_INPUT"); err.Extensions["reason"] != c.reason || r.Status != c.status {
				t.Fatalf("HTTP %d reason %v, want %d %s", r.Status, err.Extensions["reason"], c.status, c.reason)
			}
			if r2, f2 := e.stored(t); r2 != rows || f2 != files {
				t.Fatalf("stored something: rows %d→%d, files %d→%d", rows, r2, files, f2)
			}
		})
	}
	// A PDF named .jpg is a PDF.
	r := upload(t, tw, stage, "scan.jpg", attachments.SamplePDF("one"))
	if len(r.Errors) > 0 || !strings.Contains(string(r.Data), `"contentType":"application/pdf"`) {
		t.Fatalf("PDF named .jpg: %s %s", r.Data, r.ErrorText())
	}
	for i := 2; i <= 3; i++ {
		if r := upload(t, tw, stage, "p.pdf", attachments.SamplePDF(fmt.Sprint(i))); len(r.Errors) > 0 {
			t.Fatal(r.ErrorText())
		}
	}
	rows, files := e.stored(t)
	if rows != rows0+3 || files != files0+3 {
		t.Fatalf("after 3 uploads: %d rows, %d files (before: %d, %d)", rows, files, rows0, files0)
	}
	if err := upload(t, tw, stage, "p.pdf", attachments.SamplePDF("four")).Fail(t, "BAD_USER_INPUT"); err.Extensions["reason"] != "TOO_MANY_ATTACHMENTS" {
		t.Fatalf("fourth: %v", err)
	}
	if r2, f2 := e.stored(t); r2 != rows || f2 != files {
		t.Fatalf("the fourth stored something: rows %d→%d, files %d→%d", rows, r2, files, f2)
	}
	// A record that takes no attachments.
	household := scalar.EncodeID(someInt(t, e.db, "SELECT id FROM households WHERE township_id = ? ORDER BY id", tID))
	if err := upload(t, tw, household, "p.pdf", attachments.SamplePDF("h")).Fail(t, "BAD_USER_INPUT"); err.Extensions["reason"] != "NOT_AN_ATTACHMENT_OWNER" {
		t.Fatalf("household owner: %v", err)
	}
}

// TestAttachmentUploadCutOffLeavesNothing: a client that sends half a file and drops the
// connection leaves no row and no file (the spooled part is removed when the read fails).
func TestAttachmentUploadCutOffLeavesNothing(t *testing.T) {
	e := newAttachmentEnv(t, attachments.Limits{})
	tw := e.srv.Login(t, "township01")
	tID := someInt(t, e.db, "SELECT township_id FROM role_bindings rb JOIN users u ON u.id = rb.user_id WHERE u.username = 'township01'")
	visit := scalar.EncodeID(someInt(t, e.db, "SELECT id FROM visits WHERE township_id = ? AND deleted_at IS NULL ORDER BY id", tID))
	rows0, files0 := e.stored(t) // the demo's own attachments
	jpg, err := attachments.SampleJPEG(400, 300, 5, time.Now(), 41.1, 120.7)
	if err != nil {
		t.Fatal(err)
	}
	ct, body := multipartBody(t, visit, "half.jpg", jpg)
	u, _ := url.Parse(e.serverURL)
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(conn, "POST /graphql HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n", u.Host, tw.Token, ct, len(body))
	_, _ = conn.Write(body[:len(body)-len(jpg)/2]) // half the file
	// Wait until the server has spooled what it got, then cut the connection.
	deadline := time.Now().Add(5 * time.Second)
	for {
		entries, _ := os.ReadDir(filepath.Join(e.dir, "tmp"))
		if len(entries) > 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	_ = conn.Close()
	for {
		rows, files := e.stored(t)
		if rows == rows0 && files == files0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after the cut-off: %d rows, %d files", rows, files)
		}
		time.Sleep(20 * time.Millisecond)
	}
	// The same request sent whole succeeds (the cut-off was the only fault).
	if r := upload(t, tw, visit, "whole.jpg", jpg); len(r.Errors) > 0 {
		t.Fatal(r.ErrorText())
	}
	if rows, files := e.stored(t); rows != rows0+1 || files != files0+1 {
		t.Fatalf("whole upload: %d rows, %d files (before: %d, %d)", rows, files, rows0, files0)
	}
}
