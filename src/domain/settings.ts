import { IANAZone } from 'luxon';
import type { RoundingMode } from './arithmetic.js';
import type { DocumentKind } from './agreements.js';
import { DomainError, type FieldError } from './errors.js';

/** How purchases earn points in the main scheme. */
export type EarningRule =
  /** `percent` of the money paid, in points worth `pointValue` each (5 → 5 % back). */
  | { kind: 'percent'; percent: number }
  /** `points` for every `per` whole currency units paid (1 point per 100 ₽). */
  | { kind: 'per_amount'; points: number; per: number };

export type ExpiryRule =
  | { kind: 'never' }
  /** Points expire `days` days after they become available. */
  | { kind: 'days'; days: number }
  /** Points expire at the end of the calendar period `after` periods after they become available (0 = the same period). */
  | { kind: 'end_of_period'; period: 'month' | 'quarter' | 'year'; after: number };

/** What happens when a return must take back more points than the member still has. */
export type ClawbackPolicy = 'negative_balance' | 'withhold_from_refund';

/** The questions the member app asks when a member joins, and whether each must be answered. */
export const QUESTIONNAIRE_FIELDS = ['name', 'birthday', 'gender', 'city'] as const;
export type QuestionnaireField = (typeof QUESTIONNAIRE_FIELDS)[number];
export type FieldUse = 'required' | 'optional' | 'off';
export type Questionnaire = Record<QuestionnaireField, FieldUse>;

export interface ProgramSettings {
  currency: string;
  timeZone: string;
  locale: 'ru' | 'en';
  earning: EarningRule;
  rounding: RoundingMode;
  /** Lines in these categories or with these SKUs earn nothing. */
  earnExclusions: { categories: string[]; skus: string[] };
  /** Lines in these categories or with these SKUs may not be paid with points. */
  redeemExclusions: { categories: string[]; skus: string[] };
  /** Days earned points stay pending (the return window). */
  pendingDays: number;
  expiry: ExpiryRule;
  /** Value of one point in minor currency units (100 = one rouble). */
  pointValue: number;
  /** The largest share of a receipt, in percent, that may be paid with points. */
  maxRedeemPercent: number;
  /** The smallest available balance that may be spent. */
  minRedeemBalance: number;
  /** Minutes a two-phase purchase may hold points before it is cancelled. */
  holdTimeoutMinutes: number;
  clawbackPolicy: ClawbackPolicy;
  /** "Expiring soon" in balance reads looks this many days ahead. */
  expiringSoonDays: number;
  /** A purchase returned in full gives its coupon uses back (the code can be used again). */
  couponUseBackOnReturn: boolean;
  /** The member app's questionnaire (joining and the profile). */
  questionnaire: Questionnaire;
  /**
   * Texts a person must accept to enrol, once the program has published them (rules, personal-data
   * consent): enrolment without them is refused with AGREEMENT_REQUIRED (docs/legal.md).
   */
  requiredAgreements: DocumentKind[];
}

export const DEFAULT_SETTINGS: ProgramSettings = {
  currency: 'RUB',
  timeZone: 'Europe/Moscow',
  locale: 'ru',
  earning: { kind: 'percent', percent: 5 },
  rounding: 'floor',
  earnExclusions: { categories: [], skus: [] },
  redeemExclusions: { categories: [], skus: [] },
  pendingDays: 14,
  expiry: { kind: 'days', days: 365 },
  pointValue: 100,
  maxRedeemPercent: 30,
  minRedeemBalance: 0,
  holdTimeoutMinutes: 30,
  clawbackPolicy: 'negative_balance',
  expiringSoonDays: 30,
  couponUseBackOnReturn: true,
  questionnaire: { name: 'required', birthday: 'optional', gender: 'optional', city: 'optional' },
  requiredAgreements: ['rules', 'personal_data'],
};

