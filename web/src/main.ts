// Entry point: the page frame (header, navigation, language switch), routes, and the render
// loop that shows loading, errors and the page, never a blank screen.

import './style.css';
import { loadCoverage } from './coverage';
import { clear, h } from './dom';
import { isLanguage, lang, languages, rememberedLang, setLang, t } from './i18n';
import { navigate, route, setNotFound, start, type Renderer, type Route } from './router';
import { errorBox, href, isAbort, loadStates, loading, pageTitle } from './ui';

const lazy =
  (load: () => Promise<{ render: Renderer }>): Renderer =>
  async (root, r) =>
    (await load()).render(root, r);

route('/', lazy(() => import('./pages/search')));
route('/search', lazy(() => import('./pages/search')));
route('/recommendations/:id', lazy(() => import('./pages/recommendation')));
route('/states/:iso3', lazy(() => import('./pages/state')));
route('/map', lazy(() => import('./pages/map')));
route('/explore', lazy(() => import('./pages/explore')));
route('/compare', lazy(() => import('./pages/compare')));
route('/pledges', lazy(() => import('./pages/pledges')));
route('/pledges/:uid', lazy(() => import('./pages/pledges')));
route('/observations', lazy(() => import('./pages/observations')));
route('/observations/:uid', lazy(() => import('./pages/observations')));
route('/resolutions', lazy(() => import('./pages/resolutions')));
route('/resolutions/:uid', lazy(() => import('./pages/resolution')));
route('/votes', lazy(() => import('./pages/votes-map')));
route('/votes/map', lazy(() => import('./pages/votes-map')));
route('/votes/agreement', lazy(() => import('./pages/agreement')));
route('/votes/cohesion', lazy(() => import('./pages/cohesion')));
route('/politicization', lazy(() => import('./pages/politicization')));
route('/pair', lazy(() => import('./pages/pair')));
route('/draft', lazy(() => import('./pages/draft')));
route('/about', lazy(() => import('./pages/about')));
setNotFound((root) => {
  root.append(pageTitle(t('notfound.title')), h('p', null, t('notfound.text')), h('p', null, h('a', { href: href('/') }, t('nav.search'))));
});

const NAV: [string, string][] = [
  ['/', 'nav.search'],
  ['/map', 'nav.map'],
  ['/explore', 'nav.explore'],
  ['/compare', 'nav.compare'],
  ['/pledges', 'nav.pledges'],
  ['/observations', 'nav.observations'],
  ['/resolutions', 'nav.votes'],
  ['/draft', 'nav.draft'],
  ['/about', 'nav.about'],
];

const app = document.getElementById('app')!;

function frame(r: Route): HTMLElement {
  const select = h(
    'select',
    { id: 'lang-select', 'aria-label': t('nav.language') },
    ...languages.map((l) => h('option', { value: l.code, selected: l.code === lang(), lang: l.code }, l.name)),
  );
  select.addEventListener('change', () => {
    setLang(select.value);
    const q = new URLSearchParams(location.search);
    q.set('lang', select.value);
    navigate(location.pathname + '?' + q.toString(), { replace: true, keepScroll: true });
  });
  // The votes entry stands for the resolutions, every /votes/ page, politicization and the pair.
  const votesPage = r.path.startsWith('/votes') || r.path === '/politicization' || r.path === '/pair';
  const current = (p: string): boolean =>
    p === '/' ? r.path === '/' || r.path === '/search' : r.path.startsWith(p) || (p === '/resolutions' && votesPage);
  const isSearch = r.path === '/' || r.path === '/search';
  return h(
    'header',
    { class: 'site-header' },
    skipLink('#main', t('nav.skip')),
    isSearch ? skipLink('#results', t('nav.skipResults')) : null,
    h('a', { class: 'brand', href: href('/') }, 'OpenUPR'),
    h(
      'nav',
      { 'aria-label': t('nav.main') },
      h('ul', null, ...NAV.map(([p, k]) => h('li', null, h('a', { href: href(p), 'aria-current': current(p) ? 'page' : null }, t(k))))),
    ),
    h('label', { class: 'lang', for: 'lang-select' }, h('span', { class: 'visually-hidden' }, t('nav.language')), select),
  );
}

// A skip link moves the focus to its target itself (the target has tabindex=-1), so that the
// next Tab goes on from there; the router does not see the click.
function skipLink(target: string, text: string): HTMLElement {
  const a = h('a', { class: 'skip', href: target }, text);
  a.addEventListener('click', (ev) => {
    ev.preventDefault();
    const el = document.getElementById(target.slice(1)) ?? main;
    el.focus();
  });
  return a;
}

const header = h('div');
const main = h('main', { id: 'main', tabindex: '-1' });
const footer = h('div');
app.append(header, main, footer);

let first = true;
let lastPath = '';
start(async (r, render) => {
  const focusedId = (document.activeElement as HTMLElement | null)?.id ?? '';
  const samePage = r.path === lastPath;
  lastPath = r.path;
  // The language: ?lang= in the URL wins; otherwise the remembered one, written into the URL.
  const urlLang = r.query.get('lang');
  if (isLanguage(urlLang)) setLang(urlLang);
  else {
    setLang(rememberedLang());
    if (lang() !== 'en') {
      const q = new URLSearchParams(location.search);
      q.set('lang', lang());
      history.replaceState(null, '', location.pathname + '?' + q.toString());
      r.query = q;
    }
  }
  clear(header);
  header.append(frame(r));
  clear(footer);
  footer.append(
    h('footer', { class: 'site-footer' }, t('footer.text'), ' · ', h('a', { href: href('/about') }, t('nav.about')), ' · ', h('a', { href: '/api/v1/openapi.json' }, 'API')),
  );
  // The previous page stays until the new one is ready; a loading line shows if that is slow.
  main.setAttribute('aria-busy', 'true');
  const slow = setTimeout(() => {
    if (!r.signal.aborted) main.prepend(loading());
  }, first ? 0 : 150);
  try {
    await Promise.all([loadStates(), loadCoverage()]);
    const page = h('div', { class: 'page' });
    await render(page, r);
    if (r.signal.aborted) return;
    clear(main);
    main.append(page);
  } catch (e) {
    if (isAbort(e) || r.signal.aborted) return;
    clear(main);
    main.append(pageTitle(t('error.title')), errorBox(e));
  } finally {
    clearTimeout(slow);
    if (!r.signal.aborted) main.removeAttribute('aria-busy');
  }
  // Keyboard users keep their place: within a page the focused control (by id) keeps focus;
  // a new page moves focus to its title.
  const again = samePage && focusedId ? document.getElementById(focusedId) : null;
  if (again) again.focus({ preventScroll: true });
  else if (!first) (document.getElementById('page-title') ?? main).focus({ preventScroll: true });
  first = false;
});
