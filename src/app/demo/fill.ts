import { DateTime } from 'luxon';
import type { ReceiptLineInput } from '../../domain/receipt.js';
import type { Db } from '../../store/executor.js';
import { markHistory } from '../../store/analytics-aggregate.js';
import { checkBooks } from '../../store/verify.js';
import { countMembers } from '../../store/members.js';
import { insertStores } from '../../store/stores.js';
import { audit, DEMO_ACTOR } from '../audit.js';
import { createContext, type Actor, type AppContext } from '../context.js';
import { expirePoints } from '../ledger.js';
import { enrolMember, type MemberInput } from '../members.js';
import { allPrograms, createProgram } from '../programs.js';
import { createPurchase } from '../purchases/create.js';
import { calculatePurchase } from '../purchases/evaluate.js';
import { returnPurchase } from '../purchases/returns.js';
import type { PurchaseInput } from '../../domain/purchase-types.js';
import {
  CATALOGUE,
  CITIES,
  DEMO_EARN_EXCLUSIONS,
  DEMO_REDEEM_EXCLUSIONS,
  EMAIL_DOMAINS,
  FEMALE_NAMES,
  MALE_NAMES,
  MOBILE_CODES,
  STORES,
  SURNAMES,
  ean13,
  surname,
  translit,
  type DemoStore,
  type Sku,
  type StoreFormat,
} from './data.js';
import { Random } from './random.js';

/*
 * `kopilka demo`: fills a program with a few months of a living program — stores, members and
 * their purchases, points spent, a few returns, receipts without a member. Everything goes
 * through the real use cases (enrolMember, calculatePurchase, createPurchase, returnPurchase,
 * expirePoints) with a clock that the simulation moves, so the books balance and pending and
 * expiring points behave as they would have. The same seed gives the same data.
 */

export interface DemoOptions {
  /** The program to fill; by default the first one (a "Demo program" is created if there is none). */
  programId?: string | undefined;
  members: number;
  months: number;
  seed: number;
  /** Where the simulated history ends (default: now). */
  now?: Date;
  /** Called with a line of progress now and then (every 1,000 purchases). */
  onProgress?: (line: string) => void;
}

export interface DemoSummary {
  programId: string;
  programName: string;
  programCreated: boolean;
  currency: string;
  from: Date;
  to: Date;
  stores: number;
  members: number;
  purchases: number;
  memberPurchases: number;
  anonymousPurchases: number;
  purchasesSpendingPoints: number;
  returns: number;
  /** Money of all receipts, in minor units. */
  revenue: number;
  pointsIssued: number;
  pointsRedeemed: number;
  pointsExpired: number;
  memberBalances: number;
  booksBalance: boolean;
}

/** The demo refuses to add members to a program that already has some (its phones and receipt ids would clash). */
export class DemoRefused extends Error {
  override name = 'DemoRefused';
}

type Redeemer = 'eager' | 'saver' | 'never';

interface PlannedMember {
  input: MemberInput & { phone: string };
  card: string;
  enrolAt: number;
  homeStore: DemoStore;
  redeemer: Redeemer;
  /** Shifts basket sizes: some shop for a family, some for one. */
  basket: number;
  /** The member's own random stream for when and what it buys. */
  timeline: Random;
  memberId?: string;
  /** Spendable points as of the last operation, and earned points still pending. */
  available: number;
  pending: { points: number; availableAt: number }[];
}

interface PlannedPurchase {
  kind: 'purchase';
  at: number;
  seq: number;
  member: PlannedMember | null;
  store: DemoStore;
  lines: ReceiptLineInput[];
  receiptId: string;
  /** How the member is identified at the till. */
  identifiedBy: 'card' | 'phone' | 'member';
  /** A roll of the dice, drawn in advance: does the member spend points if there are enough? */
  spendRoll: number;
  purchaseId?: string;
}

interface PlannedReturn {
  kind: 'return';
  at: number;
  seq: number;
  purchase: PlannedPurchase;
  lines: { line: number; quantity: number }[];
}

interface PlannedEnrolment {
  kind: 'enrol';
  at: number;
  seq: number;
  member: PlannedMember;
}

type Event = PlannedPurchase | PlannedReturn | PlannedEnrolment;

