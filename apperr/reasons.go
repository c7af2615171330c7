package apperr

import (
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode"
)

// Reasons: every error a client sees carries, beside extensions.code, a stable machine-readable
// extensions.reason (UPPER_SNAKE) that clients may translate, and its message in the language
// the request's Accept-Language asks for (Localize). The catalogue below is the one place that
// lists the reasons, what each means in Chinese and English, and which messages say it.
//
// An error names its reason (Error.Reason) or leaves it to the catalogue, which recognises the
// message by its Chinese summary — the parenthesised Chinese that ends every message, written
// "English text (中文摘要)". Digits in a summary match any number; a '*' in a catalogue summary
// matches any text.

// Text is what a reason means, in Chinese and in English.
type Text struct {
	Zh string
	En string
}

type entry struct {
	reason string
	text   Text
	says   []string // the Chinese summaries of the messages that mean this reason
}

// Generic reasons, one per code, for an error no entry recognises.
const (
	ReasonInvalidInput    = "INVALID_INPUT"
	ReasonNotFound        = "NOT_FOUND"
	ReasonNotAllowed      = "NOT_ALLOWED"
	ReasonConflict        = "CONFLICT"
	ReasonSignInRequired  = "SIGN_IN_REQUIRED"
	ReasonRateLimited     = "RATE_LIMITED"
	ReasonQueryTooComplex = "QUERY_TOO_COMPLEX"
	ReasonInternal        = "INTERNAL"
)

// byCode is the reason of an error of that code that names none the catalogue knows.
var byCode = map[Code]string{
	BadUserInput: ReasonInvalidInput, NotFound: ReasonNotFound, Forbidden: ReasonNotAllowed,
	Conflict: ReasonConflict, Unauthenticated: ReasonSignInRequired, RateLimited: ReasonRateLimited,
	TooComplex: ReasonQueryTooComplex, Internal: ReasonInternal,
}

