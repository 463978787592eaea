// The API's filters (docs/api.md) as they appear in page URLs: each filter is a query parameter
// with a comma-separated list of values (OR within a filter, AND across filters).

export const FILTERS = ['sur', 'from', 'region', 'from-region', 'session', 'cycle', 'response', 'action', 'theme'] as const;
export type Filter = (typeof FILTERS)[number];

// Filters whose values may hold commas (theme names; the observations' bodies, documents,
// affected persons and types): only repeated, never comma-separated.
const REPEATED = new Set(['theme', 'body', 'document', 'affected', 'type']);

// The values of filter f in q (a filter may be repeated or comma-separated; those of REPEATED
// only repeated).
export function values(q: URLSearchParams, f: string): string[] {
  const all = q.getAll(f);
  if (REPEATED.has(f)) return all.filter(Boolean);
  return all.flatMap((v) => v.split(',')).filter(Boolean);
}

export function setValues(q: URLSearchParams, f: string, vals: string[]): void {
  q.delete(f);
  if (REPEATED.has(f)) vals.forEach((v) => q.append(f, v));
  else if (vals.length) q.set(f, vals.join(','));
}

export function toggle(q: URLSearchParams, f: string, v: string): URLSearchParams {
  const n = new URLSearchParams(q);
  const cur = values(q, f);
  setValues(n, f, cur.includes(v) ? cur.filter((x) => x !== v) : [...cur, v]);
  return n;
}

// The query string of q's search parameters (q + filters) for the API.
export function apiParams(q: URLSearchParams, extra: Record<string, string> = {}): URLSearchParams {
  const out = new URLSearchParams();
  const text = q.get('q');
  if (text) out.set('q', text);
  for (const f of FILTERS) for (const v of q.getAll(f)) if (v) out.append(f, v);
  for (const [k, v] of Object.entries(extra)) out.set(k, v);
  return out;
}

// The facet key the API answers for a requested dimension.
export function facetAlias(dim: string): string[] {
  return dim === 'region' ? ['region', 'sur-region'] : [dim];
}
