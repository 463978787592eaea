// What the treaty bodies and special procedures said (issue 17; run by web/tests/e2e.mjs). The
// served database of the harness holds no UHRI record: there the search page's panel and the
// state profile's section stay hidden. The suite then imports the real UPR Info sessions and the
// hand-written export tests/data/uhri/export-v1.json into a database of its own, serves it, and
// checks every page against the API's own answers to the same questions:
// - the search page's panel "Treaty bodies and special procedures": total, the observations
//   listed (uids in the API's order, body, document, date), the mechanism and body counts, the
//   words, the state and the theme carried (also a state or a theme written in the box, `sur:PER`,
//   `theme:Labour`; a UPR Info theme spans UHRI's themes through the crosswalk) and said in
//   the panel's note, the link to all of them, which opens the observations page with the same
//   total;
// - /observations: total and order (newest first), facet clicks (mechanism, year) giving the
//   facet's count, chips, the URL reopening the view, paging;
// - /observations/{uid}: body, document, date, states, themes, SDG targets, affected persons,
//   the text's paragraphs; a UPR record links to its recommendation, which opens;
// - the state profile's section: counts by mechanism and body, the latest observations, the
//   link to /observations?state=PER;
// - French labels, no raw i18n key in any of the six languages (Arabic right to left), and no
//   sideways scrolling at 375 px (the panel below the results).

import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const OTHER = 'treaty-body,special-procedure';

