// The six UN languages, accessibility and the phone layout (run by web/tests/e2e.mjs):
// - no raw i18n key (a key of en.json such as "region.none") in the text, aria-label, title or
//   placeholder of any page (search, a recommendation, state profiles including the Holy See,
//   map, explore, compare, about, not found, and the votes pages: resolutions, a resolution, the
//   voting map, agreement, cohesion) in any of the six languages;
// - the first search result is at most 5 Tab presses from page load (the skip link to the
//   results), at 1280 px and at 375 px;
// - at 375 px the filters are behind a "Filters" button above the results, and open in place;
// - Arabic renders right to left (header mirrored, no horizontal scrolling, charts and map drawn);
// - each chart's accessible description is the app's own summary in the chosen language, with
//   the numbers of its table;
// - supported and noted bars differ in lightness (contrast ratios of the colours in charts.ts).

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const webDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const langFile = (code) => JSON.parse(readFileSync(join(webDir, 'src/i18n', `${code}.json`), 'utf8'));
const LANGS = ['en', 'fr', 'es', 'ar', 'zh', 'ru'];

// Every string a user can see or hear on the page, one entry per text node or attribute (so that
// adjacent texts do not run together): text of the app (hidden parts too: folded details, tables
// behind a toggle, the closed filter drawer), aria-label, title, placeholder, alt, the document
// title.
async function pageStrings(page) {
  return page.evaluate(() => {
    const out = [document.title];
    const root = document.getElementById('app');
    // The recommendations' own texts (marked lang="en") are data, not interface strings.
    const data = (n) => n.parentElement?.closest('[lang]') && n.parentElement.closest('[lang]') !== document.documentElement;
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, { acceptNode: (n) => (data(n) ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT) });
    for (let n = walker.nextNode(); n; n = walker.nextNode()) if (n.data.trim()) out.push(n.data);
    for (const el of root.querySelectorAll('[aria-label], [title], [placeholder], [alt]'))
      for (const a of ['aria-label', 'title', 'placeholder', 'alt']) if (el.hasAttribute(a)) out.push(el.getAttribute(a));
    for (const el of root.querySelectorAll('svg title')) out.push(el.textContent);
    return out;
  });
}

// Waits until the page shows its title and has no loading line (the page is put in place once
// rendered), and, unless told not to, until its first chart (if any) is drawn.
async function settled(page, { charts = true } = {}) {
  await page.locator('h1').first().waitFor();
  await page.waitForFunction(() => !document.querySelector('main[aria-busy], .loading'));
  if (charts && (await page.locator('.chart').count())) await page.locator('.chart[data-ready]').first().waitFor();
}

