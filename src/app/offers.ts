import { localTime } from '../domain/calendar.js';
import { isOfferFor } from '../domain/offers.js';
import { dateOfDay } from '../domain/rules/schedule.js';
import type { Campaign } from '../domain/rules/types.js';
import { decodeCursor, pageOf, parseSort, type ListQuery, type ListSpec, type Page } from '../domain/list-paging.js';
import { couponsOfMember, pageMemberCoupons, type CouponSortKey } from '../store/coupons.js';
import { afterRow } from '../store/keyset.js';
import type { Actor, AppContext } from './context.js';
import { memberOf } from './me.js';
import { requireMember } from './members.js';
import { listCampaigns } from './rules/campaigns.js';
import { listCouponSeries } from './rules/coupon-series.js';
import { getMemberTier } from './rules/member-tier.js';

export interface OfferView {
  id: string;
  name: string;
  kind: Campaign['kind'];
  eventType: string | null;
  schedule: Campaign['schedule'];
  conditions: Campaign['conditions'];
  effects: Campaign['effects'];
}

export interface MyCouponView {
  code: string;
  seriesId: string;
  name: string;
  /** Uses left; null = unlimited. */
  usesLeft: number | null;
  validFrom: string | null;
  validUntil: string | null;
  /** What the code unlocks: the effects of the live campaign that names the series, if any. */
  effects: Campaign['effects'];
}

const offerOf = (c: Campaign): OfferView => ({ id: c.id, name: c.name, kind: c.kind, eventType: c.eventType ?? null, schedule: c.schedule, conditions: c.conditions, effects: c.effects });

/**
 * The member app's offers (docs/web.md): live campaigns the member could get (src/domain/offers.ts
 * says which), and the member's personal coupons with what each unlocks. Used-up coupons and
 * those of archived series are left out.
 */
export async function getMyOffers(ctx: AppContext, actor: Actor): Promise<{ campaigns: OfferView[]; coupons: MyCouponView[] }> {
  const memberId = memberOf(actor);
  const programId = actor.programId;
  const [program, member, live, tier, series, coupons] = await Promise.all([
    ctx.programs.get(programId),
    requireMember(ctx.db, programId, memberId),
    listCampaigns(ctx, programId, ['active']),
    getMemberTier(ctx, programId, memberId),
    listCouponSeries(ctx, programId),
    couponsOfMember(ctx.db, programId, memberId),
  ]);
  const now = ctx.clock();
  const facts = {
    memberId,
    tierId: tier.tier?.id ?? null,
    attributes: member.attributes,
    enrolledDays: Math.floor((now.getTime() - member.createdAt.getTime()) / 86_400_000),
    today: dateOfDay(localTime(now, program.settings.timeZone).day),
  };
  const campaigns = live.map((c) => c.campaign).filter((c) => isOfferFor(c, facts));
  const mine: MyCouponView[] = [];
  for (const coupon of coupons) {
    const s = series.find((x) => x.id === coupon.seriesId);
    if (!s || s.status !== 'active') continue;
    const perCode = s.series.usesPerCode === undefined ? 1 : s.series.usesPerCode;
    const usesLeft = perCode === null ? null : Math.max(0, perCode - coupon.uses);
    if (usesLeft === 0 || (s.series.validUntil && Date.parse(s.series.validUntil) < now.getTime())) continue;
    const campaign = live.find((c) => c.campaign.couponSeriesId === s.id)?.campaign;
    mine.push({ code: coupon.code, seriesId: s.id, name: s.series.name, usesLeft, validFrom: s.series.validFrom ?? null, validUntil: s.series.validUntil ?? null, effects: campaign?.effects ?? [] });
  }
  return { campaigns: campaigns.map(offerOf), coupons: mine };
}

/** A member's personal coupons for the admin panel: every code bound to them, used or not. */
/** A member's personal coupons as the admin panel and a till list them (docs/api-lists.md). */
export const MEMBER_COUPON_LIST: ListSpec<CouponSortKey> = { list: 'member-coupons', keys: { createdAt: 'instant', code: 'text' }, id: 'text', defaultSort: '-createdAt' };

export async function memberCoupons(ctx: AppContext, programId: string, memberId: string, q: ListQuery): Promise<Page<{ code: string; seriesId: string; uses: number; createdAt: string }>> {
  const sort = parseSort(MEMBER_COUPON_LIST, q.sort);
  const after = decodeCursor(MEMBER_COUPON_LIST, sort, q.cursor);
  await requireMember(ctx.db, programId, memberId);
  const rows = await pageMemberCoupons(ctx.db, programId, memberId, { sort, after, limit: q.limit });
  return pageOf(MEMBER_COUPON_LIST.list, sort, rows, q.limit, afterRow, (c) => ({ code: c.code, seriesId: c.seriesId, uses: c.uses, createdAt: c.createdAt.toISOString() }));
}
