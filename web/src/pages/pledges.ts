// Voluntary pledges: the commitments states under review made themselves (GET /api/v1/pledges).
// A search page (/pledges?q=&state=&session=&page=), a page per pledge (/pledges/{uid}), and the
// "Voluntary pledges" section of a state profile (pledgeSection).

import { getJson, qs, type Pledge, type PledgeResponse } from '../api';
import { coverage, coverageNote, sessionLabel } from '../coverage';
import { fmtInt, h, snippetNode } from '../dom';
import { lang, t } from '../i18n';
import { navigate, type Route } from '../router';
import { actionName, empty, errorBox, href, isAbort, loading, pageTitle, stateList, stateName } from '../ui';

const PER_PAGE = 20;

function pledgeItem(p: Pledge, withState: boolean): HTMLElement {
  const link = href(`/pledges/${p.uid}`);
  return h(
    'li',
    { class: 'result pledge', 'data-uid': p.uid },
    withState && p.state
      ? h('div', { class: 'result-head' }, h('a', { href: link, class: 'result-title' }, stateName(p.state.iso3, p.state.name)))
      : null,
    h('p', { class: 'result-text', lang: 'en', dir: 'ltr' }, p.snippet_html ? snippetNode(p.snippet_html) : p.text),
    h(
      'div',
      { class: 'badges' },
      h('span', { class: 'badge badge-session' }, sessionLabel(p.session), ' · ', t('label.cycleN', { n: p.cycle })),
      ...p.themes.map((th) => h('span', { class: 'badge badge-theme' }, th)),
      h('a', { href: link, class: 'badge badge-id' }, p.uid),
    ),
  );
}

// The state profile's section: the state's pledges by session, with a link to search them.
// Returned at once and filled when the pledges arrive, so that the profile's charts do not wait.
export function pledgeSection(iso3: string, signal: AbortSignal): HTMLElement {
  const section = h('section', { class: 'card pledges', id: 'pledges', 'aria-labelledby': 'h-pledges' }, loading());
  fillPledges(section, iso3, signal).catch((e) => {
    if (!isAbort(e)) section.replaceChildren(h('h2', { id: 'h-pledges' }, t('pledges.title')), errorBox(e));
  });
  return section;
}

async function fillPledges(section: HTMLElement, iso3: string, signal: AbortSignal): Promise<void> {
  let res: PledgeResponse;
  try {
    res = await getJson<PledgeResponse>('/api/v1/pledges' + qs({ state: iso3, per_page: 200 }), signal);
  } catch (e) {
    if (isAbort(e)) throw e;
    section.replaceChildren(h('h2', { id: 'h-pledges' }, t('pledges.title')), errorBox(e));
    return;
  }
  section.replaceChildren();
  section.append(h('h2', { id: 'h-pledges' }, t('pledges.title'), ' ', h('span', { class: 'count', 'data-total': res.total }, fmtInt(res.total, lang()))));
  const c = coverage();
  if (!res.total) {
    section.append(empty(t('pledges.noneForState', { sessions: c?.pledges.session_ranges ?? '' })));
    return;
  }
  const bySession = new Map<number, Pledge[]>();
  for (const p of res.results) bySession.set(p.session, [...(bySession.get(p.session) ?? []), p]);
  for (const [session, list] of [...bySession.entries()].sort((a, b) => a[0] - b[0])) {
    section.append(
      h('h3', null, sessionLabel(session), list[0].dates ? h('span', { class: 'muted' }, ` (${list[0].dates})`) : null),
      h('ul', { class: 'results' }, ...list.map((p) => pledgeItem(p, false))),
    );
  }
  if (res.total > res.results.length) section.append(h('p', { class: 'muted' }, t('pledges.more', { n: res.total - res.results.length })));
  section.append(h('p', null, h('a', { href: href('/pledges', { state: iso3 }), id: 'search-pledges' }, t('pledges.searchThese'))));
}

