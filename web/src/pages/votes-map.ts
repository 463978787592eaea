// The voting map of states (GET /api/v1/votes/map): each state's position from its votes (the
// first two principal components of the yes / abstain / no matrix) as an ECharts scatter plot
// coloured, and shaped, by regional group; hover shows the state, a click opens its agreement
// view; the share of the variance each axis explains; the selection of roll calls (body, years,
// Council sessions, words in titles) and the reference state, in the URL.
// URL: /votes/map?body=&year=&session=&q=&reference=

import { getJson } from '../api';
import { chartCard, COLORS } from '../charts';
import { fmtInt, fmtPct, h } from '../dom';
import { lang, t } from '../i18n';
import { navigate, type Route } from '../router';
import { errorBox, href, isAbort, pageTitle, regionName, stateName } from '../ui';
import { selectionChips, selectionForm, selectionParams, selectionText, votesNav, type VotingMapResponse } from '../votes';

const PATH = '/votes/map';
const REGIONS = ['african', 'asia-pacific', 'eastern-european', 'grulac', 'weog', 'none'];
// Each group its colour and its shape, so that groups differ without colour too.
const SYMBOLS = ['circle', 'rect', 'triangle', 'diamond', 'roundRect', 'pin'];

export async function render(root: HTMLElement, r: Route): Promise<void> {
  const q = r.query;
  const L = lang();
  const reference = (q.get('reference') ?? '').toUpperCase();
  root.append(pageTitle(t('votes.mapPageTitle')), votesNav(PATH, q), h('p', { class: 'muted' }, t('votes.mapIntro')));

  let res: VotingMapResponse;
  try {
    const [form, answer] = await Promise.all([
      selectionForm(q, PATH),
      getJson<VotingMapResponse>('/api/v1/votes/map?' + selectionParams(q, { reference }).toString(), r.signal),
    ]);
    res = answer;
    // The reference state: the one whose side of each axis is positive.
    const refSel = h(
      'select',
      { id: 'sel-reference', name: 'reference' },
      ...res.points
        .map((p) => p.state)
        .sort((a, b) => stateName(a).localeCompare(stateName(b), L))
        .map((s) => h('option', { value: s, selected: s === res.reference_state }, stateName(s))),
    );
    form.insertBefore(h('label', { for: 'sel-reference' }, t('votes.reference'), refSel), form.querySelector('#sel-go'));
    refSel.addEventListener('change', () => {
      const n = new URLSearchParams(q);
      n.set('reference', refSel.value);
      navigate(href(PATH, n), { keepScroll: true });
    });
    root.append(form);
  } catch (e) {
    if (isAbort(e)) throw e;
    root.append(selectionChips(q, PATH) ?? '', errorBox(e));
    return;
  }
  const chips = selectionChips(q, PATH);
  if (chips) root.append(chips);

  const agreementHref = (iso: string): string => href('/votes/agreement', selectionParams(q, { state: iso }));
  const ex = res.explained;
  const axis = (n: number, share: number): string => t('votes.axisN', { n, share: fmtPct(share, L) });
  root.append(
    h(
      'p',
      { id: 'map-summary', 'data-points': res.points.length, 'data-roll-calls': res.roll_calls_used },
      selectionText(res.selection),
      ' ',
      t('votes.mapSummary', {
        used: fmtInt(res.roll_calls_used, L),
        lopsided: fmtInt(res.roll_calls_lopsided, L),
        states: fmtInt(res.points.length, L),
      }),
    ),
    h('p', { id: 'explained', 'data-x': ex.x, 'data-y': ex.y }, t('votes.explained', { x: fmtPct(ex.x, L), y: fmtPct(ex.y, L), state: stateName(res.reference_state) })),
  );

  const groups = [...REGIONS.filter((g) => res.points.some((p) => p.region === g)), ...new Set(res.points.map((p) => p.region).filter((g) => !REGIONS.includes(g)))];
  const byIso = new Map(res.points.map((p) => [p.state, p]));
  const sorted = [...res.points].sort((a, b) => b.x - a.x || a.state.localeCompare(b.state));
  root.append(
    chartCard({
      id: 'voting-map',
      title: t('votes.mapChartTitle'),
      columns: [t('votes.state'), t('votes.group'), axis(1, ex.x), axis(2, ex.y), t('votes.votesN')],
      rows: sorted.map((p) => [stateName(p.state, p.name), regionName(p.region), Number(p.x.toFixed(3)), Number(p.y.toFixed(3)), p.votes]),
      links: sorted.map((p) => agreementHref(p.state)),
      height: 520,
      onClick: (name) => {
        if (byIso.has(name)) navigate(agreementHref(name));
      },
      option: {
        color: COLORS,
        legend: { top: 0, data: groups.map((g) => regionName(g)) },
        grid: { left: 56, right: 24, top: 48, bottom: 48, containLabel: true },
        tooltip: {
          trigger: 'item',
          formatter: (p: { data: { name: string } }) => {
            const pt = byIso.get(p.data.name);
            return pt ? `${stateName(pt.state, pt.name)}<br>${regionName(pt.region)} · ${t('votes.votesCount', { n: fmtInt(pt.votes, L) })}` : '';
          },
        },
        // Not mirrored right to left: the axes are a plane's, the reference state on their
        // positive sides, as the map of the world is not mirrored either.
        xAxis: { type: 'value', name: axis(1, ex.x), nameLocation: 'middle', nameGap: 28, scale: true },
        yAxis: { type: 'value', name: axis(2, ex.y), nameLocation: 'middle', nameGap: 40, scale: true },
        series: groups.map((g, i) => ({
          type: 'scatter',
          name: regionName(g),
          symbol: SYMBOLS[i % SYMBOLS.length],
          symbolSize: 9,
          itemStyle: { color: COLORS[i % COLORS.length], borderColor: '#fff', borderWidth: 0.5 },
          data: res.points.filter((p) => p.region === g).map((p) => ({ name: p.state, value: [p.x, p.y] })),
        })),
      },
    }),
  );
  if (res.dropped.length)
    root.append(
      h(
        'p',
        { class: 'muted', id: 'map-dropped' },
        t('votes.dropped', {
          n: fmtInt(res.dropped.length, L),
          states: res.dropped.map((d) => `${stateName(d.state)} (${fmtInt(d.votes, L)})`).join(t('coverage.listSep')),
        }),
      ),
    );
  root.append(h('p', { class: 'muted' }, t('votes.mapMethod')));
}
