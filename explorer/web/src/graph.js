// The drawing: a graphology graph rendered by sigma.js (WebGL), with kind colours and shapes,
// CJK labels, layouts (force-directed for neighbourhoods, top-down layers for lineage and
// support paths, a line for shortest paths), selection highlight and kind filtering.
import Graph from 'graphology';
import Sigma from 'sigma';
import { createNodeImageProgram } from '@sigma/node-image';
import forceAtlas2 from 'graphology-layout-forceatlas2';
import { KINDS, SHAPES, kindOf, relLabel } from './kinds.js';

/** The system CJK font stack used for every label. */
export const FONT = '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "WenQuanYi Zen Hei", "Hiragino Sans GB", sans-serif';

const NODE_SIZE = 9;
const ROOT_SIZE = 14;
const EDGE_COLOR = '#9aa5b1';
const FADED = '#e3e6ea';

const ShapeProgram = createNodeImageProgram({
  keepWithinCircle: false,
  drawingMode: 'color',
  size: { mode: 'force', value: 128 },
  correctCentering: true,
});

export class GraphView {
  /**
   * @param {HTMLElement} container
   * @param {{onNode?: (id: string) => void, onEdge?: (id: string) => void, onStage?: () => void}} handlers
   */
  constructor(container, handlers = {}) {
    this.graph = new Graph({ type: 'directed', multi: true });
    this.hiddenKinds = new Set();
    this.focus = null; // Set of node ids to keep bright, or null
    this.selected = null;
    this.renderer = new Sigma(this.graph, container, {
      defaultNodeType: 'shape',
      nodeProgramClasses: { shape: ShapeProgram },
      defaultEdgeType: 'arrow',
      renderEdgeLabels: true,
      enableEdgeEvents: true,
      labelFont: FONT,
      edgeLabelFont: FONT,
      labelSize: 13,
      edgeLabelSize: 11,
      labelWeight: '500',
      labelColor: { color: '#1d2733' },
      edgeLabelColor: { color: '#5b6875' },
      labelDensity: 3,
      labelGridCellSize: 60,
      labelRenderedSizeThreshold: 5,
      zIndex: true,
      stagePadding: 40,
      nodeReducer: (id, data) => this.#nodeReducer(id, data),
      edgeReducer: (id, data) => this.#edgeReducer(id, data),
    });
    this.renderer.on('clickNode', ({ node }) => handlers.onNode && handlers.onNode(node));
    this.renderer.on('clickEdge', ({ edge }) => handlers.onEdge && handlers.onEdge(edge));
    this.renderer.on('clickStage', () => handlers.onStage && handlers.onStage());
    this.renderer.on('enterNode', () => { container.style.cursor = 'pointer'; });
    this.renderer.on('leaveNode', () => { container.style.cursor = ''; });
    this.renderer.on('enterEdge', () => { container.style.cursor = 'pointer'; });
    this.renderer.on('leaveEdge', () => { container.style.cursor = ''; });
  }

