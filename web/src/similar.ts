// The most similar recommendations (GET /api/v1/recommendations/{uid}/similar, POST
// /api/v1/similar; docs/similar.md): the API's types and the list the pages show, each hit as a
// search result with its similarity score.

import type { SearchResult } from './api';
import { h } from './dom';
import { t } from './i18n';
import { resultItem } from './pages/search';

// What /similar answers (a hit: the record's summary with its score).
export interface SimilarHit {
  id: number;
  uid: string;
  sur: string;
  from: (string | null)[];
  text: string;
  session: number;
  cycle: number;
  response: string;
  action: number | null;
  themes: string[];
  score: number;
  self: boolean;
}
export interface SimilarResponse {
  total: number;
  hits: SimilarHit[];
  repeat_of?: SimilarHit | null; // the record this one repeats, from the review before
  repeated_as?: SimilarHit | null; // the record repeating this one in the review after
}

export function asResult(x: SimilarHit): SearchResult {
  return { ...x, sur: { iso3: x.sur, name: x.sur }, from: x.from.filter((f): f is string => !!f).map((f) => ({ iso3: f, name: f })) };
}

// The hits as a list of results, each with its score first; `none` when there is none.
export function scoredList(hits: SimilarHit[], id: string, none: string): HTMLElement {
  if (!hits.length) return h('p', { class: 'muted', id }, none);
  return h(
    'ol',
    { class: 'results compact similar', id },
    ...hits.map((x) => {
      const li = resultItem(asResult(x), false);
      li.dataset.uid = x.uid;
      li.querySelector('.result-head')?.prepend(
        h('span', { class: 'badge badge-score', title: t('record.similarScoreHelp') }, t('record.similarScore', { score: x.score.toFixed(2) })),
        ' ',
      );
      return li;
    }),
  );
}
