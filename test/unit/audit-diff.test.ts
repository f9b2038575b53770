import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { diffFields } from '../../src/domain/audit-diff.js';

describe('what an audit entry changed, field by field', () => {
  test('a settings change lists only the field that changed', () => {
    const before = { name: 'Копилка', settings: { pendingDays: 14, maxRedeemPercent: 30, questionnaire: { name: 'required' } } };
    const after = { name: 'Копилка', settings: { pendingDays: 14, maxRedeemPercent: 50, questionnaire: { name: 'required' } } };
    assert.deepEqual(diffFields(before, after), [{ path: 'settings.maxRedeemPercent', before: 30, after: 50 }]);
  });

  test('key order does not make a change; a field added or removed has undefined on the other side', () => {
    assert.deepEqual(diffFields({ a: 1, b: 2 }, { b: 2, a: 1 }), []);
    assert.deepEqual(diffFields({ a: 1 }, { a: 1, city: 'Тула' }), [{ path: 'city', before: undefined, after: 'Тула' }]);
    assert.deepEqual(diffFields({ a: 1, city: 'Тула' }, { a: 1 }), [{ path: 'city', before: 'Тула', after: undefined }]);
  });

  test('arrays of the same length are compared element by element, others as a whole', () => {
    const effect = (percent: number) => ({ kind: 'points_percent', percent });
    assert.deepEqual(diffFields({ effects: [effect(5)] }, { effects: [effect(10)] }), [{ path: 'effects.0.percent', before: 5, after: 10 }]);
    assert.deepEqual(diffFields({ days: [1, 2] }, { days: [1, 2, 3] }), [{ path: 'days', before: [1, 2], after: [1, 2, 3] }]);
  });

  test('a created value lists each of its fields; a plain value is one change', () => {
    assert.deepEqual(diffFields(null, { id: 'MSK-01', name: 'На Тверской' }), [
      { path: 'id', before: undefined, after: 'MSK-01' },
      { path: 'name', before: undefined, after: 'На Тверской' },
    ]);
    assert.deepEqual(diffFields('draft', 'active'), [{ path: '', before: 'draft', after: 'active' }]);
    assert.deepEqual(diffFields(null, null), []);
  });
});