  #nodeReducer(id, data) {
    const out = { ...data };
    if (this.hiddenKinds.has(data.kind)) out.hidden = true;
    if (this.focus && !this.focus.has(id)) {
      out.color = FADED;
      out.label = '';
      out.zIndex = 0;
    } else {
      out.zIndex = 1;
    }
    if (id === this.selected) {
      out.highlighted = true;
      out.zIndex = 2;
    }
    return out;
  }

  #edgeReducer(id, data) {
    const out = { ...data };
    const [s, t] = this.graph.extremities(id);
    if (this.hiddenKinds.has(this.graph.getNodeAttribute(s, 'kind')) || this.hiddenKinds.has(this.graph.getNodeAttribute(t, 'kind'))) {
      out.hidden = true;
    }
    if (this.focus && !(this.focus.has(s) && this.focus.has(t))) {
      out.color = FADED;
      out.label = '';
      out.zIndex = 0;
    } else {
      out.zIndex = 1;
    }
    // Edge labels only where they can be read: small views, or the selected node's edges.
    if (this.graph.size > 40 && !(this.selected && (s === this.selected || t === this.selected)) && !this.focus) out.label = '';
    return out;
  }

  /** Adds a GraphQL GraphView's nodes and edges (those not yet drawn); returns the new node ids. */
  add(view, { root = null } = {}) {
    const added = [];
    for (const n of view.nodes) {
      if (this.graph.hasNode(n.id)) {
        if (n.id === root) this.graph.setNodeAttribute(n.id, 'size', ROOT_SIZE);
        continue;
      }
      const k = kindOf(n.kind);
      this.graph.addNode(n.id, {
        label: n.label, kind: n.kind, props: n.properties || {}, x: 0, y: 0,
        size: n.id === root ? ROOT_SIZE : NODE_SIZE, color: k.color, image: SHAPES[k.shape],
      });
      added.push(n.id);
    }
    for (const e of view.edges) {
      if (this.graph.hasEdge(e.id) || !this.graph.hasNode(e.source) || !this.graph.hasNode(e.target)) continue;
      this.graph.addDirectedEdgeWithKey(e.id, e.source, e.target, {
        label: relLabel(e.type), relType: e.type, props: e.properties || {},
        method: e.method, confidence: e.confidence, size: 1.6, color: EDGE_COLOR,
      });
    }
    return added;
  }

  clear() {
    this.graph.clear();
    this.focus = null;
    this.selected = null;
  }

  /** Force-directed layout; nodes in `placeNear` start around that node, the others stay put. */
  forceLayout({ placeNear = null, newNodes = null, iterations = 200 } = {}) {
    const g = this.graph;
    const n = g.order;
    if (n === 0) return;
    if (placeNear && newNodes && g.hasNode(placeNear)) {
      const cx = g.getNodeAttribute(placeNear, 'x'), cy = g.getNodeAttribute(placeNear, 'y');
      newNodes.forEach((id, i) => {
        const a = (2 * Math.PI * i) / newNodes.length;
        g.mergeNodeAttributes(id, { x: cx + 5 * Math.cos(a), y: cy + 5 * Math.sin(a) });
      });
    } else {
      // Start on a circle (a deterministic, untangled start), the root in the middle.
      let i = 0;
      g.forEachNode((id, a) => {
        const t = (2 * Math.PI * i++) / n;
        g.mergeNodeAttributes(id, a.size === ROOT_SIZE ? { x: 0, y: 0 } : { x: 100 * Math.cos(t), y: 100 * Math.sin(t) });
      });
    }
    const settings = { ...forceAtlas2.inferSettings(g), barnesHutOptimize: n > 400, slowDown: 2, outboundAttractionDistribution: true };
    forceAtlas2.assign(g, { iterations: n > 1000 ? 60 : iterations, settings });
    this.#normalize();
    this.#separateLabels();
  }

  /**
   * Scales the layout so that one graph unit is about one screen pixel once fitted to the
   * canvas: the view is as large as the canvas, grown with the square root of the node count.
   */
  #normalize() {
    const g = this.graph;
    const { width, height } = this.renderer.getDimensions();
    let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
    g.forEachNode((_, a) => {
      minX = Math.min(minX, a.x); maxX = Math.max(maxX, a.x);
      minY = Math.min(minY, a.y); maxY = Math.max(maxY, a.y);
    });
    const grow = Math.max(1, Math.sqrt(g.order / 40));
    const sx = ((width || 900) * grow) / Math.max(maxX - minX, 1e-6);
    const sy = ((height || 650) * grow) / Math.max(maxY - minY, 1e-6);
    const k = Math.min(sx, sy);
    g.forEachNode((id, a) => g.mergeNodeAttributes(id, { x: (a.x - minX) * k, y: (a.y - minY) * k }));
  }

  /**
   * Pushes apart nodes whose labels would overlap: each node is a box as wide as its label
   * (13 px per CJK character) in the normalized units, and overlapping boxes are moved apart
   * along the axis where they overlap least. A few passes, O(n²) each; skipped for big views.
   */
  #separateLabels() {
    const g = this.graph;
    if (g.order > 500) return;
    const box = g.nodes().map((id) => ({ id, w: 24 + 13 * [...(g.getNodeAttribute(id, 'label') || '')].length, h: 26 }));
    for (let pass = 0; pass < 30; pass++) {
      let moved = false;
      for (let i = 0; i < box.length; i++) {
        for (let j = i + 1; j < box.length; j++) {
          const a = g.getNodeAttributes(box[i].id), b = g.getNodeAttributes(box[j].id);
          // Labels start at the node and extend to the right: compare [x, x+w] × [y-h/2, y+h/2].
          const ox = Math.min(a.x + box[i].w, b.x + box[j].w) - Math.max(a.x, b.x);
          const oy = Math.min(a.y + box[i].h / 2, b.y + box[j].h / 2) - Math.max(a.y - box[i].h / 2, b.y - box[j].h / 2);
          if (ox <= 0 || oy <= 0) continue;
          moved = true;
          if (oy < ox) {
            const d = (oy / 2 + 0.5) * (a.y <= b.y ? 1 : -1);
            g.setNodeAttribute(box[i].id, 'y', a.y - d);
            g.setNodeAttribute(box[j].id, 'y', b.y + d);
          } else {
            const d = (ox / 2 + 0.5) * (a.x <= b.x ? 1 : -1);
            g.setNodeAttribute(box[i].id, 'x', a.x - d);
            g.setNodeAttribute(box[j].id, 'x', b.x + d);
          }
        }
      }
      if (!moved) break;
    }
  }

  /**
   * Top-down layers: every edge goes from an upper node to a lower one, as upper(edge) says
   * (an id of one of the edge's ends). Layers are longest paths from the top; within a layer
   * nodes are ordered by the mean position of their upper neighbours.
   */
  layeredLayout(upper) {
    const g = this.graph;
    const layer = new Map(g.nodes().map((id) => [id, 0]));
    const links = [];
    g.forEachEdge((e, a, s, t) => {
      const up = upper(e, a, s, t);
      links.push(up === s ? [s, t] : [t, s]);
    });
    for (let round = 0; round < g.order; round++) { // longest path; bounded in case of cycles
      let changed = false;
      for (const [u, d] of links) {
        if (layer.get(d) < layer.get(u) + 1) {
          layer.set(d, layer.get(u) + 1);
          changed = true;
        }
      }
      if (!changed) break;
    }
    const rows = [];
    for (const [id, l] of layer) (rows[l] ||= []).push(id);
    const xOf = new Map();
    const labelWidth = (id) => 30 + 13 * [...(g.getNodeAttribute(id, 'label') || '')].length;
    rows.forEach((row, l) => {
      if (!row) return;
      if (l > 0) {
        const bary = (id) => {
          const ups = links.filter(([, d]) => d === id).map(([u]) => xOf.get(u)).filter((x) => x !== undefined);
          return ups.length ? ups.reduce((a, b) => a + b, 0) / ups.length : 0;
        };
        row.sort((a, b) => bary(a) - bary(b));
      }
      // Left to right, each node followed by its label, the row centred on 0.
      const widths = row.map(labelWidth);
      const total = widths.reduce((a, b) => a + b, 0);
      let x = -total / 2;
      row.forEach((id, i) => {
        xOf.set(id, x);
        g.mergeNodeAttributes(id, { x, y: -l * 120 });
        x += widths[i];
      });
    });
  }

  /** Lays the nodes on a line in the given order (a path). */
  lineLayout(order) {
    let x = 0;
    order.forEach((id, i) => {
      if (!this.graph.hasNode(id)) return;
      this.graph.mergeNodeAttributes(id, { x, y: (i % 2) * -60 });
      x += 60 + 13 * [...(this.graph.getNodeAttribute(id, 'label') || '')].length;
    });
  }

  /** Keeps only these node ids bright (null: all). */
  setFocus(ids) {
    this.focus = ids ? new Set(ids) : null;
    this.renderer.refresh();
  }

  select(id) {
    this.selected = id;
    this.renderer.refresh();
  }

  setHiddenKinds(kinds) {
    this.hiddenKinds = new Set(kinds);
    this.renderer.refresh();
  }

  /**
   * Fits the camera to the graph, labels included: sigma fits node positions only, and labels
   * extend to the right of their nodes, so the box is widened by the widest label at the scale
   * the fit will have.
   */
  fit(animate = true) {
    const g = this.graph;
    const r = this.renderer;
    if (g.order === 0) {
      r.setCustomBBox(null);
    } else {
      const { width, height } = r.getDimensions();
      const pad = r.getSetting('stagePadding') || 0;
      const cw = Math.max(width - 2 * pad, 50), ch = Math.max(height - 2 * pad, 50);
      let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
      g.forEachNode((_, a) => {
        x0 = Math.min(x0, a.x); x1 = Math.max(x1, a.x); y0 = Math.min(y0, a.y); y1 = Math.max(y1, a.y);
      });
      let bx1 = x1, by0 = y0, by1 = y1;
      for (let i = 0; i < 3; i++) {
        const k = Math.max((bx1 - x0) / cw, (by1 - by0) / ch, 1e-9); // graph units per pixel
        bx1 = x1;
        g.forEachNode((_, a) => { bx1 = Math.max(bx1, a.x + (a.size + 8 + 13 * [...(a.label || '')].length) * k); });
        by0 = y0 - 14 * k;
        by1 = y1 + 14 * k;
      }
      r.setCustomBBox({ x: [x0, bx1], y: [by0, by1] });
    }
    r.refresh();
    const cam = r.getCamera();
    if (animate) cam.animatedReset({ duration: 300 });
    else cam.setState({ x: 0.5, y: 0.5, ratio: 1, angle: 0 });
  }

  /** Counts of the drawn view by kind. */
  kindsDrawn() {
    const out = {};
    this.graph.forEachNode((_, a) => { out[a.kind] = (out[a.kind] || 0) + 1; });
    return out;
  }

  node(id) {
    return this.graph.hasNode(id) ? { id, ...this.graph.getNodeAttributes(id) } : null;
  }

  edge(id) {
    if (!this.graph.hasEdge(id)) return null;
    const [source, target] = this.graph.extremities(id);
    return { id, source, target, ...this.graph.getEdgeAttributes(id) };
  }

  /** The drawn view as Cytoscape.js elements JSON (what /export?format=cytoscape gives). */
  toCytoscape() {
    const nodes = [];
    const edges = [];
    this.graph.forEachNode((id, a) => nodes.push({ data: { ...a.props, id, label: a.label, kind: a.kind }, position: { x: a.x, y: -a.y } }));
    this.graph.forEachEdge((id, a, s, t) => edges.push({ data: { ...a.props, id, source: s, target: t, type: a.relType } }));
    return { nodes, edges };
  }

  /** Screen-space bounding box check used by tests: how many nodes are drawn in view. */
  visibleCount() {
    let n = 0;
    const { width, height } = this.renderer.getDimensions();
    this.graph.forEachNode((id) => {
      const d = this.renderer.getNodeDisplayData(id);
      if (!d || d.hidden) return;
      const p = this.renderer.framedGraphToViewport(d);
      if (p.x >= 0 && p.y >= 0 && p.x <= width && p.y <= height) n++;
    });
    return n;
  }
}

export { KINDS };
