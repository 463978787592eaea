// A chart card: a title, an ECharts chart (loaded lazily), a "table" toggle showing the same
// numbers as a table, and downloads (CSV of the table, PNG of the chart). Which cards show
// their table is kept in the URL (?tables=id1,id2) so the view can be shared.

import type { EChartsCoreOption } from 'echarts/core';
import { csvBlob, downloadBlob, fileSlug, fmtInt, h } from './dom';
import { dir, lang, t } from './i18n';

type Echarts = typeof import('./echarts-lib')['echarts'];
let lib: Promise<Echarts> | null = null;
export function loadEcharts(): Promise<Echarts> {
  lib ??= import('./echarts-lib').then((m) => m.echarts);
  return lib;
}

export interface ChartSpec {
  id: string; // unique on the page: used in the URL, file names and tests
  title: string;
  columns: string[];
  rows: (string | number)[][];
  option: EChartsCoreOption;
  height?: number; // px
  onClick?: (name: string, seriesName: string) => void;
  links?: (string | null)[]; // per row, a link for its first cell (the table's rows lead where the chart's click does)
}

function tablesInUrl(): Set<string> {
  const v = new URLSearchParams(location.search).get('tables');
  return new Set(v ? v.split(',') : []);
}

function setTableInUrl(id: string, on: boolean): void {
  const q = new URLSearchParams(location.search);
  const set = tablesInUrl();
  if (on) set.add(id);
  else set.delete(id);
  if (set.size) q.set('tables', [...set].join(','));
  else q.delete('tables');
  const s = q.toString();
  history.replaceState(null, '', location.pathname + (s ? '?' + s : ''));
}

