import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compileRules } from '../../src/domain/rules/compile.js';
import type { Campaign, RuleSet } from '../../src/domain/rules/types.js';
import { ruleSetErrors, validateRuleSet } from '../../src/domain/rules/validate.js';
import { DEFAULT_SETTINGS } from '../../src/domain/settings.js';
import { domainError } from '../support/domain.js';
import { campaign, tier, YEARLY } from '../support/rules.js';

const set = (...campaigns: unknown[]): RuleSet => ({ campaigns, tiers: [] }) as unknown as RuleSet;
/** The errors of a rule set holding one campaign changed by `patch`. */
const errorsOf = (patch: Record<string, unknown>, options = {}) => ruleSetErrors(set({ ...campaign('c'), ...patch }), options);

describe('rule sets: the shape', () => {
  test('a good rule set has no errors', () => {
    assert.deepEqual(ruleSetErrors({ campaigns: [campaign('a'), campaign('b')], tiers: [tier('silver', 1)], tierPolicy: YEARLY }), []);
  });

  test('an unknown kind of effect points at the kind and lists the known ones', () => {
    const [e] = errorsOf({ effects: [{ kind: 'points_galore', points: 5 }] });
    assert.equal(e!.pointer, '/campaigns/0/effects/0/kind');
    assert.match(e!.detail, /^must be one of: points_fixed, points_per_item, .*nth_item$/);
  });

  test('a bad field inside an effect points at that field only, not at every other kind of effect', () => {
    assert.deepEqual(errorsOf({ effects: [{ kind: 'discount_percent', percent: 120 }] }), [{ pointer: '/campaigns/0/effects/0/percent', detail: 'must be at most 100' }]);
  });

  test('unknown and missing fields are named', () => {
    const { stacking: _omit, ...rest } = campaign('c');
    assert.deepEqual(ruleSetErrors(set({ ...rest, colour: 'red' })), [
      { pointer: '/campaigns/0/stacking', detail: 'is required' },
      { pointer: '/campaigns/0/colour', detail: 'is not a known field' },
    ]);
  });

  test('a wrong enum value lists the allowed ones', () => {
    assert.deepEqual(errorsOf({ stacking: 'sometimes' }), [{ pointer: '/campaigns/0/stacking', detail: 'must be one of: stack, exclusive, best_of' }]);
  });

  test('an attribute test with an unknown operator points at the operator', () => {
    const [e] = errorsOf({ audience: [{ kind: 'attribute', name: 'city', op: 'like', value: 'K%' }] });
    assert.equal(e!.pointer, '/campaigns/0/audience/0/op');
  });

  test('a date in the wrong format says what format it wants', () => {
    assert.deepEqual(errorsOf({ schedule: { from: '1.3.2024' } }), [{ pointer: '/campaigns/0/schedule/from', detail: "must be a calendar date in the program's time zone, YYYY-MM-DD" }]);
  });

  test('a rule set that is not an object', () => {
    assert.deepEqual(ruleSetErrors(null), [{ pointer: '', detail: 'must be an object' }]);
  });
});

