import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RateLimiter } from '../../src/app/rate-limiter.js';
import { checkSend, codeError, CODE_RULES, generateCode, judgeCode } from '../../src/domain/member-codes.js';
import { mayCall, type Role } from '../../src/domain/roles.js';
import { checkPassword, checkSession, sessionEnd, type SessionPolicy } from '../../src/domain/sessions.js';
import { domainError } from '../support/domain.js';

const at = (iso: string) => new Date(`2026-03-02T${iso}Z`);
const minutes = (n: number) => n * 60_000;

describe('who may call a route', () => {
  const cases: [Role[], Role, boolean][] = [
    [['admin'], 'owner', true],
    [['admin'], 'marketer', false],
    [['admin', 'marketer'], 'marketer', true],
    [['admin', 'support'], 'support', true],
    [['admin', 'support'], 'analyst', false],
    [['admin', 'pos', 'readonly'], 'analyst', true],
    [['admin', 'pos', 'readonly'], 'support', true],
    [['admin', 'pos'], 'owner', true],
    [['admin', 'pos'], 'analyst', false],
    [['pos'], 'owner', false],
    [['member'], 'owner', false],
    [['member'], 'member', true],
    [['admin'], 'member', false],
    [['readonly'], 'admin', false],
  ];
  for (const [allowed, role, expected] of cases) {
    test(`${role} ${expected ? 'may' : 'may not'} call a route for ${allowed.join(', ')}`, () => assert.equal(mayCall(allowed, role), expected));
  }
});

describe('password rules', () => {
  test('ten characters at least, counted as characters (not bytes)', () => {
    domainError(() => checkPassword('123456789', 'a@b.ru'), 'PASSWORD_TOO_WEAK');
    checkPassword('пароль-для', 'a@b.ru');
  });
  test('not the e-mail, not one or two characters over and over', () => {
    assert.equal(domainError(() => checkPassword(' Olga@Shop.example ', 'olga@shop.example'), 'PASSWORD_TOO_WEAK').errors![0]!.detail, 'must not be the e-mail address');
    domainError(() => checkPassword('abababababab', 'a@b.ru'), 'PASSWORD_TOO_WEAK');
    checkPassword('correct horse battery', 'a@b.ru');
  });
});

describe('session lifetime', () => {
  const policy: SessionPolicy = { idleMs: minutes(480), maxMs: minutes(7 * 24 * 60), touchEveryMs: 60_000 };
  const signedIn = at('09:00:00');
  const session = { createdAt: signedIn, expiresAt: sessionEnd(signedIn, signedIn, policy), lastSeenAt: signedIn };

  test('ends eight hours after sign-in when unused', () => {
    assert.equal(session.expiresAt.toISOString(), at('17:00:00').toISOString());
    assert.deepEqual(checkSession(session, at('17:00:00'), policy), { valid: false });
  });
  test('slides on use, but writes at most once a minute', () => {
    assert.deepEqual(checkSession(session, at('09:00:59'), policy), { valid: true, renew: null });
    assert.deepEqual(checkSession(session, at('12:00:00'), policy), { valid: true, renew: { expiresAt: at('20:00:00'), lastSeenAt: at('12:00:00') } });
  });
  test('never beyond the absolute limit', () => {
    const late = new Date(signedIn.getTime() + minutes(7 * 24 * 60 - 60));
    const check = checkSession({ ...session, expiresAt: new Date(late.getTime() + 1) }, late, policy);
    assert.deepEqual(check, { valid: true, renew: { expiresAt: new Date(signedIn.getTime() + minutes(7 * 24 * 60)), lastSeenAt: late } });
  });
  test('without an absolute limit only idleness ends it', () => {
    assert.equal(sessionEnd(signedIn, at('10:00:00'), { ...policy, maxMs: null }).toISOString(), at('18:00:00').toISOString());
  });
});

describe('one-time codes', () => {
  test('six digits, leading zeros kept', () => {
    assert.equal(generateCode(() => 42), '000042');
    assert.equal(generateCode(() => 999_999), '999999');
    let asked = 0;
    generateCode((max) => ((asked = max), 0));
    assert.equal(asked, 1_000_000);
  });

  test('a new code a minute after the last, five an hour', () => {
    const now = at('10:00:00');
    checkSend([], now);
    const soon = domainError(() => checkSend([at('09:59:30')], now), 'RESEND_TOO_SOON');
    assert.equal(soon.extra!.retryAfterSeconds, 30);
    checkSend([at('09:59:00')], now);
    const five = ['09:10:00', '09:20:00', '09:30:00', '09:40:00', '09:50:00'].map(at);
    assert.equal(domainError(() => checkSend(five, now), 'RATE_LIMITED').extra!.retryAfterSeconds, 600);
    checkSend([at('08:59:59'), ...five.slice(1)], now);
  });

  test('verdicts: right, wrong, expired, used, too many attempts', () => {
    const now = at('10:00:00');
    const fresh = { expiresAt: at('10:05:00'), attempts: 0, consumedAt: null };
    assert.equal(judgeCode(fresh, true, now), 'ok');
    assert.equal(judgeCode(fresh, false, now), 'wrong');
    assert.equal(judgeCode({ ...fresh, expiresAt: now }, true, now), 'expired');
    assert.equal(judgeCode({ ...fresh, consumedAt: at('09:59:00') }, true, now), 'expired');
    assert.equal(judgeCode(undefined, false, now), 'expired');
    assert.equal(judgeCode({ ...fresh, attempts: CODE_RULES.maxAttempts }, true, now), 'too_many_attempts');
    assert.equal(codeError('wrong', 2).extra!.attemptsLeft, 2);
    assert.equal(codeError('wrong', 0).code, 'TOO_MANY_ATTEMPTS');
  });
});

describe('the sign-in limiter', () => {
  test('refuses past the limit until the window has passed, and takes back successes', () => {
    const limiter = new RateLimiter();
    const limit = { max: 2, windowMs: minutes(15) };
    limiter.take('k', at('10:00:00'), limit);
    limiter.take('k', at('10:05:00'), limit);
    const refused = domainError(() => limiter.take('k', at('10:06:00'), limit), 'RATE_LIMITED');
    assert.equal(refused.extra!.retryAfterSeconds, 9 * 60);
    limiter.take('k', at('10:15:01'), limit);
    limiter.giveBack('k');
    limiter.take('k', at('10:15:02'), limit);
    limiter.take('other', at('10:15:02'), limit);
  });
});
