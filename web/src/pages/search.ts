// Search: query box with syntax help, facets with counts that filter on click, highlighted
// results with badges, sort, paging, and CSV/XLSX downloads of the same query. What the API made
// of the box (repairs, field:value filters, names offered as filters, "did you mean") is shown
// under it; a zero-results message says what was searched and what to try.
// URL: /?q=...&<filters>&sort=relevance|id&page=N&per_page=N

import { ApiError, getJson, type BoxFilter, type Interpretation, type SearchResponse, type SearchResult } from '../api';
import { coverageNote, gapNote, sessionLabel } from '../coverage';
import { fmtInt, h, snippetNode } from '../dom';
import { exploreHref, facetPanel, filterChips } from '../facets';
import { apiParams, facetAlias, FILTERS, setValues, values } from '../filters';
import { lang, t } from '../i18n';
import { observationsPanel } from '../observations';
import { navigate, type Route } from '../router';
import { actionName, badge, empty, errorBox, filterDrawer, href, isAbort, keyLabel, pageTitle, responseName, stateName } from '../ui';

const FACETS = ['response', 'action', 'cycle', 'theme', 'sur', 'from', 'region', 'from-region', 'session'];

export function resultItem(r: SearchResult, withSnippet = true): HTMLElement {
  const link = href(`/recommendations/${r.uid ?? r.id}`);
  return h(
    'li',
    { class: 'result' },
    h(
      'div',
      { class: 'result-head' },
      h('a', { href: link, class: 'result-title' }, stateName(r.sur.iso3, r.sur.name)),
      ' ',
      h('span', { class: 'muted' }, t('search.from'), ' ', r.from.map((f) => stateName(f.iso3, f.name)).join(', ') || t('label.unknownState')),
    ),
    h('p', { class: 'result-text', lang: 'en', dir: 'ltr' }, withSnippet && r.snippet_html ? snippetNode(r.snippet_html) : r.text),
    h(
      'div',
      { class: 'badges' },
      badge('response', r.response, responseName(r.response)),
      badge('action', String(r.action ?? 'unknown'), `${t('label.action')} ${r.action ?? '?'}: ${actionName(r.action)}`),
      h('span', { class: 'badge badge-session' }, sessionLabel(r.session), ' · ', t('label.cycleN', { n: r.cycle })),
      ...r.themes.map((th) => h('a', { class: 'badge badge-theme', href: href('/', { theme: th }) }, th)),
      h('a', { href: link, class: 'badge badge-id', 'aria-label': t('search.openRecord', { id: r.uid ?? r.id }) }, r.uid ?? `#${r.id}`),
    ),
  );
}

function pager(q: URLSearchParams, page: number, pages: number): HTMLElement {
  const to = (p: number): string => {
    const n = new URLSearchParams(q);
    if (p > 1) n.set('page', String(p));
    else n.delete('page');
    return href('/', n);
  };
  return h(
    'nav',
    { class: 'pager', 'aria-label': t('search.pages') },
    page > 1 ? h('a', { href: to(page - 1), rel: 'prev', class: 'btn' }, '← ', t('search.prev')) : null,
    h('span', null, t('search.pageOf', { page: fmtInt(page, lang()), pages: fmtInt(pages, lang()) })),
    page < pages ? h('a', { href: to(page + 1), rel: 'next', class: 'btn', id: 'next-page' }, t('search.next'), ' →') : null,
  );
}

// A filter from the box in the interface's language: "State under review: Sri Lanka".
function boxFilterLabel(f: BoxFilter): string {
  const shown = f.field === 'theme' ? [f.value] : f.value.split(',');
  return `${t('dim.' + f.field)}: ${shown.map((v) => keyLabel(f.field, v)).join(', ')}`;
}

// The page's URL with the box text replaced (and a filter added).
function withBox(q: URLSearchParams, box: string, field?: string, value?: string): string {
  const n = new URLSearchParams(q);
  n.delete('page');
  if (box) n.set('q', box);
  else n.delete('q');
  if (field && value && !values(n, field).includes(value)) setValues(n, field, [...values(n, field), value]);
  return href('/', n);
}

