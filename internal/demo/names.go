package demo

// Word lists for the generated people, places and companies. Every name the
// demo shows is composed from these at random (with the fixed seed), so none
// is a real person; the few combinations that would spell a well-known
// person's name are refused (famous).

// surnamesCommon are the surnames most frequent in Hebei; they are drawn
// three times as often as the rest.
var surnamesCommon = []string{"王", "李", "张", "刘", "杨", "赵", "陈", "孙", "马", "高", "郭", "田"}

var surnamesOther = []string{
	"周", "吴", "徐", "朱", "胡", "何", "林", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓",
	"曹", "彭", "肖", "董", "袁", "潘", "于", "蒋", "蔡", "杜", "程", "苏", "魏", "吕", "丁", "任",
	"沈", "姚", "卢", "姜", "崔", "谭", "陆", "范", "金", "石", "贾", "夏", "付", "方", "白", "邹",
	"孟", "秦", "邱", "尹", "薛", "闫", "段", "雷", "侯", "史", "陶", "贺", "顾", "毛", "郝", "邵",
	"万", "钱", "武", "戴", "孔", "常", "康", "牛", "邢", "齐", "乔", "庞", "聂", "岳", "翟", "申",
	"耿", "焦", "左", "柴", "鲍", "尚", "靳", "霍", "边", "纪", "褚", "穆",
}

// Given-name characters. Two-character given names draw two distinct
// characters from one list; one-character names draw one.
var givenMale = []rune("建国志明伟强军磊海涛斌辉峰鹏超浩宇俊杰亮勇毅成昌振兴华东文武德福庆林松春永宏泽凯晨旭阳立新少群学忠平瑞朋跃锋坤胜铭川树金宝利玉宁博远广占保义和")

var givenFemale = []rune("秀英丽娟芳敏静燕霞玲红艳梅琳婷雪倩慧洁颖佳欣悦彤璐云萍兰凤桂荣月娜莉丹晶菲琴蕾爽楠璇萌淑素翠巧彩文春晓")

// famous lists names of well-known people (national leaders, athletes,
// entertainers) that the generator could otherwise compose; a demo dataset
// must not put them on a village committee.
var famous = map[string]bool{}

func init() {
	for _, n := range []string{
		"习近平", "李克强", "李强", "赵乐际", "王沪宁", "韩正", "蔡奇", "丁薛祥", "李希", "汪洋", "栗战书", "王岐山",
		"胡锦涛", "温家宝", "江泽民", "朱镕基", "李鹏", "毛泽东", "周恩来", "刘少奇", "朱德", "邓小平", "陈云", "彭德怀",
		"张德江", "俞正声", "刘云山", "张高丽", "孙春兰", "胡春华", "刘鹤", "杨洁篪", "王毅", "陈敏尔", "李鸿忠", "许其亮",
		"张又侠", "黄坤明", "郭声琨", "王晨", "杨晓渡", "刘国中", "何立峰", "王小洪", "倪岳峰", "王东峰", "许勤", "王正谱",
		"李娜", "刘翔", "姚明", "王菲", "李宁", "马云", "王健林", "张艺谋", "周杰伦", "刘德华", "成龙", "李连杰", "赵本山",
		"郭德纲", "杨利伟", "邓亚萍", "孙杨", "朱婷", "郎平", "王楠", "张怡宁", "刘欢", "黄晓明", "杨幂", "赵薇", "周迅",
		"章子怡", "李冰冰", "孙俪", "刘亦菲", "王源", "王刚", "刘洋", "王亚平", "景海鹏", "陈冬", "王强", "刘涛", "杨洋",
		"张杰", "邓超", "黄渤", "徐峥", "沈腾", "贾玲", "王宝强", "谢娜", "何炅", "汪涵", "董卿", "康辉", "白岩松", "朱军",
		"倪萍", "李咏", "周涛", "刘璇", "郭晶晶", "伏明霞", "田亮", "马龙", "许昕", "张继科", "丁宁", "陈梦", "樊振东",
		"苏炳添", "武大靖", "李小鹏", "杨威", "刘国梁", "孔令辉", "王皓", "马琳", "张宁", "林丹", "谌龙", "郑洁", "彭帅",
		"易建联", "王治郅", "周琦", "武磊", "郑智", "孙继海", "范志毅", "郝海东", "李铁", "高洪波", "李刚", "王杰", "张军",
	} {
		famous[n] = true
	}
}

