// Observations and recommendations of every UN human rights mechanism (OHCHR's Universal Human
// Rights Index, issue 17; GET /api/v1/observations): a search with facets, newest first
// (/observations?q=&mechanism=&body=&year=&theme=&sdg=&affected=&state=&page=&per_page=; the parameters
// are the API's, so a URL is a citable view), and a page per record (/observations/{uid}).

import { getJson, type Observation, type ObservationResponse } from '../api';
import { fmtInt, h } from '../dom';
import { facetPanel, filterChips } from '../facets';
import { values } from '../filters';
import { lang, t } from '../i18n';
import { mechanismName, obsKeyLabel, observationItem, publishedDate } from '../observations';
import { navigate, type Route } from '../router';
import { empty, errorBox, filterDrawer, href, isAbort, pageTitle, sdgName, stateName } from '../ui';

const PER_PAGES = [10, 20, 50, 100];
const FACETS = ['mechanism', 'body', 'year', 'theme', 'sdg', 'affected', 'state'];
// The filters of the page's URL (q apart), as the API names them.
const FIELDS = ['mechanism', 'body', 'year', 'theme', 'sdg', 'affected', 'state', 'document', 'type'];

// The API's query string for the page's URL.
function apiQuery(q: URLSearchParams, page: number, perPage: number): URLSearchParams {
  const out = new URLSearchParams();
  const text = q.get('q');
  if (text) out.set('q', text);
  for (const f of FIELDS) for (const v of values(q, f)) out.append(f, v);
  out.set('page', String(page));
  out.set('per_page', String(perPage));
  out.set('facets', FACETS.join(','));
  out.set('top', '0');
  return out;
}

const dimTitle = (dim: string): string => t('obs.dim.' + dim);

export async function render(root: HTMLElement, r: Route): Promise<void> {
  if (r.params.uid) return renderOne(root, r);
  const q = r.query;
  const text = q.get('q') ?? '';
  const page = Math.max(1, Number(q.get('page')) || 1);
  const perPage = PER_PAGES.includes(Number(q.get('per_page'))) ? Number(q.get('per_page')) : 20;

  root.append(pageTitle(t('obs.title')), h('p', { class: 'muted' }, t('obs.intro')));
  const input = h('input', { type: 'search', id: 'obs-q', name: 'q', value: text, placeholder: t('search.placeholder'), autocomplete: 'off' });
  const form = h(
    'form',
    { class: 'search-form', role: 'search' },
    h('label', { for: 'obs-q', class: 'visually-hidden' }, t('search.label')),
    input,
    h('button', { type: 'submit', class: 'btn primary', id: 'obs-go' }, t('search.button')),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const n = new URLSearchParams(q);
    n.delete('page');
    if (input.value.trim()) n.set('q', input.value.trim());
    else n.delete('q');
    navigate(href('/observations', n));
  });
  root.append(form);
  const chips = filterChips(q, '/observations', { fields: FIELDS, name: (f, v) => `${dimTitle(f)}: ${obsKeyLabel(f, v)}` });
  if (chips) root.append(chips);

  let res: ObservationResponse;
  try {
    res = await getJson<ObservationResponse>('/api/v1/observations?' + apiQuery(q, page, perPage).toString(), r.signal);
  } catch (e) {
    if (isAbort(e)) throw e;
    root.append(errorBox(e));
    return;
  }
  root.append(h('p', { id: 'obs-page-total', role: 'status', 'data-total': res.total, class: 'obs-total' }, t('obs.total', { n: fmtInt(res.total, lang()) })));

  const active = FIELDS.reduce((n, f) => n + values(q, f).length, 0);
  const facets = h(
    'aside',
    { class: 'facets', 'aria-label': t('search.facets') },
    h('h2', { class: 'visually-hidden' }, t('search.facets')),
    ...FACETS.map((d) => {
      const rows = d === 'year' ? [...(res.facets[d] ?? [])].sort((a, b) => b.key.localeCompare(a.key)) : (res.facets[d] ?? []);
      return facetPanel(d, rows, q, '/observations', { title: dimTitle(d), label: (k) => obsKeyLabel(d, k), single: d === 'year' });
    }),
  );
  const pages = Math.max(1, Math.ceil(res.total / perPage));
  const to = (p: number): string => {
    const n = new URLSearchParams(q);
    if (p > 1) n.set('page', String(p));
    else n.delete('page');
    return href('/observations', n);
  };
  const pager =
    pages > 1
      ? h(
          'nav',
          { class: 'pager', 'aria-label': t('search.pages') },
          page > 1 ? h('a', { href: to(page - 1), rel: 'prev', class: 'btn' }, '← ', t('search.prev')) : null,
          h('span', null, t('search.pageOf', { page: fmtInt(page, lang()), pages: fmtInt(pages, lang()) })),
          page < pages ? h('a', { href: to(page + 1), rel: 'next', class: 'btn', id: 'next-page' }, t('search.next'), ' →') : null,
        )
      : null;
  const list = res.results.length
    ? h('ol', { class: 'results', id: 'obs-list', start: (page - 1) * perPage + 1 }, ...res.results.map((o) => observationItem(o)))
    : empty(t('obs.noResults'));
  root.append(
    h(
      'div',
      { class: 'search-layout' },
      filterDrawer(facets, active),
      h('section', { class: 'results-col', id: 'results', tabindex: '-1', 'aria-label': t('search.results') }, list, pager),
    ),
  );
}

