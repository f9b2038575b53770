import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fs from 'node:fs';
import { loadConfig, SERVER_HEAP_MB, serverNodeFlags } from '../../src/config.js';
import { domainError } from '../support/domain.js';

describe('configuration from the environment', () => {
  test('with nothing set, the server listens on 8080 and uses the embedded database in ./data', () => {
    const c = loadConfig({});
    assert.deepEqual([c.port, c.host, c.dataDir, c.databaseUrl, c.logLevel, c.jobIntervalSeconds], [8080, '0.0.0.0', './data', undefined, 'info', 60]);
  });

  test('DATABASE_URL switches to PostgreSQL', () => {
    assert.equal(loadConfig({ DATABASE_URL: 'postgres://u@db:5432/k' }).databaseUrl, 'postgres://u@db:5432/k');
  });

  test('every bad variable is named in one clear error', () => {
    const err = domainError(() => loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud', JOB_INTERVAL_SECONDS: '-1' }), 'INVALID_CONFIG');
    for (const name of ['PORT=eighty', 'DATABASE_URL', 'LOG_LEVEL=loud', 'JOB_INTERVAL_SECONDS=-1']) assert.match(err.message, new RegExp(name));
  });
});

describe('sign-in and delivery configuration', () => {
  const secret = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;

  test('without SMTP or SMS webhook nothing is configured; NODE_ENV=production says production', () => {
    const c = loadConfig({});
    assert.deepEqual([c.smtp, c.smsWebhook, c.production, c.trustProxy, c.outboxIntervalSeconds, c.outboxMaxAttempts], [undefined, undefined, false, false, 2, 8]);
    assert.deepEqual([c.adminSessionIdleMinutes, c.adminSessionMaxHours, c.memberSessionDays], [480, 168, 90]);
    assert.equal(loadConfig({ NODE_ENV: 'production' }).production, true);
  });

  test('SMTP: port 465 means TLS, 587 by default; the sender is required', () => {
    assert.deepEqual(loadConfig({ SMTP_HOST: 'mail.example.com', SMTP_FROM: 'Kopilka <no-reply@example.com>' }).smtp, {
      host: 'mail.example.com',
      port: 587,
      secure: false,
      from: 'Kopilka <no-reply@example.com>',
      user: undefined,
      password: undefined,
    });
    const tls = loadConfig({ SMTP_HOST: 'mail.example.com', SMTP_PORT: '465', SMTP_FROM: 'no-reply@example.com', SMTP_USER: 'u', SMTP_PASSWORD: 'p' }).smtp!;
    assert.deepEqual([tls.port, tls.secure, tls.user, tls.password], [465, true, 'u', 'p']);
    const err = domainError(() => loadConfig({ SMTP_HOST: 'mail.example.com', SMTP_USER: 'u', SMTP_SECURE: 'maybe' }), 'INVALID_CONFIG');
    for (const name of ['SMTP_FROM', 'SMTP_USER and SMTP_PASSWORD', 'SMTP_SECURE=maybe']) assert.match(err.message, new RegExp(name));
    assert.match(domainError(() => loadConfig({ SMTP_FROM: 'a@b.ru' }), 'INVALID_CONFIG').message, /SMTP_FROM is set but SMTP_HOST is not/);
  });

  test('the SMS webhook needs an http(s) URL and a Standard Webhooks secret', () => {
    assert.deepEqual(loadConfig({ SMS_WEBHOOK_URL: 'https://sms.example.com/send', SMS_WEBHOOK_SECRET: secret }).smsWebhook, { url: 'https://sms.example.com/send', secret });
    const err = domainError(() => loadConfig({ SMS_WEBHOOK_URL: 'ftp://x', SMS_WEBHOOK_SECRET: 'plain' }), 'INVALID_CONFIG');
    for (const name of ['SMS_WEBHOOK_URL must', 'SMS_WEBHOOK_SECRET must']) assert.match(err.message, new RegExp(name));
    domainError(() => loadConfig({ SMS_WEBHOOK_SECRET: secret }), 'INVALID_CONFIG');
  });

  test('TRUST_PROXY is true, false or the proxies\' addresses; session lengths are bounded', () => {
    assert.deepEqual(['true', 'false', '10.0.0.1,10.0.0.2'].map((v) => loadConfig({ TRUST_PROXY: v }).trustProxy), [true, false, '10.0.0.1,10.0.0.2']);
    domainError(() => loadConfig({ ADMIN_SESSION_IDLE_MINUTES: '600', ADMIN_SESSION_MAX_HOURS: '5' }), 'INVALID_CONFIG');
    domainError(() => loadConfig({ MEMBER_SESSION_DAYS: '0' }), 'INVALID_CONFIG');
  });

  test('npm start runs the server with the V8 flags of src/config.ts (the benchmark uses the same); ANALYTICS_HEAP_MB is bounded', () => {
    const pkg = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> };
    const flags = serverNodeFlags(`\${SERVER_HEAP_MB:-${SERVER_HEAP_MB}}`);
    assert.ok(pkg.scripts.start!.endsWith(`node ${flags.join(' ')} dist/cli/main.js serve`), pkg.scripts.start);
    assert.deepEqual(serverNodeFlags(256), ['--max-old-space-size=256', '--max-semi-space-size=32']);
    assert.equal(loadConfig({}).analyticsHeapMb, 2048);
    assert.equal(loadConfig({ ANALYTICS_HEAP_MB: '512' }).analyticsHeapMb, 512);
    domainError(() => loadConfig({ ANALYTICS_HEAP_MB: '10' }), 'INVALID_CONFIG');
  });

  test('IDEMPOTENCY_RETENTION_HOURS: 24 by default, 1 hour to a year', () => {
    assert.equal(loadConfig({}).idempotencyRetentionHours, 24);
    assert.equal(loadConfig({ IDEMPOTENCY_RETENTION_HOURS: '72' }).idempotencyRetentionHours, 72);
    domainError(() => loadConfig({ IDEMPOTENCY_RETENTION_HOURS: '0' }), 'INVALID_CONFIG');
    domainError(() => loadConfig({ IDEMPOTENCY_RETENTION_HOURS: '1.5' }), 'INVALID_CONFIG');
  });

  test('OPERATOR_KEY_HASH holds SHA-256 hashes, several while a key is rotated, and never a key', () => {
    const a = 'a'.repeat(64);
    const b = 'B'.repeat(64);
    assert.deepEqual(loadConfig({}).operatorKeyHashes, []);
    assert.deepEqual(loadConfig({ OPERATOR_KEY_HASH: `${a}, ${b}` }).operatorKeyHashes, [a, 'b'.repeat(64)]);
    const err = domainError(() => loadConfig({ OPERATOR_KEY_HASH: 'kop_secretsecret' }), 'INVALID_CONFIG');
    assert.match(err.message, /OPERATOR_KEY_HASH must hold SHA-256 hashes/);
    assert.doesNotMatch(err.message, /kop_secretsecret/);
  });
});
