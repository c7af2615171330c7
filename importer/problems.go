package importer

import (
	"fmt"
	"strings"

	"github.com/nanpiao/sbqw/apperr"
)

// Problem is one thing wrong with a file: where (sheet, row as Excel numbers it, column
// header), a stable machine reason, and what to do about it in Chinese and English.
type Problem struct {
	Sheet     string `json:"sheet,omitempty"`
	Row       int    `json:"row,omitempty"` // 0: the file as a whole
	Column    string `json:"column,omitempty"`
	Reason    string `json:"reason"`
	MessageZh string `json:"messageZh"`
	Message   string `json:"message"`
}

// Reasons: stable codes clients may translate, listed with their meanings in apperr/reasons.go.
const (
	NotAWorkbook      = "NOT_A_WORKBOOK"
	FileTooLarge      = "FILE_TOO_LARGE"
	MissingSheet      = "MISSING_SHEET"
	MissingColumn     = "MISSING_COLUMN"
	TooManyRows       = "TOO_MANY_ROWS"
	Formula           = "FORMULA_NOT_ALLOWED"
	RequiredEmpty     = "REQUIRED_EMPTY"
	UnknownTerm       = "UNKNOWN_TERM"
	InvalidDate       = "INVALID_DATE"
	InvalidNumber     = "INVALID_NUMBER"
	NumberNotText     = "NUMBER_NOT_TEXT"
	IDChecksum        = "ID_NUMBER_CHECKSUM"
	IDInvalid         = "ID_NUMBER_INVALID"
	VillageUnknown    = "VILLAGE_UNKNOWN"
	VillageAmbiguous  = "VILLAGE_AMBIGUOUS"
	VillageOutOfScope = "VILLAGE_OUT_OF_SCOPE"
	DuplicateInFile   = "DUPLICATE_IN_FILE"
	AlreadyRecorded   = "ALREADY_RECORDED"
	HouseholdUnknown  = "HOUSEHOLD_UNKNOWN"
	OrgUnknown        = "ORGANIZATION_UNKNOWN"
	DepartmentUnknown = "DEPARTMENT_UNKNOWN"
	CadreUnknown      = "CADRE_UNKNOWN"
	CadreAmbiguous    = "CADRE_AMBIGUOUS"
	OutOfScope        = "OUT_OF_SCOPE"
	NotAllowed        = "NOT_ALLOWED"
	InvalidValue      = "INVALID_VALUE"
	Rejected          = "RULE_REJECTED"
)

// problem says what a reason means (apperr's catalogue of reasons, the one place for them).
func problem(sheet string, row int, column, reason string) Problem {
	m, _ := apperr.Meaning(reason)
	p := Problem{Sheet: sheet, Row: row, Column: column, Reason: reason, MessageZh: m.Zh, Message: m.En}
	switch reason {
	case FileTooLarge:
		p.MessageZh += fmt.Sprintf("（上限 %d MB）", MaxBytes>>20)
		p.Message += fmt.Sprintf(" (at most %d MB)", MaxBytes>>20)
	case TooManyRows:
		p.MessageZh += fmt.Sprintf("（一个工作表最多 %d 行）", maxRows)
		p.Message += fmt.Sprintf(" (at most %d rows a sheet)", maxRows)
	}
	return p
}

// detailed is problem with the rule's own words appended; the platform's messages read
// "English (中文)", split into the two languages.
func detailed(sheet string, row int, column, reason, msg string) Problem {
	p := problem(sheet, row, column, reason)
	en, zh := msg, msg
	if i := strings.LastIndex(msg, " ("); i > 0 && strings.HasSuffix(msg, ")") {
		en, zh = msg[:i], msg[i+2:len(msg)-1]
	}
	p.MessageZh += "：" + zh
	p.Message += ": " + en
	return p
}
