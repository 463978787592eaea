// Facets as tools, shared by Search and Explore: a facet panel (every value with its count, a
// click adds or removes it; values of one facet are alternatives, facets combine), type-ahead in
// long facets, and the active filters as removable chips.
//
// The API counts each facet without its own filter (docs/api.md, "facets"): the other values of
// a facet stay listed with their counts while some are chosen, and a value's count is the total
// the search has with that value as its facet's only choice.

import { type FacetRow } from './api';
import { fmtInt, h } from './dom';
import { FILTERS, toggle, values } from './filters';
import { lang, t } from './i18n';
import { href, keyLabel } from './ui';

// Values shown before "N more"; a facet with more values gets a type-ahead box.
export const SHOWN = 8;

// Text folded for matching: lower case, accents removed.
export function fold(s: string): string {
  return s.normalize('NFD').replace(/\p{M}+/gu, '').toLowerCase();
}

// How a page other than the recommendations' names a facet and its values (the resolutions
// search): the panel's title, a value's label, and whether the facet takes one value only (a
// click replaces the value chosen instead of adding to it).
export interface FacetOptions {
  title?: string;
  label?: (key: string) => string;
  single?: boolean;
}

// The facet panel of one dimension on the page at path. rows: the API's values with counts;
// values chosen in q but absent from rows (no record with the other filters) are listed with 0.
export function facetPanel(dim: string, rows: FacetRow[], q: URLSearchParams, path = '/', opts: FacetOptions = {}): HTMLElement {
  const title = opts.title ?? t('dim.' + dim);
  const labelOf = opts.label ?? ((key: string) => keyLabel(dim, key));
  const chosen = values(q, dim);
  const selected = new Set(chosen);
  const missing = chosen.filter((k) => !rows.some((r) => r.key === k)).map((key) => ({ key, count: 0 }));
  const all = [...rows, ...missing];
  // Chosen values first, so that they stay visible beyond the first few.
  const sorted = [...all.filter((r) => selected.has(r.key)), ...all.filter((r) => !selected.has(r.key))];
  const long = sorted.length > SHOWN;
  const listId = `facet-list-${dim}`;

  const items = sorted.map((row, i) => {
    const on = selected.has(row.key);
    let next = toggle(q, dim, row.key);
    if (opts.single) {
      next = new URLSearchParams(q);
      if (on) next.delete(dim);
      else next.set(dim, row.key);
    }
    next.delete('page');
    const label = labelOf(row.key);
    const li = h(
      'li',
      { 'data-match': fold(`${label} ${row.key}`) },
      h(
        'a',
        {
          href: href(path, next),
          class: on ? 'facet on' : 'facet',
          id: `facet-${dim}-${i}`,
          'aria-pressed': String(on),
          'data-facet': dim,
          'data-key': row.key,
          'data-count': row.count,
        },
        h('span', { class: 'facet-check', 'aria-hidden': 'true' }),
        h('span', { class: 'facet-label' }, label),
        h('span', { class: 'count' }, fmtInt(row.count, lang())),
      ),
    );
    if (long && i >= SHOWN) li.hidden = true;
    return li;
  });
  const list = h('ul', { id: listId }, ...items);
  const panel = h(
    'section',
    { class: 'facet-panel', 'aria-labelledby': `fh-${dim}`, 'data-dim': dim },
    h('h3', { id: `fh-${dim}` }, title, selected.size ? h('span', { class: 'facet-n' }, ` (${selected.size})`) : null),
  );
  if (!sorted.length) {
    panel.append(h('p', { class: 'muted' }, t('status.empty')));
    return panel;
  }
  if (!long) {
    panel.append(list);
    return panel;
  }

  // Long facets: a type-ahead box narrows the values; "N more" shows the rest.
  let expanded = false;
  const input = h('input', {
    type: 'search',
    id: `facet-filter-${dim}`,
    class: 'facet-filter',
    placeholder: t('facets.filterPlaceholder'),
    autocomplete: 'off',
    'aria-label': t('facets.filterLabel', { facet: title }),
    'aria-controls': listId,
  });
  const status = h('p', { class: 'visually-hidden', 'aria-live': 'polite', id: `facet-status-${dim}` });
  const noMatch = h('p', { class: 'muted facet-nomatch', hidden: true }, t('facets.noMatch'));
  const more = h('button', { type: 'button', class: 'facet-more', 'aria-expanded': 'false', 'aria-controls': listId }, t('search.moreValues', { n: sorted.length - SHOWN }));
  const visibleLinks = (): HTMLAnchorElement[] => items.filter((li) => !li.hidden).map((li) => li.querySelector('a') as HTMLAnchorElement);
  const update = (): void => {
    const needle = fold(input.value.trim());
    let shown = 0;
    items.forEach((li, i) => {
      const match = needle ? (li.dataset.match ?? '').includes(needle) : expanded || i < SHOWN;
      li.hidden = !match;
      if (match) shown++;
    });
    more.hidden = !!needle;
    more.setAttribute('aria-expanded', String(expanded));
    more.textContent = expanded ? t('facets.fewer') : t('search.moreValues', { n: sorted.length - SHOWN });
    noMatch.hidden = !needle || shown > 0;
    status.textContent = needle ? t('facets.matches', { n: shown }) : '';
  };
  input.addEventListener('input', update);
  input.addEventListener('keydown', (e) => {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      visibleLinks()[0]?.focus();
    } else if (e.key === 'Enter') {
      // Enter chooses the first value that matches.
      e.preventDefault();
      if (input.value.trim()) visibleLinks()[0]?.click();
    } else if (e.key === 'Escape' && input.value) {
      e.preventDefault();
      input.value = '';
      update();
    }
  });
  // Arrow keys move between the visible values; up from the first goes back to the box.
  list.addEventListener('keydown', (e) => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    const links = visibleLinks();
    const at = links.indexOf(document.activeElement as HTMLAnchorElement);
    if (at < 0) return;
    e.preventDefault();
    if (e.key === 'ArrowDown') links[Math.min(at + 1, links.length - 1)].focus();
    else if (at === 0) input.focus();
    else links[at - 1].focus();
  });
  more.addEventListener('click', () => {
    expanded = !expanded;
    update();
  });
  panel.append(input, status, list, noMatch, more);
  return panel;
}

