// What the record holds (GET /api/v1/about "coverage", docs/api.md): the sessions, years and
// cycles of its recommendations and pledges and its sources, fetched once per page load. Pages
// that show results say what they cover (coverageNote), label sessions with their year
// (sessionLabel), and show a review the record may lack as "not in this record", never as 0
// (notInRecord; the API decides, in the per-cycle rows' "in_record").

import { getJson } from './api';
import { h } from './dom';
import { t } from './i18n';
import { href } from './ui';

export interface CycleCoverage {
  cycle: number;
  first_session: number;
  last_session: number;
  sessions: number[];
  whole: boolean;
}
export interface SessionDates {
  session: number;
  cycle: number;
  start: string;
  end: string;
  year: number;
  dates: string;
}
export interface Coverage {
  sessions: number[];
  session_ranges: string;
  first_year: number | null;
  last_year: number | null;
  cycles: CycleCoverage[];
  session_dates: SessionDates[];
  sources: { name: string; format: string; files: string[] }[];
  statement: string;
  pledges: { count: number; sessions: number[]; session_ranges: string; first_year: number | null; last_year: number | null };
}

let current: Coverage | null = null;
let pending: Promise<void> | null = null;
const years = new Map<number, number>();

// Fetches the coverage once; a failure leaves it unknown (pages then say nothing about it, and
// sessions are labelled without years) rather than breaking the page.
export function loadCoverage(): Promise<void> {
  if (!pending) {
    pending = getJson<{ coverage?: Coverage }>('/api/v1/about')
      .then((a) => {
        current = a.coverage ?? null;
        for (const d of current?.session_dates ?? []) years.set(d.session, d.year);
      })
      .catch(() => {
        pending = null;
      });
  }
  return pending;
}

export function coverage(): Coverage | null {
  return current;
}

// "Session 14 · 2012" when the session's year is known, else "Session 14".
export function sessionLabel(session: number | string): string {
  const n = Number(session);
  const year = years.get(n);
  return year ? t('label.sessionYear', { n, year }) : t('label.sessionN', { n });
}

function yearSpan(first: number | null, last: number | null): string {
  if (!first || !last) return '';
  return first === last ? String(first) : `${first}–${last}`;
}

// "The record covers UPR sessions 1–17 (2008–2013): cycle 1 whole, cycle 2 in part (sessions
// 13–17 of 13–26). Source: UPR Info, … (5 files). About the data", in the chosen language;
// with pledges, their sessions. null while the coverage is unknown.
export function coverageNote(opts: { pledges?: boolean } = {}): HTMLElement | null {
  const c = current;
  if (!c || !c.sessions.length) return null;
  const cycles = c.cycles
    .map((cy) =>
      cy.whole
        ? t('coverage.cycleWhole', { n: cy.cycle })
        : t('coverage.cyclePart', {
            n: cy.cycle,
            held: ranges(cy.sessions),
            all: `${cy.first_session}–${cy.last_session}`,
          }),
    )
    .join(t('coverage.listSep'));
  // The sources of the UPR record only: the Council's votes (formats hrc-*) are another record.
  const upr = c.sources.filter((s) => !s.format.startsWith('hrc-'));
  const files = upr.reduce((n, s) => n + s.files.length, 0);
  const source = upr.map((s) => s.name).join('; ');
  const text = t('coverage.note', {
    sessions: c.session_ranges,
    years: yearSpan(c.first_year, c.last_year),
    cycles,
    source,
    files,
  });
  const pledgeText =
    opts.pledges && c.pledges.count
      ? ' ' + t('coverage.pledges', { sessions: c.pledges.session_ranges, years: yearSpan(c.pledges.first_year, c.pledges.last_year) })
      : '';
  return h(
    'p',
    { class: 'coverage-note', id: 'coverage-note', 'data-sessions': c.session_ranges },
    text + pledgeText + ' ',
    h('a', { href: href('/about') }, t('coverage.more')),
  );
}

function ranges(sessions: number[]): string {
  const out: string[] = [];
  for (let i = 0; i < sessions.length; ) {
    let j = i;
    while (j + 1 < sessions.length && sessions[j + 1] === sessions[j] + 1) j++;
    out.push(j > i ? `${sessions[i]}–${sessions[j]}` : String(sessions[i]));
    i = j + 1;
  }
  return out.join(', ');
}

// The cell of a review the record may lack: "not in this record", explained on hover and to
// screen readers, never a 0.
export function notInRecord(): HTMLElement {
  return h('span', { class: 'not-in-record', title: t('coverage.notInRecordWhy') }, t('coverage.notInRecord'));
}

// A per-cycle row of the API: its count, or "not in this record" when in_record is false.
export function cycleCount(row: { count: number; in_record?: boolean } | undefined): number | null {
  if (!row || row.in_record === false) return null;
  return row.count;
}

// When a search asks for sessions the record lacks, or for a cycle it holds only in part, says
// so: an empty or small result there means "not in this record", not "none". null otherwise.
export function gapNote(q: URLSearchParams): HTMLElement | null {
  const c = current;
  if (!c || !c.sessions.length) return null;
  const held = new Set(c.sessions);
  const asked: number[] = [];
  for (const v of q.getAll('session').flatMap((x) => x.split(','))) {
    const m = /^\s*(\d+)\s*(?:-\s*(\d+))?\s*$/.exec(v);
    if (!m) continue;
    const a = Number(m[1]);
    const b = m[2] ? Number(m[2]) : a;
    for (let s = Math.min(a, b); s <= Math.max(a, b) && s <= 54; s++) asked.push(s);
  }
  const missing = [...new Set(asked.filter((s) => !held.has(s)))].sort((a, b) => a - b);
  const parts: string[] = [];
  if (missing.length) parts.push(t('coverage.gapSessions', { sessions: ranges(missing) }));
  for (const v of q.getAll('cycle').flatMap((x) => x.split(','))) {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) continue;
    const cy = c.cycles.find((x) => x.cycle === n);
    if (!cy) parts.push(t('coverage.gapCycleNone', { n }));
    else if (!cy.whole) parts.push(t('coverage.gapCycle', { n, held: ranges(cy.sessions), all: `${cy.first_session}–${cy.last_session}` }));
  }
  if (!parts.length) return null;
  return h('p', { class: 'coverage-gap', id: 'coverage-gap', role: 'note' }, parts.join(' '));
}
