package importer

import (
	"fmt"
	"strings"
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

// Reasons: stable codes clients may translate; the messages below say the same in words.
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

var messages = map[string][2]string{ // reason → {Chinese, English}
	NotAWorkbook:      {"文件不是 Excel 工作簿（.xlsx）", "the file is not an Excel workbook (.xlsx)"},
	FileTooLarge:      {fmt.Sprintf("文件超过 %d MB", MaxBytes>>20), fmt.Sprintf("the file is larger than %d MB", MaxBytes>>20)},
	MissingSheet:      {"缺少工作表，请使用导入模板", "the sheet is missing: use the import template"},
	MissingColumn:     {"缺少必填列，请使用导入模板", "a required column is missing: use the import template"},
	TooManyRows:       {fmt.Sprintf("一个工作表最多 %d 行，请分批导入", maxRows), fmt.Sprintf("at most %d rows a sheet: import in parts", maxRows)},
	Formula:           {"单元格含公式，请粘贴为数值", "the cell holds a formula: paste it as a value"},
	RequiredEmpty:     {"必填项为空", "a required cell is empty"},
	UnknownTerm:       {"取值不在可选范围内", "not one of the allowed values"},
	InvalidDate:       {"日期格式不正确（例：2024-01-15）", "not a date (e.g. 2024-01-15)"},
	InvalidNumber:     {"应为数字", "not a number"},
	NumberNotText:     {"长数字被 Excel 存为数值，已丢失位数，请设为文本后重新输入", "Excel stored this long number as a number and lost digits: format the cell as text and type it again"},
	IDChecksum:        {"身份证号码校验位错误", "the ID number's check digit is wrong"},
	IDInvalid:         {"身份证号码格式不正确", "not a valid ID number"},
	VillageUnknown:    {"没有这个村", "no such village"},
	VillageAmbiguous:  {"村名重名，请填写12位区划代码", "more than one village has this name: give its 12-digit code"},
	VillageOutOfScope: {"该村不在您的管辖范围内", "the village is outside your jurisdiction"},
	DuplicateInFile:   {"与本文件中前面的行重复", "repeats an earlier row of this file"},
	AlreadyRecorded:   {"系统中已有此记录", "already recorded"},
	HouseholdUnknown:  {"本文件和您的管辖范围内都没有这一户", "no such household in this file or within your jurisdiction"},
	OrgUnknown:        {"没有这个党组织", "no such party organisation"},
	DepartmentUnknown: {"没有这个部门", "no such department"},
	CadreUnknown:      {"该部门没有这名干部", "the department has no cadre of that name"},
	CadreAmbiguous:    {"该部门有多名同名干部", "the department has several cadres of that name"},
	OutOfScope:        {"不在您的管辖范围内", "outside your jurisdiction"},
	NotAllowed:        {"您的角色无权进行此操作", "your role may not do this"},
	InvalidValue:      {"取值无效", "invalid value"},
	Rejected:          {"不符合业务规则", "breaks a rule"},
}

func problem(sheet string, row int, column, reason string) Problem {
	m := messages[reason]
	return Problem{Sheet: sheet, Row: row, Column: column, Reason: reason, MessageZh: m[0], Message: m[1]}
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
