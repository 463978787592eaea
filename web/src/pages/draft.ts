// The drafting assistant (issue 16): a draft recommendation and the state under review (and,
// optionally, the recommending state) in; out: the predicted action category with how to make
// the ask more specific and specific asks of the record like it, the predicted themes and SDG
// goals (POST /api/v1/classify), and the most similar past recommendations to that state and
// to any state with how they were answered (POST /api/v1/similar; docs/similar.md).
// URL: /draft?text=...&sur=ISO3&from=ISO3 (kept current as the user types, so that a link
// reopens the same analysis; the analysis runs on load when the URL has a text, on the button
// and on Ctrl+Enter).

import { ApiError, postJson } from '../api';
import { fmtInt, h } from '../dom';
import { lang, t } from '../i18n';
import type { Route } from '../router';
import { scoredList, type SimilarHit, type SimilarResponse } from '../similar';
import { actionName, errorBox, href, isAbort, loading, pageTitle, sdgName, stateName } from '../ui';
import { resolveState, statePicker } from '../votes';

const PATH = '/draft';
const URL_DELAY_MS = 400; // the URL follows the typing after this pause
const SPECIFIC = 5; // McMahon's "specific action"
const EXAMPLES = 3;
const SIMILAR = 5;
const SUPPORT_DOC = 'docs/classify.md'; // the support model: how it is made, its quality, its limits

interface Scored<L> {
  label: L;
  score: number;
}
// The estimated chance that the state under review supports the text (POST /api/v1/classify
// with sur, and from when given).
export interface Support {
  probability: number;
  sur: string;
  from: string | null;
  sur_supported: number;
  sur_supported_share: number | null; // null: the state had no recommendation in the training data
  sur_recommendations: number;
  model: { auc: number; brier: number; holdout?: string } | null; // measured on later sessions
}
export interface Prediction {
  action: Scored<number>;
  themes: Scored<string>[];
  sdgs: Scored<string>[];
  support?: Support | null;
}

// A score of the classifier or of the similarity, 0–1, as the API gives it, to two decimals.
const score2 = (x: number): string => x.toFixed(2);

// The state of a picker's text: '' (none), an ISO3 code, or null (a name that is no state).
function stateOf(text: string): string | null {
  const v = text.trim();
  return v ? resolveState(v) : '';
}

// What the page says about an API error of the analysis: the draft's problem in words (400 on
// the text), no stored classifier (409), else the error box.
function problem(e: unknown): HTMLElement {
  if (e instanceof ApiError && e.status === 409)
    return h('p', { class: 'error', role: 'alert', id: 'draft-no-model' }, ...withCode(t('draft.noModel'), 'openupr classify train'));
  if (e instanceof ApiError && e.status === 400 && /(^|\$\.)text$/.test(e.parameter ?? ''))
    return h('p', { class: 'error', role: 'alert', id: 'draft-text-problem' }, t('draft.textProblem'), ' ', h('span', { class: 'muted', lang: 'en', dir: 'ltr' }, `(${e.message})`));
  return errorBox(e);
}

// A translated sentence with a {name} placeholder, filled with code as code.
function withCode(s: string, code: string, name = 'command'): (string | HTMLElement)[] {
  const [before, after = ''] = s.split(`{${name}}`);
  return [before, h('code', null, code), after];
}

