// Node kinds, relationship types, property names and units: how the explorer shows them.
// Colours match the GEXF export (export.KindColors).

const shape = (body) =>
  'data:image/svg+xml;charset=utf-8,' +
  encodeURIComponent(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100" width="256" height="256"><g fill="#fff">${body}</g></svg>`);

/** Shapes as white-on-transparent masks, tinted with the kind colour when drawn. */
export const SHAPES = {
  circle: shape('<circle cx="50" cy="50" r="46"/>'),
  square: shape('<rect x="8" y="8" width="84" height="84"/>'),
  diamond: shape('<polygon points="50,2 98,50 50,98 2,50"/>'),
  triangle: shape('<polygon points="50,4 97,92 3,92"/>'),
  hexagon: shape('<polygon points="27,6 73,6 97,50 73,94 27,94 3,50"/>'),
  star: shape('<polygon points="50,2 62,36 98,37 69,59 80,95 50,74 20,95 31,59 2,37 38,36"/>'),
  roundrect: shape('<rect x="4" y="16" width="92" height="68" rx="20"/>'),
  pentagon: shape('<polygon points="50,3 97,38 79,95 21,95 3,38"/>'),
  octagon: shape('<polygon points="30,3 70,3 97,30 97,70 70,97 30,97 3,70 3,30"/>'),
  vee: shape('<polygon points="3,8 97,8 50,94"/>'),
};

/** The ten kinds in the order of the GraphQL NodeKind enum. */
export const KINDS = {
  POLICY: { zh: '政策', en: 'Policy', color: '#1f77b4', shape: 'square' },
  PROGRAM: { zh: '项目/平台', en: 'Program', color: '#ff7f0e', shape: 'roundrect' },
  ENTERPRISE: { zh: '企业', en: 'Enterprise', color: '#d62728', shape: 'circle' },
  ALLIANCE: { zh: '联盟', en: 'Alliance', color: '#9467bd', shape: 'hexagon' },
  TALENT_MEASURE: { zh: '人才措施', en: 'Talent measure', color: '#2ca02c', shape: 'star' },
  ORGANIZATION: { zh: '机构', en: 'Organization', color: '#8c564b', shape: 'pentagon' },
  PLACE: { zh: '地点', en: 'Place', color: '#17becf', shape: 'vee' },
  INDUSTRY: { zh: '产业', en: 'Industry', color: '#bcbd22', shape: 'diamond' },
  PERSON: { zh: '人物', en: 'Person', color: '#e377c2', shape: 'triangle' },
  DOCUMENT: { zh: '文件', en: 'Document', color: '#7f7f7f', shape: 'octagon' },
};

export const kindOf = (k) => KINDS[k] || { zh: k, en: k, color: '#999', shape: 'circle' };

/** Relationship types with Chinese labels, as read source → target. */
export const RELS = {
  ISSUED_BY: '发布机构',
  SUPPORTS: '支持',
  RECOGNIZES: '认定',
  ESTABLISHES: '设立',
  IMPLEMENTS: '落实',
  DERIVED_FROM: '依据',
  PART_OF: '属于',
  AMENDS: '修订',
  SUPERSEDES: '取代',
  MEMBER_OF: '成员',
  PARTICIPATES_IN: '参与',
  OPERATES: '运营',
  LOCATED_IN: '位于',
  IN_INDUSTRY: '所属产业',
  INVESTS_IN: '投资',
  TARGETS: '面向',
  INTRODUCED: '引进',
  PROPOSED_BY: '提案人',
  RESPONDS_TO: '答复',
  SIGNED_BY: '签发',
  MENTIONED_IN: '提及于',
};

export const relLabel = (t) => RELS[t] || t;

/** Property names with Chinese labels; unknown properties show their key. */
export const PROPS = {
  title: '标题', docNumber: '文号', policyType: '政策类型', level: '级别', issuedOn: '发布日期',
  effectiveFrom: '生效日期', effectiveTo: '失效日期', status: '状态', version: '版本',
  programType: '类型', startedOn: '启动日期', scope: '范围', legalName: '法定名称', industries: '产业',
  role: '角色', listed: '上市', foundedOn: '成立日期', memberCount: '成员数', category: '类别',
  eligibility: '申请条件', orgType: '机构类型', placeType: '地点类型', number: '编号', issuer: '发文单位',
  date: '日期', docType: '文件类型', result: '办理结果', sha256: 'SHA-256', path: '原文路径',
  description: '简介', stipInstruments: 'STIP 政策工具', stipTargetGroups: 'STIP 目标群体',
  asOf: '截至', since: '起', until: '止', note: '备注', year: '年份', aliases: '别名',
  method: '来源方式', confidence: '置信度', retracted: '已撤回', createdAt: '创建时间', updatedAt: '更新时间',
};

/** Units of figures: Chinese unit names; CNY is scaled to 万元/亿元. */
const UNITS = {
  USD: '美元', EUR: '欧元', HKD: '港元', JPY: '日元',
  person: '人', 'person-times': '人次', firm: '家', 'firm-times': '家次', household: '户', unit: '个',
  project: '个项目', item: '项', times: '次', multiple: '倍', percent: '%', 'percentage-point': '个百分点',
  year: '年', month: '个月', week: '周', day: '天', hour: '小时', minute: '分钟', m2: '平方米', mu: '亩', ha: '公顷',
};

const num = (v) => Number(v).toLocaleString('zh-CN', { maximumFractionDigits: 4 });

/** Formats a figure's value with its unit, e.g. 1.85 亿元, 超过 460 个, 10–40 万元. */
export function formatFigure(q) {
  const scale = (v) => {
    if (q.unit !== 'CNY') return { v, u: UNITS[q.unit] ?? q.unit };
    if (Math.abs(v) >= 1e8) return { v: v / 1e8, u: '亿元' };
    if (Math.abs(v) >= 1e4) return { v: v / 1e4, u: '万元' };
    return { v, u: '元' };
  };
  const qual = { '>': '超过 ', '>=': '不少于 ', '~': '约 ', '<=': '不超过 ', '<': '少于 ' }[q.qualifier || ''] || '';
  const sep = (u) => (u === '%' ? '' : ' ');
  if (q.min != null && q.max != null && q.min !== q.max) {
    const a = scale(q.min), b = scale(q.max);
    return `${qual}${num(a.v)}–${num(b.v)}${sep(b.u)}${b.u}`;
  }
  const s = scale(q.value);
  return `${qual}${num(s.v)}${sep(s.u)}${s.u}`;
}
