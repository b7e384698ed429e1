package model

// This file holds the EC–OECD STIP Compass classification of policy initiatives: the policy
// instrument used and the target group addressed. Entities carry the codes below in their
// stipInstruments and stipTargetGroups properties.
//
// The Code values are policygraph's own stable slugs of the STIP labels (upper snake case);
// they are not STIP identifiers. STIPID is the identifier STIP Compass uses for the same
// category (PI… for instruments, TG… for target groups) in its data downloads, so that
// policygraph data can be joined with STIP Compass data. Labels follow the current STIP
// Compass taxonomy (survey editions 2021 and later); where an earlier edition used another
// wording it is noted beside the entry.
//
// A few entries have no STIPID: they are policygraph extensions for distinctions that Chinese
// policy texts make often and STIP does not (regulatory experimentation, clusters and parks,
// training, returnees and foreign talent). Each extension names in its comment the STIP
// category it refines, so that a mapping back to STIP is always possible.

// Taxon is one category of a classification.
type Taxon struct {
	Code    string // policygraph's stable upper-snake slug, e.g. GRANTS_BUSINESS_RD
	STIPID  string // STIP Compass identifier (PI008, TG31); "" for a policygraph extension
	Label   string // English STIP Compass label
	LabelZH string // Chinese label, policygraph's translation
	Group   string // the STIP grouping the category belongs to
}

// Extension reports whether t is a policygraph extension with no STIP Compass counterpart.
func (t Taxon) Extension() bool { return t.STIPID == "" }

// STIP Compass policy-instrument groups.
const (
	STIPGroupGovernance      = "Governance"
	STIPGroupDirectFinance   = "Direct financial support"
	STIPGroupIndirectFinance = "Indirect financial support"
	STIPGroupCollaborative   = "Collaborative infrastructures (soft and physical)"
	STIPGroupGuidance        = "Guidance, regulation and incentives"
)

