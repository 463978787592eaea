// The Council's votes in the web app (issue 15): the API's types (/api/v1/resolutions,
// /api/v1/votes/*), the names of their codes in the chosen language, and what the votes pages
// share: the selection of roll calls in the URL (q, body, year, session, agenda_item, outcome:
// the API's own parameters) with its controls and chips, the pages' own navigation, and the
// state picker that accepts names. Loaded with the votes pages only.

import { getJson, type FacetRow } from './api';
import { fmtInt, h } from './dom';
import { filterChips, fold } from './facets';
import { lang, t } from './i18n';
import { navigate } from './router';
import { href, regionName, stateList, stateName } from './ui';

// ---- The API's answers ------------------------------------------------------------------------

export interface ResolutionSummary {
  uid: string;
  record_id: number;
  symbol: string;
  title: string;
  date: string;
  year: number;
  body: string; // hrc | chr
  session: number | null;
  agenda_item: string;
  vote_type: string;
  outcome: string;
  yes: number | null;
  no: number | null;
  abstain: number | null;
  roll_call: boolean;
  reconciles?: boolean;
}

export interface ResolutionsResponse {
  total: number;
  page: number;
  per_page: number;
  results: ResolutionSummary[];
  facets: Record<string, FacetRow[]>;
}

export type VoteKind = 'yes' | 'no' | 'abstain' | 'non-voting' | 'blank';
export const VOTE_KINDS: VoteKind[] = ['yes', 'no', 'abstain', 'non-voting', 'blank'];

export interface ResolutionDetail extends ResolutionSummary {
  statement: string;
  body_name: string;
  meeting: string;
  agenda_item_title: string;
  agenda_symbol: string;
  agenda_subject: string;
  main_sponsors: string;
  draft: string;
  non_voting: number | null;
  total: number | null;
  counted: { yes: number; no: number; abstain: number; listed: number };
  links: { resolution: string; draft: string; record: string };
  source: { file: string; line: number };
  votes: { state: string; name: string; region: string; vote: VoteKind }[];
  votes_by_region: Record<string, Record<VoteKind, number>>;
}

// The roll calls a votes answer rests on.
export interface Selection {
  roll_calls: number;
  from: string | null;
  to: string | null;
}

export interface AgreementCell {
  both: number;
  alike: number;
  share: number | null;
}

export interface AgreementRanked extends AgreementCell {
  state: string;
  name: string;
  region: string;
}

export interface AgreementResponse {
  state: string;
  name: string;
  selection: Selection;
  min_shared?: number;
  states?: AgreementRanked[];
  with?: string;
  with_name?: string;
  agreement?: AgreementCell;
}

export interface VotingMapResponse {
  selection: Selection;
  method: string;
  reference_state: string;
  roll_calls_used: number;
  roll_calls_lopsided: number;
  explained: { x: number; y: number };
  points: { state: string; name: string; region: string; x: number; y: number; votes: number }[];
  dropped: { state: string; votes: number }[];
}

export interface CohesionResponse {
  selection: Selection;
  groups: {
    group: string;
    name: string;
    kind: string; // region | organisation
    members: number;
    mean_ai: number | null;
    roll_calls_used: number;
    roll_calls_skipped: number;
  }[];
}

// ---- Names ------------------------------------------------------------------------------------

export function bodyName(code: string): string {
  return code === 'hrc' || code === 'chr' ? t('votes.body.' + code) : code;
}

export function outcomeName(code: string): string {
  const k = 'votes.outcome.' + code;
  const s = t(k);
  return s === k ? code : s;
}

export function voteName(kind: string): string {
  const k = 'votes.vote.' + kind;
  const s = t(k);
  return s === k ? kind : s;
}

// An agenda item as the source writes it: "4" -> "Item 4"; odd keys ("IRAN (ISLAMIC REPUBLIC
// OF)") as they are.
export function agendaLabel(key: string): string {
  return /^\d/.test(key) ? t('votes.itemN', { n: key }) : key;
}

// A group of /api/v1/votes/cohesion: a regional group by its UN name, an organisation by its
// name in the language (votes.org.<code>), else as the API names it.
export function groupName(code: string, apiName: string): string {
  if (['african', 'asia-pacific', 'eastern-european', 'grulac', 'weog', 'none'].includes(code)) return regionName(code);
  const k = 'votes.org.' + code;
  const s = t(k);
  return s === k ? apiName : s;
}

// "28 September 2018" in the language (Western digits, as every number of the app).
export function fmtDate(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso + 'T00:00:00Z');
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(lang(), { dateStyle: 'long', timeZone: 'UTC', numberingSystem: 'latn' }).format(d);
}

// A title of the OHCHR library as a reader wants it: without the catalogue's closing " /".
export function cleanTitle(title: string): string {
  return title.replace(/\s*\/\s*$/, '').trim();
}

// "Over 1,705 roll calls (28 January 1947 – 31 March 2026)."
export function selectionText(s: Selection): string {
  if (!s.roll_calls) return t('votes.selectionNone');
  return t('votes.selectionText', { n: fmtInt(s.roll_calls, lang()), from: fmtDate(s.from), to: fmtDate(s.to) });
}

