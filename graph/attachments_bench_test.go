package graph_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"runtime/metrics"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nanpiao/sbqw/attachments"
	"github.com/nanpiao/sbqw/graph/scalar"
	"github.com/nanpiao/sbqw/internal/testkit"
)

// photo1MiB is a noisy JPEG of about 1 MiB with EXIF, as a phone would send.
func photo1MiB(b *testing.B) []byte {
	b.Helper()
	r := rand.New(rand.NewPCG(1, 2))
	img := image.NewRGBA(image.Rect(0, 0, 1000, 800))
	for y := 0; y < 800; y++ {
		for x := 0; x < 1000; x++ {
			img.Set(x, y, color.RGBA{uint8(r.IntN(256)), uint8(r.IntN(256)), uint8(r.IntN(256)), 255})
		}
	}
	var enc bytes.Buffer
	if err := jpeg.Encode(&enc, img, &jpeg.Options{Quality: 97}); err != nil {
		b.Fatal(err)
	}
	ex, err := attachments.SampleExif(time.Now(), 41.1, 120.75)
	if err != nil {
		b.Fatal(err)
	}
	seg := append([]byte{0xFF, 0xE1, byte((len(ex) + 8) >> 8), byte(len(ex) + 8)}, append([]byte("Exif\x00\x00"), ex...)...)
	out := append(append(append([]byte{}, enc.Bytes()[:2]...), seg...), enc.Bytes()[2:]...)
	return out
}

// variant is the photo with the i-th upload's bytes made distinct (two bytes of the scan
// data), so that every upload stores new content instead of finding its hash present. It
// shares the photo's memory: the client holds no copy per upload.
func variant(photo []byte, i int) io.Reader {
	n := len(photo)
	return io.MultiReader(bytes.NewReader(photo[:n-201]), bytes.NewReader([]byte{byte(i / 0xF0 % 0xF0), byte(i % 0xF0)}), bytes.NewReader(photo[n-199:]))
}

// streamUpload posts a multipart upload whose file part is streamed from content (the client
// holds no second copy), and returns the attachment's url.
func streamUpload(b *testing.B, api *testkit.API, owner string, content io.Reader) string {
	pr, pw := io.Pipe()
	w := multipart.NewWriter(pw)
	go func() {
		ops, _ := json.Marshal(map[string]any{"query": addAttachment, "variables": map[string]any{"owner": owner, "file": nil}})
		_ = w.WriteField("operations", string(ops))
		_ = w.WriteField("map", `{"0":["variables.file"]}`)
		fw, _ := w.CreateFormFile("0", "photo.jpg")
		_, _ = io.Copy(fw, content)
		pw.CloseWithError(w.Close())
	}()
	req, _ := http.NewRequest(http.MethodPost, api.URL, pr)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+api.Token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Error(err)
		return ""
	}
	defer res.Body.Close()
	var out struct {
		Data   struct{ AddAttachment struct{ URL string } }
		Errors []any
	}
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil || len(out.Errors) > 0 {
		b.Errorf("upload: %v %v", err, out.Errors)
	}
	return out.Data.AddAttachment.URL
}

func benchEnv(b *testing.B) (*attachmentEnv, *testkit.API, string) {
	e := newAttachmentEnv(b, attachments.Limits{MaxBytes: 4 << 20, MaxPerOwner: 1 << 30})
	tw := e.srv.Login(b, "township01")
	tID := someIntB(b, e, "SELECT township_id FROM role_bindings rb JOIN users u ON u.id = rb.user_id WHERE u.username = 'township01'")
	visit := scalar.EncodeID(someIntB(b, e, fmt.Sprintf("SELECT id FROM visits WHERE township_id = %d AND deleted_at IS NULL ORDER BY id", tID)))
	return e, tw, visit
}

func someIntB(b *testing.B, e *attachmentEnv, q string) int {
	b.Helper()
	var n int
	if err := e.db.QueryRow(q).Scan(&n); err != nil {
		b.Fatal(err)
	}
	return n
}

// BenchmarkAttachmentUpload: 1 MiB photos uploaded one after another over loopback, each new
// content (checked, stripped, hashed, stored, row written). MB/s is upload throughput.
func BenchmarkAttachmentUpload(b *testing.B) {
	e, tw, visit := benchEnv(b)
	_ = e
	photo := photo1MiB(b)
	b.Logf("photo: %d bytes", len(photo))
	b.SetBytes(int64(len(photo)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		streamUpload(b, tw, visit, variant(photo, i))
	}
}

// BenchmarkAttachmentDownload: the same 1 MiB photo downloaded through its signed link (link
// and signature checked, scope re-read, audited, streamed). MB/s is download throughput.
func BenchmarkAttachmentDownload(b *testing.B) {
	e, tw, visit := benchEnv(b)
	photo := photo1MiB(b)
	link := streamUpload(b, tw, visit, bytes.NewReader(photo))
	b.SetBytes(int64(len(photo)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		req, _ := http.NewRequest(http.MethodGet, e.serverURL+link, nil)
		req.Header.Set("Authorization", "Bearer "+tw.Token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		n, _ := io.Copy(io.Discard, res.Body)
		_ = res.Body.Close()
		if res.StatusCode != http.StatusOK || n < int64(len(photo))-64<<10 {
			b.Fatalf("HTTP %d, %d bytes", res.StatusCode, n)
		}
	}
}

// BenchmarkAttachment20Concurrent: 20 uploads of 1 MiB photos at once; reports the peak Go
// heap in use above the level before they started (client and server share the process, the
// client streams its bodies). Streamed uploads keep it far below 20 MiB.
func BenchmarkAttachment20Concurrent(b *testing.B) {
	_, tw, visit := benchEnv(b)
	photo := photo1MiB(b)
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	heap := func() uint64 { metrics.Read(sample); return sample[0].Value.Uint64() }
	var peak atomic.Uint64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		base := heap()
		stop := make(chan struct{})
		var watched sync.WaitGroup
		watched.Add(1)
		go func() {
			defer watched.Done()
			for {
				select {
				case <-stop:
					return
				case <-time.After(time.Millisecond):
					if h := heap(); h > base && h-base > peak.Load() {
						peak.Store(h - base)
					}
				}
			}
		}()
		var wg sync.WaitGroup
		for j := 0; j < 20; j++ {
			wg.Add(1)
			go func(j int) {
				defer wg.Done()
				streamUpload(b, tw, visit, variant(photo, i*20+j+1))
			}(j)
		}
		wg.Wait()
		close(stop)
		watched.Wait()
	}
	b.ReportMetric(float64(peak.Load())/(1<<20), "peak-heap-MiB")
	b.SetBytes(20 * int64(len(photo)))
}
