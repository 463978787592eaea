// Explore: a pivot of one to three dimensions from /api/v1/aggregations, as a heatmap or a bar
// chart plus the table, over a selection: the text query and every filter of Search (several
// values per filter), each active one shown as a removable chip.
// URL: /explore?by=theme,region&chart=heatmap|bar&measure=count|share&q=..&<filters>

import { getJson, type AggResponse } from '../api';
import { barOption, chartCard, COLORS } from '../charts';
import { fmtInt, fmtPct, h } from '../dom';
import { filterChips } from '../facets';
import { apiParams, FILTERS, values } from '../filters';
import { lang, t } from '../i18n';
import { navigate, type Route } from '../router';
import { coverageNote } from '../coverage';
import { DIMENSIONS, href, keyLabel, pageTitle, stateList } from '../ui';
import { cycles, themes } from './map';

let sessionList: Promise<number[]> | null = null;
function sessions(): Promise<number[]> {
  sessionList ??= getJson<{ sessions: { session: number }[] }>('/api/v1/sessions').then((s) => s.sessions.map((x) => x.session));
  return sessionList;
}

export async function render(root: HTMLElement, r: Route): Promise<void> {
  const q = r.query;
  let by = (q.get('by') ?? 'theme,region').split(',').filter((d) => DIMENSIONS.includes(d));
  by = [...new Set(by)].slice(0, 3);
  if (!by.length) by = ['theme'];
  const chart = q.get('chart') === 'bar' || by.length === 1 ? 'bar' : 'heatmap';
  const measure = q.get('measure') === 'share' ? 'share' : 'count';
  const L = lang();

  const params = apiParams(q, { by: by.join(','), limit: '0' });
  const [agg, themeNames, cycleNums, sessionNums] = await Promise.all([
    getJson<AggResponse>('/api/v1/aggregations?' + params.toString(), r.signal),
    themes(),
    cycles(),
    sessions(),
  ]);
  root.append(pageTitle(t('explore.title')), h('p', { class: 'muted' }, t('explore.intro')));
  root.append(coverageNote() ?? '');

  const go = (n: URLSearchParams): void => navigate(href('/explore', n), { keepScroll: true });
  const dimSel = (i: number): HTMLSelectElement => {
    const s = h(
      'select',
      { id: `dim-${i}` },
      i > 0 ? h('option', { value: '' }, t('explore.none')) : null,
      ...DIMENSIONS.map((d) => h('option', { value: d, selected: by[i] === d }, t('dim.' + d))),
    );
    s.addEventListener('change', () => {
      const next = [...by];
      if (s.value) next[i] = s.value;
      else next.splice(i);
      const n = new URLSearchParams(q);
      n.set('by', [...new Set(next.filter(Boolean))].join(','));
      go(n);
    });
    return s;
  };
  const radio = (name: string, val: string, cur: string, label: string, disabled = false): HTMLElement => {
    const input = h('input', { type: 'radio', name, value: val, id: `${name}-${val}`, checked: val === cur, disabled });
    input.addEventListener('change', () => {
      const n = new URLSearchParams(q);
      n.set(name, val);
      go(n);
    });
    return h('label', { for: `${name}-${val}`, class: 'radio' }, input, ' ', label);
  };
  // The filters: a text box, and for each filter a list that adds one more value (values of
  // one filter are alternatives, as in Search); the active ones are the chips below.
  const regions = ['african', 'asia-pacific', 'eastern-european', 'grulac', 'weog'];
  const options: Record<(typeof FILTERS)[number], string[]> = {
    theme: themeNames,
    sur: stateList().map((s) => s.iso3),
    from: [...stateList().map((s) => s.iso3), 'unknown'],
    region: regions,
    'from-region': [...regions, 'none', 'unknown'],
    cycle: cycleNums.map(String),
    session: sessionNums.map(String),
    response: ['supported', 'noted', 'other'],
    action: ['1', '2', '3', '4', '5', 'unknown'],
  };
  const addSel = (f: (typeof FILTERS)[number]): HTMLElement => {
    const cur = new Set(values(q, f));
    const s = h(
      'select',
      { id: `explore-add-${f}`, 'data-filter': f },
      h('option', { value: '' }, t('explore.addValue')),
      ...options[f].filter((v) => !cur.has(v)).map((v) => h('option', { value: v }, keyLabel(f, v))),
    );
    s.addEventListener('change', () => {
      if (!s.value) return;
      const n = new URLSearchParams(q);
      if (f === 'theme') n.append(f, s.value);
      else n.set(f, [...values(q, f), s.value].join(','));
      go(n);
    });
    return h('label', { for: `explore-add-${f}` }, t('dim.' + f), ' ', s);
  };
  const qInput = h('input', { type: 'search', id: 'explore-q', value: q.get('q') ?? '', placeholder: t('search.placeholder'), autocomplete: 'off' });
  const qForm = h('form', { class: 'explore-q', role: 'search' }, h('label', { for: 'explore-q' }, t('search.label'), ' ', qInput), h('button', { type: 'submit', class: 'btn', id: 'explore-q-go' }, t('explore.apply')));
  qForm.addEventListener('submit', (e) => {
    e.preventDefault();
    const n = new URLSearchParams(q);
    if (qInput.value.trim()) n.set('q', qInput.value.trim());
    else n.delete('q');
    go(n);
  });
  root.append(
    h(
      'div',
      { class: 'controls' },
      h('label', { for: 'dim-0' }, t('explore.dim1'), ' ', dimSel(0)),
      h('label', { for: 'dim-1' }, t('explore.dim2'), ' ', dimSel(1)),
      by.length >= 2 ? h('label', { for: 'dim-2' }, t('explore.dim3'), ' ', dimSel(2)) : null,
      h('fieldset', null, h('legend', null, t('explore.chart')), radio('chart', 'heatmap', chart, t('explore.heatmap'), by.length < 2), radio('chart', 'bar', chart, t('explore.bar'))),
      h('fieldset', null, h('legend', null, t('explore.measure')), radio('measure', 'count', measure, t('label.count')), radio('measure', 'share', measure, t('state.supportedShare'))),
    ),
    h(
      'details',
      { class: 'explore-filters', id: 'explore-filters', open: true },
      h('summary', null, t('explore.filters')),
      h('div', { class: 'controls' }, qForm, ...FILTERS.map(addSel)),
    ),
  );
  const chips = filterChips(q, '/explore');
  if (chips) root.append(chips);
  const searchQ = new URLSearchParams();
  for (const [k, v] of q) if (k === 'q' || (FILTERS as readonly string[]).includes(k)) searchQ.append(k, v);
  root.append(
    h(
      'p',
      { class: 'result-bar' },
      h('span', { id: 'explore-total', role: 'status', 'data-total': agg.total.count }, t('search.total', { n: fmtInt(agg.total.count, L) })),
      ' ',
      h('a', { href: href('/', searchQ), id: 'explore-search' }, t('explore.openSearch')),
    ),
  );

  // Rows keyed by the dimensions the API answered (it names the region of the state under review
  // "sur-region").
  const keyOf = (row: AggResponse['rows'][number], i: number): string => String(row.keys[agg.by[i]]);
  const label = (i: number, k: string): string => keyLabel(by[i], k);
  const val = (c: { count: number; supported: number }): number => (measure === 'share' ? (c.count ? c.supported / c.count : 0) : c.count);

  // Totals per key of the first two dimensions, to order and cut the axes.
  const totals = (i: number): string[] => {
    const m = new Map<string, number>();
    for (const row of agg.rows) m.set(keyOf(row, i), (m.get(keyOf(row, i)) ?? 0) + row.count);
    return [...m.entries()].sort((a, b) => b[1] - a[1]).map((e) => e[0]);
  };
  const sum = (pred: (row: AggResponse['rows'][number]) => boolean): { count: number; supported: number } => {
    let count = 0;
    let supported = 0;
    for (const row of agg.rows) if (pred(row)) ((count += row.count), (supported += row.supported));
    return { count, supported };
  };

  let option;
  let height = 420;
  const xs = totals(0).slice(0, 30);
  if (by.length === 1 || chart === 'bar') {
    const series = by.length === 1 ? [''] : totals(1).slice(0, 8);
    option = barOption(
      xs.map((k) => label(0, k)),
      series.map((s, i) => ({
        name: by.length === 1 ? t(measure === 'share' ? 'state.supportedShare' : 'label.count') : label(1, s),
        data: xs.map((x) => val(sum((row) => keyOf(row, 0) === x && (by.length === 1 || keyOf(row, 1) === s)))),
        stack: measure === 'count' && by.length > 1 ? 'a' : undefined,
        color: COLORS[i % COLORS.length],
      })),
      { horizontal: true, percent: measure === 'share' },
    );
    height = 60 + xs.length * (measure === 'share' && series.length > 1 ? 12 * series.length : 24);
  } else {
    const ys = totals(1).slice(0, 30);
    const data: [number, number, number][] = [];
    let maxV = 0;
    xs.forEach((x, i) =>
      ys.forEach((y, j) => {
        const c = sum((row) => keyOf(row, 0) === x && keyOf(row, 1) === y);
        if (!c.count) return;
        const v = val(c);
        maxV = Math.max(maxV, v);
        data.push([j, i, measure === 'share' ? Math.round(v * 1000) / 1000 : v]);
      }),
    );
    option = {
      tooltip: {
        formatter: (p: { data: [number, number, number] }) =>
          `${label(0, xs[p.data[1]])} × ${label(1, ys[p.data[0]])}: ${measure === 'share' ? fmtPct(p.data[2], L) : p.data[2]}`,
      },
      grid: { left: 8, right: 16, top: 8, bottom: 60, containLabel: true },
      xAxis: { type: 'category', data: ys.map((k) => label(1, k)), axisLabel: { rotate: 45, interval: 0, width: 110, overflow: 'truncate' }, splitArea: { show: true } },
      yAxis: { type: 'category', data: xs.map((k) => label(0, k)), inverse: true, axisLabel: { interval: 0, width: 170, overflow: 'truncate' }, splitArea: { show: true } },
      visualMap: { min: 0, max: measure === 'share' ? 1 : Math.max(1, maxV), calculable: true, orient: 'horizontal', left: 'center', bottom: 0, inRange: { color: ['#f7fbff', '#6baed6', '#08306b'] } },
      series: [{ type: 'heatmap', data, label: { show: xs.length * ys.length <= 120, formatter: (p: { data: [number, number, number] }) => (measure === 'share' ? `${Math.round(p.data[2] * 100)}%` : String(p.data[2])) } }],
    };
    height = 140 + xs.length * 24;
  }

  const tableRows = agg.rows.slice(0, 1000).map((row) => [...by.map((_, i) => label(i, keyOf(row, i))), row.count, row.supported, row.noted, fmtPct(row.supported_share, L)]);
  root.append(
    h('div', { class: 'cards' },
      chartCard({
        id: 'pivot',
        title: by.map((d) => t('dim.' + d)).join(' × '),
        columns: [...by.map((d) => t('dim.' + d)), t('label.count'), t('response.supported'), t('response.noted'), t('state.supportedShare')],
        rows: tableRows,
        option,
        height,
      }),
    ),
  );
  if (agg.rows.length > 1000) root.append(h('p', { class: 'muted' }, t('explore.truncated', { n: agg.rows.length })));
}
