// Package importer reads the district's template workbooks — households with their residents,
// party members, pairings — and writes them through the ent client as the caller, so every
// rule of the API (scope, authority, uniqueness, ID checksum, sealing) applies row by row. A dry
// run and a commit do the same work in one transaction; a dry run, or a commit with any problem,
// rolls it back, so a file is applied whole or not at all.
package importer

import (
	"strings"

	"github.com/nanpiao/sbqw/ent/schema/enum"
)

// Kind is one importable workbook: its sheets in the order they are applied.
type Kind struct {
	Name   string  // path segment: /import/{Name}
	Title  string  // Chinese name
	Sheets []Sheet // applied in this order (households before their residents)
}

// Sheet is one worksheet of a kind: the header row's columns.
type Sheet struct {
	Name    string // worksheet name in the template (Chinese)
	Columns []Column
}

// Column is one column of a sheet, found by its header text (order does not matter).
type Column struct {
	Key      string // internal name
	Header   string // Chinese header, as in the template
	Required bool
	Vocab    string // enum vocabulary whose Chinese terms (or values) the cell takes
	Text     bool   // formatted as text in the template (ID numbers, phones, numbers with zeros)
	Hint     string // format note for the instructions sheet
}

// Kinds is the table of importable workbooks.
var Kinds = []Kind{
	{Name: "households", Title: "农户及家庭成员", Sheets: []Sheet{
		{Name: "农户", Columns: []Column{
			{Key: "village", Header: "所属村", Required: true, Text: true, Hint: "村名称或12位区划代码 village name or 12-digit code"},
			{Key: "number", Header: "户编号", Required: true, Text: true, Hint: "村内唯一 unique within the village"},
			{Key: "headName", Header: "户主姓名", Required: true},
			{Key: "address", Header: "住址"},
			{Key: "category", Header: "农户类别", Vocab: "HouseholdCategory"},
			{Key: "income", Header: "人均纯收入（元）", Hint: "数字 a number, yuan"},
		}},
		{Name: "家庭成员", Columns: []Column{
			{Key: "village", Header: "所属村", Required: true, Text: true, Hint: "同农户表 as on the household sheet"},
			{Key: "number", Header: "户编号", Required: true, Text: true, Hint: "本文件或系统中已有的户 a household in this file or already recorded"},
			{Key: "name", Header: "姓名", Required: true},
			{Key: "relation", Header: "与户主关系", Required: true, Vocab: "Relation"},
			{Key: "idNumber", Header: "身份证号", Required: true, Text: true, Hint: "18位，文本格式 18 characters, as text"},
			{Key: "phone", Header: "联系电话", Text: true},
			{Key: "health", Header: "健康状况", Vocab: "HealthStatus"},
			{Key: "laborSkill", Header: "劳动技能", Vocab: "LaborSkill"},
			{Key: "education", Header: "文化程度", Vocab: "Education"},
		}},
	}},
	{Name: "partyMembers", Title: "党员", Sheets: []Sheet{
		{Name: "党员", Columns: []Column{
			{Key: "name", Header: "姓名", Required: true},
			{Key: "idNumber", Header: "身份证号", Required: true, Text: true, Hint: "18位，文本格式 18 characters, as text"},
			{Key: "phone", Header: "联系电话", Text: true},
			{Key: "village", Header: "所在村", Required: true, Text: true, Hint: "村名称或12位区划代码 village name or 12-digit code"},
			{Key: "organization", Header: "所属党组织", Required: true, Hint: "党组织全称 the organisation's full name"},
			{Key: "education", Header: "学历", Required: true, Vocab: "Education"},
			{Key: "occupation", Header: "职业", Required: true, Vocab: "Occupation"},
			{Key: "joinedOn", Header: "入党日期", Required: true, Hint: "日期 a date, 2001-07-01"},
			{Key: "membership", Header: "正式/预备", Vocab: "MembershipKind"},
			{Key: "category", Header: "党员分类", Required: true, Vocab: "MemberCategory"},
			{Key: "location", Header: "现居住地"},
			{Key: "specialties", Header: "特长", Hint: "以顿号或逗号分隔 separated by 、 or ,"},
		}},
	}},
	{Name: "pairings", Title: "结对帮扶", Sheets: []Sheet{
		{Name: "结对", Columns: []Column{
			{Key: "department", Header: "干部所属部门", Required: true, Hint: "部门名称或代码 department name or code"},
			{Key: "cadre", Header: "干部姓名", Required: true},
			{Key: "village", Header: "所属村", Required: true, Text: true, Hint: "村名称或12位区划代码 village name or 12-digit code"},
			{Key: "number", Header: "户编号", Required: true, Text: true},
			{Key: "startOn", Header: "结对日期", Required: true, Hint: "日期 a date, 2024-01-15"},
		}},
	}},
}

// KindNamed returns the kind with that name.
func KindNamed(name string) (Kind, bool) {
	for _, k := range Kinds {
		if k.Name == name {
			return k, true
		}
	}
	return Kind{}, false
}

// term turns a cell into a vocabulary value: the Chinese term or the value itself.
func term(vocab, cell string) (string, bool) {
	c := strings.TrimSpace(cell)
	for _, t := range enum.Terms(vocab) {
		if c == t.Zh || strings.EqualFold(c, t.Value) {
			return t.Value, true
		}
	}
	return "", false
}

func termList(vocab string) []string {
	var zh []string
	for _, t := range enum.Terms(vocab) {
		zh = append(zh, t.Zh)
	}
	return zh
}
