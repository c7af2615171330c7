package faulttest

// Not behind the fault build tag: this test needs no database server of its own.

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// TestServerKilledMidUploadLeavesNothing runs the real server binary on a SQLite file, sends
// a large multipart upload slowly, SIGKILLs the server while the file part is arriving (its
// spooled temp file is on disk), and restarts it on the same data directory: no attachment
// row was added, the blob store holds exactly what it held before, and the temp directory is
// empty. A blob no row refers to, planted (older than the orphan age) while the server was
// down, is removed by the sweep at start.
func TestServerKilledMidUploadLeavesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the server binary")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "sbqw")
	if out, err := exec.Command("go", "build", "-o", bin, "../..").CombinedOutput(); err != nil {
		t.Fatalf("building the server: %v\n%s", err, out)
	}
	data := filepath.Join(dir, "data")
	if err := os.MkdirAll(data, 0o700); err != nil {
		t.Fatal(err)
	}
	blobs, tmp := filepath.Join(data, "attachments"), filepath.Join(data, "attachments-tmp")
	addr := "127.0.0.1:" + freeTCPPort(t)
	url := "http://" + addr
	start := func() (*exec.Cmd, *bytes.Buffer) {
		cmd := exec.Command(bin, "--demo", "--addr", addr, "--db", "sqlite:"+filepath.Join(data, "app.db"),
			"--jwt-secret", strings.Repeat("k", 40), "--data-key", strings.Repeat("ab", 32), "--demo-password", "kill-test-2017",
			"--request-timeout", "60s", "--rate-limit", "0")
		logs := &bytes.Buffer{}
		cmd.Stdout, cmd.Stderr = logs, logs
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = cmd.Process.Kill(); _, _ = cmd.Process.Wait() })
		for end := time.Now().Add(300 * time.Second); ; time.Sleep(250 * time.Millisecond) {
			if res, err := http.Get(url + "/readyz"); err == nil {
				res.Body.Close()
				if res.StatusCode == 200 {
					return cmd, logs
				}
			}
			if time.Now().After(end) {
				t.Fatalf("server not ready\n%s", lastBytes(logs.String()))
			}
		}
	}
	server, logs := start()
	token := loginAs(t, url, "township01", "kill-test-2017")
	var visits struct {
		Visits struct {
			Edges []struct{ Node struct{ ID string } }
		}
	}
	gql(t, url, token, `{ visits(first: 1) { edges { node { id } } } }`, nil, &visits)
	if len(visits.Visits.Edges) == 0 {
		t.Fatal("township01 sees no visit")
	}
	owner := visits.Visits.Edges[0].Node.ID
	admin := loginAs(t, url, "admin", "kill-test-2017")
	rowsBefore := attachmentCount(t, url, admin)
	blobsBefore := filesUnder(t, blobs)
	if rowsBefore == 0 || len(blobsBefore) == 0 {
		t.Fatalf("the demo stored %d attachments, %d blobs: nothing to compare with", rowsBefore, len(blobsBefore))
	}

	// A multipart body around an 8 MiB PDF, sent slowly over a raw connection.
	pdf := append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("0123456789abcdef"), (8<<20)/16)...)
	var head bytes.Buffer
	w := multipart.NewWriter(&head)
	ops, _ := json.Marshal(map[string]any{"query": `mutation($o: ID!, $f: Upload!) { addAttachment(owner: $o, file: $f) { id } }`,
		"variables": map[string]any{"o": owner, "f": nil}})
	_ = w.WriteField("operations", string(ops))
	_ = w.WriteField("map", `{"0":["variables.f"]}`)
	_, _ = w.CreateFormFile("0", "big.pdf")
	tailPart := "\r\n--" + w.Boundary() + "--\r\n"
	length := head.Len() + len(pdf) + len(tailPart)
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /graphql HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n", addr, token, w.FormDataContentType(), length)
	if _, err := conn.Write(head.Bytes()); err != nil {
		t.Fatal(err)
	}
	sent := 0
	for chunk := 64 << 10; sent < 2<<20; sent += chunk { // a quarter of the file, slowly
		if _, err := conn.Write(pdf[sent : sent+chunk]); err != nil {
			t.Fatal(err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	// The server is spooling the part: its temp file is on disk. Kill it now.
	var spooled int64
	for end := time.Now().Add(10 * time.Second); spooled < 1<<20; time.Sleep(20 * time.Millisecond) {
		for _, f := range filesUnder(t, tmp) {
			if fi, err := os.Stat(filepath.Join(tmp, f)); err == nil && fi.Size() > spooled {
				spooled = fi.Size()
			}
		}
		if time.Now().After(end) {
			t.Fatalf("the server spooled %d bytes of the %d sent\n%s", spooled, sent, lastBytes(logs.String()))
		}
	}
	if err := server.Process.Kill(); err != nil { // SIGKILL
		t.Fatal(err)
	}
	_, _ = server.Process.Wait()
	left := filesUnder(t, tmp)
	if len(left) == 0 {
		t.Fatal("the kill left no temp file: the test did not kill the server mid-upload")
	}
	t.Logf("killed after %d of %d bytes sent (%d spooled); temp files left: %d", sent+head.Len(), length, spooled, len(left))

	// While the server is down, plant content no row refers to, two hours old.
	orphan := make([]byte, 1000)
	_, _ = rand.Read(orphan)
	sum := sha256.Sum256(orphan)
	h := hex.EncodeToString(sum[:])
	orphanPath := filepath.Join(blobs, h[:2], h)
	if err := os.MkdirAll(filepath.Dir(orphanPath), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(orphanPath, orphan, 0o600); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-2 * time.Hour)
	if err := os.Chtimes(orphanPath, old, old); err != nil {
		t.Fatal(err)
	}

	_, _ = start()
	admin = loginAs(t, url, "admin", "kill-test-2017")
	if n := attachmentCount(t, url, admin); n != rowsBefore {
		t.Fatalf("%d attachments after the restart, %d before the upload", n, rowsBefore)
	}
	if after := filesUnder(t, blobs); strings.Join(after, ",") != strings.Join(blobsBefore, ",") {
		t.Fatalf("blob store after the restart: %d files, before the upload: %d (orphan %s left: %v)", len(after), len(blobsBefore), h[:8], fileExists(orphanPath))
	}
	if left := filesUnder(t, tmp); len(left) != 0 {
		t.Fatalf("temp files after the restart: %v", left)
	}
}

func freeTCPPort(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return fmt.Sprint(l.Addr().(*net.TCPAddr).Port)
}

func gql(t *testing.T, url, token, query string, vars map[string]any, out any) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, url+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	var r struct {
		Data   json.RawMessage
		Errors []any
	}
	if err := json.Unmarshal(b, &r); err != nil || len(r.Errors) > 0 {
		t.Fatalf("%s: HTTP %d %s", query, res.StatusCode, b)
	}
	if out != nil {
		if err := json.Unmarshal(r.Data, out); err != nil {
			t.Fatal(err)
		}
	}
}

func loginAs(t *testing.T, url, user, password string) string {
	t.Helper()
	var out struct{ Login struct{ Token string } }
	gql(t, url, "", `mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }`, map[string]any{"u": user, "p": password}, &out)
	return out.Login.Token
}

func attachmentCount(t *testing.T, url, token string) int {
	t.Helper()
	var out struct{ Attachments struct{ TotalCount int } }
	gql(t, url, token, `{ attachments(first: 1) { totalCount } }`, nil, &out)
	return out.Attachments.TotalCount
}

// filesUnder lists the files under dir (relative paths, sorted); a missing dir has none.
func filesUnder(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	_ = filepath.Walk(dir, func(path string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			rel, _ := filepath.Rel(dir, path)
			out = append(out, rel)
		}
		return nil
	})
	sort.Strings(out)
	return out
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

func lastBytes(s string) string {
	if len(s) > 3000 {
		return s[len(s)-3000:]
	}
	return s
}
