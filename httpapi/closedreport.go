package httpapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/nanpiao/sbqw/apperr"
	"github.com/nanpiao/sbqw/authz"
	"github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/graph/scalar"
	"github.com/nanpiao/sbqw/yearclose"
)

// closedReportDownload serves GET /closed-reports/{year}.xlsx (and .json), with the optional
// query parameters townshipID (a township's report; absent: the district's) and closeSeq: the
// bytes stored when the year was closed, read through the caller's scope like closedReport —
// what the caller may not see is 404, as if it did not exist. Every download is audited.
func closedReportDownload(client *ent.Client, audit func(context.Context, authz.Event) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if authz.FromContext(r.Context()) == nil {
			plainError(w, r, "sign in first (请先登录)", http.StatusUnauthorized)
			return
		}
		file := r.PathValue("file")
		ext := ""
		for _, e := range []string{".xlsx", ".json"} {
			if strings.HasSuffix(file, e) {
				ext = e
			}
		}
		year, err := strconv.Atoi(strings.TrimSuffix(file, ext))
		if ext == "" || err != nil {
			plainError(w, r, "name the report as <year>.xlsx or <year>.json (输入值无效)", http.StatusBadRequest)
			return
		}
		var township, seq *int
		if s := r.URL.Query().Get("townshipID"); s != "" {
			id, err := scalar.DecodeID(s)
			if err != nil {
				plainError(w, r, "townshipID: not an ID returned by this API (ID格式错误)", http.StatusBadRequest)
				return
			}
			township = &id
		}
		if s := r.URL.Query().Get("closeSeq"); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil || n < 1 {
				plainError(w, r, "closeSeq: a positive number (输入值无效)", http.StatusBadRequest)
				return
			}
			seq = &n
		}
		rep, err := yearclose.Fetch(r.Context(), client, year, township, seq)
		if err != nil {
			var ae *apperr.Error
			if errors.As(err, &ae) && ae.Code == apperr.NotFound {
				plainError(w, r, ae.Message, http.StatusNotFound)
				return
			}
			plainError(w, r, "download failed (系统内部错误)", http.StatusInternalServerError)
			return
		}
		body, sum, ctype := rep.Xlsx, rep.XlsxSha256, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
		if ext == ".json" {
			body, sum, ctype = rep.JSON, rep.JSONSha256, "application/json; charset=utf-8"
		}
		ev := authz.Event{Action: "closedReport.download", Entity: ent.TypeClosedReport, EntityID: &rep.ID,
			Detail: fmt.Sprintf("%d%s close %d sha256 %s", year, ext, rep.CloseSeq, sum)}
		if rep.TownshipID != nil {
			ev.TownshipID = *rep.TownshipID
		}
		if err := audit(authz.Bypass(r.Context(), "closed report download"), ev); err != nil {
			plainError(w, r, "download failed: could not be audited (系统内部错误)", http.StatusInternalServerError)
			return
		}
		name := fmt.Sprintf("closed-report-%d", year)
		if rep.TownshipID != nil {
			name += "-" + strconv.Itoa(*rep.TownshipID)
		}
		w.Header().Set("Content-Type", ctype)
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.Header().Set("X-Content-SHA256", sum)
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s-%d%s"`, name, rep.CloseSeq, ext))
		_, _ = w.Write(body)
	})
}
