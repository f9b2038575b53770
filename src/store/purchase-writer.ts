/**
 * The purchase writer (the "commit" of load → decide → commit): writes a list of purchase plans
 * (domain/purchase-plan.ts) as one statement — lots, entries, lot remainders and wallets; holds;
 * purchase rows; effects; campaign uses and their per-period cache; coupon uses; tier changes; budget warnings in the audit
 * log; the events they cause (the outbox) — together with the release of refused purchases' receipt claims. The single and the batched
 * write paths, and the import of history, go through it, so a purchase is written the same way
 * whichever path it took. Confirms, cancels and returns (domain/purchase-changes.ts) are written by
 * the same statement (its later CTEs): ends of holds, status changes of purchases and coupon uses,
 * appended reversals of a cancelled purchase's effects and uses, budget refunds, return rows
 * (docs/adr/0029-member-ledger-writer.md).
 */
import { sql, type OperationNodeSource } from 'kysely';
import type { PurchaseChange, ReturnRecord } from '../domain/purchase-changes.js';
import type { AnonymousPurchasePlan, PlannedWarning, PurchasePlan } from '../domain/purchase-plan.js';
import { purchaseEventDrafts } from '../domain/events/from-plan.js';
import { insertAuditQuery } from './audit.js';
import type { Executor, Tx } from './executor.js';
import { writeWithCommit } from './pipeline.js';
import { eventColumns, insertEventsSql } from './domain-events.js';
import { json } from './executor.js';
import { lineTermsColumn } from './purchases.js';

export interface PurchaseWrite {
  programId: string;
  at: Date;
  plans: readonly PurchasePlan[];
  anonymous?: readonly AnonymousPurchasePlan[];
  /** Confirms, cancels and returns of members' purchases (domain/purchase-changes.ts): at most one plan or change per member. */
  changes?: readonly PurchaseChange[];
  /** Returns of receipts without a member. */
  anonymousReturns?: readonly ReturnRecord[];
  /** Receipt claims made for purchases that were then refused: released in the same statement. */
  released?: readonly { receiptId: string; purchaseId: string }[];
}

/**
 * The write as one statement of fixed text: every table's rows travel as arrays (unnest), so the
 * text is the same for every batch — PostgreSQL parses and plans it once per connection (a named
 * prepared statement, store/db.ts) and the server builds no SQL per purchase. Tables a batch does
 * not touch get empty arrays.
 */
