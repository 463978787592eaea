// State profile: recommendations received and made per cycle, supported share by theme, top
// recommending states and top recipients, regional breakdown; each chart with a table toggle and
// downloads. URL: /states/{iso3}?tables=...

import { getJson, type AggResponse, type StateProfile } from '../api';
import { barOption, chartCard, NOTED, SUPPORTED } from '../charts';
import { fmtInt, fmtPct, h } from '../dom';
import { lang, t } from '../i18n';
import { navigate, type Route } from '../router';
import { coverageNote, cycleCount } from '../coverage';
import { href, pageTitle, regionName, stateName } from '../ui';
import { stateObservations } from '../observations';
import { pledgeSection } from './pledges';

const REGIONS = ['african', 'asia-pacific', 'eastern-european', 'grulac', 'weog'];

export async function render(root: HTMLElement, r: Route): Promise<void> {
  const iso3 = r.params.iso3.toUpperCase();
  const [p, fromRegions, toRegions] = await Promise.all([
    getJson<StateProfile>(`/api/v1/states/${encodeURIComponent(iso3)}`, r.signal),
    getJson<AggResponse>(`/api/v1/aggregations?by=from-region&limit=0&sur=${encodeURIComponent(iso3)}`, r.signal),
    getJson<AggResponse>(`/api/v1/aggregations?by=region&limit=0&from=${encodeURIComponent(iso3)}`, r.signal),
  ]);
  const L = lang();
  const name = stateName(p.iso3, p.name);
  const rec = p.received;
  const made = p.made;

  root.append(
    pageTitle(name),
    h('p', { class: 'lead' }, regionName(p.region), p.un_member ? ` · ${t('state.unMember')}` : ''),
    h(
      'div',
      { class: 'stats' },
      stat(t('state.received'), fmtInt(rec.total.count, L), href('/', { sur: p.iso3 }), 'stat-received'),
      stat(t('state.supportedShare'), rec.total.count ? fmtPct(rec.total.supported_share, L) : '—'),
      stat(t('state.made'), fmtInt(made.total.count, L), href('/', { from: p.iso3 }), 'stat-made'),
      stat(t('state.madeSupportedShare'), made.total.count ? fmtPct(made.total.supported_share, L) : '—'),
    ),
    h('p', null, h('a', { href: href('/compare', { states: p.iso3 }) }, t('state.compareWith')), ' · ', h('a', { href: href('/map') }, t('nav.map'))),
    coverageNote({ pledges: true }) ?? '',
  );

  // Per cycle: received and made side by side.
  const cycles = [...new Set([...rec.by_cycle.map((c) => c.cycle), ...made.by_cycle.map((c) => c.cycle)])].sort((a, b) => a - b);
  // null: the review of that cycle may lie in a session the record lacks (in_record false):
  // "not in this record" in the table, a gap in the chart, never 0.
  const cnt = (rows: { cycle: number; count: number; in_record?: boolean }[], c: number): number | null => cycleCount(rows.find((x) => x.cycle === c) ?? { count: 0 });
  const cell = (n: number | null): string | number => n ?? t('coverage.notInRecord');
  const cycleLabels = cycles.map((c) => t('label.cycleN', { n: c }));
  const grid = h('div', { class: 'cards' });
  grid.append(
    chartCard({
      id: 'cycles',
      title: t('state.perCycle'),
      columns: [t('dim.cycle'), t('state.received'), t('state.made')],
      rows: cycles.map((c, i) => [cycleLabels[i], cell(cnt(rec.by_cycle, c)), cell(cnt(made.by_cycle, c))]),
      option: barOption(cycleLabels, [
        { name: t('state.received'), data: cycles.map((c) => cnt(rec.by_cycle, c)) },
        { name: t('state.made'), data: cycles.map((c) => cnt(made.by_cycle, c)) },
      ]),
    }),
  );

  // Supported share by theme (received), the 15 most frequent themes.
  const themes = [...rec.by_theme].sort((a, b) => b.count - a.count).slice(0, 15);
  grid.append(
    chartCard({
      id: 'themes',
      title: t('state.byTheme'),
      columns: [t('dim.theme'), t('label.count'), t('response.supported'), t('response.noted'), t('state.supportedShare')],
      rows: themes.map((x) => [x.theme, x.count, x.supported, x.noted, fmtPct(x.supported_share, L)]),
      option: barOption(
        themes.map((x) => x.theme),
        [
          { name: t('response.supported'), data: themes.map((x) => x.supported), color: SUPPORTED, stack: 's' },
          { name: t('response.noted'), data: themes.map((x) => x.noted), color: NOTED, stack: 's' },
        ],
        { horizontal: true },
      ),
      height: 40 + themes.length * 26,
    }),
  );

  const top = rec.top_recommending_states ?? [];
  grid.append(
    chartCard({
      id: 'top-from',
      title: t('state.topFrom'),
      columns: [t('dim.from'), t('label.count'), t('state.supportedShare')],
      rows: top.map((x) => [stateName(x.from, x.name), x.count, fmtPct(x.supported_share, L)]),
      option: barOption(top.map((x) => stateName(x.from, x.name)), [{ name: t('label.count'), data: top.map((x) => x.count) }], { horizontal: true }),
      height: 40 + top.length * 26,
      onClick: (n) => {
        const s = top.find((x) => stateName(x.from, x.name) === n);
        if (s) navigate(href(`/states/${s.from}`));
      },
    }),
  );
  const topTo = made.top_states_under_review ?? [];
  grid.append(
    chartCard({
      id: 'top-to',
      title: t('state.topTo'),
      columns: [t('dim.sur'), t('label.count'), t('state.supportedShare')],
      rows: topTo.map((x) => [stateName(x.sur, x.name), x.count, fmtPct(x.supported_share, L)]),
      option: barOption(topTo.map((x) => stateName(x.sur, x.name)), [{ name: t('label.count'), data: topTo.map((x) => x.count) }], { horizontal: true }),
      height: 40 + topTo.length * 26,
      onClick: (n) => {
        const s = topTo.find((x) => stateName(x.sur, x.name) === n);
        if (s) navigate(href(`/states/${s.sur}`));
      },
    }),
  );

  // Regional breakdown: received from each group, made to each group.
  const regionCount = (a: AggResponse, reg: string): number =>
    a.rows.find((row) => String(row.keys[a.by[0]]) === reg)?.count ?? 0;
  const regLabels = REGIONS.map(regionName);
  grid.append(
    chartCard({
      id: 'regions',
      title: t('state.regions'),
      columns: [t('dim.region'), t('state.receivedFrom'), t('state.madeTo')],
      rows: REGIONS.map((reg, i) => [regLabels[i], regionCount(fromRegions, reg), regionCount(toRegions, reg)]),
      option: barOption(regLabels, [
        { name: t('state.receivedFrom'), data: REGIONS.map((reg) => regionCount(fromRegions, reg)) },
        { name: t('state.madeTo'), data: REGIONS.map((reg) => regionCount(toRegions, reg)) },
      ]),
    }),
  );
  root.append(grid);
  root.append(stateObservations(p.iso3, r.signal));
  root.append(pledgeSection(p.iso3, r.signal));
}

function stat(label: string, value: string, link?: string, id?: string): HTMLElement {
  return h('div', { class: 'stat', id }, h('div', { class: 'stat-value' }, link ? h('a', { href: link }, value) : value), h('div', { class: 'stat-label' }, label));
}
