// Search: query box with syntax help, facets with counts that filter on click, highlighted
// results with badges, sort, paging, and CSV/XLSX downloads of the same query.
// URL: /?q=...&<filters>&sort=relevance|id&page=N&per_page=N

import { getJson, type FacetRow, type SearchResponse, type SearchResult } from '../api';
import { coverageNote, gapNote, sessionLabel } from '../coverage';
import { fmtInt, h, snippetNode } from '../dom';
import { apiParams, facetAlias, FILTERS, toggle, values } from '../filters';
import { lang, t } from '../i18n';
import { navigate, type Route } from '../router';
import { actionName, badge, empty, errorBox, filterDrawer, href, isAbort, keyLabel, pageTitle, responseName, stateName } from '../ui';

const FACETS = ['response', 'action', 'cycle', 'theme', 'sur', 'from', 'region', 'from-region', 'session'];
const SHOWN = 8;

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
      h('a', { href: link, class: 'badge badge-id', 'aria-label': t('search.openRecord', { id: r.id }) }, `#${r.id}`),
    ),
  );
}

function facetPanel(dim: string, rows: FacetRow[], q: URLSearchParams): HTMLElement {
  const selected = new Set(values(q, dim));
  const item = (row: FacetRow, i: number): HTMLElement => {
    const next = toggle(q, dim, row.key);
    next.delete('page');
    const on = selected.has(row.key);
    return h(
      'li',
      null,
      h(
        'a',
        {
          href: href('/', next),
          class: on ? 'facet on' : 'facet',
          id: `facet-${dim}-${i}`,
          'aria-pressed': String(on),
          'data-facet': dim,
          'data-key': row.key,
        },
        h('span', { class: 'facet-label' }, keyLabel(dim, row.key)),
        h('span', { class: 'count' }, fmtInt(row.count, lang())),
      ),
    );
  };
  // Selected values first, so that a chosen value beyond the first few stays visible.
  const sorted = [...rows.filter((r) => selected.has(r.key)), ...rows.filter((r) => !selected.has(r.key))];
  const head = sorted.slice(0, SHOWN);
  const rest = sorted.slice(SHOWN);
  return h(
    'section',
    { class: 'facet-panel', 'aria-labelledby': `fh-${dim}` },
    h('h3', { id: `fh-${dim}` }, t('dim.' + dim)),
    rows.length ? h('ul', null, ...head.map(item)) : h('p', { class: 'muted' }, t('status.empty')),
    rest.length
      ? h('details', null, h('summary', null, t('search.moreValues', { n: rest.length })), h('ul', null, ...rest.map((r, i) => item(r, i + SHOWN))))
      : null,
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
        ...['words', 'phrase', 'prefix', 'and', 'or', 'not', 'group'].map((k) =>
          h('li', null, h('code', null, t(`syntax.${k}.ex`)), ' — ', t(`syntax.${k}.text`)),
        ),
      ),
    ),
  );

  // Active filters as removable chips.
  const chips = FILTERS.flatMap((f) =>
    values(q, f).map((v) => {
      const n = toggle(q, f, v);
      n.delete('page');
      return h('li', null, h('a', { href: href('/', n), class: 'chip', 'aria-label': t('search.removeFilter', { filter: `${t('dim.' + f)}: ${keyLabel(f, v)}` }) }, `${t('dim.' + f)}: ${keyLabel(f, v)}`, h('span', { 'aria-hidden': 'true' }, ' ×')));
    }),
  );
  if (chips.length) {
    const clearQ = new URLSearchParams();
    if (text) clearQ.set('q', text);
    root.append(h('ul', { class: 'chips', 'aria-label': t('search.activeFilters') }, ...chips, h('li', null, h('a', { href: href('/', clearQ), class: 'chip chip-clear' }, t('search.clearFilters')))));
  }

  const params = apiParams(q, { facets: FACETS.join(','), sort, page: String(page), per_page: String(perPage) });
  let res: SearchResponse;
  try {
    res = await getJson<SearchResponse>('/api/v1/recommendations?' + params.toString(), r.signal);
  } catch (e) {
    if (isAbort(e)) throw e;
    root.append(errorBox(e));
    return;
  }

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
    : empty(t('search.noResults'));
  root.append(
    h(
      'div',
      { class: 'search-layout' },
      filterDrawer(facets, chips.length),
      h('section', { class: 'results-col', id: 'results', tabindex: '-1', 'aria-label': t('search.results') }, list, res.total > perPage ? pager(q, page, pages) : null),
    ),
  );
}
