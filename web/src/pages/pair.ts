// Two states face to face: the recommendations each made to the other in the UPR record
// (GET /api/v1/politicization/severity with from and sur: how many, their mean action category,
// the share noted; a link to the search of them) and how often they voted alike in the Human
// Rights Council, over every roll call and per five-year period
// (GET /api/v1/votes/agreement?state=A&with=B&body=hrc&year=...), as bars.
// URL: /pair?a=FRA&b=LKA

import { ApiError, getJson } from '../api';
import { barOption, chartCard } from '../charts';
import { fmtInt, fmtPct, h } from '../dom';
import { lang, t } from '../i18n';
import { navigate, type Route } from '../router';
import { empty, errorBox, href, isAbort, pageTitle, stateName } from '../ui';
import { resolveState, rollCallRanges, statePicker, votesNav, type AgreementCell, type AgreementResponse } from '../votes';
import { fmtFixed, type SeverityResponse } from '../politicization';

const PATH = '/pair';
const FIRST_YEAR = 2006; // the Council's first year: the periods are 2006-2010, 2011-2015, ...
const PERIOD = 5;

// The five-year periods from the Council's first year to the last year with roll calls, as the
// API's year parameter ("2006-2010"; a last period of one year is that year: "2026").
function periods(lastYear: number): string[] {
  const out: string[] = [];
  for (let y = FIRST_YEAR; y <= lastYear; y += PERIOD) {
    const end = Math.min(y + PERIOD - 1, lastYear);
    out.push(end === y ? String(y) : `${y}-${end}`);
  }
  return out;
}

