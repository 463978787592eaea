// About: the data sources with provenance and counts, and how to cite, from /api/v1/about.
// URL: /about

import { ApiError, getJson } from '../api';
import { fmtInt, h } from '../dom';
import { lang, t } from '../i18n';
import type { Route } from '../router';
import { errorBox, isAbort, pageTitle } from '../ui';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

// A value as text or a small definition list, whatever shape the API gives.
function show(v: Json): Node | string {
  if (v === null) return '—';
  if (typeof v === 'number') return fmtInt(v, lang());
  if (typeof v !== 'object') return String(v);
  if (Array.isArray(v)) return v.every((x) => typeof x !== 'object') ? v.join(', ') : h('ul', null, ...v.map((x) => h('li', null, show(x))));
  return h('dl', { class: 'kv' }, ...Object.entries(v).flatMap(([k, x]) => [h('dt', null, k.replace(/_/g, ' ')), h('dd', null, show(x))]));
}

export async function render(root: HTMLElement, r: Route): Promise<void> {
  root.append(pageTitle(t('about.title')), h('p', null, t('about.intro')));
  let about: { [k: string]: Json };
  try {
    about = await getJson<{ [k: string]: Json }>('/api/v1/about', r.signal);
  } catch (e) {
    if (isAbort(e)) throw e;
    root.append(errorBox(e instanceof ApiError && e.status === 404 ? new Error(t('about.unavailable')) : e));
    return;
  }
  const { counts, sources, citation, ...rest } = about;
  if (counts)
    root.append(h('section', { class: 'card', 'aria-labelledby': 'h-counts' }, h('h2', { id: 'h-counts' }, t('about.counts')), show(counts)));
  if (Array.isArray(sources)) {
    const objs = sources.filter((s): s is { [k: string]: Json } => !!s && typeof s === 'object' && !Array.isArray(s));
    const cols = [...new Set(objs.flatMap((s) => Object.keys(s)))];
    root.append(
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'h-sources' },
        h('h2', { id: 'h-sources' }, t('about.sources')),
        h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': t('about.sources') },
          h('table', { id: 'sources' }, h('thead', null, h('tr', null, ...cols.map((c) => h('th', { scope: 'col' }, c.replace(/_/g, ' '))))), h('tbody', null, ...objs.map((s) => h('tr', null, ...cols.map((c) => h('td', null, show(s[c] ?? null)))))))),
      ),
    );
  }
  if (citation)
    root.append(
      h('section', { class: 'card', 'aria-labelledby': 'h-cite' }, h('h2', { id: 'h-cite' }, t('about.cite')), typeof citation === 'string' ? h('pre', { class: 'cite' }, citation) : show(citation)),
    );
  if (Object.keys(rest).length) root.append(h('section', { class: 'card' }, h('h2', null, t('about.more')), show(rest)));
  root.append(
    h('section', { class: 'card' }, h('h2', null, t('about.licence')), h('p', null, t('about.licenceText'))),
  );
}
