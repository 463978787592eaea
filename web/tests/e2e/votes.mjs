// The Council's votes in the web app (issue 15; run by web/tests/e2e.mjs on the real data, with
// hrc-votes/resolutions.csv and votes_long.csv imported). What a user sees is checked against the
// API's own answers, and a resolution's votes against votes_long.csv read here:
// - a resolution's page (ohchr-27576): official totals and the votes counted, the sentence saying
//   they agree, the links, the source line, every state's vote in the tables by regional group
//   (as the raw file lists them) and on the map (coloured by vote; a click opens the state's
//   agreement view); a roll call that does not reconcile says so in words, with its badge in the
//   search;
// - the resolutions search: the total, a facet click narrowing the results to the facet's count
//   (a chip removes it), the query box, the recorded-votes check box, paging, a URL reopening the
//   same view;
// - the voting map: as many points as the API's points, the variance explained, a point's
//   tooltip and its click opening the agreement view, the selection controls changing the URL;
// - the agreement view: the ranked list as the API's (first state, shares, "n of m"), the map
//   coloured, a second state chosen by name (in French too) showing the pair's agreement, a
//   name that is no state said so;
// - cohesion: every group's mean index and roll calls as the API's;
// - the navigation's Votes entry, and no horizontal scrolling at 375 px.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const UID = 'ohchr-27576';

// The votes of a record in votes_long.csv (record_id,symbol,iso3,vote; symbols hold no comma
// or quote on these lines, the vote and the state are the last two fields).
function rawVotes(dataDir, recordId) {
  const out = new Map();
  const lines = readFileSync(join(dataDir, 'hrc-votes', 'votes_long.csv'), 'utf8').split('\n');
  for (const line of lines.slice(1)) {
    if (!line.startsWith(`${recordId},`)) continue;
    const f = line.trim().split(',');
    out.set(f[f.length - 2], f[f.length - 1]);
  }
  return out;
}