// Colours of the votes on the map and in badges: yes blue, no orange-red (hatched on the map,
// so that it differs from yes without colour too), abstain light amber, the two kinds of "voted
// neither way" greys; every one at least 3:1 against the light grey of "no vote recorded"
// except abstain, which is told apart by lightness and by the legend's words.
export const VOTE_COLORS: Record<VoteKind, string> = {
  yes: '#1f5fa8',
  no: '#c2410c',
  abstain: '#f2b705',
  'non-voting': '#6b7280',
  blank: '#374151',
};

// ---- The selection of roll calls in the URL --------------------------------------------------

export const SELECTION = ['q', 'body', 'year', 'session', 'agenda_item', 'outcome'] as const;

// The selection parameters of a page's URL, for the API.
export function selectionParams(q: URLSearchParams, extra: Record<string, string | undefined> = {}): URLSearchParams {
  const out = new URLSearchParams();
  for (const f of SELECTION) for (const v of q.getAll(f)) if (v) out.append(f, v);
  for (const [k, v] of Object.entries(extra)) if (v) out.set(k, v);
  return out;
}

// How a chip names a selection value: "Years: 2006–2010", "Body: Human Rights Council".
export function selectionValueLabel(field: string, value: string): string {
  switch (field) {
    case 'body':
      return bodyName(value);
    case 'outcome':
      return outcomeName(value);
    case 'agenda_item':
      return agendaLabel(value);
    case 'year':
    case 'session':
      return value.replace('-', '–');
    default:
      return value;
  }
}
export function selectionFieldName(field: string): string {
  return t('votes.field.' + field);
}

export function selectionChips(q: URLSearchParams, path: string): HTMLElement | null {
  const fields = SELECTION.filter((f) => f !== 'q');
  return filterChips(q, path, { fields, name: (f, v) => `${selectionFieldName(f)}: ${selectionValueLabel(f, v)}` });
}

// The years and Council sessions that have roll calls, for the controls (fetched once).
let ranges: Promise<{ years: number[]; sessions: number[] }> | null = null;
export function rollCallRanges(): Promise<{ years: number[]; sessions: number[] }> {
  ranges ??= getJson<ResolutionsResponse>('/api/v1/resolutions?roll_calls=true&per_page=1')
    .then((r) => ({
      years: (r.facets.year ?? []).map((f) => Number(f.key)).filter(Number.isFinite).sort((a, b) => a - b),
      sessions: (r.facets.session ?? []).map((f) => Number(f.key)).filter(Number.isFinite).sort((a, b) => a - b),
    }))
    .catch((e) => {
      ranges = null;
      throw e;
    });
  return ranges;
}

function rangeOf(v: string | null): [string, string] {
  if (!v) return ['', ''];
  const m = /^(\d+)(?:-(\d+))?$/.exec(v);
  return m ? [m[1], m[2] ?? m[1]] : ['', ''];
}

// "2006" and "2010" -> "2006-2010"; one end alone runs to the other end of the list.
function rangeValue(from: string, to: string, all: number[]): string {
  if (!from && !to) return '';
  const a = from || String(all[0] ?? to);
  const b = to || String(all[all.length - 1] ?? from);
  const [lo, hi] = Number(a) <= Number(b) ? [a, b] : [b, a];
  return lo === hi ? lo : `${lo}-${hi}`;
}

// The controls of the selection (body, years, Council sessions, words in titles) on the page at
// path: a change of a list, or the form sent, opens the page's URL with the new selection (the
// page's other parameters kept). A page may add its own controls before the button (#sel-go).
export async function selectionForm(q: URLSearchParams, path: string): Promise<HTMLElement> {
  const { years, sessions } = await rollCallRanges();
  const [yFrom, yTo] = rangeOf(q.get('year'));
  const [sFrom, sTo] = rangeOf(q.get('session'));
  const body = h(
    'select',
    { id: 'sel-body', name: 'body' },
    h('option', { value: '' }, t('votes.bodyAll')),
    ...['hrc', 'chr'].map((b) => h('option', { value: b, selected: q.get('body') === b }, bodyName(b))),
  );
  const list = (id: string, values: number[], chosen: string, any: string): HTMLSelectElement =>
    h('select', { id }, h('option', { value: '' }, any), ...values.map((v) => h('option', { value: v, selected: String(v) === chosen }, String(v))));
  const yearFrom = list('sel-year-from', years, yFrom, t('votes.anyYear'));
  const yearTo = list('sel-year-to', years, yTo, t('votes.anyYear'));
  const sessionFrom = list('sel-session-from', sessions, sFrom, t('votes.anySession'));
  const sessionTo = list('sel-session-to', sessions, sTo, t('votes.anySession'));
  const words = h('input', { type: 'search', id: 'sel-q', name: 'q', value: q.get('q') ?? '', placeholder: t('votes.wordsPlaceholder'), autocomplete: 'off' });
  const form = h(
    'form',
    { class: 'controls selection', id: 'selection', 'aria-label': t('votes.selection') },
    h('label', { for: 'sel-body' }, t('votes.field.body'), body),
    h('fieldset', null, h('legend', null, t('votes.field.year')), h('label', { for: 'sel-year-from', class: 'inline' }, t('votes.from'), ' ', yearFrom), ' ', h('label', { for: 'sel-year-to', class: 'inline' }, t('votes.to'), ' ', yearTo)),
    h('fieldset', null, h('legend', null, t('votes.field.session')), h('label', { for: 'sel-session-from', class: 'inline' }, t('votes.from'), ' ', sessionFrom), ' ', h('label', { for: 'sel-session-to', class: 'inline' }, t('votes.to'), ' ', sessionTo)),
    h('label', { for: 'sel-q' }, t('votes.field.q'), words),
    h('button', { type: 'submit', class: 'btn primary', id: 'sel-go' }, t('votes.apply')),
  );
  const go = (): void => {
    const n = new URLSearchParams(q);
    const set = (k: string, v: string): void => {
      if (v) n.set(k, v);
      else n.delete(k);
    };
    set('body', body.value);
    set('year', rangeValue(yearFrom.value, yearTo.value, years));
    set('session', rangeValue(sessionFrom.value, sessionTo.value, sessions));
    set('q', words.value.trim());
    navigate(href(path, n), { keepScroll: true });
  };
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    go();
  });
  for (const sel of [body, yearFrom, yearTo, sessionFrom, sessionTo]) sel.addEventListener('change', go);
  return form;
}