// cangzhouAreas are the GB/T 2260 codes of 沧州's districts and counties,
// the first six digits of a locally issued 身份证号.
var cangzhouAreas = []string{
	"130902", "130903", "130921", "130922", "130923", "130924", "130925", "130926",
	"130927", "130928", "130929", "130930", "130981", "130982", "130983", "130984",
}

// villageArea is 沧县, where the zone's villages were registered before the
// zone took them over; most villagers' numbers start with it.
const villageArea = "130921"

// mobilePrefixes are 13x, 15x (less 154) and 18x.
var mobilePrefixes = []string{
	"130", "131", "132", "133", "134", "135", "136", "137", "138", "139",
	"150", "151", "152", "153", "155", "156", "157", "158", "159",
	"180", "181", "182", "183", "184", "185", "186", "187", "188", "189",
}

// Company name parts.
var (
	companyPlaces = []string{"沧州", "沧州", "沧州", "河北", "河北", ""}
	companyBrands = []string{
		"鑫源", "恒达", "华瑞", "宏泰", "金诺", "润丰", "佳和", "瑞通", "永盛", "天诚", "博远", "信达", "昊天",
		"泰和", "荣昌", "德润", "汇通", "金泰", "凯达", "众信", "通达", "盛源", "宏远", "兴旺", "祥瑞", "嘉诚",
		"弘毅", "海川", "明辉", "华鼎", "瀚海", "富源", "鼎盛", "聚力", "新航", "渤海", "运河", "狮城", "长芦",
		"铁狮", "正源", "泓润", "利达", "安泰", "益康", "康华", "瑞丰", "晟达", "顺达", "冀沧", "恒力", "腾骏",
	}
	roads = []string{"东海路", "渤海路", "黄河东路", "永济东路", "南海路", "珠江路", "吉林大道", "宝石路", "浩海路", "兴业路", "创业路", "经一路", "经三路", "纬二路"}
)

// industryKind is a kind of business: the word in the company name and the
// industry (国民经济行业分类 section) shown in the directory.
type industryKind struct{ Word, Industry string }

// makers are manufacturing and other industrial kinds (规上 candidates).
var makers = []industryKind{
	{"机械制造", "通用设备制造业"}, {"管道装备", "金属制品业"}, {"汽车零部件", "汽车制造业"}, {"精密铸造", "金属制品业"},
	{"新材料科技", "化学原料和化学制品制造业"}, {"医药化工", "医药制造业"}, {"生物科技", "医药制造业"}, {"食品", "食品制造业"},
	{"塑料制品", "橡胶和塑料制品业"}, {"包装材料", "造纸和纸制品业"}, {"电子科技", "计算机、通信和其他电子设备制造业"},
	{"环保设备", "专用设备制造业"}, {"五金制品", "金属制品业"}, {"模具制造", "专用设备制造业"}, {"电气设备", "电气机械和器材制造业"},
	{"钢结构工程", "建筑业"}, {"新型建材", "非金属矿物制品业"}, {"纺织", "纺织业"}, {"服饰", "纺织服装、服饰业"}, {"家具", "家具制造业"},
	{"印刷", "印刷和记录媒介复制业"}, {"软件科技", "软件和信息技术服务业"}, {"智能装备", "专用设备制造业"}, {"液压机械", "通用设备制造业"},
	{"阀门", "通用设备制造业"}, {"管件", "金属制品业"}, {"紧固件", "通用设备制造业"}, {"保温材料", "非金属矿物制品业"},
	{"光电科技", "计算机、通信和其他电子设备制造业"}, {"汽车配件", "汽车制造业"}, {"数控机床", "通用设备制造业"}, {"橡胶制品", "橡胶和塑料制品业"},
}

// traders are wholesale, retail, lodging and catering kinds (限上 candidates).
var traders = []industryKind{
	{"商贸", "批发业"}, {"物资贸易", "批发业"}, {"汽车销售服务", "零售业"}, {"超市", "零售业"}, {"餐饮管理", "餐饮业"},
	{"酒店管理", "住宿业"}, {"建材销售", "批发业"}, {"石化产品销售", "批发业"}, {"医药连锁", "零售业"}, {"农产品贸易", "批发业"},
}