export async function run({ check, assert, page, base, shot, noError, dataDir }) {
  const api = async (path) => {
    const res = await fetch(base + path);
    assert(res.ok, `${path}: HTTP ${res.status}`);
    return res.json();
  };
  const settled = async () => {
    await page.locator('h1').first().waitFor();
    await page.waitForFunction(() => !document.querySelector('main[aria-busy], .loading'));
  };
  const num = (s) => Number(String(s).replace(/[^\d.-]/g, ''));
  // A screenshot of the page as a taller window shows it (the map or the chart whole).
  const tallShot = async (name, height) => {
    await page.setViewportSize({ width: 1280, height });
    try {
      await shot(page, name);
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 });
    }
  };

  await check('votes: a resolution shows its totals, links, source and every state\'s vote by group and on the map', async () => {
    const r = await api(`/api/v1/resolutions/${UID}`);
    const raw = rawVotes(dataDir, r.record_id);
    assert(raw.size === 47, `votes_long.csv lists ${raw.size} votes for ${UID}`);
    await page.goto(`${base}/resolutions/${UID}`);
    await settled();
    await noError(page);
    // Official against counted: 27 yes, 4 no, 16 abstain both ways, said in words.
    for (const k of ['yes', 'no', 'abstain']) {
      const row = page.locator(`#totals tr[data-vote="${k}"]`);
      const official = num(await row.locator('td').nth(0).innerText());
      const counted = num(await row.locator('td').nth(1).innerText());
      const fromFile = [...raw.values()].filter((v) => v === k).length;
      assert(official === r[k] && counted === r.counted[k] && counted === fromFile, `${k}: shown ${official}/${counted}, API ${r[k]}/${r.counted[k]}, file ${fromFile}`);
    }
    assert(r.yes === 27 && r.no === 4 && r.abstain === 16, `API totals ${r.yes}/${r.no}/${r.abstain}`);
    const verdict = await page.locator('#reconcile').innerText();
    assert(verdict.includes('47 votes listed add up to the official totals'), verdict);
    // Links and provenance.
    assert((await page.locator('#link-resolution').getAttribute('href')) === r.links.resolution, 'UN document link');
    assert((await page.locator('#link-draft').getAttribute('href')) === r.links.draft, 'draft link');
    assert((await page.locator('#link-record').getAttribute('href')) === r.links.record, 'OHCHR record link');
    assert((await page.locator('#res-source').innerText()) === `${r.source.file}:${r.source.line}`, 'source line');
    assert((await page.locator('#res-symbol').innerText()) === r.symbol, 'symbol');
    // Every state in the tables, under its group, with the vote of the raw file.
    const rows = await page.locator('#votes-by-group table.votes-table tbody tr').evaluateAll((trs) =>
      trs.map((tr) => ({ iso3: tr.dataset.iso3, vote: tr.dataset.vote, region: tr.closest('table').dataset.region, text: tr.innerText })),
    );
    assert(rows.length === 47, `${rows.length} states in the tables`);
    for (const row of rows) assert(raw.get(row.iso3) === row.vote, `${row.iso3}: shown ${row.vote}, file ${raw.get(row.iso3)}`);
    for (const [g, c] of Object.entries(r.votes_by_region)) {
      const n = rows.filter((x) => x.region === g).length;
      assert(n === c.yes + c.no + c.abstain + c['non-voting'] + c.blank, `${g}: ${n} rows`);
      const yes = num(await page.locator(`#votes-by-region tr[data-region="${g}"] td[data-vote="yes"]`).innerText());
      assert(yes === c.yes, `${g}: ${yes} yes shown, API ${c.yes}`);
    }
    // The map: each voting state coloured by its vote, the others grey.
    const cells = await page.locator('svg.world [data-value]').evaluateAll((els) => els.map((e) => [e.getAttribute('data-iso3'), e.getAttribute('data-value'), e.getAttribute('fill')]));
    const onMap = new Map(cells.map(([iso, v]) => [iso, v]));
    for (const [iso, v] of raw) assert(onMap.get(iso) === v, `${iso} on the map: ${onMap.get(iso)}, expected ${v}`);
    assert(onMap.size === raw.size, `${onMap.size} states coloured on the map`);
    const fills = new Map(cells.map(([, v, f]) => [v, f]));
    assert(new Set(fills.values()).size === 3, `yes, no and abstain in three fills: ${[...fills]}`);
    const legend = await page.locator('#vote-legend').innerText();
    for (const part of ['Yes: 27', 'No: 4', 'Abstain: 16']) assert(legend.includes(part), `legend: ${legend}`);
    await tallShot('resolution', 1720);
    // Hover names the vote; a click opens the state's agreement view.
    const china = page.locator('path.country[data-iso3="CHN"]');
    await china.hover();
    assert((await page.locator('.map-tip').innerText()) === 'China: No', await page.locator('.map-tip').innerText());
    await china.click();
    await page.waitForURL(/\/votes\/agreement\?state=CHN/);
    await page.locator('#agr-ranking li').first().waitFor();
  });

  await check('votes: a roll call that does not reconcile says so, with its badge in the search', async () => {
    const d = await api('/api/v1/votes/discrepancies');
    assert(d.total > 100, `${d.total} discrepancies`);
    // One the search lists on its first page of a year and an outcome (the query box searches
    // titles, not symbols).
    let bad = null;
    let where = '';
    for (const x of d.results.slice(0, 30)) {
      const q = `year=${x.year}&outcome=${x.outcome}`;
      if ((await api(`/api/v1/resolutions?${q}&per_page=20`)).results.some((y) => y.uid === x.uid)) {
        [bad, where] = [x, q];
        break;
      }
    }
    assert(bad, 'no discrepancy on a first page');
    await page.goto(`${base}/resolutions/${bad.uid}`);
    await settled();
    assert((await page.locator('#reconcile').getAttribute('data-reconciles')) === 'false', 'flagged');
    const text = await page.locator('#reconcile').innerText();
    assert(text.startsWith('The votes listed do not add up to the official totals:'), text);
    const differs = await page.locator('#totals tr.differs').evaluateAll((trs) => trs.map((tr) => tr.dataset.vote));
    const expected = ['yes', 'no', 'abstain'].filter((k) => bad[k] !== null && bad[k] !== bad.counted[k]);
    assert(differs.join() === expected.join() && differs.length > 0, `rows flagged ${differs}, expected ${expected}`);
    for (const k of expected) assert(text.includes(`${bad[k]} officially, ${bad.counted[k]} listed`), `${k} in "${text}"`);
    await page.goto(`${base}/resolutions?${where}`);
    await settled();
    const item = page.locator(`li.resolution[data-uid="${bad.uid}"]`);
    assert((await item.count()) === 1, `${bad.symbol} listed`);
    assert((await item.locator('.badge-warn').innerText()) === 'Does not reconcile', 'badge');
  });

  await check('votes: the resolutions search: total, a facet click, chips, the query box, paging, a reopened URL', async () => {
    const all = await api('/api/v1/resolutions?per_page=1');
    await page.goto(`${base}/resolutions`);
    await settled();
    await noError(page);
    const total = () => page.locator('#res-total').getAttribute('data-total').then(Number);
    assert((await total()) === all.total, `total ${await total()}, API ${all.total}`);
    // The first result is the API's first, with its totals.
    const first = (await api('/api/v1/resolutions?per_page=20')).results;
    const shown = await page.locator('li.resolution').evaluateAll((lis) => lis.map((li) => li.dataset.uid));
    assert(shown.join() === first.map((x) => x.uid).join(), 'the first page is the API\'s');
    // A facet click: the total becomes the facet's count, a chip removes it.
    const facet = page.locator('a[data-facet="outcome"][data-key="rejected-by-vote"]');
    const count = Number(await facet.getAttribute('data-count'));
    assert(count === all.facets.outcome.find((f) => f.key === 'rejected-by-vote').count, 'facet count as the API\'s');
    await facet.click();
    await page.waitForURL(/outcome=rejected-by-vote/);
    await page.waitForFunction((n) => Number(document.querySelector('#res-total')?.getAttribute('data-total')) === n, count);
    const year = page.locator('a[data-facet="year"]').first();
    const yearKey = await year.getAttribute('data-key');
    const yearCount = Number(await year.getAttribute('data-count'));
    await year.click();
    await page.waitForURL(new RegExp(`year=${yearKey}`));
    await page.waitForFunction((n) => Number(document.querySelector('#res-total')?.getAttribute('data-total')) === n, yearCount);
    const both = await api(`/api/v1/resolutions?outcome=rejected-by-vote&year=${yearKey}&per_page=1`);
    assert(yearCount === both.total, `year ${yearKey}: ${yearCount}, API ${both.total}`);
    // Reopening the URL gives the same view.
    const url = page.url();
    await page.goto(url);
    await settled();
    assert((await total()) === yearCount, 'a URL reopens the same view');
    await page.locator('a.chip[data-field="outcome"]').click();
    await page.waitForURL((u) => !u.search.includes('outcome='));
    const yearOnly = await api(`/api/v1/resolutions?year=${yearKey}&per_page=1`);
    await page.waitForFunction((n) => Number(document.querySelector('#res-total')?.getAttribute('data-total')) === n, yearOnly.total);
    // The query box and the recorded-votes check box.
    await page.goto(`${base}/resolutions`);
    await settled();
    await page.locator('#res-q').fill('Syrian');
    await page.locator('#res-go').click();
    await page.waitForURL(/q=Syrian/);
    const syrian = await api('/api/v1/resolutions?q=Syrian&per_page=1');
    await page.waitForFunction((n) => Number(document.querySelector('#res-total')?.getAttribute('data-total')) === n, syrian.total);
    await page.locator('#res-roll-calls').check();
    await page.waitForURL(/roll_calls=true/);
    const syrianVotes = await api('/api/v1/resolutions?q=Syrian&roll_calls=true&per_page=1');
    await page.waitForFunction((n) => Number(document.querySelector('#res-total')?.getAttribute('data-total')) === n, syrianVotes.total);
    assert(syrianVotes.total < syrian.total && syrianVotes.total > 0, `${syrianVotes.total} of ${syrian.total}`);
    await shot(page, 'resolutions');
    // Paging.
    await page.goto(`${base}/resolutions?body=hrc`);
    await settled();
    await page.locator('#next-page').click();
    await page.waitForURL(/page=2/);
    await settled();
    const second = (await api('/api/v1/resolutions?body=hrc&page=2&per_page=20')).results.map((x) => x.uid);
    await page.waitForFunction((uid) => document.querySelector('li.resolution')?.dataset.uid === uid, second[0]);
    assert((await page.locator('ol.results').getAttribute('start')) === '21', 'numbered from 21');
  });

  await check('votes: the voting map has the API\'s points, its variance explained, and leads to the agreement view', async () => {
    const m = await api('/api/v1/votes/map?body=hrc');
    await page.goto(`${base}/votes/map?body=hrc`);
    await settled();
    await noError(page);
    await page.locator('.chart[data-ready]').waitFor();
    const drawn = await page.evaluate(() => {
      const chart = document.querySelector('.chart[data-chart="voting-map"]').echart;
      return chart.getOption().series.reduce((n, s) => n + s.data.length, 0);
    });
    assert(drawn === m.points.length && drawn > 40, `${drawn} points drawn, API ${m.points.length}`);
    assert((await page.locator('.chart-card table tbody tr').count()) === m.points.length, 'table rows');
    assert(Number(await page.locator('#map-summary').getAttribute('data-points')) === m.points.length, 'summary');
    const ex = page.locator('#explained');
    assert(Number(await ex.getAttribute('data-x')) === m.explained.x && Number(await ex.getAttribute('data-y')) === m.explained.y, 'explained');
    const pct = (x) => `${(Math.round(x * 1000) / 10).toFixed(1).replace(/\.0$/, '')}%`;
    const text = await ex.innerText();
    assert(text.includes(pct(m.explained.x)) && text.includes(pct(m.explained.y)), `${text} lacks ${pct(m.explained.x)}, ${pct(m.explained.y)}`);
    await tallShot('votes-map', 1260);
    // Hover a point: the tooltip names the state; a click opens its agreement view.
    const target = m.points.find((p) => p.state === 'BRA') ?? m.points[0];
    const at = await page.evaluate((p) => {
      const el = document.querySelector('.chart[data-chart="voting-map"]');
      const chart = el.echart;
      const series = chart.getOption().series.findIndex((s) => s.data.some((d) => d.name === p.state));
      const [x, y] = chart.convertToPixel({ seriesIndex: series }, [p.x, p.y]);
      const box = el.getBoundingClientRect();
      return [box.left + x, box.top + y];
    }, target);
    await page.mouse.move(at[0], at[1]);
    await page.waitForFunction((name) => [...document.querySelectorAll('.chart div')].some((d) => d.innerText?.startsWith(name) && getComputedStyle(d).display !== 'none'), target.name, { timeout: 5000 });
    await page.mouse.click(at[0], at[1]);
    await page.waitForURL(new RegExp(`/votes/agreement\\?.*state=${target.state}`));
    assert(new URL(page.url()).searchParams.get('body') === 'hrc', 'the selection goes along');
    // The selection controls change the URL, and the points follow.
    await page.goto(`${base}/votes/map`);
    await settled();
    await page.locator('#sel-year-from').selectOption('2010');
    await page.waitForURL(/year=2010-\d{4}/);
    await settled();
    const year = new URL(page.url()).searchParams.get('year');
    const m2 = await api(`/api/v1/votes/map?year=${year}`);
    await page.waitForFunction((n) => Number(document.querySelector('#map-summary')?.getAttribute('data-points')) === n, m2.points.length);
    assert(m2.selection.roll_calls < m.selection.roll_calls + 10000, 'selection');
  });

  await check('votes: the agreement view ranks states as the API does; a second state by name shows the pair', async () => {
    const a = await api('/api/v1/votes/agreement?state=FRA');
    await page.goto(`${base}/votes/agreement?state=FRA`);
    await settled();
    await noError(page);
    const items = await page.locator('#agr-ranking li').evaluateAll((lis) => lis.map((li) => ({ iso3: li.dataset.iso3, text: li.innerText })));
    assert(items.length === a.states.length, `${items.length} ranked, API ${a.states.length}`);
    assert(items[0].iso3 === a.states[0].state, `first ${items[0].iso3}, API ${a.states[0].state}`);
    for (let i = 0; i < items.length; i++) {
      const s = a.states[i];
      assert(items[i].iso3 === s.state, `rank ${i + 1}: ${items[i].iso3} vs ${s.state}`);
      assert(items[i].text.includes(`${s.alike.toLocaleString('en-US')} of ${s.both.toLocaleString('en-US')} roll calls`), `${s.state}: ${items[i].text}`);
    }
    const coloured = await page.locator('svg.world [data-value]').count();
    assert(coloured > 100, `${coloured} states coloured`);
    await tallShot('agreement', 1180);
    // A second state by its name.
    await page.locator('#agr-with').fill('United States of America');
    await page.locator('#agr-go').click();
    await page.waitForURL(/with=USA/);
    await page.locator('#agr-pair').waitFor();
    const pair = await api('/api/v1/votes/agreement?state=FRA&with=USA');
    assert(Number(await page.locator('#agr-pair').getAttribute('data-both')) === pair.agreement.both, 'both');
    assert(Number(await page.locator('#agr-pair').getAttribute('data-alike')) === pair.agreement.alike, 'alike');
    const pairText = await page.locator('#agr-pair').innerText();
    assert(pairText.includes(`${pair.agreement.alike} of the ${pair.agreement.both} roll calls`), pairText);
    // A name that is no state is said so, and nothing changes.
    await page.locator('#agr-with').fill('Atlantis');
    await page.locator('#agr-go').click();
    await page.locator('#agr-unknown').waitFor();
    assert((await page.locator('#agr-unknown').innerText()).includes('Atlantis'), 'the name said');
    assert(/with=USA/.test(page.url()), 'the view stays');
    // In French, French names; a map click chooses the second state.
    const states = await api('/api/v1/states');
    const deu = states.states.find((s) => s.iso3 === 'DEU');
    await page.goto(`${base}/votes/agreement?lang=fr`);
    await settled();
    await page.locator('#agr-state').fill(deu.names.fr);
    await page.locator('#agr-go').click();
    await page.waitForURL(/state=DEU/);
    await page.locator('#agr-ranking li').first().waitFor();
    await page.locator('path.country[data-iso3="POL"]').click();
    await page.waitForURL(/with=POL/);
    await page.locator('#agr-pair').waitFor();
    const pol = await api('/api/v1/votes/agreement?state=DEU&with=POL');
    assert(Number(await page.locator('#agr-pair').getAttribute('data-alike')) === pol.agreement.alike, 'DEU-POL');
    assert((await page.locator('h1').innerText()).includes(deu.names.fr), 'French title');
    await page.goto(`${base}/votes/agreement?lang=en`); // English again for what follows
  });

  await check('votes: cohesion shows every group\'s mean index and roll calls as the API does', async () => {
    const c = await api('/api/v1/votes/cohesion?body=hrc');
    await page.goto(`${base}/votes/cohesion?body=hrc`);
    await settled();
    await noError(page);
    await page.locator('.chart[data-ready]').first().waitFor();
    const rows = await page.locator('.chart-card table tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.innerText)));
    assert(rows.length === c.groups.length, `${rows.length} groups shown, API ${c.groups.length}`);
    for (const g of c.groups) {
      const row = rows.find((r) => Number(r[2].replace(/\D/g, '')) === g.roll_calls_used && Number(r[3]) === g.members && r[1] === (g.mean_ai === null ? '—' : g.mean_ai.toFixed(3)));
      assert(row, `${g.group}: ${g.mean_ai} over ${g.roll_calls_used} not shown`);
    }
    const weog = rows.find((r) => r[0] === 'Western European and others');
    assert(weog && weog[1] === c.groups.find((g) => g.group === 'weog').mean_ai.toFixed(3), 'WEOG by name');
    await tallShot('cohesion', 1180);
  });

  await check('votes: the navigation\'s Votes entry, the pages\' own links, 375 px without horizontal scrolling', async () => {
    await page.goto(`${base}/`);
    await settled();
    await page.locator('nav a', { hasText: 'Votes' }).click();
    await page.waitForURL(/\/resolutions$/);
    await settled();
    assert((await page.locator('.site-header a[aria-current="page"]').innerText()) === 'Votes', 'Votes is the current entry');
    await page.goto(`${base}/votes/map?body=hrc&year=2010-2015`);
    await settled();
    assert((await page.locator('.site-header a[aria-current="page"]').innerText()) === 'Votes', 'on /votes/ too');
    const agreementLink = new URL(await page.locator('#subnav-agreement').getAttribute('href'), base);
    assert(agreementLink.searchParams.get('body') === 'hrc' && agreementLink.searchParams.get('year') === '2010-2015', `${agreementLink}`);
    await page.setViewportSize({ width: 375, height: 812 });
    try {
      for (const path of ['/resolutions', `/resolutions/${UID}`, '/votes/map', '/votes/agreement?state=FRA&with=USA', '/votes/cohesion']) {
        await page.goto(base + path);
        await settled();
        const w = await page.evaluate(() => document.documentElement.scrollWidth);
        assert(w <= 375, `${path}: page is ${w} px wide`);
      }
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 });
    }
  });
}
