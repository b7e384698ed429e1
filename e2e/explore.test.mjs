// The explorer page in a real browser (headless Debian Chromium): search 矽睿科技, see it and
// its neighbours drawn, click to expand, open the support paths of 上海金融科技有限公司, trace a
// lineage, find a shortest path, and check the narrow-screen layout. Screenshots go to
// test-output/e2e/. Any console error or uncaught exception fails the test, and so does a
// canvas with nothing drawn on it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { baseURL, launch, outDir } from './lib.mjs';

let browser;
let page;
const problems = []; // console errors and page errors, checked after every step

before(async () => {
  browser = await launch();
  page = await browser.context.newPage();
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console.error: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`));
  page.on('requestfailed', (r) => { if (!r.url().startsWith('data:') && !r.url().startsWith('blob:')) problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`); });
  page.on('response', (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`); });
});

after(async () => {
  await browser?.close();
});

function noProblems(step) {
  assert.deepEqual(problems, [], `${step}: the page reported problems`);
}

async function shot(name) {
  await page.screenshot({ path: join(outDir, name) });
}

/** Waits until the page has no request in flight and the drawing has settled. */
async function settled() {
  await page.waitForFunction(() => !document.body.dataset.busy, null, { timeout: 30000 });
  await page.waitForTimeout(600); // sigma's animated camera and image textures
}

/**
 * Counts the pixels of the graph area that differ from its white background, from a real
 * screenshot (the WebGL canvas itself cannot be read back).
 */
async function inkedPixels() {
  const png = await page.locator('#graph').screenshot();
  return page.evaluate(async (b64) => {
    const blob = await (await fetch('data:image/png;base64,' + b64)).blob();
    const img = await createImageBitmap(blob);
    const c = new OffscreenCanvas(img.width, img.height);
    const ctx = c.getContext('2d');
    ctx.drawImage(img, 0, 0);
    const d = ctx.getImageData(0, 0, img.width, img.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] < 235 || d[i + 1] < 235 || d[i + 2] < 235) n++;
    return n;
  }, png.toString('base64'));
}

async function assertDrawn(step, minNodes) {
  const ink = await inkedPixels();
  assert.ok(ink > 2000, `${step}: the graph canvas is (nearly) empty: ${ink} inked pixels`);
  const visible = await page.evaluate(() => window.__explorer.view.visibleCount());
  assert.ok(visible >= minNodes, `${step}: ${visible} nodes drawn in view, want at least ${minNodes}`);
}

async function searchAndPick(text, id) {
  const input = page.locator('#search');
  await input.fill('');
  await input.pressSequentially(text, { delay: 30 });
  const option = page.locator(`#suggestions li[data-id="${id}"]`);
  await option.waitFor({ state: 'visible', timeout: 15000 });
  return option;
}

test('explorer: search, neighbourhood, expand, support paths, lineage, shortest path', async (t) => {
  await t.test('opens /explore', async () => {
    const res = await page.goto(baseURL() + '/explore');
    assert.equal(res.status(), 200);
    await page.locator('#legend label').first().waitFor();
    assert.equal(await page.locator('#legend label').count(), 10, 'a legend entry per kind');
    await page.locator('#panel h3').first().waitFor({ timeout: 15000 }); // graph overview from stats
    await shot('01-start.png');
    noProblems('open');
  });

  await t.test('searches 矽睿科技 with suggestions and draws it with its neighbours', async () => {
    const option = await searchAndPick('矽睿', 'enterprise:矽睿科技');
    assert.match(await option.textContent(), /矽睿科技/);
    await shot('02-suggestions.png');
    await option.click();
    await settled();
    const g = await page.evaluate(() => {
      const { view } = window.__explorer;
      return { has: view.graph.hasNode('enterprise:矽睿科技'), degree: view.graph.hasNode('enterprise:矽睿科技') ? view.graph.degree('enterprise:矽睿科技') : 0, order: view.graph.order };
    });
    assert.ok(g.has, 'the searched node is drawn');
    assert.ok(g.degree >= 1, `at least one neighbour is drawn (degree ${g.degree}, ${g.order} nodes)`);
    await assertDrawn('neighbourhood', 2);
    await page.locator('#panel h2', { hasText: '矽睿科技' }).waitFor();
    await page.locator('#panel .quote').first().waitFor(); // a source quote with its document
    assert.match(await page.locator('#panel .quote .meta').first().textContent(), /《.+》 第 \d+ 段/);
    await shot('03-neighbourhood.png');
    noProblems('neighbourhood');
  });

  await t.test('clicking a node expands it', async () => {
    // 人工智能 (an industry two hops out) has neighbours not drawn yet at depth 1.
    await page.selectOption('#depth', '1');
    await settled();
    const before = await page.evaluate(() => window.__explorer.view.graph.order);
    const target = 'industry:人工智能';
    const pos = await page.evaluate((id) => {
      const { view } = window.__explorer;
      if (!view.graph.hasNode(id)) return null;
      const d = view.renderer.getNodeDisplayData(id);
      const p = view.renderer.framedGraphToViewport(d);
      const r = document.querySelector('#graph').getBoundingClientRect();
      return { x: r.left + p.x, y: r.top + p.y };
    }, target);
    assert.ok(pos, `${target} is drawn next to 矽睿科技`);
    await page.mouse.click(pos.x, pos.y);
    await page.waitForFunction((n) => window.__explorer.view.graph.order > n, before, { timeout: 15000 });
    await settled();
    const after = await page.evaluate(() => window.__explorer.view.graph.order);
    assert.ok(after > before, `expanding added nodes (${before} → ${after})`);
    await page.locator('#panel h2', { hasText: '人工智能' }).waitFor();
    await assertDrawn('expanded', 3);
    await shot('04-expanded.png');
    noProblems('expand');
  });

  await t.test('filters by kind', async () => {
    const visible = () => page.evaluate(() => window.__explorer.view.visibleCount());
    const all = await visible();
    await page.locator('#legend label', { hasText: '企业' }).click();
    const fewer = await visible();
    assert.ok(fewer < all, `hiding enterprises hides nodes (${all} → ${fewer})`);
    await page.locator('#legend label', { hasText: '企业' }).click();
    assert.equal(await visible(), all);
    noProblems('filter');
  });

  await t.test('shows why 上海金融科技有限公司 is supported (support paths)', async () => {
    const option = await searchAndPick('上海金融科技', 'enterprise:上海金融科技有限公司');
    await option.click();
    await settled();
    await page.locator('#panel button[data-action="why"]').click();
    await settled();
    const paths = page.locator('#panel .path');
    await paths.first().waitFor({ timeout: 15000 });
    assert.ok(await paths.count() >= 1, 'at least one support path is listed');
    assert.match(await page.locator('#panel').textContent(), /长宁区支持金融服务业发展和金融科技创新的实施办法/);
    const mode = await page.evaluate(() => window.__explorer.state.mode);
    assert.equal(mode, 'support');
    await assertDrawn('support paths', 2);
    await shot('05-support-paths.png');
    await paths.first().click(); // focus one path
    await page.waitForTimeout(300);
    await shot('06-support-path-focused.png');
    noProblems('support paths');
  });

  await t.test('traces the lineage of a measure top-down', async () => {
    const option = await searchAndPick('博士直接落户', 'talentmeasure:博士直接落户');
    await option.click();
    await settled();
    await page.locator('#panel button[data-action="lineage-up"]').click();
    await settled();
    const layers = await page.evaluate(() => {
      const { view } = window.__explorer;
      const y = (id) => view.graph.getNodeAttribute(id, 'y');
      return { order: view.graph.order, root: y('talentmeasure:博士直接落户'), basis: view.graph.hasNode('policy:长宁区关于加快推进科技创新人才集聚区建设的若干意见') ? y('policy:长宁区关于加快推进科技创新人才集聚区建设的若干意见') : null };
    });
    assert.ok(layers.order >= 2, 'the lineage has more than the measure');
    assert.ok(layers.basis !== null && layers.basis > layers.root, 'the policy it derives from is drawn above it');
    await assertDrawn('lineage', 2);
    await shot('07-lineage.png');
    noProblems('lineage');
  });

  await t.test('finds the shortest path between two picked nodes', async () => {
    const from = await searchAndPick('矽睿科技', 'enterprise:矽睿科技');
    await from.click();
    await settled();
    await page.locator('#panel button[data-action="path-from"]').click();
    await page.locator('#panel .picked').waitFor();
    const to = await searchAndPick('上海金融科技', 'enterprise:上海金融科技有限公司');
    await to.click();
    await settled();
    await page.locator('#panel button[data-action="path-to"]').click();
    await settled();
    const s = await page.evaluate(() => ({ mode: window.__explorer.state.mode, order: window.__explorer.view.graph.order }));
    assert.equal(s.mode, 'path');
    assert.ok(s.order >= 3, `the path has ${s.order} nodes`);
    await assertDrawn('shortest path', 3);
    await shot('08-shortest-path.png');
    noProblems('shortest path');
  });

  await t.test('offers exports of the view', async () => {
    await page.locator('#export summary').click();
    const links = page.locator('#export-body a');
    assert.ok(await links.count() >= 4);
    const href = await links.first().getAttribute('href');
    const res = await page.request.get(baseURL() + href);
    assert.equal(res.status(), 200, `GET ${href}`);
    await shot('09-export-menu.png');
    await page.locator('#export summary').click();
    noProblems('export');
  });

  await t.test('works on a narrow screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    const option = await searchAndPick('矽睿科技', 'enterprise:矽睿科技');
    await option.click();
    await settled();
    await assertDrawn('narrow', 2);
    const panel = await page.locator('#panel').boundingBox();
    const graph = await page.locator('#graph').boundingBox();
    assert.ok(panel.y >= graph.y + graph.height - 1, 'the panel sits below the graph on a narrow screen');
    assert.ok(graph.width <= 390 && graph.width > 300, `graph width ${graph.width}`);
    await shot('10-narrow.png');
    await page.setViewportSize({ width: 1280, height: 800 });
    noProblems('narrow');
  });
});
