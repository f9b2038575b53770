import { sql, type RawBuilder } from 'kysely';
import { daysSource, type ReadScope } from './analytics-read.js';
import { planEachCall, type Executor } from './executor.js';
import type { Block } from './schema-analytics.js';

export const BLOCKS: readonly Block[] = ['main', 'mass', 'targeted'];

/**
 * Where the cost of each block comes from: each source yields rows (day, block, cost in minor
 * units) for the scope's range; the report adds them up by month and block. The main scheme's
 * cost is the points issued on purchases (the `issued` account, net of clawbacks) at face value.
 * Campaign costs (mass and targeted) come from the effects recorded with each purchase.
 */
const COST_SOURCES: ((s: ReadScope, pointValue: number) => RawBuilder<unknown>)[] = [
  (s, pointValue) => sql`select day, 'main' as block, issued * ${pointValue}::bigint as cost from (${daysSource({ ...s, storeId: '' })}) d`,
  // Campaign effects: a campaign's discounts and points go to its block. Its points were issued
  // like any others, so they are moved out of the main scheme's cost; a tier's effects (block
  // main) add only their discounts, their points being in `issued` already.
  (s, pointValue) => sql`
    select (occurred_at at time zone ${s.timeZone})::date as day, block,
           discount + case when block = 'main' then 0 else points * ${pointValue}::bigint end as cost
      from ${effectsIn(s)} e
    union all
    select (occurred_at at time zone ${s.timeZone})::date, 'main', -points * ${pointValue}::bigint
      from ${effectsIn(s)} e where block <> 'main' and points <> 0`,
];

/** Effects of members' and anonymous purchases (and events) that happened in the scope's days. */
function effectsIn(s: ReadScope): RawBuilder<unknown> {
  const from = sql`(${s.from}::date::timestamp at time zone ${s.timeZone})`;
  const to = sql`((${s.to}::date + 1)::timestamp at time zone ${s.timeZone})`;
  return sql`(select ${planEachCall} occurred_at, block, discount, points from campaign_effects where program_id = ${s.programId} and occurred_at >= ${from} and occurred_at < ${to}
    union all
    select occurred_at, block, discount, 0 from anonymous_campaign_effects where program_id = ${s.programId} and occurred_at >= ${from} and occurred_at < ${to})`;
}

/** Cost per month (first day) and block over the scope's range. */
export async function monthlyCosts(db: Executor, s: ReadScope, pointValue: number): Promise<Map<string, Record<Block, number>>> {
  const union = sql.join(COST_SOURCES.map((source) => source(s, pointValue)), sql` union all `);
  const r = await sql<{ month: string; block: Block; cost: number }>`
    select date_trunc('month', day::timestamp)::date as month, block, sum(cost)::bigint as cost
    from (${union}) c group by 1, 2`.execute(db);
  const out = new Map<string, Record<Block, number>>();
  for (const row of r.rows) {
    const m = out.get(row.month) ?? { main: 0, mass: 0, targeted: 0 };
    m[row.block] += row.cost;
    out.set(row.month, m);
  }
  return out;
}

/** Budgets per month (first day) and block for months from…to (first days). */
export async function budgetsOf(db: Executor, programId: string, fromMonth: string, toMonth: string): Promise<Map<string, Record<Block, number | null>>> {
  const rows = await db
    .selectFrom('analytics_budgets')
    .select(['month', 'block', 'amount'])
    .where('program_id', '=', programId)
    .where('month', '>=', fromMonth)
    .where('month', '<=', toMonth)
    .execute();
  const out = new Map<string, Record<Block, number | null>>();
  for (const row of rows) {
    const m = out.get(row.month) ?? { main: null, mass: null, targeted: null };
    m[row.block] = row.amount;
    out.set(row.month, m);
  }
  return out;
}

/** Sets budgets (month first days); a null amount removes that block's budget for the month. */
export async function saveBudgets(db: Executor, programId: string, items: { month: string; block: Block; amount: number | null }[], at: Date): Promise<void> {
  const set = items.filter((i) => i.amount !== null);
  const unset = items.filter((i) => i.amount === null);
  if (set.length > 0) {
    await db
      .insertInto('analytics_budgets')
      .values(set.map((i) => ({ program_id: programId, month: i.month, block: i.block, amount: i.amount!, updated_at: at })))
      .onConflict((oc) => oc.columns(['program_id', 'month', 'block']).doUpdateSet((eb) => ({ amount: eb.ref('excluded.amount'), updated_at: eb.ref('excluded.updated_at') })))
      .execute();
  }
  for (const i of unset) {
    await db.deleteFrom('analytics_budgets').where('program_id', '=', programId).where('month', '=', i.month).where('block', '=', i.block).execute();
  }
}
