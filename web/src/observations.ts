// What the other UN human rights mechanisms said (OHCHR's Universal Human Rights Index, issue 17:
// GET /api/v1/observations): an observation as a result item, its labels, the search page's panel
// "Treaty bodies and special procedures" beside the UPR recommendations, and the state profile's
// section. The pages /observations and /observations/{uid} are pages/observations.ts.

import { getJson, type FacetRow, type Observation, type ObservationResponse } from './api';
import { fmtInt, h } from './dom';
import { lang, t } from './i18n';
import { href, isAbort, sdgName, stateName } from './ui';

// The mechanisms other than the UPR: what the search page and the state profile show beside the
// UPR's own recommendations.
export const OTHER_MECHANISMS = 'treaty-body,special-procedure';

export function mechanismName(code: string): string {
  const k = 'mechanism.' + code;
  const s = t(k);
  return s === k ? code : s;
}

// The label of an observations facet value in the interface's language (bodies, themes, types
// and affected persons are UHRI's English names).
export function obsKeyLabel(dim: string, key: string): string {
  switch (dim) {
    case 'mechanism':
      return mechanismName(key);
    case 'state':
      return stateName(key);
    case 'sdg':
      return sdgName(key);
    default:
      return key;
  }
}

// "2 March 2016" in the interface's language; the year alone, or "—", when the date is missing.
export function publishedDate(o: Pick<Observation, 'published' | 'year'>): string {
  if (!o.published) return o.year ? String(o.year) : '—';
  const d = new Date(o.published + 'T12:00:00Z');
  if (Number.isNaN(d.getTime())) return o.published;
  return new Intl.DateTimeFormat(lang(), { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC', numberingSystem: 'latn' }).format(d);
}

// The first lines of a text: its paragraphs run together (a heading alone says little), cut at
// about max characters on a word.
export function firstLines(text: string, max = 260): string {
  const flat = text.split('\n\n').map((p) => p.trim()).filter(Boolean).join(' ');
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return (space > max / 2 ? cut.slice(0, space) : cut) + ' …';
}

export function observationLink(uid: string): string {
  return href(`/observations/${encodeURIComponent(uid)}`);
}

// One observation in a list: body and document, date, states (unless withStates is false), the
// first lines of its text, and its badges.
export function observationItem(o: Observation, withStates = true): HTMLElement {
  const link = observationLink(o.uid);
  return h(
    'li',
    { class: 'result observation', 'data-uid': o.uid, 'data-mechanism': o.mechanism },
    h(
      'div',
      { class: 'result-head' },
      h('a', { href: link, class: 'result-title obs-body', lang: 'en', dir: 'ltr' }, o.body || t('obs.unknownBody')),
      ' ',
      h('span', { class: 'muted' }, o.document ? h('span', { class: 'obs-document', dir: 'ltr' }, o.document) : null, o.document ? ' · ' : '', h('time', { class: 'obs-date', datetime: o.published ?? '' }, publishedDate(o))),
      withStates && o.states.length ? h('span', { class: 'muted obs-states' }, ' · ', o.states.map((s) => stateName(s)).join(', ')) : null,
    ),
    h('p', { class: 'result-text', lang: 'en', dir: 'ltr' }, firstLines(o.text) || t('obs.noText')),
    h(
      'div',
      { class: 'badges' },
      h('span', { class: `badge badge-mechanism badge-mechanism-${o.mechanism}` }, mechanismName(o.mechanism)),
      o.type ? h('span', { class: 'badge', lang: 'en', dir: 'ltr' }, o.type) : null,
      o.missing ? h('span', { class: 'badge badge-warn' }, t('obs.missing')) : null,
    ),
  );
}

// The facet counts of one field as a short list of links to the observations page with that
// value chosen ("Treaty bodies 12 · Special procedures 3").
function countLinks(id: string, dim: string, rows: FacetRow[], base: URLSearchParams, max: number): HTMLElement {
  return h(
    'ul',
    { class: 'inline-list obs-counts', id },
    ...rows.slice(0, max).map((row) => {
      const q = new URLSearchParams(base);
      q.set(dim, row.key);
      return h(
        'li',
        null,
        h('a', { href: href('/observations', q), 'data-key': row.key, 'data-count': row.count }, h('span', { lang: dim === 'body' ? 'en' : null }, obsKeyLabel(dim, row.key))),
        ' ',
        h('span', { class: 'count muted' }, fmtInt(row.count, lang())),
      );
    }),
  );
}

// The observations the panel and the profile ask for: the mechanisms other than the UPR, with
// the mechanism and body counts.
function obsQuery(params: URLSearchParams, perPage: number): URLSearchParams {
  const q = new URLSearchParams(params);
  q.set('mechanism', OTHER_MECHANISMS);
  q.set('per_page', String(perPage));
  q.set('facets', 'mechanism,body');
  q.set('top', '0');
  return q;
}

// Whether the database holds any UHRI record (asked once per page load).
let anyPromise: Promise<boolean> | null = null;
function holdsObservations(signal: AbortSignal): Promise<boolean> {
  if (!anyPromise)
    anyPromise = getJson<ObservationResponse>('/api/v1/observations?per_page=1&facets=', signal)
      .then((r) => r.total > 0)
      .catch((e) => {
        anyPromise = null;
        throw e;
      });
  return anyPromise;
}

// What of the search the panel follows: its words, states and themes.
export interface PanelSearch {
  text: string; // the query the recommendations' search read, field terms taken out
  states: string[]; // ISO3: the sur filter and the box's sur: terms
  themes: string[]; // UPR Info themes: the theme filter and the box's theme: terms
}

// What the panel follows, said under its title ("... that follow this search: Words “children”
// · State under review “Peru” · Theme “Rights of the Child” (with the UHRI themes it stands
// for)"), each part marked with data-follow for the tests.
function followsNote(s: PanelSearch): HTMLElement {
  if (!s.text && !s.states.length && !s.themes.length) return h('p', { class: 'muted obs-note', id: 'obs-follows' }, t('obs.panelNoteAll'));
  const parts: (HTMLElement | string)[] = [];
  const part = (key: string, label: string, value: string, english: boolean, after = ''): void => {
    parts.push(parts.length ? ' · ' : ' ');
    parts.push(h('span', { 'data-follow': key }, label, ' ', h('q', english ? { lang: 'en', dir: 'ltr' } : null, value), after));
  };
  if (s.text) part('words', t('obs.followsWords'), s.text, true);
  if (s.states.length) part('state', t('dim.sur'), s.states.map((x) => stateName(x)).join(', '), false);
  if (s.themes.length) part('theme', t('dim.theme'), s.themes.join(', '), true, ' ' + t('obs.followsCrosswalk'));
  return h('p', { class: 'muted obs-note', id: 'obs-follows' }, t('obs.followsIntro'), ...parts);
}

// The search page's panel: the observations of the treaty bodies and special procedures with
// the same words, states and themes as the search (a UPR Info theme stands for the UHRI themes
// the crosswalk maps it to: the API does that). The search page has no year range to follow.
// Returned at once, hidden, and filled when the answer comes; it stays hidden when the database
// holds no UHRI record. onShown runs when it is shown.
export function observationsPanel(search: PanelSearch, signal: AbortSignal, onShown: () => void): HTMLElement {
  const panel = h('aside', { class: 'card observations-panel', id: 'observations-panel', 'aria-labelledby': 'h-observations', hidden: true });
  // The selection, as the API and the observations page take it.
  const all = new URLSearchParams();
  if (search.text) all.set('q', search.text);
  if (search.states.length) all.set('state', search.states.join(','));
  for (const theme of search.themes) all.append('theme', theme);
  (async () => {
    const res = await getJson<ObservationResponse>('/api/v1/observations?' + obsQuery(all, 10).toString(), signal);
    if (!res.total && !(await holdsObservations(signal))) {
      panel.dataset.uhri = 'none';
      return;
    }
    all.set('mechanism', OTHER_MECHANISMS);
    const mech = (res.facets.mechanism ?? []).filter((r) => r.key !== 'upr');
    panel.append(
      h('h2', { id: 'h-observations' }, t('obs.panelTitle')),
      followsNote(search),
      h('p', { id: 'obs-total', class: 'obs-total', 'data-total': res.total }, t('obs.total', { n: fmtInt(res.total, lang()) })),
    );
    if (res.total) {
      const base = new URLSearchParams(all);
      base.delete('mechanism');
      panel.append(
        h('h3', null, t('obs.byMechanism')),
        countLinks('obs-mechanisms', 'mechanism', mech, base, 10),
        h('h3', null, t('obs.byBody')),
        countLinks('obs-bodies', 'body', res.facets.body ?? [], all, 8),
        h('ol', { class: 'results compact', id: 'obs-results' }, ...res.results.map((o) => observationItem(o))),
        h('p', null, h('a', { href: href('/observations', all), id: 'obs-all', class: 'btn' }, t('obs.seeAll', { n: fmtInt(res.total, lang()) }))),
      );
    } else {
      panel.append(h('p', { class: 'empty' }, t('obs.noneMatch')));
    }
    panel.hidden = false;
    onShown();
  })().catch((e) => {
    if (isAbort(e)) return;
    panel.hidden = false;
    panel.append(h('h2', { id: 'h-observations' }, t('obs.panelTitle')), h('p', { class: 'error', role: 'alert' }, String((e as Error)?.message ?? e)));
    onShown();
  });
  return panel;
}

// The state profile's section "What the treaty bodies and special procedures said": counts by
// mechanism and body, the latest observations, and a link to all of them. Returned at once and
// filled when the answer comes; removed when the database holds no UHRI record.
export function stateObservations(iso3: string, signal: AbortSignal): HTMLElement {
  const section = h('section', { class: 'card observations-state', id: 'observations', 'aria-labelledby': 'h-state-observations' });
  (async () => {
    const res = await getJson<ObservationResponse>('/api/v1/observations?' + obsQuery(new URLSearchParams({ state: iso3 }), 5).toString(), signal);
    if (!res.total && !(await holdsObservations(signal))) {
      section.remove();
      return;
    }
    const all = new URLSearchParams({ state: iso3 });
    const withMech = new URLSearchParams(all);
    withMech.set('mechanism', OTHER_MECHANISMS);
    section.append(
      h('h2', { id: 'h-state-observations' }, t('obs.stateTitle'), ' ', h('span', { class: 'count', id: 'state-obs-total', 'data-total': res.total }, fmtInt(res.total, lang()))),
      h('p', { class: 'muted' }, t('obs.stateNote')),
    );
    if (!res.total) {
      section.append(h('p', { class: 'empty' }, t('obs.noneForState')));
    } else {
      section.append(
        h('h3', null, t('obs.byMechanism')),
        countLinks('state-obs-mechanisms', 'mechanism', (res.facets.mechanism ?? []).filter((r) => r.key !== 'upr'), all, 10),
        h('h3', null, t('obs.byBody')),
        countLinks('state-obs-bodies', 'body', res.facets.body ?? [], withMech, 20),
        h('h3', null, t('obs.latest')),
        h('ol', { class: 'results compact', id: 'state-obs-results' }, ...res.results.map((o) => observationItem(o, false))),
      );
    }
    section.append(h('p', null, h('a', { href: href('/observations', all), id: 'state-obs-all' }, t('obs.allOfState', { state: stateName(iso3) }))));
  })().catch((e) => {
    if (isAbort(e)) return;
    section.append(h('h2', { id: 'h-state-observations' }, t('obs.stateTitle')), h('p', { class: 'error', role: 'alert' }, String((e as Error)?.message ?? e)));
  });
  return section;
}
