// Small DOM helpers: element creation without a framework.

type Attrs = Record<string, string | number | boolean | null | undefined | EventListener>;
export type Child = Node | string | number | null | undefined | false | Child[];

// Creates an element. Attributes whose value is null/undefined/false are skipped; "on*" values
// are event listeners; `class` and other attributes are set as attributes.
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs | null = null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === null || v === undefined || v === false) continue;
      if (k.startsWith('on') && typeof v === 'function') {
        el.addEventListener(k.slice(2).toLowerCase(), v as EventListener);
      } else if (v === true) {
        el.setAttribute(k, '');
      } else {
        el.setAttribute(k, String(v));
      }
    }
  }
  append(el, children);
  return el;
}

export function append(el: Node, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.appendChild(typeof c === 'object' ? c : document.createTextNode(String(c)));
  }
}

export function clear(el: Element): void {
  while (el.firstChild) el.removeChild(el.firstChild);
}

// Sanitises the API's snippet_html: it is HTML-escaped text with <mark> around matches, so only
// <mark> elements are kept and everything else becomes text.
export function snippetNode(html: string): DocumentFragment {
  const frag = document.createDocumentFragment();
  const re = /<mark>([\s\S]*?)<\/mark>/g;
  let last = 0;
  const decode = (s: string): string => {
    const t = document.createElement('textarea');
    t.innerHTML = s.replace(/</g, '&lt;');
    return t.value;
  };
  for (let m = re.exec(html); m; m = re.exec(html)) {
    if (m.index > last) frag.appendChild(document.createTextNode(decode(html.slice(last, m.index))));
    const mark = document.createElement('mark');
    mark.textContent = decode(m[1]);
    frag.appendChild(mark);
    last = m.index + m[0].length;
  }
  if (last < html.length) frag.appendChild(document.createTextNode(decode(html.slice(last))));
  return frag;
}

// Numbers in the language's format with Western digits in every language (as in UN Arabic
// documents, and as on the charts' axes).
export function fmtInt(n: number, lang: string): string {
  return new Intl.NumberFormat(lang, { numberingSystem: 'latn' }).format(n);
}

export function fmtPct(x: number, lang: string): string {
  return new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 1, numberingSystem: 'latn' }).format(x);
}

// A CSV text (RFC 4180) from rows of cells.
export function toCsv(rows: (string | number)[][]): string {
  return rows
    .map((r) =>
      r
        .map((c) => {
          const s = String(c);
          return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
        })
        .join(','),
    )
    .join('\r\n') + '\r\n';
}

// A CSV download: toCsv(rows) after the UTF-8 byte-order mark, without which Excel reads the
// file in a legacy code page ("CÃ´te d'Ivoire"); the API's exports start with it too.
export function csvBlob(rows: (string | number)[][]): Blob {
  return new Blob(['\ufeff' + toCsv(rows)], { type: 'text/csv;charset=utf-8' });
}

// An ASCII file-name part from free text: "Women's rights" -> "women-s-rights".
export function fileSlug(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
}

export function downloadBlob(name: string, blob: Blob): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.appendChild(a);
  a.click();
  setTimeout(() => {
    URL.revokeObjectURL(a.href);
    a.remove();
  }, 1000);
}
