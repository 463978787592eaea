// Every language file under src/i18n has exactly the keys of en.json, a _meta with a name and a
// direction, and no empty string; every key the code asks for with t('...') exists in en.json;
// the six UN languages are there, Arabic right to left; the SDG goal names (sdg.1 .. sdg.17) are
// those of ../shared/data/sdg/<lang>/global_goals.yml ($OPENUPR_DATA_DIR, else ../shared/data).
// Run: node --test web/tests/i18n.test.mjs
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const src = join(dirname(fileURLToPath(import.meta.url)), '..', 'src');
const dir = join(src, 'i18n');
const load = (f) => JSON.parse(readFileSync(join(dir, f), 'utf8'));
const en = load('en.json');
const keys = (o) => Object.keys(o).filter((k) => k !== '_meta').sort();
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));

test('the six UN languages are there, Arabic right to left', () => {
  for (const l of ['en', 'fr', 'es', 'ar', 'zh', 'ru']) assert.ok(files.includes(`${l}.json`), l);
  assert.equal(load('ar.json')._meta.dir, 'rtl');
  for (const l of ['en', 'fr', 'es', 'zh', 'ru']) assert.equal(load(`${l}.json`)._meta.dir, 'ltr', l);
});

// The goals' short names of the UN SDG data ("16-short: Peace, justice ..."; quoted values are
// unquoted, surrounding spaces dropped). zh is the data's zh-Hans.
const dataDir = resolve(process.env.OPENUPR_DATA_DIR || join(src, '..', '..', '..', 'shared', 'data'));
function sdgGoals(code) {
  const text = readFileSync(join(dataDir, 'sdg', code === 'zh' ? 'zh-Hans' : code, 'global_goals.yml'), 'utf8');
  const out = {};
  for (const m of text.matchAll(/^(\d+)-short:[ \t]*(.*)$/gm)) {
    let v = m[2].trim();
    if (v.length >= 2 && v[0] === "'" && v.at(-1) === "'") v = v.slice(1, -1).replaceAll("''", "'");
    else if (v.length >= 2 && v[0] === '"' && v.at(-1) === '"') v = v.slice(1, -1);
    out[`sdg.${m[1]}`] = v.trim();
  }
  return out;
}

test('the SDG goal names are those of the UN data, in every language', () => {
  for (const f of files) {
    const code = f.replace(/\.json$/, '');
    const goals = sdgGoals(code);
    assert.equal(Object.keys(goals).length, 17, `${code}: 17 goals in the data`);
    const d = load(f);
    for (const [k, v] of Object.entries(goals)) assert.equal(d[k], v, `${f}: ${k}`);
  }
});

for (const f of files) {
  test(`${f} has exactly the keys of en.json`, () => {
    const d = load(f);
    const missing = keys(en).filter((k) => !(k in d));
    const extra = keys(d).filter((k) => !(k in en));
    assert.deepEqual({ missing, extra }, { missing: [], extra: [] });
  });
  test(`${f} has a _meta name and direction and no empty strings`, () => {
    const d = load(f);
    assert.ok(d._meta && typeof d._meta.name === 'string' && d._meta.name.length > 0);
    assert.ok(['ltr', 'rtl'].includes(d._meta.dir));
    for (const k of keys(d)) assert.ok(typeof d[k] === 'string' && d[k].trim() !== '', `${f}: ${k}`);
  });
  test(`${f} keeps the {placeholders} of en.json`, () => {
    const d = load(f);
    const ph = (s) => (s.match(/\{[a-z]+\}/g) ?? []).sort().join();
    for (const k of keys(en)) assert.equal(ph(d[k]), ph(en[k]), `${f}: ${k}`);
  });
}

test('every literal key used in the code is in en.json', () => {
  const walk = (d) =>
    readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : e.name.endsWith('.ts') ? [join(d, e.name)] : []));
  const used = new Set();
  for (const f of walk(src)) {
    for (const m of readFileSync(f, 'utf8').matchAll(/\bt\('([a-zA-Z0-9.-]+)'\s*[,)]/g)) used.add(m[1]);
  }
  const missing = [...used].filter((k) => !(k in en));
  assert.deepEqual(missing, []);
});
