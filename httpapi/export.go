package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/nanpiao/sbqw/authz"
)

// An export is a root list as an XLSX workbook with Chinese column headers. It is read through
// the GraphQL handler itself, page by page with the caller's own identity, so scope, masking and
// field rules are exactly the API's; the rows are streamed into the sheet, the number of rows is
// capped, and every export is audited.
type exportSpec struct {
	field   string         // the root list
	columns []exportColumn // in sheet order
}

type exportColumn struct {
	header string // Chinese header
	path   string // field path in a node, dotted for nested objects
}

// exports is the one table of exportable lists: every root connection of the schema, by its
// field name (TestEveryRootListIsExportable fails when a list is added without a row here).
var exports = map[string]exportSpec{
	"households": {"households", []exportColumn{{"户编号", "number"}, {"户主姓名", "headName"}, {"所属村", "village.name"}, {"类别", "category"},
		{"贫困状态", "povertyStatus"}, {"是否困难户", "needy"}, {"识别年度", "identifiedYear"}, {"脱贫年度", "exitYear"}, {"人均收入", "incomePerCapita"}, {"地址", "address"}}},
	"residents": {"residents", []exportColumn{{"姓名", "name"}, {"户编号", "household.number"}, {"与户主关系", "relation"}, {"性别", "gender"},
		{"出生年份", "birthYear"}, {"年龄", "age"}, {"身份证号（脱敏）", "idNumber"}, {"电话（脱敏）", "phone"}, {"健康状况", "health"}, {"劳动技能", "laborSkill"}}},
	"partyMembers": {"partyMembers", []exportColumn{{"姓名", "name"}, {"性别", "gender"}, {"出生年份", "birthYear"}, {"学历", "education"},
		{"职业", "occupation"}, {"入党日期", "joinedOn"}, {"类别", "category"}, {"状态", "status"}}},
	"pairings": {"pairings", []exportColumn{{"干部", "cadre.name"}, {"户编号", "household.number"}, {"户主姓名", "household.headName"},
		{"开始日期", "startOn"}, {"结束日期", "endOn"}, {"是否有效", "active"}}},
	"demands": {"demands", []exportColumn{{"户编号", "household.number"}, {"类别", "category"}, {"内容", "content"}, {"状态", "status"},
		{"办结期限", "dueOn"}, {"责任部门", "department.name"}, {"满意度", "satisfaction"}}},
	"assessments": {"assessments", []exportColumn{{"村", "village.name"}, {"书记", "secretary.name"}, {"年度", "year"}, {"指标", "indicator"},
		{"基期值", "baseline"}, {"目标值", "target"}, {"实际值", "actual"}, {"备注", "remarks"}}},
	"auditEvents": {"auditEvents", []exportColumn{{"时间", "at"}, {"操作人", "username"}, {"角色", "role"}, {"操作", "action"},
		{"对象类型", "entity"}, {"对象编号", "entityID"}, {"说明", "detail"}, {"请求编号", "requestID"}}},
	"cadres":           {"cadres", []exportColumn{{"姓名", "name"}, {"职务", "title"}, {"所属部门", "department.name"}, {"电话（脱敏）", "phone"}}},
	"cadreAssignments": {"cadreAssignments", []exportColumn{{"干部", "cadre.name"}, {"部门", "department.name"}, {"起始日期", "from"}, {"截止日期", "to"}, {"调动原因", "reason"}}},
	"demoProjects": {"demoProjects", []exportColumn{{"乡镇", "township.name"}, {"年度", "year"}, {"工程名称", "name"}, {"实施主体类别", "subjectKind"},
		{"实施主体", "subjectName"}, {"产业类型", "industry"}, {"工程目标", "goal"}, {"完成时限", "deadline"}, {"当前步骤", "stage"}, {"是否逾期", "overdue"}}},
	"departments": {"departments", []exportColumn{{"部门代码", "code"}, {"部门名称", "name"}, {"部门类别", "kind"}}},
	"partyOrganizations": {"partyOrganizations", []exportColumn{{"党组织名称", "name"}, {"党组织类别", "kind"}, {"乡镇", "township.name"},
		{"村", "village.name"}, {"部门", "department.name"}}},
	"rectifications": {"rectifications", []exportColumn{{"村", "village.name"}, {"年度", "year"}, {"整顿类别", "kind"}, {"整顿措施", "measures"},
		{"进度（%）", "progress"}, {"状态", "status"}, {"验收得分", "acceptanceScore"}, {"完成时限", "dueOn"}, {"联系部门", "department.name"}}},
	"teams": {"teams", []exportColumn{{"团队名称", "name"}, {"团队类别", "kind"}, {"乡镇", "township.name"}, {"村", "village.name"},
		{"团长", "leader.name"}, {"攻坚任务", "task"}}},
	"townships": {"townships", []exportColumn{{"区划代码", "code"}, {"乡镇名称", "name"}, {"乡镇类型", "kind"}}},
	"trainingCourses": {"trainingCourses", []exportColumn{{"培训班名称", "name"}, {"培训类别", "kind"}, {"年度", "year"}, {"学时", "hours"},
		{"开班日期", "startOn"}, {"结业日期", "endOn"}, {"地点", "location"}, {"主题", "topic"}}},
	"trainingEnrollments": {"trainingEnrollments", []exportColumn{{"培训班", "course.name"}, {"学员", "secretary.name"}, {"出勤", "attendance"},
		{"参训学时", "hoursAttended"}, {"结业成绩", "grade"}}},
	"users": {"users", []exportColumn{{"用户名", "username"}, {"显示名称", "displayName"}, {"账号状态", "status"}, {"最近登录", "lastLoginAt"},
		{"须修改密码", "mustChangePassword"}}},
	"villages": {"villages", []exportColumn{{"区划代码", "code"}, {"村名称", "name"}, {"所属乡镇", "township.name"}, {"贫困村", "poorVillage"},
		{"软弱涣散村", "weakOrganization"}}},
	"visits": {"visits", []exportColumn{{"走访时间", "visitedAt"}, {"干部", "pairing.cadre.name"}, {"户编号", "pairing.household.number"},
		{"走访时机", "occasion"}, {"走访方式", "mode"}, {"走访情况", "notes"}, {"听取的诉求", "heard"}}},
	"trustedDocuments": {"trustedDocuments", []exportColumn{{"名称", "name"}, {"文档哈希", "hash"}}},
	"contributions": {"contributions", []exportColumn{{"党员", "member.name"}, {"团队", "team.name"}, {"日期", "on"}, {"贡献类型", "type"},
		{"内容", "description"}, {"金额（分）", "amountFen"}, {"帮扶户数", "householdsHelped"}, {"受益户编号", "household.number"}}},
	"posts":           {"posts", []exportColumn{{"党员", "member.name"}, {"党组织", "organization.name"}, {"岗位", "title"}, {"上岗日期", "startOn"}, {"离岗日期", "endOn"}}},
	"teamMemberships": {"teamMemberships", []exportColumn{{"团队", "team.name"}, {"党员", "member.name"}, {"团内职务", "post"}, {"加入日期", "joinedOn"}}},
	"demandEvents": {"demandEvents", []exportColumn{{"时间", "createdAt"}, {"诉求户编号", "demand.household.number"}, {"原状态", "fromStatus"},
		{"新状态", "toStatus"}, {"说明", "note"}, {"操作人", "actorName"}}},
	"demoProjectStages": {"demoProjectStages", []exportColumn{{"工程名称", "project.name"}, {"步骤", "stage"}, {"结果", "result"}, {"时限", "dueOn"},
		{"进度（%）", "progressPercent"}, {"累计支出（元）", "spentToDate"}, {"评审等次", "reviewGrade"}, {"验收日期", "acceptanceDate"}, {"备注", "remarks"}, {"操作人", "actorName"}}},
	// Attachments as a register (what was filed, where and when the photo was taken); the
	// content itself is downloaded one by one through each attachment's signed url.
	"attachments": {"attachments", []exportColumn{{"原文件名", "name"}, {"内容类型", "contentType"}, {"大小（字节）", "size"}, {"内容哈希", "sha256"},
		{"拍摄时间", "takenAt"}, {"纬度", "latitude"}, {"经度", "longitude"}, {"上传人", "uploader"}, {"上传时间", "createdAt"}}},
	"projectInvestments": {"projectInvestments", []exportColumn{{"工程名称", "project.name"}, {"资金来源", "source"}, {"计划投资（元）", "planned"}, {"实际投资（元）", "actual"}}},
	"povertyStatusChanges": {"povertyStatusChanges", []exportColumn{{"户编号", "household.number"}, {"环节", "step"}, {"原状态", "fromStatus"},
		{"新状态", "toStatus"}, {"日期", "changedOn"}, {"风险", "risk"}, {"说明", "reason"}, {"操作人", "actorName"}}},
}

