package yearclose

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"entgo.io/ent/dialect"

	"github.com/nanpiao/sbqw/apperr"
	"github.com/nanpiao/sbqw/authz"
	"github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/ent/closedreport"
	"github.com/nanpiao/sbqw/ent/privacy"
	"github.com/nanpiao/sbqw/ent/schema"
	"github.com/nanpiao/sbqw/graph/scalar"
	"github.com/nanpiao/sbqw/internal/clock"
	"github.com/nanpiao/sbqw/stats"
)

// The Casbin object and actions of the close (DISTRICT's "everything" line grants them).
const (
	Object       = "year_close"
	ActionClose  = authz.ActionClose
	ActionReopen = "reopen"
)

// Closed is what a close made: the year's row and its new snapshots.
type Closed struct {
	Year     *ent.YearClose
	Reports  []*ent.ClosedReport
	Township map[int]*ent.ClosedReport
}

// Close closes year: it takes the year's row for update (every write into the year holds it
// shared, so writes in flight finish first and later ones wait and then find the year closed),
// computes the district's and each township's report as of 31 December from tx, stores them
// with their SHA-256 and marks the year closed, all in tx. root is the client outside the
// transaction (MySQL: the year's row is created there first, so that competing closes queue on
// one existing row instead of deadlocking on its insertion).
func Close(ctx context.Context, root, tx *ent.Client, year int) (*Closed, error) {
	if err := authz.RequireDistrictWide(ctx, Object, ActionClose); err != nil {
		return nil, err
	}
	if err := closableYear(year); err != nil {
		return nil, err
	}
	yc, err := lockYear(ctx, root, tx, year)
	if err != nil {
		return nil, err
	}
	if yc.Closed {
		return nil, apperr.Conflictf("the year %d is closed already; reopen it first to close it again (该年度已关账)", year)
	}
	district, townships, err := Build(ctx, tx, year)
	if err != nil {
		return nil, err
	}
	v := authz.FromContext(ctx)
	by := "system:" + authz.SystemReason(ctx)
	if v != nil {
		by = v.Username
	}
	now := time.Now().UTC()
	seq := yc.CloseCount + 1
	sys := authz.Bypass(ctx, "year close") // the caller's right was checked above; the audit event below records it
	out := &Closed{Township: map[int]*ent.ClosedReport{}}
	store := func(r *Report, townshipID *int) (*ent.ClosedReport, error) {
		js, err := r.Encode()
		if err != nil {
			return nil, err
		}
		wb, err := r.Workbook()
		if err != nil {
			return nil, err
		}
		return tx.ClosedReport.Create().SetYear(year).SetNillableTownshipID(townshipID).SetCloseSeq(seq).
			SetJSON(js).SetJSONSha256(Sum(js)).SetXlsx(wb).SetXlsxSha256(Sum(wb)).
			SetClosedAt(now).SetClosedBy(by).Save(sys)
	}
	dr, err := store(district, nil)
	if err != nil {
		return nil, err
	}
	out.Reports = append(out.Reports, dr)
	for id, r := range townships {
		id := id
		cr, err := store(r, &id)
		if err != nil {
			return nil, err
		}
		out.Reports = append(out.Reports, cr)
		out.Township[id] = cr
	}
	if out.Year, err = tx.YearClose.UpdateOne(yc).SetClosed(true).SetCloseCount(seq).SetClosedAt(now).SetClosedBy(by).Save(sys); err != nil {
		return nil, err
	}
	if v == nil {
		return out, nil // system work (the demo loader) is not a caller's act; nothing to audit
	}
	err = authz.Record(ctx, tx, authz.Event{Action: "year.close", Entity: ent.TypeYearClose, EntityID: &yc.ID,
		Detail: fmt.Sprintf("closed %d (close %d): %d reports; district report json sha256 %s, xlsx sha256 %s", year, seq, len(out.Reports), dr.JSONSha256, dr.XlsxSha256)})
	return out, err
}

