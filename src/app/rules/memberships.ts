import { DateTime } from 'luxon';
import { DomainError } from '../../domain/errors.js';
import { lockWallet } from '../../store/ledger.js';
import { currentMembershipEnd, findMembershipByPurchase, insertMembership, listMembershipRows } from '../../store/memberships.js';
import type { AppContext } from '../context.js';
import { requireMember } from '../members.js';
import { createPurchase } from '../purchases/create.js';
import type { PurchaseResult } from '../../domain/purchase-types.js';

export interface MembershipInput {
  tierId: string;
  /** Length of the term in days (30 for a month). */
  days: number;
  /** The fee, minor units. */
  price: number;
  /** The merchant's receipt id for the fee: buying is idempotent on it. */
  receiptId: string;
  storeId?: string | undefined;
}

export interface MembershipView {
  membershipId: string;
  memberId: string;
  tierId: string;
  startsAt: string;
  endsAt: string;
  price: number;
  purchaseId: string | null;
  active: boolean;
}

/**
 * A paid membership: the member buys a tier's benefits for a term. The fee is recorded as a
 * purchase of a service (sku `membership:<tier>`, category `membership`: exclude that category
 * from earning in the main scheme if the fee should earn nothing). Buying again before the term
 * ends renews it: the new term starts where the current one ends. When it ends, the member is back
 * to the tier their purchases qualify for — nothing needs to run for that (tiers are read at the
 * moment of each purchase).
 */
export async function buyMembership(ctx: AppContext, programId: string, memberId: string, input: MembershipInput): Promise<{ membership: MembershipView; purchase: PurchaseResult }> {
  const member = await requireMember(ctx.db, programId, memberId);
  const inForce = await ctx.rules.inForce(programId, ctx.clock());
  const tier = inForce.ruleSet.tiers.find((t) => t.id === input.tierId);
  if (!tier) throw new DomainError('TIER_NOT_FOUND', `no tier ${input.tierId} in the rules in force`);
  const purchase = await createPurchase(ctx, programId, {
    receiptId: input.receiptId,
    memberId: member.memberId,
    storeId: input.storeId,
    channel: 'membership',
    total: input.price,
    lines: [{ sku: `membership:${tier.id}`, name: `${tier.name}: ${input.days} d`, category: 'membership', quantity: 1, price: input.price }],
  });
  const membership = await ctx.db.transaction().execute(async (tx) => {
    await lockWallet(tx, member.memberId);
    const existing = await findMembershipByPurchase(tx, member.memberId, purchase.purchaseId);
    if (existing) return existing;
    const now = ctx.clock();
    const start = (await currentMembershipEnd(tx, member.memberId, tier.id, now)) ?? now;
    const end = DateTime.fromJSDate(start).plus({ days: input.days }).toJSDate();
    const row = {
      member_id: member.memberId,
      membership_id: ctx.newId(),
      program_id: programId,
      tier_id: tier.id,
      starts_at: start,
      ends_at: end,
      purchase_id: purchase.purchaseId,
      price: input.price,
      created_at: now,
    };
    await insertMembership(tx, row);
    return row;
  });
  return { membership: view(membership, ctx.clock()), purchase };
}

export async function listMemberships(ctx: AppContext, programId: string, memberId: string): Promise<MembershipView[]> {
  await requireMember(ctx.db, programId, memberId);
  const rows = await listMembershipRows(ctx.db, memberId);
  return rows.map((r) => view(r, ctx.clock()));
}

function view(r: { membership_id: string; member_id: string; tier_id: string; starts_at: Date; ends_at: Date; price: number; purchase_id: string | null }, now: Date): MembershipView {
  return {
    membershipId: r.membership_id,
    memberId: r.member_id,
    tierId: r.tier_id,
    startsAt: r.starts_at.toISOString(),
    endsAt: r.ends_at.toISOString(),
    price: r.price,
    purchaseId: r.purchase_id,
    active: r.starts_at <= now && now < r.ends_at,
  };
}
