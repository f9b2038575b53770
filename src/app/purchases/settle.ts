/**
 * Settling what a purchase takes from shared rows: single-use coupon codes and campaign budgets.
 * The evaluation decides with what was read; the write takes each under its row's lock and, if
 * another purchase got there first (the code's last use, the budget's last points), evaluates
 * again without it. Rows are taken in a fixed order — codes by code, then budgets by campaign
 * id — so that two purchases never wait on each other in a circle.
 */
import type { PurchaseEvaluation } from '../../domain/purchase.js';
import { chargeBudgets } from '../../store/campaign-state.js';
import { giveCouponUseBack, takeCouponUse } from '../../store/coupons.js';
import type { Executor } from '../../store/executor.js';
import { budgetCharges, codeLimit, withOverrides, type BudgetMoves, type MemberRuleState, type RulesContext } from '../../domain/purchase-rules.js';

const byString = <T>(key: (x: T) => string) => (a: T, b: T) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);

/**
 * Evaluates and takes what the evaluation uses, again and again until everything it uses is
 * taken (each round drops at least one code or budget, so it ends). Returns the final evaluation
 * and the rule state it was made with.
 */
export async function settle<E extends Pick<PurchaseEvaluation, 'effects' | 'couponsUsed'>>(
  db: Executor,
  programId: string,
  rc: RulesContext,
  rules: MemberRuleState,
  evaluate: (rules: MemberRuleState) => E,
  at: Date,
  campaigns: RulesContext['compiled']['purchase'] = rc.compiled.purchase,
): Promise<{ evaluation: E; rules: MemberRuleState; budgets: BudgetMoves }> {
  const taken = new Set<string>();
  const lost = new Set<string>();
  const charged = new Map<string, { points: number; money: number }>();
  const totals = new Map<string, { points: number; money: number }>();
  const exhausted = new Set<string>();
  const limits = new Map(rc.codes.flatMap((c) => (c.code ? [[c.code, codeLimit(c)] as const] : [])));
  for (;;) {
    const state = withOverrides(rc, rules, lost, exhausted);
    const evaluation = evaluate(state);
    let again = false;
    for (const c of [...evaluation.couponsUsed].sort(byString((x) => x.code))) {
      if (taken.has(c.code)) continue;
      if (await takeCouponUse(db, programId, c.code, limits.get(c.code) ?? null)) taken.add(c.code);
      else {
        lost.add(c.code);
        again = true;
        break;
      }
    }
    if (again) continue;
    const charges = budgetCharges(rc.compiled, evaluation, campaigns).sort(byString((x) => x.campaignId));
    for (const ch of charges) {
      const before = charged.get(ch.campaignId);
      if (!before) {
        const r = await chargeBudgets(db, programId, [ch], at);
        if (r.refused.length > 0) {
          exhausted.add(ch.campaignId);
          again = true;
          break;
        }
        totals.set(ch.campaignId, r.totals.get(ch.campaignId)!);
      } else if (before.points !== ch.points || before.money !== ch.money) {
        const r = await chargeBudgets(db, programId, [{ campaignId: ch.campaignId, points: ch.points - before.points, money: ch.money - before.money, capPoints: null, capMoney: null }], at);
        totals.set(ch.campaignId, r.totals.get(ch.campaignId)!);
      }
      charged.set(ch.campaignId, { points: ch.points, money: ch.money });
    }
    if (again) continue;
    // Give back what an earlier round took and the final evaluation no longer uses.
    const used = new Set(evaluation.couponsUsed.map((c) => c.code));
    for (const code of taken) if (!used.has(code)) await giveCouponUseBack(db, programId, code, limits.get(code) != null);
    const charging = new Set(charges.map((c) => c.campaignId));
    for (const [id, c] of charged) {
      if (!charging.has(id)) await chargeBudgets(db, programId, [{ campaignId: id, points: -c.points, money: -c.money, capPoints: null, capMoney: null }], at);
    }
    const budgets: BudgetMoves = new Map();
    for (const ch of charges) {
      const after = totals.get(ch.campaignId);
      if (after) budgets.set(ch.campaignId, { before: { points: after.points - ch.points, money: after.money - ch.money }, after });
    }
    return { evaluation, rules: state, budgets };
  }
}
