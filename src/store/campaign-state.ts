import { sql, type OperationNodeSource } from 'kysely';
import type { PurchaseCounts } from '../domain/purchase-changes.js';
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
 * What a purchase counted towards campaigns and has not had reversed: its +1 uses without a −1,
 * and its effects without a reversing row (what a cancel reverses; domain/purchase-changes.ts).
 */
export async function countsOfPurchase(db: Executor, memberId: string, purchaseId: string): Promise<PurchaseCounts> {
  const uses = await sql<{ campaign_id: string; period: string }>`
    select campaign_id, period from campaign_uses u
     where member_id = ${memberId} and purchase_id = ${purchaseId} and uses = 1
       and not exists (select 1 from campaign_uses r where r.member_id = u.member_id and r.purchase_id = u.purchase_id
                                                    and r.campaign_id = u.campaign_id and r.uses = -1)
     order by campaign_id, period`.execute(db);
  const effects = await sql<{ seq: number; campaign_id: string; coupon_code: string | null; block: string; kind: string; points: number; discount: number; cost: number; occurred_at: Date }>`
    select seq, campaign_id, coupon_code, block, kind, points, discount, cost, occurred_at from campaign_effects e
     where e.member_id = ${memberId} and e.purchase_id = ${purchaseId} and not e.reversal
       and not exists (select 1 from campaign_effects r where r.member_id = e.member_id and r.purchase_id = e.purchase_id and r.seq = -1 - e.seq)
     order by seq`.execute(db);
  return {
    uses: uses.rows.map((r) => ({ campaignId: r.campaign_id, period: r.period })),
    effects: effects.rows.map((r) => ({
      memberId,
      purchaseId,
      seq: r.seq,
      campaignId: r.campaign_id,
      couponCode: r.coupon_code,
      block: r.block,
      kind: r.kind,
      points: Number(r.points),
      discount: Number(r.discount),
      cost: Number(r.cost),
      occurredAt: r.occurred_at,
    })),
  };
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