// The filters a page's chips are about (the recommendations' FILTERS unless told) and how a
// chip names one: "<title of the field>: <label of the value>".
export interface ChipOptions {
  fields?: readonly string[];
  name?: (field: string, value: string) => string;
}

// Every active filter of q (the text query first) as a chip that removes it on the page at path,
// then "clear all filters". Null when nothing is active.
export function filterChips(q: URLSearchParams, path = '/', opts: ChipOptions = {}): HTMLElement | null {
  const fields = opts.fields ?? FILTERS;
  const name = opts.name ?? ((f: string, v: string) => `${t('dim.' + f)}: ${keyLabel(f, v)}`);
  const chip = (label: string, next: URLSearchParams, field: string, value: string): HTMLElement => {
    next.delete('page');
    return h(
      'li',
      null,
      h(
        'a',
        { href: href(path, next), class: 'chip', 'data-field': field, 'data-value': value, 'aria-label': t('search.removeFilter', { filter: label }) },
        label,
        h('span', { 'aria-hidden': 'true' }, ' ×'),
      ),
    );
  };
  const chips: HTMLElement[] = [];
  const text = q.get('q');
  if (text) {
    const next = new URLSearchParams(q);
    next.delete('q');
    chips.push(chip(t('facets.textChip', { q: text }), next, 'q', text));
  }
  for (const f of fields) for (const v of values(q, f)) chips.push(chip(name(f, v), toggle(q, f, v), f, v));
  if (!chips.length) return null;
  // "Clear all filters" keeps the text and what is not a filter (sort, Explore's dimensions).
  const filters = chips.length - (text ? 1 : 0);
  const cleared = new URLSearchParams(q);
  cleared.delete('page');
  for (const f of fields) cleared.delete(f);
  return h(
    'ul',
    { class: 'chips active-filters', 'aria-label': t('search.activeFilters') },
    ...chips,
    filters ? h('li', null, h('a', { href: href(path, cleared), class: 'chip chip-clear', id: 'clear-filters' }, t('search.clearFilters'))) : null,
  );
}

// The URL of Explore with q and every filter of a search carried over.
export function exploreHref(q: URLSearchParams): string {
  const n = new URLSearchParams();
  const text = q.get('q');
  if (text) n.set('q', text);
  for (const f of FILTERS) for (const v of q.getAll(f)) if (v) n.append(f, v);
  return href('/explore', n);
}