export async function render(root: HTMLElement, r: Route): Promise<void> {
  if (r.params.uid) return renderOne(root, r);
  const q = r.query;
  const text = q.get('q') ?? '';
  const state = (q.get('state') ?? '').toUpperCase();
  const session = q.get('session') ?? '';
  const page = Math.max(1, Number(q.get('page')) || 1);
  const to = (changes: Record<string, string | undefined>): string => {
    const n = new URLSearchParams(q);
    for (const [k, v] of Object.entries(changes)) {
      if (v) n.set(k, v);
      else n.delete(k);
    }
    return href('/pledges', n);
  };

  root.append(pageTitle(t('pledges.searchTitle')), h('p', { class: 'muted' }, t('pledges.intro')));
  const input = h('input', { type: 'search', id: 'pledge-q', name: 'q', value: text, placeholder: t('search.placeholder'), autocomplete: 'off' });
  const picker = h(
    'select',
    { id: 'pledge-state', name: 'state' },
    h('option', { value: '' }, t('pledges.allStates')),
    ...stateList().map((s) => h('option', { value: s.iso3, selected: s.iso3 === state }, stateName(s.iso3))),
  );
  const form = h(
    'form',
    { class: 'search-form', role: 'search' },
    h('label', { for: 'pledge-q', class: 'visually-hidden' }, t('search.label')),
    input,
    h('label', { for: 'pledge-state', class: 'visually-hidden' }, t('dim.sur')),
    picker,
    h('button', { type: 'submit', class: 'btn primary', id: 'pledge-go' }, t('search.button')),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    navigate(to({ q: input.value.trim() || undefined, state: picker.value || undefined, page: undefined }));
  });
  picker.addEventListener('change', () => navigate(to({ state: picker.value || undefined, page: undefined })));
  root.append(form);

  let res: PledgeResponse;
  try {
    res = await getJson<PledgeResponse>('/api/v1/pledges' + qs({ q: text, state, session, page, per_page: PER_PAGE }), r.signal);
  } catch (e) {
    if (isAbort(e)) throw e;
    root.append(errorBox(e));
    return;
  }
  root.append(
    h('p', { id: 'pledge-total', role: 'status', 'data-total': res.total }, t('pledges.total', { n: fmtInt(res.total, lang()) })),
    coverageNote({ pledges: true }) ?? '',
  );
  // Sessions with their counts: a click filters on one, a second click clears it.
  const sessions = h(
    'aside',
    { class: 'facets', 'aria-label': t('dim.session') },
    h('section', { class: 'facet-panel', 'aria-labelledby': 'fh-pledge-session' },
      h('h3', { id: 'fh-pledge-session' }, t('dim.session')),
      h('ul', null, ...res.facets.session.map((f) => {
        const on = f.key === session;
        return h('li', null, h('a', { href: to({ session: on ? undefined : f.key, page: undefined }), class: on ? 'facet on' : 'facet', 'aria-pressed': String(on), 'data-facet': 'session', 'data-key': f.key },
          h('span', { class: 'facet-label' }, sessionLabel(f.key)), h('span', { class: 'count' }, fmtInt(f.count, lang()))));
      }))),
  );
  const pages = Math.max(1, Math.ceil(res.total / PER_PAGE));
  const list = res.results.length
    ? h('ol', { class: 'results', start: (page - 1) * PER_PAGE + 1 }, ...res.results.map((p) => pledgeItem(p, true)))
    : empty(t('pledges.noResults'));
  const pager =
    pages > 1
      ? h('nav', { class: 'pager', 'aria-label': t('search.pages') },
          page > 1 ? h('a', { href: to({ page: page > 2 ? String(page - 1) : undefined }), rel: 'prev', class: 'btn' }, '← ', t('search.prev')) : null,
          h('span', null, t('search.pageOf', { page: fmtInt(page, lang()), pages: fmtInt(pages, lang()) })),
          page < pages ? h('a', { href: to({ page: String(page + 1) }), rel: 'next', class: 'btn', id: 'next-page' }, t('search.next'), ' →') : null)
      : null;
  root.append(h('div', { class: 'search-layout' }, sessions, h('section', { class: 'results-col', id: 'results', tabindex: '-1', 'aria-label': t('search.results') }, list, pager)));
}

async function renderOne(root: HTMLElement, r: Route): Promise<void> {
  const p = await getJson<Pledge>(`/api/v1/pledges/${encodeURIComponent(r.params.uid)}`, r.signal);
  const name = p.state ? stateName(p.state.iso3, p.state.name) : '';
  root.append(
    pageTitle(t('pledges.oneTitle', { state: name })),
    h('blockquote', { class: 'record-text', lang: 'en', dir: 'ltr', id: 'pledge-text' }, p.text),
    h(
      'dl',
      { class: 'kv', id: 'pledge-facts' },
      h('dt', null, t('dim.sur')),
      h('dd', null, p.state ? h('a', { href: href(`/states/${p.state.iso3}`) }, name) : '—'),
      h('dt', null, t('dim.session')),
      h('dd', null, sessionLabel(p.session), p.dates ? ` (${p.dates})` : '', ' · ', t('label.cycleN', { n: p.cycle })),
      h('dt', null, t('label.action')),
      h('dd', null, actionName(p.action)),
      h('dt', null, t('dim.theme')),
      h('dd', null, p.themes.join(', ') || '—'),
      h('dt', null, t('pledges.source')),
      h('dd', null, `${p.source.file}:${p.source.line}`),
      h('dt', null, t('pledges.uid')),
      h('dd', null, h('code', null, p.uid)),
    ),
    p.citation ? h('section', { class: 'card', 'aria-labelledby': 'h-pledge-cite' }, h('h2', { id: 'h-pledge-cite' }, t('record.cite')), h('p', { class: 'cite', id: 'pledge-cite', lang: 'en', dir: 'ltr' }, p.citation.text)) : '',
    p.state ? h('p', null, h('a', { href: href('/pledges', { state: p.state.iso3 }) }, t('pledges.allOfState', { state: name }))) : '',
  );
}
