package attachments

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"io"
)

// What is stripped from a stored JPEG, and what is kept (docs/attachments.md repeats this):
//
// Every segment before the first scan (SOS) is read. Kept, byte for byte: the markers that
// describe the picture (SOF*, DHT, DQT, DRI, DAC, DNL, …), APP0 (JFIF/JFXX: pixel density
// and thumbnail-free header), APP2 "ICC_PROFILE" (the colour profile: without it colours
// shift) and APP14 "Adobe" (the colour transform: without it CMYK/YCCK files decode wrongly).
// Removed: APP1 (EXIF — camera make and model, serial numbers, owner name, software,
// orientation, the embedded thumbnail, and GPS — and XMP), every other APPn (APP2 FlashPix and
// multi-picture, APP3–APP13 including IPTC/Photoshop in APP13, APP15) and COM comments. From
// the first scan on, the data is copied unchanged: the pixels are not re-encoded. The EXIF
// capture time and GPS position are read from APP1 before it is dropped and kept as fields.

const (
	markerSOI   = 0xD8
	markerEOI   = 0xD9
	markerSOS   = 0xDA
	markerCOM   = 0xFE
	markerAPP0  = 0xE0
	markerAPP1  = 0xE1
	markerAPP2  = 0xE2
	markerAPP14 = 0xEE
)

var errNotJPEG = errors.New("not a JPEG stream")

// maxExif bounds the EXIF segment kept for parsing (a segment holds at most 64 KiB anyway).
const maxExif = 64 << 10

// stripJPEG copies the JPEG in src to dst without its metadata segments (see above) and
// returns the EXIF payload (TIFF header onwards) of the first APP1 "Exif" segment, if any.
// Memory use is bounded by one segment (64 KiB), whatever the size of the picture.
func stripJPEG(dst io.Writer, src io.Reader) (exif []byte, err error) {
	r := bufio.NewReaderSize(src, 32<<10)
	var soi [2]byte
	if _, err := io.ReadFull(r, soi[:]); err != nil || soi[0] != 0xFF || soi[1] != markerSOI {
		return nil, errNotJPEG
	}
	if _, err := dst.Write(soi[:]); err != nil {
		return nil, err
	}
	for {
		b, err := r.ReadByte()
		if err != nil {
			return nil, errNotJPEG
		}
		if b != 0xFF {
			return nil, errNotJPEG
		}
		m, err := r.ReadByte()
		for err == nil && m == 0xFF { // fill bytes
			m, err = r.ReadByte()
		}
		if err != nil {
			return nil, errNotJPEG
		}
		switch {
		case m == markerEOI:
			_, err := dst.Write([]byte{0xFF, m})
			return exif, err
		case m == 0x01 || (m >= 0xD0 && m <= 0xD7): // TEM, RSTn: no length
			if _, err := dst.Write([]byte{0xFF, m}); err != nil {
				return nil, err
			}
			continue
		}
		var lb [2]byte
		if _, err := io.ReadFull(r, lb[:]); err != nil {
			return nil, errNotJPEG
		}
		n := int(binary.BigEndian.Uint16(lb[:]))
		if n < 2 {
			return nil, errNotJPEG
		}
		body := make([]byte, n-2)
		if _, err := io.ReadFull(r, body); err != nil {
			return nil, errNotJPEG
		}
		if m == markerAPP1 && exif == nil && bytes.HasPrefix(body, []byte("Exif\x00\x00")) && len(body) <= maxExif {
			exif = body[6:]
		}
		if !keepSegment(m, body) {
			continue
		}
		if _, err := dst.Write([]byte{0xFF, m, lb[0], lb[1]}); err != nil {
			return nil, err
		}
		if _, err := dst.Write(body); err != nil {
			return nil, err
		}
		if m == markerSOS {
			_, err := io.Copy(dst, r) // the scans and whatever follows, unchanged
			return exif, err
		}
	}
}

func keepSegment(m byte, body []byte) bool {
	switch {
	case m == markerCOM:
		return false
	case m == markerAPP0:
		return true
	case m == markerAPP2:
		return bytes.HasPrefix(body, []byte("ICC_PROFILE\x00"))
	case m == markerAPP14:
		return bytes.HasPrefix(body, []byte("Adobe"))
	case m >= 0xE0 && m <= 0xEF:
		return false
	}
	return true
}
