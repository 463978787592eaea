// Politicization of the UPR (GET /api/v1/politicization/*; docs/politicization.md): do states
// go easier on the states that vote with them? The leniency regression's coefficients
// (agreement, same regional group, shared organisation) with their standard errors and a
// sentence each saying what they mean; every dyad as a point (x: the pair's vote agreement in
// the Council, y: the mean action category or the share noted); reciprocity's two correlations;
// the ten recommending states with the largest double-standards index. A theme, cycle and region
// selector narrows every number (the API's filters), so "Women's rights" can be set beside the
// whole record. URL: /politicization?theme=&cycle=&region=&outcome=action|noted (and any other
// filter of the search: sur, from, session, q, ...)

import { getJson } from '../api';
import { chartCard } from '../charts';
import { filterChips } from '../facets';
import { apiParams, values } from '../filters';
import { fmtInt, fmtPct, h } from '../dom';
import { lang, t } from '../i18n';
import { navigate, type Route } from '../router';
import { errorBox, href, isAbort, pageTitle, regionName, stateName } from '../ui';
import { votesNav } from '../votes';
import {
  fmtFixed,
  fmtSigned,
  type Coefficient,
  type DoubleStandardsResponse,
  type LeniencyResponse,
  type ReciprocityResponse,
  type SeverityResponse,
  type SeverityRow,
} from '../politicization';
import { cycles, themes } from './map';

const PATH = '/politicization';
const REGIONS = ['african', 'asia-pacific', 'eastern-european', 'grulac', 'weog'];
const COEFFICIENTS = ['agreement', 'same_group', 'shared_organisation'];

// A table that scrolls sideways on a narrow screen rather than the page.
function tableWrap(table: HTMLElement): HTMLElement {
  return h('div', { class: 'table-wrap' }, table);
}

// The sentence saying what a coefficient means, in words: its size (in categories of action or
// in percentage points of the share noted) and its direction, and whether it is within two
// clustered standard errors of zero.
function meaning(c: Coefficient, outcome: string): string {
  const L = lang();
  const size = outcome === 'noted' ? fmtFixed(Math.abs(c.estimate) * 100, 1) : fmtFixed(Math.abs(c.estimate), 2);
  const dir = outcome === 'noted' ? t(c.estimate < 0 ? 'pol.dir.lessNoted' : 'pol.dir.moreNoted') : t(c.estimate < 0 ? 'pol.dir.softer' : 'pol.dir.harsher');
  const text = t(`pol.meaning.${c.name}.${outcome}`, { size, direction: dir });
  const unsure = Math.abs(c.cluster_t) < 2 ? ' ' + t('pol.withinNoise', { t: new Intl.NumberFormat(L, { maximumFractionDigits: 1, numberingSystem: 'latn' }).format(c.cluster_t) }) : '';
  return text + unsure;
}