const DAY = 86_400_000;
const MONTH = 30.44 * DAY;
/** A third of the members joined before the simulated months, up to this many days before. */
const ENROLMENT_HISTORY_DAYS = 540;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** How often a member buys, per month: most now and then, a few every week or more. */
const SEGMENTS: readonly (readonly [readonly [number, number], number])[] = [
  [[0.15, 0.6], 58],
  [[0.7, 1.5], 26],
  [[2.5, 4.5], 12],
  [[5, 8], 4],
];

const HOURS: readonly (readonly [number, number])[] = [
  [8, 3], [9, 4], [10, 5], [11, 6], [12, 7], [13, 7], [14, 6], [15, 6], [16, 7], [17, 9], [18, 11], [19, 11], [20, 9], [21, 6],
];
const ONLINE_HOURS: readonly (readonly [number, number])[] = [
  [0, 2], [1, 1], [7, 2], [8, 3], [9, 4], [10, 4], [11, 4], [12, 5], [13, 5], [14, 4], [15, 4], [16, 4], [17, 4], [18, 5], [19, 6], [20, 8], [21, 9], [22, 8], [23, 5],
];
/** Busier on Fridays and weekends (luxon weekdays, 1 = Monday). */
const WEEKDAY_WEIGHT = [0, 0.9, 0.9, 0.95, 1, 1.15, 1.3, 1.2];

const LINES_BY_FORMAT: Record<Exclude<StoreFormat, 'online'>, readonly (readonly [number, number])[]> = {
  grocery: [[1, 12], [2, 14], [3, 15], [4, 14], [5, 12], [6, 10], [7, 8], [8, 6]],
  pharmacy: [[1, 40], [2, 30], [3, 18], [4, 8], [5, 4]],
  clothing: [[1, 55], [2, 28], [3, 12], [4, 5]],
};

const ANONYMOUS_SHARE = 0.15;

