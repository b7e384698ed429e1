// The 政策计算器 panel in a real browser (headless Debian Chromium): fill a profile of a
// 博士 employed by a 高新技术企业 in 长宁区, see 博士直接落户 ELIGIBLE with the quotes of its
// met conditions, a 硕士 with half a year worked PARTIAL with 工作满一年 unmet, and jump from a
// match to the measure's lineage. Any console error or uncaught exception fails the test.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { baseURL, launch, outDir } from './lib.mjs';

let browser;
let page;
const problems = [];

before(async () => {
  browser = await launch();
  page = await browser.context.newPage();
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console.error: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`));
  page.on('response', (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`); });
});

after(async () => {
  await browser?.close();
});

const noProblems = (step) => assert.deepEqual(problems, [], `${step}: the page reported problems`);
const settled = () => page.waitForFunction(() => !document.body.dataset.busy, null, { timeout: 30000 });
const card = (measureId) => page.locator(`[data-testid="match"][data-measure="${measureId}"]`);

async function calculate() {
  await page.locator('#panel button[data-action="calculate"]').click();
  await page.locator('[data-testid="matches"] h3').waitFor({ timeout: 30000 });
  await settled();
}

test('policy calculator: profile, matches with quotes, lineage', async (t) => {
  await t.test('opens the calculator', async () => {
    const res = await page.goto(baseURL() + '/explore');
    assert.equal(res.status(), 200);
    await page.locator('#calc').click();
    await page.locator('#panel [data-testid="calculator"]').waitFor();
    assert.equal(await page.locator('#panel h2').textContent(), '政策计算器');
    noProblems('open');
  });

  await t.test('a 博士 at a 高新技术企业 in 长宁区 gets 博士直接落户 ELIGIBLE with its quote', async () => {
    const form = page.locator('#panel form');
    await form.locator('input[name="district"]').fill('长宁区');
    await form.locator('input[name="qualification"][value="高新技术企业"]').check();
    await form.locator('select[name="degree"]').selectOption('博士');
    await calculate();
    const phd = card('talentmeasure:博士直接落户');
    await phd.waitFor();
    assert.equal(await phd.getAttribute('data-status'), 'ELIGIBLE');
    assert.equal(await page.locator('[data-testid="match"]').first().getAttribute('data-measure'), 'talentmeasure:博士直接落户',
      'the one ELIGIBLE match is listed first');
    assert.equal(await phd.locator('[data-testid="check-unmet"]').count(), 0);
    assert.equal(await phd.locator('[data-testid="check-met"]').count(), 3, 'degree, qualification and district are met');
    const quotes = await phd.locator('[data-testid="check-met"] .quote q').allTextContents();
    assert.ok(quotes.includes('博士直接落户'), `the degree condition is quoted: ${JSON.stringify(quotes)}`);
    assert.match(await phd.locator('.quote .meta').first().textContent(), /《.+》 第 \d+ 段/);
    await page.screenshot({ path: join(outDir, 'calc-01-phd.png') });
    noProblems('phd');
  });

  await t.test('a 硕士 with half a year worked is PARTIAL with 工作满一年 unmet', async () => {
    const form = page.locator('#panel form');
    await form.locator('select[name="degree"]').selectOption('硕士');
    await form.locator('input[name="yearsWorked"]').fill('0.5');
    await calculate();
    const master = card('talentmeasure:硕士工作满一年落户');
    await master.waitFor();
    assert.equal(await master.getAttribute('data-status'), 'PARTIAL');
    const unmet = master.locator('[data-testid="check-unmet"]');
    assert.equal(await unmet.count(), 1);
    assert.match(await unmet.textContent(), /工作满一年/);
    assert.match(await unmet.textContent(), /所填：0\.5/);
    noProblems('master');
  });

  await t.test('a returned student sees the rent subsidy caps as benefits', async () => {
    const form = page.locator('#panel form');
    await form.locator('select[name="returnedFromAbroad"]').selectOption('true');
    await calculate();
    const rent = card('talentmeasure:留学生公寓租金补贴');
    await rent.waitFor();
    assert.equal(await rent.getAttribute('data-status'), 'ELIGIBLE');
    const benefits = (await rent.locator('[data-testid="benefit"]').allTextContents()).join(' | ');
    assert.match(benefits, /4\.5 万元/);
    assert.match(benefits, /12/);
    noProblems('returned student');
  });

  await t.test('a match opens the measure\'s lineage', async () => {
    await card('talentmeasure:博士直接落户').locator('button[data-action="match-lineage"]').click();
    await settled();
    await page.waitForFunction(() => window.__explorer.state.mode === 'lineage', null, { timeout: 30000 });
    const s = await page.evaluate(() => ({ root: window.__explorer.state.root, order: window.__explorer.view.graph.order }));
    assert.equal(s.root, 'talentmeasure:博士直接落户');
    assert.ok(s.order >= 2, `the lineage has ${s.order} nodes`);
    await page.screenshot({ path: join(outDir, 'calc-02-lineage.png') });
    noProblems('lineage');
  });
});