// ExportLists names the exportable lists (the keys of the table), sorted.
func ExportLists() []string {
	names := make([]string, 0, len(exports))
	for n := range exports {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// MaxExportRows caps one export; larger sets are refused with a request to narrow them.
const MaxExportRows = 50_000

const exportPage = 500

// selection is the GraphQL selection of the columns' paths.
func (s exportSpec) selection() string {
	var b strings.Builder
	var walk func(prefix string, paths []string)
	walk = func(prefix string, paths []string) {
		seen := map[string][]string{}
		var order []string
		for _, p := range paths {
			head, rest, _ := strings.Cut(p, ".")
			if _, ok := seen[head]; !ok {
				order = append(order, head)
			}
			if rest != "" {
				seen[head] = append(seen[head], rest)
			} else if seen[head] == nil {
				seen[head] = []string{}
			}
		}
		for _, f := range order {
			b.WriteString(" " + f)
			if len(seen[f]) > 0 {
				b.WriteString(" {")
				walk(f, seen[f])
				b.WriteString(" }")
			}
		}
	}
	paths := make([]string, len(s.columns))
	for i, c := range s.columns {
		paths[i] = c.path
	}
	walk("", paths)
	return b.String()
}

// exportList serves GET /export/{list}: the list as an .xlsx download.
func exportList(gql http.Handler, audit func(context.Context, authz.Event) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v := authz.FromContext(r.Context())
		if v == nil {
			plainError(w, r, "sign in first (请先登录)", http.StatusUnauthorized)
			return
		}
		name := strings.TrimSuffix(r.PathValue("list"), ".xlsx")
		spec, ok := exports[name]
		if !ok {
			plainError(w, r, fmt.Sprintf("no export named %q (无此导出)", name), http.StatusNotFound)
			return
		}
		query := fmt.Sprintf(`query Export($after: Cursor) { %s(first: %d, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node {%s } } } }`,
			spec.field, exportPage, spec.selection())
		f := excelize.NewFile()
		defer f.Close()
		sheet := f.GetSheetName(0)
		sw, err := f.NewStreamWriter(sheet)
		if err != nil {
			plainError(w, r, "export failed", http.StatusInternalServerError)
			return
		}
		header := make([]any, len(spec.columns))
		for i, c := range spec.columns {
			header[i] = c.header
		}
		_ = sw.SetRow("A1", header)
		rows, after := 0, any(nil)
		for {
			page, code, err := exportFetch(gql, r, query, after)
			if err != nil {
				status := http.StatusBadRequest
				switch code {
				case "INTERNAL":
					status = http.StatusInternalServerError
				case "FORBIDDEN":
					status = http.StatusForbidden
				}
				plainError(w, r, err.Error(), status)
				return
			}
			list, _ := page[spec.field].(map[string]any)
			if n, _ := list["totalCount"].(float64); int(n) > MaxExportRows {
				plainError(w, r, fmt.Sprintf("%d rows: more than the %d one export may hold; export from a narrower account or use the API (导出行数超限)", int(n), MaxExportRows), http.StatusRequestEntityTooLarge)
				return
			}
			edges, _ := list["edges"].([]any)
			for _, e := range edges {
				node, _ := e.(map[string]any)["node"].(map[string]any)
				row := make([]any, len(spec.columns))
				for i, c := range spec.columns {
					row[i] = cellValue(node, c.path)
				}
				rows++
				cell, _ := excelize.CoordinatesToCellName(1, rows+1)
				_ = sw.SetRow(cell, row)
			}
			info, _ := list["pageInfo"].(map[string]any)
			if more, _ := info["hasNextPage"].(bool); !more {
				break
			}
			after = info["endCursor"]
		}
		if err := sw.Flush(); err != nil {
			plainError(w, r, "export failed", http.StatusInternalServerError)
			return
		}
		if err := audit(authz.Bypass(r.Context(), "export"), authz.Event{Action: "export." + name, Detail: fmt.Sprintf("%d rows", rows)}); err != nil {
			plainError(w, r, "export failed: could not be audited", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s-%s.xlsx"`, name, time.Now().Format("20060102")))
		_ = f.Write(w)
	})
}

// exportFetch runs one page of the export's query through the GraphQL handler with the
// caller's context (identity, time budget) and returns its data, or the first error's code.
func exportFetch(gql http.Handler, r *http.Request, query string, after any) (map[string]any, string, error) {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": map[string]any{"after": after}})
	req := httptest.NewRequestWithContext(r.Context(), http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	rec := httptest.NewRecorder()
	gql.ServeHTTP(rec, req)
	var resp struct {
		Data   map[string]any
		Errors []struct {
			Message    string
			Extensions map[string]any
		}
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil {
		return nil, "INTERNAL", fmt.Errorf("export failed")
	}
	if len(resp.Errors) > 0 {
		code, _ := resp.Errors[0].Extensions["code"].(string)
		return nil, code, fmt.Errorf("%s: %s", code, resp.Errors[0].Message)
	}
	return resp.Data, "", nil
}

func cellValue(node map[string]any, path string) any {
	var v any = node
	for _, f := range strings.Split(path, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[f]
	}
	switch x := v.(type) {
	case bool:
		if x {
			return "是"
		}
		return "否"
	case nil:
		return nil
	default:
		return x
	}
}
