// One resolution (GET /api/v1/resolutions/{uid}): title, symbol, date, body, session, agenda item,
// outcome; the official totals beside the votes listed, with any difference said in words; the
// links (the UN document, the draft, the OHCHR record) and the source file and line; and how
// every state voted, on a world map coloured by vote and in tables by regional group.
// URL: /resolutions/{uid}

import { getJson } from '../api';
import { fmtInt, h } from '../dom';
import { lang, t } from '../i18n';
import { navigate, type Route } from '../router';
import { href, pageTitle, regionName, states, stateName } from '../ui';
import {
  agendaLabel,
  bodyName,
  cleanTitle,
  fmtDate,
  VOTE_COLORS,
  VOTE_KINDS,
  voteName,
  votesNav,
  type ResolutionDetail,
  type VoteKind,
} from '../votes';
import { NO_DATA } from './map';
import { outcomeBadge } from './resolutions';

const REGIONS = ['african', 'asia-pacific', 'eastern-european', 'grulac', 'weog', 'none'];

export function voteBadge(vote: string): HTMLElement {
  return h('span', { class: `badge badge-vote badge-vote-${vote}` }, voteName(vote));
}

// The official totals against the votes listed, and a sentence saying whether they agree.
function totalsSection(r: ResolutionDetail): HTMLElement {
  const L = lang();
  const kinds = ['yes', 'no', 'abstain'] as const;
  const official = (k: (typeof kinds)[number]): number | null => r[k];
  const diffs = kinds.filter((k) => official(k) !== null && official(k) !== r.counted[k]);
  let verdict: string;
  if (r.reconciles === true) verdict = t('votes.reconciles', { n: fmtInt(r.counted.listed, L) });
  else if (r.reconciles === false)
    verdict = t('votes.doesNotReconcile', {
      diffs: diffs
        .map((k) => t('votes.diff', { vote: voteName(k), official: fmtInt(official(k) ?? 0, L), counted: fmtInt(r.counted[k], L) }))
        .join(t('coverage.listSep')),
    });
  else verdict = r.roll_call ? t('votes.noOfficialTotals') : t('votes.noRollCall');
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'h-totals' },
    h('h2', { id: 'h-totals' }, t('votes.totalsTitle')),
    r.roll_call || r.yes !== null
      ? h(
          'div',
          { class: 'table-wrap' },
          h(
            'table',
            { id: 'totals' },
            h('thead', null, h('tr', null, h('td', null), h('th', { scope: 'col' }, t('votes.official')), h('th', { scope: 'col' }, t('votes.counted')))),
            h(
              'tbody',
              null,
              ...kinds.map((k) =>
                h(
                  'tr',
                  { 'data-vote': k, class: diffs.includes(k) ? 'differs' : null },
                  h('th', { scope: 'row' }, voteName(k)),
                  h('td', { class: 'num', 'data-official': official(k) ?? '' }, official(k) === null ? '—' : fmtInt(official(k)!, L)),
                  h('td', { class: 'num', 'data-counted': r.counted[k] }, r.roll_call ? fmtInt(r.counted[k], L) : '—'),
                ),
              ),
            ),
          ),
        )
      : null,
    h('p', { id: 'reconcile', class: r.reconciles === false ? 'coverage-gap' : null, 'data-reconciles': String(r.reconciles ?? '') }, verdict),
  );
}

