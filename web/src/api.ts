// The JSON API (docs/api.md): typed fetch helpers. Errors come back as ApiError carrying the
// API's stable code, message and parameter, or a network/HTTP description.

export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly status: number,
    readonly parameter?: string,
  ) {
    super(message);
  }
}

export async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  return request<T>(path, { signal, headers: { Accept: 'application/json' } });
}

// POSTs body as JSON (the endpoints that read a body and change nothing: /classify, /similar).
export async function postJson<T>(path: string, body: unknown, signal?: AbortSignal): Promise<T> {
  return request<T>(path, { method: 'POST', signal, headers: { Accept: 'application/json', 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
}

async function request<T>(path: string, init: RequestInit): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, init);
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new ApiError(`${path}: ${(e as Error).message}`, 'network', 0);
  }
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ApiError(`${path}: HTTP ${res.status}, not JSON`, 'bad_response', res.status);
  }
  if (!res.ok) {
    const err = (body as { error?: { code?: string; message?: string; parameter?: string } }).error;
    throw new ApiError(
      err?.message ?? `HTTP ${res.status}`,
      err?.code ?? 'http_' + res.status,
      res.status,
      err?.parameter,
    );
  }
  return body as T;
}

export interface StateRef {
  iso3: string;
  name: string;
  raw_name?: string;
  region?: string;
}

export interface Counts {
  count: number;
  supported: number;
  noted: number;
  other: number;
  supported_share: number;
}

export interface SearchResult {
  id: number;
  uid?: string; // the record's stable identity (docs/api.md "Identities")
  sur: StateRef;
  from: StateRef[];
  text: string;
  snippet_html?: string;
  score?: number;
  response: string;
  action: number | string | null;
  themes: string[];
  session: number;
  cycle: number;
}

export interface FacetRow {
  key: string;
  count: number;
}

// A filter read from the search box (applied: a field:value term; suggested: a recognised name).
export interface BoxFilter {
  field: string;
  value: string;
  label: string;
  text: string;
}

// What the API made of the search box's text (docs/api.md, "The search box").
export interface Interpretation {
  input: string;
  box: string;
  query: string;
  repairs: { position: number; message: string }[];
  applied: BoxFilter[];
  suggestions: (BoxFilter & { q: string; total: number })[];
  did_you_mean: { q: string; query: string; total: number; corrections: { word: string; suggestion: string }[] }[];
}

export interface SearchResponse {
  total: number;
  page: number;
  per_page: number;
  sort: string;
  results: SearchResult[];
  facets?: Record<string, FacetRow[]>;
  interpretation?: Interpretation;
}

export type Key = string | number;
export interface AggRow extends Counts {
  keys: Record<string, Key>;
}
export interface AggResponse {
  by: string[];
  total: Counts;
  rows: AggRow[];
}

export interface StateInfo {
  iso3: string;
  name: string;
  region: string;
  un_member: boolean;
  received: number;
  made: number;
  m49?: string;
  names?: Record<string, string>;
}

export interface ProfileSide {
  total: Counts;
  // in_record false: the state's review of that cycle may lie in a session the record lacks.
  by_cycle: (Counts & { cycle: number; in_record?: boolean; cycle_whole?: boolean })[];
  by_response: (Counts & { response: string })[];
  by_theme: (Counts & { theme: string })[];
  top_recommending_states?: (Counts & { from: string; name: string })[];
  top_states_under_review?: (Counts & { sur: string; name: string })[];
}

export interface StateProfile {
  iso3: string;
  name: string;
  region: string;
  un_member: boolean;
  m49?: string;
  names?: Record<string, string>;
  received: ProfileSide;
  made: ProfileSide;
}

// Query string from a record of values; empty values are left out.
export function qs(params: Record<string, string | number | undefined | null>): string {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '') continue;
    u.set(k, String(v));
  }
  const s = u.toString();
  return s ? '?' + s : '';
}

// A voluntary pledge (GET /api/v1/pledges, /api/v1/pledges/{uid}).
export interface Pledge {
  id: number;
  uid: string;
  state: StateRef | null;
  session: number;
  cycle: number;
  year: number | null;
  dates: string | null;
  text: string;
  action: number | null;
  themes: string[];
  source: { file: string; line: number };
  snippet_html?: string;
  score?: number;
  citation?: { text: string; url: string; bibtex: string };
}
export interface PledgeResponse {
  total: number;
  page: number;
  per_page: number;
  results: Pledge[];
  facets: { session: FacetRow[] };
}

// An observation of OHCHR's Universal Human Rights Index: what a UN human rights mechanism (the
// UPR, a treaty body, a special procedure) said to states (GET /api/v1/observations).
export interface Observation {
  uid: string;
  mechanism: 'upr' | 'treaty-body' | 'special-procedure';
  type: string;
  body: string;
  document: string;
  published: string | null;
  year: number | null;
  states: string[];
  countries: string[];
  themes: string[];
  sdgs: string[];
  affected: string[];
  text: string;
  missing: boolean;
  upr?: { session: number | null; positions: string[]; recommending: string[]; recommendation: string | null; match: string | null };
}
export interface ObservationResponse {
  total: number;
  page: number;
  per_page: number;
  results: Observation[];
  facets: Record<string, FacetRow[]>;
}