export function purchaseWrite(w: PurchaseWrite) {
  const { programId, plans, at } = w;
  const anonymous = w.anonymous ?? [];
  const released = w.released ?? [];
  const lots = columns(6);
  const entries = columns(10);
  const moves = columns(3);
  const wallets = columns(7);
  const changes = w.changes ?? [];
  for (const p of [...plans, ...changes]) {
    const deltas = new Map<string, number>();
    for (const e of p.entries) deltas.set(e.lotId, (deltas.get(e.lotId) ?? 0) + e.amount);
    const fresh = new Set(p.newLots.map((l) => l.lotId));
    for (const l of p.newLots) lots.push(p.memberId, l.lotId, deltas.get(l.lotId) ?? 0, iso(l.availableAt), iso(l.expiresAt), l.purchaseId);
    for (const e of p.entries) entries.push(p.memberId, e.entryId, e.lotId, e.account, e.kind, e.amount, e.purchaseId ?? null, e.returnId ?? null, e.reason ?? null, e.actor ?? null);
    for (const [lotId, d] of deltas) if (!fresh.has(lotId) && d !== 0) moves.push(p.memberId, lotId, d);
    const total = p.entries.reduce((sum, e) => sum + e.amount, 0);
    wallets.push(p.memberId, total, p.wallet.purchases, iso(p.wallet.purchaseAt), p.wallet.tier !== undefined, p.wallet.tier?.tierId ?? null, iso(p.wallet.tier?.since ?? null));
  }
  const holds = columns(5);
  for (const p of plans) for (const h of p.holds) holds.push(p.memberId, h.purchaseId, h.lotId, h.amount, iso(h.expiresAt));
  const purchases = columns(17);
  for (const { purchase: r } of plans) {
    purchases.push(r.memberId, r.purchaseId, r.receiptId, r.status, r.storeId, r.channel, iso(r.occurredAt), r.total, r.pointsSpent, r.pointsEarned, json(r.response), iso(r.holdExpiresAt), r.ruleVersion, r.paidTotal,
      iso(r.earnedAvailableAt), iso(r.earnedExpiresAt), lineTermsColumn(r.lineTerms));
  }
  const anon = columns(9);
  for (const { purchase: r } of anonymous) anon.push(r.purchaseId, r.receiptId, r.storeId, r.channel, iso(r.occurredAt), r.total, json(r.response), r.ruleVersion, lineTermsColumn(r.lineTerms));
  const effects = columns(11);
  const anonEffects = columns(9);
  for (const e of [...plans.flatMap((p) => p.effects), ...anonymous.flatMap((a) => a.effects)]) {
    if (e.memberId !== null) effects.push(e.memberId, e.purchaseId, e.seq, e.campaignId, e.couponCode, e.block, e.kind, e.points, e.discount, e.cost, iso(e.occurredAt));
    else anonEffects.push(e.purchaseId, e.seq, e.campaignId, e.couponCode, e.block, e.kind, e.discount, e.cost, iso(e.occurredAt));
  }
  const usage = columns(5);
  for (const p of plans) for (const u of p.usage) usage.push(u.memberId, u.campaignId, u.period, u.uses, p.purchaseId);
  // A cancel's −1 uses: the same rows, appended, and the same cache moved by them.
  for (const c of changes) for (const u of c.reversals.usage) usage.push(u.memberId, u.campaignId, u.period, u.uses, c.purchaseId);
  const coupons = columns(7);
  for (const p of plans) for (const c of p.couponUses) coupons.push(p.memberId, c.couponUseId, c.code, c.seriesId, c.purchaseId, c.status, iso(c.at));
  const tiers = columns(6);
  for (const p of plans) for (const t of p.tierChanges) tiers.push(p.memberId, t.changeId, iso(t.at), t.fromTier, t.toTier, t.reason);
  const audits = columns(5);
  for (const a of [...plans.flatMap((p) => p.budgetWarnings), ...anonymous.flatMap((x) => x.budgetWarnings)]) {
    const r = auditOfWarning(programId, a);
    audits.push(r.auditId, iso(r.at), r.entityId, json(r.before), json(r.after));
  }
  const rel = columns(2);
  for (const r of released) rel.push(r.receiptId, r.purchaseId);
  // The events the plans cause (the outbox, docs/events.md): one insert among the others.
  const events = eventColumns([...plans, ...anonymous].flatMap((p) => purchaseEventDrafts(p.events, p.purchase.occurredAt)));
  const [L, E, M, W, H, P, A, F, G, U, C, T, Q, R] = [lots, entries, moves, wallets, holds, purchases, anon, effects, anonEffects, usage, coupons, tiers, audits, rel].map((c) => c.arrays);
  const [HE, PS, CS, CC, FR, BR, RT, AR] = changeColumns(changes, w.anonymousReturns ?? []);
  return sql`
    with
    w_lots as (
      insert into lots (member_id, lot_id, program_id, amount, remaining, available_at, expires_at, purchase_id, created_at)
      select t.m, t.l, ${programId}::uuid, t.a, t.a, t.av, t.ex, t.p, ${at}::timestamptz
        from unnest(${L![0]}::uuid[], ${L![1]}::uuid[], ${L![2]}::bigint[], ${L![3]}::timestamptz[], ${L![4]}::timestamptz[], ${L![5]}::uuid[]) as t(m, l, a, av, ex, p)),
    w_entries as (
      insert into entries (member_id, entry_id, program_id, lot_id, account, kind, amount, purchase_id, return_id, reason, actor, created_at)
      select t.m, t.e, ${programId}::uuid, t.l, t.acc, t.k, t.a, t.p, t.r, t.why, t.who, ${at}::timestamptz
        from unnest(${E![0]}::uuid[], ${E![1]}::uuid[], ${E![2]}::uuid[], ${E![3]}::text[], ${E![4]}::text[], ${E![5]}::bigint[], ${E![6]}::uuid[], ${E![7]}::uuid[], ${E![8]}::text[], ${E![9]}::text[])
          as t(m, e, l, acc, k, a, p, r, why, who)),
    w_moves as (
      update lots set remaining = lots.remaining + t.d
        from unnest(${M![0]}::uuid[], ${M![1]}::uuid[], ${M![2]}::bigint[]) as t(m, l, d)
       where lots.member_id = t.m and lots.lot_id = t.l),
    w_wallets as (
      update wallets set balance = wallets.balance + t.d, updated_at = ${at}::timestamptz,
          purchase_count = wallets.purchase_count + t.n,
          first_purchase_at = coalesce(wallets.first_purchase_at, t.pa),
          last_purchase_at = greatest(wallets.last_purchase_at, t.pa),
          tier_id = case when t.st then t.ti else wallets.tier_id end,
          tier_since = case when t.st then t.ts else wallets.tier_since end
        from unnest(${W![0]}::uuid[], ${W![1]}::bigint[], ${W![2]}::int[], ${W![3]}::timestamptz[], ${W![4]}::boolean[], ${W![5]}::text[], ${W![6]}::timestamptz[])
          as t(m, d, n, pa, st, ti, ts)
       where wallets.member_id = t.m),
    w_holds as (
      insert into holds (member_id, purchase_id, lot_id, program_id, amount, expires_at)
      select t.m, t.p, t.l, ${programId}::uuid, t.a, t.ex
        from unnest(${H![0]}::uuid[], ${H![1]}::uuid[], ${H![2]}::uuid[], ${H![3]}::bigint[], ${H![4]}::timestamptz[]) as t(m, p, l, a, ex)),
    w_purchases as (
      insert into purchases (member_id, purchase_id, program_id, receipt_id, status, store_id, channel, occurred_at, total, points_spent, points_earned,
                             result, hold_expires_at, rule_version, paid_total, created_at, updated_at, earned_available_at, earned_expires_at, line_terms)
      select t.m, t.p, ${programId}::uuid, t.r, t.s, t.st, t.ch, t.o, t.tot, t.sp, t.ea, t.res::jsonb, t.h, t.v, t.paid, ${at}::timestamptz, ${at}::timestamptz,
             t.eav, t.eex, t.lt::jsonb
        from unnest(${P![0]}::uuid[], ${P![1]}::uuid[], ${P![2]}::text[], ${P![3]}::text[], ${P![4]}::text[], ${P![5]}::text[], ${P![6]}::timestamptz[],
                    ${P![7]}::bigint[], ${P![8]}::bigint[], ${P![9]}::bigint[], ${P![10]}::text[], ${P![11]}::timestamptz[], ${P![12]}::int[], ${P![13]}::bigint[],
                    ${P![14]}::timestamptz[], ${P![15]}::timestamptz[], ${P![16]}::text[])
          as t(m, p, r, s, st, ch, o, tot, sp, ea, res, h, v, paid, eav, eex, lt)),
    w_anonymous as (
      insert into anonymous_purchases (program_id, purchase_id, receipt_id, store_id, channel, occurred_at, total, result, rule_version, created_at, line_terms)
      select ${programId}::uuid, t.p, t.r, t.st, t.ch, t.o, t.tot, t.res::jsonb, t.v, ${at}::timestamptz, t.lt::jsonb
        from unnest(${A![0]}::uuid[], ${A![1]}::text[], ${A![2]}::text[], ${A![3]}::text[], ${A![4]}::timestamptz[], ${A![5]}::bigint[], ${A![6]}::text[], ${A![7]}::int[],
                    ${A![8]}::text[])
          as t(p, r, st, ch, o, tot, res, v, lt)),
    w_effects as (
      insert into campaign_effects (member_id, purchase_id, seq, program_id, campaign_id, coupon_code, block, kind, points, discount, cost, occurred_at)
      select t.m, t.p, t.q, ${programId}::uuid, t.c, t.cc, t.b, t.k, t.pt, t.d, t.co, t.o
        from unnest(${F![0]}::uuid[], ${F![1]}::uuid[], ${F![2]}::int[], ${F![3]}::text[], ${F![4]}::text[], ${F![5]}::text[], ${F![6]}::text[],
                    ${F![7]}::bigint[], ${F![8]}::bigint[], ${F![9]}::bigint[], ${F![10]}::timestamptz[])
          as t(m, p, q, c, cc, b, k, pt, d, co, o)),
    w_anonymous_effects as (
      insert into anonymous_campaign_effects (program_id, purchase_id, seq, campaign_id, coupon_code, block, kind, discount, cost, occurred_at)
      select ${programId}::uuid, t.p, t.q, t.c, t.cc, t.b, t.k, t.d, t.co, t.o
        from unnest(${G![0]}::uuid[], ${G![1]}::int[], ${G![2]}::text[], ${G![3]}::text[], ${G![4]}::text[], ${G![5]}::text[], ${G![6]}::bigint[], ${G![7]}::bigint[], ${G![8]}::timestamptz[])
          as t(p, q, c, cc, b, k, d, co, o)),
    w_usage as (
      insert into campaign_usage (member_id, campaign_id, period, uses)
      select t.m, t.c, t.p, t.u from unnest(${U![0]}::uuid[], ${U![1]}::text[], ${U![2]}::text[], ${U![3]}::int[]) as t(m, c, p, u)
      on conflict (member_id, campaign_id, period) do update set uses = campaign_usage.uses + excluded.uses),
    w_uses as (
      insert into campaign_uses (member_id, purchase_id, campaign_id, period, uses, program_id, created_at)
      select t.m, t.pu, t.c, t.p, t.u, ${programId}::uuid, ${at}::timestamptz
        from unnest(${U![0]}::uuid[], ${U![4]}::uuid[], ${U![1]}::text[], ${U![2]}::text[], ${U![3]}::int[]) as t(m, pu, c, p, u)),
    w_coupons as (
      insert into coupon_uses (member_id, coupon_use_id, program_id, code, series_id, purchase_id, status, created_at, updated_at)
      select t.m, t.u, ${programId}::uuid, t.c, t.s, t.p, t.st, t.a, t.a
        from unnest(${C![0]}::uuid[], ${C![1]}::uuid[], ${C![2]}::text[], ${C![3]}::text[], ${C![4]}::uuid[], ${C![5]}::text[], ${C![6]}::timestamptz[]) as t(m, u, c, s, p, st, a)),
    w_tiers as (
      insert into tier_changes (member_id, change_id, program_id, at, from_tier, to_tier, reason)
      select t.m, t.c, ${programId}::uuid, t.a, t.f, t.t, t.r
        from unnest(${T![0]}::uuid[], ${T![1]}::uuid[], ${T![2]}::timestamptz[], ${T![3]}::text[], ${T![4]}::text[], ${T![5]}::text[]) as t(m, c, a, f, t, r)),
    w_audit as (
      insert into audit_log (program_id, audit_id, at, actor, action, entity, entity_id, before, after)
      select ${programId}::uuid, t.i, t.a, 'system', 'budget_warning', 'campaign', t.e, t.b::jsonb, t.af::jsonb
        from unnest(${Q![0]}::uuid[], ${Q![1]}::timestamptz[], ${Q![2]}::text[], ${Q![3]}::text[], ${Q![4]}::text[]) as t(i, a, e, b, af)),
    w_released as (
      delete from receipt_claims c using unnest(${R![0]}::text[], ${R![1]}::uuid[]) as t(r, p)
       where c.program_id = ${programId}::uuid and c.receipt_id = t.r and c.purchase_id = t.p),
    w_released_refs as (
      delete from purchase_refs where purchase_id = any(${R![1]}::uuid[])),
    w_hold_ends as (
      delete from holds using unnest(${HE![0]}::uuid[], ${HE![1]}::uuid[]) as t(m, p)
       where holds.member_id = t.m and holds.purchase_id = t.p),
    w_purchase_states as (
      update purchases set status = t.s, cancel_reason = t.cr, points_spent = t.sp, points_earned = t.ea, result = t.res::jsonb, updated_at = ${at}::timestamptz
        from unnest(${PS![0]}::uuid[], ${PS![1]}::uuid[], ${PS![2]}::text[], ${PS![3]}::text[], ${PS![4]}::bigint[], ${PS![5]}::bigint[], ${PS![6]}::text[])
          as t(m, p, s, cr, sp, ea, res)
       where purchases.member_id = t.m and purchases.purchase_id = t.p),
    w_coupon_states as (
      update coupon_uses set status = t.s, updated_at = ${at}::timestamptz
        from unnest(${CS![0]}::uuid[], ${CS![1]}::uuid[], ${CS![2]}::text[]) as t(m, u, s)
       where coupon_uses.member_id = t.m and coupon_uses.coupon_use_id = t.u),
    w_coupon_counts as (
      update coupons set uses = greatest(coupons.uses - t.n, 0)
        from (select c, count(*)::int as n from unnest(${CC![0]}::text[]) as x(c) group by c) as t
       where coupons.program_id = ${programId}::uuid and coupons.code = t.c),
    w_effect_reversals as (
      insert into campaign_effects (member_id, purchase_id, seq, program_id, campaign_id, coupon_code, block, kind, points, discount, cost, occurred_at, reversal)
      select t.m, t.p, t.q, ${programId}::uuid, t.c, t.cc, t.b, t.k, t.pt, t.d, t.co, t.o, true
        from unnest(${FR![0]}::uuid[], ${FR![1]}::uuid[], ${FR![2]}::int[], ${FR![3]}::text[], ${FR![4]}::text[], ${FR![5]}::text[], ${FR![6]}::text[],
                    ${FR![7]}::bigint[], ${FR![8]}::bigint[], ${FR![9]}::bigint[], ${FR![10]}::timestamptz[])
          as t(m, p, q, c, cc, b, k, pt, d, co, o)),
    w_budget_refunds as (
      update campaign_budgets set spent_points = campaign_budgets.spent_points - t.pt, spent_money = campaign_budgets.spent_money - t.mo, updated_at = ${at}::timestamptz
        from (select c, sum(pt) as pt, sum(mo) as mo from unnest(${BR![0]}::text[], ${BR![1]}::bigint[], ${BR![2]}::bigint[]) as x(c, pt, mo) group by c) as t
       where campaign_budgets.program_id = ${programId}::uuid and campaign_budgets.campaign_id = t.c),
    w_returns as (
      insert into returns (member_id, return_id, program_id, purchase_id, lines, result, refund, created_at)
      select t.m, t.r, ${programId}::uuid, t.p, t.l::jsonb, t.res::jsonb, t.rf, ${at}::timestamptz
        from unnest(${RT![0]}::uuid[], ${RT![1]}::uuid[], ${RT![2]}::uuid[], ${RT![3]}::text[], ${RT![4]}::text[], ${RT![5]}::bigint[]) as t(m, r, p, l, res, rf)),
    w_anonymous_returns as (
      insert into anonymous_returns (program_id, return_id, purchase_id, lines, result, created_at)
      select ${programId}::uuid, t.r, t.p, t.l::jsonb, t.res::jsonb, ${at}::timestamptz
        from unnest(${AR![0]}::uuid[], ${AR![1]}::uuid[], ${AR![2]}::text[], ${AR![3]}::text[]) as t(r, p, l, res)),
    w_events as (${insertEventsSql(programId, at, events)})
    select 1`;
}

