package gen

// Fixed vocabularies of the synthetic corpus. Changing any of them changes the generated
// bytes for every seed; the determinism test pins a digest.

// districts are Shanghai's 16 districts, with the short form used in document numbers.
var districts = []struct{ name, abbr string }{
	{"黄浦区", "黄"}, {"徐汇区", "徐"}, {"长宁区", "长"}, {"静安区", "静"},
	{"普陀区", "普"}, {"虹口区", "虹"}, {"杨浦区", "杨"}, {"闵行区", "闵"},
	{"宝山区", "宝"}, {"嘉定区", "嘉"}, {"浦东新区", "浦"}, {"金山区", "金"},
	{"松江区", "松"}, {"青浦区", "青"}, {"奉贤区", "奉"}, {"崇明区", "崇"},
}

// industries are the Industry nodes; short is what enterprise names carry.
var industries = []struct{ name, short, suffix string }{
	{"集成电路", "芯", "半导体有限公司"}, {"人工智能", "智", "智能科技有限公司"},
	{"生物医药", "康", "生物医药有限公司"}, {"金融科技", "融", "金融信息服务有限公司"},
	{"电子商务", "商", "电子商务有限公司"}, {"新能源汽车", "驰", "新能源科技有限公司"},
	{"高端装备", "装", "装备制造有限公司"}, {"新材料", "材", "新材料科技有限公司"},
	{"数字经济", "数", "数字科技有限公司"}, {"工业互联网", "联", "工业互联网有限公司"},
	{"智能网联汽车", "行", "智能网联技术有限公司"}, {"航空航天", "航", "航空科技有限公司"},
	{"医疗器械", "械", "医疗器械有限公司"}, {"区块链", "链", "区块链技术有限公司"},
	{"云计算", "云", "云计算技术有限公司"}, {"大数据", "据", "大数据服务有限公司"},
	{"物联网", "物", "物联网科技有限公司"}, {"元宇宙", "元", "数字孪生科技有限公司"},
	{"绿色低碳", "绿", "环境科技有限公司"}, {"时尚消费", "尚", "时尚品牌管理有限公司"},
	{"文化创意", "文", "文化传媒有限公司"}, {"在线新经济", "网", "网络科技有限公司"},
	{"节能环保", "环", "节能技术有限公司"}, {"氢能", "氢", "氢能源科技有限公司"},
	{"储能", "储", "储能技术有限公司"}, {"机器人", "机", "机器人有限公司"},
	{"智能制造", "造", "智能制造有限公司"}, {"软件和信息服务", "软", "软件有限公司"},
	{"检验检测", "检", "检测技术有限公司"}, {"现代物流", "流", "供应链管理有限公司"},
	{"科技服务", "服", "科技服务有限公司"}, {"新一代通信", "通", "通信技术有限公司"},
}

// coreChars build the distinctive part of enterprise names (three characters, so
// len^3 = 262144 distinct cores, more than the largest preset needs).
var coreChars = []rune("瑞星泰华信达安恒宏盛通源鼎丰汇宇嘉联创新金辰昊博远启明昇泽弘睿晟诚德聚鑫卓越拓朗峰衡融智航翔耀凯润中天海云锦岳嵘峻毅铭璟琪")

// frameworks are the municipal framework policies every district policy hangs from.
var frameworks = []string{
	"上海市科技创新“十四五”规划", "上海市促进人工智能产业发展条例", "上海市推进科技创新中心建设条例",
	"上海市加快打造全球生物医药研发经济和产业化高地的若干政策措施", "上海市集成电路产业高质量发展行动方案",
	"上海市全面推进城市数字化转型的意见", "上海市人才发展“十四五”规划", "上海市促进高新技术成果转化的若干规定",
	"上海市加快新能源汽车产业发展实施计划", "上海市绿色低碳产业发展行动方案", "上海市中小企业发展专项资金管理办法",
	"上海市建设国际金融中心“十四五”规划",
}

// municipalOrgs issue the frameworks.
var municipalOrgs = []string{
	"上海市人民政府", "上海市科学技术委员会", "上海市经济和信息化委员会", "上海市发展和改革委员会",
	"上海市人力资源和社会保障局", "上海市财政局",
}

// districtOrgs are the bodies of every district; the district name is prefixed.
var districtOrgs = []string{
	"人民政府", "科学技术委员会", "发展和改革委员会", "经济委员会", "人力资源和社会保障局",
	"财政局", "商务委员会", "投资促进办公室", "人才工作领导小组办公室", "金融服务办公室",
}

// parkWords name a district's parks and zones.
var parkWords = []string{"科技园", "创新港", "产业园", "智谷", "数字港", "生命科学园", "创意园", "智造园"}

var policyTopics = []string{
	"高质量发展", "创新发展", "集聚发展", "产业升级", "人才引进", "企业培育", "成果转化", "应用场景建设",
	"金融支持", "开放合作", "标准化建设", "知识产权保护", "首台套推广", "数字化转型", "品牌建设", "招商引资",
	"载体建设", "平台建设", "专项扶持", "营商环境优化",
}

var policyTypes = []struct{ word, value string }{
	{"若干措施", "measures"}, {"实施意见", "opinions"}, {"行动计划", "plan"}, {"实施细则", "rules"},
	{"扶持办法", "measures"}, {"工作方案", "plan"}, {"指导意见", "opinions"}, {"管理办法", "rules"},
	{"专项政策", "measures"},
}

var programKinds = []struct{ word, value string }{
	{"创新应用示范项目", "project"}, {"揭榜挂帅专项", "contest"}, {"公共服务平台", "platform"},
	{"先行先试试点", "pilot"}, {"企业服务专窗", "window"}, {"创新创业大赛", "contest"},
	{"专家工作站", "workstation"}, {"产业对接活动", "event"},
}

var measureKinds = []struct{ word, category, eligibility string }{
	{"人才安居补贴", "housing", "在本区工作并缴纳社会保险满一年的重点产业人才"},
	{"落户支持", "hukou", "符合本市人才引进条件的重点企业核心人才"},
	{"人才奖励", "subsidy", "对区域经济发展作出突出贡献的企业高级管理和技术人才"},
	{"培训资助", "training", "参加职业技能提升培训并取得证书的企业员工"},
	{"项目资助", "funding", "承担区级以上科技项目的企业研发团队"},
	{"博士后工作站资助", "workstation", "新设立博士后科研工作站的企业"},
	{"人才服务专员", "service", "经认定的重点企业"},
	{"高层次人才招聘支持", "recruitment", "引进高层次人才的重点企业"},
}

var enterpriseRoles = []string{"科技小巨人", "专精特新", "高新技术企业", "独角兽", "龙头企业", "瞪羚企业", "科技型中小企业"}

var allianceWords = []string{"产业联盟", "创新联盟", "发展促进会", "协同创新共同体", "产学研联盟"}
