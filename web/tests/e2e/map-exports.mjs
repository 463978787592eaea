// Browser checks of exports that open right and of the map (issue 14, item 5), run by
// web/tests/e2e.mjs against the real server and data: every state with recommendations can be
// reached on the map (a shape, or a marker for the small states) and focused; the legend's
// class boundaries are the rule that colours the map; a click or Enter opens the search with the
// map's filters, and the search then counts what the map showed; the ranked list; the map's
// table has each column once; the map's data, the charts' tables and the search results download
// as CSV with the UTF-8 byte-order mark and a file name made from the filters.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

// Parses RFC 4180 CSV text (no BOM) into rows of fields.
function parseCsv(text) {
  const rows = [];
  let row = [];
  let f = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        f += '"';
        i++;
      } else if (c === '"') quoted = false;
      else f += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(f);
      f = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(f);
      rows.push(row);
      row = [];
      f = '';
      i++;
    } else f += c;
  }
  if (f !== '' || row.length) rows.push([...row, f]);
  return rows;
}

export async function run({ check, assert, page, base, noError, tmp, shot }) {
  const api = async (path) => {
    const r = await fetch(base + path);
    assert(r.ok, `${path}: HTTP ${r.status}`);
    return r.json();
  };
  // Clicks sel, waits for the download; returns its suggested name and bytes.
  const download = async (sel, name) => {
    const [dl] = await Promise.all([page.waitForEvent('download'), page.locator(sel).click()]);
    const failure = await dl.failure();
    assert(!failure, `${sel}: ${failure}`);
    const p = join(tmp, name);
    await dl.saveAs(p);
    return { name: dl.suggestedFilename(), bytes: readFileSync(p) };
  };
  const csvOf = (bytes, what) => {
    assert(bytes.subarray(0, 3).equals(BOM), `${what}: no UTF-8 byte-order mark (starts ${bytes.subarray(0, 8).toString('hex')})`);
    return parseCsv(bytes.subarray(3).toString('utf8'));
  };

  await check('map: every state with recommendations is a shape or a marker, focusable', async () => {
    const { states } = await api('/api/v1/states');
    for (const measure of ['received', 'made']) {
      const want = states.filter((s) => s[measure] > 0).map((s) => s.iso3);
      assert(want.length > 150, `${want.length} states with recommendations ${measure}`);
      await page.goto(`${base}/map${measure === 'made' ? '?measure=made' : ''}`, { waitUntil: 'networkidle' });
      await page.locator('svg.world [data-iso3="BRA"]').waitFor();
      const found = await page.evaluate((isos) => {
        const bad = [];
        for (const iso of isos) {
          const el = document.querySelector(`svg.world [data-iso3="${iso}"]`);
          if (!el) {
            bad.push(`${iso}: not on the map`);
            continue;
          }
          const b = el.getBoundingClientRect();
          if (!(b.width > 0 && b.height > 0)) bad.push(`${iso}: ${b.width}x${b.height} px`);
          if (el.getAttribute('tabindex') !== '0') bad.push(`${iso}: not in the tab order`);
          el.focus();
          if (document.activeElement !== el) bad.push(`${iso}: cannot be focused`);
          if (!el.getAttribute('data-value')) bad.push(`${iso}: no value`);
        }
        return bad;
      }, want);
      assert(found.length === 0, `${measure}: ${found.join('; ')}`);
    }
    // The small states the 1:110m shapes leave out are markers.
    for (const iso of ['SGP', 'MLT', 'MUS', 'MDV', 'BHR', 'TUV']) {
      assert((await page.locator(`circle.marker[data-iso3="${iso}"]`).count()) === 1, `${iso} has no marker`);
    }
    await noError(page);
  });

  await check('map: the legend shows the class boundaries that colour the map', async () => {
    for (const path of ['/map', '/map?measure=share&cycle=2']) {
      await page.goto(base + path, { waitUntil: 'networkidle' });
      await page.locator('#map-legend li').first().waitFor();
      const r = await page.evaluate(() => {
        const classes = [...document.querySelectorAll('#map-legend li[data-lo]')].map((li) => ({
          lo: Number(li.getAttribute('data-lo')),
          hi: Number(li.getAttribute('data-hi')),
          color: li.getAttribute('data-color'),
          text: li.textContent,
        }));
        const cells = [...document.querySelectorAll('svg.world [data-value]')].map((el) => ({
          iso: el.getAttribute('data-iso3'),
          v: Number(el.getAttribute('data-value')),
          fill: el.getAttribute('fill'),
        }));
        return { classes, cells };
      });
      const { classes, cells } = r;
      assert(classes.length >= 4, `${path}: ${classes.length} classes`);
      for (let i = 0; i < classes.length; i++) {
        const c = classes[i];
        assert(/\d/.test(c.text), `${path}: legend item without a number: ${c.text}`);
        assert(c.lo <= c.hi, `${path}: class ${c.text} ${c.lo} > ${c.hi}`);
        if (i) assert(c.lo > classes[i - 1].lo, `${path}: classes out of order`);
      }
      const vals = cells.map((c) => c.v);
      assert(classes[0].lo <= Math.min(...vals), `${path}: the first class starts above the smallest value`);
      assert(classes[classes.length - 1].hi >= Math.max(...vals), `${path}: the last class ends below the largest value`);
      const wrong = cells.filter((c) => {
        const cls = classes.filter((k) => c.v >= k.lo).pop();
        return !cls || cls.color !== c.fill || (!path.includes('share') && c.v > cls.hi);
      });
      assert(wrong.length === 0, `${path}: coloured outside their legend class: ${JSON.stringify(wrong.slice(0, 5))}`);
      // The legend's first and last numbers as shown.
      const first = (await page.locator('#map-legend li[data-lo]').first().innerText()).trim();
      assert(first.length > 0, 'legend text');
    }
    await shot(page, 'map-share');
  });

  await check('map: a click or Enter opens the search with the map filters, which counts the same', async () => {
    const theme = 'Death penalty';
    await page.goto(`${base}/map?theme=${encodeURIComponent(theme)}&cycle=1`, { waitUntil: 'networkidle' });
    const usa = page.locator('svg.world [data-iso3="USA"]');
    await usa.waitFor();
    const value = Number(await usa.getAttribute('data-value'));
    assert(value > 0, `USA value ${value}`);
    await usa.click();
    await page.waitForURL(/\/search\?/);
    const q = new URL(page.url()).searchParams;
    assert(q.get('sur') === 'USA' && q.get('theme') === theme && q.get('cycle') === '1', `search URL ${page.url()}`);
    await page.locator('#total[data-total]').waitFor();
    const total = Number(await page.locator('#total').getAttribute('data-total'));
    assert(total === value, `the search finds ${total}, the map showed ${value}`);
    // Made: the state as recommending state, by keyboard on a small state's marker.
    const theme2 = 'Torture and other CID treatment';
    await page.goto(`${base}/map?measure=made&theme=${encodeURIComponent(theme2)}`, { waitUntil: 'networkidle' });
    const mdv = page.locator('circle.marker[data-iso3="MDV"]');
    await mdv.waitFor();
    const made = Number(await mdv.getAttribute('data-value'));
    assert(made > 0, `the Maldives made ${made}`);
    await mdv.focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/search\?/);
    const q2 = new URL(page.url()).searchParams;
    assert(q2.get('from') === 'MDV' && q2.get('theme') === theme2 && !q2.get('sur'), `search URL ${page.url()}`);
    await page.locator('#total[data-total]').waitFor();
    const total2 = Number(await page.locator('#total').getAttribute('data-total'));
    assert(total2 === made, `the search finds ${total2}, the map showed ${made} for the Maldives`);
    await noError(page);
  });

  await check('map: the ranked list, the table without a repeated column, the CSV download', async () => {
    await page.goto(`${base}/map?theme=${encodeURIComponent('Death penalty')}&cycle=1`, { waitUntil: 'networkidle' });
    await page.locator('#map-ranking li').first().waitFor();
    const ranked = await page.locator('#map-ranking a').evaluateAll((as) => as.map((a) => ({ iso: a.getAttribute('data-iso3'), href: a.getAttribute('href') })));
    assert(ranked.length === 10, `${ranked.length} ranked states`);
    const values = await page.locator('svg.world [data-value]').evaluateAll((els) => els.map((e) => [e.getAttribute('data-iso3'), Number(e.getAttribute('data-value'))]));
    const byIso = new Map(values);
    const max = Math.max(...values.map((v) => v[1]));
    assert(byIso.get(ranked[0].iso) === max, `first ranked ${ranked[0].iso} has ${byIso.get(ranked[0].iso)}, the largest is ${max}`);
    for (let i = 1; i < ranked.length; i++) assert(byIso.get(ranked[i].iso) <= byIso.get(ranked[i - 1].iso), 'ranking order');
    assert(/^\/search\?sur=[A-Z]{3}&theme=Death\+penalty&cycle=1$/.test(ranked[0].href), `ranked link ${ranked[0].href}`);
    // The table: state and measure, once each.
    const heads = await page.locator('details.card table thead th').evaluateAll((ths) => ths.map((th) => th.textContent));
    assert(heads.length === 2 && new Set(heads).size === 2, `table columns ${JSON.stringify(heads)}`);
    // The CSV: named after the filters, with the mark, one row per state with a value, the API's numbers.
    const { name, bytes } = await download('#map-csv', 'map.csv');
    assert(name === 'openupr-map-received-death-penalty-cycle-1.csv', `file name ${name}`);
    const rows = csvOf(bytes, 'map CSV');
    assert(JSON.stringify(rows[0]) === JSON.stringify(['iso3', 'state', 'received']), `header ${rows[0]}`);
    assert(rows.length - 1 === values.length, `${rows.length - 1} rows, ${values.length} states with a value`);
    const agg = await api(`/api/v1/aggregations?by=sur&limit=0&theme=${encodeURIComponent('Death penalty')}&cycle=1`);
    const counts = new Map(agg.rows.map((r) => [r.keys.sur, r.count]));
    for (const [iso, , v] of rows.slice(1)) assert(counts.get(iso) === Number(v), `${iso}: CSV ${v}, API ${counts.get(iso)}`);
    // The share view: share and count, each once.
    await page.goto(`${base}/map?measure=share`, { waitUntil: 'networkidle' });
    await page.locator('#map-ranking li').first().waitFor();
    const shareHeads = await page.locator('details.card table thead th').evaluateAll((ths) => ths.map((th) => th.textContent));
    assert(shareHeads.length === 3 && new Set(shareHeads).size === 3, `share table columns ${JSON.stringify(shareHeads)}`);
    const share = await download('#map-csv', 'map-share.csv');
    assert(share.name === 'openupr-map-share.csv', `file name ${share.name}`);
    const shareRows = csvOf(share.bytes, 'share CSV');
    assert(JSON.stringify(shareRows[0]) === JSON.stringify(['iso3', 'state', 'supported_share', 'received']), `header ${shareRows[0]}`);
    // State names in UTF-8 (e.g. Côte d'Ivoire), read back as written.
    assert(shareRows.some((r) => r[0] === 'CIV' && r[1] === 'Côte d’Ivoire') || shareRows.some((r) => r[0] === 'CIV' && r[1] === "Côte d'Ivoire"), 'CIV row with its name');
    await noError(page);
  });

  await check('exports: search CSV named after its filters, with the mark and no server path', async () => {
    await page.goto(`${base}/?sur=LKA&theme=${encodeURIComponent('Death penalty')}&cycle=2`, { waitUntil: 'networkidle' });
    await page.locator('#total[data-total]').waitFor();
    const total = Number(await page.locator('#total').getAttribute('data-total'));
    assert(total > 0, 'no results');
    const { name, bytes } = await download('#dl-csv', 'search.csv');
    assert(name === 'openupr-LKA-death-penalty-cycle-2.csv', `file name ${name}`);
    const rows = csvOf(bytes, 'search CSV');
    assert(rows[0][0] === 'id', `first header cell ${JSON.stringify(rows[0][0])}`);
    assert(rows.length - 1 === total, `${rows.length - 1} rows, total ${total}`);
    const src = rows[0].indexOf('source_file');
    for (const r of rows.slice(1)) assert(/^sessions-\d\d-\d\d\.csv$/.test(r[src]), `source_file ${r[src]}`);
    assert(!bytes.includes('/upr-info/'), 'a server path in the export');
    // A non-ASCII query: the browser takes the RFC 8187 filename* (UTF-8) over the ASCII one.
    await page.goto(`${base}/?q=${encodeURIComponent('éducation')}&sur=CIV`, { waitUntil: 'networkidle' });
    await page.locator('#total[data-total]').waitFor();
    const civName = (await download('#dl-csv', 'civ.csv')).name;
    assert(civName === 'openupr-CIV-éducation.csv', `file name ${civName}`);
    // UTF-8 names: Côte d'Ivoire's own export.
    const civ = await fetch(`${base}/api/v1/export?sur=CIV`);
    const civBytes = Buffer.from(await civ.arrayBuffer());
    const civRows = csvOf(civBytes, 'CIV export');
    const col = civRows[0].indexOf('sur_name');
    assert(civRows.length > 2 && civRows.slice(1).every((r) => r[col] === "Côte d'Ivoire"), `sur_name ${civRows[1]?.[col]}`);
  });

  await check('charts: CSV (with the mark) and PNG downloads of a chart', async () => {
    await page.goto(`${base}/states/FRA`, { waitUntil: 'networkidle' });
    await page.locator('.chart[data-ready]').first().waitFor();
    const { name, bytes } = await download('#csv-cycles', 'cycles.csv');
    assert(name === 'openupr-FRA-cycles.csv', `file name ${name}`);
    const rows = csvOf(bytes, 'chart CSV');
    const shown = await page.locator('section.chart-card', { has: page.locator('#csv-cycles') }).locator('tbody tr').count();
    assert(rows.length - 1 === shown && shown > 0, `${rows.length - 1} CSV rows, ${shown} table rows`);
    const png = await download('#png-cycles', 'cycles.png');
    assert(png.name === 'openupr-FRA-cycles.png', `file name ${png.name}`);
    // Explore's pivot: named after the dimensions and filters.
    await page.goto(`${base}/explore?by=theme,region&cycle=2`, { waitUntil: 'networkidle' });
    await page.locator('.chart[data-ready]').first().waitFor();
    const pivot = await download('#csv-pivot', 'pivot.csv');
    assert(pivot.name === 'openupr-explore-theme-region-cycle-2-pivot.csv', `file name ${pivot.name}`);
    assert(csvOf(pivot.bytes, 'pivot CSV').length > 10, 'pivot rows');
    assert(png.bytes.subarray(1, 4).toString() === 'PNG' && png.bytes.length > 1000, `PNG ${png.bytes.length} bytes`);
  });
}