// Reopen reopens a closed year with a reason: its records may be changed again, and its
// snapshots stay stored (fetchable by closeSeq) but are marked superseded. Audited with the
// reason.
func Reopen(ctx context.Context, root, tx *ent.Client, year int, reason string) (*ent.YearClose, error) {
	if err := authz.RequireDistrictWide(ctx, Object, ActionReopen); err != nil {
		return nil, err
	}
	reason = strings.TrimSpace(reason)
	if len([]rune(reason)) < 2 {
		return nil, apperr.Invalid("reason", "say why the year is reopened (请填写重新开账原因)")
	}
	if year < stats.FirstYear || year > 2100 {
		return nil, apperr.Invalid("year", "must be between %d and 2100 (年度超出范围)", stats.FirstYear)
	}
	yc, err := lockYear(ctx, root, tx, year)
	if err != nil {
		return nil, err
	}
	if !yc.Closed {
		return nil, apperr.Conflictf("the year %d is not closed (该年度未关账)", year)
	}
	sys := authz.Bypass(ctx, "year reopen")
	now := time.Now().UTC()
	if _, err := tx.ClosedReport.Update().Where(closedreport.Year(year), closedreport.SupersededAtIsNil()).SetSupersededAt(now).Save(sys); err != nil {
		return nil, err
	}
	if yc, err = tx.YearClose.UpdateOne(yc).SetClosed(false).Save(sys); err != nil {
		return nil, err
	}
	err = authz.Record(ctx, tx, authz.Event{Action: "year.reopen", Entity: ent.TypeYearClose, EntityID: &yc.ID, Changed: []string{"closed"},
		Detail: fmt.Sprintf("reopened %d: %s", year, reason)})
	return yc, err
}

// Fetch is the stored snapshot of year for a township (nil: the district's), the latest close
// unless closeSeq names one — read through the caller's scope. A snapshot the caller may not
// see is NOT_FOUND, exactly like one that does not exist.
func Fetch(ctx context.Context, client *ent.Client, year int, townshipID *int, closeSeq *int) (*ent.ClosedReport, error) {
	q := client.ClosedReport.Query().Where(closedreport.Year(year))
	if townshipID != nil {
		q.Where(closedreport.TownshipID(*townshipID))
	} else {
		q.Where(closedreport.TownshipIDIsNil())
	}
	if closeSeq != nil {
		q.Where(closedreport.CloseSeq(*closeSeq))
	}
	r, err := q.Order(ent.Desc(closedreport.FieldCloseSeq)).First(ctx)
	if ent.IsNotFound(err) || errors.Is(err, privacy.Deny) {
		return nil, apperr.NotFoundf("no closed report of %d for that unit that you can see (记录不存在)", year)
	}
	return r, err
}

// Sum is the lower-case hex SHA-256 of b.
func Sum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// closableYear: a year from the programme's start whose last day is over (China Standard Time).
func closableYear(year int) error {
	if year < stats.FirstYear || year > 2100 {
		return apperr.Invalid("year", "must be between %d and 2100 (年度超出范围)", stats.FirstYear)
	}
	if !clock.Today().After(YearEnd(year)) {
		return apperr.Invalid("year", "the year %d has not ended yet; close it from 1 January on (年度未结束，不能关账)", year)
	}
	return nil
}

// lockYear takes the year's row for update in tx, creating it first when missing.
func lockYear(ctx context.Context, root, tx *ent.Client, year int) (*ent.YearClose, error) {
	ensureWith := tx // SQLite: one writer at a time, and this transaction is it
	if tx.Dialect() == dialect.MySQL {
		ensureWith = root
	}
	if err := schema.EnsureYearRow(ctx, ensureWith, year); err != nil {
		return nil, err
	}
	q := "SELECT id FROM year_closes WHERE year = ?"
	if tx.Dialect() == dialect.MySQL {
		q += " FOR UPDATE"
	}
	rows, err := tx.QueryContext(ctx, q, year)
	if err != nil {
		return nil, err
	}
	id := 0
	if rows.Next() {
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
	}
	if err := rows.Close(); err != nil {
		return nil, err
	}
	return tx.YearClose.Get(authz.Bypass(ctx, "year close lock"), id)
}

// DownloadPath is the path of a snapshot's authenticated XLSX download (httpapi).
func DownloadPath(r *ent.ClosedReport) string {
	p := fmt.Sprintf("/closed-reports/%d.xlsx?closeSeq=%d", r.Year, r.CloseSeq)
	if r.TownshipID != nil {
		p += "&townshipID=" + scalar.EncodeID(*r.TownshipID)
	}
	return p
}