export async function fillDemo(db: Db, options: DemoOptions): Promise<DemoSummary> {
  if (!Number.isInteger(options.members) || options.members < 1 || options.members > 1_000_000) throw new DemoRefused('--members must be a whole number from 1 to 1000000');
  if (!Number.isInteger(options.months) || options.months < 1 || options.months > 60) throw new DemoRefused('--months must be a whole number from 1 to 60');
  if (!Number.isInteger(options.seed)) throw new DemoRefused('--seed must be a whole number');
  const progress = options.onProgress ?? (() => {});
  const now = (options.now ?? new Date()).getTime();
  let simulated = now;
  const ctx = createContext(db, { clock: () => new Date(simulated) });

  const { programId, programName, programCreated } = await chooseProgram(ctx, options.programId, now, options.months);
  const existing = await countMembers(db, programId);
  if (existing > 0) {
    throw new DemoRefused(
      `program ${programId} (${programName}) already has ${existing} member(s); the demo fills an empty program. ` +
        'Create one with `kopilka program create --name NAME` and pass --program ID, or use a fresh DATA_DIR',
    );
  }
  progress(`demo: filling program ${programId} (${programName}${programCreated ? ', created now' : ''}) with ${options.members} members and ${options.months} month(s) of purchases (seed ${options.seed})…`);
  const { settings } = await ctx.programs.get(programId);
  const zone = settings.timeZone;
  const from = DateTime.fromMillis(now, { zone }).minus({ months: options.months }).toMillis();

  await insertStores(db, programId, STORES, new Date(from - (ENROLMENT_HISTORY_DAYS + 30) * DAY));

  const members = planMembers(options.seed, options.members, from, now, zone);
  const events = planEvents(options.seed, members, from, now, zone);
  const actor: Actor = { programId, role: 'admin', name: DEMO_ACTOR };

  const summary = { memberPurchases: 0, anonymousPurchases: 0, purchasesSpendingPoints: 0, returns: 0, revenue: 0 };
  let nextExpiryRun = DateTime.fromMillis(from, { zone }).startOf('month').plus({ months: 1 }).toMillis();
  for (const event of events) {
    // The expiry job, as a server would have run it at the turn of each month.
    while (nextExpiryRun <= event.at) {
      simulated = nextExpiryRun;
      await expirePoints(ctx);
      nextExpiryRun = DateTime.fromMillis(nextExpiryRun, { zone }).plus({ months: 1 }).toMillis();
    }
    simulated = event.at;
    try {
      if (event.kind === 'enrol') {
        const view = await enrolMember(ctx, actor, event.member.input);
        event.member.memberId = view.id;
      } else if (event.kind === 'purchase') {
        const spent = await purchase(ctx, programId, event);
        if (event.member) summary.memberPurchases++;
        else summary.anonymousPurchases++;
        if (spent > 0) summary.purchasesSpendingPoints++;
        summary.revenue += event.lines.reduce((s, l) => s + l.price * l.quantity - (l.discount ?? 0), 0);
        const done = summary.memberPurchases + summary.anonymousPurchases;
        if (done % 1000 === 0) progress(`  ${done} purchases (up to ${DateTime.fromMillis(event.at, { zone }).toISODate()})`);
      } else {
        const p = event.purchase;
        const result = await returnPurchase(ctx, programId, p.purchaseId!, { lines: event.lines });
        if (p.member && result.balanceAfter !== null) settle(p.member, result.balanceAfter, event.at);
        summary.returns++;
      }
    } catch (err) {
      const what = event.kind === 'enrol' ? `enrolling ${event.member.input.phone}` : event.kind === 'purchase' ? `receipt ${event.receiptId}` : `the return of ${event.purchase.receiptId}`;
      throw new Error(`the demo stopped at ${what} (${new Date(event.at).toISOString()}): ${(err as Error).message}`, { cause: err });
    }
  }
  simulated = now;
  await expirePoints(ctx);
  // One entry in the audit log says where all of this came from (the members and purchases have none of their own).
  await audit(ctx, db, actor, {
    action: 'demo_fill',
    entity: 'program',
    entityId: programId,
    before: null,
    after: { programCreated, members: members.length, months: options.months, seed: options.seed, stores: STORES.length, purchases: summary.memberPurchases + summary.anonymousPurchases, returns: summary.returns },
    at: new Date(now),
  });
  // Everything above is dated in the past, created_at too: the analytics job's next run
  // recomputes every day from the first enrolment, and RFM, segments and models at once (docs/adr/0020).
  await markHistory(db, programId, new Date(Math.min(from, events[0]?.at ?? from)), new Date(now));

  const books = await checkBooks(db, programId);
  const account = books.accounts.find((a) => a.programId === programId);
  return {
    programId,
    programName,
    programCreated,
    currency: settings.currency,
    from: new Date(from),
    to: new Date(now),
    stores: STORES.length,
    members: members.length,
    purchases: summary.memberPurchases + summary.anonymousPurchases,
    ...summary,
    pointsIssued: account?.issued ?? 0,
    pointsRedeemed: account?.redeemed ?? 0,
    pointsExpired: account?.expired ?? 0,
    memberBalances: account?.memberBalances ?? 0,
    booksBalance: books.mismatches.length === 0,
  };
}

async function chooseProgram(ctx: AppContext, programId: string | undefined, now: number, months: number) {
  if (programId) {
    const found = UUID.test(programId) ? (await allPrograms(ctx)).find((p) => p.id === programId.toLowerCase()) : undefined;
    if (!found) throw new DemoRefused(`there is no program ${programId} in this database (the id is the one \`kopilka program create\` printed)`);
    return { programId: found.id, programName: found.name, programCreated: false };
  }
  const [first] = await allPrograms(ctx);
  if (first) return { programId: first.id, programName: first.name, programCreated: false };
  const clock = ctx.clock;
  // The program exists before the history the demo writes, the earliest enrolments included.
  ctx.clock = () => new Date(now - months * MONTH - (ENROLMENT_HISTORY_DAYS + 30) * DAY);
  try {
    const p = await createProgram(ctx, {
      name: 'Demo program',
      settings: { earnExclusions: DEMO_EARN_EXCLUSIONS, redeemExclusions: DEMO_REDEEM_EXCLUSIONS },
    });
    return { programId: p.id, programName: p.name, programCreated: true };
  } finally {
    ctx.clock = clock;
  }
}

/**
 * One receipt at the till: the member shows a card (or gives a phone number); a member who
 * likes to spend asks what may be paid with points (calculate) and spends it.
 */