var catalogue = []entry{
	// Generic, by code.
	{ReasonInvalidInput, Text{"输入值无效", "invalid input"}, []string{"输入值无效"}},
	{ReasonNotFound, Text{"记录不存在", "no such record, or not one you can see"}, []string{"记录不存在"}},
	{ReasonNotAllowed, Text{"您的角色无权进行此操作", "your role may not do this"}, []string{"无权执行此操作", "无权操作此记录"}},
	{ReasonConflict, Text{"与现有数据冲突", "clashes with the current data"}, nil},
	{ReasonSignInRequired, Text{"请先登录", "sign in first: missing, invalid or expired credentials"}, []string{"请先登录"}},
	{ReasonRateLimited, Text{"请求过于频繁，请稍后再试", "too many requests: wait and try again"}, []string{"请求过于频繁，请#秒后再试"}},
	{ReasonQueryTooComplex, Text{"查询过于复杂", "the query is too complex"}, nil},
	{ReasonInternal, Text{"系统内部错误", "internal error; quote the request ID when reporting it"}, []string{"系统内部错误"}},

	// Signing in, accounts, keys.
	{"BAD_CREDENTIALS", Text{"用户名或密码错误", "wrong username or password"}, []string{"用户名或密码错误"}},
	{"PASSWORD_CHANGE_REQUIRED", Text{"须设置新密码后登录", "the password must be replaced: sign in with newPassword"}, []string{"须设置新密码后登录"}},
	{"SIGN_IN_THROTTLED", Text{"登录失败次数过多，请稍后再试", "too many failed sign-ins: wait and try again"}, []string{"登录失败次数过多，请#秒后再试"}},
	{"SIGN_IN_BUSY", Text{"登录繁忙，请稍后再试", "too many sign-ins at once: try again shortly"}, []string{"登录繁忙，请稍后再试"}},
	{"LOGIN_NOT_ALONE", Text{"登录请求不能包含其他字段", "a login request may select nothing else"}, []string{"登录请求不能包含其他字段"}},
	{"PASSWORD_UNCHANGED", Text{"新密码不能与当前密码相同", "the new password must differ from the current one"}, []string{"新密码不能与当前密码相同"}},
	{"PASSWORD_WRONG", Text{"当前密码错误", "the current password is wrong"}, []string{"当前密码错误"}},
	{"PASSWORD_WEAK", Text{"密码强度不足", "the password is too weak"}, []string{"密码须同时包含字母和数字", "密码至少#位"}},
	{"OWN_PASSWORD", Text{"修改本人密码请使用changePassword", "change your own password with changePassword"}, []string{"修改本人密码请使用changePassword"}},
	{"KEY_TRUSTED_ONLY", Text{"该密钥只能执行已登记的操作", "this API key runs registered operations only"}, []string{"该密钥只能执行已登记的操作"}},
	{"OPERATION_NOT_REGISTERED", Text{"操作未登记", "no registered operation has this ID"}, []string{"操作未登记"}},
	{"EXPIRY_IN_PAST", Text{"过期时间须晚于当前时间", "the expiry must be in the future"}, []string{"过期时间须晚于当前时间"}},
	{"ROLE_BINDING_REQUIRED", Text{"至少指定一个角色", "a user needs at least one role binding"}, []string{"至少指定一个角色"}},
	{"ROLE_UNIT_REQUIRED", Text{"该角色须指定所属单位", "this role needs its unit"}, []string{"该角色须指定*"}},
	{"ROLE_UNIT_NOT_ALLOWED", Text{"该角色不应指定该单位", "this role takes no such unit"}, []string{"该角色不应指定*"}},
	{"GRANT_NOT_ALLOWED", Text{"无权授予该角色", "you may not grant this role there"}, []string{"无权授予该角色"}},
	{"POLICY_LOCKOUT", Text{"该修改会导致区级管理员失去管理权限", "the change would lock district administrators out"}, []string{"该修改会导致区级管理员失去管理权限"}},

	// Authorization and scope.
	{"OUT_OF_SCOPE", Text{"不在您的管辖范围内", "outside your jurisdiction"}, []string{"超出权限范围"}},
	{"OFFICE_ONLY", Text{"仅区扶贫办可执行此操作", "only the poverty-alleviation office may do this"}, []string{"仅区扶贫办可执行此操作"}},
	{"STAGE_NOT_ALLOWED", Text{"无权将工程推进到该阶段", "your role may not move a project into this stage"}, []string{"无权将工程推进到*"}},
	{"REFERENCE_NOT_FOUND", Text{"关联记录不存在", "a referenced record does not exist"}, []string{"关联记录不存在"}},
	{"TOWNSHIP_NOT_FOUND", Text{"乡镇不存在", "no such township"}, []string{"乡镇不存在"}},
	{"REVEAL_REASON_REQUIRED", Text{"请填写查看原因", "say why the personal values are needed"}, []string{"请填写查看原因"}},
	{"NOTHING_TO_REVEAL", Text{"该记录没有敏感信息", "the record has no personal values to reveal"}, []string{"该记录没有敏感信息"}},
	{"PERSONAL_ONE_AT_A_TIME", Text{"个人信息须逐条修改", "personal values change one record at a time"}, []string{"个人信息须逐条修改"}},
	{"PERSONAL_DATA_UNREADABLE", Text{"个人信息无法解密", "a personal value could not be decrypted"}, []string{"个人信息无法解密"}},
	{"AUDIT_APPEND_ONLY", Text{"审计记录不可修改", "audit events cannot be changed or deleted"}, []string{"审计记录不可修改"}},

	// Concurrent changes and duplicates.
	{"STALE_VERSION", Text{"记录已被他人修改，请刷新后重试", "the record was changed since the version you sent: reload it"}, []string{"记录已被他人修改，请刷新后重试"}},
	{"VERSION_REQUIRED", Text{"请提交所修改记录的版本号", "send the version of the record you are changing"}, []string{"请提交所修改记录的版本号"}},
	{"MOVED_MEANWHILE", Text{"状态已变化，请刷新", "the record was moved on by someone else meanwhile: reload it"}, []string{"工程阶段已变化，请刷新", "诉求状态已变化，请刷新", "退出进度已变化，请刷新", "农户状态已变化，请刷新"}},
	{"LOCK_CONTENTION", Text{"记录正被他人修改，请稍后重试", "a competing write won: try again"}, []string{"记录正被他人修改，请稍后重试"}},
	{"DUPLICATE", Text{"记录重复", "a record with the same unique value already exists"}, []string{"记录重复"}},
	{"ALREADY_REGISTERED", Text{"该值已被登记", "this value is already registered"}, []string{"该值已被登记"}},
	{"DUPLICATE_PROBES_THROTTLED", Text{"重复登记被拒次数过多，请稍后再试", "too many refused duplicates: wait and try again"}, []string{"重复登记被拒次数过多，请#秒后再试"}},
	{"HOUSEHOLD_NUMBER_TAKEN", Text{"目标村已有相同户编号", "the village already has a household with this number"}, []string{"目标村已有相同户编号"}},
	{"DISTRICT_EXISTS", Text{"区已存在", "the district exists already"}, []string{"区已存在"}},
	{"YEAR_CLOSED", Text{"该年度已关账，记录不可修改", "the year is closed: its records cannot be created, changed or deleted until the district reopens it"}, []string{"#年度已关账，记录不可修改"}},
	{"YEAR_ALREADY_CLOSED", Text{"该年度已关账", "the year is closed already"}, []string{"该年度已关账"}},
	{"YEAR_NOT_ENDED", Text{"年度未结束，不能关账", "a year can be closed only after it has ended"}, []string{"年度未结束，不能关账"}},
	{"YEAR_NOT_CLOSED", Text{"该年度未关账", "the year is not closed"}, []string{"该年度未关账"}},
	{"SNAPSHOT_IMMUTABLE", Text{"已关账报表不可修改", "a closed year's report is never changed or deleted"}, []string{"已关账报表不可修改", "已关账报表不可删除"}},
	{"REOPEN_REASON_REQUIRED", Text{"请填写重新开账原因", "say why the year is reopened"}, []string{"请填写重新开账原因"}},
	{"HAS_DEPENDENTS", Text{"仍有关联记录，请先处理", "other records still depend on this one: remove them first"}, []string{"仍有关联记录，请先处理"}},

	// Values.
	{"INVALID_ID", Text{"ID格式错误", "not an ID returned by this API"}, []string{"ID格式错误"}},
	{"INVALID_CURSOR", Text{"分页游标无效", "not a cursor returned by this API"}, []string{"分页游标无效"}},
	{"CURSOR_EXPIRED", Text{"游标已过期：请重新全量同步", "the cursor is older than the change feed's retention: read every list again and follow the feed from a fresh cursor"}, []string{"游标已过期：请重新全量同步"}},
	{"ACCESS_CHANGED", Text{"权限已变更，请重新订阅", "the credential's access changed: subscribe again with your last cursor"}, []string{"权限已变更，请重新订阅"}},
	{"CURSOR_ORDER_MISMATCH", Text{"分页游标与排序不符", "the cursor does not fit this ordering"}, []string{"分页游标与排序不符"}},
	{"INVALID_TIME", Text{"时间格式错误", "not an RFC 3339 time"}, []string{"时间格式错误"}},
	{"DATE_OUT_OF_RANGE", Text{"日期超出范围", "the date is out of range"}, []string{"日期超出范围"}},
	{"INVALID_MONEY", Text{"金额格式错误", "not an amount of yuan like \"1234.50\""}, []string{"金额须为字符串", "金额格式错误"}},
	{"MONEY_OUT_OF_RANGE", Text{"金额超出范围", "the amount is out of range"}, []string{"金额超出范围"}},
	{"NEGATIVE_AMOUNT", Text{"金额不能为负", "the amount cannot be negative"}, []string{"金额不能为负", "投资额不能为负"}},
	{"YEAR_OUT_OF_RANGE", Text{"年度超出范围", "the year is out of range"}, []string{"年度超出范围"}},
	{"AS_OF_OUT_OF_RANGE", Text{"基准日超出范围", "the as-of day is before the programme's start or after today"}, []string{"基准日超出范围"}},
	{"ID_NUMBER_CHECKSUM", Text{"身份证号码校验位错误", "the ID number's check digit is wrong"}, []string{"身份证号码校验位错误"}},
	{"ID_NUMBER_BIRTH_DATE", Text{"身份证号码中的出生日期无效", "the ID number holds an impossible birth date"}, []string{"身份证号码中的出生日期无效"}},
	{"PHONE_FORMAT", Text{"电话号码格式不正确", "not a phone number"}, []string{"电话号码格式不正确", "电话号码只能包含数字"}},
	{"END_BEFORE_START", Text{"结束日期不能早于开始日期", "the end lies before the start"}, []string{"结束日期不能早于开始日期"}},
	{"YEARS_OUT_OF_ORDER", Text{"年份顺序有误", "the years are out of order"}, []string{"年份顺序有误"}},
	{"UNIT_REQUIRED", Text{"须指定所属单位", "name the unit the record belongs to"}, []string{"须指定所属单位"}},
	{"UNIT_MISMATCH", Text{"所属单位不一致", "the units named do not belong together"}, []string{"所属*不一致"}},
	{"COUNTS_INCONSISTENT", Text{"数量前后矛盾", "the counts contradict each other"}, []string{"带动户数不能多于带动人数", "困难户数不能多于带动户数"}},
	{"PAGE_TOO_LARGE", Text{"每页条数超限", "the page asked for is too large"}, []string{"每页最多#条"}},

	// Requests and documents.
	{"GRAPHQL_PARSE_FAILED", Text{"查询文档语法错误", "the document cannot be parsed"}, nil},
	{"GRAPHQL_VALIDATION_FAILED", Text{"查询文档与接口定义不符", "the document is not valid against the schema"}, nil},
	{"PERSISTED_QUERY_NOT_FOUND", Text{"未找到已缓存的查询，请发送查询全文", "the persisted query is not known: send its text"}, nil},
	{"PERSISTED_QUERY_NOT_SUPPORTED", Text{"不支持此持久化查询", "this kind of persisted query is not supported"}, nil},
	{"DOCUMENT_INVALID", Text{"文档无效", "the document is not valid against the schema"}, []string{"文档无效"}},
	{"NO_OPERATION", Text{"文档中没有操作", "the document defines no operation"}, []string{"文档中没有操作"}},
	{"TOO_MANY_OPERATIONS", Text{"文档中的操作过多", "the document defines too many operations"}, []string{"文档中的操作过多"}},
	{"BATCH_NOT_SUPPORTED", Text{"不支持批量请求", "batched requests are not supported"}, []string{"不支持批量请求"}},
	{"METHOD_NOT_ALLOWED", Text{"请求方法不支持", "use GET or POST"}, []string{"请求方法不支持"}},
	{"GET_FOR_QUERIES_ONLY", Text{"GET请求只能用于查询", "a mutation must be sent with POST"}, []string{"GET请求只能用于查询"}},
	{"DEFER_NEEDS_STREAM", Text{"@defer须以text/event-stream接收", "@defer needs incremental delivery: ask for text/event-stream"}, []string{"@defer须以text/event-stream接收"}},
	{"NOT_ACCEPTABLE", Text{"不支持的Accept类型", "none of the media types in Accept is served"}, []string{"不支持的Accept类型"}},
	{"BODY_NOT_UTF8", Text{"请求体须为UTF-8编码", "the body must be UTF-8"}, []string{"请求体须为UTF-8编码"}},
	{"BODY_NOT_JSON", Text{"请求体须为JSON", "the body must be a JSON object"}, []string{"请求体须为JSON", "请求体不是有效的JSON对象"}},
	{"BODY_TOO_LARGE", Text{"请求体过大", "the body is too large"}, []string{"请求体过大"}},
	{"BODY_UNREADABLE", Text{"请求体读取失败", "the body could not be read"}, []string{"请求体读取失败"}},
	{"BODY_EMPTY", Text{"请求体为空", "the body is empty"}, []string{"请求体为空"}},
	{"QUERY_MISSING", Text{"缺少query参数", "the query parameter is missing"}, []string{"缺少query参数"}},
	{"QUERY_AND_DOCUMENT_ID", Text{"query与documentId只能二选一", "send either query or documentId"}, []string{"query与documentId只能二选一"}},
	{"DOCUMENT_ID_FORMAT", Text{"documentId格式错误", "not a documentId"}, []string{"documentId格式错误"}},
	{"URL_TOO_LONG", Text{"URL过长", "the URL is too long: send a POST"}, []string{"URL过长"}},
	{"URL_PARAMS_INVALID", Text{"URL参数格式错误", "the URL's parameters cannot be read"}, []string{"URL参数格式错误"}},
	{"PARAM_NOT_STRING", Text{"参数须为字符串", "the parameter must be a string"}, []string{"*须为字符串"}},
	{"PARAM_NOT_OBJECT", Text{"参数须为JSON对象", "the parameter must be a JSON object"}, []string{"*须为JSON对象"}},

	// Limits.
	{"QUERY_TOO_DEEP", Text{"查询嵌套层数过多", "the query nests fields too deeply"}, []string{"查询嵌套层数过多"}},
	{"TOO_MANY_ALIASES", Text{"查询别名过多", "the query uses too many aliases"}, []string{"查询别名过多"}},
	{"QUERY_TOO_COSTLY", Text{"查询过于复杂，请减小分页或嵌套", "the query could return too many values: ask for smaller pages or fewer nested connections"}, []string{"查询过于复杂，请减小分页或嵌套"}},
	{"TOO_MANY_SELECTIONS", Text{"查询字段过多", "the document selects too many fields"}, []string{"查询字段过多"}},
	{"DOCUMENT_TOO_LONG", Text{"查询文档过长", "the document is too long"}, []string{"查询文档过长"}},
	{"FILTERS_TOO_NESTED", Text{"关联过滤嵌套过深", "relation filters are nested too deeply"}, []string{"关联过滤嵌套过深"}},
	{"TOO_MANY_FILTERS", Text{"关联过滤条件过多", "too many relation filters in one field"}, []string{"关联过滤条件过多"}},
	{"BOOLEANS_TOO_NESTED", Text{"过滤条件嵌套过深", "not/and/or are nested too deeply"}, []string{"过滤条件嵌套过深"}},
	{"INPUT_TOO_DEEP", Text{"参数嵌套过深", "an argument value is nested too deeply"}, []string{"参数嵌套过深"}},
	{"LIST_TOO_LONG", Text{"列表参数过长", "a list argument is too long"}, []string{"列表参数过长"}},
	{"STATEMENT_TIMEOUT", Text{"查询过于复杂，数据库已中止", "the database stopped a statement that ran too long: ask for less"}, []string{"查询过于复杂，数据库已中止"}},
	{"TIMEOUT", Text{"请求超时", "the request ran out of time and was cancelled"}, []string{"请求超时"}},
	{"TOO_MANY_STREAMS", Text{"实时推送连接过多", "this credential has as many live streams open as it may"}, []string{"实时推送连接过多"}},
	{"EXPORT_TOO_LARGE", Text{"导出行数超限", "the export has more rows than allowed: filter it"}, []string{"导出行数超限"}},
	{"STARTING", Text{"系统启动中", "the service is starting: try again shortly"}, []string{"系统启动中"}},
	{"UNKNOWN_EXPORT", Text{"无此导出", "no such export"}, []string{"无此导出"}},
	{"UNKNOWN_IMPORT", Text{"无此导入", "no such import"}, []string{"无此导入"}},
	{"FILE_UNREADABLE", Text{"文件读取失败", "the uploaded file could not be read"}, []string{"文件读取失败"}},
	{"IMPORT_FAILED", Text{"导入失败", "the import failed on our side"}, []string{"导入失败"}},

	// Spreadsheet imports (importer/): the reason of each problem found in a workbook.
	{"NOT_A_WORKBOOK", Text{"文件不是 Excel 工作簿（.xlsx）", "the file is not an Excel workbook (.xlsx)"}, nil},
	{"FILE_TOO_LARGE", Text{"文件过大", "the file is too large"}, []string{"文件过大"}},
	{"MISSING_SHEET", Text{"缺少工作表，请使用导入模板", "the sheet is missing: use the import template"}, nil},
	{"MISSING_COLUMN", Text{"缺少必填列，请使用导入模板", "a required column is missing: use the import template"}, nil},
	{"TOO_MANY_ROWS", Text{"工作表行数过多，请分批导入", "too many rows in a sheet: import in parts"}, nil},
	{"FORMULA_NOT_ALLOWED", Text{"单元格含公式，请粘贴为数值", "the cell holds a formula: paste it as a value"}, nil},
	{"REQUIRED_EMPTY", Text{"必填项为空", "a required cell is empty"}, nil},
	{"UNKNOWN_TERM", Text{"取值不在可选范围内", "not one of the allowed values"}, nil},
	{"INVALID_DATE", Text{"日期格式不正确（例：2024-01-15）", "not a date (e.g. 2024-01-15)"}, []string{"日期格式错误"}},
	{"INVALID_NUMBER", Text{"应为数字", "not a number"}, nil},
	{"NUMBER_NOT_TEXT", Text{"长数字被 Excel 存为数值，已丢失位数，请设为文本后重新输入", "Excel stored this long number as a number and lost digits: format the cell as text and type it again"}, nil},
	{"ID_NUMBER_INVALID", Text{"身份证号码格式不正确", "not a valid ID number"}, []string{"身份证号码格式不正确", "身份证号码应为18位"}},
	{"VILLAGE_UNKNOWN", Text{"没有这个村", "no such village"}, nil},
	{"VILLAGE_AMBIGUOUS", Text{"村名重名，请填写12位区划代码", "more than one village has this name: give its 12-digit code"}, nil},
	{"VILLAGE_OUT_OF_SCOPE", Text{"该村不在您的管辖范围内", "the village is outside your jurisdiction"}, nil},
	{"DUPLICATE_IN_FILE", Text{"与本文件中前面的行重复", "repeats an earlier row of this file"}, nil},
	{"ALREADY_RECORDED", Text{"系统中已有此记录", "already recorded"}, nil},
	{"HOUSEHOLD_UNKNOWN", Text{"本文件和您的管辖范围内都没有这一户", "no such household in this file or within your jurisdiction"}, nil},
	{"ORGANIZATION_UNKNOWN", Text{"没有这个党组织", "no such party organisation"}, nil},
	{"DEPARTMENT_UNKNOWN", Text{"没有这个部门", "no such department"}, nil},
	{"CADRE_UNKNOWN", Text{"该部门没有这名干部", "the department has no cadre of that name"}, nil},
	{"CADRE_AMBIGUOUS", Text{"该部门有多名同名干部", "the department has several cadres of that name"}, nil},
	{"INVALID_VALUE", Text{"取值无效", "invalid value"}, nil},
	{"RULE_REJECTED", Text{"不符合业务规则", "breaks a rule"}, nil},

	// Workflow rules.
	{"REASON_REQUIRED", Text{"请填写理由", "say why"}, []string{"请填写退回理由", "请填写不予受理的理由", "请填写返贫原因", "请填写认定理由", "请填写解除原因", "请填写转接原因", "请填写调动原因"}},
	{"RESOLUTION_REQUIRED", Text{"请填写办理结果", "say how the demand was resolved"}, []string{"请填写办理结果"}},
	{"SATISFACTION_REQUIRED", Text{"请填写回访满意度", "record the household's satisfaction"}, []string{"请填写回访满意度"}},
	{"DEPARTMENT_REQUIRED", Text{"请指定承办部门", "name the department the demand is assigned to"}, []string{"请指定承办部门"}},
	{"ASSISTANTS_INVALID", Text{"协办部门不符合要求", "the assisting departments break a rule: at most five, none twice, not the lead, each an existing department"},
		[]string{"协办部门最多7个", "协办部门重复", "承办部门不能同时作为协办部门", "部门不存在"}},
	{"ASSISTANTS_NOT_ASSIGNED", Text{"仅已交办的诉求可指定协办部门", "only an assigned demand has assisting departments"}, []string{"仅已交办的诉求可指定协办部门"}},
	{"NOT_ASSISTING", Text{"仅协办部门可登记协办情况", "only an assisting department of the demand may record assistance"}, []string{"仅协办部门可登记协办情况"}},
	{"ASSISTANCE_REQUIRED", Text{"请填写协办情况", "say what the assisting department did"}, []string{"请填写协办情况"}},
	{"DEMAND_NOT_IN_HANDLING", Text{"诉求不在办理中", "the demand is not being handled (not ASSIGNED)"}, []string{"诉求不在办理中"}},
	{"HANDLE_DAYS_OUT_OF_RANGE", Text{"办理时限须在1至180天之间", "a handling deadline is 1 to 180 days"}, []string{"办理时限须在1至180天之间"}},
	{"RISK_REQUIRED", Text{"请选择监测风险", "name the risk the household is monitored for"}, []string{"请选择监测风险"}},
	{"DEADLINE_PASSED", Text{"时限不能早于今天", "the deadline is in the past"}, []string{"时限不能早于今天"}},
	{"STATUS_TRANSITION_NOT_ALLOWED", Text{"当前状态不能执行此操作", "the record's status does not allow this step"}, []string{"当前状态不能执行此操作"}},
	{"STAGE_SKIPPED", Text{"不能跳过前一步骤", "the step before this one has not been taken"}, []string{"未经村评议，不能审核", "未经乡审核，不能审定"}},
	{"PROJECT_COMPLETE", Text{"工程已结题", "the project is complete: there is no further stage"}, []string{"工程已结题"}},
	{"RETURN_NOT_ALLOWED", Text{"当前阶段不能退回", "only an evaluation or a review may send a project back"}, []string{"当前阶段不能退回"}},
	{"STAGE_CONTENT", Text{"阶段内容缺失或不属于当前阶段", "the stage's content is missing, fails its rule or belongs to another stage (extensions.missingField names the field)"},
		[]string{"该字段不属于当前步骤", "步骤内容未填写：*", "结题须填写：*", "评审不合格，不能结题"}},
	{"VISIT_WRONG_HOUSEHOLD", Text{"走访对象与诉求农户不一致", "the visit was to another household"}, []string{"走访对象与诉求农户不一致"}},
	{"NEW_HOUSEHOLD_STATUS", Text{"新建农户只能为非贫困或未脱贫", "a new household is NOT_POOR or IN_POVERTY"}, []string{"新建农户只能为非贫困或未脱贫"}},
	{"EXIT_YEAR_DERIVED", Text{"脱贫年度由区审定生成", "the exit year is set when the office confirms an exit"}, []string{"脱贫年度由区审定生成"}},
	{"CATEGORY_CONTRADICTS_STATUS", Text{"农户类别与贫困状态矛盾", "the category contradicts the poverty status"}, []string{"农户类别与贫困状态矛盾"}},
	{"NEEDY_BY_OFFICE", Text{"困难群体由区扶贫办认定", "only the poverty-alleviation office names a household needy"}, []string{"困难群体由区扶贫办认定"}},
	{"NOT_POOR_CANNOT_BE_NEEDY", Text{"非贫困户不能认定为困难群体", "a NOT_POOR household cannot be needy"}, []string{"非贫困户不能认定为困难群体"}},
	{"STATUS_BY_WORKFLOW", Text{"贫困状态只能经退出流程或监测变更", "the poverty status changes only through the exit workflow and monitoring"}, []string{"贫困状态只能经退出流程或监测变更"}},
	{"EXIT_NOT_ALLOWED", Text{"当前状态不能申请脱贫", "only a household in poverty can be proposed for exit"}, []string{"当前状态不能申请脱贫"}},
	{"EXIT_UNDER_WAY", Text{"已在退出流程中", "an exit is already under way"}, []string{"已在退出流程中"}},
	{"NOTICE_PERIOD_RUNNING", Text{"公示期未满", "the public notice period has not ended"}, []string{"公示期未满"}},
	{"MONITORING_NOT_ALLOWED", Text{"当前状态不能纳入监测", "only a household that left poverty or is not poor can be monitored"}, []string{"当前状态不能纳入监测"}},
	{"NOT_MONITORED", Text{"该户不在监测中", "the household is not under monitoring"}, []string{"该户不在监测中"}},
	{"RETURN_NEEDS_MONITORING", Text{"未纳入监测的农户不能标记返贫", "only a monitored household can be marked returned to poverty"}, []string{"未纳入监测的农户不能标记返贫"}},
	{"ACTIVE_PAIRING", Text{"该户仍有结对干部，请先解除结对", "the household has an active pairing: release it first"}, []string{"该户仍有结对干部，请先解除结对"}},
	{"PAIR_NEEDY_ONLY", Text{"只能与困难群体结对", "only households named as needy can be paired"}, []string{"只能与困难群体结对"}},
	{"VILLAGE_NOT_LINKED", Text{"该户所在村不是干部所在部门的联系村", "the household's village is not linked to the cadre's department"}, []string{"该户所在村不是干部所在部门的联系村"}},
	{"ALREADY_PAIRED", Text{"该户已有结对干部", "the household already has a paired cadre"}, []string{"该户已有结对干部"}},
	{"CADRE_PAIRING_LIMIT", Text{"干部结对户数已达上限", "the cadre has as many households as allowed"}, []string{"每名干部最多结对#户"}},
	{"PAIRING_RELEASED", Text{"该结对已解除", "the pairing has been released"}, []string{"该结对已解除"}},
	{"END_DATE_INVALID", Text{"解除日期无效", "the end date must lie between the start of the pairing and today"}, []string{"解除日期无效"}},
	{"VISIT_LOCKED", Text{"走访记录已锁定，不能修改", "the visit is locked"}, []string{"走访记录超过#天已锁定，不能修改"}},
	{"PAIRED_CADRE_ONLY", Text{"只有结对干部本人可以登记走访", "only the paired cadre records visits"}, []string{"只有结对干部本人可以登记走访"}},
	{"VISIT_IN_FUTURE", Text{"走访时间不能晚于当前时间", "a visit cannot be in the future"}, []string{"走访时间不能晚于当前时间"}},
	{"VISIT_OUTSIDE_PAIRING", Text{"走访时间不在结对期间内", "the visit lies outside the pairing's dates"}, []string{"走访时间不在结对期间内"}},
	{"SCORE_RANGE", Text{"得分应在0到100之间", "a score is between 0 and 100"}, []string{"得分应在0到100之间"}},
	{"SECRETARY_ONLY", Text{"只有在任村党组织书记可以参训", "only a serving village party secretary can be enrolled"}, []string{"只有在任村党组织书记可以参训"}},
	{"HOURS_EXCEEDED", Text{"超过课程学时", "more than the course's hours"}, []string{"超过课程学时"}},
	{"HOURS_BELOW_CREDITED", Text{"已有学员学时超过该学时", "an enrolment is already credited with more hours"}, []string{"已有学员学时超过该学时"}},
	{"SECRETARY_NOT_OF_VILLAGE", Text{"书记不属于该村", "the secretary is not of this village"}, []string{"书记不属于该村"}},
	{"ALREADY_ASSESSED", Text{"该指标本年度已有考核记录", "this indicator is already assessed for the year"}, []string{"该指标本年度已有考核记录"}},
	{"RECTIFICATION_CLOSED", Text{"整顿已验收", "the rectification has been accepted and is closed"}, []string{"整顿已验收，不能修改", "整顿已验收"}},
	{"AMOUNT_NOT_APPLICABLE", Text{"该类贡献不填写金额", "this kind of contribution has no amount"}, []string{"只有领办创办、电商销售、捐资捐物类贡献填写金额"}},
	{"ALREADY_IN_VILLAGE", Text{"农户已在该村", "the household is already in this village"}, []string{"农户已在该村"}},
	// Membership by organisation and cadre transfers (issue 11).
	{"ALREADY_IN_ORGANIZATION", Text{"该党员已在此党组织", "the member already belongs to this organisation"}, []string{"该党员已在此党组织"}},
	{"ALREADY_IN_DEPARTMENT", Text{"该干部已在此部门", "the cadre already works in this department"}, []string{"该干部已在此部门"}},
	{"TRANSFER_DATE_TOO_EARLY", Text{"调动日期须晚于现任职起始日期", "a transfer must come after the current assignment began"}, []string{"调动日期须晚于现任职起始日期"}},
	{"NO_CADRE_TO_HAND_OVER", Text{"原部门无其他干部可移交结对", "the old department has no other cadre to take the pairings over"}, []string{"原部门无其他干部可移交结对"}},
	{"OWNER_MISMATCH", Text{"党组织隶属与所属单位不符", "the organisation's owner does not fit its township, village and department"}, []string{"党组织隶属与所属单位不符"}},
	// Attachments (附件).
	{"FILE_TYPE_NOT_ALLOWED", Text{"文件类型不允许", "only JPEG or PNG photos and PDF documents are accepted (the type is read from the content)"}, []string{"文件类型不允许"}},
	{"FILE_DAMAGED", Text{"文件已损坏", "the file is damaged"}, []string{"文件已损坏"}},
	{"TOO_MANY_ATTACHMENTS", Text{"附件数量已达上限", "the record already has the most attachments allowed"}, []string{"附件数量已达上限"}},
	{"NOT_AN_ATTACHMENT_OWNER", Text{"该记录不能添加附件", "only a visit, a project step, a rectification, a contribution or a demand takes attachments"}, []string{"该记录不能添加附件", "附件须属于且仅属于一条记录"}},
	{"ATTACHMENTS_NOT_CONFIGURED", Text{"未配置附件存储", "this server stores no attachments"}, []string{"未配置附件存储"}},
	{"MULTIPART_MALFORMED", Text{"多部分请求格式错误", "the multipart request does not follow the GraphQL multipart request specification"},
		[]string{"多部分请求体格式错误", "首个部分须为operations", "多部分请求须直接提供query", "第二个部分须为map", "map格式错误", "文件数量过多", "存在未声明的文件", "map路径无效", "缺少文件", "operations须为JSON对象"}},
}

