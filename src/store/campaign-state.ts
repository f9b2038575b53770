import { sql, type OperationNodeSource } from 'kysely';
import type { BudgetCharge, EffectRow } from '../domain/purchase-rules.js';
import type { Executor } from './executor.js';

/** What campaigns have given so far, by campaign id. */
export async function budgetsOf(db: Executor, programId: string, campaignIds: string[]): Promise<Map<string, { points: number; money: number }>> {
  if (campaignIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('campaign_budgets')
    .select(['campaign_id', 'spent_points', 'spent_money'])
    .where('program_id', '=', programId)
    .where('campaign_id', 'in', campaignIds)
    .execute();
  return new Map(rows.map((r) => [r.campaign_id, { points: r.spent_points, money: r.spent_money }]));
}

export type { BudgetCharge };

/**
 * Books what a purchase's effects cost against their campaigns' budgets. A charge is refused when
 * the budget was already used up before it, so a budget is exceeded by at most the one purchase
 * that crossed it. The row is locked until commit: purchases touching the same budgeted campaign
 * are written one after another (docs/rules.md, "Budgets"). Returns the campaigns refused and
 * each charged campaign's totals after the charge.
 */
export async function chargeBudgets(db: Executor, programId: string, charges: BudgetCharge[], at: Date): Promise<{ refused: string[]; totals: Map<string, { points: number; money: number }> }> {
  const refused: string[] = [];
  const totals = new Map<string, { points: number; money: number }>();
  // In campaign id order: two purchases charging the same two campaigns never deadlock.
  for (const c of [...charges].sort((a, b) => (a.campaignId < b.campaignId ? -1 : 1))) {
    await db
      .insertInto('campaign_budgets')
      .values({ program_id: programId, campaign_id: c.campaignId, updated_at: at })
      .onConflict((oc) => oc.columns(['program_id', 'campaign_id']).doNothing())
      .execute();
    const row = await sql<{ spent_points: number; spent_money: number }>`
      update campaign_budgets set spent_points = spent_points + ${c.points}, spent_money = spent_money + ${c.money}, updated_at = ${at}
       where program_id = ${programId} and campaign_id = ${c.campaignId}
         and (${c.capPoints}::bigint is null or spent_points < ${c.capPoints}::bigint)
         and (${c.capMoney}::bigint is null or spent_money < ${c.capMoney}::bigint)
      returning spent_points, spent_money`.execute(db);
    const r = row.rows[0];
    if (!r) refused.push(c.campaignId);
    else totals.set(c.campaignId, { points: Number(r.spent_points), money: Number(r.spent_money) });
  }
  return { refused, totals };
}

/**
 * Adds uses (to be run beside the operation's other writes): one row of `campaign_uses` per use,
 * naming the purchase (or event) that counted it, and the per-period cache `campaign_usage`.
 */
export function addUsageQuery(
  programId: string,
  at: Date,
  purchaseId: string,
  rows: { memberId: string; campaignId: string; period: string; uses: number }[],
): OperationNodeSource[] {
  if (rows.length === 0) return [];
  const values = sql.join(rows.map((r) => sql`(${r.memberId}::uuid, ${r.campaignId}::text, ${r.period}::text, ${r.uses}::int)`));
  const log = sql.join(rows.map((r) => sql`(${r.memberId}::uuid, ${purchaseId}::uuid, ${r.campaignId}::text, ${r.period}::text, 1, ${programId}::uuid, ${at}::timestamptz)`));
  return [
    sql`insert into campaign_usage (member_id, campaign_id, period, uses) values ${values}
        on conflict (member_id, campaign_id, period) do update set uses = campaign_usage.uses + excluded.uses`,
    sql`insert into campaign_uses (member_id, purchase_id, campaign_id, period, uses, program_id, created_at) values ${log}`,
  ];
}

/**
 * What a cancelled purchase counted and cost, given back by appending (docs/adr/0028-purchase-path.md):
 * its uses get −1 rows and the usage cache goes down by them; its effects get reversing rows; the
 * budgets its effects charged are refunded; the wallet's purchase count goes down. Runs under the
 * member's wallet lock. Returns the campaigns refunded (points and money).
 */
export async function reverseCampaignState(db: Executor, c: { programId: string; memberId: string; purchaseId: string; at: Date }): Promise<void> {
  await sql`
    with
    uses as (
      select campaign_id, period from campaign_uses
       where member_id = ${c.memberId} and purchase_id = ${c.purchaseId} and uses = 1
         and not exists (select 1 from campaign_uses r where r.member_id = ${c.memberId} and r.purchase_id = ${c.purchaseId}
                                                      and r.campaign_id = campaign_uses.campaign_id and r.uses = -1)),
    reversed_uses as (
      insert into campaign_uses (member_id, purchase_id, campaign_id, period, uses, program_id, created_at)
      select ${c.memberId}::uuid, ${c.purchaseId}::uuid, campaign_id, period, -1, ${c.programId}::uuid, ${c.at}::timestamptz from uses),
    usage_cache as (
      update campaign_usage u set uses = greatest(u.uses - 1, 0)
        from uses where u.member_id = ${c.memberId} and u.campaign_id = uses.campaign_id and u.period = uses.period),
    effects as (
      select * from campaign_effects e
       where e.member_id = ${c.memberId} and e.purchase_id = ${c.purchaseId} and not e.reversal
         and not exists (select 1 from campaign_effects r where r.member_id = e.member_id and r.purchase_id = e.purchase_id and r.seq = -1 - e.seq)),
    reversed_effects as (
      insert into campaign_effects (member_id, purchase_id, seq, program_id, campaign_id, coupon_code, block, kind, points, discount, cost, occurred_at, reversal)
      select member_id, purchase_id, -1 - seq, program_id, campaign_id, coupon_code, block, kind, -points, -discount, -cost, occurred_at, true from effects),
    refunds as (
      update campaign_budgets b set spent_points = b.spent_points - x.points, spent_money = b.spent_money - x.cost, updated_at = ${c.at}::timestamptz
        from (select campaign_id, sum(points) as points, sum(cost) as cost from effects group by campaign_id) x
       where b.program_id = ${c.programId} and b.campaign_id = x.campaign_id),
    wallet as (
      update wallets set purchase_count = greatest(purchase_count - 1, 0) where member_id = ${c.memberId})
    select 1`.execute(db);
}

export type { EffectRow } from '../domain/purchase-rules.js';

/** The effects a purchase received, for attribution and cost (beside the purchase's writes). */
export function insertEffectsQuery(programId: string, rows: EffectRow[]): OperationNodeSource[] {
  const member = rows.filter((r) => r.memberId !== null);
  const anonymous = rows.filter((r) => r.memberId === null);
  const out: OperationNodeSource[] = [];
  if (member.length > 0) {
    const values = sql.join(
      member.map((r) => sql`(${r.memberId}::uuid, ${r.purchaseId}::uuid, ${r.seq}::int, ${programId}::uuid, ${r.campaignId}, ${r.couponCode}, ${r.block}, ${r.kind}, ${r.points}::bigint, ${r.discount}::bigint, ${r.cost}::bigint, ${r.occurredAt}::timestamptz)`),
    );
    out.push(sql`insert into campaign_effects (member_id, purchase_id, seq, program_id, campaign_id, coupon_code, block, kind, points, discount, cost, occurred_at) values ${values}`);
  }
  if (anonymous.length > 0) {
    const values = sql.join(
      anonymous.map((r) => sql`(${programId}::uuid, ${r.purchaseId}::uuid, ${r.seq}::int, ${r.campaignId}, ${r.couponCode}, ${r.block}, ${r.kind}, ${r.discount}::bigint, ${r.cost}::bigint, ${r.occurredAt}::timestamptz)`),
    );
    out.push(sql`insert into anonymous_campaign_effects (program_id, purchase_id, seq, campaign_id, coupon_code, block, kind, discount, cost, occurred_at) values ${values}`);
  }
  return out;
}