// ---- The votes pages' own navigation ----------------------------------------------------------

const PAGES: [string, string][] = [
  ['/resolutions', 'votes.nav.resolutions'],
  ['/votes/map', 'votes.nav.map'],
  ['/votes/agreement', 'votes.nav.agreement'],
  ['/votes/cohesion', 'votes.nav.cohesion'],
  ['/politicization', 'votes.nav.politicization'],
  ['/pair', 'votes.nav.pair'],
];
// The pages whose URL is not a selection of roll calls (their q is words of the recommendations).
const NOT_ROLL_CALLS = ['/politicization', '/pair'];

// The links between the votes pages; the selection of roll calls goes along between the pages
// that take one (and the state of the agreement view, which is the first state of the pair
// page and back), so that the same question is asked of each view.
export function votesNav(current: string, q: URLSearchParams): HTMLElement {
  const keep = NOT_ROLL_CALLS.includes(current) ? new URLSearchParams() : selectionParams(q);
  const state = current === '/pair' ? q.get('a') : q.get('state');
  const other = current === '/pair' ? q.get('b') : q.get('with');
  return h(
    'nav',
    { class: 'subnav', 'aria-label': t('votes.nav.label') },
    h(
      'ul',
      null,
      ...PAGES.map(([p, k]) => {
        const n = NOT_ROLL_CALLS.includes(p) ? new URLSearchParams() : new URLSearchParams(keep);
        if (p === '/votes/agreement' && state) n.set('state', state);
        if (p === '/pair' && state) {
          n.set('a', state);
          if (other) n.set('b', other);
        }
        return h('li', null, h('a', { href: href(p, n), 'aria-current': p === current ? 'page' : null, id: `subnav-${p.split('/').pop()}` }, t(k)));
      }),
    ),
  );
}

// ---- The state picker --------------------------------------------------------------------------

// The ISO3 code of a state written as a name in any of the six languages or as its code
// (ignoring case and accents); a unique state whose name contains the text (of four letters or
// more) otherwise; null if none or several.
export function resolveState(text: string, extra: { iso3: string; name: string }[] = []): string | null {
  const needle = fold(text.trim());
  if (!needle) return null;
  const all = [
    ...stateList().map((s) => ({ iso3: s.iso3, names: [s.iso3, s.name, stateName(s.iso3), ...Object.values(s.names ?? {})] })),
    ...extra.map((s) => ({ iso3: s.iso3, names: [s.iso3, s.name] })),
  ];
  const exact = all.find((s) => s.names.some((n) => fold(n) === needle));
  if (exact) return exact.iso3;
  if (needle.length < 4) return null; // a code such as SUN is not part of a name
  const partial = [...new Set(all.filter((s) => s.names.some((n) => fold(n).includes(needle))).map((s) => s.iso3))];
  return partial.length === 1 ? partial[0] : null;
}

// A text box with the states' names to choose from (a <datalist>), labelled; its value is the
// chosen state's name in the language.
export function statePicker(id: string, label: string, iso3: string | null, name: string): { label: HTMLElement; input: HTMLInputElement } {
  const listId = `${id}-states`;
  const input = h('input', {
    type: 'text',
    id,
    name,
    list: listId,
    value: iso3 ? stateName(iso3) : '',
    placeholder: t('votes.statePlaceholder'),
    autocomplete: 'off',
  });
  const datalist = h('datalist', { id: listId }, ...stateList().map((s) => h('option', { value: stateName(s.iso3) })));
  return { label: h('label', { for: id }, label, input, datalist), input };
}
