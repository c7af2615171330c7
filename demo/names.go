package demo

import "github.com/nanpiao/sbqw/ent/schema/enum"

// Name pools and fixed tables of the demo district. Everything here is constant data; the
// loader only reads it.

// surnames are weighted roughly by their frequency in western Liaoning (Manchu and Mongol
// family names included: 佟, 关, 那, 满, 鲍).
var surnames = []weighted[string]{
	{"王", 16}, {"李", 14}, {"张", 14}, {"刘", 12}, {"赵", 6}, {"杨", 6}, {"孙", 6}, {"于", 6},
	{"高", 4}, {"陈", 4}, {"马", 4}, {"徐", 4}, {"郭", 4}, {"韩", 4}, {"周", 3}, {"朱", 3},
	{"宋", 3}, {"吴", 2}, {"田", 2}, {"崔", 2}, {"曹", 2}, {"邵", 2}, {"冯", 2}, {"付", 2},
	{"姜", 2}, {"董", 2}, {"白", 2}, {"郝", 2}, {"魏", 2}, {"孟", 2}, {"邱", 2}, {"黄", 2},
	{"蔡", 1}, {"段", 1}, {"谷", 1}, {"常", 1}, {"石", 1}, {"沈", 1}, {"闫", 1}, {"葛", 1},
	{"穆", 1}, {"佟", 1}, {"关", 1}, {"那", 1}, {"鲍", 1}, {"尹", 1}, {"薛", 1}, {"何", 1},
	{"侯", 1}, {"贾", 1}, {"温", 1}, {"满", 1}, {"吕", 1}, {"梁", 1}, {"秦", 1}, {"任", 1},
}

// givenNames[era][0] are men's characters, [1] women's.
var givenNames = [4][2][]string{
	eraOld: {
		{"福", "贵", "财", "德", "山", "海", "林", "发", "清", "玉", "文", "明", "树", "成", "万", "金", "永", "广", "有", "春", "长", "占", "殿", "国", "宝", "荣", "顺", "庆", "富", "祥"},
		{"秀", "兰", "英", "珍", "芝", "凤", "桂", "淑", "玉", "云", "琴", "翠", "华", "素", "荣", "芬", "香", "霞", "梅", "兰", "贞", "敏"},
	},
	eraMid: {
		{"国", "建", "军", "伟", "志", "强", "平", "卫", "东", "利", "明", "胜", "力", "刚", "勇", "斌", "忠", "学", "民", "立", "新", "华", "宏", "波", "峰", "海", "全", "彦", "春", "庆"},
		{"丽", "艳", "红", "霞", "华", "萍", "敏", "静", "燕", "玲", "芳", "娟", "梅", "莉", "凤", "颖", "秀", "晶", "杰", "英", "春", "荣"},
	},
	eraYoung: {
		{"磊", "鹏", "超", "鑫", "浩", "宇", "亮", "帅", "博", "龙", "冬", "涛", "洋", "健", "旭", "杰", "阳", "晨", "彬", "凯", "飞", "明", "东", "伟", "强"},
		{"丹", "婷", "雪", "欣", "佳", "慧", "琳", "莹", "爽", "楠", "倩", "月", "微", "璐", "露", "迪", "悦", "晶", "静", "丽", "娜", "颖"},
	},
	eraKids: {
		{"梓", "浩", "宇", "轩", "睿", "博", "泽", "航", "铭", "辰", "俊", "皓", "锦", "奕", "天", "嘉", "宸", "然", "鸣", "翔"},
		{"欣", "雨", "梓", "萱", "涵", "馨", "怡", "诗", "语", "琪", "可", "佳", "思", "若", "彤", "悦", "妍", "淇", "桐", "晴"},
	},
}

// townshipSpec is one of Nanpiao's ten townships with its villages.
type townshipSpec struct {
	code     string // 12-digit division code
	name     string
	kind     enum.TownshipKind
	villages []string
}

