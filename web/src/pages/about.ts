// About: the data sources with provenance and counts, and how to cite, from /api/v1/about
// (docs/api.md). URL: /about

import { ApiError, getJson } from '../api';
import { fmtInt, h } from '../dom';
import { lang, t } from '../i18n';
import type { Route } from '../router';
import { coverage, coverageNote, sessionLabel } from '../coverage';
import { errorBox, isAbort, pageTitle } from '../ui';
import { sessionDates } from './recommendation';

interface Source {
  file: string;
  format: string;
  encoding: string;
  line_ends: string;
  rows: number;
  added: number;
  duplicates: number;
  imported_at: string;
  hash: string;
}
interface About {
  version: string;
  schema_version: number;
  counts: { recommendations: number; pledges: number; states: number; sessions: number; cycles: number };
  sources: Source[];
  citation: string;
}

const COUNTS = ['recommendations', 'pledges', 'states', 'sessions', 'cycles'] as const;

export async function render(root: HTMLElement, r: Route): Promise<void> {
  root.append(pageTitle(t('about.title')), h('p', null, t('about.intro')));
  let about: About;
  try {
    about = await getJson<About>('/api/v1/about', r.signal);
  } catch (e) {
    if (isAbort(e)) throw e;
    root.append(errorBox(e instanceof ApiError && e.status === 404 ? new Error(t('about.unavailable')) : e));
    return;
  }
  const num = (n: number) => fmtInt(n, lang());
  root.append(
    h('section', { class: 'card', 'aria-labelledby': 'h-counts' },
      h('h2', { id: 'h-counts' }, t('about.counts')),
      h('dl', { class: 'kv', id: 'counts' },
        ...COUNTS.flatMap((k) => [h('dt', null, t(`about.count.${k}`)), h('dd', null, num(about.counts[k]))]))),
  );
  // What the record holds: the coverage note (without its link to this page) and each session's
  // dates in the interface's language.
  const note = coverageNote({ pledges: true });
  note?.querySelector('a')?.remove();
  const cov = coverage();
  if (note && cov)
    root.append(
      h('section', { class: 'card', 'aria-labelledby': 'h-coverage', id: 'coverage' },
        h('h2', { id: 'h-coverage' }, t('coverage.more')),
        note,
        h('ul', { class: 'session-dates' },
          ...cov.session_dates.map((d) => h('li', { 'data-session': d.session }, sessionLabel(d.session), ': ', sessionDates(d.start, d.end))))),
    );
  const cols: [string, (s: Source) => Node | string][] = [
    ['file', (s) => h('span', { title: s.file }, s.file.slice(s.file.lastIndexOf('/') + 1))],
    ['rows', (s) => num(s.rows)],
    ['added', (s) => num(s.added)],
    ['duplicates', (s) => num(s.duplicates)],
    ['encoding', (s) => `${s.format}, ${s.encoding}, ${s.line_ends}`],
    ['imported', (s) => new Date(s.imported_at).toLocaleString(lang())],
    ['hash', (s) => h('code', { title: s.hash }, s.hash.slice(0, s.hash.indexOf(':') + 13) + '…')],
  ];
  root.append(
    h('section', { class: 'card', 'aria-labelledby': 'h-sources' },
      h('h2', { id: 'h-sources' }, t('about.sources')),
      h('p', null, t('about.sourcesNote')),
      h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': t('about.sources') },
        h('table', { id: 'sources' },
          h('thead', null, h('tr', null, ...cols.map(([k]) => h('th', { scope: 'col' }, t(`about.col.${k}`))))),
          h('tbody', null, ...about.sources.map((s) => h('tr', null, ...cols.map(([, cell]) => h('td', null, cell(s))))))))),
    h('section', { class: 'card', 'aria-labelledby': 'h-cite' },
      h('h2', { id: 'h-cite' }, t('about.cite')), h('pre', { class: 'cite' }, about.citation)),
    h('section', { class: 'card' }, h('h2', null, t('about.licence')), h('p', null, t('about.licenceText')),
      h('p', { class: 'muted' }, t('about.version', { version: about.version, schema: String(about.schema_version) }))),
  );
}
