/**
 * Control groups: a fixed share of a campaign's audience from whom the campaign is withheld, so
 * that analytics can measure its uplift. Membership is a hash of the campaign id and the member
 * id, so a member is always in or always out of a given campaign's group, with no state kept.
 *
 * The hash is part of the data: changing it would move members between groups in the middle of
 * running campaigns and spoil their measurements (docs/adr/0012-rules-engine.md).
 */

/** 32-bit FNV-1a over the UTF-16 code units, then murmur3's finaliser to spread the bits. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The member's bucket for a campaign, 0–9999 (hundredths of a percent). */
export const controlBucket = (campaignId: string, memberId: string): number => hash32(`${campaignId}:${memberId}`) % 10_000;

/** True when the member belongs to the campaign's control group of `percent` % (two decimals). */
export const inControlGroup = (campaignId: string, memberId: string, percent: number): boolean =>
  percent > 0 && controlBucket(campaignId, memberId) < Math.round(percent * 100);
