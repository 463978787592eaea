// Facets as tools (issue 14), in Chromium on the real data: two states chosen by clicking in the
// state facet (the others stay listed, each count is what its click gives), type-ahead with the
// keyboard, removable chips (the text query too), the "break down these results" link to
// Explore, Explore's own filters (two themes shown as two chips, counts as the API's), and
// Compare's theme filter with counts beside shares.

const totalOf = async (page, sel = '#total') => Number(await page.locator(sel).getAttribute('data-total'));

// Waits until the element's data-total differs from before (the page re-rendered).
const totalChange = (page, before, sel = '#total') =>
  page.waitForFunction(([s, n]) => {
    const el = document.querySelector(s);
    return el && Number(el.getAttribute('data-total')) !== n;
  }, [sel, before]);

// The API's total for a query string, asked from the page.
const apiTotal = (page, qs) => page.evaluate(async (u) => (await (await fetch(u)).json()).total, '/api/v1/recommendations?per_page=1&' + qs);

const countOf = async (link) => Number(await link.getAttribute('data-count'));

export async function run({ check, assert, page, base, shot, noError }) {
  await check('facets: two states chosen by clicking in the state facet, type-ahead, counts equal the clicks', async () => {
    await page.goto(base + '/?q=torture', { waitUntil: 'networkidle' });
    await page.locator('#total').waitFor();
    const t0 = await totalOf(page);
    const box = page.locator('#facet-filter-sur');
    // Type-ahead narrows the long state facet; France is found though not in the first eight.
    await box.fill('fran');
    const visible = page.locator('section[data-dim="sur"] li:not([hidden]) a.facet');
    await page.waitForFunction(() => document.querySelectorAll('section[data-dim="sur"] li:not([hidden])').length <= 3);
    const labels = await visible.locator('.facet-label').allInnerTexts();
    assert(labels.length >= 1 && labels.every((l) => /fran/i.test(l)), `visible after "fran": ${labels}`);
    const fra = page.locator('a[data-facet="sur"][data-key="FRA"]');
    const fraCount = await countOf(fra);
    await fra.click();
    await page.waitForURL(/sur=FRA/);
    await totalChange(page, t0);
    const t1 = await totalOf(page);
    assert(t1 === fraCount, `France: the facet said ${fraCount}, the click gave ${t1}`);
    // The other states stay listed with their counts while France is chosen.
    const listed = await page.locator('a[data-facet="sur"]').count();
    assert(listed > 50, `only ${listed} states listed once France is chosen`);
    assert((await page.locator('a[data-facet="sur"][data-key="FRA"]').getAttribute('aria-pressed')) === 'true', 'France shown as chosen');
    // The second state by keyboard: type, arrow down to the first match, Enter.
    await page.locator('#facet-filter-sur').fill('germany');
    await page.locator('#facet-filter-sur').press('ArrowDown');
    const focused = await page.evaluate(() => document.activeElement?.getAttribute('data-key'));
    assert(focused === 'DEU', `ArrowDown focused ${focused}`);
    const deuCount = await countOf(page.locator('a[data-facet="sur"][data-key="DEU"]'));
    await page.keyboard.press('Enter');
    await page.waitForURL(/sur=FRA%2CDEU|sur=FRA,DEU/);
    await totalChange(page, t1);
    const t2 = await totalOf(page);
    // One state under review per record: the two choices add up.
    assert(t2 === t1 + deuCount, `France ${t1} + Germany ${deuCount} != ${t2}`);
    assert(t2 === (await apiTotal(page, 'q=torture&sur=FRA,DEU')), 'the API agrees');
    const pressed = await page.locator('a[data-facet="sur"][aria-pressed="true"]').evaluateAll((as) => as.map((a) => a.dataset.key).sort());
    assert(pressed.join() === 'DEU,FRA', `chosen: ${pressed}`);
    assert((await page.locator('.active-filters .chip[data-field="sur"]').count()) === 2, 'two state chips');
    await noError(page);
    await shot(page, 'search-facets');
  });

  await check('facets: chips remove one filter each, the text query included', async () => {
    const t2 = await totalOf(page);
    await page.locator('.active-filters .chip[data-field="sur"][data-value="DEU"]').click();
    await page.waitForURL((u) => u.searchParams.get('sur') === 'FRA');
    await totalChange(page, t2);
    const t1 = await totalOf(page);
    assert(t1 === (await apiTotal(page, 'q=torture&sur=FRA')), `after removing Germany: ${t1}`);
    await page.locator('.active-filters .chip[data-field="q"]').click();
    await page.waitForURL((u) => !u.searchParams.has('q') && u.searchParams.get('sur') === 'FRA');
    await totalChange(page, t1);
    assert((await totalOf(page)) === (await apiTotal(page, 'sur=FRA')), 'after removing the text');
    assert((await page.locator('#q').inputValue()) === '', 'the box is empty once the text chip is removed');
  });

  await check('facets: a theme chosen with others keeps every theme and its own count', async () => {
    // The case: with a theme chosen, another theme's count is not the count within it.
    await page.goto(base + '/?q=%22death+penalty%22&theme=Death+penalty', { waitUntil: 'networkidle' });
    await page.locator('#total').waitFor();
    const t1 = await totalOf(page);
    await page.locator('#facet-filter-theme').fill('international instr');
    await page.locator('#facet-filter-theme').press('Enter');
    await page.waitForURL(/theme=International/);
    await totalChange(page, t1);
    const t2 = await totalOf(page);
    const want = await apiTotal(page, 'q=%22death+penalty%22&theme=Death+penalty&theme=International+instruments');
    assert(t2 === want, `${t2} != API ${want}`);
    // Each theme's count is the theme alone with the text query.
    for (const key of ['Death penalty', 'International instruments']) {
      const link = page.locator(`a[data-facet="theme"][data-key="${key}"]`);
      assert((await link.getAttribute('aria-pressed')) === 'true', `${key} chosen`);
      const alone = await apiTotal(page, `q=%22death+penalty%22&theme=${encodeURIComponent(key)}`);
      assert((await countOf(link)) === alone, `${key}: count ${await countOf(link)}, alone ${alone}`);
    }
    // Escape clears the type-ahead and the first eight values come back.
    await page.locator('#facet-filter-theme').fill('zzzz');
    assert(await page.locator('section[data-dim="theme"] .facet-nomatch').isVisible(), 'no-match message');
    await page.locator('#facet-filter-theme').press('Escape');
    assert((await page.locator('section[data-dim="theme"] li:not([hidden])').count()) === 8, 'eight values after Escape');
  });

  await check('facets: "break down these results" opens Explore with the text and every filter', async () => {
    await page.goto(base + '/?q=torture&sur=FRA,DEU&theme=Detention&theme=Death+penalty&response=noted', { waitUntil: 'networkidle' });
    await page.locator('#total').waitFor();
    const total = await totalOf(page);
    await page.locator('#breakdown').click();
    await page.waitForURL(/\/explore\?/);
    await page.locator('#explore-total').waitFor();
    const u = new URL(page.url());
    assert(u.searchParams.get('q') === 'torture', 'q carried over');
    assert(u.searchParams.getAll('theme').sort().join('|') === 'Death penalty|Detention', `themes: ${u.searchParams.getAll('theme')}`);
    assert(u.searchParams.get('sur') === 'FRA,DEU' && u.searchParams.get('response') === 'noted', 'filters carried over');
    assert((await totalOf(page, '#explore-total')) === total, 'Explore counts the same recommendations');
    const chips = await page.locator('.active-filters .chip:not(.chip-clear)').evaluateAll((cs) => cs.map((c) => `${c.dataset.field}=${c.dataset.value}`));
    for (const want of ['q=torture', 'sur=FRA', 'sur=DEU', 'theme=Detention', 'theme=Death penalty', 'response=noted'])
      assert(chips.includes(want), `chip ${want} missing: ${chips}`);
    await page.locator('.chart[data-ready]').waitFor();
    await noError(page);
  });

  await check('explore: two themes in the URL are both shown and counted; filters are added and removed in the page', async () => {
    await page.goto(base + '/explore?by=region&theme=Death+penalty&theme=Torture+and+other+CID+treatment', { waitUntil: 'networkidle' });
    await page.locator('#explore-total').waitFor();
    const t0 = await totalOf(page, '#explore-total');
    const want = await apiTotal(page, 'theme=Death+penalty&theme=Torture+and+other+CID+treatment');
    assert(t0 === want, `Explore ${t0}, API ${want}`);
    assert((await page.locator('.active-filters .chip[data-field="theme"]').count()) === 2, 'both themes shown');
    // The table's rows add up to the total (one region per record).
    await page.locator('.chart[data-ready]').waitFor();
    // Add a region, then a second one (values of a filter are alternatives).
    await page.locator('#explore-add-region').selectOption('african');
    await page.waitForURL(/region=african/);
    await totalChange(page, t0, '#explore-total');
    const t1 = await totalOf(page, '#explore-total');
    assert(t1 === (await apiTotal(page, 'theme=Death+penalty&theme=Torture+and+other+CID+treatment&region=african')), 'one region');
    await page.locator('#explore-add-region').selectOption('weog');
    await page.waitForURL(/region=african%2Cweog|region=african,weog/);
    await totalChange(page, t1, '#explore-total');
    const t2 = await totalOf(page, '#explore-total');
    assert(t2 === (await apiTotal(page, 'theme=Death+penalty&theme=Torture+and+other+CID+treatment&region=african,weog')), 'two regions');
    // The text box.
    await page.locator('#explore-q').fill('abolish');
    await page.locator('#explore-q-go').click();
    await page.waitForURL(/q=abolish/);
    await totalChange(page, t2, '#explore-total');
    const t3 = await totalOf(page, '#explore-total');
    assert(t3 === (await apiTotal(page, 'q=abolish&theme=Death+penalty&theme=Torture+and+other+CID+treatment&region=african,weog')), 'text query');
    // Removing one theme's chip keeps the other.
    await page.locator('.active-filters .chip[data-field="theme"][data-value="Death penalty"]').click();
    await page.waitForURL((u) => u.searchParams.getAll('theme').join() === 'Torture and other CID treatment');
    await totalChange(page, t3, '#explore-total');
    assert((await totalOf(page, '#explore-total')) === (await apiTotal(page, 'q=abolish&theme=Torture+and+other+CID+treatment&region=african,weog')), 'one theme left');
    await noError(page);
    await shot(page, 'explore-filters');
  });

  await check('compare: a theme filter narrows both states, shares come with their counts', async () => {
    await page.goto(base + '/compare?states=USA,JPN', { waitUntil: 'networkidle' });
    await page.locator('table.compare').waitFor();
    const receivedRow = () => page.locator('table.compare tbody tr').nth(1).locator('td');
    const before = Number((await receivedRow().first().innerText()).replace(/\D/g, ''));
    assert(before === (await apiTotal(page, 'sur=USA')), `the United States received ${before}`);
    await page.locator('#compare-theme').selectOption('Death penalty');
    await page.waitForURL(/theme=Death/);
    await page.waitForFunction((n) => {
      const td = document.querySelectorAll('table.compare tbody tr')[1]?.querySelector('td');
      return td && Number(td.textContent.replace(/\D/g, '')) !== n;
    }, before);
    const usa = Number((await receivedRow().nth(0).innerText()).replace(/\D/g, ''));
    const jpn = Number((await receivedRow().nth(1).innerText()).replace(/\D/g, ''));
    assert(usa > 0 && usa === (await apiTotal(page, 'sur=USA&theme=Death+penalty')), `the United States on the death penalty: ${usa}`);
    assert(jpn > 0 && jpn === (await apiTotal(page, 'sur=JPN&theme=Death+penalty')), `Japan on the death penalty: ${jpn}`);
    // The supported share with its counts: "NN% (supported of total)".
    const supportedUsa = await apiTotal(page, 'sur=USA&theme=Death+penalty&response=supported');
    const shareCell = await page.locator('table.compare tbody tr').nth(2).locator('td').first().innerText();
    assert(/\(\s*[\d,]+ of [\d,]+\s*\)/.test(shareCell), `share without counts: ${shareCell}`);
    const [n, of] = shareCell.match(/\(([\d,]+) of ([\d,]+)\)/).slice(1).map((x) => Number(x.replace(/,/g, '')));
    assert(n === supportedUsa && of === usa, `share counts ${n} of ${of}, want ${supportedUsa} of ${usa}`);
    assert((await page.locator('.active-filters .chip[data-field="theme"]').count()) === 1, 'the theme chip');
    await noError(page);
  });
}
