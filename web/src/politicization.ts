// The politicization measures of the UPR record (GET /api/v1/politicization/*, docs/api.md
// "Politicization", docs/politicization.md): the API's types and how the pages write their
// numbers. Loaded with the politicization and state-pair pages only.

import { lang } from './i18n';

export interface AgreementShare {
  both: number;
  alike: number;
  share: number | null;
}

// What every politicization answer says of itself.
export interface PoliticizationAnswer {
  recommendations: number;
  dyads: number;
  outcome: 'action' | 'noted';
  agreement_over: { body: string; min_shared: number; roll_calls: number };
}

// A dyad: the recommendations of one recommending state (from) to one state under review (sur).
export interface SeverityRow {
  from: string;
  sur: string;
  count: number;
  with_action: number;
  mean_action: number | null;
  noted: number;
  noted_share: number | null;
  agreement: AgreementShare | null;
  same_group: number | null;
  shared_organisation: number | null;
}
export interface SeverityResponse extends PoliticizationAnswer {
  results: SeverityRow[];
}

export interface Coefficient {
  name: string; // agreement | same_group | shared_organisation
  estimate: number;
  se: number;
  t: number;
  cluster_se: number;
  cluster_t: number;
}
export interface LeniencyResponse extends PoliticizationAnswer {
  weighted: boolean;
  coefficients: Coefficient[];
  fit: { dyads: number; from_states: number; sur_states: number; clusters: number; dof: number; fixed_effects: number; r2: number; r2_within: number; residual_se: number };
}

export interface DoubleStandardsRow {
  from: string;
  name: string;
  dyads: number;
  allies: number;
  rivals: number;
  allies_mean: number;
  rivals_mean: number;
  index: number;
  slope: number;
  slope_se: number;
}
export interface DoubleStandardsResponse extends PoliticizationAnswer {
  min_dyads: number;
  results: DoubleStandardsRow[];
}

export interface ReciprocityResponse extends PoliticizationAnswer {
  pairs: number;
  correlation: number | null;
  adjusted_correlation: number | null;
}

// "-0.574", "+0.009": three decimals, the sign always shown (Western digits, as every number of
// the app); "—" for none.
export function fmtSigned(x: number | null | undefined, digits = 3): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  return new Intl.NumberFormat(lang(), { minimumFractionDigits: digits, maximumFractionDigits: digits, signDisplay: 'exceptZero', numberingSystem: 'latn' }).format(x);
}

// "0.044", "4.91": a fixed number of decimals without a sign.
export function fmtFixed(x: number | null | undefined, digits = 3): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  return new Intl.NumberFormat(lang(), { minimumFractionDigits: digits, maximumFractionDigits: digits, numberingSystem: 'latn' }).format(x);
}
