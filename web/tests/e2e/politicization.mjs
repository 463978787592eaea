// The politicization page and the page of two states (issue 15; run by web/tests/e2e.mjs on the
// real data, UPR Info and the Council's votes imported). What a user sees is checked against the
// API's own answers, formatted here independently of the app:
// - /politicization: every coefficient and its standard errors as the API's (three decimals,
//   sign shown), a sentence saying what each means; as many points in the scatter plot as the
//   severity rows with an agreement; reciprocity's two correlations; the double-standards top
//   ten in the API's order; the theme and outcome selectors changing the URL and the numbers to
//   the API's for "Women's rights" / share noted; a URL reopening the same view;
// - /pair?a=FRA&b=LKA: the recommendations each way (count, mean action, share noted) as the
//   severity endpoint's with from and sur, the link to the search of them, the Council agreement
//   overall and per five-year period as /api/v1/votes/agreement's; states chosen by name; the
//   agreement view linking to it;
// - both under Votes in the navigation, and no horizontal scrolling at 375 px.

export async function run({ check, assert, page, base, shot, noError }) {
  const api = async (path) => {
    const res = await fetch(base + path);
    assert(res.ok, `${path}: HTTP ${res.status}`);
    return res.json();
  };
  const settled = async () => {
    await page.locator('h1').first().waitFor();
    await page.waitForFunction(() => !document.querySelector('main[aria-busy], .loading'));
  };
  // "-0.574", "+0.009" as the page should print them in English (hyphen-minus, as Intl in en).
  const signed = (x, d = 3) => {
    const r = Number(x.toFixed(d));
    return r === 0 ? (0).toFixed(d) : `${r < 0 ? '-' : '+'}${Math.abs(r).toFixed(d)}`;
  };
  const fixed = (x, d = 3) => x.toFixed(d);
  const pct = (x) => `${(Math.round(x * 1000) / 10).toFixed(1).replace(/\.0$/, '')}%`;
  const tallShot = async (name, height) => {
    await page.setViewportSize({ width: 1280, height });
    try {
      await shot(page, name);
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 });
    }
  };

  // The page's numbers against the API's for the query string qs (the page's URL parameters).
  const samePolitics = async (qs, outcome) => {
    const p = new URLSearchParams(qs);
    p.set('outcome', outcome);
    const [len, sev, rec, ds] = await Promise.all(['leniency', 'severity', 'reciprocity', 'double-standards'].map((w) => api(`/api/v1/politicization/${w}?${p}`)));
    const rows = await page.locator('#pol-coefficients tbody tr').evaluateAll((trs) =>
      trs.map((tr) => ({ name: tr.dataset.name, estimate: tr.querySelector('.estimate').innerText, se: tr.querySelector('.se').innerText, cse: tr.querySelector('.cluster-se').innerText, meaning: tr.querySelector('.meaning').innerText })),
    );
    assert(rows.length === 3, `${rows.length} coefficients shown`);
    for (const c of len.coefficients) {
      const row = rows.find((r) => r.name === c.name);
      assert(row, `${c.name} not shown`);
      assert(row.estimate === signed(c.estimate), `${c.name}: ${row.estimate}, API ${c.estimate}`);
      assert(row.se === fixed(c.se) && row.cse === fixed(c.cluster_se), `${c.name}: s.e. ${row.se} / ${row.cse}, API ${c.se} / ${c.cluster_se}`);
      assert(row.meaning.length > 40, `${c.name}: no sentence`);
    }
    // The scatter: one point per dyad with an agreement over min_shared roll calls and an outcome
    // (counted here from the whole severity answer; the page asks with with_agreement=true).
    const y = (d) => (outcome === 'noted' ? d.noted_share : d.mean_action);
    let withAgreement = 0;
    for (const d of sev.results) if (d.agreement && d.agreement.both >= sev.agreement_over.min_shared && d.agreement.share !== null && y(d) !== null) withAgreement++;
    await page.locator('.chart[data-chart="pol-dyads"][data-ready]').waitFor();
    const drawn = await page.evaluate(() => document.querySelector('.chart[data-chart="pol-dyads"]').echart.getOption().series.reduce((n, s) => n + s.data.length, 0));
    assert(drawn === withAgreement && drawn > 0, `${drawn} points drawn, API ${withAgreement} rows with agreement`);
    assert(Number(await page.locator('#pol-dots').getAttribute('data-points')) === withAgreement, 'points said');
    // Reciprocity, double standards.
    const two = (v) => (v === null ? '—' : v.toFixed(2));
    assert((await page.locator('#pol-correlation').innerText()) === two(rec.correlation), `correlation ${await page.locator('#pol-correlation').innerText()}, API ${rec.correlation}`);
    assert((await page.locator('#pol-adjusted').innerText()) === two(rec.adjusted_correlation), 'adjusted correlation');
    const top = await page.locator('#pol-double-rows tr').evaluateAll((trs) => trs.map((tr) => [tr.dataset.from, tr.children[1].innerText]));
    const want = ds.results.slice(0, 10);
    assert(top.length === want.length, `${top.length} double standards shown, API ${want.length}`);
    top.forEach(([from, index], i) => assert(from === want[i].from && index === signed(want[i].index), `rank ${i + 1}: ${from} ${index}, API ${want[i].from} ${want[i].index}`));
    return len;
  };

  await check('politicization: the coefficients, the scatter, reciprocity and double standards are the API\'s', async () => {
    await page.goto(`${base}/politicization`);
    await settled();
    await noError(page);
    const len = await samePolitics('', 'action');
    // The whole record's agreement coefficient of docs/politicization.md: about half a category.
    const agreement = len.coefficients.find((c) => c.name === 'agreement');
    assert(agreement.estimate < -0.3, `agreement ${agreement.estimate}`);
    const sentence = await page.locator('#pol-coefficients tr[data-name="agreement"] .meaning').innerText();
    assert(sentence.includes(`${Math.abs(agreement.estimate).toFixed(2)} of an action category softer`), sentence);
    assert((await page.locator('#pol-docs').innerText()).includes('docs/politicization.md'), 'the docs named');
    await tallShot('politicization', 1500);
  });

  await check('politicization: a theme and the outcome change the URL and the numbers; a URL reopens the view', async () => {
    await page.goto(`${base}/politicization`);
    await settled();
    await page.locator('#pol-theme').selectOption("Women's rights");
    await page.waitForURL(/theme=Women%27s\+rights|theme=Women's\+rights/);
    await settled();
    await page.locator('#pol-outcome').selectOption('noted');
    await page.waitForURL(/outcome=noted/);
    await settled();
    await noError(page);
    const url = new URL(page.url());
    assert(url.searchParams.get('theme') === "Women's rights", `theme ${url.searchParams.get('theme')}`);
    const women = await samePolitics("theme=Women's rights", 'noted');
    const whole = await api('/api/v1/politicization/leniency?outcome=noted');
    const a = (l) => l.coefficients.find((c) => c.name === 'agreement').estimate;
    assert(a(women) !== a(whole), 'the theme changes the coefficient');
    // The same URL opened anew shows the same view.
    await page.goto(url.href);
    await settled();
    assert((await page.locator('#pol-theme').inputValue()) === "Women's rights" && (await page.locator('#pol-outcome').inputValue()) === 'noted', 'selectors as in the URL');
    await samePolitics("theme=Women's rights", 'noted');
    const text = await page.locator('#pol-coefficients tr[data-name="agreement"] .meaning').innerText();
    assert(text.includes('percentage points'), text);
  });

  await check('pair: the recommendations each way and the votes per period are the API\'s', async () => {
    await page.goto(`${base}/pair?a=FRA&b=LKA`);
    await settled();
    await noError(page);
    for (const [id, from, sur] of [
      ['pair-ab', 'FRA', 'LKA'],
      ['pair-ba', 'LKA', 'FRA'],
    ]) {
      const s = await api(`/api/v1/politicization/severity?from=${from}&sur=${sur}`);
      const row = s.results.find((x) => x.from === from && x.sur === sur);
      const card = page.locator(`#${id}`);
      const count = Number(await card.getAttribute('data-count'));
      assert(count === (row ? row.count : 0), `${from}→${sur}: ${count}, API ${row?.count}`);
      if (!row) continue;
      assert(Number((await card.locator('.count .stat-value').innerText()).replace(/\D/g, '')) === row.count, `${id} count shown`);
      assert((await card.locator('.mean-action .stat-value').innerText()) === row.mean_action.toFixed(2), `${id} mean action`);
      assert((await card.locator('.noted-share .stat-value').innerText()) === pct(row.noted_share), `${id} share noted`);
      // The link to the search of them: its total is the count.
      const link = new URL(await card.locator('a.search-link').getAttribute('href'), base);
      assert(link.searchParams.get('from') === from && link.searchParams.get('sur') === sur, `${link}`);
      const search = await api(`/api/v1/recommendations?from=${from}&sur=${sur}&per_page=1`);
      assert(search.total === row.count, `search ${search.total}, severity ${row.count}`);
    }
    // France made recommendations to Sri Lanka in the record (11 in sessions 1-17).
    assert(Number(await page.locator('#pair-ab').getAttribute('data-count')) > 0, 'FRA made recommendations to LKA');
    const overall = await api('/api/v1/votes/agreement?state=FRA&with=LKA&body=hrc');
    assert(Number(await page.locator('#pair-votes').getAttribute('data-both')) === overall.agreement.both, 'both');
    assert(Number(await page.locator('#pair-votes').getAttribute('data-alike')) === overall.agreement.alike, 'alike');
    // Per period: the table's periods are 2006-2010, 2011-2015, ..., and each has the API's counts.
    const rows = await page.locator('.chart-card table tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.innerText)));
    assert(rows.length >= 4 && rows[0][0] === '2006–2010' && rows[1][0] === '2011–2015', `periods ${rows.map((r) => r[0])}`);
    let sum = 0;
    for (const [period, share, both] of rows) {
      const a = await api(`/api/v1/votes/agreement?state=FRA&with=LKA&body=hrc&year=${period.replace('–', '-')}`);
      assert(Number(both) === a.agreement.both, `${period}: ${both}, API ${a.agreement.both}`);
      if (a.agreement.share !== null) assert(share.startsWith(pct(a.agreement.share)), `${period}: ${share}, API ${a.agreement.share}`);
      sum += a.agreement.both;
    }
    assert(sum === overall.agreement.both, `periods add up to ${sum}, overall ${overall.agreement.both}`);
    await tallShot('pair', 1250);
  });

  await check('pair: states chosen by name, a URL reopening the view, the agreement view linking to it', async () => {
    await page.goto(`${base}/pair`);
    await settled();
    await page.locator('#pair-a').fill('Brazil');
    await page.locator('#pair-b').fill('China');
    await page.locator('#pair-go').click();
    await page.waitForURL(/a=BRA&b=CHN/);
    await page.locator('#pair-votes').waitFor();
    const s = await api('/api/v1/politicization/severity?from=BRA&sur=CHN');
    const count = s.results[0]?.count ?? 0;
    assert(Number(await page.locator('#pair-ab').getAttribute('data-count')) === count, 'BRA→CHN');
    await page.goto(page.url());
    await settled();
    assert(Number(await page.locator('#pair-ab').getAttribute('data-count')) === count, 'reopened');
    assert((await page.locator('#pair-a').inputValue()) === 'Brazil', 'picker filled');
    await page.locator('#pair-b').fill('Atlantis');
    await page.locator('#pair-go').click();
    await page.locator('#pair-unknown').waitFor();
    // From the agreement view's pair and ranked list.
    await page.goto(`${base}/votes/agreement?state=FRA&with=LKA`);
    await page.locator('#agr-pair').waitFor();
    const to = new URL(await page.locator('#agr-pair-page').getAttribute('href'), base);
    assert(to.pathname === '/pair' && to.searchParams.get('a') === 'FRA' && to.searchParams.get('b') === 'LKA', `${to}`);
    const first = page.locator('#agr-ranking li').first();
    const iso = await first.getAttribute('data-iso3');
    await first.locator('a.pair-link').click();
    await page.waitForURL(new RegExp(`/pair\\?a=FRA&b=${iso}`));
    await page.locator('#pair-votes').waitFor();
  });

  await check('politicization and pair: under Votes in the navigation, 375 px without horizontal scrolling', async () => {
    await page.goto(`${base}/votes/cohesion`);
    await settled();
    await page.locator('#subnav-politicization').click();
    await page.waitForURL(/\/politicization$/);
    await settled();
    assert((await page.locator('.site-header a[aria-current="page"]').innerText()) === 'Votes', 'Votes is the current entry');
    assert((await page.locator('#subnav-politicization').getAttribute('aria-current')) === 'page', 'the subnav entry');
    await page.locator('#subnav-pair').click();
    await page.waitForURL(/\/pair$/);
    await page.setViewportSize({ width: 375, height: 812 });
    try {
      for (const path of ['/politicization', '/pair?a=FRA&b=LKA']) {
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
