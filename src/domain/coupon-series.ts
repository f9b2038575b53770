import { Type, type Static } from 'typebox';
import type { FieldError } from './errors.js';

/**
 * A coupon series: many unique codes generated in bulk (each usable `usesPerCode` times), or one
 * shared code that everybody may type. What a code unlocks is the effect of the campaign that
 * names the series (`couponSeriesId`); the series itself says when and how often a code counts.
 */
export const CouponSeries = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9_.-]+$' }),
    name: Type.String({ minLength: 1, maxLength: 200 }),
    kind: Type.Union([Type.Literal('unique'), Type.Literal('shared')]),
    /** The shared code (kind shared only). */
    code: Type.Optional(Type.String({ minLength: 3, maxLength: 50 })),
    /** Unique codes: how many to generate now (more can be added later). */
    count: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
    prefix: Type.Optional(Type.String({ maxLength: 16, pattern: '^[A-Z0-9]*$' })),
    /** Random characters after the prefix; by default enough that a guess hits a valid code with odds under 1 in 10^8. */
    length: Type.Optional(Type.Integer({ minimum: 6, maximum: 24 })),
    validFrom: Type.Optional(Type.String({ format: 'date-time' })),
    validUntil: Type.Optional(Type.String({ format: 'date-time' })),
    /** Uses of one code; null = unlimited (default 1 for unique codes, unlimited for a shared one). */
    usesPerCode: Type.Optional(Type.Union([Type.Integer({ minimum: 1 }), Type.Null()])),
    /** Uses of the series' codes by one member; null = unlimited (default 1). */
    usesPerMember: Type.Optional(Type.Union([Type.Integer({ minimum: 1 }), Type.Null()])),
  },
  { additionalProperties: false },
);
export type CouponSeries = Static<typeof CouponSeries>;

export function couponSeriesErrors(s: CouponSeries): FieldError[] {
  const errors: FieldError[] = [];
  if (s.kind === 'shared' && !s.code) errors.push({ pointer: '/code', detail: 'a shared series needs its code' });
  if (s.kind === 'unique' && s.code) errors.push({ pointer: '/code', detail: 'unique codes are generated; give count (and a prefix) instead' });
  if (s.kind === 'shared' && s.count !== undefined) errors.push({ pointer: '/count', detail: 'a shared series has one code' });
  if (s.validFrom && s.validUntil && Date.parse(s.validFrom) >= Date.parse(s.validUntil)) errors.push({ pointer: '/validUntil', detail: 'must be after validFrom' });
  return errors;
}

export const usesPerCodeOf = (s: CouponSeries): number | null => (s.usesPerCode !== undefined ? s.usesPerCode : s.kind === 'unique' ? 1 : null);
export const usesPerMemberOf = (s: CouponSeries): number | null => (s.usesPerMember !== undefined ? s.usesPerMember : 1);

export type CouponRefusal = 'unknown' | 'not_yet_valid' | 'expired' | 'used_up' | 'other_member' | 'member_limit' | 'archived';

/** Why a presented code does not count at `at`, or null when it does (per-code uses are settled at write time). */
export function couponRefusal(
  s: CouponSeries,
  coupon: { uses: number; memberId: string | null },
  memberId: string | null,
  memberUses: number,
  at: Date,
): CouponRefusal | null {
  if (s.validFrom && at.getTime() < Date.parse(s.validFrom)) return 'not_yet_valid';
  if (s.validUntil && at.getTime() >= Date.parse(s.validUntil)) return 'expired';
  const perCode = usesPerCodeOf(s);
  if (perCode !== null && coupon.uses >= perCode) return 'used_up';
  if (coupon.memberId !== null && coupon.memberId !== memberId) return 'other_member';
  // A receipt without a member may use a code too (a flyer's code at the till); only the
  // per-member limit then cannot apply.
  const perMember = usesPerMemberOf(s);
  if (perMember !== null && memberId !== null && memberUses >= perMember) return 'member_limit';
  return null;
}
