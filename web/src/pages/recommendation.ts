// Recommendation: the full record and every attribute, then the other recommendations of the
// same review (same state under review and session). URL: /recommendations/{id}

import { getJson, type SearchResponse, type StateRef } from '../api';
import { fmtInt, h } from '../dom';
import { lang, t } from '../i18n';
import type { Route } from '../router';
import { actionName, badge, empty, errorBox, href, isAbort, pageTitle, regionName, responseName, sdgName, stateName } from '../ui';
import { resultItem } from './search';

interface FullRecord {
  id: number;
  sur: StateRef;
  from: StateRef[];
  text: string;
  response: string;
  response_raw?: string;
  action: number | string | null;
  themes: string[];
  sdgs?: (number | string | { goal?: number; target?: string })[];
  session: number;
  cycle: number;
  sur_orgs?: string;
  from_orgs?: string;
  duplicate_of?: number | null;
  source?: { file?: string; line?: number; import_id?: number };
}

export async function render(root: HTMLElement, r: Route): Promise<void> {
  const id = r.params.id;
  const rec = await getJson<FullRecord>(`/api/v1/recommendations/${encodeURIComponent(id)}`, r.signal);
  const stateLink = (s: StateRef): HTMLElement =>
    s.iso3 ? h('a', { href: href(`/states/${s.iso3}`) }, stateName(s.iso3, s.name)) : h('span', null, s.raw_name || t('label.unknownState'));
  const file = rec.source?.file?.split('/').pop();
  const rows: [string, Node | string][] = [
    [t('dim.sur'), h('span', null, stateLink(rec.sur), ` (${regionName(rec.sur.region ?? '')})`)],
    [t('dim.from'), h('span', null, ...rec.from.flatMap((f, i) => [i ? ', ' : '', stateLink(f), f.region ? ` (${regionName(f.region)})` : '']))],
    [t('dim.response'), h('span', null, badge('response', rec.response, responseName(rec.response)), rec.response_raw ? ` (${rec.response_raw})` : '')],
    [t('dim.action'), `${rec.action ?? '?'} — ${actionName(rec.action)}`],
    [t('dim.theme'), h('span', { class: 'badges' }, ...rec.themes.map((th) => h('a', { class: 'badge badge-theme', href: href('/', { theme: th }) }, th)))],
    [t('dim.session'), h('a', { href: href('/', { session: String(rec.session) }) }, t('label.sessionN', { n: rec.session }))],
    [t('dim.cycle'), t('label.cycleN', { n: rec.cycle })],
  ];
  if (rec.sdgs?.length) rows.push([t('record.sdgs'), rec.sdgs.map((s) => sdgName((typeof s === 'object' ? s.target ?? s.goal : s) ?? '')).join('; ')]);
  if (rec.sur_orgs) rows.push([t('record.surOrgs'), rec.sur_orgs]);
  if (rec.from_orgs) rows.push([t('record.fromOrgs'), rec.from_orgs]);
  if (rec.duplicate_of) rows.push([t('record.duplicateOf'), h('a', { href: href(`/recommendations/${rec.duplicate_of}`) }, `#${rec.duplicate_of}`)]);
  if (file) rows.push([t('record.source'), `${file}${rec.source?.line ? `:${rec.source.line}` : ''}`]);

  root.append(
    pageTitle(t('record.title', { id: rec.id })),
    h('blockquote', { class: 'record-text', lang: 'en', dir: 'ltr' }, rec.text),
    h('dl', { class: 'record' }, ...rows.flatMap(([k, v]) => [h('dt', null, k), h('dd', null, v)])),
  );

  // The same review: same state under review and session.
  const q = new URLSearchParams({ sur: rec.sur.iso3, session: String(rec.session), sort: 'id', per_page: '200' });
  const section = h('section', { class: 'same-review', 'aria-labelledby': 'h-review' });
  section.append(
    h('h2', { id: 'h-review' }, t('record.sameReview', { state: stateName(rec.sur.iso3, rec.sur.name), session: rec.session })),
  );
  root.append(section);
  try {
    const res = await getJson<SearchResponse>('/api/v1/recommendations?' + q.toString(), r.signal);
    const others = res.results.filter((x) => x.id !== rec.id);
    section.append(
      h('p', null, t('record.sameReviewCount', { n: fmtInt(res.total - 1, lang()) }), ' ', h('a', { href: href('/', { sur: rec.sur.iso3, session: String(rec.session), sort: 'id' }) }, t('record.openInSearch'))),
      others.length ? h('ol', { class: 'results compact' }, ...others.map((x) => resultItem(x, false))) : empty(),
    );
  } catch (e) {
    if (isAbort(e)) throw e;
    section.append(errorBox(e));
  }
}