// STIPInstruments lists the STIP Compass policy-instrument types, in STIP's order, followed by
// policygraph's extensions.
var STIPInstruments = []Taxon{
	// Governance
	{"STRATEGIES_PLANS", "PI024", "Strategies, agendas and plans", "战略、议程和规划", STIPGroupGovernance}, // 2019: "National strategies, agendas and plans"
	{"GOVERNANCE_BODY", "PI030", "Creation or reform of governance structure or public body", "设立或改革治理结构、公共机构", STIPGroupGovernance},
	{"POLICY_INTELLIGENCE", "PI031", "Policy intelligence (e.g. evaluations, benchmarking and forecasts)", "政策情报（评估、对标、预测）", STIPGroupGovernance},
	{"STAKEHOLDER_CONSULTATION", "PI025", "Formal consultation of stakeholders or experts", "利益相关方或专家正式咨询", STIPGroupGovernance},
	{"STI_COORDINATION_BODY", "PI026", "Horizontal STI coordination bodies", "科技创新横向协调机构", STIPGroupGovernance},
	{"REGULATORY_OVERSIGHT_ETHICS", "PI033", "Regulatory oversight and ethical advice bodies", "监管与伦理咨询机构", STIPGroupGovernance},
	{"STANDARDS_CERTIFICATION", "PI027", "Standards and certification for technology development and adoption", "技术开发与应用的标准和认证", STIPGroupGovernance},
	{"PUBLIC_AWARENESS", "PI028", "Public awareness campaigns and other outreach activities", "公众宣传和其他推广活动", STIPGroupGovernance},

	// Direct financial support
	{"INSTITUTIONAL_FUNDING", "PI006", "Institutional funding for public research", "公共研究机构经费", STIPGroupDirectFinance},
	{"GRANTS_PUBLIC_RESEARCH", "PI007", "Project grants for public research", "公共研究项目资助", STIPGroupDirectFinance},
	{"GRANTS_BUSINESS_RD", "PI008", "Grants for business R&D and innovation", "企业研发与创新资助", STIPGroupDirectFinance}, // 2019: "Project grants for business R&D and innovation"
	{"CENTRES_OF_EXCELLENCE", "PI009", "Centres of excellence grants", "卓越中心资助", STIPGroupDirectFinance},
	{"PROCUREMENT_RD", "PI010", "Procurement programmes for R&D and innovation", "研发与创新采购计划", STIPGroupDirectFinance},
	{"FELLOWSHIPS_SCHOLARSHIPS", "PI011", "Fellowships and postgraduate loans and scholarships", "研究资助金、研究生贷款和奖学金", STIPGroupDirectFinance},
	{"LOANS_CREDITS", "PI012", "Loans and credits for innovation in firms", "企业创新贷款和信贷", STIPGroupDirectFinance},
	{"EQUITY_FINANCING", "PI013", "Equity financing", "股权融资", STIPGroupDirectFinance},
	{"INNOVATION_VOUCHERS", "PI014", "Innovation vouchers", "创新券", STIPGroupDirectFinance},

	// Indirect financial support
	{"TAX_RELIEF_RD", "PI015", "Tax or social contributions relief for firms investing in R&D and innovation", "企业研发与创新税收或社保减免", STIPGroupIndirectFinance}, // 2019: "Corporate tax relief for R&D and innovation"
	{"TAX_RELIEF_INDIVIDUALS", "PI016", "Tax relief for individuals supporting R&D and innovation", "支持研发与创新的个人税收减免", STIPGroupIndirectFinance},
	{"DEBT_GUARANTEES", "PI029", "Debt guarantees and risk sharing schemes", "债务担保和风险分担", STIPGroupIndirectFinance},

	// Collaborative infrastructures (soft and physical)
	{"NETWORKING_PLATFORMS", "PI021", "Networking and collaborative platforms", "交流与协作平台", STIPGroupCollaborative},
	{"RESEARCH_INFRASTRUCTURE", "PI022", "Dedicated support to research and technical infrastructures", "研究与技术基础设施专项支持", STIPGroupCollaborative}, // 2019: "Dedicated support to research infrastructures"
	{"INFORMATION_SERVICES", "PI023", "Information services and access to datasets", "信息服务与数据获取", STIPGroupCollaborative},

	// Guidance, regulation and incentives
	{"TECH_EXTENSION_ADVISORY", "PI017", "Technology extension and business advisory services", "技术推广与企业咨询服务", STIPGroupGuidance},
	{"ST_REGULATION_SOFT_LAW", "PI032", "Science and technology regulation and soft law", "科技监管与软法", STIPGroupGuidance}, // 2019: "Emerging technology regulation"
	{"LABOUR_MOBILITY", "PI018", "Labour mobility regulation and incentives", "人才流动规制与激励", STIPGroupGuidance},
	{"IP_REGULATION", "PI019", "Intellectual property regulation and incentives", "知识产权规制与激励", STIPGroupGuidance},
	{"CHALLENGES_PRIZES", "PI020", "Science and innovation challenges, prizes and awards", "科技创新竞赛、奖项", STIPGroupGuidance},

	// policygraph extensions
	{"REGULATORY_SANDBOX", "", "Regulatory sandboxes and experimentation (test beds, pilot zones)", "监管沙盒与试点试验（包容审慎、应用场景开放）", STIPGroupGuidance}, // refines PI032
	{"CLUSTERS_PARKS", "", "Clusters, science parks and innovation districts", "产业集聚区、科技园区与创新街区", STIPGroupCollaborative},                        // refines PI021/PI022; STIP treats clusters as a theme (TH47)
	{"TRAINING_SKILLS", "", "Training and skills development", "培训与技能提升", STIPGroupGuidance},                                                     // refines PI017
	{"TALENT_HOUSING", "", "Housing and settlement support for talent", "人才安居与落户支持", STIPGroupGuidance},                                          // refines PI018
}

// STIP Compass target-group groups.
const (
	STIPGroupResearchOrgs = "Research and education organisations"
	STIPGroupResearchers  = "Researchers, students and teachers"
	STIPGroupFirmsBySize  = "Firms by size"
	STIPGroupFirmsByAge   = "Firms by age"
	STIPGroupIntermediary = "Intermediaries"
	STIPGroupGovernment   = "Governmental entities"
	STIPGroupIndividuals  = "Economic actors (individuals)"
	STIPGroupSocial       = "Social groups especially emphasised"
)

