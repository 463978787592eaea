// The resolutions of the Human Rights Council and of the Commission before it, searched
// (GET /api/v1/resolutions): a query box on the titles, facets (body, outcome, year, Council
// session, agenda item) whose values filter on click, every active filter as a removable chip,
// results with their symbol, title, date, outcome and official totals (and a badge where the
// votes listed do not add up to them), paging.
// URL: /resolutions?q=&body=&year=&session=&agenda_item=&outcome=&roll_calls=true&page=

import { getJson } from '../api';
import { fmtInt, h } from '../dom';
import { facetPanel } from '../facets';
import { lang, t } from '../i18n';
import { navigate, type Route } from '../router';
import { empty, errorBox, filterDrawer, href, isAbort, pageTitle } from '../ui';
import {
  agendaLabel,
  bodyName,
  cleanTitle,
  fmtDate,
  outcomeName,
  selectionChips,
  selectionFieldName,
  selectionParams,
  votesNav,
  type ResolutionsResponse,
  type ResolutionSummary,
} from '../votes';

const PATH = '/resolutions';
const PER_PAGE = 20;
const FACETS = ['body', 'outcome', 'year', 'session', 'agenda_item'];

// The official totals of a roll call: "27 yes · 4 no · 16 abstain".
export function totalsText(r: { yes: number | null; no: number | null; abstain: number | null }): string {
  const L = lang();
  if (r.yes === null && r.no === null && r.abstain === null) return '';
  return t('votes.totals', { yes: fmtInt(r.yes ?? 0, L), no: fmtInt(r.no ?? 0, L), abstain: fmtInt(r.abstain ?? 0, L) });
}

export function outcomeBadge(outcome: string): HTMLElement {
  return h('span', { class: `badge badge-outcome badge-outcome-${outcome}` }, outcomeName(outcome));
}

export function resolutionItem(r: ResolutionSummary): HTMLElement {
  const link = href(`/resolutions/${r.uid}`);
  const totals = totalsText(r);
  return h(
    'li',
    { class: 'result resolution', 'data-uid': r.uid },
    h(
      'div',
      { class: 'result-head' },
      h('a', { href: link, class: 'result-title', dir: 'ltr' }, r.symbol || r.uid),
      ' ',
      h('span', { class: 'muted' }, [fmtDate(r.date), bodyName(r.body), r.session ? t('votes.sessionN', { n: r.session }) : ''].filter(Boolean).join(' · ')),
    ),
    h('p', { class: 'result-text', lang: 'en', dir: 'ltr' }, cleanTitle(r.title)),
    h(
      'div',
      { class: 'badges' },
      outcomeBadge(r.outcome),
      totals ? h('span', { class: 'badge badge-totals', 'data-yes': r.yes ?? '', 'data-no': r.no ?? '', 'data-abstain': r.abstain ?? '' }, totals) : null,
      r.roll_call ? h('span', { class: 'badge badge-rollcall' }, t('votes.rollCallBadge')) : null,
      r.reconciles === false ? h('span', { class: 'badge badge-warn', title: t('votes.notReconciledWhy') }, t('votes.notReconciled')) : null,
      r.agenda_item ? h('span', { class: 'badge' }, agendaLabel(r.agenda_item)) : null,
      h('a', { href: link, class: 'badge badge-id' }, r.uid),
    ),
  );
}

function facetLabel(dim: string): (key: string) => string {
  switch (dim) {
    case 'body':
      return bodyName;
    case 'outcome':
      return outcomeName;
    case 'agenda_item':
      return agendaLabel;
    case 'session':
      return (k) => t('votes.sessionN', { n: k });
    default:
      return (k) => k;
  }
}

export async function render(root: HTMLElement, r: Route): Promise<void> {
  const q = r.query;
  const text = q.get('q') ?? '';
  const rollCalls = q.get('roll_calls') === 'true';
  const page = Math.max(1, Number(q.get('page')) || 1);

  root.append(pageTitle(t('votes.resolutionsTitle')), votesNav(PATH, q), h('p', { class: 'muted' }, t('votes.resolutionsIntro')));
  const input = h('input', { type: 'search', id: 'res-q', name: 'q', value: text, placeholder: t('votes.resolutionsPlaceholder'), autocomplete: 'off' });
  const only = h('input', { type: 'checkbox', id: 'res-roll-calls', checked: rollCalls });
  const form = h(
    'form',
    { class: 'search-form', role: 'search' },
    h('label', { for: 'res-q', class: 'visually-hidden' }, t('votes.resolutionsLabel')),
    input,
    h('button', { type: 'submit', class: 'btn primary', id: 'res-go' }, t('search.button')),
  );
  const to = (changes: Record<string, string | undefined>): string => {
    const n = new URLSearchParams(q);
    n.delete('page');
    for (const [k, v] of Object.entries(changes)) {
      if (v) n.set(k, v);
      else n.delete(k);
    }
    return href(PATH, n);
  };
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    navigate(to({ q: input.value.trim() || undefined }));
  });
  only.addEventListener('change', () => navigate(to({ roll_calls: only.checked ? 'true' : undefined }), { keepScroll: true }));
  root.append(form, h('p', { class: 'check' }, only, ' ', h('label', { for: 'res-roll-calls' }, t('votes.onlyRollCalls'))));
  const chips = selectionChips(q, PATH);
  if (chips) root.append(chips);

  let res: ResolutionsResponse;
  try {
    res = await getJson<ResolutionsResponse>('/api/v1/resolutions?' + selectionParams(q, { roll_calls: rollCalls ? 'true' : undefined, page: String(page), per_page: String(PER_PAGE) }).toString(), r.signal);
  } catch (e) {
    if (isAbort(e)) throw e;
    root.append(errorBox(e));
    return;
  }
  root.append(
    h('div', { class: 'result-bar' }, h('p', { id: 'res-total', role: 'status', 'data-total': res.total }, t('votes.resolutionsTotal', { n: fmtInt(res.total, lang()) }))),
  );

  const facets = h(
    'aside',
    { class: 'facets', 'aria-label': t('search.facets') },
    h('h2', { class: 'visually-hidden' }, t('search.facets')),
    ...FACETS.map((d) => facetPanel(d, res.facets[d] ?? [], q, PATH, { title: selectionFieldName(d), label: facetLabel(d), single: true })),
  );
  const pages = Math.max(1, Math.ceil(res.total / PER_PAGE));
  const pageHref = (p: number): string => to({ page: p > 1 ? String(p) : undefined });
  const pager =
    pages > 1
      ? h(
          'nav',
          { class: 'pager', 'aria-label': t('search.pages') },
          page > 1 ? h('a', { href: pageHref(page - 1), rel: 'prev', class: 'btn' }, '← ', t('search.prev')) : null,
          h('span', null, t('search.pageOf', { page: fmtInt(page, lang()), pages: fmtInt(pages, lang()) })),
          page < pages ? h('a', { href: pageHref(page + 1), rel: 'next', class: 'btn', id: 'next-page' }, t('search.next'), ' →') : null,
        )
      : null;
  const list = res.results.length
    ? h('ol', { class: 'results', start: (page - 1) * PER_PAGE + 1 }, ...res.results.map(resolutionItem))
    : empty(t('votes.noResolutions'));
  const active = ['body', 'year', 'session', 'agenda_item', 'outcome'].filter((f) => q.get(f)).length;
  root.append(
    h(
      'div',
      { class: 'search-layout' },
      filterDrawer(facets, active),
      h('section', { class: 'results-col', id: 'results', tabindex: '-1', 'aria-label': t('search.results') }, list, pager),
    ),
  );
}
