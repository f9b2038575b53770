import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isOfferFor, type OfferFacts } from '../../src/domain/offers.js';
import type { Campaign } from '../../src/domain/rules/types.js';
import { campaign } from '../support/rules.js';

const member: OfferFacts = { memberId: '0193aaaa-0000-7000-8000-000000000001', tierId: 'silver', attributes: { city: 'Tula', visits: 3 }, enrolledDays: 10, today: '2026-03-02' };

test('a campaign for everyone is an offer', () => {
  assert.equal(isOfferFor(campaign('all'), member), true);
});

test('an ended campaign is not; one ending today still is', () => {
  assert.equal(isOfferFor(campaign('ended', { schedule: { to: '2026-03-01' } }), member), false);
  assert.equal(isOfferFor(campaign('today', { schedule: { to: '2026-03-02' } }), member), true);
});

test('tiers, segments, attributes and newcomer windows decide who sees a targeted campaign', () => {
  const offer = (audience: Campaign['audience']) => isOfferFor(campaign('c', { audience }), member);
  assert.equal(offer([{ kind: 'tiers', tierIds: ['silver', 'gold'], match: 'any' }]), true);
  assert.equal(offer([{ kind: 'tiers', tierIds: ['gold'], match: 'any' }]), false);
  assert.equal(offer([{ kind: 'tiers', tierIds: ['silver'], match: 'none' }]), false);
  assert.equal(offer([{ kind: 'segments', segmentIds: ['vip'], match: 'any' }]), false);
  assert.equal(offer([{ kind: 'segments', segmentIds: ['vip'], match: 'none' }]), true);
  assert.equal(offer([{ kind: 'attribute', name: 'city', op: 'eq', value: 'Tula' }]), true);
  assert.equal(offer([{ kind: 'attribute', name: 'visits', op: 'gte', value: 5 }]), false);
  assert.equal(offer([{ kind: 'new_member', days: 30 }]), true);
  assert.equal(offer([{ kind: 'new_member', days: 7 }]), false);
  assert.equal(offer([{ kind: 'birthday', daysBefore: 3, daysAfter: 3 }, { kind: 'first_purchase' }]), true, 'purchase-time rules could hold');
});

test('the control group does not see the campaign; coupon campaigns show through the coupon', () => {
  assert.equal(isOfferFor(campaign('c', { controlGroupPercent: 99.99 }), member) || isOfferFor(campaign('d', { controlGroupPercent: 99.99 }), member), false);
  assert.equal(isOfferFor(campaign('c', { couponSeriesId: 'welcome' }), member), false);
});
