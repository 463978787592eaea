// The agreement view (GET /api/v1/votes/agreement): for a chosen state, how often every other
// state voted as it did (the share of the roll calls both voted in where they cast the same
// vote), on a world map coloured by that share and as a ranked list ("n of m roll calls"); with a
// second state, the pair's agreement. States are chosen by name (in any of the six languages) or
// code; the selection of roll calls is that of the voting map.
// URL: /votes/agreement?state=FRA&with=USA&body=&year=&session=&q=

import { ApiError, getJson } from '../api';
import { fmtInt, fmtPct, h } from '../dom';
import { lang, t } from '../i18n';
import { navigate, type Route } from '../router';
import { empty, errorBox, href, isAbort, pageTitle, regionName, states, stateName } from '../ui';
import {
  resolveState,
  selectionChips,
  selectionForm,
  selectionParams,
  selectionText,
  statePicker,
  votesNav,
  type AgreementCell,
  type AgreementResponse,
} from '../votes';
import { classLegend, classOf, mapClasses, NO_DATA } from './map';

const PATH = '/votes/agreement';
const CHOSEN = '#7c2d12'; // the chosen state on the map: a dark brown no class uses

// "66.2% (640 of 967 roll calls)".
function shareText(c: AgreementCell): string {
  const L = lang();
  return t('votes.shareOf', { share: c.share === null ? '—' : fmtPct(c.share, L), alike: fmtInt(c.alike, L), both: fmtInt(c.both, L) });
}