// The votes on a world map: each state coloured by its vote (no hatched), a click opens its
// agreement view; states without a vote in the list are grey.
async function voteMap(r: ResolutionDetail, table: Awaited<ReturnType<typeof states>>): Promise<HTMLElement> {
  const mapLib = await import('../map-lib');
  const L = lang();
  const vote = new Map(r.votes.map((v) => [v.state, v.vote]));
  const fill = (k: VoteKind): string => (k === 'no' ? 'url(#hatch-no)' : VOTE_COLORS[k]);
  const wrap = mapLib.worldMap({
    label: t('votes.mapLabel', { symbol: r.symbol }),
    states: table.values(),
    noData: NO_DATA,
    patterns: [{ id: 'hatch-no', color: VOTE_COLORS.no }],
    paint: (iso) => {
      const v = vote.get(iso);
      return {
        fill: v ? fill(v) : NO_DATA,
        label: `${stateName(iso)}: ${v ? voteName(v) : t('votes.vote.none')}`,
        value: v,
        open: () => navigate(href('/votes/agreement', { state: iso })),
      };
    },
  });
  const counts = new Map<string, number>();
  for (const v of r.votes) counts.set(v.vote, (counts.get(v.vote) ?? 0) + 1);
  // States that voted but have no place on the map (former states such as the USSR).
  const off = r.votes.filter((v) => !table.has(v.state));
  const legend = h(
    'ul',
    { class: 'legend', id: 'vote-legend', 'aria-label': t('map.legend') },
    ...VOTE_KINDS.filter((k) => counts.get(k)).map((k) =>
      h(
        'li',
        { 'data-vote': k },
        h('span', { class: `swatch${k === 'no' ? ' hatched' : ''}`, style: `background-color:${VOTE_COLORS[k]}` }),
        h('span', null, `${voteName(k)}: ${fmtInt(counts.get(k) ?? 0, L)}`),
      ),
    ),
    h('li', null, h('span', { class: 'swatch', style: `background:${NO_DATA}` }), h('span', null, t('votes.vote.none'))),
  );
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'h-vote-map' },
    h('h2', { id: 'h-vote-map' }, t('votes.mapTitle')),
    h('p', { class: 'muted' }, t('votes.mapHint')),
    wrap,
    legend,
    off.length ? h('p', { class: 'muted' }, t('votes.offMap', { states: off.map((v) => `${stateName(v.state, v.name)} (${voteName(v.vote)})`).join(t('coverage.listSep')) })) : null,
  );
}

// The votes by regional group: a summary table (counts per group), then every state's vote.
function groupsSection(r: ResolutionDetail): HTMLElement {
  const L = lang();
  const kinds = VOTE_KINDS.filter((k) => r.votes.some((v) => v.vote === k) || k === 'yes' || k === 'no' || k === 'abstain');
  const regions = [...REGIONS.filter((g) => r.votes_by_region[g]), ...Object.keys(r.votes_by_region).filter((g) => !REGIONS.includes(g))];
  const summary = h(
    'div',
    { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': t('votes.byGroupTitle') },
    h(
      'table',
      { id: 'votes-by-region' },
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, t('votes.group')), ...kinds.map((k) => h('th', { scope: 'col' }, voteName(k))), h('th', { scope: 'col' }, t('votes.total')))),
      h(
        'tbody',
        null,
        ...regions.map((g) => {
          const c = r.votes_by_region[g];
          const total = kinds.reduce((n, k) => n + (c[k] ?? 0), 0);
          return h('tr', { 'data-region': g }, h('th', { scope: 'row' }, h('a', { href: `#group-${g}` }, regionName(g))), ...kinds.map((k) => h('td', { class: 'num', 'data-vote': k }, fmtInt(c[k] ?? 0, L))), h('td', { class: 'num' }, fmtInt(total, L)));
        }),
      ),
    ),
  );
  const byName = (a: { state: string; name: string }, b: { state: string; name: string }): number => stateName(a.state, a.name).localeCompare(stateName(b.state, b.name), L);
  const groups = regions.map((g) => {
    const members = r.votes.filter((v) => v.region === g).sort(byName);
    const c = r.votes_by_region[g];
    const counts = kinds.filter((k) => c[k]).map((k) => `${voteName(k)} ${fmtInt(c[k], L)}`).join(', ');
    return h(
      'section',
      { class: 'vote-group', id: `group-${g}`, 'aria-labelledby': `h-group-${g}` },
      h('h3', { id: `h-group-${g}` }, regionName(g), ' ', h('span', { class: 'muted' }, `(${counts})`)),
      h(
        'table',
        { class: 'votes-table', 'data-region': g },
        h('thead', null, h('tr', null, h('th', { scope: 'col' }, t('votes.state')), h('th', { scope: 'col' }, t('votes.vote')))),
        h(
          'tbody',
          null,
          ...members.map((v) =>
            h('tr', { 'data-iso3': v.state, 'data-vote': v.vote }, h('th', { scope: 'row' }, h('a', { href: href('/votes/agreement', { state: v.state }) }, stateName(v.state, v.name))), h('td', null, voteBadge(v.vote))),
          ),
        ),
      ),
    );
  });
  return h(
    'section',
    { class: 'card', id: 'votes-by-group', 'aria-labelledby': 'h-by-group' },
    h('h2', { id: 'h-by-group' }, t('votes.byGroupTitle'), ' ', h('span', { class: 'count' }, `(${t('votes.statesN', { n: fmtInt(r.votes.length, L) })})`)),
    summary,
    h('div', { class: 'vote-groups' }, ...groups),
  );
}

