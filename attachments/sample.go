package attachments

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"time"
)

// SampleJPEG is a small generated photo (w×h pixels, a gradient tinted by seed) carrying EXIF
// with a capture time and a GPS position, for the demo district and tests.
func SampleJPEG(w, h, seed int, takenAt time.Time, lat, lon float64) ([]byte, error) {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(x*255/max(w, 1) + seed*37), uint8(y*255/max(h, 1) + seed*11), uint8((x ^ y) + seed), 255})
		}
	}
	var enc bytes.Buffer
	if err := jpeg.Encode(&enc, img, &jpeg.Options{Quality: 80}); err != nil {
		return nil, err
	}
	ex, err := SampleExif(takenAt, lat, lon)
	if err != nil {
		return nil, err
	}
	payload := append([]byte("Exif\x00\x00"), ex...)
	if len(payload)+2 > 0xFFFF {
		return nil, fmt.Errorf("exif too large")
	}
	var out bytes.Buffer
	b := enc.Bytes()
	out.Write(b[:2]) // SOI
	out.Write([]byte{0xFF, markerAPP1})
	_ = binary.Write(&out, binary.BigEndian, uint16(len(payload)+2))
	out.Write(payload)
	out.Write([]byte{0xFF, markerCOM, 0, 12})
	out.WriteString("secret-ish")
	out.Write(b[2:])
	return out.Bytes(), nil
}

// SamplePDF is a minimal one-page PDF saying text (ASCII), for the demo district and tests.
func SamplePDF(text string) []byte {
	var b bytes.Buffer
	offsets := []int{}
	obj := func(s string) {
		offsets = append(offsets, b.Len())
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", len(offsets), s)
	}
	b.WriteString("%PDF-1.4\n")
	obj("<< /Type /Catalog /Pages 2 0 R >>")
	obj("<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
	obj("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 100] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>")
	stream := fmt.Sprintf("BT /F1 12 Tf 20 50 Td (%s) Tj ET", text)
	obj(fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(stream), stream))
	obj("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(offsets)+1)
	for _, o := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(offsets)+1, xref)
	return b.Bytes()
}