export async function render(root: HTMLElement, r: Route): Promise<void> {
  const q = r.query;
  const text0 = q.get('text') ?? '';
  const code0 = (v: string | null): string => (v ? (resolveState(v) ?? v) : '');
  const sur0 = code0(q.get('sur'));
  const from0 = code0(q.get('from'));
  root.append(pageTitle(t('draft.title')), h('p', { class: 'muted' }, t('draft.intro')));

  const textarea = h('textarea', { id: 'draft-text', name: 'text', rows: 4, placeholder: t('draft.placeholder'), lang: 'en', dir: 'ltr' });
  textarea.value = text0;
  const textLabel = h('label', { for: 'draft-text', class: 'draft-text' }, t('draft.textLabel'), textarea);
  // A code in the URL that is no state is shown as it is (and said so below).
  const ps = statePicker('draft-sur', t('draft.sur'), null, 'sur');
  const pf = statePicker('draft-from', t('draft.from'), null, 'from');
  ps.input.value = sur0 ? stateName(sur0) : '';
  pf.input.value = from0 ? stateName(from0) : '';
  const form = h(
    'form',
    { class: 'controls draft-form', id: 'draft-form' },
    textLabel,
    ps.label,
    pf.label,
    h('button', { type: 'submit', class: 'btn primary', id: 'draft-go' }, t('draft.analyse')),
    h('p', { class: 'muted draft-hint' }, t('draft.shortcut')),
  );
  const status = h('div', { id: 'draft-status' });
  const out = h('div', { id: 'draft-results', 'aria-live': 'polite' });
  root.append(form, status, out);

  // The URL as the form stands: the text, and each state as its code (a name that is no state
  // as typed, so that the link says the same).
  const urlNow = (): string => {
    const n = new URLSearchParams();
    if (textarea.value.trim()) n.set('text', textarea.value);
    for (const [input, key] of [
      [ps.input, 'sur'],
      [pf.input, 'from'],
    ] as const) {
      const v = input.value.trim();
      if (v) n.set(key, stateOf(v) || v);
    }
    return href(PATH, n);
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  const syncUrl = (): void => {
    clearTimeout(timer);
    timer = undefined;
    if (r.signal.aborted) return; // another page is showing
    const url = urlNow();
    if (url !== location.pathname + location.search) history.replaceState(history.state, '', url);
  };
  const later = (): void => {
    clearTimeout(timer);
    timer = setTimeout(syncUrl, URL_DELAY_MS);
  };
  for (const el of [textarea, ps.input, pf.input]) {
    el.addEventListener('input', later);
    el.addEventListener('change', syncUrl);
  }
  r.signal.addEventListener('abort', () => clearTimeout(timer));

  let current: AbortController | null = null;
  const go = (): void => {
    syncUrl();
    const sur = stateOf(ps.input.value);
    const from = stateOf(pf.input.value);
    status.replaceChildren();
    for (const [v, input] of [
      [sur, ps.input],
      [from, pf.input],
    ] as const) {
      if (v === null) {
        status.append(h('p', { class: 'error', role: 'alert', id: 'draft-unknown' }, t('votes.unknownState', { name: input.value.trim() })));
        out.replaceChildren();
        input.focus();
        return;
      }
    }
    current?.abort();
    current = new AbortController();
    const ac = current;
    r.signal.addEventListener('abort', () => ac.abort());
    analyse(out, textarea.value, sur ?? '', from ?? '', ac.signal).catch((e) => {
      if (!isAbort(e)) out.replaceChildren(errorBox(e));
    });
  };
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    go();
  });
  form.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      go();
    }
  });

  if (text0.trim()) go();
  else if (sur0 && stateOf(sur0) === null) go(); // an unknown state in the link: say so
}

// The analysis of text (for the state under review sur and the recommending state from, ''
// for none) into out.
async function analyse(out: HTMLElement, text: string, sur: string, from: string, signal: AbortSignal): Promise<void> {
  out.replaceChildren(loading());
  const classify = postJson<Prediction>('/api/v1/classify', { text, ...(sur ? { sur, ...(from ? { from } : {}) } : {}) }, signal);
  if (!text.trim()) {
    // The API says what is wrong with an empty draft; nothing else to ask.
    try {
      await classify;
    } catch (e) {
      if (isAbort(e)) throw e;
      out.replaceChildren(problem(e));
    }
    return;
  }
  const similar = (body: Record<string, unknown>): Promise<SimilarResponse> => postJson<SimilarResponse>('/api/v1/similar', { text, ...body }, signal);
  const [pred, toSur, toAll] = await Promise.allSettled([classify, sur ? similar({ sur, limit: SIMILAR }) : Promise.resolve(null), similar({ limit: SIMILAR })]);
  // Specific asks of the record like the draft, when the draft is less specific.
  let examples: PromiseSettledResult<SimilarResponse> | null = null;
  if (pred.status === 'fulfilled' && pred.value.action.label < SPECIFIC)
    [examples] = await Promise.allSettled([similar({ action: String(SPECIFIC), limit: EXAMPLES })]);
  for (const x of [pred, toSur, toAll, examples]) if (x?.status === 'rejected' && isAbort(x.reason)) throw x.reason;
  if (signal.aborted) return;

  out.replaceChildren();
  if (pred.status === 'rejected') out.append(h('section', { class: 'card', id: 'draft-action' }, h('h2', null, t('draft.actionTitle')), problem(pred.reason)));
  else {
    if (pred.value.support) out.append(supportSection(pred.value.support));
    out.append(actionSection(pred.value, examples), labelsSection(pred.value));
  }

  const list = (res: PromiseSettledResult<SimilarResponse | null>, id: string): HTMLElement =>
    res.status === 'rejected' ? problem(res.reason) : scoredList(res.value?.hits ?? [], id, t('draft.similarNone'));
  const similarSection = h('section', { class: 'similar', id: 'draft-similar', 'aria-labelledby': 'h-draft-similar' }, h('h2', { id: 'h-draft-similar' }, t('draft.similarTitle')), h('p', { class: 'muted' }, t('draft.similarNote')));
  if (sur) {
    similarSection.append(h('h3', { id: 'h-draft-similar-sur' }, t('draft.similarSur', { state: stateName(sur) })));
    if (toSur.status === 'fulfilled' && toSur.value?.hits.length) similarSection.append(answered(toSur.value.hits, sur));
    similarSection.append(list(toSur, 'draft-similar-sur'));
  } else {
    similarSection.append(h('p', { class: 'muted', id: 'draft-choose-sur' }, t('draft.chooseSur')));
  }
  similarSection.append(h('h3', null, t('draft.similarAll')), list(toAll, 'draft-similar-all'));
  out.append(similarSection);
}

