// policygraph explorer: search, neighbourhoods, expansion, kind filters, details with typed
// properties, figures and sources, support paths, lineage, shortest paths and exports — all
// through the public GraphQL API (/graphql) and /export, as any frontend would.
import './style.css';
import * as api from './api.js';
import { GraphView } from './graph.js';
import { KINDS, SHAPES, PROPS, kindOf, relLabel, formatFigure } from './kinds.js';
import { openCalculator } from './calculator.js';
import { passageLabel } from './intake.js';

const $ = (sel) => document.querySelector(sel);
const el = (tag, attrs = {}, ...children) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v == null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) if (c != null && c !== false) e.append(c instanceof Node ? c : String(c));
  return e;
};
const swatch = (kind) => {
  const k = kindOf(kind);
  const s = el('span', { class: 'swatch', 'aria-hidden': 'true' });
  s.style.background = k.color;
  s.style.webkitMaskImage = s.style.maskImage = `url("${SHAPES[k.shape]}")`;
  return s;
};
/** Replaces an element's children, skipping null and false. */
const fill = (parent, ...children) => parent.replaceChildren(...children.flat().filter((c) => c != null && c !== false));
const badge = (kind) => el('span', { class: 'badge' }, swatch(kind), kindOf(kind).zh);

// ───────────────────────── state ─────────────────────────

const state = {
  mode: null, // 'neighborhood' | 'support' | 'whom' | 'lineage' | 'path'
  root: null, // id the view is about
  depth: 2,
  expanded: false, // the neighbourhood view was expanded by clicks
  pathFrom: null, // {id, name}
  pathTo: null,
  hiddenKinds: new Set(),
};

const view = new GraphView($('#graph'), {
  onNode: (id) => onNodeClick(id),
  onEdge: (id) => showEdge(id),
  onStage: () => { view.select(null); },
});
window.__explorer = { view, state }; // for the browser tests

// ───────────────────────── status ─────────────────────────

let busy = 0;
function status(msg, isError = false) {
  const s = $('#status');
  s.textContent = msg;
  s.classList.toggle('error', isError);
}
async function run(label, fn) {
  busy++;
  document.body.dataset.busy = 'true';
  status(label + '…');
  try {
    const r = await fn();
    summarize();
    return r;
  } catch (e) {
    if (e.name !== 'AbortError') status(`出错：${e.message}`, true);
    return undefined;
  } finally {
    if (--busy === 0) delete document.body.dataset.busy;
  }
}
function summarize(extra = '') {
  const g = view.graph;
  status(`${g.order} 个节点 · ${g.size} 条关系${extra ? ' · ' + extra : ''}`);
  $('#empty').hidden = g.order > 0;
  renderLegend();
  renderExportMenu();
}
function setMode(html) {
  const m = $('#mode');
  m.replaceChildren(...(html ? [html] : []));
  m.hidden = !html;
}

// ───────────────────────── legend and kind filter ─────────────────────────

function renderLegend() {
  const counts = view.kindsDrawn();
  const nav = $('#legend');
  nav.replaceChildren(...Object.keys(KINDS).map((kind) => {
    const on = !state.hiddenKinds.has(kind);
    const input = el('input', { type: 'checkbox', checked: on, 'data-kind': kind });
    input.addEventListener('change', () => {
      if (input.checked) state.hiddenKinds.delete(kind); else state.hiddenKinds.add(kind);
      view.setHiddenKinds(state.hiddenKinds);
      renderLegend();
    });
    return el('label', { class: on ? '' : 'off', title: `${KINDS[kind].en}：点击显示/隐藏` },
      input, swatch(kind), KINDS[kind].zh, el('span', { class: 'count' }, counts[kind] || 0));
  }));
}

// ───────────────────────── search with suggestions ─────────────────────────

const input = $('#search');
const list = $('#suggestions');
let hits = [];
let active = -1;
let searchAbort = null;
let searchTimer = null;

