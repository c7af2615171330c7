package yearclose

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/nanpiao/sbqw/ent/schema/enum"
	"github.com/nanpiao/sbqw/money"
)

// Workbook is the report as an XLSX workbook with Chinese headers: a summary sheet (汇总) and
// one sheet per demonstration project. excelize stamps the file with the time it was written,
// so a workbook is built once, when the year is closed, and its bytes are what every later
// download serves.
func (r *Report) Workbook() ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	summary := "汇总"
	if err := f.SetSheetName(f.GetSheetName(0), summary); err != nil {
		return nil, err
	}
	title := fmt.Sprintf("%d年度报告（截至%s）", r.Year, r.AsOf)
	if r.Township != nil {
		title = r.Township.Name + title
	} else {
		title = "全区" + title
	}
	rows := [][]any{{title}, {}}
	rows = append(rows, []any{"指标", "数值"})
	rows = append(rows, headlineRows(r.Headline)...)
	if a := r.Annual; a != nil {
		rows = append(rows,
			[]any{"当年新增监测户", a.MonitoringOpenedInYear}, []any{"当年返贫户", a.ReturnedInYear},
			[]any{"参加X培训人次", a.XCoursesAttended},
			[]any{"春节期间结对数", a.SpringFestivalPairings}, []any{"春节期间走访数", a.SpringFestivalVisited},
			[]any{"整顿村数", a.Rectifications}, []any{"整顿验收合格", a.RectificationsPassed},
			[]any{"党员团队数", a.Teams}, []any{"党员贡献记录数", a.Contributions}, []any{"帮扶户数", a.HouseholdsHelped})
		for i, n := range a.VisitsByQuarter {
			rows = append(rows, []any{fmt.Sprintf("第%d季度走访次数", i+1), n})
		}
		for _, c := range a.ByStage {
			rows = append(rows, []any{"处于" + zh("ProjectStage", c.Stage) + "步骤的工程", c.Projects})
		}
	}
	o := r.Outcomes
	rows = append(rows, []any{}, []any{"示范工程成效", ""},
		[]any{"示范工程数", o.Projects}, []any{"计划投资（元）", yuan(o.PlannedFen)}, []any{"实际投资（元）", yuan(o.ActualFen)},
		[]any{"带动户数", o.HouseholdsDriven}, []any{"带动人数", o.PersonsDriven}, []any{"其中困难户数", o.NeedyHouseholdsDriven},
		[]any{"带动农户增收合计（元）", yuan(o.IncomeGainFen)}, []any{"新增村集体收入（元）", yuan(o.NewCollectiveIncome)}, []any{"新增就业岗位", o.JobsCreated})
	rows = append(rows, []any{}, []any{"资金来源", "计划投资（元）", "实际投资（元）"})
	for _, in := range o.Investments {
		rows = append(rows, []any{zh("FundingSource", in.Source), yuan(in.PlannedFen), yuan(in.ActualFen)})
	}
	if len(r.Townships) > 0 {
		rows = append(rows, []any{}, []any{"乡镇", "困难群体户数", "已结对户数", "村党组织书记", "参加综合培训", "党员总数", "有职党员",
			"建档立卡户", "未脱贫", "已脱贫", "监测户", "返贫", "当年脱贫", "示范工程数", "实际投资（元）"})
		for _, t := range r.Townships {
			h := t.Figures
			rows = append(rows, []any{t.Township.Name, h.NeedyHouseholds, h.PairedHouseholds, h.Secretaries, h.ComprehensiveAttended, h.Members, h.MembersWithPost,
				h.Identified, h.InPoverty, h.Exited, h.Monitored, h.Returned, h.ExitedInYear, h.Projects, yuan(h.ActualInvestmentFen)})
		}
	}
	if err := setRows(f, summary, rows); err != nil {
		return nil, err
	}
	used := map[string]bool{summary: true}
	for i, p := range r.Projects {
		name := sheetName(i+1, p.Name, used)
		if _, err := f.NewSheet(name); err != nil {
			return nil, err
		}
		if err := setRows(f, name, projectRows(p)); err != nil {
			return nil, err
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func headlineRows(h Headline) [][]any {
	return [][]any{
		{"困难群体户数", h.NeedyHouseholds}, {"已结对户数", h.PairedHouseholds},
		{"村党组织书记", h.Secretaries}, {"参加综合培训", h.ComprehensiveAttended},
		{"党员总数", h.Members}, {"有职党员", h.MembersWithPost},
		{"建档立卡户", h.Identified}, {"未脱贫户", h.InPoverty}, {"已脱贫户", h.Exited}, {"监测户", h.Monitored}, {"返贫户", h.Returned},
		{"当年脱贫户", h.ExitedInYear}, {"示范工程数", h.Projects}, {"实际投资（元）", yuan(h.ActualInvestmentFen)},
	}
}

func projectRows(p Project) [][]any {
	rows := [][]any{
		{"项目", "内容"},
		{"工程名称", p.Name}, {"乡镇", p.Township.Name}, {"实施主体类别", zh("SubjectKind", p.SubjectKind)}, {"实施主体", p.SubjectName},
		{"产业类型", zh("Industry", p.Industry)}, {"工程目标", p.Goal}, {"完成时限", p.Deadline}, {"当前步骤", zh("ProjectStage", p.Stage)},
		{"带动户数", p.HouseholdsDriven}, {"带动人数", p.PersonsDriven}, {"其中困难户数", p.NeedyHouseholdsDriven},
		{"户均增收（元）", optYuan(p.IncomeGainPerHousehold)}, {"新增村集体收入（元）", optYuan(p.NewCollectiveIncomeFen)}, {"新增就业岗位", p.JobsCreated},
		{"计划投资合计（元）", yuan(p.PlannedFen)}, {"实际投资合计（元）", yuan(p.ActualFen)},
		{},
		{"资金来源", "计划投资（元）", "实际投资（元）"},
	}
	for _, in := range p.Investments {
		rows = append(rows, []any{zh("FundingSource", in.Source), yuan(in.PlannedFen), yuan(in.ActualFen)})
	}
	rows = append(rows, []any{}, []any{"步骤", "结果", "时间", "操作人", "意见", "评估得分", "立项文号", "批复预算（元）", "实施进度（%）", "累计支出（元）", "评审等次", "决算总投资（元）", "验收日期"})
	for _, s := range p.Stages {
		rows = append(rows, []any{zh("ProjectStage", s.Stage), zh("StageResult", s.Result), s.At, s.Actor, s.Remarks, optInt(s.EvaluationScore), optStr(s.ApprovalNumber),
			optYuan(s.ApprovedBudget), optInt(s.ProgressPercent), optYuan(s.SpentToDate), zhPtr("ReviewGrade", s.ReviewGrade), optYuan(s.FinalInvestment), optStr(s.AcceptanceDate)})
	}
	return rows
}

func setRows(f *excelize.File, sheet string, rows [][]any) error {
	for i, row := range rows {
		if len(row) == 0 {
			continue
		}
		cell, err := excelize.CoordinatesToCellName(1, i+1)
		if err != nil {
			return err
		}
		if err := f.SetSheetRow(sheet, cell, &row); err != nil {
			return err
		}
	}
	return nil
}

// sheetName: "工程n 名称", at most 31 characters, without the characters Excel forbids, unique.
func sheetName(n int, name string, used map[string]bool) string {
	clean := strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\'`, r) {
			return '_'
		}
		return r
	}, name)
	s := []rune(fmt.Sprintf("工程%d %s", n, clean))
	if len(s) > 31 {
		s = s[:31]
	}
	out := string(s) // unique: the numbered prefix survives the cut
	used[out] = true
	return out
}

// zh is the Chinese term of an enum value (the value itself when unknown).
func zh(vocabulary, value string) string {
	for _, t := range enum.Terms(vocabulary) {
		if t.Value == value {
			return t.Zh
		}
	}
	return value
}

func zhPtr(vocabulary string, v *string) any {
	if v == nil {
		return nil
	}
	return zh(vocabulary, *v)
}

func yuan(f money.Fen) string { return f.String() }

func optYuan(f *money.Fen) any {
	if f == nil {
		return nil
	}
	return f.String()
}

func optInt(n *int) any {
	if n == nil {
		return nil
	}
	return *n
}

func optStr(s *string) any {
	if s == nil {
		return nil
	}
	return *s
}
