package demo

import "github.com/nanpiao/sbqw/ent/schema/enum"

// Short Chinese texts the demo records are written with. Constant tables only.

// visitNotes are routine visit notes by way of contact.
var visitNotes = map[enum.VisitMode][]string{
	"HOME_VISIT": {
		"入户走访，了解家庭收入和生产生活情况，宣讲惠民政策。",
		"核实家庭人口和收入变化情况，更新帮扶台账。",
		"查看庭院种植和养殖情况，与户主商量明年的生产计划。",
		"帮助整理院落，叮嘱注意冬季取暖和用电用火安全。",
		"走访了解住房情况，房屋整体安全，提醒雨季注意排水。",
		"讲解城乡居民医保和养老保险缴费政策，帮助核对缴费情况。",
		"了解农作物长势和销售渠道，帮助联系收购商。",
		"入户宣传防范电信诈骗知识，发放宣传资料。",
	},
	"HEART_TO_HEART": {
		"与户主谈心谈话，鼓励其发展庭院经济，增强致富信心。",
		"和家属拉家常，了解思想动态和家庭困难。",
		"与户主谈心，解读产业帮扶政策，引导参加合作社。",
		"与老人促膝交谈，了解子女赡养情况，帮助化解家庭矛盾。",
	},
	"PHONE": {
		"电话询问近期身体和生活情况，家中一切正常。",
		"电话提醒按时缴纳城乡居民医保。",
		"电话了解务工收入情况，提醒签订劳动合同。",
		"电话通知参加村里组织的技能培训。",
	},
	"VIDEO": {
		"视频连线在外务工的子女，了解务工收入和返乡打算。",
		"视频查看房屋修缮进度，约定下次入户时间。",
	},
}

// causeNotes are routine visit notes that follow a household's cause of poverty.
var causeNotes = map[enum.PovertyCause][]string{
	"ILLNESS":        {"询问患病家庭成员病情和用药情况，讲解大病保险和医疗救助报销政策。", "了解住院报销进度，帮助整理报销材料。"},
	"DISABILITY":     {"了解残疾人两项补贴发放情况，帮助申请辅助器具。", "帮助残疾家庭成员办理残疾证换证手续。"},
	"SCHOOLING":      {"了解孩子上学情况，讲解教育资助和雨露计划政策。", "帮助孩子申请生源地助学贷款。"},
	"LACK_OF_LABOR":  {"了解老人生活起居情况，帮助联系村级互助幸福院。", "帮助打扫卫生、劈柴备冬。"},
	"LACK_OF_SKILLS": {"动员家庭劳动力参加区里组织的技能培训班。", "推荐到附近合作社务工，学习种植技术。"},
	"LACK_OF_FUNDS":  {"讲解扶贫小额信贷政策，帮助联系信用社。", "帮助申请产业扶持资金发展养殖。"},
	"DISASTER":       {"查看受灾农田，帮助申报农业保险理赔。"},
}

// festivalNotes are notes of the seasonal visits (慰问).
var festivalNotes = map[enum.VisitOccasion][]string{
	"NEW_YEAR":        {"元旦前夕走访慰问，送去米、面、油等慰问品。", "元旦走访，送去慰问金，了解冬季取暖情况。"},
	"SPRING_FESTIVAL": {"春节前夕入户慰问，送去慰问金和春联，了解年货准备情况。", "春节走访慰问，送去米面油和慰问金，祝全家新春快乐。", "腊月走访，了解取暖和过年准备情况，送去慰问品。"},
	"FESTIVAL":        {"中秋节走访慰问，送去月饼和水果。", "端午节走访慰问，送去粽子和鸡蛋。", "重阳节看望家中老人，送去慰问品。"},
}

// contentRemarks are things households say on a visit that are not demands.
var contentRemarks = []string{
	"户主表示目前生活稳定，感谢党和政府的关心。",
	"希望帮扶干部常来看看。",
	"家里今年收成不错，暂无困难。",
	"孩子在外打工收入稳定，家里一切都好。",
}

