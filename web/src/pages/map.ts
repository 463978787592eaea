// World map: a choropleth of a measure per state (recommendations received, made, or the
// supported share of those received), filtered by theme and cycle. States too small for the
// 1:110m shapes are drawn as markers, so every state can be reached. Hover or focus shows the
// value; a click (or Enter) opens the search for that state with the map's filters. A legend
// with the class boundaries, a ranked list of the top states, the numbers as a table and as a
// CSV download. URL: /map?measure=received|made|share&theme=..&cycle=..

import { getJson, type AggResponse } from '../api';
import { dataTable } from '../charts';
import { csvBlob, downloadBlob, fileSlug, fmtInt, fmtPct, h } from '../dom';
import { lang, t } from '../i18n';
import { navigate, type Route } from '../router';
import { coverageNote } from '../coverage';
import { errorBox, href, pageTitle, states, stateName } from '../ui';

const MEASURES = ['received', 'made', 'share'] as const;
type Measure = (typeof MEASURES)[number];
// A sequential blue scale (light to dark) with a dark end that keeps contrast with the labels.
const PALETTE = ['#deebf7', '#c6dbef', '#9ecae1', '#6baed6', '#4292c6', '#2171b5', '#08519c', '#08306b'];
export const NO_DATA = '#e5e7eb';
const RANKED = 10;

let themeList: Promise<string[]> | null = null;
export function themes(): Promise<string[]> {
  themeList ??= getJson<AggResponse>('/api/v1/aggregations?by=theme&limit=0&sort=key').then((a) =>
    a.rows.map((r) => String(r.keys[a.by[0]])),
  );
  return themeList;
}
let cycleList: Promise<number[]> | null = null;
export function cycles(): Promise<number[]> {
  cycleList ??= getJson<{ sessions: { cycle: number }[] }>('/api/v1/sessions').then((s) => [...new Set(s.sessions.map((x) => x.cycle))].sort());
  return cycleList;
}

// A class of the legend: the values v with lo <= v < next class's lo (the last one up to hi).
export interface MapClass {
  lo: number;
  hi: number;
  color: string;
}

// Quantile classes (about as many states in each) of the values, at most PALETTE.length of
// them; boundaries are whole numbers for counts and whole percents for shares, so that the
// legend's numbers are exactly the rule that colours the map.
export function mapClasses(values: number[], share: boolean): MapClass[] {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return [];
  const round = share ? (x: number): number => Math.floor(x * 100) / 100 : Math.floor;
  const k = Math.min(PALETTE.length, new Set(v.map(round)).size);
  const lows = [round(v[0])];
  for (let i = 1; i < k; i++) {
    const q = round(v[Math.floor((i * v.length) / k)]);
    if (q > lows[lows.length - 1]) lows.push(q);
  }
  const max = v[v.length - 1];
  return lows.map((lo, i) => ({
    lo,
    hi: i + 1 < lows.length ? (share ? lows[i + 1] : lows[i + 1] - 1) : max,
    // Spread over the whole palette when there are fewer classes than colours.
    color: PALETTE[lows.length === 1 ? PALETTE.length - 1 : Math.round((i * (PALETTE.length - 1)) / (lows.length - 1))],
  }));
}

export function classOf(classes: MapClass[], v: number): MapClass | undefined {
  let found: MapClass | undefined;
  for (const c of classes) if (v >= c.lo) found = c;
  return found;
}

// The legend: each class's boundaries (inclusive for counts; for shares from lo up to the next
// class's lo), then "no data".
export function classLegend(classes: MapClass[], fmt: (v: number) => string, id = 'map-legend'): HTMLElement {
  const range = (c: MapClass): string => (c.lo === c.hi ? fmt(c.lo) : `${fmt(c.lo)}–${fmt(c.hi)}`);
  return h(
    'ul',
    { class: 'legend', id, 'aria-label': t('map.legend') },
    ...classes.map((c) =>
      h('li', { 'data-lo': c.lo, 'data-hi': c.hi, 'data-color': c.color }, h('span', { class: 'swatch', style: `background:${c.color}` }), h('span', null, range(c))),
    ),
    h('li', { 'data-color': NO_DATA }, h('span', { class: 'swatch', style: `background:${NO_DATA}` }), h('span', null, t('map.noData'))),
  );
}

