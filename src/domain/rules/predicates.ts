/**
 * Audience rules and conditions compiled into checks. A check answers quickly (`test`) and, only
 * when an evaluation is asked to explain, says in words what it saw (`explain`).
 */
import { localTime, type LocalTime } from '../calendar.js';
import type { AttributeValue, MemberFacts } from './facts.js';
import { describeFilter, type FilterIndex, type ReceiptView } from './lines.js';
import { dateOfDay } from './schedule.js';
import type { AudienceRule, Condition } from './types.js';

export interface MatchContext {
  receipt: ReceiptView | null;
  /** Facts about the member's dates, computed once per evaluation when a rule first needs them. */
  memo: { birthdays?: number[]; lastSeenDay?: number; enrolledDay?: number };
  member: MemberFacts | null;
  now: LocalTime;
  timeZone: string;
  storeId: string | null;
  channel: string | null;
  event: Readonly<Record<string, AttributeValue>> | null;
}

export interface Check {
  /** JSON pointer of the rule inside its campaign, e.g. `/audience/0`. */
  pointer: string;
  test(ctx: MatchContext): boolean;
  explain(ctx: MatchContext): string;
}

/** Formats money (minor units) for explanations. */
export type Money = (minor: number) => string;

type AttributeTest = Extract<AudienceRule, { kind: 'attribute' }> | Extract<Condition, { kind: 'event_attribute' }>;

function attributeTest(rule: AttributeTest): (v: AttributeValue | undefined) => boolean {
  switch (rule.op) {
    case 'eq':
      return (v) => v === rule.value;
    case 'ne':
      return (v) => v !== rule.value;
    case 'in': {
      const set = new Set<unknown>(rule.values);
      return (v) => set.has(v);
    }
    case 'not_in': {
      const set = new Set<unknown>(rule.values);
      return (v) => !set.has(v);
    }
    case 'gt':
      return (v) => typeof v === 'number' && v > rule.value;
    case 'gte':
      return (v) => typeof v === 'number' && v >= rule.value;
    case 'lt':
      return (v) => typeof v === 'number' && v < rule.value;
    case 'lte':
      return (v) => typeof v === 'number' && v <= rule.value;
    case 'exists':
      return (v) => v !== undefined && v !== null;
    case 'not_exists':
      return (v) => v === undefined || v === null;
  }
}

function attributeWords(rule: AttributeTest): string {
  if ('values' in rule) return `${rule.name} ${rule.op === 'in' ? 'in' : 'not in'} [${rule.values.join(', ')}]`;
  if ('value' in rule) return `${rule.name} ${rule.op} ${JSON.stringify(rule.value)}`;
  return `${rule.name} ${rule.op === 'exists' ? 'is set' : 'is not set'}`;
}

/** The birthday's local day numbers last year, this year and next year (29 February is the 28th in other years). */
export function birthdayDays(birthday: string, today: number): number[] {
  const parts = birthday.split('-');
  const month = Number(parts[parts.length - 2]);
  const day = Number(parts[parts.length - 1]);
  const year = new Date(today * 86_400_000).getUTCFullYear();
  return [year - 1, year, year + 1].map((y) => {
    const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
    return Date.UTC(y, month - 1, month === 2 && day === 29 && !leap ? 28 : day) / 86_400_000;
  });
}

const birthdays = (m: MemberFacts, ctx: MatchContext) => (ctx.memo.birthdays ??= m.birthday === null ? [] : birthdayDays(m.birthday, ctx.now.day));
const lastSeenDay = (m: MemberFacts, ctx: MatchContext) => (ctx.memo.lastSeenDay ??= localTime(m.lastPurchaseAt ?? m.enrolledAt, ctx.timeZone).day);
const enrolledDay = (m: MemberFacts, ctx: MatchContext) => (ctx.memo.enrolledDay ??= localTime(m.enrolledAt, ctx.timeZone).day);

