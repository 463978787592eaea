// The drafting assistant (issue 16, item 6; run by web/tests/e2e.mjs on the real data). What the
// page shows is checked against the API's own answers, fetched here for the same bodies:
// - without a stored classifier, the page says to run `openupr classify train` (the API's 409);
//   the suite then trains it into the served database (`openupr classify train`) and goes on;
// - /draft?text=...&sur=LKA: the predicted action category (label, name, score), themes and
//   SDG goals as POST /api/v1/classify's; the advice for the category; the specific asks
//   (action 5) like the draft, the similar recommendations to Sri Lanka and to any state as
//   POST /api/v1/similar's, in its order, with their scores, and how Sri Lanka answered them;
// - a reload of the link shows the same analysis; a draft typed with a state named in another
//   language and Ctrl+Enter analyses it and writes it into the URL;
// - an empty draft shows the API's 400 in words, an unknown state is said so, no script error;
// - in Arabic, right to left with the labels translated; no sideways scrolling at 375 px.

import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const i18n = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'i18n');
const strings = (l) => JSON.parse(readFileSync(join(i18n, `${l}.json`), 'utf8'));

const DRAFT = 'Consider ratifying the Convention against Torture';

export async function run({ check, assert, page, base, shot, noError, binary, dataDir, db }) {
  const en = strings('en');
  const ar = strings('ar');
  const post = async (path, body) => {
    const res = await fetch(base + path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, json: await res.json() };
  };
  const ok = async (path, body) => {
    const r = await post(path, body);
    assert(r.status === 200, `${path} ${JSON.stringify(body)}: HTTP ${r.status} ${JSON.stringify(r.json)}`);
    return r.json;
  };
  const settled = async () => {
    await page.locator('h1').first().waitFor();
    await page.waitForFunction(() => !document.querySelector('main[aria-busy], .loading'));
  };
  const link = (text, sur) => `/draft?${new URLSearchParams({ text, ...(sur ? { sur } : {}) }).toString()}`;
  const uids = (sel) => page.locator(`${sel} > li`).evaluateAll((lis) => lis.map((li) => li.dataset.uid));

  // What the page shows of an analysis, read from the page.
  const shown = async () => ({
    action: await page.locator('#draft-action').getAttribute('data-label'),
    themes: await page.locator('#draft-themes li').evaluateAll((lis) => lis.map((li) => li.dataset.label)),
    sdgs: await page.locator('#draft-sdgs li').evaluateAll((lis) => lis.map((li) => li.dataset.label)),
    sur: await uids('#draft-similar-sur'),
    all: await uids('#draft-similar-all'),
    examples: await uids('#draft-examples'),
  });

  // Checks the page's analysis of text (to sur) against the API's answers for the same bodies.
  const sameAsApi = async (text, sur) => {
    const p = await ok('/api/v1/classify', { text });
    const page_ = await shown();
    assert(page_.action === String(p.action.label), `action ${page_.action}, API ${p.action.label}`);
    const value = await page.locator('#draft-action-value').innerText();
    assert(value === `${p.action.label} — ${en[`action.${p.action.label}`]}`, `action shown as "${value}"`);
    const score = await page.locator('#draft-action-score').innerText();
    assert(score.includes(p.action.score.toFixed(2)), `action score "${score}", API ${p.action.score}`);
    assert(JSON.stringify(page_.themes) === JSON.stringify(p.themes.map((x) => x.label)), `themes ${page_.themes} vs ${p.themes.map((x) => x.label)}`);
    const themeText = await page.locator('#draft-themes li').allInnerTexts();
    p.themes.forEach((x, i) => assert(themeText[i].includes(x.label) && themeText[i].includes(x.score.toFixed(2)), `theme ${i}: "${themeText[i]}" vs ${x.label} ${x.score}`));
    assert(JSON.stringify(page_.sdgs) === JSON.stringify(p.sdgs.map((x) => x.label)), `goals ${page_.sdgs} vs ${p.sdgs.map((x) => x.label)}`);
    const sdgText = await page.locator('#draft-sdgs li').allInnerTexts();
    p.sdgs.forEach((x, i) => assert(sdgText[i].includes(`SDG ${x.label}: ${en[`sdg.${x.label}`]}`) && sdgText[i].includes(x.score.toFixed(2)), `goal ${i}: "${sdgText[i]}"`));

    const all = await ok('/api/v1/similar', { text, limit: 5 });
    assert(all.hits.length > 0, 'no similar recommendation in the record');
    assert(JSON.stringify(page_.all) === JSON.stringify(all.hits.map((x) => x.uid)), `to any state: ${page_.all} vs ${all.hits.map((x) => x.uid)}`);
    const scores = await page.locator('#draft-similar-all .badge-score').allInnerTexts();
    all.hits.forEach((x, i) => assert(scores[i].includes(x.score.toFixed(2)), `score ${i}: ${scores[i]} vs ${x.score}`));
    const links = await page.locator('#draft-similar-all a.result-title').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    all.hits.forEach((x, i) => assert(links[i] === `/recommendations/${x.uid}`, `link ${i}: ${links[i]}`));

    const to = await ok('/api/v1/similar', { text, sur, limit: 5 });
    assert(to.hits.length > 0 && to.hits.every((x) => x.sur === sur), `hits to ${sur}: ${to.hits.map((x) => x.sur)}`);
    assert(JSON.stringify(page_.sur) === JSON.stringify(to.hits.map((x) => x.uid)), `to ${sur}: ${page_.sur} vs ${to.hits.map((x) => x.uid)}`);
    const supported = to.hits.filter((x) => x.response === 'supported').length;
    const noted = to.hits.filter((x) => x.response === 'noted').length;
    const name = (await (await fetch(`${base}/api/v1/states/${sur}`)).json()).name;
    const sentence = await page.locator('#draft-sur-answered').innerText();
    const want = en['draft.answered'].replace('{state}', name).replace('{supported}', supported).replace('{n}', to.hits.length).replace('{noted}', noted);
    assert(sentence === want, `"${sentence}", expected "${want}"`);
    // Every hit shows its response and its session with the year.
    const badges = await page.locator('#draft-similar-sur > li').evaluateAll((lis) => lis.map((li) => [li.querySelector('.badge-response')?.textContent, li.querySelector('.badge-session')?.textContent]));
    to.hits.forEach((x, i) => {
      assert(badges[i][0] === en[`response.${x.response}`], `response ${i}: ${badges[i][0]} vs ${x.response}`);
      assert(new RegExp(`^Session ${x.session} · \\d{4}`).test(badges[i][1]), `session ${i}: ${badges[i][1]}`);
    });

    if (p.action.label < 5) {
      const advice = await page.locator('#draft-advice').innerText();
      assert(advice === en[`draft.advice.${p.action.label}`], `advice "${advice}"`);
      const ex = await ok('/api/v1/similar', { text, action: '5', limit: 3 });
      assert(ex.hits.length > 0 && ex.hits.every((x) => x.action === 5), `examples' actions: ${ex.hits.map((x) => x.action)}`);
      assert(JSON.stringify(page_.examples) === JSON.stringify(ex.hits.map((x) => x.uid)), `examples ${page_.examples} vs ${ex.hits.map((x) => x.uid)}`);
      const actions = await page.locator('#draft-examples .badge-action').evaluateAll((bs) => bs.map((b) => b.className));
      assert(actions.length === ex.hits.length && actions.every((c) => c.includes('badge-action-5')), `examples' badges: ${actions}`);
    } else {
      assert(page_.examples.length === 0, 'examples shown for a specific ask');
    }
    return { p, page: page_ };
  };

  await check('draft: without a stored classifier the page says how to train one', async () => {
    const r = await post('/api/v1/classify', { text: DRAFT });
    assert(r.status === 409, `classify before training: HTTP ${r.status}`);
    await page.goto(base + link(DRAFT, 'LKA'));
    await settled();
    await page.waitForSelector('#draft-no-model');
    const msg = await page.locator('#draft-no-model').innerText();
    assert(msg === en['draft.noModel'].replace('{command}', 'openupr classify train'), msg);
    // The similar recommendations need no classifier.
    await page.waitForSelector('#draft-similar-all li');
    // Train the classifier into the served database; the server loads it after the commit.
    const t0 = Date.now();
    // (Not spawnSync: a blocked event loop would miss the server closing idle connections.)
    const train = await new Promise((resolve, reject) => {
      const c = spawn(binary, ['--db', db, 'classify', 'train'], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, OPENUPR_DATA_DIR: dataDir } });
      let stderr = '';
      c.stderr.on('data', (d) => (stderr += d));
      c.on('error', reject);
      c.on('close', (status) => resolve({ status, stderr }));
    });
    assert(train.status === 0, `classify train: ${train.status} ${train.stderr}`);
    console.log(`#   classify train: ${Date.now() - t0} ms`);
    assert((await post('/api/v1/classify', { text: DRAFT })).status === 200, 'classify after training');
  });

  let first;
  await check('draft: a link analyses the draft as the API does', async () => {
    await page.goto(base + link(DRAFT, 'LKA'));
    await settled();
    await page.waitForSelector('#draft-action[data-label]');
    await page.waitForSelector('#draft-similar-sur li');
    await noError(page);
    const { p, page: got } = await sameAsApi(DRAFT, 'LKA');
    assert(p.action.label === 3, `"${DRAFT}" predicted ${p.action.label}, expected 3 (considering action)`);
    first = got;
    const current = await page.locator('nav a[aria-current="page"]').innerText();
    assert(current === en['nav.draft'], `current nav entry ${current}`);
    await page.setViewportSize({ width: 1280, height: 1500 });
    try {
      await shot(page, 'draft');
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 });
    }
  });

  await check('draft: reloading the link shows the same analysis', async () => {
    await page.reload();
    await settled();
    await page.waitForSelector('#draft-action[data-label]');
    await page.waitForSelector('#draft-similar-sur li');
    assert((await page.locator('#draft-text').inputValue()) === DRAFT, 'the draft is not in the box');
    assert((await page.locator('#draft-sur').inputValue()) === 'Sri Lanka', 'the state is not in its box');
    const again = await shown();
    assert(JSON.stringify(again) === JSON.stringify(first), `after reload ${JSON.stringify(again)} vs ${JSON.stringify(first)}`);
  });

  await check('draft: the estimated chance of support is the API\'s, with the state\'s own share', async () => {
    const pct = (x) => new Intl.NumberFormat('en', { style: 'percent', maximumFractionDigits: 0 }).format(x);
    for (const from of [null, 'GBR']) {
      const body = { text: DRAFT, sur: 'LKA', ...(from ? { from } : {}) };
      const s = (await ok('/api/v1/classify', body)).support;
      assert(s && s.sur === 'LKA' && s.from === from && s.probability > 0 && s.probability < 1, `support ${JSON.stringify(s)}`);
      await page.goto(base + link(DRAFT, 'LKA') + (from ? `&from=${from}` : ''));
      await settled();
      await page.waitForSelector('#draft-support');
      await noError(page);
      const value = await page.locator('#draft-support-value').innerText();
      const want = from
        ? en['draft.supportChanceFrom'].replace('{state}', 'Sri Lanka').replace('{from}', 'United Kingdom of Great Britain and Northern Ireland').replace('{pct}', pct(s.probability))
        : en['draft.supportChance'].replace('{state}', 'Sri Lanka').replace('{pct}', pct(s.probability));
      assert(value === want, `"${value}", expected "${want}"`);
      const share = await page.locator('#draft-support-share').innerText();
      const wantShare = en['draft.supportShare'].replace('{state}', 'Sri Lanka').replace('{pct}', pct(s.sur_supported_share)).replace('{n}', s.sur_recommendations.toLocaleString('en'));
      assert(share === wantShare, `"${share}", expected "${wantShare}"`);
      const caveat = await page.locator('#draft-support-caveat').innerText();
      assert(caveat.includes(s.model.auc.toFixed(2)) && caveat.includes('docs/'), caveat);
    }
    // Sri Lanka's own share: of the recommendations it received with a response (supported or
    // noted), the share supported, counted from the search's response facet.
    const all = await (await fetch(`${base}/api/v1/recommendations?sur=LKA&per_page=1&facets=response`)).json();
    const count = (k) => all.facets.response.find((x) => x.key === k)?.count ?? 0;
    const supported = count('supported');
    const answered = supported + count('noted');
    const s = (await ok('/api/v1/classify', { text: DRAFT, sur: 'LKA' })).support;
    assert(answered > 0 && s.sur_recommendations === answered, `${s.sur_recommendations} recommendations, the search has ${answered} supported or noted`);
    assert(Math.abs(s.sur_supported_share - supported / answered) < 1e-12, `share ${s.sur_supported_share} vs ${supported}/${answered}`);
    // Without a state under review there is no estimate.
    assert((await ok('/api/v1/classify', { text: DRAFT })).support === null, 'support without sur');
    await page.goto(base + link(DRAFT, null));
    await settled();
    await page.waitForSelector('#draft-action[data-label]');
    assert((await page.locator('#draft-support').count()) === 0, 'an estimate without a state');
    await page.waitForSelector('#draft-choose-sur');
  });

  await check('draft: typing a draft and a state named in French, then Ctrl+Enter', async () => {
    const text = 'Take measures to combat violence against women';
    await page.goto(base + '/draft');
    await settled();
    assert((await page.locator('#draft-results').innerText()).trim() === '', 'an analysis without a draft');
    await page.locator('#draft-text').fill(text);
    await page.locator('#draft-sur').fill('Brésil');
    await page.locator('#draft-text').press('Control+Enter');
    await page.waitForSelector('#draft-action[data-label]');
    await page.waitForSelector('#draft-similar-sur li');
    await noError(page);
    const url = new URL(page.url());
    assert(url.pathname === '/draft' && url.searchParams.get('text') === text && url.searchParams.get('sur') === 'BRA', `URL ${page.url()}`);
    await sameAsApi(text, 'BRA');
    // The URL follows the typing, without an analysis.
    await page.locator('#draft-text').fill(DRAFT);
    await page.waitForFunction((d) => new URL(location.href).searchParams.get('text') === d, DRAFT);
  });

  await check('draft: an empty draft and an unknown state are said so', async () => {
    const r = await post('/api/v1/classify', { text: '' });
    assert(r.status === 400, `empty text: HTTP ${r.status}`);
    await page.goto(base + '/draft?sur=LKA');
    await settled();
    await page.locator('#draft-go').click();
    await page.waitForSelector('#draft-text-problem');
    const msg = await page.locator('#draft-text-problem').innerText();
    assert(msg.startsWith(en['draft.textProblem']) && msg.includes(r.json.error.message), `"${msg}" (API: ${r.json.error.message})`);
    await page.locator('#draft-text').fill(DRAFT);
    await page.locator('#draft-sur').fill('Atlantis');
    await page.locator('#draft-go').click();
    const unknown = await page.locator('#draft-unknown').innerText();
    assert(unknown === en['votes.unknownState'].replace('{name}', 'Atlantis'), unknown);
    assert((await page.locator('#draft-action').count()) === 0, 'an analysis for an unknown state');
    // A code that is no state in the link.
    await page.goto(base + link(DRAFT, 'XYZ'));
    await settled();
    await page.waitForSelector('#draft-unknown');
  });

  await check('draft: Arabic, right to left, translated; no sideways scrolling at 375 px', async () => {
    await page.goto(base + link(DRAFT, 'LKA') + '&lang=ar');
    await settled();
    await page.waitForSelector('#draft-action[data-label]');
    await page.waitForSelector('#draft-similar-sur li');
    assert((await page.evaluate(() => document.documentElement.dir)) === 'rtl', 'not right to left');
    assert((await page.locator('#page-title').innerText()) === ar['draft.title'], 'title');
    assert((await page.locator('#h-draft-action').innerText()) === ar['draft.actionTitle'], 'action title');
    const p = await ok('/api/v1/classify', { text: DRAFT });
    const value = await page.locator('#draft-action-value').innerText();
    assert(value === `${p.action.label} — ${ar[`action.${p.action.label}`]}`, value);
    assert((await page.locator('label[for="draft-sur"]').innerText()).startsWith(ar['draft.sur']), 'state label');
    assert((await page.locator('#draft-advice').innerText()) === ar[`draft.advice.${p.action.label}`], 'advice');
    assert(p.sdgs.length > 0, 'no goal predicted');
    assert((await page.locator('#draft-sdgs li').first().innerText()).includes(ar[`sdg.${p.sdgs[0].label}`]), 'goal name');
    const arrow = await page.evaluate(() => [document.querySelector('#draft-action').getBoundingClientRect().right, document.documentElement.clientWidth]);
    assert(arrow[1] - arrow[0] < 100, `the action card does not start on the right: ${arrow}`);
    for (const w of [1280, 375]) {
      await page.setViewportSize({ width: w, height: 900 });
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      assert(width <= w, `${width} px wide at ${w}`);
    }
    await page.setViewportSize({ width: 375, height: 900 });
    await page.goto(base + link(DRAFT, 'LKA'));
    await settled();
    await page.waitForSelector('#draft-similar-sur li');
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    await page.setViewportSize({ width: 1280, height: 900 });
    assert(width <= 375, `English page ${width} px wide at 375`);
  });
}