var (
	reasons     = map[string]Text{}
	bySummary   = map[string]string{} // normalised summary → reason
	byPattern   []pattern             // summaries with '*'
	digits      = regexp.MustCompile(`[0-9]+`)
	upperSnake  = regexp.MustCompile(`^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$`)
	duplicateOf = map[string]string{}
)

type pattern struct{ prefix, suffix, reason string }

func init() {
	for _, e := range catalogue {
		if _, dup := reasons[e.reason]; dup {
			duplicateOf[e.reason] = "reason"
		}
		reasons[e.reason] = e.text
		for _, s := range e.says {
			if before, after, ok := strings.Cut(s, "*"); ok {
				byPattern = append(byPattern, pattern{normalise(before), normalise(after), e.reason})
				continue
			}
			if _, dup := bySummary[normalise(s)]; dup {
				duplicateOf[s] = "summary"
			}
			bySummary[normalise(s)] = e.reason
		}
	}
}

func normalise(s string) string { return digits.ReplaceAllString(s, "#") }

// Reasons lists every reason with its meaning, sorted by reason.
func Reasons() []string {
	out := make([]string, 0, len(reasons))
	for r := range reasons {
		out = append(out, r)
	}
	sort.Strings(out)
	return out
}

// Meaning is what a reason means, and whether the catalogue lists it.
func Meaning(reason string) (Text, bool) {
	t, ok := reasons[reason]
	return t, ok
}

