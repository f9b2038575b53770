import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { receiptText } from '../../src/domain/receipt-text.js';

const MOSCOW = 'Europe/Moscow';
const NOW = new Date('2024-03-10T09:00:00Z');
// 14 days later, 21:30 UTC on 24 March is already 25 March in Moscow
const LATER = new Date('2024-03-24T21:30:00Z');

describe('receiptText: lines the till prints', () => {
  test('in Russian: points spent, points earned, when they can be spent, and the balance', () => {
    assert.deepEqual(receiptText({ pointsSpent: 100, pointsEarned: 45, earnedAvailableAt: LATER }, 400, NOW, 'ru', MOSCOW), [
      'Оплачено бонусами: 100',
      'Начислено бонусов: 45',
      'Бонусы станут доступны 25.03.2024',
      'Баланс бонусов: 400',
    ]);
  });

  test('large numbers are grouped by thousands the Russian way (with a no-break space)', () => {
    assert.deepEqual(receiptText({ pointsSpent: 0, pointsEarned: 0, earnedAvailableAt: NOW }, 1_234_567, NOW, 'ru', MOSCOW), ['Баланс бонусов: 1\u00a0234\u00a0567']);
  });

  test('points available at once print no “available from” line', () => {
    assert.deepEqual(receiptText({ pointsSpent: 0, pointsEarned: 50, earnedAvailableAt: NOW }, 50, NOW, 'ru', MOSCOW), [
      'Начислено бонусов: 50',
      'Баланс бонусов: 50',
    ]);
  });

  test('nothing spent, nothing earned and no member: nothing to print', () => {
    assert.deepEqual(receiptText({ pointsSpent: 0, pointsEarned: 0, earnedAvailableAt: NOW }, null, NOW, 'ru', MOSCOW), []);
  });

  test('a negative balance after a return is printed with a minus sign', () => {
    assert.deepEqual(receiptText({ pointsSpent: 0, pointsEarned: 0, earnedAvailableAt: NOW }, -30, NOW, 'ru', MOSCOW), ['Баланс бонусов: -30']);
  });

  test('in English the same lines read in English with a British date', () => {
    assert.deepEqual(receiptText({ pointsSpent: 100, pointsEarned: 45, earnedAvailableAt: LATER }, 1_400, NOW, 'en', MOSCOW), [
      'Paid with points: 100',
      'Points earned: 45',
      'Points can be spent from 25/03/2024',
      'Points balance: 1,400',
    ]);
  });
});