describe('rule sets: beyond the shape', () => {
  test('an end date before the start date', () => {
    assert.deepEqual(errorsOf({ schedule: { from: '2024-03-10', to: '2024-03-01' } }), [{ pointer: '/campaigns/0/schedule/to', detail: 'is before from' }]);
  });

  test('a date that does not exist', () => {
    assert.deepEqual(errorsOf({ schedule: { from: '2024-02-30' } }), [{ pointer: '/campaigns/0/schedule/from', detail: '2024-02-30 is not a date' }]);
  });

  test('hours out of the day, a window of no time, a weekday twice', () => {
    assert.deepEqual(errorsOf({ schedule: { weekdays: [1, 1], hours: [{ from: '25:00', to: '26:00' }, { from: '10:00', to: '10:00' }] } }), [
      { pointer: '/campaigns/0/schedule/weekdays/1', detail: 'is listed twice' },
      { pointer: '/campaigns/0/schedule/hours/0/from', detail: 'must be a time from 00:00 to 24:00' },
      { pointer: '/campaigns/0/schedule/hours/0/to', detail: 'must be a time from 00:00 to 24:00' },
      { pointer: '/campaigns/0/schedule/hours/1/to', detail: 'must differ from from (a window of no time, or of a whole day: leave hours out)' },
    ]);
  });

  test('an empty SKU list in a condition, and an empty filter on an effect', () => {
    assert.deepEqual(errorsOf({ conditions: [{ kind: 'lines', lines: { skus: [] }, match: 'any' }], effects: [{ kind: 'discount_percent', percent: 5, lines: {} }] }), [
      { pointer: '/campaigns/0/conditions/0/lines/skus', detail: 'must not be empty' },
      { pointer: '/campaigns/0/effects/0/lines', detail: 'must name skus or categories (leave lines out to mean every line)' },
    ]);
  });

  test('percentages with more than two decimals, a control group of everyone', () => {
    assert.deepEqual(errorsOf({ effects: [{ kind: 'points_percent', percent: 1.234 }], controlGroupPercent: 100 }), [
      { pointer: '/campaigns/0/effects/0/percent', detail: 'must be above 0 and at most 100, with at most two decimals' },
      { pointer: '/campaigns/0/controlGroupPercent', detail: 'must be below 100 with at most two decimals' },
    ]);
  });

  test('a total with neither min nor max, and a max below the min', () => {
    assert.deepEqual(errorsOf({ conditions: [{ kind: 'total' }, { kind: 'quantity', min: 5, max: 2 }] }), [
      { pointer: '/campaigns/0/conditions/0', detail: 'must set min, max or both' },
      { pointer: '/campaigns/0/conditions/1/max', detail: 'is below min' },
    ]);
  });

  test('references: a tier that is not in the rule set, a segment or coupon series the program does not have', () => {
    const errors = errorsOf(
      { audience: [{ kind: 'tiers', tierIds: ['platinum'], match: 'any' }, { kind: 'segments', segmentIds: ['ghosts'], match: 'any' }], couponSeriesId: 'nope' },
      { segmentIds: ['vip'], couponSeriesIds: ['spring'] },
    );
    assert.deepEqual(errors.map((e) => e.pointer), ['/campaigns/0/audience/0/tierIds/0', '/campaigns/0/audience/1/segmentIds/0', '/campaigns/0/couponSeriesId']);
  });

  test('event campaigns: an event type, points only, event conditions only', () => {
    const errors = errorsOf({ kind: 'event', effects: [{ kind: 'discount_fixed', amount: 100 }], conditions: [{ kind: 'total', min: 1 }] });
    assert.deepEqual(errors.map((e) => e.pointer), ['/campaigns/0/eventType', '/campaigns/0/effects/0/kind', '/campaigns/0/conditions/0/kind']);
  });

  test('two campaigns with one id', () => {
    assert.deepEqual(ruleSetErrors(set(campaign('a'), campaign('a'))), [{ pointer: '/campaigns/1/id', detail: 'is the id of campaign 0 too' }]);
  });

  test('tiers: a policy is needed, ranks are unique, a higher rank needs a higher minimum', () => {
    const errors = ruleSetErrors({ campaigns: [], tiers: [tier('silver', 1), tier('gold', 2, { qualification: { metric: 'spend', min: 500 } }), tier('bronze', 1)] });
    assert.deepEqual(errors, [
      { pointer: '/tiers/2/rank', detail: 'is the rank of tier 0 too' },
      { pointer: '/tierPolicy', detail: 'is required when there are tiers' },
      { pointer: '/tiers/1/qualification/min', detail: 'must be above 1000000, the spend of the lower tier silver' },
    ]);
  });

  test('validateRuleSet and compileRules throw INVALID_RULES with every error', () => {
    const bad: Campaign = { ...campaign('c'), schedule: { from: '2024-03-10', to: '2024-03-01' }, controlGroupPercent: 100 };
    const err = domainError(() => validateRuleSet(set(bad)), 'INVALID_RULES');
    assert.deepEqual(err.errors?.map((e) => e.pointer), ['/campaigns/0/schedule/to', '/campaigns/0/controlGroupPercent']);
    assert.equal(err.message, '/campaigns/0/schedule/to: is before from; /campaigns/0/controlGroupPercent: must be below 100 with at most two decimals');
    domainError(() => compileRules(set(bad), DEFAULT_SETTINGS), 'INVALID_RULES');
  });
});