export async function render(root: HTMLElement, r: Route): Promise<void> {
  const q = r.query;
  const L = lang();
  const asCode = (v: string): string => (v ? (resolveState(v) ?? v.toUpperCase()) : '');
  const a = asCode((q.get('a') ?? '').trim());
  const b = asCode((q.get('b') ?? '').trim());
  root.append(
    pageTitle(a && b ? t('pair.titleOf', { a: stateName(a), b: stateName(b) }) : t('pair.title')),
    votesNav(PATH, q),
    h('p', { class: 'muted' }, t('pair.intro')),
  );

  // The two pickers (names in any of the six languages, or codes).
  const pa = statePicker('pair-a', t('pair.stateA'), a || null, 'a');
  const pb = statePicker('pair-b', t('pair.stateB'), b || null, 'b');
  const problem = h('div', { id: 'pair-problem' });
  const form = h('form', { class: 'controls', id: 'pair-states', role: 'search' }, pa.label, pb.label, h('button', { type: 'submit', class: 'btn primary', id: 'pair-go' }, t('votes.show')));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const n = new URLSearchParams(q);
    for (const [input, key] of [
      [pa.input, 'a'],
      [pb.input, 'b'],
    ] as const) {
      const text = input.value.trim();
      if (!text) {
        n.delete(key);
        continue;
      }
      const iso = resolveState(text);
      if (!iso) {
        problem.replaceChildren(h('p', { class: 'error', role: 'alert', id: 'pair-unknown' }, t('votes.unknownState', { name: text })));
        input.focus();
        return;
      }
      n.set(key, iso);
    }
    navigate(href(PATH, n));
  });
  root.append(form, problem);
  if (!a || !b) {
    root.append(empty(t('pair.chooseBoth')));
    return;
  }
  if (a === b) {
    root.append(empty(t('pair.same')));
    return;
  }

  // The recommendations both ways; the years with roll calls, for the periods.
  let ab: SeverityResponse, ba: SeverityResponse, years: number[];
  try {
    const sev = (from: string, sur: string): Promise<SeverityResponse> => getJson<SeverityResponse>(`/api/v1/politicization/severity?${new URLSearchParams({ from, sur }).toString()}`, r.signal);
    [ab, ba, { years }] = await Promise.all([sev(a, b), sev(b, a), rollCallRanges()]);
  } catch (e) {
    if (isAbort(e)) throw e;
    root.append(errorBox(e));
    return;
  }
  const nameA = stateName(a);
  const nameB = stateName(b);
  const side = (res: SeverityResponse, from: string, sur: string, id: string): HTMLElement => {
    const row = res.results.find((x) => x.from === from && x.sur === sur);
    const search = href('/', { from, sur });
    const title = t('pair.madeTo', { from: stateName(from), sur: stateName(sur) });
    if (!row || !row.count)
      return h('section', { class: 'card', id, 'aria-labelledby': `h-${id}`, 'data-count': 0 }, h('h2', { id: `h-${id}` }, title), h('p', null, t('pair.none', { from: stateName(from), sur: stateName(sur) })));
    const stat = (cls: string, value: string, label: string): HTMLElement => h('div', { class: `stat ${cls}` }, h('div', { class: 'stat-value' }, value), h('div', { class: 'stat-label' }, label));
    return h(
      'section',
      { class: 'card', id, 'aria-labelledby': `h-${id}`, 'data-count': row.count, 'data-mean-action': row.mean_action ?? '', 'data-noted': row.noted },
      h('h2', { id: `h-${id}` }, title),
      h(
        'div',
        { class: 'stats' },
        stat('count', fmtInt(row.count, L), t('pol.recommendations')),
        stat('mean-action', fmtFixed(row.mean_action, 2), t('pol.outcome.action')),
        stat('noted-share', row.noted_share === null ? '—' : fmtPct(row.noted_share, L), t('pol.outcome.noted')),
      ),
      h('p', null, t('pair.notedOf', { noted: fmtInt(row.noted, L), count: fmtInt(row.count, L) }), ' ', h('a', { href: search, class: 'search-link' }, t('pair.searchThem'))),
    );
  };
  root.append(h('div', { class: 'cards' }, side(ab, a, b, 'pair-ab'), side(ba, b, a, 'pair-ba')));

  // The votes: overall and per period, in the Council. A state that never voted in a period
  // (not yet a state, or not a member) has no share there.
  const last = years.length ? years[years.length - 1] : FIRST_YEAR;
  const spans = periods(last);
  const agreementOf = async (year: string | null): Promise<AgreementCell | null> => {
    const p = new URLSearchParams({ state: a, with: b, body: 'hrc' });
    if (year) p.set('year', year);
    try {
      return (await getJson<AgreementResponse>(`/api/v1/votes/agreement?${p.toString()}`, r.signal)).agreement ?? null;
    } catch (e) {
      if (e instanceof ApiError && (e.parameter === 'state' || e.parameter === 'with')) return null;
      throw e;
    }
  };
  let overall: AgreementCell | null;
  let per: (AgreementCell | null)[];
  try {
    [overall, ...per] = await Promise.all([agreementOf(null), ...spans.map((s) => agreementOf(s))]);
  } catch (e) {
    if (isAbort(e)) throw e;
    root.append(errorBox(e));
    return;
  }
  const label = (s: string): string => s.replace('-', '–');
  const shareOf = (c: AgreementCell | null): string =>
    c && c.share !== null ? t('votes.shareOf', { share: fmtPct(c.share, L), alike: fmtInt(c.alike, L), both: fmtInt(c.both, L) }) : t('pair.noSharedVotes');
  root.append(
    h(
      'section',
      { class: 'card pair', id: 'pair-votes', 'aria-labelledby': 'h-pair-votes', 'data-both': overall?.both ?? 0, 'data-alike': overall?.alike ?? 0 },
      h('h2', { id: 'h-pair-votes' }, t('pair.votesTitle')),
      h('p', { class: 'stat-value', id: 'pair-share' }, overall?.share != null ? fmtPct(overall.share, L) : '—'),
      h(
        'p',
        null,
        overall && overall.both ? t('votes.pairText', { a: nameA, b: nameB, alike: fmtInt(overall.alike, L), both: fmtInt(overall.both, L) }) : t('votes.pairNever', { a: nameA, b: nameB }),
        ' ',
        h('a', { href: href('/votes/agreement', { state: a, with: b, body: 'hrc' }), id: 'pair-agreement-link' }, t('pair.agreementLink')),
      ),
    ),
  );
  root.append(
    chartCard({
      id: 'pair-periods',
      title: t('pair.periodsTitle'),
      columns: [t('pair.period'), t('pol.agreement'), t('pair.rollCallsBoth')],
      rows: spans.map((s, i) => [label(s), shareOf(per[i]), per[i]?.both ?? 0]),
      height: 280,
      option: barOption(
        spans.map(label),
        [{ name: t('pol.agreement'), data: per.map((c) => (c && c.share !== null ? c.share : null)) }],
        { percent: true },
      ),
    }),
  );
  root.append(h('p', { class: 'muted' }, t('pair.periodsNote')));
}
