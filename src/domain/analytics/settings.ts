/**
 * A program's analytics settings, kept in their own table (not in the program's settings):
 * the RFM window, the at-risk thresholds, the forecast horizon and CLV, and the payback inputs.
 */
import { DomainError, type FieldError } from '../errors.js';

export interface AnalyticsSettings {
  /** RFM looks at purchases of the last N days. */
  rfmWindowDays: number;
  /** At risk: P(alive) below this … */
  atRiskThreshold: number;
  /** … or fallen by more than this since the previous fit. */
  atRiskDrop: number;
  /** Expected purchases are forecast for the next N weeks. */
  predictionWeeks: number;
  /** CLV sums the next N months … */
  clvMonths: number;
  /** … discounted by this percent a month. */
  clvMonthlyDiscountPercent: number;
  /** Gross margin of sales, percent: for payback. */
  marginPercent: number;
  /** One-off launch cost, minor units: for payback. */
  launchCost: number;
  /** Fixed monthly cost of running the program, minor units: for payback. */
  monthlyCost: number;
  /** The models are refitted by the job when the last fit is this many days old; 0 = only on demand. */
  fitEveryDays: number;
}

export const DEFAULT_ANALYTICS_SETTINGS: AnalyticsSettings = {
  rfmWindowDays: 365,
  atRiskThreshold: 0.3,
  atRiskDrop: 0.3,
  predictionWeeks: 12,
  clvMonths: 12,
  clvMonthlyDiscountPercent: 1,
  marginPercent: 25,
  launchCost: 0,
  monthlyCost: 0,
  fitEveryDays: 7,
};

/** Stored settings may predate a field: defaults fill the gaps. */
export function analyticsSettingsFrom(stored: unknown): AnalyticsSettings {
  return { ...DEFAULT_ANALYTICS_SETTINGS, ...(stored as Partial<AnalyticsSettings> | null) };
}

const RULES: Record<keyof AnalyticsSettings, { min: number; max: number; integer: boolean }> = {
  rfmWindowDays: { min: 1, max: 3660, integer: true },
  atRiskThreshold: { min: 0, max: 1, integer: false },
  atRiskDrop: { min: 0, max: 1, integer: false },
  predictionWeeks: { min: 1, max: 520, integer: true },
  clvMonths: { min: 1, max: 120, integer: true },
  clvMonthlyDiscountPercent: { min: 0, max: 100, integer: false },
  marginPercent: { min: 0, max: 100, integer: false },
  launchCost: { min: 0, max: Number.MAX_SAFE_INTEGER, integer: true },
  monthlyCost: { min: 0, max: Number.MAX_SAFE_INTEGER, integer: true },
  fitEveryDays: { min: 0, max: 365, integer: true },
};

/** Checks every field; throws INVALID_SETTINGS listing each bad one. */
export function validateAnalyticsSettings(s: AnalyticsSettings): void {
  const errors: FieldError[] = [];
  for (const [key, rule] of Object.entries(RULES) as [keyof AnalyticsSettings, (typeof RULES)[keyof AnalyticsSettings]][]) {
    const v = s[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < rule.min || v > rule.max || (rule.integer && !Number.isInteger(v))) {
      errors.push({ pointer: `/${key}`, detail: `must be ${rule.integer ? 'an integer' : 'a number'} from ${rule.min} to ${rule.max}` });
    }
  }
  if (errors.length > 0) throw new DomainError('INVALID_SETTINGS', errors.map((e) => `${e.pointer}: ${e.detail}`).join('; '), { errors });
}