/** Compiles one audience rule; every one needs a member (the campaign checks that first). */
export function compileAudience(rule: AudienceRule, pointer: string): Check {
  const m = (ctx: MatchContext) => ctx.member!;
  const make = (test: (member: MemberFacts, ctx: MatchContext) => boolean, explain: (member: MemberFacts, ctx: MatchContext) => string): Check => ({
    pointer,
    test: (ctx) => ctx.member !== null && test(ctx.member, ctx),
    explain: (ctx) => (ctx.member ? explain(m(ctx), ctx) : 'no member on the receipt'),
  });
  switch (rule.kind) {
    case 'member':
      return make(() => true, (mm) => `member ${mm.id}`);
    case 'tiers': {
      const set = new Set(rule.tierIds);
      const want = rule.match === 'any';
      return make((mm) => (mm.tierId !== null && set.has(mm.tierId)) === want, (mm) => `tier ${mm.tierId ?? 'none'}, needs ${want ? 'one of' : 'none of'} ${rule.tierIds.join(', ')}`);
    }
    case 'segments': {
      const ids = rule.segmentIds;
      const has = (mm: MemberFacts) => ids.filter((id) => mm.segmentIds.includes(id)).length;
      const test = rule.match === 'any' ? (mm: MemberFacts) => has(mm) > 0 : rule.match === 'all' ? (mm: MemberFacts) => has(mm) === ids.length : (mm: MemberFacts) => has(mm) === 0;
      return make(test, (mm) => `segments [${mm.segmentIds.join(', ')}], needs ${rule.match} of ${ids.join(', ')}`);
    }
    case 'attribute': {
      const t = attributeTest(rule);
      return make((mm) => t(mm.attributes[rule.name]), (mm) => `attribute ${rule.name} = ${JSON.stringify(mm.attributes[rule.name] ?? null)}, needs ${attributeWords(rule)}`);
    }
    case 'birthday':
      return make(
        (mm, ctx) => birthdays(mm, ctx).some((b) => ctx.now.day >= b - rule.daysBefore && ctx.now.day <= b + rule.daysAfter),
        (mm, ctx) => `birthday ${mm.birthday ?? 'unknown'}, today ${dateOfDay(ctx.now.day)}, needs it within ${rule.daysBefore} days before to ${rule.daysAfter} after`,
      );
    case 'first_purchase':
      return make((mm) => mm.purchaseCount === 0, (mm) => `${mm.purchaseCount} purchases before this one, needs none`);
    case 'nth_purchase':
      return make(
        (mm) => (rule.every ? (mm.purchaseCount + 1) % rule.n === 0 : mm.purchaseCount + 1 === rule.n),
        (mm) => `this is purchase ${mm.purchaseCount + 1}, needs ${rule.every ? 'every' : 'the'} ${rule.n}th`,
      );
    case 'lapsed':
      return make(
        (mm, ctx) => ctx.now.day - lastSeenDay(mm, ctx) >= rule.days,
        (mm, ctx) => `${ctx.now.day - lastSeenDay(mm, ctx)} days since the ${mm.lastPurchaseAt ? 'last purchase' : 'enrolment'}, needs ${rule.days} or more`,
      );
    case 'new_member':
      return make(
        (mm, ctx) => ctx.now.day - enrolledDay(mm, ctx) < rule.days,
        (mm, ctx) => `enrolled ${ctx.now.day - enrolledDay(mm, ctx)} days ago, needs fewer than ${rule.days}`,
      );
  }
}

const range = (min: number | undefined, max: number | undefined, show: (n: number) => string) =>
  [min !== undefined ? `≥ ${show(min)}` : '', max !== undefined ? `≤ ${show(max)}` : ''].filter(Boolean).join(' and ');

/** Compiles one condition. Receipt conditions fail on events and the reverse. */
export function compileCondition(cond: Condition, pointer: string, money: Money, filters: FilterIndex): Check {
  switch (cond.kind) {
    case 'total':
    case 'quantity': {
      const filter = filters.register(cond.lines);
      const total = cond.kind === 'total';
      const sum = (r: ReceiptView) => {
        const mask = filter.mask(r);
        const of = total ? r.amount : r.quantity;
        let s = 0;
        for (let i = 0; i < r.n; i++) if (mask[i]) s += of[i]!;
        return s;
      };
      const min = cond.min ?? 0;
      const max = cond.max ?? Number.POSITIVE_INFINITY;
      const show = cond.kind === 'total' ? money : String;
      return {
        pointer,
        test: (ctx) => {
          if (ctx.receipt === null) return false;
          const s = sum(ctx.receipt);
          return s >= min && s <= max;
        },
        explain: (ctx) => `${cond.kind} of ${describeFilter(cond.lines)} is ${ctx.receipt ? show(sum(ctx.receipt)) : '–'}, needs ${range(cond.min, cond.max, show)}`,
      };
    }
    case 'lines': {
      const filter = filters.register(cond.lines);
      const wanted = [...(cond.lines.skus ?? []).map((s) => ['sku', s] as const), ...(cond.lines.categories ?? []).map((c) => ['category', c] as const)];
      const all = (r: ReceiptView) => {
        const mask = filter.mask(r);
        return wanted.every(([k, v]) => (k === 'sku' ? r.sku : r.category).some((x, i) => x === v && mask[i]));
      };
      const any = (r: ReceiptView) => {
        const mask = filter.mask(r);
        for (let i = 0; i < r.n; i++) if (mask[i]) return true;
        return false;
      };
      const check = cond.match === 'all' ? all : any;
      return {
        pointer,
        test: (ctx) => ctx.receipt !== null && check(ctx.receipt),
        explain: (ctx) => `${cond.match === 'all' ? 'every one of' : 'any of'} ${describeFilter(cond.lines)}: ${ctx.receipt && check(ctx.receipt) ? 'on the receipt' : 'not on the receipt'}`,
      };
    }
    case 'store': {
      const set = new Set(cond.storeIds);
      const want = cond.match === 'any';
      return { pointer, test: (ctx) => (ctx.storeId !== null && set.has(ctx.storeId)) === want, explain: (ctx) => `store ${ctx.storeId ?? 'none'}, needs ${want ? 'one of' : 'none of'} ${cond.storeIds.join(', ')}` };
    }
    case 'channel': {
      const set = new Set(cond.channels);
      return { pointer, test: (ctx) => ctx.channel !== null && set.has(ctx.channel), explain: (ctx) => `channel ${ctx.channel ?? 'none'}, needs one of ${cond.channels.join(', ')}` };
    }
    case 'event_attribute': {
      const t = attributeTest(cond);
      return {
        pointer,
        test: (ctx) => ctx.event !== null && t(ctx.event[cond.name]),
        explain: (ctx) => `event attribute ${cond.name} = ${JSON.stringify(ctx.event?.[cond.name] ?? null)}, needs ${attributeWords(cond)}`,
      };
    }
  }
}