// A table of rows under columns; the first cell of row i is a link to links[i] when given.
export function dataTable(columns: string[], rows: (string | number)[][], caption?: string, links?: (string | null)[]): HTMLElement {
  return h(
    'div',
    { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': caption ?? t('chart.table') },
    h(
      'table',
      null,
      caption ? h('caption', { class: 'visually-hidden' }, caption) : null,
      h('thead', null, h('tr', null, ...columns.map((c) => h('th', { scope: 'col' }, c)))),
      h(
        'tbody',
        null,
        ...rows.map((r, j) =>
          h(
            'tr',
            null,
            ...r.map((c, i) =>
              i === 0
                ? h('th', { scope: 'row' }, links?.[j] ? h('a', { href: links[j]! }, String(c)) : String(c))
                : h('td', { class: typeof c === 'number' ? 'num' : null }, String(c)),
            ),
          ),
        ),
      ),
    ),
  );
}

// Mounts an ECharts chart into el once el has a size; returns a function disposing it.
export function mountChart(el: HTMLElement, option: EChartsCoreOption, onClick?: ChartSpec['onClick']): void {
  let chart: ReturnType<Echarts['init']> | null = null;
  const ro = new ResizeObserver(() => {
    if (!el.isConnected) {
      ro.disconnect();
      chart?.dispose();
      return;
    }
    if (el.clientWidth === 0) return;
    if (chart) {
      chart.resize();
      return;
    }
    void loadEcharts().then((echarts) => {
      if (chart || !el.isConnected) return;
      chart = echarts.init(el, null, { renderer: 'canvas' });
      // No ECharts aria: its generated description is English whatever the language; the
      // element carries the app's own translated summary (chartSummary) instead.
      chart.setOption({ animation: false, ...option });
      if (onClick) chart.on('click', (p) => onClick(String((p as { name: string }).name), String((p as { seriesName?: string }).seriesName ?? '')));
      (el as HTMLElement & { echart?: unknown }).echart = chart; // for tests: the drawn points
      el.dataset.ready = '1';
    });
  });
  ro.observe(el);
}

// The text a screen reader reads for a chart, written by the app in the chosen language from the
// numbers of its table: "Bar chart: <title>. <row>: <column> <value>, ...; ..." (at most
// SUMMARY_ROWS rows, then how many more the table has).
const SUMMARY_ROWS = 20;
export function chartSummary(spec: Pick<ChartSpec, 'title' | 'columns' | 'rows' | 'option'>): string {
  const series = (spec.option as { series?: { type?: string }[] }).series;
  const type = series?.[0]?.type;
  const kind = type === 'heatmap' || type === 'scatter' ? type : 'bar';
  const cell = (c: string | number): string => String(c); // as in the table
  const rows = spec.rows.slice(0, SUMMARY_ROWS).map((r) =>
    t('chart.summary.row', {
      label: cell(r[0]),
      items: r
        .slice(1)
        .map((c, i) => t('chart.summary.item', { name: spec.columns[i + 1] ?? '', value: cell(c) }))
        .join(t('chart.summary.itemSep')),
    }),
  );
  const more = spec.rows.length - SUMMARY_ROWS;
  return [t(`chart.summary.${kind}`, { title: spec.title }), rows.join(t('chart.summary.rowSep')), more > 0 ? t('chart.summary.more', { n: fmtInt(more, lang()) }) : '']
    .filter(Boolean)
    .join(' ');
}

// A chart download's name from the view it shows: "openupr-", the page's subject and the values
// of its URL's parameters, then the chart's id ("/states/FRA" -> "openupr-FRA-cycles";
// "/explore?by=theme,region&cycle=2" -> "openupr-explore-theme-region-cycle-2-pivot"). ISO3 codes
// keep their case, other text is slugged as fileSlug does.
function fileStem(id: string): string {
  const parts = location.pathname.split('/').filter(Boolean);
  if (parts[0] === 'states') parts.shift();
  for (const [k, v] of new URLSearchParams(location.search)) {
    if (['tables', 'lang', 'page', 'per_page', 'sort'].includes(k)) continue;
    parts.push(/^[\d,-]+$/.test(v) ? `${k}-${v}` : v); // "cycle-2" rather than a bare number
  }
  const slug = (p: string): string => (/^[A-Z]{3}$/.test(p) ? p : fileSlug(p));
  return ['openupr', ...parts.map((p) => p.split(',').map(slug).join('-')), id].filter(Boolean).join('-');
}

export function chartCard(spec: ChartSpec): HTMLElement {
  const showTable = tablesInUrl().has(spec.id);
  const chartEl = h('div', {
    class: 'chart',
    role: 'img',
    'aria-label': chartSummary(spec),
    style: `height:${spec.height ?? 320}px`,
    'data-chart': spec.id,
  });
  const tableEl = dataTable(spec.columns, spec.rows, spec.title, spec.links);
  const toggle = h('button', { type: 'button', class: 'btn', 'aria-pressed': String(showTable), id: `toggle-${spec.id}` }, t('chart.table'));
  const setMode = (table: boolean): void => {
    chartEl.hidden = table;
    tableEl.hidden = !table;
    toggle.setAttribute('aria-pressed', String(table));
    toggle.textContent = table ? t('chart.chart') : t('chart.table');
  };
  toggle.addEventListener('click', () => {
    const table = toggle.getAttribute('aria-pressed') !== 'true';
    setMode(table);
    setTableInUrl(spec.id, table);
  });
  const csv = h('button', { type: 'button', class: 'btn', id: `csv-${spec.id}` }, t('chart.downloadCsv'));
  csv.addEventListener('click', () => downloadBlob(`${fileStem(spec.id)}.csv`, csvBlob([spec.columns, ...spec.rows])));
  const png = h('button', { type: 'button', class: 'btn', id: `png-${spec.id}` }, t('chart.downloadPng'));
  png.addEventListener('click', () => {
    const canvas = chartEl.querySelector('canvas');
    if (!canvas) return;
    canvas.toBlob((b) => b && downloadBlob(`${fileStem(spec.id)}.png`, b));
  });
  setMode(showTable);
  if (spec.rows.length) mountChart(chartEl, spec.option, spec.onClick);
  return h(
    'section',
    { class: 'card chart-card', 'aria-labelledby': `h-${spec.id}` },
    h('div', { class: 'card-head' }, h('h2', { id: `h-${spec.id}` }, spec.title), h('div', { class: 'toolbar' }, toggle, csv, png)),
    spec.rows.length ? [chartEl, tableEl] : h('p', { class: 'empty' }, t('status.empty')),
  );
}

// A palette with enough contrast on white, shared by every chart.
export const COLORS = ['#1f5fa8', '#c2410c', '#15803d', '#7e22ce', '#b91c1c', '#0f766e', '#a16207', '#be185d'];
// Supported and noted differ without colour too: supported is dark (relative luminance 0.058,
// 9.8:1 on white), noted light (0.28: 3.1:1 against supported, 3.2:1 on white), and noted bars are
// hatched with diagonal stripes (the legend shows the same pattern). web/tests/e2e/i18n-a11y.mjs
// checks these ratios.
export const SUPPORTED = '#134e2a';
export const NOTED = '#d97706';
export const NOTED_DECAL = { symbol: 'rect', dashArrayX: [1, 0], dashArrayY: [3, 3], rotation: -Math.PI / 4, color: 'rgba(255, 255, 255, 0.6)' };

// A horizontal or vertical bar chart option from categories and series.
export function barOption(
  categories: string[],
  series: { name: string; data: (number | null)[]; color?: string; stack?: string }[],
  opts: { horizontal?: boolean; percent?: boolean } = {},
): EChartsCoreOption {
  // Right to left (Arabic), the chart is mirrored: categories run from the right, horizontal
  // bars grow leftwards from an axis on the right, the value axis of vertical bars is on the right.
  const rtl = dir() === 'rtl';
  const valueAxis = {
    type: 'value',
    axisLabel: opts.percent ? { formatter: (v: number) => `${Math.round(v * 100)}%` } : {},
    max: opts.percent ? 1 : undefined,
    inverse: rtl && !!opts.horizontal,
    position: rtl && !opts.horizontal ? 'right' : undefined,
  };
  const catAxis = {
    type: 'category',
    data: categories,
    inverse: !!opts.horizontal || rtl,
    position: rtl && opts.horizontal ? 'right' : undefined,
    axisLabel: { interval: 0, width: opts.horizontal ? 150 : 80, overflow: 'truncate' },
  };
  return {
    color: COLORS,
    tooltip: {
      trigger: 'axis',
      axisPointer: { type: 'shadow' },
      valueFormatter: opts.percent ? (v: number) => `${(v * 100).toFixed(1)}%` : undefined,
    },
    legend: series.length > 1 ? { top: 0 } : undefined,
    grid: { left: rtl ? 16 : 8, right: rtl ? 8 : 16, top: series.length > 1 ? 32 : 12, bottom: 8, containLabel: true },
    xAxis: opts.horizontal ? valueAxis : catAxis,
    yAxis: opts.horizontal ? catAxis : valueAxis,
    series: series.map((s) => ({
      type: 'bar',
      name: s.name,
      data: s.data,
      stack: s.stack,
      itemStyle: s.color ? { color: s.color, decal: s.color === NOTED ? NOTED_DECAL : undefined } : undefined,
    })),
  };
}