async function purchase(ctx: AppContext, programId: string, p: PlannedPurchase): Promise<number> {
  const total = p.lines.reduce((s, l) => s + l.price * l.quantity - (l.discount ?? 0), 0);
  const m = p.member;
  const input: PurchaseInput = {
    receiptId: p.receiptId,
    storeId: p.store.storeId,
    channel: p.store.channel,
    occurredAt: new Date(p.at).toISOString(),
    total,
    lines: p.lines,
  };
  if (m) {
    if (p.identifiedBy === 'member') input.memberId = m.memberId!;
    else input.identifier = p.identifiedBy === 'card' ? { kind: 'card', value: m.card } : { kind: 'phone', value: m.input.phone };
    const estimate = m.available + m.pending.reduce((s, l) => s + (l.availableAt <= p.at ? l.points : 0), 0);
    const wants = m.redeemer === 'eager' ? estimate >= 100 && p.spendRoll < 0.6 : m.redeemer === 'saver' ? estimate >= 500 && p.spendRoll < 0.8 : false;
    if (wants) {
      const calc = await calculatePurchase(ctx, programId, input);
      if (calc.maxPointsToSpend > 0) input.pointsToSpend = calc.maxPointsToSpend;
    }
  }
  const result = await createPurchase(ctx, programId, input);
  p.purchaseId = result.purchaseId!;
  if (m && result.balanceAfter !== null) {
    settle(m, result.balanceAfter, p.at);
    const availableAt = result.earnedAvailableAt ? Date.parse(result.earnedAvailableAt) : p.at;
    if (result.pointsEarned > 0 && availableAt > p.at) m.pending.push({ points: result.pointsEarned, availableAt });
  }
  return result.pointsSpent;
}

/** Records a member's spendable balance as the ledger answered it; pending lots due by then are in it. */
function settle(m: PlannedMember, available: number, at: number): void {
  m.available = available;
  m.pending = m.pending.filter((l) => l.availableAt > at);
}

/** A whole receipt brought back now and then; more often one item of it. */
function returnLines(rnd: Random, lines: ReceiptLineInput[]): { line: number; quantity: number }[] {
  const whole = rnd.chance(0.3);
  const line = rnd.int(0, lines.length - 1);
  const quantity = rnd.int(1, lines[line]!.quantity);
  if (lines.length === 1 || whole) return lines.map((l, index) => ({ line: index, quantity: l.quantity }));
  return [{ line, quantity }];
}

/**
 * Random streams: each member draws its profile from one stream of its own and its timeline
 * from another, so the people are the same for a seed whatever the day, and one member's
 * draws never shift another's.
 */
const PROFILE = 1;
const TIMELINE = 2;
const ANONYMOUS = 3;

