package importer

import (
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"
)

// WriteTemplate writes the kind's empty template: one sheet per Sheet with its header row
// (required columns marked *), text format on ID/phone/number columns so Excel keeps leading
// zeros and all 18 digits, drop-down lists on vocabulary columns, and an instructions sheet.
func WriteTemplate(w io.Writer, k Kind) error {
	f := excelize.NewFile()
	defer f.Close()
	text, err := f.NewStyle(&excelize.Style{NumFmt: 49}) // "@": text
	if err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, NumFmt: 49})
	if err != nil {
		return err
	}
	for i, s := range k.Sheets {
		if i == 0 {
			if err := f.SetSheetName(f.GetSheetName(0), s.Name); err != nil {
				return err
			}
		} else if _, err := f.NewSheet(s.Name); err != nil {
			return err
		}
		for j, c := range s.Columns {
			col, _ := excelize.ColumnNumberToName(j + 1)
			h := c.Header
			if c.Required {
				h += "*"
			}
			_ = f.SetCellValue(s.Name, col+"1", h)
			_ = f.SetColWidth(s.Name, col, col, float64(max(12, 2*len([]rune(h))+2)))
			if c.Text {
				_ = f.SetColStyle(s.Name, col, text)
			}
			if c.Vocab != "" {
				dv := excelize.NewDataValidation(true)
				dv.SetSqref(fmt.Sprintf("%s2:%s%d", col, col, maxRows+1))
				if err := dv.SetDropList(termList(c.Vocab)); err == nil {
					_ = f.AddDataValidation(s.Name, dv)
				}
			}
		}
		last, _ := excelize.ColumnNumberToName(len(s.Columns))
		_ = f.SetCellStyle(s.Name, "A1", last+"1", bold)
	}
	// Instructions, one row a column.
	const help = "说明"
	if _, err := f.NewSheet(help); err != nil {
		return err
	}
	rows := [][]any{{"工作表 sheet", "列 column", "必填 required", "格式与取值 format and values"}}
	for _, s := range k.Sheets {
		for _, c := range s.Columns {
			req := ""
			if c.Required {
				req = "是 yes"
			}
			note := c.Hint
			if c.Vocab != "" {
				note = strings.Join(termList(c.Vocab), "、")
			}
			rows = append(rows, []any{s.Name, c.Header, req, note})
		}
	}
	rows = append(rows, []any{}, []any{"公式不被接受：请粘贴为数值。Formulas are refused: paste values."},
		[]any{fmt.Sprintf("每个文件最多 %d 行、%d MB。At most %d rows and %d MB a file.", maxRows, MaxBytes>>20, maxRows, MaxBytes>>20)},
		[]any{"第一行为表头，列的顺序可以调整。Row 1 is the header; columns may be in any order."})
	for i, r := range rows {
		_ = f.SetSheetRow(help, fmt.Sprintf("A%d", i+1), &r)
	}
	_ = f.SetColWidth(help, "A", "D", 28)
	return f.Write(w)
}