export async function render(root: HTMLElement, r: Route): Promise<void> {
  const q = r.query;
  const L = lang();
  // A name in the URL (?state=France) is read as the picker reads it.
  const asCode = (v: string): string => (v ? (resolveState(v) ?? v.toUpperCase()) : '');
  const state = asCode((q.get('state') ?? '').trim());
  const other = asCode((q.get('with') ?? '').trim());
  const title = pageTitle(state ? t('votes.agreementTitleOf', { state: stateName(state) }) : t('votes.agreementTitle'));
  root.append(
    title,
    votesNav(PATH, q),
    h('p', { class: 'muted' }, t('votes.agreementIntro')),
  );

  // The two state pickers: names in any language or codes; a name that is no state is said so.
  const a = statePicker('agr-state', t('votes.chooseState'), state || null, 'state');
  const b = statePicker('agr-with', t('votes.compareWith'), other || null, 'with');
  const problem = h('div', { id: 'agr-problem' });
  const former: { iso3: string; name: string }[] = []; // former states shown, by the API's name
  const pickForm = h('form', { class: 'controls', id: 'agr-states', role: 'search' }, a.label, b.label, h('button', { type: 'submit', class: 'btn primary', id: 'agr-go' }, t('votes.show')));
  pickForm.addEventListener('submit', (e) => {
    e.preventDefault();
    const n = new URLSearchParams(q);
    for (const [input, key] of [
      [a.input, 'state'],
      [b.input, 'with'],
    ] as const) {
      const text = input.value.trim();
      if (!text) {
        n.delete(key);
        continue;
      }
      const iso = resolveState(text, former);
      if (!iso) {
        problem.replaceChildren(h('p', { class: 'error', role: 'alert', id: 'agr-unknown' }, t('votes.unknownState', { name: text })));
        input.focus();
        return;
      }
      n.set(key, iso);
    }
    if (!n.get('state') && n.get('with')) {
      n.set('state', n.get('with')!);
      n.delete('with');
    }
    navigate(href(PATH, n));
  });
  root.append(pickForm, problem);

  const form = await selectionForm(q, PATH);
  root.append(form);
  const chips = selectionChips(q, PATH);
  if (chips) root.append(chips);
  if (!state) {
    root.append(empty(t('votes.chooseStateFirst')));
    return;
  }

  let ranked: AgreementResponse;
  let pair: AgreementResponse | null = null;
  try {
    [ranked, pair] = await Promise.all([
      getJson<AgreementResponse>('/api/v1/votes/agreement?' + selectionParams(q, { state }).toString(), r.signal),
      other ? getJson<AgreementResponse>('/api/v1/votes/agreement?' + selectionParams(q, { state, with: other }).toString(), r.signal) : Promise.resolve(null),
    ]);
  } catch (e) {
    if (isAbort(e)) throw e;
    // A state that never voted in the record: said in the language, with the API's message.
    if (e instanceof ApiError && (e.parameter === 'state' || e.parameter === 'with'))
      root.append(h('div', { class: 'error', role: 'alert', id: 'agr-error' }, t('votes.noVotesOf', { state: stateName(e.parameter === 'state' ? state : other) }), ' ', h('span', { class: 'muted' }, e.message)));
    else root.append(errorBox(e));
    return;
  }
  const iso = ranked.state;
  const name = stateName(iso, ranked.name);
  // A former state (the USSR: SUN) is named by the API, not by the table of today's states.
  if (name !== stateName(iso)) {
    title.textContent = t('votes.agreementTitleOf', { state: name });
    document.title = `${title.textContent} · OpenUPR`;
    a.input.value = name;
    former.push({ iso3: iso, name });
  }
  const list = ranked.states ?? [];
  root.append(h('p', { id: 'agr-selection', 'data-roll-calls': ranked.selection.roll_calls }, selectionText(ranked.selection)));

  if (pair?.agreement) {
    const withName = stateName(pair.with!, pair.with_name);
    const c = pair.agreement;
    const swap = new URLSearchParams(q);
    swap.set('state', pair.with!);
    swap.set('with', iso);
    const drop = new URLSearchParams(q);
    drop.delete('with');
    root.append(
      h(
        'section',
        { class: 'card pair', id: 'agr-pair', 'aria-labelledby': 'h-pair', 'data-both': c.both, 'data-alike': c.alike },
        h('h2', { id: 'h-pair' }, t('votes.pairTitle', { a: name, b: withName })),
        h(
          'p',
          { class: 'stat-value', id: 'agr-pair-share' },
          c.share === null ? '—' : fmtPct(c.share, L),
        ),
        h('p', null, c.both ? t('votes.pairText', { a: name, b: withName, alike: fmtInt(c.alike, L), both: fmtInt(c.both, L) }) : t('votes.pairNever', { a: name, b: withName })),
        h(
          'p',
          null,
          h('a', { href: href(PATH, swap), id: 'agr-swap' }, t('votes.pairSwap', { state: withName })),
          ' · ',
          h('a', { href: href(PATH, drop), id: 'agr-drop' }, t('votes.pairDrop')),
          ' · ',
          h('a', { href: href('/pair', { a: iso, b: pair.with! }), id: 'agr-pair-page' }, t('pair.recommendationsLink')),
        ),
      ),
    );
  }

  if (!list.length) {
    root.append(empty(t('votes.noAgreement', { n: fmtInt(ranked.min_shared ?? 20, L) })));
    return;
  }

  // The map: each state coloured by its class of share; the chosen state apart; a click makes
  // the state the second one of the pair.
  const [mapLib, table] = await Promise.all([import('../map-lib'), states()]);
  const byIso = new Map(list.map((s) => [s.state, s]));
  const classes = mapClasses(list.map((s) => s.share ?? 0), true);
  const pairHref = (w: string): string => {
    const n = new URLSearchParams(q);
    n.set('with', w);
    return href(PATH, n);
  };
  const map = mapLib.worldMap({
    label: t('votes.agreementMapLabel', { state: name }),
    states: table.values(),
    noData: NO_DATA,
    paint: (s) => {
      if (s === iso) return { fill: CHOSEN, label: t('votes.chosenState', { state: name }) };
      const row = byIso.get(s);
      const cls = row?.share != null ? classOf(classes, row.share) : undefined;
      return {
        fill: cls ? cls.color : NO_DATA,
        label: `${stateName(s)}: ${row ? shareText(row) : t('votes.tooFewShared', { n: fmtInt(ranked.min_shared ?? 20, L) })}`,
        value: row?.share ?? undefined,
        open: () => navigate(pairHref(s)),
      };
    },
  });
  const legend = classLegend(classes, (v) => fmtPct(v, L), 'agr-legend');
  legend.append(h('li', null, h('span', { class: 'swatch', style: `background:${CHOSEN}` }), h('span', null, name)));

  const ranking = h(
    'section',
    { class: 'card agreement-ranking', 'aria-labelledby': 'h-ranking' },
    h('h2', { id: 'h-ranking' }, t('votes.rankingTitle', { state: name })),
    h('p', { class: 'muted' }, t('votes.rankingNote', { n: fmtInt(ranked.min_shared ?? 20, L) })),
    h(
      'ol',
      { id: 'agr-ranking' },
      ...list.map((s) =>
        h(
          'li',
          { 'data-iso3': s.state, 'data-share': s.share ?? '', 'data-both': s.both, 'data-alike': s.alike },
          h('a', { href: pairHref(s.state) }, stateName(s.state, s.name)),
          ' ',
          h('span', { class: 'num' }, shareText(s)),
          h('span', { class: 'muted region' }, regionName(s.region)),
          ' ',
          h('a', { href: href('/pair', { a: iso, b: s.state }), class: 'pair-link', 'aria-label': t('pair.linkLabel', { a: name, b: stateName(s.state, s.name) }) }, t('pair.linkShort')),
        ),
      ),
    ),
  );
  root.append(
    h('p', { class: 'muted' }, t('votes.agreementHint')),
    h('div', { class: 'map-layout agreement-layout' }, h('div', null, map, legend), ranking),
  );
}
