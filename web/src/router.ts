// A tiny history router (no hash): path patterns to page renderers. Every view state is in the
// URL (path + query string); pages change it with navigate() and read it from the Route.

export interface Route {
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  signal: AbortSignal; // aborted when the user navigates away before the page finished
}

export type Renderer = (root: HTMLElement, route: Route) => Promise<void> | void;

interface Entry {
  re: RegExp;
  names: string[];
  render: Renderer;
}

const entries: Entry[] = [];
let notFound: Renderer = () => {};
let onRender: (route: Route, render: Renderer) => Promise<void> = async () => {};
let controller: AbortController | null = null;

// Registers a pattern like "/states/:iso3".
export function route(pattern: string, render: Renderer): void {
  const names: string[] = [];
  const re = new RegExp(
    '^' +
      pattern.replace(/\/:([a-z0-9_]+)/gi, (_, n: string) => {
        names.push(n);
        return '/([^/]+)';
      }) +
      '/?$',
  );
  entries.push({ re, names, render });
}

export function setNotFound(render: Renderer): void {
  notFound = render;
}

export function match(path: string): { render: Renderer; params: Record<string, string> } {
  for (const e of entries) {
    const m = e.re.exec(path);
    if (m) {
      const params: Record<string, string> = {};
      e.names.forEach((n, i) => (params[n] = decodeURIComponent(m[i + 1])));
      return { render: e.render, params };
    }
  }
  return { render: notFound, params: {} };
}

export function start(handler: (route: Route, render: Renderer) => Promise<void>): void {
  onRender = handler;
  window.addEventListener('popstate', () => void dispatch());
  // Same-origin links that are not API links nor downloads go through the router.
  document.addEventListener('click', (ev) => {
    if (ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey)
      return;
    const a = (ev.target as Element).closest?.('a');
    if (!a || a.target || a.hasAttribute('download')) return;
    const url = new URL(a.href, location.href);
    if (url.origin !== location.origin || url.pathname.startsWith('/api/')) return;
    ev.preventDefault();
    navigate(url.pathname + url.search + url.hash);
  });
  void dispatch();
}

// Goes to url (pushes a history entry unless replace) and renders it.
export function navigate(url: string, opts: { replace?: boolean; keepScroll?: boolean } = {}): void {
  if (url === location.pathname + location.search + location.hash && !opts.replace) {
    void dispatch(opts.keepScroll);
    return;
  }
  if (opts.replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  void dispatch(opts.keepScroll);
}

async function dispatch(keepScroll = false): Promise<void> {
  controller?.abort();
  controller = new AbortController();
  const { render, params } = match(location.pathname);
  const r: Route = {
    path: location.pathname,
    params,
    query: new URLSearchParams(location.search),
    signal: controller.signal,
  };
  if (!keepScroll) window.scrollTo(0, 0);
  await onRender(r, render);
}