function planMembers(seed: number, count: number, from: number, now: number, zone: string): PlannedMember[] {
  const phones = new Set<string>();
  const emails = new Set<string>();
  const grocery = STORES.filter((s) => s.format === 'grocery');
  const members: PlannedMember[] = [];
  const thisYear = DateTime.fromMillis(now, { zone }).year;
  for (let i = 0; i < count; i++) {
    const rnd = Random.derive(seed, PROFILE, i);
    const gender = rnd.weighted([['female', 55], ['male', 44], [null, 1]] as const);
    const male = gender === 'male' || (gender === null && rnd.chance(0.5));
    const first = rnd.pick(male ? MALE_NAMES : FEMALE_NAMES);
    const last = surname(rnd.pick(SURNAMES), male ? 'male' : 'female');
    let phone: string;
    do phone = `+7${rnd.pick(MOBILE_CODES)}${String(rnd.int(0, 9_999_999)).padStart(7, '0')}`;
    while (phones.has(phone));
    phones.add(phone);
    const age = Math.min(85, Math.max(18, Math.round(41 + 13 * rnd.normal())));
    const dayOfYear = rnd.int(0, 364);
    const birthday = rnd.chance(0.8) ? DateTime.fromObject({ year: thisYear - age, month: 1, day: 1 }, { zone: 'UTC' }).plus({ days: dayOfYear }).toISODate() : null;
    let email: string | null = null;
    if (rnd.chance(0.45)) {
      const [f, l] = [translit(first), translit(last)];
      const local = rnd.weighted([
        [`${f}.${l}`, 4],
        [`${f}${l}${String(thisYear - age).slice(2)}`, 3],
        [`${f.slice(0, 1)}${l}`, 2],
        [`${l}_${rnd.int(1, 999)}`, 2],
      ]);
      let candidate = `${local}@${rnd.weighted(EMAIL_DOMAINS)}`;
      while (emails.has(candidate)) candidate = candidate.replace('@', `${rnd.int(0, 9)}@`);
      emails.add(candidate);
      email = candidate;
    }
    const city = rnd.weighted(CITIES);
    const card = ean13(`29${String(CARD_BASE + i).padStart(10, '0')}`);
    const mytishchi = city === 'Мытищи' || city === 'Королёв' || city === 'Долгопрудный';
    const homeStore = mytishchi ? grocery.find((s) => s.storeId === 'MYT-OLIMP')! : rnd.weighted(grocery.map((s) => [s, s.traffic] as const));
    const consents = { sms: rnd.chance(0.62), email: rnd.chance(0.55) && email !== null, push: rnd.chance(0.3) };
    const enrolledVia = rnd.weighted([['store', 70], ['app', 20], ['web', 10]] as const);
    const redeemer = rnd.weighted([['eager', 35], ['saver', 40], ['never', 25]] as const);
    const basketShift = rnd.weighted([[-1, 30], [0, 45], [1, 20], [2, 5]] as const);

    // Members joined over the past year and a half; the program grows, so more of them lately.
    const time = Random.derive(seed, TIMELINE, i);
    const enrolledBefore = time.chance(0.35);
    const daysBefore = time.int(1, ENROLMENT_HISTORY_DAYS);
    const growth = Math.sqrt(time.next());
    const around = enrolledBefore ? from - daysBefore * DAY : from + growth * (now - from - DAY);
    const enrolAt = Math.min(storeHours(time, around, zone, HOURS), now - 60_000);
    members.push({
      input: { name: `${first} ${last}`, phone, email, birthday, gender, city, consents, attributes: { demo: true, enrolledVia }, identifiers: [{ kind: 'card', value: card }] },
      card,
      enrolAt,
      homeStore,
      redeemer,
      basket: basketShift,
      timeline: time,
      available: 0,
      pending: [],
    });
  }
  return members;
}

/** Card numbers count up from here (EAN-13 in the 2… in-store range, with a check digit). */
const CARD_BASE = 100_000;