input.addEventListener('input', () => {
  clearTimeout(searchTimer);
  searchTimer = setTimeout(suggest, 150);
});
input.addEventListener('keydown', (e) => {
  if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
    if (!hits.length) return;
    e.preventDefault();
    active = (active + (e.key === 'ArrowDown' ? 1 : hits.length - 1)) % hits.length;
    renderSuggestions();
  } else if (e.key === 'Enter') {
    e.preventDefault();
    if (hits.length) pick(hits[Math.max(active, 0)].node);
    else suggest().then(() => hits.length && pick(hits[0].node));
  } else if (e.key === 'Escape') {
    closeSuggestions();
  }
});
input.addEventListener('blur', () => setTimeout(closeSuggestions, 150));

async function suggest() {
  const text = input.value.trim();
  if (searchAbort) searchAbort.abort();
  if (!text) { hits = []; closeSuggestions(); return; }
  searchAbort = new AbortController();
  try {
    hits = await api.search(text, searchAbort.signal);
    active = hits.length ? 0 : -1;
    renderSuggestions();
  } catch (e) {
    if (e.name !== 'AbortError') status(`搜索出错：${e.message}`, true);
  }
}

function renderSuggestions() {
  if (!hits.length) {
    list.replaceChildren(el('li', { class: 'none', 'aria-disabled': 'true' }, '没有找到'));
    list.hidden = false;
    return;
  }
  const text = input.value.trim();
  list.replaceChildren(...hits.map((h, i) => {
    const alias = h.node.aliases.find((a) => a.includes(text) && !h.node.name.includes(text));
    return el('li', { role: 'option', 'aria-selected': i === active ? 'true' : 'false', 'data-id': h.node.id,
      onmousedown: (e) => { e.preventDefault(); pick(h.node); } },
    swatch(h.node.kind), el('span', {}, h.node.name), el('span', { class: 'alias' }, alias ? `又名 ${alias}` : kindOf(h.node.kind).zh));
  }));
  list.hidden = false;
  input.setAttribute('aria-expanded', 'true');
}

function closeSuggestions() {
  list.hidden = true;
  input.setAttribute('aria-expanded', 'false');
}

function pick(node) {
  closeSuggestions();
  input.value = node.name;
  openNeighborhood(node.id);
}

// ───────────────────────── views ─────────────────────────

/** Replaces the view with the neighbourhood of id. */
async function openNeighborhood(id) {
  await run('加载邻居', async () => {
    const depth = Number($('#depth').value);
    const limit = depth === 1 ? 200 : 300; // within the API's complexity budget
    const g = await api.neighborhood(id, depth, limit);
    view.clear();
    view.add(g, { root: id });
    view.forceLayout();
    view.fit(false);
    Object.assign(state, { mode: 'neighborhood', root: id, depth, expanded: false });
    history.replaceState(null, '', '#id=' + encodeURIComponent(id));
    const root = g.nodes.find((n) => n.id === id);
    setMode(el('span', {}, '邻居：', el('b', {}, root ? root.label : id), ` · 深度 ${depth}`, g.truncated ? ' · 结果已截断' : ''));
    view.select(id);
    await showNode(id);
    summarize(g.truncated ? `已截断到 ${limit} 个节点` : '');
  });
}

/** Adds the direct neighbours of id to the view. */
async function expand(id) {
  await run('展开', async () => {
    const g = await api.neighborhood(id, 1, 100);
    const added = view.add(g);
    if (added.length) {
      view.forceLayout({ placeNear: id, newNodes: added, iterations: 60 });
      view.fit();
    }
    state.expanded = true;
    view.select(id);
    summarize(added.length ? `展开 ${view.node(id)?.label}：新增 ${added.length} 个节点` : `${view.node(id)?.label} 没有新的邻居`);
  });
}

function onNodeClick(id) {
  view.select(id);
  showNode(id);
  if (state.mode === 'neighborhood') expand(id);
}

