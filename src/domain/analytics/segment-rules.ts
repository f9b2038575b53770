/**
 * Rule segments: a saved audience described by conditions over a member's attributes, tier and
 * purchase behaviour in a window. The TypeBox schema is the one definition (the HTTP layer
 * validates and documents with it); `checkSegmentRule` adds what a schema cannot say (min ≤ max);
 * `matchesRule` decides one member from facts the caller loaded. Pure: `today` is passed in.
 * docs/analytics.md ("Segments") describes every condition.
 */
import { Type, type Static, type TSchema } from 'typebox';
import { DomainError, type FieldError } from '../errors.js';

const Obj = <T extends Record<string, TSchema>>(props: T, options: Record<string, unknown> = {}) => Type.Object(props, { additionalProperties: false, ...options });
const Count = Type.Integer({ minimum: 0 });
const Days = Type.Integer({ minimum: 0, maximum: 36_600 });
const Window = Type.Integer({ minimum: 1, maximum: 3660, description: 'the last N days, today included' });
const Name = Type.String({ minLength: 1, maxLength: 100, pattern: '^\\S(.*\\S)?$' });
const Scalar = Type.Union([Type.String({ maxLength: 500 }), Type.Number(), Type.Boolean()]);

export const SegmentCondition = Type.Union([
  Obj({ kind: Type.Literal('attribute'), name: Name, op: Type.Union([Type.Literal('eq'), Type.Literal('ne')]), value: Scalar }),
  Obj({ kind: Type.Literal('attribute'), name: Name, op: Type.Union([Type.Literal('in'), Type.Literal('not_in')]), values: Type.Array(Scalar, { minItems: 1, maxItems: 1000 }) }),
  Obj({ kind: Type.Literal('attribute'), name: Name, op: Type.Union([Type.Literal('gt'), Type.Literal('gte'), Type.Literal('lt'), Type.Literal('lte')]), value: Type.Number() }),
  Obj({ kind: Type.Literal('attribute'), name: Name, op: Type.Union([Type.Literal('exists'), Type.Literal('not_exists')]) }),
  Obj({
    kind: Type.Literal('profile'),
    field: Type.Union([Type.Literal('city'), Type.Literal('gender'), Type.Literal('status')]),
    op: Type.Union([Type.Literal('in'), Type.Literal('not_in')]),
    values: Type.Array(Type.String({ maxLength: 200 }), { minItems: 1, maxItems: 1000 }),
  }),
  Obj({ kind: Type.Literal('age'), min: Type.Optional(Type.Integer({ minimum: 0, maximum: 150 })), max: Type.Optional(Type.Integer({ minimum: 0, maximum: 150 })) }, { description: 'whole years from the birthday; members without a birthday do not match' }),
  Obj({ kind: Type.Literal('consent'), channel: Type.String({ minLength: 1, maxLength: 50 }), given: Type.Boolean() }),
  Obj({ kind: Type.Literal('enrolled'), minDays: Type.Optional(Days), maxDays: Type.Optional(Days) }, { description: 'days since enrolment' }),
  Obj({ kind: Type.Literal('tier'), tierIds: Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { minItems: 1, maxItems: 100 }), match: Type.Union([Type.Literal('any'), Type.Literal('none')]) }),
  Obj({ kind: Type.Literal('purchases'), windowDays: Window, min: Type.Optional(Count), max: Type.Optional(Count) }, { description: 'completed purchases in the window' }),
  Obj({ kind: Type.Literal('spend'), windowDays: Window, min: Type.Optional(Count), max: Type.Optional(Count) }, { description: 'receipt totals in the window, minor units' }),
  Obj({ kind: Type.Literal('last_purchase'), minDays: Type.Optional(Days), maxDays: Type.Optional(Days) }, { description: 'days since the last completed purchase; a member who never bought counts as infinitely long ago' }),
]);
export type SegmentCondition = Static<typeof SegmentCondition>;

export const SegmentRule = Obj({
  match: Type.Union([Type.Literal('all'), Type.Literal('any')], { description: 'all: every condition must hold; any: at least one' }),
  conditions: Type.Array(SegmentCondition, { minItems: 1, maxItems: 50 }),
});
export type SegmentRule = Static<typeof SegmentRule>;

/** What a rule can ask about one member. */
export interface MemberFacts {
  memberId: string;
  status: string;
  city: string | null;
  gender: string | null;
  /** 'YYYY-MM-DD'. */
  birthday: string | null;
  attributes: Record<string, unknown>;
  consents: Record<string, boolean>;
  /** Day number (days since 1970-01-01) of enrolment, in the program's time zone. */
  enrolledDay: number;
  tierId: string | null;
  /** Completed purchases within the longest window the rules use: day number and receipt total. */
  purchases: readonly { day: number; total: number }[];
  /** Day number of the last completed purchase ever, or null. */
  lastPurchaseDay: number | null;
}

