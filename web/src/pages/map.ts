// World map: a choropleth of a measure per state (recommendations received, made, or the
// supported share of those received), filtered by theme and cycle; hover shows the value, a
// click (or Enter) opens the state profile. URL: /map?measure=received|made|share&theme=..&cycle=..

import { getJson, type AggResponse } from '../api';
import { dataTable } from '../charts';
import { fmtInt, fmtPct, h } from '../dom';
import { lang, t } from '../i18n';
import { navigate, type Route } from '../router';
import { coverageNote } from '../coverage';
import { errorBox, href, pageTitle, states, stateName } from '../ui';

const MEASURES = ['received', 'made', 'share'] as const;
type Measure = (typeof MEASURES)[number];
// A sequential blue scale (light to dark) with a dark end that keeps contrast with the labels.
const PALETTE = ['#deebf7', '#c6dbef', '#9ecae1', '#6baed6', '#4292c6', '#2171b5', '#08519c', '#08306b'];
const NO_DATA = '#e5e7eb';

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

export async function render(root: HTMLElement, r: Route): Promise<void> {
  const q = r.query;
  const measure: Measure = (MEASURES as readonly string[]).includes(q.get('measure') ?? '') ? (q.get('measure') as Measure) : 'received';
  const theme = q.get('theme') ?? '';
  const cycle = q.get('cycle') ?? '';
  const L = lang();

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

  // Values by ISO3, then by M49 code for the shapes.
  const value = new Map<string, { v: number; count: number }>();
  for (const row of agg.rows) {
    const iso = String(row.keys[agg.by[0]]);
    value.set(iso, { v: measure === 'share' ? row.supported_share : row.count, count: row.count });
  }
  const byM49 = new Map<number, string>();
  for (const s of table.values()) if (s.m49) byM49.set(parseInt(s.m49, 10), s.iso3);
  if (byM49.size === 0) root.append(errorBox(new Error(t('map.noM49'))));

  const vals = [...value.values()].map((x) => x.v);
  const max = measure === 'share' ? 1 : Math.max(1, ...vals);
  const min = measure === 'share' ? Math.min(...vals.filter((x) => !Number.isNaN(x)), 1) : 0;
  const color = (v: number): string => {
    const f = max > min ? (v - min) / (max - min) : 1;
    return PALETTE[Math.min(PALETTE.length - 1, Math.max(0, Math.floor(f * PALETTE.length)))];
  };
  const fmt = (v: number): string => (measure === 'share' ? fmtPct(v, L) : fmtInt(v, L));

  const NS = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(NS, 'svg');
  svg.setAttribute('viewBox', `0 0 ${mapLib.WIDTH} ${mapLib.HEIGHT}`);
  svg.setAttribute('class', 'world');
  svg.setAttribute('role', 'group');
  svg.setAttribute('aria-label', `${t('map.title')}: ${t('map.measure.' + measure)}`);
  const tip = h('div', { class: 'map-tip', role: 'status', 'aria-live': 'polite', hidden: true });
  const wrap = h('div', { class: 'map-wrap' });
  for (const c of mapLib.countries()) {
    const iso = byM49.get(c.m49);
    const path = document.createElementNS(NS, 'path');
    path.setAttribute('d', c.d);
    const val = iso ? value.get(iso) : undefined;
    path.setAttribute('fill', val && (measure !== 'share' || val.count > 0) ? color(val.v) : NO_DATA);
    path.setAttribute('class', 'country');
    if (iso) {
      const label = `${stateName(iso)}: ${val ? fmt(val.v) : t('map.noData')}${measure === 'share' && val ? ` (${fmtInt(val.count, L)})` : ''}`;
      path.setAttribute('data-iso3', iso);
      path.setAttribute('tabindex', '0');
      path.setAttribute('role', 'link');
      path.setAttribute('aria-label', label);
      const title = document.createElementNS(NS, 'title');
      title.textContent = label;
      path.appendChild(title);
      const show = (ev?: MouseEvent): void => {
        tip.textContent = label;
        tip.hidden = false;
        if (ev) {
          const b = wrap.getBoundingClientRect();
          tip.style.left = `${Math.min(ev.clientX - b.left + 12, b.width - 180)}px`;
          tip.style.top = `${ev.clientY - b.top + 12}px`;
        } else {
          tip.style.left = '8px';
          tip.style.top = '8px';
        }
      };
      path.addEventListener('mousemove', (ev) => show(ev as MouseEvent));
      path.addEventListener('focus', () => show());
      path.addEventListener('mouseleave', () => (tip.hidden = true));
      path.addEventListener('blur', () => (tip.hidden = true));
      const open = (): void => navigate(href(`/states/${iso}`));
      path.addEventListener('click', open);
      path.addEventListener('keydown', (ev) => {
        if ((ev as KeyboardEvent).key === 'Enter') open();
      });
    }
    svg.appendChild(path);
  }
  wrap.append(svg as unknown as HTMLElement, tip);

  const legend = h(
    'div',
    { class: 'legend', 'aria-hidden': 'true' },
    h('span', null, fmt(min)),
    ...PALETTE.map((c) => h('span', { class: 'swatch', style: `background:${c}` })),
    h('span', null, fmt(max)),
    h('span', { class: 'swatch', style: `background:${NO_DATA};margin-inline-start:1em` }),
    h('span', null, t('map.noData')),
  );
  root.append(h('p', { class: 'muted' }, t('map.hint')), wrap, legend);

  // The same numbers as a table, every state with a value.
  const rows = [...value.entries()]
    .filter(([iso]) => table.has(iso))
    .sort((a, b) => b[1].v - a[1].v)
    .map(([iso, x]) => [stateName(iso), measure === 'share' ? fmtPct(x.v, L) : x.v, x.count] as (string | number)[]);
  root.append(
    h(
      'details',
      { class: 'card' },
      h('summary', null, t('chart.table')),
      dataTable([t('dim.sur'), t('map.measure.' + measure), t('label.count')], rows, t('map.title')),
    ),
  );
}