/** Draws every support path from a policy to the enterprise (policies on top). */
async function whySupported(enterpriseId, onlyPolicy = null) {
  await run('查找支持路径', async () => {
    let paths = await api.policiesSupporting(enterpriseId);
    if (onlyPolicy) paths = paths.filter((p) => p.policy.id === onlyPolicy);
    drawPaths(paths, enterpriseId, 'support');
  });
}

/** Draws every path from the policy to the enterprises it supports. */
async function supportedBy(policyId) {
  await run('查找受支持企业', async () => {
    drawPaths(await api.enterprisesSupportedBy(policyId), policyId, 'whom');
  });
}

function drawPaths(paths, rootId, mode) {
  view.clear();
  // Rank: how far a node is from the enterprise end of its paths (support) or how close to
  // the policy (whom); the higher rank is drawn above, so policies are on top.
  const rank = new Map();
  for (const p of paths) {
    view.add(p.path, { root: rootId });
    const len = p.path.nodes.length;
    p.path.nodes.forEach((n, i) => {
      const r = mode === 'support' ? len - 1 - i : -i;
      rank.set(n.id, Math.max(rank.get(n.id) ?? -Infinity, r));
    });
  }
  view.layeredLayout((e, a, s, t) => ((rank.get(s) ?? 0) >= (rank.get(t) ?? 0) ? s : t));
  view.fit(false);
  Object.assign(state, { mode, root: rootId, expanded: false });
  renderPaths(paths, mode);
  view.select(rootId);
  summarize(`${paths.length} 条路径`);
}

function renderPaths(paths, mode) {
  const panel = $('#panel');
  const first = paths[0];
  const title = mode === 'support'
    ? `为什么 ${first ? first.enterprise.name : ''} 受到政策支持？`
    : `${first ? first.policy.name : ''} 支持哪些企业？`;
  setMode(el('span', {}, mode === 'support' ? '支持路径：政策 → 企业' : '受支持企业：政策 → 企业', ` · ${paths.length} 条`));
  const items = paths.map((p) => {
    const names = p.path.nodes.map((n) => n.label);
    const rels = p.path.edges.map((e) => relLabel(e.type));
    const chain = [];
    names.forEach((n, i) => { chain.push(el('b', {}, n)); if (i < rels.length) chain.push(` —${rels[i]}— `); });
    const div = el('div', { class: 'path', 'data-policy': p.policy.id, tabindex: '0' },
      el('div', {}, ...chain), el('div', { class: 'hops' }, `${p.hops} 跳 · 点击只看这条路径`));
    div.addEventListener('click', () => {
      const on = div.classList.toggle('on');
      panel.querySelectorAll('.path.on').forEach((d) => d !== div && d.classList.remove('on'));
      view.setFocus(on ? p.path.nodes.map((n) => n.id) : null);
    });
    return div;
  });
  fill(panel, 
    el('h2', {}, title),
    el('p', { class: 'hint' }, paths.length
      ? '每条路径从政策出发，经由项目、产业、措施等到达企业；每一步都有原文出处（点击图中的关系查看）。'
      : '没有找到 3 跳以内的支持路径。'),
    ...items,
  );
}

/** Lineage: where a policy or measure came from (UPSTREAM) or what came of it (DOWNSTREAM). */
async function traceLineage(id, direction) {
  await run('追溯沿革', async () => {
    const g = await api.lineage(id, direction);
    view.clear();
    view.add(g, { root: id });
    // Bases on top: an ESTABLISHES edge points down (policy → measure), the others point up.
    view.layeredLayout((e, a, s, t) => (a.relType === 'ESTABLISHES' ? s : t));
    view.fit(false);
    Object.assign(state, { mode: 'lineage', root: id, expanded: false });
    const name = g.nodes.find((n) => n.id === id)?.label || id;
    setMode(el('span', {}, `沿革（${{ UPSTREAM: '上游：来源', DOWNSTREAM: '下游：衍生', BOTH: '上下游' }[direction]}）：`, el('b', {}, name), ' · 依据在上'));
    view.select(id);
    await showNode(id);
    summarize(g.nodes.length <= 1 ? '没有沿革关系' : '');
  });
}

