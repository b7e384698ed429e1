// Runs the graph-library benchmark (build it first: npm run bench:build) in headless Debian
// Chromium and prints a Markdown table: time to the first rendered frame of a 5,000-node,
// 7,500-edge view with preset positions, the mean frame time while zooming and panning, and
// the JS heap the view took. Each library runs RUNS times in a fresh page; medians are shown.
//
//   node bench/run.mjs [--runs 5] [--n 5000]
import { chromium } from 'playwright-core';
import { createServer } from 'node:http';
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { tmpdir } from 'node:os';

const args = process.argv.slice(2);
const opt = (name, def) => { const i = args.indexOf('--' + name); return i >= 0 ? Number(args[i + 1]) : def; };
const RUNS = opt('runs', 5);
const N = opt('n', 5000);
const root = resolve(import.meta.dirname, '..', 'bench-dist');
const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css' };

const server = createServer(async (req, res) => {
  const path = new URL(req.url, 'http://x').pathname;
  try {
    const body = await readFile(join(root, path === '/' ? 'index.html' : path));
    res.writeHead(200, { 'Content-Type': types[extname(path)] || 'text/html; charset=utf-8' });
    res.end(body);
  } catch {
    res.writeHead(404).end();
  }
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}/`;

const userDataDir = await mkdtemp(join(tmpdir(), 'pg-bench-'));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  viewport: { width: 1280, height: 800 },
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--enable-unsafe-swiftshader', '--use-angle=swiftshader',
    '--enable-precise-memory-info'],
});

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const rows = [];
try {
  for (const lib of ['cytoscape', 'cytoscape-webgl', 'sigma']) {
    const runs = [];
    for (let i = 0; i < RUNS; i++) {
      const page = await context.newPage();
      const errors = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.goto(`${base}?lib=${lib}&n=${N}`);
      await page.waitForFunction(() => window.benchResult, null, { timeout: 120000 });
      const r = await page.evaluate(() => window.benchResult);
      await page.close();
      if (r.error || errors.length) throw new Error(`${lib}: ${r.error || errors.join('; ')}`);
      runs.push(r);
    }
    rows.push({
      lib, nodes: runs[0].nodes, edges: runs[0].edges,
      first: median(runs.map((r) => r.firstRenderMs)), frame: median(runs.map((r) => r.frameMs)),
      heap: median(runs.map((r) => r.heapMB ?? NaN)),
    });
  }
} finally {
  await context.close();
  server.close();
  await rm(userDataDir, { recursive: true, force: true });
}
console.log(`| library | nodes | edges | first frame (ms) | frame while zooming/panning (ms) | JS heap (MB) |`);
console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
for (const r of rows) {
  console.log(`| ${r.lib} | ${r.nodes} | ${r.edges} | ${r.first.toFixed(0)} | ${r.frame.toFixed(1)} | ${r.heap.toFixed(0)} |`);
}
console.log(`\nmedian of ${RUNS} runs each, headless Chromium (${process.env.CHROMIUM || '/usr/bin/chromium'}), 1280×800, software WebGL (SwiftShader)`);