// demandTexts are demands by category, as a household would put them.
var demandTexts = map[enum.DemandCategory][]string{
	"POLITICS_LAW":       {"外出务工被拖欠工资八千元，请求法律援助。", "与邻居因宅基地边界发生纠纷，希望司法所帮助调解。", "家中老人遭遇电信诈骗，请求协助追回损失。"},
	"SOCIAL_ORDER":       {"邻里因排水沟堵塞产生矛盾，希望村里协调。", "家门口路段车辆超速，希望设置减速带。", "村里有人夜间私拉电网捕猎，存在安全隐患。"},
	"LAND":               {"承包地确权面积与实际不符，申请重新核实。", "翻建房屋需要办理宅基地审批手续。", "耕地被邻户占用，请求调查处理。"},
	"URBAN_CONSTRUCTION": {"房屋墙体开裂，申请危房改造。", "房屋漏雨，希望纳入农村危房改造计划。", "申请改厕项目补助。"},
	"EDUCATION":          {"孩子考上大学，希望申请助学贷款和雨露计划补助。", "孩子上学路途远，询问寄宿和交通补助。", "申请家庭经济困难学生资助。"},
	"HEALTH":             {"老人患慢性病，希望办理门诊慢特病认定。", "住院费用负担重，咨询医保二次报销。", "希望家庭医生定期上门随访。"},
	"CIVIL_AFFAIRS":      {"申请纳入农村最低生活保障。", "申请残疾人两项补贴。", "老人独居无人照料，申请特困供养。", "家中突发变故，申请临时救助。"},
	"AGRICULTURE":        {"希望得到果树修剪技术指导。", "申请肉牛养殖贷款贴息。", "玉米遭受病虫害，请农技人员上门指导。", "希望帮助销售自家种的小米和杂粮。"},
	"EMPLOYMENT":         {"希望在附近找一份工作。", "想参加电焊技能培训。", "申请村里的公益性岗位。"},
	"INFRASTRUCTURE":     {"家门口道路坑洼，希望硬化。", "自来水水压低，冬季管道容易冻裂。", "院内电线老化，希望供电所检修。", "屯里路灯不亮，晚上出行不便。"},
	"OTHER":              {"希望帮助办理第二代身份证换领。", "咨询城乡居民养老保险补缴。", "希望村里协助清理门前垃圾堆。"},
}

// resolutions are what a department reports when it has solved a demand.
var resolutions = map[enum.DemandCategory]string{
	"POLITICS_LAW":       "经司法所调解和法律援助，问题已妥善解决。",
	"SOCIAL_ORDER":       "经综治中心协调，矛盾已化解，相关隐患已排除。",
	"LAND":               "已派员实地测量核实，依法办理完毕。",
	"URBAN_CONSTRUCTION": "已完成房屋安全鉴定并纳入改造计划，补助资金已拨付。",
	"EDUCATION":          "已为学生办理资助手续，资金已发放到位。",
	"HEALTH":             "已完成认定并落实报销，家庭医生已签约随访。",
	"CIVIL_AFFAIRS":      "经入户核查，已按政策纳入救助，待遇已按月发放。",
	"AGRICULTURE":        "农技人员已上门指导，并协助对接销售渠道。",
	"EMPLOYMENT":         "已推荐就业岗位并安排参加技能培训。",
	"INFRASTRUCTURE":     "已组织施工维修，设施恢复正常使用。",
	"OTHER":              "已协调有关方面办理完毕。",
}

// rejectionReasons say why a demand was not accepted (不予受理).
var rejectionReasons = []string{
	"属于家庭内部财产纠纷，不属于受理范围，已引导通过诉讼途径解决。",
	"经核实，家庭人均收入高于低保标准，不符合申请条件，已向户主解释政策。",
	"该诉求已通过其他渠道办理完毕，属重复登记。",
	"诉求不属于本级职责范围，已告知向有关部门反映。",
}