// A list of values as links to the observations with that value chosen.
function valueLinks(dim: string, vals: string[], label: (v: string) => string = (v) => v): HTMLElement | string {
  if (!vals.length) return '—';
  return h(
    'ul',
    { class: 'inline-list', id: `obs-${dim}` },
    ...vals.map((v) => h('li', null, h('a', { href: href('/observations', { [dim]: v }), lang: dim === 'state' ? null : 'en' }, label(v)))),
  );
}

async function renderOne(root: HTMLElement, r: Route): Promise<void> {
  const o = await getJson<Observation>(`/api/v1/observations/${encodeURIComponent(r.params.uid)}`, r.signal);
  const paragraphs = o.text.split('\n\n').filter((p) => p.trim());
  // SDG targets as UHRI writes them ("16.2 - Protect children ..."): the target's number, its
  // goal's name in the interface's language, and UHRI's wording of the target.
  const sdg = (s: string): HTMLElement => {
    const m = /^(\d+(?:\.[0-9a-z]+)?)\s*-?\s*(.*)$/i.exec(s);
    const code = m ? m[1] : s;
    return h('li', null, h('a', { href: href('/observations', { sdg: code }) }, sdgName(code)), m?.[2] ? h('span', { class: 'muted', lang: 'en', dir: 'ltr' }, ` — ${code} ${m[2]}`) : null);
  };
  const dl = h(
    'dl',
    { class: 'record', id: 'obs-record' },
    h('dt', null, t('obs.dim.mechanism')),
    h('dd', { id: 'obs-mechanism' }, mechanismName(o.mechanism)),
    h('dt', null, t('obs.dim.body')),
    h('dd', { id: 'obs-body', lang: 'en', dir: 'ltr' }, o.body ? h('a', { href: href('/observations', { body: o.body }) }, o.body) : '—'),
    h('dt', null, t('obs.dim.type')),
    h('dd', { id: 'obs-type', lang: 'en', dir: 'ltr' }, o.type || '—'),
    h('dt', null, t('obs.dim.document')),
    h('dd', { id: 'obs-document', dir: 'ltr' }, o.document ? h('a', { href: href('/observations', { document: o.document }) }, o.document) : '—'),
    h('dt', null, t('obs.date')),
    h('dd', null, h('time', { id: 'obs-date', datetime: o.published ?? '' }, publishedDate(o))),
    h('dt', null, t('obs.dim.state')),
    h('dd', null, valueLinks('state', o.states, (s) => stateName(s)), o.countries.length > o.states.length ? h('span', { class: 'muted', lang: 'en' }, ` (${o.countries.join(', ')})`) : null),
    h('dt', null, t('obs.dim.theme')),
    h('dd', null, valueLinks('theme', o.themes)),
    h('dt', null, t('obs.sdgTargets')),
    h('dd', null, o.sdgs.length ? h('ul', { class: 'plain-list', id: 'obs-sdg' }, ...o.sdgs.map(sdg)) : '—'),
    h('dt', null, t('obs.dim.affected')),
    h('dd', null, valueLinks('affected', o.affected)),
  );
  if (o.upr) {
    dl.append(
      h('dt', null, t('dim.session')),
      h('dd', null, o.upr.session ? String(o.upr.session) : '—'),
      h('dt', null, t('obs.uprPosition')),
      h('dd', { lang: 'en' }, o.upr.positions.join(', ') || '—'),
      h('dt', null, t('dim.from')),
      h('dd', { lang: 'en' }, o.upr.recommending.join(', ') || '—'),
      h('dt', null, t('obs.uprRecommendation')),
      h('dd', null, o.upr.recommendation ? h('a', { href: href(`/recommendations/${o.upr.recommendation}`), id: 'obs-recommendation' }, o.upr.recommendation) : t('obs.uprNoMatch')),
    );
  }
  dl.append(h('dt', null, t('pledges.uid')), h('dd', null, h('code', { id: 'obs-uid' }, o.uid)));
  root.append(
    pageTitle(t('obs.oneTitle', { body: o.body || t('obs.unknownBody') })),
    o.missing ? h('p', { class: 'coverage-gap', id: 'obs-missing' }, t('obs.missingNote')) : '',
    h('div', { class: 'record-text obs-text', id: 'obs-text', lang: 'en', dir: 'ltr' }, ...(paragraphs.length ? paragraphs.map((p) => h('p', null, p)) : [h('p', { class: 'muted' }, t('obs.noText'))])),
    dl,
    o.states.length === 1 ? h('p', null, h('a', { href: href('/observations', { state: o.states[0] }) }, t('obs.allOfState', { state: stateName(o.states[0]) }))) : '',
  );
}