/** The column arrays of confirms, cancels and returns (the parts a purchase does not write). */
function changeColumns(changes: readonly PurchaseChange[], anonymousReturns: readonly ReturnRecord[]) {
  const holdEnds = columns(2);
  const states = columns(7);
  const couponStates = columns(3);
  const couponCounts = columns(1);
  const reversals = columns(11);
  const refunds = columns(3);
  const returns = columns(6);
  const anonReturns = columns(4);
  for (const c of changes) {
    if (c.endsHolds) holdEnds.push(c.memberId, c.purchaseId);
    const s = c.state;
    if (s) states.push(c.memberId, c.purchaseId, s.status, s.cancelReason, s.pointsSpent, s.pointsEarned, json(s.response));
    for (const u of c.couponUses) {
      couponStates.push(c.memberId, u.couponUseId, u.status);
      if (u.givenBack) couponCounts.push(u.code);
    }
    for (const e of c.reversals.effects) reversals.push(c.memberId, e.purchaseId, e.seq, e.campaignId, e.couponCode, e.block, e.kind, e.points, e.discount, e.cost, iso(e.occurredAt));
    for (const b of c.reversals.budgets) refunds.push(b.campaignId, b.points, b.money);
    const r = c.returned;
    if (r) returns.push(c.memberId, r.returnId, r.purchaseId, json(r.lines), json(r.response), r.refund);
  }
  for (const r of anonymousReturns) anonReturns.push(r.returnId, r.purchaseId, json(r.lines), json(r.response));
  return [holdEnds, states, couponStates, couponCounts, reversals, refunds, returns, anonReturns].map((c) => c.arrays);
}

