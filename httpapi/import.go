package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"github.com/nanpiao/sbqw/authz"
	"github.com/nanpiao/sbqw/ent"
	"github.com/nanpiao/sbqw/importer"
)

// importTemplate serves GET /import/{kind}/template.xlsx: the empty workbook to fill in.
func importTemplate() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if authz.FromContext(r.Context()) == nil {
			plainError(w, r, "sign in first (请先登录)", http.StatusUnauthorized)
			return
		}
		k, ok := importer.KindNamed(r.PathValue("kind"))
		if !ok {
			plainError(w, r, fmt.Sprintf("no import named %q (无此导入)", r.PathValue("kind")), http.StatusNotFound)
			return
		}
		var buf bytes.Buffer
		if err := importer.WriteTemplate(&buf, k); err != nil {
			plainError(w, r, "template failed", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="import-%s-template.xlsx"`, k.Name))
		_, _ = w.Write(buf.Bytes())
	})
}

// importWorkbook serves POST /import/{kind}[?dryRun=true] with the workbook as the body. The
// body is cut off at importer.MaxBytes while it is read. The answer is the importer's Result as
// JSON: 200 when the file is (or would be) applied, 422 with every problem when it is not, 413
// when it is too large.
func importWorkbook(client *ent.Client) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if authz.FromContext(r.Context()) == nil {
			plainError(w, r, "sign in first (请先登录)", http.StatusUnauthorized)
			return
		}
		k, ok := importer.KindNamed(r.PathValue("kind"))
		if !ok {
			plainError(w, r, fmt.Sprintf("no import named %q (无此导入)", r.PathValue("kind")), http.StatusNotFound)
			return
		}
		dryRun, _ := strconv.ParseBool(r.URL.Query().Get("dryRun"))
		if r.ContentLength > importer.MaxBytes {
			writeImport(w, http.StatusRequestEntityTooLarge, importer.Bad(k, importer.FileTooLarge))
			return
		}
		data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, importer.MaxBytes))
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			writeImport(w, http.StatusRequestEntityTooLarge, importer.Bad(k, importer.FileTooLarge))
			return
		}
		if err != nil {
			plainError(w, r, "could not read the file (文件读取失败)", http.StatusBadRequest)
			return
		}
		res, err := importer.Run(r.Context(), client, k, data, dryRun)
		if err != nil {
			if l := errorLog(r.Context()); l != nil {
				l.ErrorContext(r.Context(), "import failed", "request_id", RequestID(r.Context()), "kind", k.Name, "err", err)
			}
			plainError(w, r, "import failed (导入失败)", http.StatusInternalServerError)
			return
		}
		status := http.StatusOK
		if len(res.Problems) > 0 {
			status = http.StatusUnprocessableEntity
		}
		writeImport(w, status, res)
	})
}

func writeImport(w http.ResponseWriter, status int, res *importer.Result) {
	if res.Problems == nil {
		res.Problems = []importer.Problem{}
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(res)
}