export async function render(root: HTMLElement, r: Route): Promise<void> {
  const q = r.query;
  const measure: Measure = (MEASURES as readonly string[]).includes(q.get('measure') ?? '') ? (q.get('measure') as Measure) : 'received';
  const theme = q.get('theme') ?? '';
  const cycle = q.get('cycle') ?? '';
  const L = lang();
  const share = measure === 'share';

  const filter = new URLSearchParams({ by: measure === 'made' ? 'from' : 'sur', limit: '0' });
  if (theme) filter.set('theme', theme);
  if (cycle) filter.set('cycle', cycle);
  const [mapLib, agg, table, themeNames, cycleNums] = await Promise.all([
    import('../map-lib'),
    getJson<AggResponse>('/api/v1/aggregations?' + filter.toString(), r.signal),
    states(),
    themes(),
    cycles(),
  ]);

  root.append(pageTitle(t('map.title')));
  root.append(coverageNote() ?? '');

  // Controls: each change is a new URL.
  const set = (k: string, v: string): void => {
    const n = new URLSearchParams(q);
    if (v) n.set(k, v);
    else n.delete(k);
    navigate(href('/map', n), { keepScroll: true });
  };
  const measureSel = h('select', { id: 'map-measure' }, ...MEASURES.map((m) => h('option', { value: m, selected: m === measure }, t('map.measure.' + m))));
  const themeSel = h('select', { id: 'map-theme' }, h('option', { value: '' }, t('filter.allThemes')), ...themeNames.map((th) => h('option', { value: th, selected: th === theme }, th)));
  const cycleSel = h('select', { id: 'map-cycle' }, h('option', { value: '' }, t('filter.allCycles')), ...cycleNums.map((c) => h('option', { value: c, selected: String(c) === cycle }, t('label.cycleN', { n: c }))));
  measureSel.addEventListener('change', () => set('measure', measureSel.value === 'received' ? '' : measureSel.value));
  themeSel.addEventListener('change', () => set('theme', themeSel.value));
  cycleSel.addEventListener('change', () => set('cycle', cycleSel.value));
  root.append(
    h(
      'div',
      { class: 'controls' },
      h('label', { for: 'map-measure' }, t('map.measure'), ' ', measureSel),
      h('label', { for: 'map-theme' }, t('dim.theme'), ' ', themeSel),
      h('label', { for: 'map-cycle' }, t('dim.cycle'), ' ', cycleSel),
    ),
  );

  // Values by ISO3 (states of the reference table only), then by M49 code for the shapes.
  const value = new Map<string, { v: number; count: number }>();
  for (const row of agg.rows) {
    const iso = String(row.keys[agg.by[0]]);
    if (table.has(iso) && row.count > 0) value.set(iso, { v: share ? row.supported_share : row.count, count: row.count });
  }
  if (![...table.values()].some((s) => s.m49)) root.append(errorBox(new Error(t('map.noM49'))));

  const classes = mapClasses([...value.values()].map((x) => x.v), share);
  const fmt = (v: number): string => (share ? fmtPct(v, L) : fmtInt(v, L));
  const label = (iso: string): string => {
    const val = value.get(iso);
    return `${stateName(iso)}: ${val ? fmt(val.v) : t('map.noData')}${share && val ? ` (${fmtInt(val.count, L)})` : ''}`;
  };
  // Where a state leads: the search for its recommendations (received, or made for 'made') with
  // the map's theme and cycle.
  const searchHref = (iso: string): string => {
    const p = new URLSearchParams();
    p.set(measure === 'made' ? 'from' : 'sur', iso);
    if (theme) p.set('theme', theme);
    if (cycle) p.set('cycle', cycle);
    return href('/search', p);
  };
  // Each state coloured by its class, focusable, opening the search.
  const wrap = mapLib.worldMap({
    label: `${t('map.title')}: ${t('map.measure.' + measure)}`,
    states: table.values(),
    noData: NO_DATA,
    paint: (iso) => {
      const val = value.get(iso);
      const cls = val ? classOf(classes, val.v) : undefined;
      return { fill: cls ? cls.color : NO_DATA, label: label(iso), value: val?.v, open: () => navigate(searchHref(iso)) };
    },
  });

  const legend = classLegend(classes, fmt);

  // The top states by the measure (for the share, among states with at least the median count,
  // so that a state with two recommendations both supported does not lead), linking as the map.
  const counts = [...value.values()].map((x) => x.count).sort((a, b) => a - b);
  const minCount = share && counts.length ? counts[Math.floor(counts.length / 2)] : 0;
  const ranked = [...value.entries()]
    .filter(([, x]) => x.count >= minCount)
    .sort((a, b) => b[1].v - a[1].v || b[1].count - a[1].count || a[0].localeCompare(b[0]))
    .slice(0, RANKED);
  const ranking = h(
    'section',
    { class: 'card map-ranking', 'aria-labelledby': 'h-map-ranking' },
    h('h2', { id: 'h-map-ranking' }, t('map.ranking', { n: RANKED })),
    share ? h('p', { class: 'muted' }, t('map.rankingShareNote', { n: fmtInt(minCount, L) })) : null,
    ranked.length
      ? h('ol', { id: 'map-ranking' }, ...ranked.map(([iso, x]) => h('li', null, h('a', { href: searchHref(iso), 'data-iso3': iso }, stateName(iso)), ' ', h('span', { class: 'num' }, fmt(x.v)))))
      : h('p', { class: 'empty' }, t('status.empty')),
  );
  root.append(h('p', { class: 'muted' }, t('map.hint')), h('div', { class: 'map-layout' }, h('div', null, wrap, legend), ranking));

  // The same numbers as a table (each column once) and as a CSV file.
  const sorted = [...value.entries()].sort((a, b) => b[1].v - a[1].v || a[0].localeCompare(b[0]));
  const columns = share ? [t('dim.sur'), t('map.measure.share'), t('map.measure.received')] : [t(measure === 'made' ? 'dim.from' : 'dim.sur'), t('map.measure.' + measure)];
  const rows = sorted.map(([iso, x]) => (share ? [stateName(iso), fmtPct(x.v, L), x.count] : [stateName(iso), x.v]) as (string | number)[]);
  const csvName = ['openupr-map', measure, theme && fileSlug(theme), cycle && `cycle-${cycle}`].filter(Boolean).join('-') + '.csv';
  const csvButton = h('button', { type: 'button', class: 'btn', id: 'map-csv' }, t('chart.downloadCsv'));
  csvButton.addEventListener('click', () => {
    const head = share ? ['iso3', 'state', 'supported_share', 'received'] : ['iso3', 'state', measure];
    const body = sorted.map(([iso, x]) => (share ? [iso, stateName(iso), Number(x.v.toFixed(4)), x.count] : [iso, stateName(iso), x.v]));
    downloadBlob(csvName, csvBlob([head, ...body]));
  });
  root.append(
    h(
      'details',
      { class: 'card' },
      h('summary', null, t('chart.table')),
      dataTable(columns, rows, t('map.title')),
    ),
    h('div', { class: 'toolbar' }, csvButton),
  );
}