/** Semantic checks beyond the schema; throws INVALID_SEGMENT_RULE with a pointer per problem. */
export function checkSegmentRule(rule: SegmentRule, pointer = '/rule'): void {
  const errors: FieldError[] = [];
  rule.conditions.forEach((c, i) => {
    const at = `${pointer}/conditions/${i}`;
    const [lo, hi, names] =
      c.kind === 'age' || c.kind === 'purchases' || c.kind === 'spend' ? [c.min, c.max, ['min', 'max']] : c.kind === 'enrolled' || c.kind === 'last_purchase' ? [c.minDays, c.maxDays, ['minDays', 'maxDays']] : [undefined, undefined, []];
    if (names.length > 0 && lo === undefined && hi === undefined) errors.push({ pointer: at, detail: `needs ${names[0]} or ${names[1]}` });
    if (lo !== undefined && hi !== undefined && lo > hi) errors.push({ pointer: `${at}/${names[0]}`, detail: `must not be greater than ${names[1]}` });
  });
  if (errors.length > 0) throw new DomainError('INVALID_SEGMENT_RULE', errors.map((e) => `${e.pointer}: ${e.detail}`).join('; '), { errors });
}

/** The longest purchase window the rule uses, in days (0 when it uses none). */
export function longestWindow(rules: Iterable<SegmentRule>): number {
  let longest = 0;
  for (const r of rules) for (const c of r.conditions) if (c.kind === 'purchases' || c.kind === 'spend') longest = Math.max(longest, c.windowDays);
  return longest;
}

const within = (v: number, lo: number | undefined, hi: number | undefined) => (lo === undefined || v >= lo) && (hi === undefined || v <= hi);

/** Whole years between a 'YYYY-MM-DD' birthday and a day number (a 29 February birthday counts from 1 March in other years). */
export function ageOn(birthday: string, today: number): number {
  const d = new Date(today * 86_400_000);
  const [y, m, dd] = [Number(birthday.slice(0, 4)), Number(birthday.slice(5, 7)), Number(birthday.slice(8, 10))];
  const [ty, tm, td] = [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()];
  return ty - y - (tm < m || (tm === m && td < dd) ? 1 : 0);
}

function attribute(c: Extract<SegmentCondition, { kind: 'attribute' }>, attrs: Record<string, unknown>): boolean {
  const v = attrs[c.name];
  switch (c.op) {
    case 'exists':
      return v !== undefined && v !== null;
    case 'not_exists':
      return v === undefined || v === null;
    case 'eq':
      return v === c.value;
    case 'ne':
      return v !== c.value;
    case 'in':
      return c.values.some((x) => x === v);
    case 'not_in':
      return !c.values.some((x) => x === v);
    case 'gt':
      return typeof v === 'number' && v > c.value;
    case 'gte':
      return typeof v === 'number' && v >= c.value;
    case 'lt':
      return typeof v === 'number' && v < c.value;
    case 'lte':
      return typeof v === 'number' && v <= c.value;
  }
}

/** Whether one condition holds for the member on `today` (a day number). */
export function matchesCondition(c: SegmentCondition, f: MemberFacts, today: number): boolean {
  switch (c.kind) {
    case 'attribute':
      return attribute(c, f.attributes);
    case 'profile': {
      const value = c.field === 'city' ? f.city : c.field === 'gender' ? f.gender : f.status;
      const found = value !== null && c.values.includes(value);
      return c.op === 'in' ? found : !found;
    }
    case 'age':
      return f.birthday !== null && within(ageOn(f.birthday, today), c.min, c.max);
    case 'consent':
      return (f.consents[c.channel] === true) === c.given;
    case 'enrolled':
      return within(today - f.enrolledDay, c.minDays, c.maxDays);
    case 'tier': {
      const found = f.tierId !== null && c.tierIds.includes(f.tierId);
      return c.match === 'any' ? found : !found;
    }
    case 'purchases':
    case 'spend': {
      const first = today - c.windowDays + 1;
      let n = 0;
      for (const p of f.purchases) if (p.day >= first && p.day <= today) n += c.kind === 'purchases' ? 1 : p.total;
      return within(n, c.min, c.max);
    }
    case 'last_purchase':
      return f.lastPurchaseDay === null ? c.maxDays === undefined : within(today - f.lastPurchaseDay, c.minDays, c.maxDays);
  }
}

/** Whether the member belongs to the segment on `today`. */
export function matchesRule(rule: SegmentRule, facts: MemberFacts, today: number): boolean {
  return rule.match === 'all' ? rule.conditions.every((c) => matchesCondition(c, facts, today)) : rule.conditions.some((c) => matchesCondition(c, facts, today));
}
