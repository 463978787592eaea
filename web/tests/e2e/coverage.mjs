// What the record holds, and the voluntary pledges (issue 14, item 4; run by web/tests/e2e.mjs):
// - Compare and the state profile show the USA's second review (session 22, 2015, outside the
//   record's sessions 1–17) as "not in this record", not 0, in English and in French, while
//   Brazil's (session 13) shows its numbers;
// - search, the state profile, Explore, Compare and the map state the coverage (sessions, years,
//   cycles whole or in part, the source);
// - sessions carry their year in the search facets and the results;
// - a state profile lists the state's voluntary pledges by session, with a link to search them;
//   the pledge search finds and highlights, and a pledge has its own page by uid.

export async function run({ check, assert, page, base, shot, noError }) {
  const api = async (path) => {
    const res = await fetch(base + path);
    assert(res.ok, `${path}: HTTP ${res.status}`);
    return res.json();
  };
  const about = await api('/api/v1/about');
  const cov = about.coverage;

  // The rows of a chart card's table (the toggle shows it), as text per cell.
  const tableRows = async (id) => {
    await page.locator(`#toggle-${id}`).click();
    const table = page.locator(`.chart-card:has(#toggle-${id}) table`);
    await table.waitFor();
    return table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent.trim())));
  };

  await check('coverage: Compare shows the USA\'s missing second review as "not in this record", not 0', async () => {
    const usa = await api('/api/v1/states/USA');
    const row2 = usa.received.by_cycle.find((c) => c.cycle === 2);
    assert(row2 && row2.in_record === false && row2.count === 0, `API: ${JSON.stringify(row2)}`);
    for (const [l, missing] of [['en', 'not in this record'], ['fr', 'absent de ce registre']]) {
      await page.goto(`${base}/compare?states=USA,BRA&lang=${l}`, { waitUntil: 'networkidle' });
      await page.locator('.chart[data-ready]').first().waitFor();
      await noError(page);
      const rows = await tableRows('received-cycles');
      assert(rows.length === 2, `${l}: cycles ${JSON.stringify(rows)}`);
      const [, usa1, bra1] = rows[0];
      const [, usa2, bra2] = rows[1];
      assert(/^\d/.test(usa1) && /^\d/.test(bra1), `${l}: cycle 1 ${rows[0]}`);
      assert(usa2 === missing, `${l}: the USA's cycle 2 shows "${usa2}", expected "${missing}"`);
      assert(/^[1-9]/.test(bra2), `${l}: Brazil's cycle 2 (session 13) shows "${bra2}"`);
      const note = await page.locator('#coverage-note').innerText();
      assert(note.includes(cov.session_ranges), `${l}: coverage note "${note}"`);
      if (l === 'en') await shot(page, 'compare-not-in-record');
    }
  });

  await check('coverage: the state profile says what the record covers; the USA\'s cycle 2 is not in it', async () => {
    await page.goto(`${base}/states/USA?lang=en`, { waitUntil: 'networkidle' });
    await page.locator('.chart[data-ready]').first().waitFor();
    await noError(page);
    const note = await page.locator('#coverage-note').innerText();
    for (const part of ['UPR sessions 1–17 (2008–2013)', 'cycle 1 whole', 'cycle 2 in part (sessions 13–17 of 13–26)', 'UPR Info', 'Voluntary pledges: sessions 1–19 (2008–2014)'])
      assert(note.includes(part), `note lacks "${part}": ${note}`);
    const rows = await tableRows('cycles');
    assert(rows[1][0] === 'Cycle 2' && rows[1][1] === 'not in this record', `cycle 2 row ${JSON.stringify(rows[1])}`);
    // The chart's description reads the table, gap included.
    const label = await page.locator('.chart[data-chart="cycles"]').getAttribute('aria-label');
    assert(label.includes('not in this record'), `chart summary: ${label}`);
  });

  await check('coverage: search, Explore and the map state it too; sessions carry their year', async () => {
    for (const [path, ready] of [['/?q=torture&lang=en', '#total'], ['/explore?by=theme,session&lang=en', '.chart[data-ready]'], ['/map?lang=en', '#coverage-note']]) {
      await page.goto(base + path, { waitUntil: 'networkidle' });
      await page.locator(ready).first().waitFor();
      await noError(page);
      const note = page.locator('#coverage-note');
      assert((await note.count()) === 1, `${path}: no coverage note`);
      assert((await note.innerText()).includes('1–17 (2008–2013)'), `${path}: ${await note.innerText()}`);
    }
    await page.goto(`${base}/?q=torture&lang=en`, { waitUntil: 'networkidle' });
    const label = await page.locator('a[data-facet="session"][data-key="14"] .facet-label').textContent();
    assert(label === 'Session 14 · 2012', `session facet: "${label}"`);
    const badge = await page.locator('ol.results .badge-session').first().innerText();
    assert(/^Session \d+ · 20(0[89]|1[0-3]) · Cycle [12]$/.test(badge), `result badge: "${badge}"`);
    await page.goto(`${base}/?q=torture&lang=es`, { waitUntil: 'networkidle' });
    const es = await page.locator('a[data-facet="session"][data-key="14"] .facet-label').textContent();
    assert(es === 'Sesión 14 · 2012', `Spanish session facet: "${es}"`);
  });

  await check('coverage: a search for a review the record lacks says so, not just "no results"', async () => {
    await page.goto(`${base}/?sur=USA&cycle=2&lang=en`, { waitUntil: 'networkidle' });
    await page.locator('#total').waitFor();
    await noError(page);
    assert((await page.locator('#total').getAttribute('data-total')) === '0', 'no recommendation to the USA in cycle 2 here');
    const gap = await page.locator('#coverage-gap').innerText();
    assert(gap.includes('Cycle 2 is in this record only in part (sessions 13–17 of 13–26)'), `gap note: "${gap}"`);
    await page.goto(`${base}/?session=20-22&lang=en`, { waitUntil: 'networkidle' });
    await page.locator('#total').waitFor();
    assert((await page.locator('#coverage-gap').innerText()).includes('Sessions 20–22 are not in this record'), 'missing sessions named');
    // A cycle the record holds whole needs no such note.
    await page.goto(`${base}/?sur=USA&cycle=1&lang=en`, { waitUntil: 'networkidle' });
    await page.locator('#total').waitFor();
    assert((await page.locator('#coverage-gap').count()) === 0, 'no gap note for cycle 1');
  });

  await check('coverage: About lists what the record holds, each session with its dates in the language', async () => {
    await page.goto(`${base}/about?lang=fr`, { waitUntil: 'networkidle' });
    await page.locator('#coverage').waitFor();
    await noError(page);
    assert((await page.locator('#coverage li').count()) === cov.session_dates.length, 'one line per session');
    const s14 = await page.locator('#coverage li[data-session="14"]').innerText();
    assert(s14.includes('Session 14 · 2012') && /octobre/.test(s14) && /novembre 2012/.test(s14), `session 14: "${s14}"`);
    assert((await page.locator('#coverage .coverage-note').innerText()).includes('cycle 2 en partie'), 'French note');
  });

  await check('pledges: a state profile lists its voluntary pledges by session, with a link to search them', async () => {
    const lka = await api('/api/v1/pledges?state=LKA&per_page=200');
    assert(lka.total > 0, 'Sri Lanka has pledges');
    await page.goto(`${base}/states/LKA?lang=en`, { waitUntil: 'networkidle' });
    await page.locator('#pledges h2').waitFor();
    await page.locator('#pledges li.pledge').first().waitFor();
    await noError(page);
    assert((await page.locator('#pledges li.pledge').count()) === lka.total, 'every pledge listed');
    const heads = await page.locator('#pledges h3').allInnerTexts();
    const sessions = [...new Set(lka.results.map((p) => p.session))].sort((a, b) => a - b);
    assert(heads.length === sessions.length, `sessions ${heads}`);
    assert(heads[0].startsWith(`Session ${sessions[0]} · `), `first session heading "${heads[0]}"`);
    await page.locator('#search-pledges').click();
    await page.waitForURL(/\/pledges\?state=LKA/);
    await page.locator('#pledge-total').waitFor();
    assert(Number(await page.locator('#pledge-total').getAttribute('data-total')) === lka.total, 'the search lists the same pledges');
  });

  await check('pledges: the search finds and highlights; a pledge has its own page by uid', async () => {
    const found = await api('/api/v1/pledges?q=torture');
    assert(found.total > 0, 'pledges about torture');
    await page.goto(`${base}/pledges?q=torture&lang=en`, { waitUntil: 'networkidle' });
    await page.locator('#pledge-total').waitFor();
    await noError(page);
    assert(Number(await page.locator('#pledge-total').getAttribute('data-total')) === found.total, 'total as the API');
    assert((await page.locator('ol.results li.pledge mark').count()) > 0, 'highlighted words');
    assert((await page.locator('#coverage-note').innerText()).includes('1–19'), 'pledge coverage');
    // The pledges' own sessions (18, 19: no recommendation there) carry their year too.
    const s19 = await page.locator('a[data-facet="session"][data-key="19"] .facet-label').textContent();
    assert(s19 === 'Session 19 · 2014', `session 19: "${s19}"`);
    await shot(page, 'pledges');
    const first = found.results[0];
    await page.locator(`li.pledge[data-uid="${first.uid}"] a.badge-id`).click();
    await page.waitForURL(new RegExp(`/pledges/${first.uid}$`));
    await page.locator('#pledge-text').waitFor();
    await noError(page);
    assert((await page.locator('#pledge-text').innerText()).trim() === first.text.trim(), 'the pledge text');
    const facts = await page.locator('#pledge-facts').innerText();
    assert(facts.includes(first.uid) && facts.includes(`${first.source.file}:${first.source.line}`), facts);
    assert(!facts.includes('/upr-info/'), `a server path: ${facts}`);
    const cite = await page.locator('#pledge-cite').innerText();
    for (const part of ['Voluntary pledge by ', 'Universal Periodic Review, Working Group session', `${first.source.file}, line ${first.source.line}`, first.uid, `${base}/pledges/${first.uid}`])
      assert(cite.includes(part), `citation lacks "${part}": ${cite}`);
  });
}