/** Writes purchase plans in one statement (one round trip, one snapshot, one prepared text). */
export async function writePurchases(db: Executor, w: PurchaseWrite): Promise<void> {
  if (isEmpty(w)) return;
  await purchaseWrite(w).execute(db);
}

/**
 * Writes purchase plans in one statement sent with the transaction's COMMIT (one round trip for
 * both: store/pipeline.ts); its failure fails the commit. The last thing a transaction does.
 */
export async function writePurchasesWithCommit(trx: Tx, w: PurchaseWrite): Promise<void> {
  if (isEmpty(w)) return;
  await writeWithCommit(trx, purchaseWrite(w).compile(trx));
}

/**
 * Writes confirms, cancels and returns (domain/purchase-changes.ts) through the same statement as
 * purchases: the member-ledger writer (docs/adr/0029-member-ledger-writer.md).
 */
export async function writePurchaseChanges(
  db: Executor,
  w: { programId: string; at: Date; changes: readonly PurchaseChange[]; anonymousReturns?: readonly ReturnRecord[] },
): Promise<void> {
  await writePurchases(db, { ...w, plans: [] });
}

const isEmpty = (w: PurchaseWrite) => [w.plans, w.anonymous, w.released, w.changes, w.anonymousReturns].every((x) => (x ?? []).length === 0);

/** Column arrays filled row by row. */
function columns(n: number) {
  const arrays: unknown[][] = Array.from({ length: n }, () => []);
  return {
    arrays,
    push: (...values: unknown[]) => {
      for (let i = 0; i < n; i++) arrays[i]!.push(values[i] ?? null);
    },
  };
}

const iso = (d: Date | null | undefined): string | null => (d ? d.toISOString() : null);

/** Budget warnings as audit-log inserts (event campaigns book theirs beside the event's writes). */
export const insertBudgetWarningsQuery = (db: Executor, programId: string, warnings: readonly PlannedWarning[]): OperationNodeSource[] =>
  warnings.map((w) => insertAuditQuery(db, auditOfWarning(programId, w)));

const auditOfWarning = (programId: string, w: PlannedWarning) => ({
  programId,
  auditId: w.auditId,
  at: w.at,
  actor: 'system',
  action: 'budget_warning',
  entity: 'campaign',
  entityId: w.campaignId,
  before: { used: w.before },
  after: { used: w.after, cap: w.cap, budget: w.budget, warnAtPercent: w.warnAtPercent, purchaseId: w.purchaseId },
});
