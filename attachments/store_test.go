package attachments

import (
	"bytes"
	"context"
	"image/jpeg"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nanpiao/sbqw/apperr"
)

func newStore(t *testing.T, limits Limits) (*Store, string) {
	t.Helper()
	dir := t.TempDir()
	s, err := Open(context.Background(), filepath.Join(dir, "blobs"), filepath.Join(dir, "tmp"), limits)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s, dir
}

// files lists the regular files under dir.
func files(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	_ = filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			out = append(out, p)
		}
		return nil
	})
	return out
}

func TestPutStripsJPEGMetadataAndKeepsExifFields(t *testing.T) {
	taken := time.Date(2026, 3, 14, 1, 30, 0, 0, time.UTC)
	src, err := SampleJPEG(64, 48, 1, taken, 41.1063, 120.7525)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(src, []byte("Exif\x00\x00")) || !bytes.Contains(src, []byte("secret-ish")) {
		t.Fatal("sample lacks the metadata this test expects to be stripped")
	}
	s, dir := newStore(t, Limits{})
	st, err := s.Put(context.Background(), bytes.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	if st.ContentType != "image/jpeg" || !st.Created() {
		t.Fatalf("stored %+v", st)
	}
	if st.Exif.TakenAt == nil || !st.Exif.TakenAt.Equal(taken) {
		t.Errorf("taken at %v, want %v", st.Exif.TakenAt, taken)
	}
	if st.Exif.Latitude == nil || math.Abs(*st.Exif.Latitude-41.1063) > 1e-5 || math.Abs(*st.Exif.Longitude-120.7525) > 1e-5 {
		t.Errorf("position %v %v", st.Exif.Latitude, st.Exif.Longitude)
	}
	r, err := s.Open(context.Background(), st.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(r)
	_ = r.Close()
	if int64(len(got)) != st.Size || len(got) >= len(src) {
		t.Fatalf("stored %d bytes (size %d), source %d", len(got), st.Size, len(src))
	}
	for _, m := range []string{"Exif\x00\x00", "secret-ish", "SBQW demo camera"} {
		if bytes.Contains(got, []byte(m)) {
			t.Errorf("stored JPEG still contains %q", m)
		}
	}
	a, err1 := jpeg.Decode(bytes.NewReader(src))
	b, err2 := jpeg.Decode(bytes.NewReader(got))
	if err1 != nil || err2 != nil || a.Bounds() != b.Bounds() {
		t.Fatalf("decode: %v %v", err1, err2)
	}
	for _, p := range [][2]int{{0, 0}, {10, 20}, {63, 47}} {
		if a.At(p[0], p[1]) != b.At(p[0], p[1]) {
			t.Errorf("pixel %v changed", p)
		}
	}
	// Same content again: same hash, nothing new written, temp directory empty.
	st2, err := s.Put(context.Background(), bytes.NewReader(src))
	if err != nil || st2.SHA256 != st.SHA256 || st2.Created() {
		t.Fatalf("second put: %+v %v", st2, err)
	}
	if fs := files(t, filepath.Join(dir, "tmp")); len(fs) != 0 {
		t.Errorf("temp files left: %v", fs)
	}
}

func TestPutRefusesByContentNotName(t *testing.T) {
	s, dir := newStore(t, Limits{})
	for name, body := range map[string][]byte{
		"exe":  append([]byte("MZ\x90\x00\x03\x00\x00\x00"), bytes.Repeat([]byte{0}, 600)...),
		"html": []byte("<html><script>alert(1)</script></html>"),
		"zip":  []byte("PK\x03\x04rest"),
	} {
		_, err := s.Put(context.Background(), bytes.NewReader(body))
		e, ok := apperr.As(err)
		if !ok || e.Code != apperr.BadUserInput || e.Reason != "FILE_TYPE_NOT_ALLOWED" {
			t.Errorf("%s: %v", name, err)
		}
	}
	_, err := s.Put(context.Background(), strings.NewReader("\xff\xd8\xff\xe0 broken"))
	if e, ok := apperr.As(err); !ok || e.Reason != "FILE_DAMAGED" {
		t.Errorf("damaged JPEG: %v", err)
	}
	if fs := files(t, dir); len(fs) != 0 {
		t.Errorf("files left after refusals: %v", fs)
	}
}

func TestSpoolRefusesOversize(t *testing.T) {
	s, dir := newStore(t, Limits{MaxBytes: 1000})
	_, _, err := s.Spool(bytes.NewReader(make([]byte, 1001)))
	if e, ok := apperr.As(err); !ok || e.Reason != "FILE_TOO_LARGE" {
		t.Fatalf("oversize: %v", err)
	}
	p, n, err := s.Spool(bytes.NewReader(make([]byte, 1000)))
	if err != nil || n != 1000 {
		t.Fatalf("at the limit: %v %d", err, n)
	}
	_ = os.Remove(p)
	if fs := files(t, dir); len(fs) != 0 {
		t.Errorf("files left: %v", fs)
	}
}

func TestCleanTempAndSweep(t *testing.T) {
	s, dir := newStore(t, Limits{})
	keep, err := s.Put(context.Background(), bytes.NewReader(SamplePDF("keep")))
	if err != nil {
		t.Fatal(err)
	}
	orphan, err := s.Put(context.Background(), bytes.NewReader(SamplePDF("orphan")))
	if err != nil {
		t.Fatal(err)
	}
	_ = os.WriteFile(filepath.Join(dir, "tmp", tmpPrefix+"crashed"), []byte("half"), 0o600)
	if n, err := s.CleanTemp(); err != nil || n != 1 {
		t.Fatalf("clean temp: %d %v", n, err)
	}
	n, err := s.Sweep(context.Background(), 0, func(_ context.Context, hs []string) (map[string]bool, error) {
		return map[string]bool{keep.SHA256: true}, nil
	})
	if err != nil || n != 1 {
		t.Fatalf("sweep removed %d, %v", n, err)
	}
	if ok, _ := s.Has(context.Background(), keep.SHA256); !ok {
		t.Error("referenced blob removed")
	}
	if ok, _ := s.Has(context.Background(), orphan.SHA256); ok {
		t.Error("orphan blob kept")
	}
}

func TestSignedLinks(t *testing.T) {
	s := NewSigner([]byte("secret"), time.Minute)
	now := time.Unix(1_800_000_000, 0)
	parse := func(u string) (id, uid, exp, sig string) {
		path, q, _ := strings.Cut(u, "?")
		id = path[strings.LastIndexByte(path, '/')+1:]
		for _, kv := range strings.Split(q, "&") {
			k, v, _ := strings.Cut(kv, "=")
			switch k {
			case "u":
				uid = v
			case "exp":
				exp = v
			case "sig":
				sig = v
			}
		}
		return
	}
	_, u, exp, sig := parse(s.URL(7, 42, now))
	cases := []struct {
		name string
		id   int
		u    string
		user int
		at   time.Time
		want error
	}{
		{"valid", 7, u, 42, now, nil},
		{"other attachment", 8, u, 42, now, ErrBadLink},
		{"other user presents it", 7, u, 43, now, ErrOtherUser},
		{"user rewritten", 7, "43", 43, now, ErrBadLink},
		{"expired", 7, u, 42, now.Add(2 * time.Minute), ErrExpiredLink},
	}
	for _, c := range cases {
		if err := s.Check(c.id, c.u, exp, sig, c.user, c.at); err != c.want {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
	}
	if err := NewSigner([]byte("other"), time.Minute).Check(7, u, exp, sig, 42, now); err != ErrBadLink {
		t.Errorf("other secret: %v", err)
	}
}
