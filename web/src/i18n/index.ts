// Interface strings. Each language is one JSON file in this folder (en.json is the reference:
// every other file has exactly its keys, checked by tests/i18n.test.mjs). A file's "_meta" gives
// the language's own name and its direction ("ltr" or "rtl"); adding ar.json, zh.json or ru.json
// adds the language to the switch with nothing else to change (docs/web.md).

type Strings = Record<string, string>;
interface LangFile {
  _meta: { name: string; dir: 'ltr' | 'rtl' };
  [key: string]: string | { name: string; dir: 'ltr' | 'rtl' };
}

const files = import.meta.glob<LangFile>('./*.json', { eager: true, import: 'default' });

export interface Language {
  code: string;
  name: string;
  dir: 'ltr' | 'rtl';
}

const table = new Map<string, Strings>();
export const languages: Language[] = [];
for (const [path, file] of Object.entries(files)) {
  const code = path.replace(/^.*\/(.*)\.json$/, '$1');
  const { _meta, ...rest } = file;
  table.set(code, rest as Strings);
  languages.push({ code, name: _meta.name, dir: _meta.dir });
}
// English first, then by code.
languages.sort((a, b) => (a.code === 'en' ? -1 : b.code === 'en' ? 1 : a.code.localeCompare(b.code)));

export const defaultLang = 'en';
let current = defaultLang;
const storageKey = 'openupr.lang';

export function lang(): string {
  return current;
}

export function isLanguage(code: string | null | undefined): code is string {
  return !!code && table.has(code);
}

export function dir(): 'ltr' | 'rtl' {
  return languages.find((l) => l.code === current)?.dir ?? 'ltr';
}

// Sets the language (an unknown code is ignored), remembers it, and updates <html lang dir>.
export function setLang(code: string): void {
  if (!isLanguage(code)) return;
  current = code;
  try {
    localStorage.setItem(storageKey, code);
  } catch {
    /* storage may be disabled */
  }
  document.documentElement.lang = code;
  document.documentElement.dir = dir();
}

// The language remembered from an earlier visit, else the browser's, else English.
export function rememberedLang(): string {
  try {
    const s = localStorage.getItem(storageKey);
    if (isLanguage(s)) return s;
  } catch {
    /* ignore */
  }
  for (const l of navigator.languages ?? []) {
    const c = l.slice(0, 2).toLowerCase();
    if (isLanguage(c)) return c;
  }
  return defaultLang;
}

// The string for key in the current language ({name} placeholders replaced from vars), falling
// back to English, then to the key itself.
export function t(key: string, vars?: Record<string, string | number>): string {
  let s = table.get(current)?.[key] ?? table.get(defaultLang)?.[key] ?? key;
  if (vars) {
    for (const [k, v] of Object.entries(vars)) s = s.split('{' + k + '}').join(String(v));
  }
  return s;
}