function relLuminance(hex) {
  const c = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((x) => (x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4));
  return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
}
const contrast = (a, b) => {
  const [x, y] = [relLuminance(a), relLuminance(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
};

export async function run({ check, assert, page, base, shot, noError }) {
  const en = langFile('en');
  const keys = new Set(Object.keys(en).filter((k) => k !== '_meta'));
  // A raw key is a key of en.json, or a word shaped like one in a namespace of en.json (the
  // region.none of the Holy See was in no language file at all).
  const spaces = new Set([...keys].map((k) => k.split('.')[0]));
  const isRawKey = (w) => keys.has(w) || (spaces.has(w.split('.')[0]) && /^[a-z]+(\.[a-z0-9][a-zA-Z0-9_-]*)+$/.test(w));
  const files = Object.fromEntries(LANGS.map((l) => [l, langFile(l)]));
  const chartsSrc = readFileSync(join(webDir, 'src/charts.ts'), 'utf8');
  const colour = (name) => chartsSrc.match(new RegExp(`export const ${name} = '(#[0-9a-fA-F]{6})'`))?.[1];
  const supportedColour = colour('SUPPORTED');

  // A recommendation to open: the first result of a search.
  const res = await (await fetch(`${base}/api/v1/recommendations?q=torture&per_page=1`)).json();
  const rec = res.results[0];
  const recPath = `/recommendations/${rec.uid ?? rec.id}`;

  await check('no raw i18n key on any page in any language', async () => {
    const pages = [
      '/search?q=torture',
      '/search?q=torture&from-region=none',
      recPath,
      '/states/FRA',
      '/states/VAT', // the Holy See: no regional group
      '/map',
      '/explore?by=theme,region',
      '/explore?by=from-region,response&chart=bar',
      '/compare?states=FRA,DEU,BRA',
      '/about',
      '/no-such-page',
      // The Council's votes (issue 15).
      '/resolutions?q=Syrian',
      '/resolutions/ohchr-27576',
      '/votes/map?body=hrc',
      '/votes/agreement?state=FRA&with=USA',
      '/votes/cohesion',
      '/politicization',
      '/pair?a=FRA&b=LKA',
      // The drafting assistant (issue 16): its analysis, or the message without a classifier.
      '/draft?text=Consider+ratifying+the+Convention+against+Torture&sur=LKA',
    ];
    const found = [];
    for (const l of LANGS) {
      for (const p of pages) {
        await page.goto(`${base}${p}${p.includes('?') ? '&' : '?'}lang=${l}`, { waitUntil: 'domcontentloaded' });
        await settled(page, { charts: false });
        const lang = await page.evaluate(() => document.documentElement.lang);
        assert(lang === l, `${p}: <html lang> is ${lang}, expected ${l}`);
        for (const s of await pageStrings(page)) {
          for (const m of s.matchAll(/(?<![\w.-])[a-z][a-z0-9]*(?:\.[a-zA-Z0-9_-]+)+/g)) if (isRawKey(m[0])) found.push(`${l} ${p}: ${m[0]} in "${s.slice(0, 80)}"`);
          if (/\b(undefined|NaN)\b/.test(s)) found.push(`${l} ${p}: "${s.slice(0, 80)}"`);
        }
        // The page's own title is in the chosen language (not English) outside English.
        if (l !== 'en' && p === '/about') {
          const h1 = await page.locator('h1').innerText();
          assert(h1 === files[l]['about.title'], `${l}: about title "${h1}"`);
        }
      }
    }
    assert(found.length === 0, `raw keys or empty values shown:\n${found.join('\n')}`);
    await page.goto(`${base}/?lang=en`, { waitUntil: 'networkidle' });
  });

  await check('the Holy See and the State of Palestine show "no regional group" in every language', async () => {
    for (const l of LANGS) {
      for (const iso3 of ['VAT', 'PSE']) {
        await page.goto(`${base}/states/${iso3}?lang=${l}`, { waitUntil: 'domcontentloaded' });
        await settled(page, { charts: false });
        const lead = await page.locator('.lead').innerText();
        assert(lead.includes(files[l]['region.none']), `${l} ${iso3}: "${lead}"`);
      }
    }
    await page.goto(`${base}/?lang=en`, { waitUntil: 'networkidle' });
  });

  // From page load, Tab until the first result link; Enter on the skip link to the results (a
  // keyboard user's way past the header, the search form and the filters) is allowed.
  const tabsToFirstResult = async () => {
    await page.goto(`${base}/search?q=torture`, { waitUntil: 'networkidle' });
    await page.locator('.result-title').first().waitFor();
    const firstHref = await page.locator('.result-title').first().getAttribute('href');
    for (let tabs = 1; tabs <= 20; tabs++) {
      await page.keyboard.press('Tab');
      const a = await page.evaluate(() => ({ href: document.activeElement?.getAttribute('href'), cls: document.activeElement?.className ?? '' }));
      if (a.href === firstHref && a.cls.includes('result-title')) return tabs;
      if (a.href === '#results') {
        const visible = await page.evaluate(() => document.activeElement.getBoundingClientRect().width > 1);
        assert(visible, 'the skip link shows when focused');
        await page.keyboard.press('Enter');
        assert((await page.evaluate(() => document.activeElement?.id)) === 'results', 'Enter on the skip link moves the focus to the results');
      }
    }
    return Infinity;
  };

  await check('keyboard: the first result is at most 5 Tab presses from page load (1280 px and 375 px)', async () => {
    const wide = await tabsToFirstResult();
    assert(wide <= 5, `1280 px: ${wide} Tab presses`);
    await page.setViewportSize({ width: 375, height: 812 });
    try {
      const narrow = await tabsToFirstResult();
      assert(narrow <= 5, `375 px: ${narrow} Tab presses`);
      console.log(`#   Tab presses to the first result: ${wide} at 1280 px, ${narrow} at 375 px`);
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 });
    }
  });

  await check('phone layout: at 375 px the filters are a drawer above the results', async () => {
    await page.setViewportSize({ width: 375, height: 812 });
    try {
      await page.goto(`${base}/search?q=torture`, { waitUntil: 'networkidle' });
      const toggle = page.locator('#filters-toggle');
      await toggle.waitFor();
      assert(await toggle.isVisible(), 'the Filters button is shown');
      assert((await toggle.getAttribute('aria-expanded')) === 'false', 'closed at first');
      assert(!(await page.locator('.facets').isVisible()), 'the filters are folded away');
      const top = async (sel) => (await page.locator(sel).first().boundingBox()).y;
      const firstResult = await top('.result');
      assert((await top('#filters-toggle')) < firstResult, 'the button is above the results');
      // Without the filters before them, the results start on the first screen.
      assert(firstResult < 812, `the first result starts at ${firstResult} px`);
      await toggle.click();
      assert((await toggle.getAttribute('aria-expanded')) === 'true', 'opens');
      const facet = page.locator('a[data-facet="response"][data-key="noted"]');
      assert(await facet.isVisible(), 'the filters show when opened');
      assert((await top('.facets')) < (await top('.result')), 'the open drawer is above the results');
      await shot(page, 'search-375-filters');
      // A filter applies, the drawer stays open and the button tells how many filters are on.
      await facet.click();
      await page.waitForURL(/response=noted/);
      await page.locator('.chip').first().waitFor();
      // (The chips come before the results; the drawer with the results, once they are in.)
      await page.locator('#filters-toggle', { hasText: '1' }).waitFor();
      assert((await page.locator('#filters-toggle').getAttribute('aria-expanded')) === 'true', 'stays open after a filter click');
      assert((await page.locator('#filters-toggle').innerText()).includes('1'), 'the button counts the active filters');
      const w = await page.evaluate(() => document.documentElement.scrollWidth);
      assert(w <= 375, `page is ${w} px wide`);
      await page.locator('#filters-toggle').click();
      assert(!(await page.locator('.facets').isVisible()), 'closes again');
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 });
    }
    // At full width the button is hidden and the filters are beside the results.
    await page.goto(`${base}/search?q=torture`, { waitUntil: 'networkidle' });
    await page.locator('.result').first().waitFor();
    assert(!(await page.locator('#filters-toggle').isVisible()), 'no button at 1280 px');
    assert(await page.locator('a[data-facet="response"]').first().isVisible(), 'filters shown at 1280 px');
    await noError(page);
  });

  await check('Arabic renders right to left; charts and the map are drawn', async () => {
    await page.goto(`${base}/search?q=torture&lang=ar`, { waitUntil: 'networkidle' });
    await page.locator('.result').first().waitFor();
    const d = await page.evaluate(() => ({ dir: document.documentElement.dir, lang: document.documentElement.lang, css: getComputedStyle(document.body).direction }));
    assert(d.dir === 'rtl' && d.lang === 'ar' && d.css === 'rtl', JSON.stringify(d));
    assert((await page.locator('#search-go').innerText()) === files.ar['search.button'], 'the button is in Arabic');
    // Mirrored: the brand is at the right of the header, the filters at the right of the results.
    const box = async (sel) => page.locator(sel).first().boundingBox();
    const brand = await box('.brand');
    const nav = await box('.site-header nav');
    assert(brand.x > nav.x, `brand at ${brand.x}, navigation at ${nav.x}`);
    const facets = await box('.facets');
    const results = await box('.results-col');
    assert(facets.x > results.x, `filters at ${facets.x}, results at ${results.x}`);
    // The English texts of the recommendations keep their direction inside the Arabic page.
    assert((await page.locator('.result-text').first().getAttribute('dir')) === 'ltr', 'recommendation text marked ltr');
    await shot(page, 'search-ar');
    for (const w of [1280, 375]) {
      await page.setViewportSize({ width: w, height: 900 });
      for (const p of ['/search?q=torture', '/states/EGY', '/map', '/explore?by=theme,region', '/compare?states=EGY,JOR']) {
        await page.goto(`${base}${p}${p.includes('?') ? '&' : '?'}lang=ar`, { waitUntil: 'networkidle' });
        await settled(page);
        const sw = await page.evaluate(() => document.documentElement.scrollWidth);
        assert(sw <= w, `${p} at ${w} px: page is ${sw} px wide`);
        await noError(page);
      }
    }
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${base}/states/EGY?lang=ar`, { waitUntil: 'networkidle' });
    await page.locator('h1', { hasText: 'مصر' }).waitFor();
    await page.locator('.chart[data-ready]').first().waitFor();
    const canvas = await page.locator('.chart canvas').first().boundingBox();
    assert(canvas && canvas.width > 200 && canvas.height > 100, 'chart drawn');
    // The bar charts are mirrored: the supported bars of the themes chart grow from the right.
    const barsFrom = async () => {
      await page.locator('.chart[data-chart="themes"][data-ready]').waitFor();
      await page.waitForTimeout(300);
      return page.locator('.chart[data-chart="themes"] canvas').evaluate((c, colour) => {
        const { data } = c.getContext('2d').getImageData(0, 0, c.width, c.height);
        const want = [1, 3, 5].map((i) => parseInt(colour.slice(i, i + 2), 16));
        let sum = 0;
        let n = 0;
        for (let i = 0; i < data.length; i += 4)
          if (data[i] === want[0] && data[i + 1] === want[1] && data[i + 2] === want[2]) ((sum += (i / 4) % c.width), n++);
        return n ? sum / n / c.width : -1;
      }, supportedColour);
    };
    const arX = await barsFrom();
    assert(arX > 0.5, `Arabic: supported bars centred at ${(arX * 100).toFixed(0)}% of the width, expected the right half`);
    await shot(page, 'state-ar');
    await page.goto(`${base}/states/EGY?lang=en`, { waitUntil: 'networkidle' });
    const enX = await barsFrom();
    assert(enX > 0 && enX < 0.5, `English: supported bars centred at ${(enX * 100).toFixed(0)}% of the width, expected the left half`);
    await page.goto(`${base}/map?lang=ar`, { waitUntil: 'networkidle' });
    await page.locator('path.country[data-iso3="EGY"]').waitFor();
    const label = await page.locator('path.country[data-iso3="EGY"]').getAttribute('aria-label');
    assert(label.startsWith('مصر'), `map label "${label}"`);
    const svg = await box('svg.world');
    assert(svg.width > 600, `map ${svg.width} px wide`);
    await page.goto(`${base}/?lang=en`, { waitUntil: 'networkidle' });
  });

  await check("charts describe themselves in the chosen language, with their table's numbers", async () => {
    for (const l of LANGS) {
      await page.goto(`${base}/states/FRA?lang=${l}`, { waitUntil: 'networkidle' });
      await page.locator('.chart[data-ready]').first().waitFor();
      const chart = page.locator('.chart[data-chart="cycles"]');
      const label = await chart.getAttribute('aria-label');
      const title = files[l]['state.perCycle'];
      const head = files[l]['chart.summary.bar'].replace('{title}', title);
      assert(label.startsWith(head), `${l}: "${label.slice(0, 120)}" does not start with "${head}"`);
      // The first row of the table (cycle 1: received, made) is in the description.
      const cells = await page.locator('.chart-card').first().locator('tbody tr').first().locator('th, td').allTextContents();
      for (const c of cells) assert(label.includes(c), `${l}: "${c}" missing from "${label}"`);
      // ECharts' own (English) description is off.
      assert(!/This is a chart|The data is as follows/i.test(label), `${l}: ECharts' default description`);
      const ariaInside = await chart.locator('[aria-label]').count();
      assert(ariaInside === 0, `${l}: ECharts added its own aria-label`);
    }
    await page.goto(`${base}/explore?by=theme,region&lang=zh`, { waitUntil: 'networkidle' });
    await page.locator('.chart[data-ready]').waitFor();
    const heat = await page.locator('.chart').getAttribute('aria-label');
    assert(heat.startsWith('热图：'), `heatmap: "${heat.slice(0, 80)}"`);
    await page.goto(`${base}/?lang=en`, { waitUntil: 'networkidle' });
  });

  await check('supported and noted differ without colour: lightness contrast and a pattern', async () => {
    const src = chartsSrc;
    const s = colour('SUPPORTED');
    const n = colour('NOTED');
    assert(s && n, 'colours found in charts.ts');
    const sn = contrast(s, n);
    const nw = contrast(n, '#ffffff');
    const sw = contrast(s, '#ffffff');
    console.log(`#   supported ${s}, noted ${n}: ${sn.toFixed(2)}:1 between them, ${sw.toFixed(2)}:1 and ${nw.toFixed(2)}:1 on white`);
    assert(sn >= 3 && nw >= 3 && sw >= 3, 'each at least 3:1 against the other and the background (WCAG 1.4.11)');
    assert(/decal: s\.color === NOTED \? NOTED_DECAL/.test(src), 'noted bars carry the stripe pattern');
    // In the page: the themes chart's noted bars are lighter than its supported bars, on the canvas.
    await page.goto(`${base}/states/FRA`, { waitUntil: 'networkidle' });
    const chart = page.locator('.chart[data-chart="themes"]');
    await chart.locator('canvas').waitFor();
    await page.locator('.chart[data-chart="themes"][data-ready]').waitFor();
    await page.waitForTimeout(300);
    const lum = await chart.evaluate((el) => {
      const c = el.querySelector('canvas');
      const ctx = c.getContext('2d');
      const { data } = ctx.getImageData(0, 0, c.width, c.height);
      const hex = (r, g, b) => '#' + [r, g, b].map((x) => x.toString(16).padStart(2, '0')).join('');
      const seen = {};
      for (let i = 0; i < data.length; i += 4) seen[hex(data[i], data[i + 1], data[i + 2])] = (seen[hex(data[i], data[i + 1], data[i + 2])] ?? 0) + 1;
      return seen;
    });
    assert((lum[s.toLowerCase()] ?? 0) > 500, `supported bars drawn in ${s}`);
    assert((lum[n.toLowerCase()] ?? 0) > 100, `noted bars drawn in ${n}`);
  });
}
