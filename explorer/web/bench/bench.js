// Benchmark of the candidate graph libraries on a 5,000-node view, run by bench/run.mjs in
// headless Chromium. The library is chosen by ?lib=cytoscape|cytoscape-webgl|sigma; results
// are put on window.benchResult.
import cytoscape from 'cytoscape';
import Graph from 'graphology';
import Sigma from 'sigma';

const params = new URLSearchParams(location.search);
const lib = params.get('lib') || 'cytoscape';
const N = Number(params.get('n') || 5000);
const E = Math.round(N * 1.5);
const KINDS = ['POLICY', 'PROGRAM', 'ENTERPRISE', 'ALLIANCE', 'TALENT_MEASURE', 'ORGANIZATION', 'PLACE', 'INDUSTRY', 'PERSON', 'DOCUMENT'];
const COLORS = ['#1f77b4', '#ff7f0e', '#d62728', '#9467bd', '#2ca02c', '#8c564b', '#17becf', '#bcbd22', '#e377c2', '#7f7f7f'];
const NAMES = '长宁区科技创新人才集聚发展规划矽睿科技上海金融产业政策联盟数字人民币试点人工智能智能传感器';

// Deterministic pseudo-random numbers, so every library draws the same graph.
let seed = 42;
const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);

function makeGraph() {
  const nodes = [];
  for (let i = 0; i < N; i++) {
    const k = Math.floor(rnd() * KINDS.length);
    let label = '';
    for (let j = 0; j < 4 + (i % 5); j++) label += NAMES[Math.floor(rnd() * NAMES.length)];
    // A clustered layout: 50 clusters on a circle, nodes scattered around their centre.
    const c = i % 50, a = (c / 50) * 2 * Math.PI, r = rnd() * 300, b = rnd() * 2 * Math.PI;
    nodes.push({ id: 'n' + i, kind: k, label, x: 3000 * Math.cos(a) + r * Math.cos(b), y: 3000 * Math.sin(a) + r * Math.sin(b) });
  }
  const edges = [];
  for (let i = 0; i < E; i++) {
    const s = Math.floor(rnd() * N);
    const t = rnd() < 0.8 ? (s + 50 * (1 + Math.floor(rnd() * 10))) % N : Math.floor(rnd() * N);
    if (s !== t) edges.push({ id: 'e' + i, source: 'n' + s, target: 'n' + t });
  }
  return { nodes, edges };
}

const frame = () => new Promise((r) => requestAnimationFrame(() => r()));

async function runCytoscape(g, webgl) {
  const t0 = performance.now();
  const cy = cytoscape({
    container: document.getElementById('stage'),
    elements: {
      nodes: g.nodes.map((n) => ({ data: { id: n.id, label: n.label, kind: n.kind }, position: { x: n.x, y: n.y } })),
      edges: g.edges.map((e) => ({ data: e })),
    },
    layout: { name: 'preset' },
    hideEdgesOnViewport: params.has('hide'),
    textureOnViewport: params.has('texture'),
    renderer: webgl ? { name: 'canvas', webgl: true } : { name: 'canvas' },
    style: [
      { selector: 'node', style: { label: 'data(label)', width: 20, height: 20, 'font-size': 10, 'min-zoomed-font-size': 8 } },
      ...COLORS.map((c, k) => ({ selector: `node[kind = ${k}]`, style: { 'background-color': c } })),
      { selector: 'edge', style: { width: 1, 'line-color': '#bbb', 'curve-style': 'haystack' } },
    ],
  });
  await frame();
  await frame();
  const firstRender = performance.now() - t0;
  const t1 = performance.now();
  const steps = 60;
  for (let i = 0; i < steps; i++) {
    cy.zoom({ level: 0.05 + (i % 30) * 0.02, renderedPosition: { x: 640, y: 400 } });
    cy.panBy({ x: 5, y: 3 });
    await frame();
  }
  const interact = (performance.now() - t1) / steps;
  return { firstRender, interact, cy };
}

async function runSigma(g) {
  const t0 = performance.now();
  const graph = new Graph({ multi: true });
  for (const n of g.nodes) graph.addNode(n.id, { label: n.label, x: n.x, y: n.y, size: 4, color: COLORS[n.kind] });
  for (const e of g.edges) graph.addEdgeWithKey(e.id, e.source, e.target, { size: 1, color: '#bbb' });
  const sigma = new Sigma(graph, document.getElementById('stage'), { renderLabels: true, labelRenderedSizeThreshold: 8 });
  await frame();
  await frame();
  const firstRender = performance.now() - t0;
  const t1 = performance.now();
  const steps = 60;
  const cam = sigma.getCamera();
  for (let i = 0; i < steps; i++) {
    cam.setState({ ratio: 1 / (0.05 + (i % 30) * 0.02) / 20, x: 0.5 + i * 0.001, y: 0.5 });
    await frame();
  }
  const interact = (performance.now() - t1) / steps;
  return { firstRender, interact, sigma };
}

(async () => {
  const g = makeGraph();
  await frame();
  const heap0 = performance.memory ? performance.memory.usedJSHeapSize : 0;
  const r = lib === 'sigma' ? await runSigma(g) : await runCytoscape(g, lib === 'cytoscape-webgl');
  const heap = performance.memory ? (performance.memory.usedJSHeapSize - heap0) / 1048576 : null;
  window.benchResult = { lib, nodes: g.nodes.length, edges: g.edges.length, firstRenderMs: r.firstRender, frameMs: r.interact, heapMB: heap };
})().catch((e) => { window.benchResult = { lib, error: String(e && e.stack || e) }; });