// ReasonOf is the reason of an error with this code and message: the one the catalogue
// recognises in the message's Chinese summary, else the code's generic one.
func ReasonOf(code Code, message string) string {
	if _, zh := split(message); zh != "" {
		if r, ok := recognise(zh); ok {
			return r
		}
	}
	if r, ok := byCode[code]; ok {
		return r
	}
	return ReasonInternal
}

// recognise finds the reason a Chinese summary says.
func recognise(zh string) (string, bool) {
	n := normalise(zh)
	if r, ok := bySummary[n]; ok {
		return r, true
	}
	for _, p := range byPattern {
		if len(n) >= len(p.prefix)+len(p.suffix) && strings.HasPrefix(n, p.prefix) && strings.HasSuffix(n, p.suffix) {
			return p.reason, true
		}
	}
	return "", false
}

// ReasonFor is the error's own reason, or the one ReasonOf finds.
func ReasonFor(e *Error) string {
	if e.Reason != "" {
		return e.Reason
	}
	return ReasonOf(e.Code, e.Message)
}

// Language is the language a request's Accept-Language asks for: "zh" or "en", or "" when it
// names neither (messages then stay in both, "English (中文)").
func Language(acceptLanguage string) string {
	best, bestQ := "", 0.0
	for _, part := range strings.Split(acceptLanguage, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				continue
			}
			q = f
		}
		base, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(tag)), "-")
		if (base == "zh" || base == "en") && q > bestQ {
			best, bestQ = base, q
		}
	}
	return best
}