// townshipSpecs: ten townships, 135 villages (14 in five townships, 13 in the other five).
// Codes follow the statistical scheme: 211404 + 1xx for towns, 2xx for townships + 000; a
// village adds 2xx in the last three digits.
var townshipSpecs = []townshipSpec{
	{"211404100000", "暖池塘镇", "TOWN", []string{"暖池塘村", "南山村", "北沟村", "西营子村", "东窝铺村", "石灰窑村", "郝家屯村", "邱皮沟村", "三家子村", "梨树沟村", "大杖子村", "前进村", "温家屯村", "二道河子村"}},
	{"211404101000", "虹螺岘镇", "TOWN", []string{"虹螺岘村", "山嘴子村", "马杖子村", "刘家沟村", "王家屯村", "苇子沟村", "杏树沟村", "西山村", "大营子村", "红旗村", "下河村", "孤山子村", "兴隆沟村", "韩家窝铺村"}},
	{"211404102000", "缸窑岭镇", "TOWN", []string{"缸窑岭村", "八家子村", "龙王庙村", "小营子村", "四道沟村", "白家屯村", "喇嘛洞村", "石门村", "新立屯村", "三官庙村", "孙杖子村", "柳树沟村", "东沟村", "曹家屯村"}},
	{"211404103000", "高桥镇", "TOWN", []string{"高桥村", "葛家村", "碾盘沟村", "北台子村", "牤牛营子村", "周家屯村", "大荒地村", "于家屯村", "黄家沟村", "双庙村", "烟台沟村", "平房子村", "西甸子村", "杨树沟村"}},
	{"211404104000", "金星镇", "TOWN", []string{"金星村", "朱杖子村", "毛家店村", "娘娘庙村", "榆树沟村", "冯家沟村", "二台子村", "宋家窝铺村", "高家岭村", "南大营村", "松树沟村", "和平村", "土城子村"}},
	{"211404105000", "台集屯镇", "TOWN", []string{"台集屯村", "徐家屯村", "李家沟村", "三道岭村", "后屯村", "黄土梁村", "姜家窝铺村", "大西沟村", "小河北村", "北山村", "张杖子村", "胜利村", "青山村", "前屯村"}},
	{"211404200000", "沙锅屯乡", "TOWNSHIP", []string{"沙锅屯村", "邵家沟村", "赵家屯村", "花户沟村", "蒙古营子村", "大岭村", "牛心坨村", "葫芦沟村", "东甸子村", "太平村", "韩杖子村", "石河村", "光明村"}},
	{"211404201000", "大兴乡", "TOWNSHIP", []string{"大兴村", "小兴沟村", "八家窝铺村", "五家子村", "永安村", "高台子村", "郭家屯村", "杨杖子村", "凤凰山村", "三合村", "楼子村", "碱厂沟村", "富民村"}},
	{"211404202000", "黄土坎乡", "TOWNSHIP", []string{"黄土坎村", "大台沟村", "马家沟村", "西大营村", "田家屯村", "北甸子村", "王杖子村", "梁家屯村", "二道沟村", "向阳村", "新兴村", "水泉沟村", "河湾村"}},
	{"211404203000", "张相公屯乡", "TOWNSHIP", []string{"张相公屯村", "关家屯村", "四家子村", "大杨树村", "佟家沟村", "南台村", "干沟子村", "于杖子村", "北大营村", "东山村", "柳河村", "刘家窝铺村", "保安村"}},
}

// departmentSpec is one of the 45 district departments linked to villages.
type departmentSpec struct {
	name   string
	kind   enum.DepartmentKind
	head   string // title of the head
	deputy string // title of a deputy head
}

