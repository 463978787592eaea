// Compare: two to four states side by side (totals, received and made per cycle, supported share
// by the themes they receive most, each share with its counts), optionally only on some themes.
// URL: /compare?states=FRA,DEU,BRA&theme=..&theme=..

import { getJson, type StateProfile } from '../api';
import { barOption, chartCard } from '../charts';
import { fmtInt, fmtPct, h } from '../dom';
import { lang, t } from '../i18n';
import { navigate, type Route } from '../router';
import { filterChips } from '../facets';
import { values } from '../filters';
import { coverageNote, cycleCount } from '../coverage';
import { empty, href, pageTitle, regionName, stateList, stateName } from '../ui';
import { themes } from './map';

const MAX = 4;

export async function render(root: HTMLElement, r: Route): Promise<void> {
  const L = lang();
  const all = stateList();
  const known = new Set(all.map((s) => s.iso3));
  const codes = [...new Set((r.query.get('states') ?? '').toUpperCase().split(',').filter((c) => known.has(c)))].slice(0, MAX);
  const go = (next: string[]): void => {
    const n = new URLSearchParams(r.query);
    if (next.length) n.set('states', next.join(','));
    else n.delete('states');
    navigate(href('/compare', n), { keepScroll: true });
  };

  // The theme filter: values are alternatives (theme= repeated), shown as removable chips.
  const chosenThemes = values(r.query, 'theme');
  const themeNames = await themes();
  root.append(pageTitle(t('compare.title')), h('p', { class: 'muted' }, t('compare.intro')));
  const themeSel = h(
    'select',
    { id: 'compare-theme' },
    h('option', { value: '' }, chosenThemes.length ? t('compare.addTheme') : t('filter.allThemes')),
    ...themeNames.filter((th) => !chosenThemes.includes(th)).map((th) => h('option', { value: th }, th)),
  );
  themeSel.addEventListener('change', () => {
    if (!themeSel.value) return;
    const n = new URLSearchParams(r.query);
    n.append('theme', themeSel.value);
    navigate(href('/compare', n), { keepScroll: true });
  });
  root.append(coverageNote() ?? '');
  const picker = h('select', { id: 'compare-add', disabled: codes.length >= MAX }, h('option', { value: '' }, t('compare.choose')), ...all.filter((s) => !codes.includes(s.iso3)).map((s) => h('option', { value: s.iso3 }, stateName(s.iso3))));
  picker.addEventListener('change', () => picker.value && go([...codes, picker.value]));
  root.append(
    h(
      'div',
      { class: 'controls' },
      h('label', { for: 'compare-add' }, t('compare.add'), ' ', picker),
      h('label', { for: 'compare-theme' }, t('dim.theme'), ' ', themeSel),
      h('ul', { class: 'chips', 'aria-label': t('compare.selected') }, ...codes.map((c) => {
        const b = h('button', { type: 'button', class: 'chip', id: `remove-${c}`, 'aria-label': t('compare.remove', { state: stateName(c) }) }, stateName(c), h('span', { 'aria-hidden': 'true' }, ' ×'));
        b.addEventListener('click', () => go(codes.filter((x) => x !== c)));
        return h('li', null, b);
      })),
    ),
  );
  const themeChips = filterChips(r.query, '/compare');
  if (themeChips) root.append(themeChips);
  if (codes.length < 2) {
    root.append(empty(t('compare.needTwo')));
    if (!codes.length) return;
  }

  const themeQ = new URLSearchParams(chosenThemes.map((th) => ['theme', th]));
  const profiles = await Promise.all(codes.map((c) => getJson<StateProfile>(`/api/v1/states/${c}${chosenThemes.length ? '?' + themeQ.toString() : ''}`, r.signal)));
  const names = profiles.map((p) => stateName(p.iso3, p.name));

  // A share with the counts it is made of: "62% (310 of 500)".
  const shareWithCounts = (c: { count: number; supported: number; supported_share: number } | undefined): string =>
    c?.count ? t('compare.shareOf', { share: fmtPct(c.supported_share, L), n: fmtInt(c.supported, L), total: fmtInt(c.count, L) }) : '—';

  // Side-by-side summary table.
  const line = (label: string, f: (p: StateProfile) => Node | string): HTMLElement => h('tr', null, h('th', { scope: 'row' }, label), ...profiles.map((p) => h('td', null, f(p))));
  root.append(
    h(
      'div',
      { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': t('compare.title') },
      h(
        'table',
        { class: 'compare' },
        h('thead', null, h('tr', null, h('td', null), ...profiles.map((p, i) => h('th', { scope: 'col' }, h('a', { href: href(`/states/${p.iso3}`) }, names[i]))))),
        h(
          'tbody',
          null,
          line(t('dim.region'), (p) => regionName(p.region)),
          line(t('state.received'), (p) => fmtInt(p.received.total.count, L)),
          line(t('state.supportedShare'), (p) => shareWithCounts(p.received.total)),
          line(t('state.made'), (p) => fmtInt(p.made.total.count, L)),
          line(t('state.madeSupportedShare'), (p) => shareWithCounts(p.made.total)),
          line(t('compare.topTheme'), (p) => [...p.received.by_theme].sort((a, b) => b.count - a.count)[0]?.theme ?? '—'),
        ),
      ),
    ),
  );

  const cycles = [...new Set(profiles.flatMap((p) => [...p.received.by_cycle, ...p.made.by_cycle].map((c) => c.cycle)))].sort((a, b) => a - b);
  const cycleLabels = cycles.map((c) => t('label.cycleN', { n: c }));
  // A review the record may lack (in_record false, docs/api.md) is "not in this record", not 0:
  // in the table, and as a gap in the chart.
  const counts = (side: 'received' | 'made'): (number | null)[][] =>
    cycles.map((c) => profiles.map((p) => cycleCount(p[side].by_cycle.find((x) => x.cycle === c) ?? { count: 0 })));
  const perCycle = (side: 'received' | 'made'): (string | number)[][] =>
    counts(side).map((row, i) => [cycleLabels[i], ...row.map((n) => n ?? t('coverage.notInRecord'))]);

  // Themes most received across the states, with each state's supported share.
  const themeTotals = new Map<string, number>();
  for (const p of profiles) for (const x of p.received.by_theme) themeTotals.set(x.theme, (themeTotals.get(x.theme) ?? 0) + x.count);
  // With a theme filter, the chosen themes (a record's other themes are not what was asked).
  const topThemes = chosenThemes.length
    ? chosenThemes.filter((th) => themeTotals.has(th))
    : [...themeTotals.entries()].sort((a, b) => b[1] - a[1]).slice(0, 10).map((e) => e[0]);
  const themeRow = (p: StateProfile, th: string) => p.received.by_theme.find((x) => x.theme === th);
  const share = (p: StateProfile, th: string): number => themeRow(p, th)?.supported_share ?? 0;

  const rowsR = perCycle('received');
  const rowsM = perCycle('made');
  root.append(
    h(
      'div',
      { class: 'cards' },
      chartCard({
        id: 'received-cycles',
        title: t('compare.receivedPerCycle'),
        columns: [t('dim.cycle'), ...names],
        rows: rowsR,
        option: barOption(cycleLabels, names.map((n, i) => ({ name: n, data: counts('received').map((row) => row[i]) }))),
      }),
      chartCard({
        id: 'made-cycles',
        title: t('compare.madePerCycle'),
        columns: [t('dim.cycle'), ...names],
        rows: rowsM,
        option: barOption(cycleLabels, names.map((n, i) => ({ name: n, data: counts('made').map((row) => row[i]) }))),
      }),
      chartCard({
        id: 'theme-share',
        title: t('compare.shareByTheme'),
        columns: [t('dim.theme'), ...names],
        rows: topThemes.map((th) => [th, ...profiles.map((p) => shareWithCounts(themeRow(p, th)))]),
        option: barOption(topThemes, names.map((n, i) => ({ name: n, data: topThemes.map((th) => share(profiles[i], th)) })), { horizontal: true, percent: true }),
        height: 60 + topThemes.length * 14 * profiles.length,
      }),
    ),
  );
}