// Under the box: the repairs made, the filters taken from it, the names it holds offered as
// filters ("State under review: Sri Lanka — apply?") and "did you mean".
function interpretationPanel(q: URLSearchParams, it: Interpretation): HTMLElement | null {
  const parts: HTMLElement[] = [];
  if (it.repairs.length)
    parts.push(
      h(
        'div',
        { id: 'query-repairs', class: 'query-note' },
        h('strong', null, t('search.repaired')),
        h('ul', null, ...it.repairs.map((x) => h('li', null, x.message))),
        h('p', null, t('search.searched'), ' ', h('code', { id: 'query-searched' }, it.query || '—')),
      ),
    );
  if (it.applied.length)
    parts.push(h('p', { id: 'query-applied', class: 'query-note' }, t('search.fromBox'), ' ', ...it.applied.map((a) => h('span', { class: 'chip chip-static' }, boxFilterLabel(a)))));
  if (it.suggestions.length)
    parts.push(
      h(
        'ul',
        { id: 'query-suggestions', class: 'query-note' },
        ...it.suggestions.map((x) =>
          h(
            'li',
            null,
            h('a', { href: withBox(q, x.q, x.field, x.value), class: 'suggestion', 'data-field': x.field, 'data-value': x.value }, t('search.applyFilter', { filter: boxFilterLabel(x) })),
            ' ',
            h('span', { class: 'muted' }, `(${t('search.total', { n: fmtInt(x.total, lang()) })})`),
          ),
        ),
      ),
    );
  const d = it.did_you_mean[0];
  if (d)
    parts.push(
      h(
        'p',
        { id: 'did-you-mean', class: 'query-note' },
        t('search.didYouMean'),
        ' ',
        h('a', { href: withBox(q, d.q), id: 'did-you-mean-link' }, d.q),
        ' ',
        h('span', { class: 'muted' }, `(${t('search.total', { n: fmtInt(d.total, lang()) })})`),
      ),
    );
  return parts.length ? h('section', { class: 'interpretation', 'aria-label': t('search.interpretation') }, ...parts) : null;
}

// Nothing found: what was searched, with which filters, and what to try.
function noResults(it: Interpretation | undefined, filtered: boolean): HTMLElement {
  if (!it?.query) return empty(t('search.noResults'));
  return h(
    'div',
    { class: 'empty', id: 'no-results' },
    h('p', null, t(filtered ? 'search.noResultsForFiltered' : 'search.noResultsFor', { query: it.query })),
    h(
      'p',
      null,
      t('search.tryTitle'),
      h(
        'ul',
        null,
        it.suggestions.length || it.did_you_mean.length ? h('li', null, t('search.trySuggestions')) : null,
        h('li', null, t('search.tryFewer')),
        h('li', null, t('search.tryPrefix')),
        filtered ? h('li', null, t('search.tryFilters')) : null,
      ),
    ),
  );
}