// releaseReasons say why a pairing was released and the household paired anew.
var releaseReasons = []string{"帮扶干部工作调动", "帮扶干部退休", "帮扶力量调整", "帮扶干部岗位变动", "帮扶干部长期借调"}

// satisfactionWords describe each satisfaction in a follow-up note.
var satisfactionWords = map[enum.Satisfaction]string{
	"SATISFIED":           "满意",
	"BASICALLY_SATISFIED": "基本满意",
	"DISSATISFIED":        "不满意，已作解释说明",
}

// rectificationMeasures by kind of rectification.
var rectificationMeasures = map[enum.RectificationKind][]string{
	"WEAK_LEADERSHIP": {
		"调整充实村党组织班子，选派第一书记驻村；建立“三会一课”台账，每月开展主题党日；联系部门每季度专题研究一次。",
		"区乡两级领导包村联户，帮助理清发展思路；培养后备干部2名；规范党员发展程序。",
	},
	"DISPUTES": {
		"全面排查矛盾纠纷，建立台账逐件化解；设立村级调解室，邀请司法所定期坐班；对重点信访户落实包保责任。",
		"组织土地承包纠纷专项清理，依法依规重新确权；开展法治宣传进村入户活动。",
	},
	"WEAK_ADMINISTRATION": {
		"规范村务公开和财务管理，落实“四议两公开”；清理集体资产资源合同；建立村务监督委员会工作台账。",
		"开展村级财务专项审计，整改不规范票据；健全村规民约和议事规则。",
	},
}

// contributionTexts by kind of team: what a member did.
var contributionTexts = map[enum.TeamKind][]string{
	"POLICY_PROMOTION":     {"入户宣讲城乡居民医保缴费政策", "在村民大会上宣讲乡村振兴政策", "张贴防范电信诈骗宣传材料并入户讲解", "宣讲秸秆禁烧和森林防火政策", "宣讲农村养老保险政策"},
	"PROJECT_TACKLING":     {"协调解决大棚建设用地问题", "参与村道硬化工程质量监督", "帮助合作社完成项目申报材料", "组织群众参与人居环境整治", "协调解决项目施工用水用电"},
	"INDUSTRY_DEVELOPMENT": {"指导农户香菇出菇管理", "传授果树冬季修剪技术", "帮助农户通过网店销售小米", "带领农户参加肉牛养殖技术培训", "联系客商收购农户的杂粮"},
	"POVERTY_RELIEF":       {"帮助独居老人清理院落、劈柴备冬", "为困难户代购药品并送药上门", "组织党员为困难户抢收玉米", "帮助困难户修缮漏雨房屋", "为留守儿童辅导功课"},
}

// teamNames and tasks by kind ("一事一团").
var teamNames = map[enum.TeamKind]string{
	"POLICY_PROMOTION":     "党员政策宣讲团",
	"PROJECT_TACKLING":     "党员项目攻坚团",
	"INDUSTRY_DEVELOPMENT": "党员产业发展服务团",
	"POVERTY_RELIEF":       "党员扶贫解困帮帮团",
}

var teamTasks = map[enum.TeamKind]string{
	"POLICY_PROMOTION":     "把惠民政策讲到每家每户，做到政策知晓率百分之百。",
	"PROJECT_TACKLING":     "推进示范工程和村级重点项目建设，协调解决用地、用工、资金难题。",
	"INDUSTRY_DEVELOPMENT": "带动农户发展特色种植养殖，帮助联系销路，增加群众收入。",
	"POVERTY_RELIEF":       "对困难群众结对包保，帮助解决生产生活中的实际困难。",
}

// teamKinds in their fixed order (maps are never iterated).
var teamKinds = []enum.TeamKind{"POLICY_PROMOTION", "PROJECT_TACKLING", "INDUSTRY_DEVELOPMENT", "POVERTY_RELIEF"}