export async function render(root: HTMLElement, r: Route): Promise<void> {
  const [res, table] = await Promise.all([getJson<ResolutionDetail>(`/api/v1/resolutions/${encodeURIComponent(r.params.uid)}`, r.signal), states()]);
  const title = pageTitle(cleanTitle(res.title) || res.symbol);
  title.setAttribute('lang', 'en');
  title.setAttribute('dir', 'auto');
  document.title = `${res.symbol || res.uid} · OpenUPR`;
  const link = (url: string, text: string, id: string): HTMLElement | string => (url ? h('a', { href: url, id, rel: 'noopener' }, text) : '');
  // The catalogue's fields end with separators (" -", " /"): left out.
  const trim = (x: string): string => x.replace(/[\s/-]+$/, '');
  const agenda = [res.agenda_item ? agendaLabel(res.agenda_item) : '', trim(res.agenda_item_title), trim(res.agenda_subject)].filter(Boolean);
  const facts: [string, Node | string][] = [
    [t('votes.symbol'), h('span', { dir: 'ltr', id: 'res-symbol' }, res.symbol || '—')],
    [t('votes.date'), fmtDate(res.date)],
    [t('votes.field.body'), bodyName(res.body)],
    [t('dim.session'), res.session ? t('votes.sessionN', { n: res.session }) : '—'],
    [t('votes.field.agenda_item'), agenda.length ? h('span', { lang: 'en', dir: 'auto' }, agenda.join(' — ')) : '—'],
    [t('votes.field.outcome'), outcomeBadge(res.outcome)],
    ...(res.statement ? [[t('votes.statement'), h('span', { lang: 'en', dir: 'auto' }, res.statement, res.meeting ? ` (${res.meeting})` : '')] as [string, Node]] : []),
    ...(res.main_sponsors ? [[t('votes.sponsors'), h('span', { lang: 'en', dir: 'auto' }, res.main_sponsors)] as [string, Node]] : []),
  ];
  const links = [link(res.links.resolution, t('votes.linkResolution'), 'link-resolution'), link(res.links.draft, res.draft || t('votes.linkDraft'), 'link-draft'), link(res.links.record, t('votes.linkRecord'), 'link-record')].filter(Boolean);
  root.append(
    title,
    votesNav('/resolutions', new URLSearchParams()),
    h('dl', { class: 'record', id: 'res-facts' }, ...facts.flatMap(([k, v]) => [h('dt', null, k), h('dd', null, v)]),
      h('dt', null, t('votes.links')),
      h('dd', null, links.length ? h('ul', { class: 'inline-list', id: 'res-links' }, ...links.map((a) => h('li', null, a))) : '—'),
      h('dt', null, t('pledges.source')),
      h('dd', { id: 'res-source' }, `${res.source.file}:${res.source.line}`),
      h('dt', null, t('pledges.uid')),
      h('dd', null, h('code', { id: 'res-uid' }, res.uid)),
    ),
    totalsSection(res),
  );
  if (res.votes.length) root.append(await voteMap(res, table), groupsSection(res));
}