// departmentSpecs are listed in code order: D01 is the first.
var departmentSpecs = []departmentSpec{
	{"区委办公室", "PARTY", "主任", "副主任"},
	{"区委组织部", "PARTY", "部长", "副部长"},
	{"区委宣传部", "PARTY", "部长", "副部长"},
	{"区委统战部", "PARTY", "部长", "副部长"},
	{"区纪委监委", "PARTY", "书记", "副书记"},
	{"区委政法委", "POLITICS_LAW", "书记", "副书记"},
	{"区直机关工委", "PARTY", "书记", "副书记"},
	{"区委党校", "PUBLIC_INSTITUTION", "常务副校长", "副校长"},
	{"区政府办公室", "GOVERNMENT", "主任", "副主任"},
	{"区发展和改革局", "GOVERNMENT", "局长", "副局长"},
	{"区教育局", "GOVERNMENT", "局长", "副局长"},
	{"区公安分局", "POLITICS_LAW", "局长", "副局长"},
	{"区民政局", "GOVERNMENT", "局长", "副局长"},
	{"区司法局", "POLITICS_LAW", "局长", "副局长"},
	{"区财政局", "GOVERNMENT", "局长", "副局长"},
	{"区人力资源和社会保障局", "GOVERNMENT", "局长", "副局长"},
	{"区自然资源局", "GOVERNMENT", "局长", "副局长"},
	{"区住房和城乡建设局", "GOVERNMENT", "局长", "副局长"},
	{"区交通运输局", "GOVERNMENT", "局长", "副局长"},
	{"区水利局", "GOVERNMENT", "局长", "副局长"},
	{"区农业农村局", "GOVERNMENT", "局长", "副局长"},
	{"区商务局", "GOVERNMENT", "局长", "副局长"},
	{"区文化旅游和广播电视局", "GOVERNMENT", "局长", "副局长"},
	{"区卫生健康局", "GOVERNMENT", "局长", "副局长"},
	{"区退役军人事务局", "GOVERNMENT", "局长", "副局长"},
	{"区应急管理局", "GOVERNMENT", "局长", "副局长"},
	{"区审计局", "GOVERNMENT", "局长", "副局长"},
	{"区市场监督管理局", "GOVERNMENT", "局长", "副局长"},
	{"区统计局", "GOVERNMENT", "局长", "副局长"},
	{"区医疗保障局", "GOVERNMENT", "局长", "副局长"},
	{"区信访局", "GOVERNMENT", "局长", "副局长"},
	{"区乡村振兴局", "GOVERNMENT", "局长", "副局长"},
	{"区林业和草原局", "GOVERNMENT", "局长", "副局长"},
	{"区生态环境分局", "GOVERNMENT", "局长", "副局长"},
	{"区城市管理综合行政执法局", "GOVERNMENT", "局长", "副局长"},
	{"区人民法院", "POLITICS_LAW", "院长", "副院长"},
	{"区人民检察院", "POLITICS_LAW", "检察长", "副检察长"},
	{"区总工会", "PARTY", "常务副主席", "副主席"},
	{"团区委", "PARTY", "书记", "副书记"},
	{"区妇联", "PARTY", "主席", "副主席"},
	{"区残疾人联合会", "PUBLIC_INSTITUTION", "理事长", "副理事长"},
	{"区供销合作社", "PUBLIC_INSTITUTION", "主任", "副主任"},
	{"区农业技术推广中心", "PUBLIC_INSTITUTION", "主任", "副主任"},
	{"区疾病预防控制中心", "PUBLIC_INSTITUTION", "主任", "副主任"},
	{"区融媒体中心", "PUBLIC_INSTITUTION", "主任", "副主任"},
}

// demandDepartments names, by department code, who solves each kind of demand (诉求类别 are
// named after these departments). OTHER goes to the village's linked department.
var demandDepartments = map[enum.DemandCategory][]string{
	"POLITICS_LAW":       {"D14", "D06"},
	"SOCIAL_ORDER":       {"D06", "D12"},
	"LAND":               {"D17"},
	"URBAN_CONSTRUCTION": {"D18"},
	"EDUCATION":          {"D11"},
	"HEALTH":             {"D24", "D30"},
	"CIVIL_AFFAIRS":      {"D13", "D41"},
	"AGRICULTURE":        {"D21", "D43"},
	"EMPLOYMENT":         {"D16"},
	"INFRASTRUCTURE":     {"D19", "D20"},
}

// cities where floating (migrant) members live and work.
var cities = []string{
	"北京市", "天津市", "沈阳市", "大连市", "锦州市", "葫芦岛市连山区", "葫芦岛市龙港区", "兴城市",
	"秦皇岛市", "唐山市", "营口市", "鞍山市", "盘锦市", "上海市", "深圳市", "长春市", "朝阳市",
}

// specialtiesByWork: what members are good at, by what they do.
var specialtiesByWork = map[enum.Occupation][]string{
	"FARMER":                   {"种植", "养殖", "果树栽培", "农机", "食用菌", "手工艺"},
	"WORKER":                   {"建筑", "维修", "运输", "电焊"},
	"MIGRANT_WORKER":           {"建筑", "运输", "电商", "家政", "餐饮", "电焊"},
	"SELF_EMPLOYED":            {"电商", "餐饮", "运输", "维修", "养殖"},
	"ENTERPRISE_STAFF":         {"财会", "电商", "营销", "机械"},
	"PUBLIC_INSTITUTION_STAFF": {"教育", "医护", "财会", "文艺"},
	"CIVIL_SERVANT":            {"法律", "财会", "文字写作", "信息技术", "农业技术"},
	"RETIRED":                  {"文艺", "书法", "手工艺", "种植"},
	"STUDENT":                  {"电商", "信息技术"},
	"OTHER":                    {"种植", "手工艺", "文艺"},
}
