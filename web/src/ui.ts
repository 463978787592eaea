// Shared pieces of the pages: links that keep the language, state names in the chosen language,
// loading/error/empty states, badges and labels of codes.

import { ApiError, getJson, type StateInfo } from './api';
import { sessionLabel } from './coverage';
import { h, type Child } from './dom';
import { defaultLang, lang, t } from './i18n';

// An internal URL with the current language added to its query (left out for English).
export function href(path: string, query?: URLSearchParams | Record<string, string | undefined>): string {
  const q = query instanceof URLSearchParams ? new URLSearchParams(query) : new URLSearchParams();
  if (query && !(query instanceof URLSearchParams)) {
    for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') q.set(k, v);
  }
  q.delete('lang');
  if (lang() !== defaultLang) q.set('lang', lang());
  const s = q.toString();
  return path + (s ? '?' + s : '');
}

let statesPromise: Promise<Map<string, StateInfo>> | null = null;

// Every state of the reference table by ISO3 (fetched once per page load).
export function states(): Promise<Map<string, StateInfo>> {
  if (!statesPromise) {
    statesPromise = getJson<{ states: StateInfo[] }>('/api/v1/states')
      .then((r) => new Map(r.states.map((s) => [s.iso3, s])))
      .catch((e) => {
        statesPromise = null;
        throw e;
      });
  }
  return statesPromise;
}

let stateTable: Map<string, StateInfo> = new Map();
export async function loadStates(): Promise<void> {
  stateTable = await states();
}

// A state's name in the chosen language (the API's `names`), else its English name, else the
// fallback given, else the code.
export function stateName(iso3: string, fallback?: string): string {
  const s = stateTable.get(iso3);
  return s?.names?.[lang()] || s?.name || fallback || iso3;
}

export function stateList(): StateInfo[] {
  return [...stateTable.values()].sort((a, b) => stateName(a.iso3).localeCompare(stateName(b.iso3), lang()));
}

// A regional group's name; "none" is a state outside the five groups (the Holy See, the State of
// Palestine), a missing or unknown code is "unknown".
export function regionName(code: string | null | undefined): string {
  const k = 'region.' + (code || 'unknown');
  const s = t(k);
  return s === k ? t('region.unknown') : s;
}
export function responseName(code: string): string {
  return t('response.' + code);
}
// A Sustainable Development Goal's short name in the chosen language (sdg.1 .. sdg.17, copied
// from ../shared/data/sdg and checked against it by tests/i18n.test.mjs), e.g. "SDG 16: Peace,
// justice and strong institutions"; a target ("16.10") is named by its goal.
export function sdgName(code: string | number): string {
  const goal = String(code).split('.')[0];
  const name = t('sdg.' + goal);
  return name === 'sdg.' + goal ? String(code) : t('label.sdgN', { n: String(code), name });
}
export function actionName(code: string | number | null): string {
  return code === null || code === 'unknown' || code === '' ? t('action.unknown') : t('action.' + code);
}

// The label of a facet/aggregation key of a dimension, in the chosen language.
export function keyLabel(dim: string, key: string | number): string {
  const k = String(key);
  switch (dim) {
    case 'sur':
    case 'from':
      return k === 'unknown' ? t('label.unknownState') : stateName(k);
    case 'region':
    case 'from-region':
    case 'sur-region':
      return regionName(k === 'none' ? 'observer' : k);
    case 'response':
      return responseName(k);
    case 'action':
      return actionName(k);
    case 'cycle':
      return t('label.cycleN', { n: k });
    case 'session':
      return sessionLabel(k);
    case 'sdg':
      return sdgName(k);
    default:
      return k;
  }
}

export function loading(): HTMLElement {
  return h('p', { class: 'loading', role: 'status', 'aria-live': 'polite' }, t('status.loading'));
}

export function errorBox(e: unknown): HTMLElement {
  const err = e as ApiError;
  const detail =
    err instanceof ApiError
      ? [err.message, err.parameter ? ` (${t('error.parameter')}: ${err.parameter})` : '', ` [${err.code}]`]
      : [String((e as Error)?.message ?? e)];
  return h('div', { class: 'error', role: 'alert' }, h('strong', null, t('error.title')), ' ', ...detail);
}

export function empty(msg?: string): HTMLElement {
  return h('p', { class: 'empty' }, msg ?? t('status.empty'));
}

export function badge(kind: string, value: string, text: string): HTMLElement {
  return h('span', { class: `badge badge-${kind} badge-${kind}-${value}` }, text);
}

export function pageTitle(text: string, ...rest: Child[]): HTMLElement {
  document.title = `${text} · OpenUPR`;
  return h('h1', { tabindex: '-1', id: 'page-title' }, text, ...rest);
}

export function isAbort(e: unknown): boolean {
  return (e as Error)?.name === 'AbortError';
}

export const DIMENSIONS = ['theme', 'sur', 'from', 'region', 'from-region', 'cycle', 'session', 'response', 'action'];

// The filters of a page in a drawer: at small widths (style.css, max-width 760px) they are folded
// behind a "Filters" button placed above the results, so the results come first on a phone and
// for the keyboard; at larger widths the button is hidden and the filters show beside the
// results. The open state lasts while the page is re-rendered (a filter click keeps it open).
let drawerOpen = false;
export function filterDrawer(content: HTMLElement, active: number): HTMLElement {
  const id = content.id || (content.id = 'filters');
  const button = h(
    'button',
    { type: 'button', class: 'btn filters-toggle', id: 'filters-toggle', 'aria-expanded': String(drawerOpen), 'aria-controls': id },
    active ? t('search.filtersActive', { n: active }) : t('search.filtersButton'),
  );
  const set = (open: boolean): void => {
    drawerOpen = open;
    button.setAttribute('aria-expanded', String(open));
    content.classList.toggle('open', open);
  };
  button.addEventListener('click', () => set(!drawerOpen));
  set(drawerOpen);
  content.classList.add('drawer');
  return h('div', { class: 'filter-drawer' }, button, content);
}