/** The questionnaire's required fields that a member left empty, as field errors. */
export function questionnaireErrors(q: Questionnaire, answers: Partial<Record<QuestionnaireField, string | null | undefined>>): FieldError[] {
  return QUESTIONNAIRE_FIELDS.filter((f) => q[f] === 'required' && !answers[f]?.trim()).map((f) => ({ pointer: `/${f}`, detail: 'the program asks for this' }));
}

const supportedCurrencies = new Set(Intl.supportedValuesOf('currency'));

/** Digits after the decimal point of an ISO 4217 currency (RUB → 2, JPY → 0). */
export function currencyMinorUnits(currency: string): number {
  let digits = minorUnitsCache.get(currency);
  if (digits === undefined) {
    digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
    minorUnitsCache.set(currency, digits);
  }
  return digits;
}
// Building an Intl formatter costs far more than evaluating a receipt: remember the answer.
const minorUnitsCache = new Map<string, number>();

export function isKnownCurrency(code: string): boolean {
  return /^[A-Z]{3}$/.test(code) && supportedCurrencies.has(code);
}

/** Merges a partial update into settings and checks the result as a whole. */
export function mergeSettings(current: ProgramSettings, patch: Partial<ProgramSettings>): ProgramSettings {
  const next: ProgramSettings = { ...current, ...patch };
  validateSettings(next);
  return next;
}

export function validateSettings(s: ProgramSettings): void {
  const errors: FieldError[] = [];
  const bad = (pointer: string, detail: string) => errors.push({ pointer, detail });
  if (!isKnownCurrency(s.currency)) {
    throw new DomainError('UNKNOWN_CURRENCY', `${s.currency} is not an ISO 4217 currency code`, {
      errors: [{ pointer: '/currency', detail: 'not an ISO 4217 currency code' }],
    });
  }
  if (!IANAZone.isValidZone(s.timeZone)) bad('/timeZone', `${s.timeZone} is not an IANA time zone`);
  if (s.earning.kind === 'percent') {
    const hundredths = s.earning.percent * 100;
    // 1.1 × 100 is 110.00000000000001 in floating point: compare with a tolerance.
    if (!(s.earning.percent >= 0 && s.earning.percent <= 100) || Math.abs(hundredths - Math.round(hundredths)) > 1e-6) {
      bad('/earning/percent', 'must be between 0 and 100 with at most two decimals');
    }
  } else if (s.earning.kind === 'per_amount') {
    if (!Number.isInteger(s.earning.points) || s.earning.points < 0) bad('/earning/points', 'must be a non-negative integer');
    if (!Number.isInteger(s.earning.per) || s.earning.per < 1) bad('/earning/per', 'must be a positive integer');
  }
  if (s.expiry.kind === 'days' && !(Number.isInteger(s.expiry.days) && s.expiry.days >= 1)) bad('/expiry/days', 'must be a positive integer');
  if (s.expiry.kind === 'end_of_period' && !(Number.isInteger(s.expiry.after) && s.expiry.after >= 0)) bad('/expiry/after', 'must be a non-negative integer');
  if (!(Number.isInteger(s.pointValue) && s.pointValue >= 1)) bad('/pointValue', 'must be a positive integer (minor units)');
  if (!(Number.isInteger(s.maxRedeemPercent) && s.maxRedeemPercent >= 0 && s.maxRedeemPercent <= 100)) bad('/maxRedeemPercent', 'must be an integer from 0 to 100');
  if (!(Number.isInteger(s.pendingDays) && s.pendingDays >= 0)) bad('/pendingDays', 'must be a non-negative integer');
  if (new Set(s.requiredAgreements).size !== s.requiredAgreements.length) bad('/requiredAgreements', 'names a text twice');
  if (errors.length > 0) throw new DomainError('INVALID_SETTINGS', errors.map((e) => `${e.pointer}: ${e.detail}`).join('; '), { errors });
}

/** Settings as stored may predate a field added later: defaults fill the gaps. */
export function settingsFromStorage(stored: unknown): ProgramSettings {
  return { ...DEFAULT_SETTINGS, ...(stored as Partial<ProgramSettings>) };
}