/** Shortest path between the two picked nodes. */
async function findPath() {
  const { pathFrom: a, pathTo: b } = state;
  if (!a || !b) return;
  await run('查找最短路径', async () => {
    const g = await api.shortestPath(a.id, b.id);
    if (!g) {
      status(`${a.name} 与 ${b.name} 之间 6 跳以内没有路径`, true);
      return;
    }
    view.clear();
    view.add(g, { root: a.id });
    view.lineLayout(g.nodes.map((n) => n.id));
    view.fit(false);
    Object.assign(state, { mode: 'path', root: a.id, expanded: false });
    setMode(el('span', {}, '最短路径：', el('b', {}, a.name), ' → ', el('b', {}, b.name), ` · ${g.edges.length} 跳`));
    view.select(b.id);
    await showNode(b.id);
    summarize();
  });
}

// ───────────────────────── side panel ─────────────────────────

function formatValue(key, v) {
  if (v == null) return '';
  if (typeof v === 'boolean') return v ? '是' : '否';
  if (typeof v === 'number') return el('span', { class: 'num' }, key === 'confidence' ? v.toFixed(2) : v.toLocaleString('zh-CN'));
  if (Array.isArray(v)) return el('span', { class: 'chips' }, ...v.map((x) => el('span', { class: 'chip' }, String(x))));
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

function propsTable(props, skip = []) {
  const keys = Object.keys(props || {}).filter((k) => !skip.includes(k) && props[k] != null && props[k] !== '')
    .sort((a, b) => (a in PROPS) === (b in PROPS) ? a.localeCompare(b) : (a in PROPS ? -1 : 1));
  if (!keys.length) return el('p', { class: 'hint' }, '无');
  return el('table', { class: 'props' }, el('tbody', {}, ...keys.map((k) =>
    el('tr', {}, el('th', { title: k }, PROPS[k] || k), el('td', { class: typeof props[k] === 'number' ? 'num' : '' }, formatValue(k, props[k]))))));
}

function sourceItem(s) {
  const doc = s.document ? s.document.name : s.documentId;
  return el('blockquote', { class: 'quote' },
    el('q', {}, s.quote || '（无摘录）'),
    el('div', { class: 'meta' }, `《${doc}》 ${passageLabel(s)} · 字符 ${s.start}–${s.end} · ${s.method}${s.confidence != null && s.confidence < 1 ? ` · 置信度 ${s.confidence.toFixed(2)}` : ''}`));
}

let detailsSeq = 0;
async function showNode(id) {
  const seq = ++detailsSeq;
  const n = await api.nodeDetails(id).catch((e) => { status(`出错：${e.message}`, true); return null; });
  if (seq !== detailsSeq) return; // a newer click won
  const panel = $('#panel');
  if (!n) {
    fill(panel, el('p', { class: 'hint' }, `找不到 ${id}`));
    return;
  }
  const actions = el('div', { class: 'actions' },
    el('button', { type: 'button', class: 'primary', onclick: () => openNeighborhood(n.id) }, '以此为中心'),
    state.mode === 'neighborhood' ? null : el('button', { type: 'button', onclick: () => expand(n.id) }, '展开邻居'),
    n.kind === 'ENTERPRISE' ? el('button', { type: 'button', 'data-action': 'why', onclick: () => whySupported(n.id) }, '为什么受支持？') : null,
    n.kind === 'POLICY' ? el('button', { type: 'button', 'data-action': 'whom', onclick: () => supportedBy(n.id) }, '支持哪些企业？') : null,
    el('button', { type: 'button', 'data-action': 'lineage-up', onclick: () => traceLineage(n.id, 'UPSTREAM') }, '沿革：来源'),
    el('button', { type: 'button', 'data-action': 'lineage-down', onclick: () => traceLineage(n.id, 'DOWNSTREAM') }, '沿革：衍生'),
    el('button', { type: 'button', 'data-action': 'path-from', onclick: () => { state.pathFrom = { id: n.id, name: n.name }; showNode(n.id); } }, '设为路径起点'),
    el('button', { type: 'button', 'data-action': 'path-to', disabled: !state.pathFrom || state.pathFrom.id === n.id,
      onclick: () => { state.pathTo = { id: n.id, name: n.name }; findPath(); } }, '到此的最短路径'),
  );
  const skip = ['description', 'stipInstruments', 'stipTargetGroups', 'aliases', 'method', 'confidence', 'retracted', 'createdAt', 'updatedAt', 'ingestedAt', 'ingestedBy'];
  fill(panel, 
    el('div', {}, badge(n.kind), n.retracted ? el('span', { class: 'chip' }, '已撤回') : null),
    el('h2', {}, n.name),
    el('div', { class: 'id' }, n.id),
    n.aliases.length ? el('div', { class: 'chips', style: 'margin-top:6px' }, ...n.aliases.map((a) => el('span', { class: 'chip' }, a))) : null,
    n.description ? el('p', {}, n.description) : null,
    actions,
    state.pathFrom ? el('div', { class: 'picked' }, `路径起点：${state.pathFrom.name}`) : null,
    el('h3', {}, '属性'),
    propsTable({ ...n.properties, method: n.method, confidence: n.confidence }, skip.filter((k) => k !== 'method' && k !== 'confidence')),
    ...(n.properties?.stipInstruments?.length || n.properties?.stipTargetGroups?.length
      ? [el('h3', {}, 'STIP 分类'), propsTable({ stipInstruments: n.properties.stipInstruments, stipTargetGroups: n.properties.stipTargetGroups })]
      : []),
    ...(n.quantities.length ? [el('h3', {}, `数据（${n.quantities.length}）`), ...n.quantities.map((q) =>
      el('div', { class: 'figure', 'data-testid': 'figure' },
        el('div', {}, el('span', { class: 'what' }, q.what), '：', el('span', { class: 'value' }, formatFigure(q))),
        el('div', { class: 'meta' }, [q.raw ? `原文“${q.raw}”` : null, q.asOf ? `截至 ${q.asOf}` : null].filter(Boolean).join(' · ')),
        ...q.sources.map(sourceItem)))] : []),
    el('h3', {}, `出处（${n.sources.length}）`),
    ...(n.sources.length ? n.sources.map(sourceItem) : [el('p', { class: 'hint' }, '无')]),
  );
}

async function showEdge(id) {
  const e = view.edge(id);
  if (!e) return;
  const s = view.node(e.source), t = view.node(e.target);
  view.select(null);
  const sources = el('div', {}, el('p', { class: 'hint' }, '加载出处…'));
  fill($('#panel'), 
    el('div', {}, el('span', { class: 'badge' }, e.relType)),
    el('h2', {}, `${s.label} —${relLabel(e.relType)}→ ${t.label}`),
    el('div', { class: 'id' }, e.id),
    el('div', { class: 'actions' },
      el('button', { type: 'button', onclick: () => { view.select(e.source); showNode(e.source); } }, `查看 ${s.label}`),
      el('button', { type: 'button', onclick: () => { view.select(e.target); showNode(e.target); } }, `查看 ${t.label}`)),
    el('h3', {}, '属性'),
    propsTable({ ...e.props, method: e.method, confidence: e.confidence }, ['createdAt', 'updatedAt']),
    el('h3', {}, '出处'),
    sources,
  );
  try {
    const srcs = await api.edgeSources({ id: e.id, source: e.source, type: e.relType }, t.label);
    sources.replaceChildren(...(srcs.length ? srcs.map(sourceItem) : [el('p', { class: 'hint' }, '无')]));
  } catch (err) {
    sources.replaceChildren(el('p', { class: 'hint' }, `出错：${err.message}`));
  }
}

async function showWelcome() {
  const panel = $('#panel');
  fill(panel, 
    el('h2', {}, '政策图谱浏览器'),
    el('p', { class: 'hint' }, '搜索名称打开它的邻居；点击节点展开并查看属性、数据与原文出处；点击关系查看依据。' +
      '企业可查“为什么受支持”，政策可追溯沿革，任意两点可找最短路径。上方图例可按类型筛选。'),
  );
  const d = await api.gql('{ stats { nodes relationships quantities documents byKind { kind count } } }').catch(() => null);
  if (!d) return;
  const s = d.stats;
  panel.append(
    el('h3', {}, '图谱概况'),
    propsTable({ 节点: s.nodes, 关系: s.relationships, 数据: s.quantities, 文件: s.documents }),
    el('div', { class: 'chips', style: 'margin-top:8px' }, ...s.byKind.filter((k) => k.count > 0)
      .map((k) => el('span', { class: 'chip' }, swatch(k.kind), ` ${kindOf(k.kind).zh} ${k.count}`))),
  );
}

// ───────────────────────── export ─────────────────────────

function download(name, text, type) {
  const a = el('a', { href: URL.createObjectURL(new Blob([text], { type })), download: name });
  document.body.append(a);
  a.click();
  setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
}

function renderExportMenu() {
  const body = $('#export-body');
  const link = (fmt, label, q) => el('a', { href: `/export?${new URLSearchParams({ format: fmt, ...q })}`, download: '' }, label);
  const items = [el('h4', {}, '当前视图（浏览器内生成）'),
    el('button', { type: 'button', disabled: view.graph.order === 0,
      onclick: () => download('policygraph-view.cyjs.json', JSON.stringify(view.toCytoscape(), null, 1), 'application/json') }, 'Cytoscape JSON'),
    el('button', { type: 'button', disabled: view.graph.order === 0,
      onclick: () => download('policygraph-view.graphology.json', JSON.stringify(view.graph.export()), 'application/json') }, 'graphology JSON')];
  if (state.root && state.mode === 'neighborhood') {
    const name = view.node(state.root)?.label || state.root;
    const q = { root: state.root, depth: String(state.depth) };
    items.push(el('h4', {}, `${name} 的邻居（深度 ${state.depth}，服务器导出${state.expanded ? '，不含展开部分' : ''}）`),
      link('graphml', 'GraphML', q), link('gexf', 'GEXF 1.3', q), link('csv', 'CSV (Neo4j 导入)', q), link('cytoscape', 'Cytoscape JSON', q));
  }
  items.push(el('h4', {}, '整个图谱'), link('graphml', 'GraphML', {}), link('gexf', 'GEXF 1.3', {}),
    link('csv', 'CSV (Neo4j 导入)', {}), link('bundle', '数据包 (YAML，备份/恢复)', {}));
  body.replaceChildren(...items);
}

// ───────────────────────── start ─────────────────────────

$('#fit').addEventListener('click', () => view.fit());
$('#calc').addEventListener('click', () => openCalculator($('#panel'),
  { el, fill, sourceItem, status, lineage: (id) => traceLineage(id, 'UPSTREAM') }));
$('#depth').addEventListener('change', () => { if (state.mode === 'neighborhood' && state.root) openNeighborhood(state.root); });
document.addEventListener('click', (e) => {
  const menu = $('#export');
  if (menu.open && !menu.contains(e.target)) menu.open = false;
});

renderLegend();
renderExportMenu();
summarize();
const start = new URLSearchParams(location.hash.slice(1)).get('id');
if (start) openNeighborhood(start); else showWelcome();