// Localize says msg, written "English (中文摘要)", in lang: the English text alone for "en",
// the Chinese summary for "zh", msg unchanged otherwise. A message lacking the language asked
// for is said by the reason's meaning in it (in Chinese followed by the English details).
func Localize(msg, lang, reason string) string {
	en, zh := split(msg)
	switch lang {
	case "en":
		if en != "" {
			return en
		}
		if t, ok := reasons[reason]; ok {
			return t.En
		}
	case "zh":
		if zh != "" {
			return zh
		}
		if t, ok := reasons[reason]; ok {
			// The English details (a parser's or validator's words) stay beside the meaning.
			return t.Zh + "：" + en
		}
	}
	return msg
}

// split takes "English text (中文摘要)" apart; a message without a Chinese summary is all
// English, one without Latin letters all Chinese.
func split(msg string) (en, zh string) {
	msg = strings.TrimSpace(msg)
	if strings.HasSuffix(msg, ")") {
		if i := strings.LastIndex(msg, " ("); i >= 0 && hasHan(msg[i+2:len(msg)-1]) && !strings.ContainsAny(msg[i+2:len(msg)-1], "()") {
			return strings.TrimSpace(msg[:i]), msg[i+2 : len(msg)-1]
		}
	}
	// "internal error (系统内部错误); quote request … when reporting it" and the like: the
	// summary followed by more English.
	if i := strings.Index(msg, " ("); i >= 0 {
		if j := strings.Index(msg[i:], ")"); j > 0 && hasHan(msg[i+2:i+j]) && !hasHan(msg[i+j+1:]) {
			summary := msg[i+2 : i+j]
			if !strings.ContainsAny(summary, "(") && isSummary(summary) {
				return strings.TrimSpace(msg[:i] + msg[i+j+1:]), summary
			}
		}
	}
	if hasHan(msg) && !hasLatinWord(msg) {
		return "", msg
	}
	return msg, ""
}

// isSummary: a parenthesised Chinese summary the catalogue knows (not a gloss like "(结题)").
func isSummary(s string) bool {
	n := normalise(s)
	if _, ok := bySummary[n]; ok {
		return true
	}
	return false
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

func hasLatinWord(s string) bool {
	n := 0
	for _, r := range s {
		if r < 128 && unicode.IsLetter(r) {
			n++
			if n >= 3 {
				return true
			}
		} else {
			n = 0
		}
	}
	return false
}