function planEvents(seed: number, members: PlannedMember[], from: number, now: number, zone: string): Event[] {
  const events: Event[] = [];
  const byTraffic = STORES.map((s) => [s, s.traffic] as const);
  let memberPurchases = 0;
  const add = (rnd: Random, member: PlannedMember | null, at: number, store: DemoStore) => {
    const lines = basket(rnd, store, member?.basket ?? 0);
    const identifiedBy = store.channel === 'online' ? 'member' : rnd.weighted([['card', 65], ['phone', 30], ['member', 5]] as const);
    const p: PlannedPurchase = { kind: 'purchase', at, seq: 0, member, store, lines, receiptId: '', identifiedBy, spendRoll: rnd.next() };
    events.push(p);
    // Now and then something comes back within ten days: clothes more often than milk.
    const rate = store.format === 'clothing' ? 0.06 : store.format === 'online' ? 0.04 : 0.012;
    const returned = rnd.chance(rate);
    const returnAt = at + rnd.int(1, 10) * DAY + rnd.int(-3, 3) * 3_600_000;
    const returnedLines = returnLines(rnd, lines);
    if (returned && returnAt < now) events.push({ kind: 'return', at: returnAt, seq: 0, purchase: p, lines: returnedLines });
  };
  for (const m of members) {
    const rnd = m.timeline;
    events.push({ kind: 'enrol', at: m.enrolAt, seq: 0, member: m });
    const [lo, hi] = rnd.weighted(SEGMENTS);
    const perMonth = lo + rnd.next() * (hi - lo);
    const start = Math.max(m.enrolAt, from);
    // Some members drift away part-way.
    const drifts = rnd.chance(0.2);
    const end = drifts ? start + rnd.next() * (now - start) : now;
    let count = rnd.poisson((perMonth * (end - start)) / MONTH);
    if (m.enrolAt >= from) {
      // Joined at the till: the first receipt comes a minute or two later.
      add(rnd, m, Math.min(m.enrolAt + rnd.int(30, 240) * 1000, now - 1000), m.homeStore);
      count = Math.max(0, count - 1);
      memberPurchases++;
    }
    for (let k = 0; k < count; k++) {
      const store = rnd.chance(0.55) ? m.homeStore : rnd.weighted(byTraffic);
      const at = storeHours(rnd, start + rnd.next() * (end - start), zone, store.channel === 'online' ? ONLINE_HOURS : HOURS);
      if (at > start && at < now) {
        add(rnd, m, at, store);
        memberPurchases++;
      }
    }
  }
  const rnd = Random.derive(seed, ANONYMOUS);
  const tills = byTraffic.filter(([s]) => s.channel === 'pos');
  const anonymous = Math.round((memberPurchases * ANONYMOUS_SHARE) / (1 - ANONYMOUS_SHARE));
  for (let k = 0; k < anonymous; k++) {
    const store = rnd.weighted(tills);
    const at = storeHours(rnd, from + rnd.next() * (now - from), zone, HOURS);
    if (at < now) add(rnd, null, at, store);
  }
  const order = { enrol: 0, purchase: 1, return: 2 };
  events.forEach((e, i) => (e.seq = i));
  events.sort((a, b) => a.at - b.at || order[a.kind] - order[b.kind] || a.seq - b.seq);
  // Receipt numbers run per store and day, in time order.
  const counters = new Map<string, number>();
  for (const e of events) {
    if (e.kind !== 'purchase') continue;
    const day = DateTime.fromMillis(e.at, { zone }).toFormat('yyyyLLdd');
    const key = `${e.store.storeId}-${day}`;
    const n = (counters.get(key) ?? 0) + 1;
    counters.set(key, n);
    e.receiptId = `${key}-${String(n).padStart(4, '0')}`;
  }
  return events;
}

/** A moment on the day of `around` (in the program's zone) at a busy hour, busier at weekends. */
function storeHours(rnd: Random, around: number, zone: string, hours: readonly (readonly [number, number])[]): number {
  let day = DateTime.fromMillis(around, { zone }).startOf('day');
  // Thin out quiet weekdays: move to a neighbouring day now and then.
  const [thin, later] = [rnd.next(), rnd.chance(0.5)];
  if (thin > (WEEKDAY_WEIGHT[day.weekday] ?? 1) / 1.3) day = day.plus({ days: later ? 1 : -1 });
  return day.set({ hour: rnd.weighted(hours), minute: rnd.int(0, 59), second: rnd.int(0, 59) }).toMillis();
}

const byFormat = new Map<Sku['format'], Sku[]>(['grocery', 'pharmacy', 'clothing'].map((f) => [f as Sku['format'], CATALOGUE.filter((s) => s.format === f)]));

function basket(rnd: Random, store: DemoStore, scale: number): ReceiptLineInput[] {
  const format = store.format === 'online' ? rnd.weighted([['grocery', 60], ['pharmacy', 15], ['clothing', 25]] as const) : store.format;
  const shelf = byFormat.get(format)!;
  const size = Math.min(8, Math.max(1, rnd.weighted(LINES_BY_FORMAT[format]) + (format === 'grocery' ? scale : 0)));
  const chosen = new Set<Sku>();
  while (chosen.size < Math.min(size, shelf.length)) chosen.add(rnd.weighted(shelf.map((s) => [s, s.popularity] as const)));
  return [...chosen].map((s) => {
    const quantity = rnd.weighted([[1, 75], [2, 18], [3, 5], [rnd.int(4, 6), 2]] as const);
    // The till's own promotions: now and then a line comes discounted.
    const [promo, percent] = [rnd.chance(0.06), rnd.int(10, 30)];
    const discount = promo ? Math.round((s.price * quantity * percent) / 100) : 0;
    return { sku: s.sku, name: s.name, category: s.category, quantity, price: s.price, ...(discount > 0 ? { discount } : {}) };
  });
}
