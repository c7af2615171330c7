package importer

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
)

// MaxBytes is the largest workbook accepted; the HTTP layer stops reading past it.
const MaxBytes = 10 << 20

// maxRows bounds the data rows of one sheet.
const maxRows = 20_000

// record is one data row: its cells by column key, blank cells absent.
type record struct {
	row   int // the sheet's row number, as Excel shows it
	cells map[string]string
}

func (r record) get(key string) string { return r.cells[key] }

// workbook is a parsed file: each sheet's data rows, and the problems found reading it.
type workbook struct {
	sheets   map[string][]record
	problems []Problem
	rows     int
}

// read opens the file and takes each sheet of the kind by its header row. A file that is not an
// XLSX workbook, a sheet or required column that is missing, and formulas are problems;
// formulas are refused rather than evaluated or taken as text, since the cached value a
// spreadsheet stores need not match what the formula would give now.
func read(data []byte, k Kind) workbook {
	wb := workbook{sheets: map[string][]record{}}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: 256 << 20, UnzipXMLSizeLimit: 64 << 20})
	if err != nil {
		wb.problems = append(wb.problems, problem("", 0, "", NotAWorkbook))
		return wb
	}
	defer f.Close()
	for _, s := range k.Sheets {
		if idx, _ := f.GetSheetIndex(s.Name); idx < 0 {
			wb.problems = append(wb.problems, problem(s.Name, 0, "", MissingSheet))
			continue
		}
		rows, err := f.GetRows(s.Name, excelize.Options{RawCellValue: true})
		if err != nil {
			wb.problems = append(wb.problems, problem(s.Name, 0, "", NotAWorkbook))
			continue
		}
		if len(rows) == 0 {
			wb.problems = append(wb.problems, problem(s.Name, 1, "", MissingColumn))
			continue
		}
		at := map[string]int{} // column key → index
		for i, h := range rows[0] {
			h = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(h), "*"))
			for _, c := range s.Columns {
				if c.Header == h {
					at[c.Key] = i
				}
			}
		}
		missing := false
		for _, c := range s.Columns {
			if _, ok := at[c.Key]; !ok && c.Required {
				wb.problems = append(wb.problems, problem(s.Name, 1, c.Header, MissingColumn))
				missing = true
			}
		}
		if missing {
			continue
		}
		if len(rows)-1 > maxRows {
			wb.problems = append(wb.problems, problem(s.Name, maxRows+2, "", TooManyRows))
			continue
		}
		for n, cells := range rows[1:] {
			rowNo := n + 2
			r := record{row: rowNo, cells: map[string]string{}}
			bad := false
			for _, c := range s.Columns {
				i, ok := at[c.Key]
				if !ok {
					continue
				}
				name, _ := excelize.CoordinatesToCellName(i+1, rowNo)
				if fm, _ := f.GetCellFormula(s.Name, name); fm != "" {
					wb.problems = append(wb.problems, problem(s.Name, rowNo, c.Header, Formula))
					bad = true
					continue
				}
				if i < len(cells) {
					if v := strings.TrimSpace(cells[i]); v != "" {
						r.cells[c.Key] = v
					}
				}
			}
			if len(r.cells) == 0 && !bad {
				continue // a blank line
			}
			wb.rows++
			for _, c := range s.Columns {
				if c.Required && r.cells[c.Key] == "" && !bad {
					wb.problems = append(wb.problems, problem(s.Name, rowNo, c.Header, RequiredEmpty))
					bad = true
				}
			}
			if !bad {
				wb.sheets[s.Name] = append(wb.sheets[s.Name], r)
			}
		}
	}
	return wb
}

// parseDate takes a date cell: an Excel serial number, or 2006-01-02, 2006/1/2, 2006.1.2,
// 20060102.
func parseDate(v string) (time.Time, bool) {
	if n, err := strconv.ParseFloat(v, 64); err == nil && n > 0 && n < 2958466 && !(len(v) == 8 && !strings.Contains(v, ".")) {
		t, err := excelize.ExcelDateToTime(n, false)
		if err == nil {
			return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC), true
		}
	}
	for _, layout := range []string{"2006-1-2", "2006/1/2", "2006.1.2", "20060102", "2006年1月2日"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// textNumber reports a long number that Excel kept as a number: its digits are already lost
// (2.11404198501011E+17), so it must be typed again as text.
func textNumber(v string) bool {
	return strings.ContainsAny(v, "Ee") && strings.IndexFunc(v, func(r rune) bool { return r >= '0' && r <= '9' }) == 0
}

func atof(v string) (float64, error) {
	f, err := strconv.ParseFloat(strings.ReplaceAll(v, ",", ""), 64)
	if err != nil {
		return 0, fmt.Errorf("not a number")
	}
	return f, nil
}