// STIPTargetGroups lists the STIP Compass target groups, in STIP's order, followed by
// policygraph's extensions.
var STIPTargetGroups = []Taxon{
	{"HEI", "TG20", "Higher education institutes", "高等院校", STIPGroupResearchOrgs},
	{"PRIS", "TG21", "Public research institutes", "公共科研院所", STIPGroupResearchOrgs},
	{"PRIVATE_RD_LABS", "TG22", "Private research and development lab", "私营研发机构", STIPGroupResearchOrgs},

	{"RESEARCHERS_ESTABLISHED", "TG9", "Established researchers", "资深研究人员", STIPGroupResearchers},
	{"RESEARCHERS_EARLY", "TG11", "Postdocs and other early-career researchers", "博士后及青年研究人员", STIPGroupResearchers},
	{"RESEARCH_SUPPORT_STAFF", "TG41", "Programme managers and other research support staff", "项目管理及科研辅助人员", STIPGroupResearchers},
	{"STUDENTS", "TG10", "Undergraduate and master students", "本科生和硕士研究生", STIPGroupResearchers},
	{"SECONDARY_STUDENTS", "TG38", "Secondary education students", "中学生", STIPGroupResearchers},
	{"POSTGRADUATE_STUDENTS", "TG12", "PhD students", "博士研究生", STIPGroupResearchers}, // master students are STUDENTS (TG10)
	{"TEACHERS", "TG13", "Teachers", "教师", STIPGroupResearchers},

	{"FIRMS_ANY", "TG29", "Firms of any size", "各类企业", STIPGroupFirmsBySize},
	{"MICRO_ENTERPRISES", "TG30", "Micro-enterprises", "微型企业", STIPGroupFirmsBySize},
	{"SME", "TG31", "SMEs", "中小企业", STIPGroupFirmsBySize},
	{"LARGE_FIRMS", "TG32", "Large firms", "大型企业", STIPGroupFirmsBySize},
	{"MULTINATIONALS", "TG33", "Multinational enterprises", "跨国企业", STIPGroupFirmsBySize},

	{"FIRMS_ANY_AGE", "TG25", "Firms of any age", "各年龄段企业", STIPGroupFirmsByAge},
	{"NASCENT_FIRMS", "TG26", "Nascent firms (0 to less than 1 year old)", "初创期企业（不满1年）", STIPGroupFirmsByAge},
	{"START_UPS", "TG27", "Young firms (1 to 5 years old)", "初创企业（1至5年）", STIPGroupFirmsByAge},
	{"ESTABLISHED_FIRMS", "TG28", "Established firms (more than 5 years old)", "成熟企业（5年以上）", STIPGroupFirmsByAge},

	{"INCUBATORS_PARKS", "TG34", "Incubators, accelerators, science parks or technoparks", "孵化器、加速器、科技园区", STIPGroupIntermediary},
	{"TECH_TRANSFER_OFFICES", "TG35", "Technology transfer offices", "技术转移机构", STIPGroupIntermediary},
	{"INDUSTRY_ASSOCIATIONS", "TG36", "Industry associations", "行业协会", STIPGroupIntermediary},
	{"ACADEMIES", "TG37", "Academic societies / academies", "学会、学术团体", STIPGroupIntermediary},
	{"NGOS", "TG42", "Non-governmental organisations (NGOs)", "非政府组织", STIPGroupIntermediary},

	{"INTERNATIONAL_ENTITY", "TG40", "International entity", "国际组织", STIPGroupGovernment},
	{"NATIONAL_GOVERNMENT", "TG23", "National government", "中央政府", STIPGroupGovernment},
	{"SUBNATIONAL_GOVERNMENT", "TG24", "Subnational government", "地方政府", STIPGroupGovernment},

	{"ENTREPRENEURS", "TG18", "Entrepreneurs", "创业者", STIPGroupIndividuals},
	{"PRIVATE_INVESTORS", "TG17", "Private investors", "私人投资者", STIPGroupIndividuals},
	{"LABOUR_FORCE", "TG19", "Labour force in general", "一般劳动力", STIPGroupIndividuals},

	{"WOMEN", "TG14", "Women", "女性", STIPGroupSocial},
	{"DISADVANTAGED_GROUPS", "TG15", "Disadvantaged and excluded groups", "弱势和边缘群体", STIPGroupSocial},
	{"CIVIL_SOCIETY", "TG16", "Civil society", "公民社会", STIPGroupSocial},

	// policygraph extensions
	{"INTERMEDIARIES", "", "Intermediaries of any kind (service agencies, financial and third-party service institutions)", "各类中介与服务机构（含金融机构、第三方服务机构）", STIPGroupIntermediary}, // the whole STIP group
	{"GOVERNMENT", "", "Government bodies at any level", "各级政府部门", STIPGroupGovernment},                                                                                        // TG23 or TG24
	{"FOREIGN_TALENT", "", "Foreign talent and returnees from study or work abroad", "海外人才与留学回国人员", STIPGroupIndividuals},                                                      // refines TG9/TG11/TG19
	{"HIGH_LEVEL_TALENT", "", "High-level talent (recognised leading researchers and professionals)", "高层次人才", STIPGroupIndividuals},                                           // refines TG9/TG19
}

// STIPInstrument returns the policy-instrument category with the given code.
func STIPInstrument(code string) (Taxon, bool) { return lookupTaxon(STIPInstruments, code) }

// STIPTargetGroup returns the target-group category with the given code.
func STIPTargetGroup(code string) (Taxon, bool) { return lookupTaxon(STIPTargetGroups, code) }

func lookupTaxon(list []Taxon, code string) (Taxon, bool) {
	for _, t := range list {
		if t.Code == code {
			return t, true
		}
	}
	return Taxon{}, false
}
