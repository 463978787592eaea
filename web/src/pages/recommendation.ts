// Recommendation: the full record and every attribute, how to cite it, the most similar
// recommendations (to the same state and to any state: GET /api/v1/recommendations/{uid}/similar,
// docs/similar.md), then the other recommendations of the same review (same state under review
// and session).
// URL: /recommendations/{uid} (a row number from an older link is replaced by the uid).

import { getJson, type SearchResponse, type StateRef } from '../api';
import { downloadBlob, fmtInt, h } from '../dom';
import { lang, t } from '../i18n';
import type { Route } from '../router';
import { actionName, badge, empty, errorBox, href, isAbort, pageTitle, regionName, responseName, sdgName, stateName } from '../ui';
import { asResult, scoredList, type SimilarHit, type SimilarResponse } from '../similar';
import { resultItem } from './search';

interface Citation {
  uid: string;
  url: string;
  review: { sur: string; name: string; session: number; cycle: number; start: string | null; end: string | null; year: number | null };
  documents: { title: string; symbol: string | null; url: string }[];
  source: { name: string; file: string; line: number };
  text: string;
  bibtex: string;
  csl: Record<string, unknown>;
}

interface FullRecord {
  id: number;
  uid: string;
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
  duplicate_of_uid?: string | null;
  source?: { file?: string; line?: number; import_id?: number };
  citation: Citation;
}

// "22 October – 5 November 2012" in the interface's language.
export function sessionDates(start: string | null, end: string | null): string {
  if (!start || !end) return '';
  const d = (s: string) => new Date(s + 'T12:00:00Z');
  const f = new Intl.DateTimeFormat(lang(), { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
  return f.formatRange(d(start), d(end));
}

// A button that copies text to the clipboard and says so (the text stays selectable beside it).
function copyButton(id: string, label: string, text: () => string): HTMLButtonElement {
  const b = h('button', { type: 'button', class: 'btn', id }, label);
  b.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(text());
      b.textContent = t('record.copied');
    } catch {
      b.textContent = t('record.copyFailed');
    }
    setTimeout(() => (b.textContent = label), 2000);
  });
  return b;
}

function citationSection(rec: FullRecord): HTMLElement {
  const c = rec.citation;
  // The link as this browser reached the server (the API names it by the Host it was asked).
  const url = location.origin + `/recommendations/${rec.uid}`;
  const today = new Date().toISOString().slice(0, 10);
  const plain = c.text.split(c.url).join(url) + ` ${t('record.accessed', { date: today })}`;
  const bibtex = c.bibtex.split(c.url).join(url);
  const csl = JSON.stringify([{ ...c.csl, URL: url, accessed: { 'date-parts': [today.split('-').map(Number)] } }], null, 2);
  return h(
    'section',
    { class: 'cite', 'aria-labelledby': 'h-cite' },
    h('h2', { id: 'h-cite' }, t('record.cite')),
    h('p', null, t('record.uidIs'), ' ', h('code', { id: 'record-uid' }, rec.uid), ' — ', h('a', { href: url, id: 'record-link' }, url)),
    h('p', { class: 'cite-text', id: 'cite-text' }, plain),
    h(
      'p',
      { class: 'cite-actions' },
      copyButton('copy-cite', t('record.copyCitation'), () => plain),
      ' ',
      copyButton('copy-link', t('record.copyLink'), () => url),
      ' ',
      h('button', { type: 'button', class: 'btn', id: 'dl-bibtex', onclick: () => downloadBlob(`${rec.uid}.bib`, new Blob([bibtex], { type: 'application/x-bibtex' })) }, t('record.downloadBibtex')),
      ' ',
      h('button', { type: 'button', class: 'btn', id: 'dl-csl', onclick: () => downloadBlob(`${rec.uid}.json`, new Blob([csl], { type: 'application/vnd.citationstyles.csl+json' })) }, t('record.downloadCsl')),
    ),
    h('details', null, h('summary', null, 'BibTeX'), h('pre', { id: 'cite-bibtex' }, bibtex)),
    h('details', null, h('summary', null, 'CSL-JSON'), h('pre', { id: 'cite-csl' }, csl)),
    h('h3', null, t('record.documents')),
    h(
      'ul',
      { class: 'documents' },
      ...c.documents.map((d) => h('li', null, h('a', { href: d.url, rel: 'noopener', target: '_blank' }, d.title), d.symbol ? ` (${d.symbol})` : '')),
    ),
    h('p', { class: 'muted' }, t('record.documentsNote')),
  );
}

// The record's repeat links (docs/similar.md): "It repeats …" / "It was made again …".
function repeatLinks(res: SimilarResponse): HTMLElement[] {
  const out: HTMLElement[] = [];
  const one = (id: string, label: string, x: SimilarHit) =>
    out.push(h('p', { id: `${id}-label` }, label), h('ol', { class: 'results compact', id }, resultItem(asResult(x), false)));
  if (res.repeat_of) one('repeat-of', t('record.repeatOf', { score: res.repeat_of.score.toFixed(2) }), res.repeat_of);
  if (res.repeated_as) one('repeated-as', t('record.repeatedAs', { score: res.repeated_as.score.toFixed(2) }), res.repeated_as);
  return out;
}

