package attachments

import (
	"fmt"
	"math"
	"strings"
	"time"

	exif "github.com/dsoprea/go-exif/v3"
	exifcommon "github.com/dsoprea/go-exif/v3/common"
)

// Exif is what an upload's EXIF data says about where and when a photo was taken.
type Exif struct {
	TakenAt             *time.Time
	Latitude, Longitude *float64
}

// exifZone is the zone of EXIF times that carry no offset: cameras write local time, and the
// programme's photos are taken in China (UTC+8). An OffsetTimeOriginal tag, when present, wins.
var exifZone = time.FixedZone("CST", 8*3600)

// parseExif reads the capture time and GPS position from an EXIF payload (TIFF header
// onwards). Damaged or partial EXIF yields what could be read; it never fails an upload.
func parseExif(raw []byte) (out Exif) {
	if len(raw) == 0 {
		return out
	}
	defer func() { _ = recover() }() // the library panics on some malformed input
	im, err := exifcommon.NewIfdMappingWithStandard()
	if err != nil {
		return out
	}
	_, index, err := exif.Collect(im, exif.NewTagIndex(), raw)
	if err != nil || index.RootIfd == nil {
		return out
	}
	if gpsIfd, err := index.RootIfd.ChildWithIfdPath(exifcommon.IfdGpsInfoStandardIfdIdentity); err == nil {
		if gi, err := gpsIfd.GpsInfo(); err == nil {
			lat, lon := gi.Latitude.Decimal(), gi.Longitude.Decimal()
			if validCoord(lat, 90) && validCoord(lon, 180) && (lat != 0 || lon != 0) {
				out.Latitude, out.Longitude = &lat, &lon
			}
		}
	}
	if exifIfd, err := index.RootIfd.ChildWithIfdPath(exifcommon.IfdExifStandardIfdIdentity); err == nil {
		out.TakenAt = exifTime(tagString(exifIfd, "DateTimeOriginal"), tagString(exifIfd, "OffsetTimeOriginal"))
	}
	if out.TakenAt == nil {
		out.TakenAt = exifTime(tagString(index.RootIfd, "DateTime"), "")
	}
	return out
}

func validCoord(v, limit float64) bool {
	return !math.IsNaN(v) && !math.IsInf(v, 0) && math.Abs(v) <= limit
}

func tagString(ifd *exif.Ifd, name string) string {
	res, err := ifd.FindTagWithName(name)
	if err != nil || len(res) == 0 {
		return ""
	}
	v, err := res[0].Value()
	if err != nil {
		return ""
	}
	s, _ := v.(string)
	return strings.TrimRight(strings.TrimSpace(s), "\x00")
}

func exifTime(s, offset string) *time.Time {
	if s == "" {
		return nil
	}
	zone := exifZone
	if o, err := time.Parse("-07:00", offset); err == nil {
		_, secs := o.Zone()
		zone = time.FixedZone(offset, secs)
	}
	t, err := time.ParseInLocation("2006:01:02 15:04:05", s, zone)
	if err != nil || t.Year() < 1990 {
		return nil
	}
	t = t.UTC()
	return &t
}

// SampleExif builds an EXIF payload with a capture time (written as China local time) and a
// GPS position, for the demo district and tests.
func SampleExif(takenAt time.Time, lat, lon float64) ([]byte, error) {
	im, err := exifcommon.NewIfdMappingWithStandard()
	if err != nil {
		return nil, err
	}
	ti := exif.NewTagIndex()
	root := exif.NewIfdBuilder(im, ti, exifcommon.IfdStandardIfdIdentity, exifcommon.EncodeDefaultByteOrder)
	local := takenAt.In(exifZone).Format("2006:01:02 15:04:05")
	if err := root.AddStandardWithName("Make", "SBQW demo camera"); err != nil {
		return nil, err
	}
	if err := root.AddStandardWithName("DateTime", local); err != nil {
		return nil, err
	}
	exifIb, err := exif.GetOrCreateIbFromRootIb(root, "IFD/Exif")
	if err != nil {
		return nil, err
	}
	if err := exifIb.AddStandardWithName("DateTimeOriginal", local); err != nil {
		return nil, err
	}
	gps, err := exif.GetOrCreateIbFromRootIb(root, "IFD/GPSInfo")
	if err != nil {
		return nil, err
	}
	ref := func(v float64, pos, neg string) string {
		if v < 0 {
			return neg
		}
		return pos
	}
	for _, t := range []struct {
		name string
		v    any
	}{
		{"GPSLatitudeRef", ref(lat, "N", "S")}, {"GPSLatitude", dms(lat)},
		{"GPSLongitudeRef", ref(lon, "E", "W")}, {"GPSLongitude", dms(lon)},
	} {
		if err := gps.AddStandardWithName(t.name, t.v); err != nil {
			return nil, fmt.Errorf("exif %s: %w", t.name, err)
		}
	}
	return exif.NewIfdByteEncoder().EncodeToExif(root)
}

// dms writes a coordinate as degrees, minutes and seconds (to 1/10000 s).
func dms(v float64) []exifcommon.Rational {
	v = math.Abs(v)
	d := math.Floor(v)
	m := math.Floor((v - d) * 60)
	s := ((v-d)*60 - m) * 60
	return []exifcommon.Rational{{Numerator: uint32(d), Denominator: 1}, {Numerator: uint32(m), Denominator: 1}, {Numerator: uint32(math.Round(s * 10000)), Denominator: 10000}}
}