// "Sri Lanka supported 3 of these 5 and noted 2."
function answered(hits: SimilarHit[], sur: string): HTMLElement {
  const L = lang();
  const supported = hits.filter((x) => x.response === 'supported').length;
  const noted = hits.filter((x) => x.response === 'noted').length;
  return h(
    'p',
    { id: 'draft-sur-answered', 'data-supported': supported, 'data-noted': noted, 'data-count': hits.length },
    t('draft.answered', { state: stateName(sur), supported: fmtInt(supported, L), noted: fmtInt(noted, L), n: fmtInt(hits.length, L) }),
  );
}

// The predicted action category, with how to make the ask more specific when it is not, and
// the specific asks of the record most like it.
function actionSection(p: Prediction, examples: PromiseSettledResult<SimilarResponse> | null): HTMLElement {
  const a = p.action;
  const section = h(
    'section',
    { class: 'card', id: 'draft-action', 'aria-labelledby': 'h-draft-action', 'data-label': a.label, 'data-score': a.score },
    h('h2', { id: 'h-draft-action' }, t('draft.actionTitle')),
    h('p', { class: 'stat-value', id: 'draft-action-value' }, `${a.label} — ${actionName(a.label)}`),
    h('p', { class: 'muted', id: 'draft-action-score' }, t('draft.score', { score: score2(a.score) }), ' · ', t('draft.scale')),
  );
  if (a.label >= SPECIFIC) {
    section.append(h('p', { id: 'draft-advice' }, t('draft.advice.5')));
    return section;
  }
  section.append(h('h3', null, t('draft.specificTitle')), h('p', { id: 'draft-advice' }, t(`draft.advice.${a.label}`)), h('h3', null, t('draft.examplesTitle')));
  if (!examples) return section;
  section.append(examples.status === 'rejected' ? problem(examples.reason) : scoredList(examples.value.hits, 'draft-examples', t('draft.examplesNone')));
  return section;
}

// The predicted themes and SDG goals, each with its score.
function labelsSection(p: Prediction): HTMLElement {
  const item = (label: string, text: Node | string, s: number): HTMLElement =>
    h('li', { 'data-label': label, 'data-score': s }, text, ' ', h('span', { class: 'muted draft-score' }, t('draft.score', { score: score2(s) })));
  return h(
    'div',
    { class: 'cards draft-labels' },
    h(
      'section',
      { class: 'card', id: 'draft-themes', 'aria-labelledby': 'h-draft-themes' },
      h('h2', { id: 'h-draft-themes' }, t('draft.themesTitle')),
      h('ul', { class: 'draft-list' }, ...p.themes.map((x) => item(x.label, h('a', { class: 'badge badge-theme', href: href('/', { theme: x.label }) }, x.label), x.score))),
    ),
    h(
      'section',
      { class: 'card', id: 'draft-sdgs', 'aria-labelledby': 'h-draft-sdgs' },
      h('h2', { id: 'h-draft-sdgs' }, t('draft.sdgsTitle')),
      p.sdgs.length ? h('ul', { class: 'draft-list' }, ...p.sdgs.map((x) => item(x.label, sdgName(x.label), x.score))) : h('p', { class: 'muted' }, t('draft.sdgsNone')),
      h('p', { class: 'muted' }, t('draft.sdgsNote')),
    ),
  );
}

// The estimated chance of support beside the state's own supported share, and what it is not.
function supportSection(s: Support): HTMLElement {
  const L = lang();
  const pct = (x: number): string => new Intl.NumberFormat(L, { style: 'percent', maximumFractionDigits: 0, numberingSystem: 'latn' }).format(x);
  const state = stateName(s.sur);
  const chance = s.from ? t('draft.supportChanceFrom', { state, from: stateName(s.from), pct: pct(s.probability) }) : t('draft.supportChance', { state, pct: pct(s.probability) });
  return h(
    'section',
    { class: 'card', id: 'draft-support', 'aria-labelledby': 'h-draft-support', 'data-probability': s.probability, 'data-share': s.sur_supported_share, 'data-count': s.sur_recommendations },
    h('h2', { id: 'h-draft-support' }, t('draft.supportTitle')),
    h('p', { class: 'stat-value', id: 'draft-support-value' }, chance),
    h(
      'p',
      { id: 'draft-support-share' },
      s.sur_supported_share === null
        ? t('draft.supportNoHistory', { state })
        : t('draft.supportShare', { state, pct: pct(s.sur_supported_share), n: fmtInt(s.sur_recommendations, L) }),
    ),
    h(
      'p',
      { class: 'muted', id: 'draft-support-caveat' },
      ...withCode(s.model ? t('draft.supportCaveat', { auc: s.model.auc.toFixed(2) }) : t('draft.supportCaveatShort'), SUPPORT_DOC, 'doc'),
    ),
  );
}
