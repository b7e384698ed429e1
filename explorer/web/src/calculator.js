// 政策计算器 (policy calculator): a profile of an enterprise and of a person working there,
// checked against every measure's eligibility conditions by matchPolicies. Each match shows
// its status, what it gives (its caps and ranges), and the conditions met, not met and not
// known, each with the passage that states it; a match opens the measure's lineage.
import { gql } from './api.js';
import { formatFigure } from './kinds.js';
import { PLACE_FIELDS } from './intake.js';

const SOURCE = `documentId document { id name } ${PLACE_FIELDS} start end quote method confidence`;
const CHECK = `condition { id appliesTo attribute operator values unit text } given sources { ${SOURCE} }`;
const MATCH = `query Match($e: EnterpriseProfile, $p: PersonProfile, $id: ID, $first: Int) {
  matchPolicies(enterprise: $e, person: $p, enterpriseId: $id, first: $first) {
    measure { id kind name } policy { id name } status
    met { ${CHECK} } unmet { ${CHECK} } unknown { ${CHECK} }
    benefits { what value unit min max qualifier raw }
  }
}`;

/** Runs matchPolicies for the profile read from the form. */
export const matchPolicies = (vars) => gql(MATCH, { first: 30, ...vars }).then((d) => d.matchPolicies);

export const QUALIFICATIONS = ['高新技术企业', '专精特新', '科技型中小企业'];
const STATUS = { ELIGIBLE: '符合', PARTIAL: '部分符合', UNKNOWN: '待核实' };
const ATTRS = {
  district: '所在区', industry: '行业', qualification: '资质', ownership: '所有制', employees: '员工人数',
  revenue: '营业收入', rdShare: '研发投入占比', foundedOn: '成立日期', degree: '学历', yearsWorked: '工作年限',
  age: '年龄', returnedFromAbroad: '留学回国', talentTitle: '人才称号', criterion: '评审条件',
};

const list = (s) => s.split(/[,，、\s]+/).map((x) => x.trim()).filter(Boolean);
const num = (s) => (s.trim() === '' ? null : Number(s));

/**
 * Reads the form into matchPolicies variables: a field left empty is not sent, so its
 * conditions stay UNKNOWN (never guessed); a checked qualification list is the whole truth
 * only when something was ticked or typed.
 */
export function profileOf(form) {
  const v = (name) => form.elements[name].value;
  const e = {};
  const p = {};
  if (v('district').trim()) e.district = v('district').trim();
  if (list(v('industries')).length) e.industries = list(v('industries'));
  const quals = [...form.querySelectorAll('input[name="qualification"]:checked')].map((i) => i.value).concat(list(v('otherQualifications')));
  if (quals.length) e.qualifications = quals;
  if (v('ownership').trim()) e.ownership = v('ownership').trim();
  for (const [k, name, int] of [['employees', 'employees', true], ['revenueCNY', 'revenueCNY', false]]) {
    const n = num(v(name));
    if (n != null && Number.isFinite(n)) e[k] = int ? Math.round(n) : n;
  }
  if (v('foundedOn').trim()) e.foundedOn = v('foundedOn').trim();
  if (v('degree')) p.degree = v('degree');
  const yw = num(v('yearsWorked'));
  if (yw != null && Number.isFinite(yw)) p.yearsWorked = yw;
  const age = num(v('age'));
  if (age != null && Number.isFinite(age)) p.age = Math.round(age);
  if (v('returnedFromAbroad')) p.returnedFromAbroad = v('returnedFromAbroad') === 'true';
  if (list(v('talentTitles')).length) p.talentTitles = list(v('talentTitles'));
  const vars = {};
  if (Object.keys(e).length) vars.e = e;
  if (Object.keys(p).length) vars.p = p;
  if (v('enterpriseId').trim()) vars.id = v('enterpriseId').trim();
  return vars;
}

/**
 * Opens the calculator in panel. ui holds the page's helpers: el, fill, sourceItem (a
 * quoted passage), lineage(id) (draws a measure's lineage) and status(msg, isError).
 */