export async function render(root: HTMLElement, r: Route): Promise<void> {
  const q = r.query;
  const text = q.get('q') ?? '';
  const sort = q.get('sort') === 'id' ? 'id' : 'relevance';
  const page = Math.max(1, Number(q.get('page')) || 1);
  const perPage = [10, 20, 50, 100].includes(Number(q.get('per_page'))) ? Number(q.get('per_page')) : 20;

  root.append(pageTitle(t('search.title')));

  // The query form: submitting keeps the filters and starts again at page 1.
  const input = h('input', { type: 'search', id: 'q', name: 'q', value: text, placeholder: t('search.placeholder'), 'aria-describedby': 'syntax-help', autocomplete: 'off' });
  const sortSel = h(
    'select',
    { id: 'sort', name: 'sort' },
    h('option', { value: 'relevance', selected: sort === 'relevance' }, t('search.sortRelevance')),
    h('option', { value: 'id', selected: sort === 'id' }, t('search.sortId')),
  );
  const perSel = h('select', { id: 'per-page', name: 'per_page' }, ...[10, 20, 50, 100].map((n) => h('option', { value: n, selected: n === perPage }, String(n))));
  const go = (): void => {
    const n = new URLSearchParams(q);
    n.delete('page');
    if (input.value.trim()) n.set('q', input.value.trim());
    else n.delete('q');
    if (sortSel.value !== 'relevance') n.set('sort', sortSel.value);
    else n.delete('sort');
    if (perSel.value !== '20') n.set('per_page', perSel.value);
    else n.delete('per_page');
    navigate(href('/', n));
  };
  const form = h(
    'form',
    { class: 'search-form', role: 'search' },
    h('label', { for: 'q', class: 'visually-hidden' }, t('search.label')),
    input,
    h('button', { type: 'submit', class: 'btn primary', id: 'search-go' }, t('search.button')),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    go();
  });
  sortSel.addEventListener('change', go);
  perSel.addEventListener('change', go);
  root.append(
    form,
    h(
      'details',
      { class: 'syntax', id: 'syntax-help' },
      h('summary', null, t('search.syntaxTitle')),
      h(
        'ul',
        null,
        ...['words', 'phrase', 'prefix', 'and', 'or', 'not', 'group', 'field'].map((k) =>
          h('li', null, h('code', null, t(`syntax.${k}.ex`)), ' — ', t(`syntax.${k}.text`)),
        ),
      ),
    ),
  );

  // Every active filter, the text included, as a removable chip.
  const chips = filterChips(q, '/');
  if (chips) root.append(chips);
  const activeFilters = FILTERS.reduce((n, f) => n + values(q, f).length, 0);

  const extra = { facets: FACETS.join(','), sort, page: String(page), per_page: String(perPage) };
  let res: SearchResponse;
  let readable = true; // false: the API could not read the box, shown without its text
  try {
    res = await getJson<SearchResponse>('/api/v1/recommendations?' + apiParams(q, extra).toString(), r.signal);
  } catch (e) {
    if (isAbort(e)) throw e;
    if (!(e instanceof ApiError && e.status === 400 && e.parameter === 'q')) {
      root.append(errorBox(e));
      return;
    }
    // A text the box cannot read: said where, and the filters still shown with their facets.
    readable = false;
    root.append(h('div', { class: 'error query-error', role: 'alert', id: 'query-error' }, h('strong', null, t('search.queryError')), ' ', e.message, ' ', t('search.queryErrorShowing')));
    const noText = new URLSearchParams(q);
    noText.delete('q');
    try {
      res = await getJson<SearchResponse>('/api/v1/recommendations?' + apiParams(noText, extra).toString(), r.signal);
    } catch (e2) {
      if (isAbort(e2)) throw e2;
      root.append(errorBox(e2));
      return;
    }
  }
  const it = res.interpretation;
  const panel = it ? interpretationPanel(q, it) : null;
  if (panel) root.append(panel);

  const pages = Math.max(1, Math.ceil(res.total / perPage));
  const exportQ = apiParams(q);
  const dl = (fmt: string): string => `/api/v1/export?${new URLSearchParams([['format', fmt], ...exportQ]).toString()}`;
  root.append(
    h(
      'div',
      { class: 'result-bar' },
      h('p', { id: 'total', role: 'status', 'data-total': res.total }, t('search.total', { n: fmtInt(res.total, lang()) })),
      h('label', { for: 'sort' }, t('search.sort'), ' ', sortSel),
      h('label', { for: 'per-page' }, t('search.perPage'), ' ', perSel),
      h('a', { href: exploreHref(q), id: 'breakdown', class: 'btn' }, t('search.breakDown')),
      h(
        'span',
        { class: 'downloads' },
        t('search.download'),
        ' ',
        h('a', { href: dl('csv'), class: 'btn', id: 'dl-csv', download: 'openupr-export.csv' }, 'CSV'),
        ' ',
        h('a', { href: dl('xlsx'), class: 'btn', id: 'dl-xlsx', download: 'openupr-export.xlsx' }, 'XLSX'),
      ),
    ),
  );
  root.append(coverageNote() ?? '', gapNote(q) ?? '');

  const facets = h(
    'aside',
    { class: 'facets', 'aria-label': t('search.facets') },
    h('h2', { class: 'visually-hidden' }, t('search.facets')),
    ...FACETS.map((d) => {
      const rows = facetAlias(d).map((k) => res.facets?.[k]).find(Boolean) ?? [];
      return facetPanel(d, rows, q);
    }),
  );
  const list = res.results.length
    ? h('ol', { class: 'results', start: (page - 1) * perPage + 1 }, ...res.results.map((x) => resultItem(x)))
    : noResults(it, activeFilters > 0 || (it?.applied.length ?? 0) > 0);
  // Beside the results (below them on narrow screens): what the treaty bodies and special
  // procedures said with the same words (the query searched, field terms out) to the same states
  // on the same themes (the filters' and the box's).
  const applied = it?.applied ?? [];
  const obsStates = [...values(q, 'sur'), ...applied.filter((a) => a.field === 'sur').flatMap((a) => a.value.split(','))];
  const obsThemes = [...values(q, 'theme'), ...applied.filter((a) => a.field === 'theme').map((a) => a.value)];
  const layout = h('div', { class: 'search-layout' });
  const obs = observationsPanel(
    { text: readable ? (it?.query ?? text) : '', states: [...new Set(obsStates)], themes: [...new Set(obsThemes)] },
    r.signal,
    () => layout.classList.add('with-observations'),
  );
  layout.append(
    filterDrawer(facets, activeFilters),
    h('section', { class: 'results-col', id: 'results', tabindex: '-1', 'aria-label': t('search.results') }, list, res.total > perPage ? pager(q, page, pages) : null),
    obs,
  );
  root.append(layout);
}
