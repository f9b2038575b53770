import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { codeMessage } from '../../src/domain/messages.js';
import { afterFailure, standardWebhookSignature } from '../../src/domain/outbox.js';

describe('outbox retries', () => {
  const now = new Date('2026-03-02T10:00:00Z');
  const next = (attempts: number) => {
    const r = afterFailure(attempts, now);
    return r.status === 'failed' ? 'failed' : (r.nextAttemptAt.getTime() - now.getTime()) / 1000;
  };

  test('back off exponentially from 30 s, at most an hour apart, and give up after the eighth attempt', () => {
    assert.deepEqual([1, 2, 3, 4, 5, 6, 7, 8].map(next), [30, 60, 120, 240, 480, 960, 1920, 'failed']);
    assert.equal((afterFailure(9, now, { baseMs: 30_000, capMs: 3_600_000, maxAttempts: 20 }) as { nextAttemptAt: Date }).nextAttemptAt.getTime() - now.getTime(), 3_600_000);
  });
});

describe('Standard Webhooks signatures', () => {
  test("reproduce the specification's published test vector", () => {
    assert.equal(
      standardWebhookSignature('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}'),
      'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    );
  });
});

describe('the sign-in code message', () => {
  test('in Russian by default, short for SMS', () => {
    assert.deepEqual(codeMessage('ru', 'Копилка', '042917', 'sms', 10), { subject: 'Копилка: код для входа 042917', text: 'Копилка: код входа 042917. Никому его не сообщайте.' });
    assert.match(codeMessage('ru', 'Копилка', '042917', 'email', 10).text, /^Ваш код для входа в программу «Копилка»: 042917\n\nОн действует 10 минут\./);
  });
  test('in English for an English program', () => {
    assert.equal(codeMessage('en', 'Piggy', '000001', 'sms', 10).text, 'Piggy: sign-in code 000001. Do not share it.');
  });
});