// A list of the records most similar to rec (itself left out), among those matching extra.
async function similarList(rec: FullRecord, id: string, extra: Record<string, string>, signal: AbortSignal): Promise<[HTMLElement, SimilarResponse]> {
  const q = new URLSearchParams({ limit: '6', ...extra });
  const res = await getJson<SimilarResponse>(`/api/v1/recommendations/${encodeURIComponent(rec.uid)}/similar?${q}`, signal);
  const hits = res.hits.filter((x) => !x.self).slice(0, 5);
  return [scoredList(hits, id, t('record.similarNone')), res];
}

export async function render(root: HTMLElement, r: Route): Promise<void> {
  const id = r.params.id;
  const rec = await getJson<FullRecord>(`/api/v1/recommendations/${encodeURIComponent(id)}`, r.signal);
  // An older link by row number: the address becomes the uid's, which every copy of the
  // record shares.
  if (rec.uid && id !== rec.uid) history.replaceState(history.state, '', href(`/recommendations/${rec.uid}`, new URLSearchParams(location.search)));
  const stateLink = (s: StateRef): HTMLElement =>
    s.iso3 ? h('a', { href: href(`/states/${s.iso3}`) }, stateName(s.iso3, s.name)) : h('span', null, s.raw_name || t('label.unknownState'));
  const file = rec.source?.file?.split('/').pop();
  const rows: [string, Node | string][] = [
    [t('dim.sur'), h('span', null, stateLink(rec.sur), ` (${regionName(rec.sur.region ?? '')})`)],
    [t('dim.from'), h('span', null, ...rec.from.flatMap((f, i) => [i ? ', ' : '', stateLink(f), f.region ? ` (${regionName(f.region)})` : '']))],
    [t('dim.response'), h('span', null, badge('response', rec.response, responseName(rec.response)), rec.response_raw ? ` (${rec.response_raw})` : '')],
    [t('dim.action'), `${rec.action ?? '?'} — ${actionName(rec.action)}`],
    [t('dim.theme'), h('span', { class: 'badges' }, ...rec.themes.map((th) => h('a', { class: 'badge badge-theme', href: href('/', { theme: th }) }, th)))],
    [t('dim.session'), h('span', null, h('a', { href: href('/', { session: String(rec.session) }) }, t('label.sessionN', { n: rec.session })), rec.citation?.review.start ? ` (${sessionDates(rec.citation.review.start, rec.citation.review.end)})` : '')],
    [t('dim.cycle'), t('label.cycleN', { n: rec.cycle })],
  ];
  if (rec.sdgs?.length) rows.push([t('record.sdgs'), rec.sdgs.map((s) => sdgName((typeof s === 'object' ? s.target ?? s.goal : s) ?? '')).join('; ')]);
  if (rec.sur_orgs) rows.push([t('record.surOrgs'), rec.sur_orgs]);
  if (rec.from_orgs) rows.push([t('record.fromOrgs'), rec.from_orgs]);
  if (rec.duplicate_of) {
    const other = rec.duplicate_of_uid || String(rec.duplicate_of);
    rows.push([t('record.duplicateOf'), h('a', { href: href(`/recommendations/${other}`) }, other)]);
  }
  if (file) rows.push([t('record.source'), `${file}${rec.source?.line ? `:${rec.source.line}` : ''}`]);

  root.append(
    pageTitle(t('record.title', { id: rec.uid || rec.id })),
    h('blockquote', { class: 'record-text', lang: 'en', dir: 'ltr' }, rec.text),
    h('dl', { class: 'record' }, ...rows.flatMap(([k, v]) => [h('dt', null, k), h('dd', null, v)])),
  );
  if (rec.citation) root.append(citationSection(rec));

  // The most similar recommendations: to the same state (earlier or later reviews' repeats),
  // and to any other state.
  const similar = h('section', { class: 'similar', 'aria-labelledby': 'h-similar' });
  const sameName = stateName(rec.sur.iso3, rec.sur.name);
  similar.append(h('h2', { id: 'h-similar' }, t('record.similar')), h('p', { class: 'muted' }, t('record.similarNote')));
  root.append(similar);
  try {
    const [[same, res], [others]] = await Promise.all([
      similarList(rec, 'similar-same', { sur: rec.sur.iso3 }, r.signal),
      similarList(rec, 'similar-all', {}, r.signal),
    ]);
    similar.append(...repeatLinks(res), h('h3', null, t('record.similarSame', { state: sameName })), same, h('h3', null, t('record.similarAll')), others);
  } catch (e) {
    if (isAbort(e)) throw e;
    similar.append(errorBox(e));
  }

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