export async function render(root: HTMLElement, r: Route): Promise<void> {
  const q = r.query;
  const L = lang();
  const outcome = q.get('outcome') === 'noted' ? 'noted' : 'action';
  root.append(pageTitle(t('pol.title')), votesNav(PATH, q), h('p', { class: 'muted' }, t('pol.intro')));

  // The selector: theme (one, or the whole record), cycle, region of the state under review,
  // outcome. A change opens the new URL, the other parameters kept.
  const [themeNames, cycleList] = await Promise.all([themes(), cycles()]);
  const theme = values(q, 'theme')[0] ?? '';
  const select = (id: string, label: string, options: [string, string][], chosen: string, key: string): HTMLElement => {
    const sel = h('select', { id, name: key }, ...options.map(([v, text]) => h('option', { value: v, selected: v === chosen }, text)));
    sel.addEventListener('change', () => {
      const n = new URLSearchParams(q);
      if (sel.value) n.set(key, sel.value);
      else n.delete(key);
      navigate(href(PATH, n), { keepScroll: true });
    });
    return h('label', { for: id }, label, sel);
  };
  root.append(
    h(
      'form',
      { class: 'controls', id: 'pol-controls', 'aria-label': t('pol.selection'), onsubmit: (e: Event) => e.preventDefault() },
      select('pol-theme', t('dim.theme'), [['', t('pol.wholeRecord')], ...themeNames.map((th): [string, string] => [th, th])], theme, 'theme'),
      select('pol-cycle', t('dim.cycle'), [['', t('pol.allCycles')], ...cycleList.map((c): [string, string] => [String(c), t('pol.cycleN', { n: c })])], q.get('cycle') ?? '', 'cycle'),
      select('pol-region', t('dim.region'), [['', t('pol.allRegions')], ...REGIONS.map((g): [string, string] => [g, regionName(g)])], q.get('region') ?? '', 'region'),
      select('pol-outcome', t('pol.outcome'), [['action', t('pol.outcome.action')], ['noted', t('pol.outcome.noted')]], outcome, 'outcome'),
    ),
  );
  const chips = filterChips(q, PATH);
  if (chips) root.append(chips);

  const params = apiParams(q, { outcome });
  const ask = <T,>(what: string, extra = ''): Promise<T> => getJson<T>(`/api/v1/politicization/${what}?${params.toString()}${extra}`, r.signal);
  let len: LeniencyResponse, sev: SeverityResponse, rec: ReciprocityResponse, ds: DoubleStandardsResponse;
  try {
    [len, sev, rec, ds] = await Promise.all([ask<LeniencyResponse>('leniency'), ask<SeverityResponse>('severity', '&with_agreement=true'), ask<ReciprocityResponse>('reciprocity'), ask<DoubleStandardsResponse>('double-standards')]);
  } catch (e) {
    if (isAbort(e)) throw e;
    root.append(errorBox(e));
    return;
  }
  const outcomeName = t(`pol.outcome.${outcome}`);
  root.append(
    h(
      'p',
      { id: 'pol-summary', 'data-recommendations': sev.recommendations, 'data-dyads': sev.dyads },
      t('pol.summary', { recs: fmtInt(sev.recommendations, L), dyads: fmtInt(sev.dyads, L), rollCalls: fmtInt(sev.agreement_over.roll_calls, L), min: fmtInt(sev.agreement_over.min_shared, L) }),
    ),
  );

  // Leniency: the coefficients.
  const coefs = COEFFICIENTS.map((n) => len.coefficients.find((c) => c.name === n)).filter((c): c is Coefficient => !!c);
  root.append(
    h(
      'section',
      { class: 'card', id: 'pol-leniency', 'aria-labelledby': 'h-leniency', 'data-dyads': len.fit.dyads },
      h('h2', { id: 'h-leniency' }, t('pol.leniencyTitle', { outcome: outcomeName })),
      h('p', { class: 'muted' }, t('pol.leniencyIntro')),
      tableWrap(
        h(
          'table',
          { class: 'coefficients', id: 'pol-coefficients' },
          h('thead', null, h('tr', null, ...[t('pol.coefficient'), t('pol.estimate'), t('pol.se'), t('pol.clusterSe'), t('pol.meaning')].map((c) => h('th', { scope: 'col' }, c)))),
          h(
            'tbody',
            null,
            ...coefs.map((c) =>
              h(
                'tr',
                { 'data-name': c.name, 'data-estimate': c.estimate, 'data-se': c.se, 'data-cluster-se': c.cluster_se },
                h('th', { scope: 'row' }, t(`pol.coef.${c.name}`)),
                h('td', { class: 'num estimate' }, fmtSigned(c.estimate)),
                h('td', { class: 'num se' }, fmtFixed(c.se)),
                h('td', { class: 'num cluster-se' }, fmtFixed(c.cluster_se)),
                h('td', { class: 'meaning' }, meaning(c, outcome)),
              ),
            ),
          ),
        ),
      ),
      h(
        'p',
        { class: 'muted', id: 'pol-fit' },
        t('pol.fit', { dyads: fmtInt(len.fit.dyads, L), from: fmtInt(len.fit.from_states, L), sur: fmtInt(len.fit.sur_states, L), r2: fmtFixed(len.fit.r2), within: fmtFixed(len.fit.r2_within) }),
      ),
    ),
  );

  // Every dyad with an agreement over min_shared roll calls (those the regression uses; the API
  // sends only them: with_agreement), as a point; a click opens the pair's page.
  const y = (d: SeverityRow): number | null => (outcome === 'noted' ? d.noted_share : d.mean_action);
  const dots = sev.results.filter((d) => d.agreement?.share != null && y(d) != null);
  const dotName = (d: SeverityRow): string => `${d.from}>${d.sur}`;
  const byName = new Map(dots.map((d) => [dotName(d), d]));
  const pairHref = (d: SeverityRow): string => href('/pair', { a: d.from, b: d.sur });
  const yText = (v: number): string => (outcome === 'noted' ? fmtPct(v, L) : fmtFixed(v, 2));
  const tableRows = [...dots].sort((a, b) => b.count - a.count);
  root.append(
    chartCard({
      id: 'pol-dyads',
      // The outcome's name inside a sentence: no capital (where the script has them).
      title: t('pol.scatterTitle', { outcome: outcomeName.charAt(0).toLocaleLowerCase(L) + outcomeName.slice(1) }),
      columns: [t('pol.pair'), t('pol.agreement'), outcomeName, t('pol.recommendations')],
      rows: tableRows.map((d) => [t('pol.pairName', { from: stateName(d.from), sur: stateName(d.sur) }), fmtPct(d.agreement!.share!, L), yText(y(d)!), d.count]),
      links: tableRows.map(pairHref),
      height: 480,
      onClick: (name) => {
        const d = byName.get(name);
        if (d) navigate(pairHref(d));
      },
      option: {
        grid: { left: 56, right: 24, top: 24, bottom: 48, containLabel: true },
        tooltip: {
          trigger: 'item',
          formatter: (p: { data: { name: string } }) => {
            const d = byName.get(p.data.name);
            return d ? `${t('pol.pairName', { from: stateName(d.from), sur: stateName(d.sur) })}<br>${t('pol.agreement')}: ${fmtPct(d.agreement!.share!, L)} · ${outcomeName}: ${yText(y(d)!)} · ${t('pol.recommendationsN', { n: fmtInt(d.count, L) })}` : '';
          },
        },
        // A plane, not mirrored right to left (as the voting map).
        xAxis: { type: 'value', name: t('pol.agreement'), nameLocation: 'middle', nameGap: 28, min: 0, max: 1, axisLabel: { formatter: (v: number) => fmtPct(v, L) } },
        yAxis: outcome === 'noted' ? { type: 'value', name: outcomeName, nameLocation: 'middle', nameGap: 44, min: 0, max: 1, axisLabel: { formatter: (v: number) => fmtPct(v, L) } } : { type: 'value', name: outcomeName, nameLocation: 'middle', nameGap: 32, min: 1, max: 5 },
        series: [
          {
            type: 'scatter',
            name: outcomeName,
            symbolSize: 5,
            itemStyle: { color: '#1f5fa8', opacity: 0.45 },
            data: dots.map((d) => ({ name: dotName(d), value: [d.agreement!.share!, y(d)!] })),
          },
        ],
      },
    }),
  );
  root.append(h('p', { class: 'muted', id: 'pol-dots', 'data-points': dots.length }, t('pol.scatterNote', { n: fmtInt(dots.length, L), all: fmtInt(sev.dyads, L) })));

  // Reciprocity.
  const r2 = (v: number | null): string => (v === null ? '—' : fmtFixed(v, 2));
  root.append(
    h(
      'section',
      { class: 'card', id: 'pol-reciprocity', 'aria-labelledby': 'h-reciprocity', 'data-pairs': rec.pairs, 'data-correlation': rec.correlation ?? '', 'data-adjusted': rec.adjusted_correlation ?? '' },
      h('h2', { id: 'h-reciprocity' }, t('pol.reciprocityTitle')),
      h(
        'div',
        { class: 'stats' },
        h('div', { class: 'stat' }, h('div', { class: 'stat-value', id: 'pol-correlation' }, r2(rec.correlation)), h('div', { class: 'stat-label' }, t('pol.correlation'))),
        h('div', { class: 'stat' }, h('div', { class: 'stat-value', id: 'pol-adjusted' }, r2(rec.adjusted_correlation)), h('div', { class: 'stat-label' }, t('pol.adjustedCorrelation'))),
      ),
      h('p', null, t('pol.reciprocityText', { pairs: fmtInt(rec.pairs, L), outcome: outcomeName, r: r2(rec.correlation), adj: r2(rec.adjusted_correlation) })),
    ),
  );

  // Double standards: the first ten of the API's ranking; a state leads to the search of its
  // recommendations in the same selection.
  const top = ds.results.slice(0, 10);
  const searchFrom = (from: string): string => {
    const n = apiParams(q);
    n.set('from', from);
    return href('/', n);
  };
  root.append(
    h(
      'section',
      { class: 'card', id: 'pol-double', 'aria-labelledby': 'h-double' },
      h('h2', { id: 'h-double' }, t('pol.doubleTitle')),
      h('p', { class: 'muted' }, t('pol.doubleIntro', { n: fmtInt(ds.min_dyads, L) })),
      top.length
        ? tableWrap(
            h(
              'table',
              { class: 'double-standards' },
              h('thead', null, h('tr', null, ...[t('dim.from'), t('pol.index'), t('pol.slope'), t('pol.dyads')].map((c) => h('th', { scope: 'col' }, c)))),
              h(
                'tbody',
                { id: 'pol-double-rows' },
                ...top.map((d) =>
                  h(
                    'tr',
                    { 'data-from': d.from, 'data-index': d.index },
                    h('th', { scope: 'row' }, h('a', { href: searchFrom(d.from) }, stateName(d.from, d.name))),
                    h('td', { class: 'num' }, fmtSigned(d.index)),
                    h('td', { class: 'num' }, t('pol.slopeSe', { slope: fmtSigned(d.slope, 2), se: fmtFixed(d.slope_se, 2) })),
                    h('td', { class: 'num' }, fmtInt(d.dyads, L)),
                  ),
                ),
              ),
            ),
          )
        : h('p', { class: 'empty' }, t('status.empty')),
    ),
  );

  // Where the numbers come from, in words, with the API's answers of this selection.
  root.append(
    h(
      'p',
      { class: 'muted', id: 'pol-docs' },
      t('pol.docs'),
      ' ',
      ...['leniency', 'severity', 'reciprocity', 'double-standards'].flatMap((w, i) => [i ? ' · ' : '', h('a', { href: `/api/v1/politicization/${w}?${params.toString()}` }, w)]),
    ),
  );
}
