// Similar recommendations on a recommendation's page (issue 16; run by web/tests/e2e.mjs):
// - the page lists the most similar recommendations made to the same state and to any state,
//   each with its score, never the record itself, and in the order and with the scores of the
//   API's /recommendations/{uid}/similar;
// - a record repeated in the next review (GET /api/v1/repeated) names the repeat, and the
//   repeat names the record it repeats;
// - the labels follow the interface's language.

export async function run({ check, assert, page, base, shot, noError }) {
  let rec;
  await check('similar: a record lists the most similar ones, to its state and to any state', async () => {
    const res = await fetch(`${base}/api/v1/recommendations?q=torture&sur=LKA&per_page=1`);
    rec = (await res.json()).results[0];
    assert(rec && rec.uid, `no record: ${JSON.stringify(rec)}`);
    await page.goto(`${base}/recommendations/${rec.uid}`);
    await page.waitForSelector('#similar-same li, #similar-same.muted');
    await page.waitForSelector('#similar-all li');
    await noError(page);
    const api = await (await fetch(`${base}/api/v1/recommendations/${rec.uid}/similar?limit=6`)).json();
    const want = api.hits.filter((x) => !x.self).slice(0, 5);
    const links = await page.locator('#similar-all li a.result-title').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    assert(links.length === want.length, `${links.length} listed, ${want.length} expected`);
    want.forEach((x, i) => assert(links[i].startsWith(`/recommendations/${x.uid}`), `hit ${i}: ${links[i]} vs ${x.uid}`));
    const scores = await page.locator('#similar-all .badge-score').allInnerTexts();
    want.forEach((x, i) => assert(scores[i].includes(x.score.toFixed(2)), `score ${i}: ${scores[i]} vs ${x.score}`));
    assert(!links.some((l) => l.startsWith(`/recommendations/${rec.uid}`)), 'the record itself is listed');
    const same = await (await fetch(`${base}/api/v1/recommendations/${rec.uid}/similar?limit=6&sur=LKA`)).json();
    for (const x of same.hits) assert(x.sur === 'LKA', `a hit to ${x.sur} among Sri Lanka's`);
    const sameCount = await page.locator('#similar-same li').count();
    assert(sameCount === Math.min(5, same.hits.filter((x) => !x.self).length), `${sameCount} to Sri Lanka`);
    await page.locator('section.similar').scrollIntoViewIfNeeded();
    await shot(page, 'recommendation-similar');
  });

  await check('similar: a repeated recommendation and its repeat name each other', async () => {
    const reps = await (await fetch(`${base}/api/v1/repeated?sur=LKA&limit=1`)).json();
    const [earlier, later] = reps.chains[0].records;
    await page.goto(`${base}/recommendations/${earlier.uid}`);
    await page.waitForSelector('#repeated-as li');
    let link = await page.locator('#repeated-as a.result-title').getAttribute('href');
    assert(link.startsWith(`/recommendations/${later.uid}`), `repeated as ${link}, expected ${later.uid}`);
    const label = await page.locator('#repeated-as-label').innerText();
    assert(label.includes(reps.chains[0].scores[0].toFixed(2)), label);
    await page.goto(`${base}/recommendations/${later.uid}`);
    await page.waitForSelector('#repeat-of li');
    link = await page.locator('#repeat-of a.result-title').getAttribute('href');
    assert(link.startsWith(`/recommendations/${earlier.uid}`), `repeat of ${link}, expected ${earlier.uid}`);
    await noError(page);
  });

  await check('similar: the section speaks the interface language', async () => {
    await page.goto(`${base}/recommendations/${rec.uid}?lang=fr`);
    await page.waitForSelector('#similar-all li');
    const title = await page.locator('#h-similar').innerText();
    assert(title === 'Recommandations similaires', title);
    const score = await page.locator('#similar-all .badge-score').first().innerText();
    assert(score.startsWith('similarité'), score);
  });
}
