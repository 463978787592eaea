// Stable identities and citations (run by web/tests/e2e.mjs):
// - an old link by row number (/recommendations/{id}) lands on the record's uid page;
// - the page shows the uid, the session's dates, a plain-text citation naming the review and
//   the source file and line (never a server path), BibTeX and CSL-JSON downloads named after
//   the uid, and the review's documents;
// - search results link to records by uid.

import { readFileSync } from 'node:fs';

const UID = /^[A-Z]{3}-\d{2,3}-[0-9a-f]{12}(-[1-9]\d*)?$/;

export async function run({ check, assert, page, base, shot, noError }) {
  let rec;
  await check('identity: an old numeric link opens the record at its uid, with how to cite it', async () => {
    const res = await fetch(`${base}/api/v1/recommendations?q=%22abolish+the+death+penalty%22&sur=USA&per_page=1`);
    rec = (await res.json()).results[0];
    assert(rec && UID.test(rec.uid), `no uid in ${JSON.stringify(rec)}`);
    await page.goto(`${base}/recommendations/${rec.id}`);
    await page.waitForSelector('#record-uid');
    await noError(page);
    const url = new URL(page.url());
    assert(url.pathname === `/recommendations/${rec.uid}`, `landed on ${url.pathname}`);
    assert((await page.locator('#record-uid').innerText()) === rec.uid, 'uid shown');
    assert((await page.locator('h1').innerText()).includes(rec.uid), 'uid in the title');
    const cite = await page.locator('#cite-text').innerText();
    for (const part of ['United States of America', 'Working Group session', 'Response:', '.csv, line ', rec.uid, `${base}/recommendations/${rec.uid}`])
      assert(cite.includes(part), `citation lacks "${part}": ${cite}`);
    assert(!cite.includes('/shared/') && !cite.includes('/upr-info/'), `a server path in the citation: ${cite}`);
    // The session's dates next to its number (session 9: November 2010).
    const dl = await page.locator('dl.record').innerText();
    assert(/November[^\n]*2010/.test(dl), `no session dates in ${dl}`);
    assert((await page.locator('ul.documents li a').count()) >= 2, 'the review documents');
    await shot(page, 'recommendation');
  });

  await check('identity: BibTeX and CSL-JSON downloads are named after the uid', async () => {
    const [bib] = await Promise.all([page.waitForEvent('download'), page.click('#dl-bibtex')]);
    assert(bib.suggestedFilename() === `${rec.uid}.bib`, bib.suggestedFilename());
    const text = readFileSync(await bib.path(), 'utf8');
    assert(text.startsWith(`@misc{openupr:${rec.uid},`), text.slice(0, 80));
    assert(text.includes(`url          = {${base}/recommendations/${rec.uid}}`), text);
    const [csl] = await Promise.all([page.waitForEvent('download'), page.click('#dl-csl')]);
    assert(csl.suggestedFilename() === `${rec.uid}.json`, csl.suggestedFilename());
    const items = JSON.parse(readFileSync(await csl.path(), 'utf8'));
    assert(items[0].id === rec.uid && items[0].URL === `${base}/recommendations/${rec.uid}`, JSON.stringify(items[0]));
    assert(Array.isArray(items[0].issued['date-parts'][0]) && items[0].issued['date-parts'][0][0] === 2010, 'issued 2010');
  });

  await check('identity: session dates follow the language, results link by uid', async () => {
    await page.goto(`${base}/recommendations/${rec.uid}?lang=fr`);
    await page.waitForSelector('#record-uid');
    const dl = await page.locator('dl.record').innerText();
    assert(/novembre 2010/.test(dl), `no French dates in ${dl}`);
    await page.goto(`${base}/?q=torture`);
    await page.waitForSelector('ol.results li a');
    const hrefs = await page.locator('ol.results li a[href^="/recommendations/"]').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    assert(hrefs.length > 0, 'no result links');
    for (const h of hrefs) assert(UID.test(h.split('/')[2].split('?')[0]), `a result links by ${h}`);
  });
}
