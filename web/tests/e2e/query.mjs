// The search box understands states, themes and fields (issue 14): in headless Chromium against
// the real binary and data. A state typed in the box is offered as a filter and one click leads
// to its recommendations; field:value terms are filters; an unclosed quote is repaired and the
// repair shown; a misspelling gets the record's word; what cannot be read is said, with the
// facets still there.

const totalOf = async (page) => Number(await page.locator('#total').getAttribute('data-total'));

// Marks the page shown, then does what leads to the next one and waits for its total: without
// the mark, the total of the page before could be read.
async function next(page, action) {
  await page.evaluate(() => document.querySelector('#total')?.setAttribute('data-stale', '1'));
  await action();
  await page.locator('#total:not([data-stale])').waitFor();
}

async function search(t, text) {
  const { page, base } = t;
  await page.goto(base + '/', { waitUntil: 'networkidle' });
  await page.locator('#q').fill(text);
  await next(page, async () => {
    await page.locator('#search-go').click();
    await page.waitForURL((u) => new URL(u).searchParams.get('q') === text);
  });
}

// The total the API gives for a query string (to compare the page with).
async function apiTotal(t, params) {
  const res = await t.page.request.get(t.base + '/api/v1/recommendations?per_page=1&' + params);
  t.assert(res.ok(), `${params}: HTTP ${res.status()}`);
  return (await res.json()).total;
}

export async function run(t) {
  const { check, assert, page, noError } = t;

  await check('query: "Sri Lanka enforced disappearances" leads in one step to Sri Lanka\'s recommendations on enforced disappearances', async () => {
    await search(t, 'Sri Lanka enforced disappearances');
    const offer = page.locator('a.suggestion[data-field="sur"][data-value="LKA"]');
    await offer.waitFor();
    const label = await offer.innerText();
    assert(label === 'State under review: Sri Lanka — apply?', `offer reads "${label}"`);
    const offered = Number((await offer.locator('xpath=..').locator('.muted').innerText()).replace(/\D/g, ''));
    assert(offered > 10, `offered count ${offered}`);
    // Only what leads somewhere is offered (Sri Lanka as recommending state on enforced
    // disappearances, or the theme with "Sri Lanka" as words, find nothing).
    const counts = (await page.locator('#query-suggestions .muted').allInnerTexts()).map((x) => Number(x.replace(/\D/g, '')));
    assert(counts.length >= 1 && counts.every((n) => n > 0), `suggestion counts ${counts}`);
    assert((await page.locator('#no-results').innerText()).includes('“Sri Lanka enforced disappearances”'), 'what was searched');
    await next(page, async () => {
      await offer.click();
      await page.waitForURL(/sur=LKA/);
    });
    assert((await page.locator('#q').inputValue()) === 'enforced disappearances', 'the rest of the box');
    const total = await totalOf(page);
    assert(total === offered, `total ${total}, offered ${offered}`);
    assert(total === (await apiTotal(t, 'sur=LKA&q=enforced+disappearances')), 'the API agrees');
    const states = await page.locator('.result-title').allInnerTexts();
    assert(states.length > 0 && states.every((s) => s === 'Sri Lanka'), `results for ${[...new Set(states)].join(', ')}`);
    assert((await page.locator('.result mark').count()) > 0, 'the rest is searched as text (highlighted)');
    assert((await page.locator('.chips .chip', { hasText: 'Sri Lanka' }).count()) === 1, 'the filter is an active chip');
    // The rest of the box is a theme's name: offered too, on top of the state.
    assert((await page.locator('a.suggestion[data-field="theme"][data-value="Enforced disappearances"]').count()) === 1, 'theme offered after the state');
    await noError(page);
  });

  await check('query: field:value terms in the box are filters (sur:LKA cycle:2 torture)', async () => {
    await search(t, 'sur:LKA cycle:2 torture');
    const applied = await page.locator('#query-applied').innerText();
    assert(applied.includes('State under review: Sri Lanka') && applied.includes('Cycle: Cycle 2'), applied);
    const total = await totalOf(page);
    assert(total > 0 && total === (await apiTotal(t, 'q=torture&sur=LKA&cycle=2')), `total ${total}`);
    const states = await page.locator('.result-title').allInnerTexts();
    assert(states.every((s) => s === 'Sri Lanka'), 'only Sri Lanka');
    await noError(page);
  });

  await check('query: an unbalanced quote is repaired, the repair shown, the facets kept', async () => {
    await search(t, '"death penalty');
    const repairs = await page.locator('#query-repairs').innerText();
    assert(repairs.includes('closed the quote opened at position 1'), repairs);
    assert((await page.locator('#query-searched').innerText()) === '"death penalty"', 'what was searched');
    const total = await totalOf(page);
    assert(total > 100 && total === (await apiTotal(t, 'q=%22death+penalty%22')), `total ${total}`);
    assert((await page.locator('a[data-facet="cycle"]').count()) > 0, 'facets are there');
    assert((await page.locator('.error').count()) === 0, 'no error shown');
    // A dangling operator too.
    await search(t, 'torture AND');
    assert((await page.locator('#query-repairs').innerText()).includes('removed the AND at position 9'), 'AND repair');
    assert((await totalOf(page)) === (await apiTotal(t, 'q=torture')), 'searched torture');
  });

  await check("query: 'tortue' finds nothing, says what was searched, and offers 'torture'", async () => {
    await search(t, 'tortue');
    assert((await totalOf(page)) === 0, 'tortue is in no record');
    const msg = await page.locator('#no-results').innerText();
    assert(msg.includes('“tortue”') && msg.includes('Try:') && msg.includes('tortur*'), msg);
    const link = page.locator('#did-you-mean-link');
    assert((await link.innerText()) === 'torture', `did you mean ${await link.innerText()}`);
    await next(page, async () => {
      await link.click();
      await page.waitForURL((u) => new URL(u).searchParams.get('q') === 'torture');
    });
    assert((await totalOf(page)) > 100, 'torture found');
    // In French.
    await page.goto(t.base + '/?q=tortue&lang=fr', { waitUntil: 'networkidle' });
    await page.locator('#did-you-mean').waitFor();
    assert((await page.locator('#did-you-mean').innerText()).startsWith('Vouliez-vous dire'), 'French');
  });

  await check('query: a text that cannot be read is a message naming the problem, and the facets stay', async () => {
    await page.goto(t.base + '/?cycle=2&q=' + encodeURIComponent('torture OR NOT detention'), { waitUntil: 'networkidle' });
    const err = page.locator('#query-error');
    await err.waitFor();
    const text = await err.innerText();
    assert(text.includes('NOT cannot stand alone beside OR') && !text.includes('Something went wrong'), text);
    assert((await page.locator('a[data-facet="response"]').count()) > 0, 'facets are there');
    assert((await totalOf(page)) === (await apiTotal(t, 'cycle=2')), 'the filters alone are shown');
    assert((await page.locator('#q').inputValue()) === 'torture OR NOT detention', 'the text stays in the box');
  });
}