export async function run({ check, assert, page, base, shot, noError, tmp, binary, dataDir, serve, repo }) {
  const api = async (b, path) => {
    const res = await fetch(b + path);
    assert(res.ok, `${path}: HTTP ${res.status}`);
    return res.json();
  };
  const uidsShown = (sel) => page.locator(`${sel} li.observation`).evaluateAll((xs) => xs.map((x) => x.getAttribute('data-uid')));

  await check('observations: without UHRI records the search panel and the profile section are hidden', async () => {
    const none = await api(base, '/api/v1/observations?per_page=1');
    assert(none.total === 0, `the harness's database holds ${none.total} observations`);
    await page.goto(`${base}/?q=torture`);
    await page.locator('#observations-panel[data-uhri="none"]').waitFor({ state: 'attached' });
    assert(await page.locator('#observations-panel').isHidden(), 'the panel is shown');
    await page.goto(`${base}/states/PER`);
    await page.locator('#pledges h2').waitFor();
    await page.waitForFunction(() => !document.querySelector('#observations'));
    await noError(page);
  });

  // A database of the real UPR Info sessions and the UHRI fixture, served by the same binary.
  const db = join(tmp, 'uhri.db');
  const csvs = readdirSync(join(dataDir, 'upr-info')).filter((f) => f.endsWith('.csv')).map((f) => join(dataDir, 'upr-info', f));
  const imp = spawnSync(binary, ['--db', db, 'import', ...csvs, join(repo, 'tests/data/uhri/export-v1.json')], { encoding: 'utf8' });
  if (imp.status !== 0) throw new Error(`import failed (${imp.status}): ${imp.stderr}`);
  const b = await serve(db);

  await check('observations: the search panel lists what the API finds for the same words and state', async () => {
    const want = await api(b, `/api/v1/observations?q=children&state=PER&mechanism=${OTHER}&per_page=10&facets=mechanism,body&top=0`);
    assert(want.total >= 3, `fixture: ${want.total} observations on children in Peru`);
    await page.goto(`${b}/?q=children&sur=PER`);
    await page.locator('#observations-panel:not([hidden]) #obs-total').waitFor();
    assert(Number(await page.locator('#obs-total').getAttribute('data-total')) === want.total, 'total');
    const uids = await uidsShown('#obs-results');
    assert(JSON.stringify(uids) === JSON.stringify(want.results.map((o) => o.uid)), `listed ${uids} vs ${want.results.map((o) => o.uid)}`);
    const bodies = await page.locator('#obs-results .obs-body').allInnerTexts();
    const docs = await page.locator('#obs-results .obs-document').allInnerTexts();
    const dates = await page.locator('#obs-results time').evaluateAll((xs) => xs.map((x) => x.getAttribute('datetime')));
    want.results.forEach((o, i) => {
      assert(bodies[i] === o.body, `body ${i}: ${bodies[i]} vs ${o.body}`);
      assert(docs[i] === o.document, `document ${i}: ${docs[i]} vs ${o.document}`);
      assert(dates[i] === o.published, `date ${i}: ${dates[i]} vs ${o.published}`);
    });
    // Newest first.
    const sorted = [...dates].sort().reverse();
    assert(JSON.stringify(dates) === JSON.stringify(sorted), `not newest first: ${dates}`);
    const counts = async (sel) =>
      Object.fromEntries(await page.locator(`${sel} a`).evaluateAll((as) => as.map((a) => [a.getAttribute('data-key'), Number(a.getAttribute('data-count'))])));
    const mech = await counts('#obs-mechanisms');
    const wantMech = Object.fromEntries(want.facets.mechanism.filter((r) => r.key !== 'upr').map((r) => [r.key, r.count]));
    assert(JSON.stringify(mech) === JSON.stringify(wantMech), `mechanisms ${JSON.stringify(mech)} vs ${JSON.stringify(wantMech)}`);
    const body = await counts('#obs-bodies');
    const wantBody = Object.fromEntries(want.facets.body.slice(0, 8).map((r) => [r.key, r.count]));
    assert(JSON.stringify(body) === JSON.stringify(wantBody), `bodies ${JSON.stringify(body)} vs ${JSON.stringify(wantBody)}`);
    // Beside the results at 1280 px.
    const res = await page.locator('#results').boundingBox();
    const panel = await page.locator('#observations-panel').boundingBox();
    assert(panel.x >= res.x + res.width - 1, `the panel is not beside the results: ${JSON.stringify({ res, panel })}`);
    await noError(page);
    await shot(page, 'observations');
    // "All N observations" opens the observations page with the same selection and total.
    await page.locator('#obs-all').click();
    await page.waitForURL(/\/observations\?/);
    await page.locator('#obs-page-total').waitFor();
    const url = new URL(page.url());
    assert(url.searchParams.get('q') === 'children' && url.searchParams.get('state') === 'PER' && url.searchParams.get('mechanism') === OTHER, url.search);
    assert(Number(await page.locator('#obs-page-total').getAttribute('data-total')) === want.total, 'total of the observations page');
  });

  await check('observations: the panel takes a state written in the box, and the query the API searched', async () => {
    const rec = await api(b, '/api/v1/recommendations?q=' + encodeURIComponent('sur:PER "child labour"') + '&per_page=1');
    assert(rec.interpretation.applied.some((a) => a.field === 'sur' && a.value === 'PER'), JSON.stringify(rec.interpretation));
    const want = await api(b, `/api/v1/observations?q=${encodeURIComponent(rec.interpretation.query)}&state=PER&mechanism=${OTHER}&per_page=10`);
    assert(want.total > 0, 'fixture: child labour in Peru');
    await page.goto(`${b}/?q=${encodeURIComponent('sur:PER "child labour"')}`);
    await page.locator('#observations-panel:not([hidden]) #obs-total').waitFor();
    assert(Number(await page.locator('#obs-total').getAttribute('data-total')) === want.total, 'total');
    assert(JSON.stringify(await uidsShown('#obs-results')) === JSON.stringify(want.results.map((o) => o.uid)), 'listed');
    // Words no observation has: the panel says none matches.
    await page.goto(`${b}/?q=torture&sur=FRA`);
    await page.locator('#observations-panel:not([hidden]) #obs-total').waitFor();
    const none = await api(b, `/api/v1/observations?q=torture&state=FRA&mechanism=${OTHER}&per_page=1`);
    assert(Number(await page.locator('#obs-total').getAttribute('data-total')) === none.total, 'total for France');
    if (!none.total) assert((await page.locator('#observations-panel .empty').count()) === 1, 'no "none matches"');
  });

  await check('observations: the panel follows the theme filter (a UPR Info theme, through the crosswalk) and says what it follows', async () => {
    // "Labour" is a UPR Info theme no UHRI record names: the API spans the UHRI themes the
    // crosswalk maps to it ("Child labour", "Labour rights & right to work", ...).
    const theme = 'Labour';
    const want = await api(b, `/api/v1/observations?q=children&state=PER&theme=${theme}&mechanism=${OTHER}&per_page=10&facets=mechanism,body&top=0`);
    const wider = await api(b, `/api/v1/observations?q=children&state=PER&mechanism=${OTHER}&per_page=1`);
    assert(want.total > 0 && want.total < wider.total, `fixture: ${want.total} with the theme, ${wider.total} without`);
    await page.goto(`${b}/?q=children&sur=PER&theme=${theme}`);
    await page.locator('#observations-panel:not([hidden]) #obs-total').waitFor();
    assert(Number(await page.locator('#obs-total').getAttribute('data-total')) === want.total, 'total with the theme');
    assert(JSON.stringify(await uidsShown('#obs-results')) === JSON.stringify(want.results.map((o) => o.uid)), 'listed with the theme');
    // The note says what the panel follows: the words, the state and the theme.
    const follows = await page.locator('#obs-follows [data-follow]').evaluateAll((xs) => xs.map((x) => x.getAttribute('data-follow')));
    assert(JSON.stringify(follows) === JSON.stringify(['words', 'state', 'theme']), `follows ${follows}`);
    assert((await page.locator('#obs-follows [data-follow="theme"] q').innerText()) === theme, 'the theme named');
    assert((await page.locator('#obs-follows [data-follow="words"] q').innerText()) === 'children', 'the words named');
    await noError(page);
    // "All N observations" carries the theme to the observations page, which finds as many.
    await page.locator('#obs-all').click();
    await page.waitForURL(/\/observations\?/);
    await page.locator('#obs-page-total').waitFor();
    assert(new URL(page.url()).searchParams.getAll('theme').join() === theme, page.url());
    assert(Number(await page.locator('#obs-page-total').getAttribute('data-total')) === want.total, 'total of the observations page');
    // A theme written in the box (theme:...) is followed too.
    const rec = await api(b, '/api/v1/recommendations?q=' + encodeURIComponent(`sur:PER theme:${theme} children`) + '&per_page=1');
    assert(rec.interpretation.applied.some((a) => a.field === 'theme'), JSON.stringify(rec.interpretation));
    const boxed = await api(b, `/api/v1/observations?q=${encodeURIComponent(rec.interpretation.query)}&state=PER&theme=${theme}&mechanism=${OTHER}&per_page=10`);
    await page.goto(`${b}/?q=${encodeURIComponent(`sur:PER theme:${theme} children`)}`);
    await page.locator('#observations-panel:not([hidden]) #obs-total').waitFor();
    assert(Number(await page.locator('#obs-total').getAttribute('data-total')) === boxed.total, `total with the box's theme: vs ${boxed.total}`);
    assert((await page.locator('#obs-follows [data-follow="theme"]').count()) === 1, "the box's theme not said");
    // Without words, states or themes the panel says it shows the newest.
    await page.goto(`${b}/`);
    await page.locator('#observations-panel:not([hidden]) #obs-total').waitFor();
    assert((await page.locator('#obs-follows [data-follow]').count()) === 0, 'follows something with an empty search');
  });

  await check('observations: the observations page: newest first, facets give their counts, the URL reopens it, paging', async () => {
    const all = await api(b, '/api/v1/observations?per_page=20&top=0');
    await page.goto(`${b}/observations`);
    await page.locator('#obs-page-total').waitFor();
    assert(Number(await page.locator('#obs-page-total').getAttribute('data-total')) === all.total, `total vs ${all.total}`);
    assert(JSON.stringify(await uidsShown('#obs-list')) === JSON.stringify(all.results.map((o) => o.uid)), 'order');
    await shot(page, 'observations-page');
    for (const dim of ['mechanism', 'body', 'year', 'theme', 'sdg', 'affected', 'state']) {
      const shown = await page.locator(`a[data-facet="${dim}"]`).count();
      assert(shown === all.facets[dim].length, `${dim}: ${shown} values vs ${all.facets[dim].length}`);
    }
    // A mechanism, then a year: each click gives the count the facet showed.
    const sp = page.locator('a[data-facet="mechanism"][data-key="special-procedure"]');
    const spCount = Number(await sp.getAttribute('data-count'));
    await sp.click();
    await page.waitForURL(/mechanism=special-procedure/);
    await page.waitForFunction((n) => Number(document.querySelector('#obs-page-total')?.getAttribute('data-total')) === n, spCount);
    const year = page.locator('a[data-facet="year"]').first();
    const [yKey, yCount] = [await year.getAttribute('data-key'), Number(await year.getAttribute('data-count'))];
    await year.click();
    await page.waitForURL(new RegExp(`year=${yKey}`));
    await page.waitForFunction((n) => Number(document.querySelector('#obs-page-total')?.getAttribute('data-total')) === n, yCount);
    const want = await api(b, `/api/v1/observations?mechanism=special-procedure&year=${yKey}`);
    assert(want.total === yCount, `API ${want.total} vs facet ${yCount}`);
    assert(JSON.stringify(await uidsShown('#obs-list')) === JSON.stringify(want.results.map((o) => o.uid)), 'filtered list');
    // The URL reopens the view; a chip removes its filter.
    const url = page.url();
    await page.goto(url);
    await page.locator('#obs-page-total').waitFor();
    assert(Number(await page.locator('#obs-page-total').getAttribute('data-total')) === yCount, 'reopened');
    await page.locator('a.chip[data-field="year"]').click();
    await page.waitForFunction((n) => Number(document.querySelector('#obs-page-total')?.getAttribute('data-total')) === n, spCount);
    // A body with a comma-free name chosen by its facet, a theme and an SDG target by the API's keys.
    const peru = await api(b, '/api/v1/observations?state=PER&theme=Child%20labour&sdg=8.7');
    await page.goto(`${b}/observations?state=PER&theme=${encodeURIComponent('Child labour')}&sdg=8.7`);
    await page.locator('#obs-page-total').waitFor();
    assert(Number(await page.locator('#obs-page-total').getAttribute('data-total')) === peru.total && peru.total > 0, `Peru, child labour, 8.7: ${peru.total}`);
    assert((await page.locator('a.chip[data-field]').count()) === 3, 'three chips');
    // Paging: 10 a page.
    const p2 = await api(b, '/api/v1/observations?per_page=10&page=2');
    await page.goto(`${b}/observations?per_page=10`);
    await page.locator('#next-page').click();
    await page.waitForURL(/page=2/);
    await page.waitForFunction(() => document.querySelector('#obs-list')?.getAttribute('start') === '11');
    assert(JSON.stringify(await uidsShown('#obs-list')) === JSON.stringify(p2.results.map((o) => o.uid)), 'page 2');
    await noError(page);
  });

  await check('observations: a record shows every attribute and its paragraphs; a UPR one links to its recommendation', async () => {
    const uid = 'uhri-3f1c2a7e-9b4d-4c1a-8e2f-5a6b7c8d9e02';
    const o = await api(b, `/api/v1/observations/${uid}`);
    await page.goto(`${b}/observations/${uid}`);
    await page.locator('#obs-text').waitFor();
    assert((await page.locator('#obs-body').innerText()) === o.body, 'body');
    assert((await page.locator('#obs-document').innerText()) === o.document, 'document');
    assert((await page.locator('#obs-date').getAttribute('datetime')) === o.published, 'date');
    assert((await page.locator('#obs-date').innerText()).includes(String(o.year)), 'the date shows the year');
    assert((await page.locator('#obs-uid').innerText()) === o.uid, 'uid');
    const paras = await page.locator('#obs-text p').allInnerTexts();
    const want = o.text.split('\n\n').filter((p) => p.trim());
    assert(paras.length === want.length && paras.length > 1, `${paras.length} paragraphs vs ${want.length}`);
    want.forEach((p, i) => assert(paras[i] === p, `paragraph ${i}: ${paras[i]} vs ${p}`));
    assert(JSON.stringify(await page.locator('#obs-state a').allInnerTexts()) === JSON.stringify(['Peru']), 'states');
    assert(JSON.stringify(await page.locator('#obs-theme a').allInnerTexts()) === JSON.stringify(o.themes), 'themes');
    assert(JSON.stringify(await page.locator('#obs-affected a').allInnerTexts()) === JSON.stringify(o.affected), 'affected persons');
    const sdgs = await page.locator('#obs-sdg li').allInnerTexts();
    assert(sdgs.length === o.sdgs.length, 'SDG targets');
    o.sdgs.forEach((s, i) => assert(sdgs[i].includes(s.split(' - ')[0]) && sdgs[i].startsWith('SDG 8'), `SDG ${i}: ${sdgs[i]}`));
    await noError(page);
    await shot(page, 'observation');
    // The real recommendation of Italy to Peru (session 2) as UHRI holds it.
    const upr = await api(b, '/api/v1/observations/uhri-5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c10');
    assert(upr.upr?.recommendation, `no recommendation matched: ${JSON.stringify(upr.upr)}`);
    await page.goto(`${b}/observations/${upr.uid}`);
    const link = page.locator('#obs-recommendation');
    assert((await link.getAttribute('href')) === `/recommendations/${upr.upr.recommendation}`, await link.getAttribute('href'));
    await link.click();
    await page.waitForURL(new RegExp(`/recommendations/${upr.upr.recommendation}`));
    await page.locator('blockquote.record-text').waitFor();
    const rec = await api(b, `/api/v1/recommendations/${upr.upr.recommendation}`);
    assert(rec.sur.iso3 === 'PER' && rec.session === 2, `${rec.sur.iso3} session ${rec.session}`);
    await noError(page);
  });

  await check('observations: the state profile says what the treaty bodies and special procedures said', async () => {
    const want = await api(b, `/api/v1/observations?state=PER&mechanism=${OTHER}&per_page=5&facets=mechanism,body&top=0`);
    await page.goto(`${b}/states/PER`);
    await page.locator('#state-obs-total').waitFor();
    assert(Number(await page.locator('#state-obs-total').getAttribute('data-total')) === want.total, 'total');
    const pairs = (sel) => page.locator(`${sel} a`).evaluateAll((as) => as.map((a) => `${a.getAttribute('data-key')}=${a.getAttribute('data-count')}`));
    assert(JSON.stringify(await pairs('#state-obs-mechanisms')) === JSON.stringify(want.facets.mechanism.filter((r) => r.key !== 'upr').map((r) => `${r.key}=${r.count}`)), 'mechanisms');
    assert(JSON.stringify(await pairs('#state-obs-bodies')) === JSON.stringify(want.facets.body.map((r) => `${r.key}=${r.count}`)), 'bodies');
    assert(JSON.stringify(await uidsShown('#state-obs-results')) === JSON.stringify(want.results.map((o) => o.uid)), 'latest');
    await page.locator('#observations').scrollIntoViewIfNeeded();
    await shot(page, 'observations-state');
    const every = await api(b, '/api/v1/observations?state=PER&per_page=1');
    await page.locator('#state-obs-all').click();
    await page.waitForURL(/\/observations\?state=PER$/);
    await page.waitForFunction((n) => Number(document.querySelector('#obs-page-total')?.getAttribute('data-total')) === n, every.total);
    await noError(page);
  });

  await check('observations: French labels; no sideways scrolling at 375 px, the panel below the results', async () => {
    await page.goto(`${b}/?q=children&sur=PER&lang=fr`);
    await page.locator('#observations-panel:not([hidden]) h2').waitFor();
    const title = await page.locator('#h-observations').innerText();
    assert(title === 'Organes conventionnels et procédures spéciales', title);
    assert((await page.locator('#obs-mechanisms a').first().innerText()) === 'Organes conventionnels', 'mechanism in French');
    await page.goto(`${b}/observations?lang=fr`);
    await page.locator('#obs-page-total').waitFor();
    assert((await page.locator('h1').innerText()).startsWith('Ce qu’ont dit'), 'title in French');
    await page.setViewportSize({ width: 375, height: 812 });
    try {
      for (const path of ['/?q=children&sur=PER', '/observations', '/observations/uhri-3f1c2a7e-9b4d-4c1a-8e2f-5a6b7c8d9e02', '/states/PER']) {
        await page.goto(`${b}${path}${path.includes('?') ? '&' : '?'}lang=en`);
        await page.locator('h1').waitFor();
        await page.waitForLoadState('networkidle');
        const w = await page.evaluate(() => document.documentElement.scrollWidth);
        assert(w <= 375, `${path}: page is ${w} px wide`);
        if (path.startsWith('/?')) {
          const res = await page.locator('#results').boundingBox();
          const panel = await page.locator('#observations-panel').boundingBox();
          assert(panel.y >= res.y + res.height - 1, 'the panel is not below the results');
        }
      }
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 });
    }
    await noError(page);
  });
  await check('observations: no raw i18n key on the pages in the six languages; Arabic right to left', async () => {
    const en = JSON.parse(readFileSync(join(repo, 'web/src/i18n/en.json'), 'utf8'));
    const keys = Object.keys(en).filter((k) => k.includes('.'));
    const found = [];
    for (const l of ['fr', 'es', 'ar', 'zh', 'ru']) { // English: the checks above
      // Each page with what shows that it is complete.
      for (const [path, ready] of [
        ['/?q=children&sur=PER', '#observations-panel:not([hidden]) #obs-total'],
        ['/observations', '#obs-page-total'],
        ['/observations/uhri-5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c10', '#obs-recommendation'],
        ['/states/PER', '#state-obs-total'],
      ]) {
        await page.goto(`${b}${path}${path.includes('?') ? '&' : '?'}lang=${l}`, { waitUntil: 'domcontentloaded' });
        await page.locator(ready).waitFor();
        const strings = await page.evaluate(() => [
          document.body.innerText,
          ...[...document.querySelectorAll('[aria-label],[title],[placeholder]')].flatMap((e) => ['aria-label', 'title', 'placeholder'].map((a) => e.getAttribute(a) ?? '')),
        ]);
        for (const str of strings) {
          for (const k of keys) if (str.includes(k)) found.push(`${l} ${path}: ${k}`);
          if (/\b(undefined|NaN)\b/.test(str)) found.push(`${l} ${path}: "${str.slice(0, 80)}"`);
        }
        if (l === 'ar') {
          assert((await page.evaluate(() => document.documentElement.dir)) === 'rtl', `${path}: not right to left`);
          const w = await page.evaluate(() => document.documentElement.scrollWidth);
          assert(w <= 1280, `${path} in Arabic: ${w} px wide`);
        }
      }
    }
    assert(found.length === 0, `raw keys shown:\n${found.join('\n')}`);
    await page.goto(`${b}/?lang=en`);
  });
}