export function openCalculator(panel, ui) {
  const { el, fill } = ui;
  const field = (label, input) => el('label', { class: 'field' }, el('span', {}, label), input);
  const text = (name, placeholder = '') => el('input', { name, type: 'text', placeholder, autocomplete: 'off' });
  const number = (name, step = 'any') => el('input', { name, type: 'number', min: '0', step });
  const form = el('form', { class: 'calc', 'data-testid': 'calculator' },
    el('fieldset', {}, el('legend', {}, '企业'),
      field('企业 ID（从图谱读取）', text('enterpriseId', '如 enterprise:矽睿科技')),
      field('所在区', text('district', '如 长宁区')),
      field('行业', text('industries', '如 人工智能，区块链')),
      el('div', { class: 'field' }, el('span', {}, '资质'), el('div', { class: 'checks' },
        ...QUALIFICATIONS.map((q) => el('label', {}, el('input', { type: 'checkbox', name: 'qualification', value: q }), q)))),
      field('其他资质', text('otherQualifications')),
      field('所有制', text('ownership', '民营、国有、外资…')),
      field('员工人数', number('employees', '1')),
      field('营业收入（元）', number('revenueCNY')),
      field('成立日期', text('foundedOn', 'YYYY-MM-DD'))),
    el('fieldset', {}, el('legend', {}, '人才'),
      field('学历', el('select', { name: 'degree' }, el('option', { value: '' }, '未填'),
        ...['大专', '本科', '硕士', '博士'].map((d) => el('option', { value: d }, d)))),
      field('工作年限（年）', number('yearsWorked', '0.5')),
      field('年龄', number('age', '1')),
      field('留学回国', el('select', { name: 'returnedFromAbroad' }, el('option', { value: '' }, '未填'),
        el('option', { value: 'true' }, '是'), el('option', { value: 'false' }, '否'))),
      field('人才称号', text('talentTitles', '如 高层次人才'))),
    el('div', { class: 'actions' }, el('button', { type: 'submit', class: 'primary', 'data-action': 'calculate' }, '匹配政策')),
  );
  const results = el('div', { class: 'matches', 'data-testid': 'matches' });
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    results.replaceChildren(el('p', { class: 'hint' }, '匹配中…'));
    document.body.dataset.busy = '1';
    try {
      const matches = await matchPolicies(profileOf(form));
      fill(results, el('h3', {}, `匹配结果（${matches.length}）`),
        matches.length ? matches.map((m) => matchCard(m, ui)) : el('p', { class: 'hint' }, '没有可能适用的措施。'));
      results.scrollIntoView({ block: 'start' });
      ui.status(`找到 ${matches.length} 项可能适用的措施，${matches.filter((m) => m.status === 'ELIGIBLE').length} 项完全符合`);
    } catch (e) {
      results.replaceChildren(el('p', { class: 'hint' }, `出错：${e.message}`));
      ui.status(`出错：${e.message}`, true);
    } finally {
      delete document.body.dataset.busy;
    }
  });
  fill(panel,
    el('h2', {}, '政策计算器'),
    el('p', { class: 'hint' }, '填写企业与人才情况（未填的项目视为未知，不作猜测），查看哪些措施适用、给予什么、还有哪些条件未满足；每个条件都附原文出处。'),
    form, results);
}

function matchCard(m, ui) {
  const { el } = ui;
  const checks = (title, cls, list) => (list.length
    ? [el('h4', { class: cls }, `${title}（${list.length}）`), ...list.map((c) => checkItem(c, cls, ui))]
    : []);
  return el('div', { class: `match ${m.status.toLowerCase()}`, 'data-testid': 'match', 'data-measure': m.measure.id, 'data-status': m.status },
    el('div', { class: 'head' },
      el('span', { class: `status ${m.status.toLowerCase()}` }, STATUS[m.status] || m.status),
      el('b', { class: 'name' }, m.measure.name)),
    m.policy ? el('div', { class: 'meta' }, `出自《${m.policy.name}》`) : null,
    m.benefits.length ? el('div', { class: 'benefits' }, '给予：',
      ...m.benefits.map((b) => el('span', { class: 'chip', 'data-testid': 'benefit' }, `${b.what} ${formatFigure(b)}`))) : null,
    ...checks('已满足', 'met', m.met),
    ...checks('未满足', 'unmet', m.unmet),
    ...checks('待核实', 'unknown', m.unknown),
    el('div', { class: 'actions' },
      el('button', { type: 'button', 'data-action': 'match-lineage', onclick: () => ui.lineage(m.measure.id) }, '查看沿革')),
  );
}

function checkItem(c, cls, { el, sourceItem }) {
  const cond = c.condition;
  const what = `${ATTRS[cond.attribute] || cond.attribute}：${cond.text}`;
  return el('div', { class: `check ${cls}`, 'data-testid': `check-${cls}` },
    el('div', {}, what, c.given != null ? el('span', { class: 'given' }, `（所填：${c.given}）`) : null),
    ...c.sources.map(sourceItem));
}
