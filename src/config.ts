import { DomainError } from './domain/errors.js';

/** Configuration from the environment (12-factor), checked at start with a clear message. */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Seconds between runs of the background jobs (expiry write-down, hold timeouts); 0 turns them off. */
  jobIntervalSeconds: number;
  /** Connections in the PostgreSQL pool. */
  poolSize: number;
  /** Bounded waits toward PostgreSQL (ms): a pool connection, one statement (docs/operations.md). */
  dbConnectTimeoutMs: number;
  dbStatementTimeoutMs: number;
  /** The longest an API request may take before it is answered 503 REQUEST_TIMEOUT (ms; imports, backtests and model fits are exempt). */
  requestTimeoutMs: number;
  /** Purchases of different members written together in one transaction at most (0: one by one). */
  purchaseBatchSize: number;
  /** NODE_ENV=production: no development conveniences (codes are never written to the log). */
  production: boolean;
  /** Trust X-Forwarded-For/-Proto from a reverse proxy: true, or the proxies' addresses. */
  trustProxy: boolean | string;
  adminSessionIdleMinutes: number;
  adminSessionMaxHours: number;
  memberSessionDays: number;
  /** E-mail delivery (member codes); undefined when SMTP_HOST is unset. */
  smtp: { host: string; port: number; secure: boolean; from: string; user: string | undefined; password: string | undefined } | undefined;
  /** SMS delivery through a webhook signed per Standard Webhooks; undefined when SMS_WEBHOOK_URL is unset. */
  smsWebhook: { url: string; secret: string } | undefined;
  /** Seconds between passes of the outbox delivery worker; 0 turns it off. */
  outboxIntervalSeconds: number;
  /** Attempts to deliver a message before it is marked failed. */
  outboxMaxAttempts: number;
  /** The most heap (MB) an analytics task's worker thread may use (model fit, RFM, the analytics job; PostgreSQL only). */
  analyticsHeapMb: number;
  /** How long an Idempotency-Key and its answer are kept (docs/adr/0024-idempotency-keys.md). */
  idempotencyRetentionHours: number;
  /** SHA-256 (hex) of the accepted operator keys (OPERATOR_KEY_HASH, comma-separated while a key is rotated). */
  operatorKeyHashes: string[];
}

/**
 * The V8 flags the server is started with (`npm start`, package.json; the benchmark does the
 * same): the old generation capped, so that a loaded server stays under 300 MB instead of
 * letting the heap grow to what the allocation rate suggests, and a larger young generation, so
 * that the short-lived objects of a request die there instead of filling the capped old one.
 * SERVER_HEAP_MB changes the cap. The analytics tasks that need memory in proportion to the
 * program run in worker threads with heaps of their own (ANALYTICS_HEAP_MB; docs/adr/0018).
 * Measured in bench/RESULTS.md ("Server memory: analytics in workers, the heap capped").
 */
export const SERVER_HEAP_MB = 192;
export const serverNodeFlags = (heapMb: number | string = SERVER_HEAP_MB): string[] => [`--max-old-space-size=${heapMb}`, '--max-semi-space-size=32'];

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const problems: string[] = [];
  const int = (name: string, fallback: number, min: number, max: number) => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      problems.push(`${name}=${raw} must be an integer from ${min} to ${max}`);
      return fallback;
    }
    return n;
  };
  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) problems.push('DATABASE_URL must start with postgres:// or postgresql://');
  const logLevel = (env.LOG_LEVEL ?? 'info') as Config['logLevel'];
  if (!LEVELS.includes(logLevel)) problems.push(`LOG_LEVEL=${env.LOG_LEVEL} must be one of ${LEVELS.join(', ')}`);
  const bool = (name: string, fallback: boolean) => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    if (['true', '1', 'yes'].includes(raw.toLowerCase())) return true;
    if (['false', '0', 'no'].includes(raw.toLowerCase())) return false;
    problems.push(`${name}=${raw} must be true or false`);
    return fallback;
  };
  const trustProxyRaw = env.TRUST_PROXY ?? '';
  const trustProxy = trustProxyRaw === '' || /^(false|0|no)$/i.test(trustProxyRaw) ? false : /^(true|1|yes)$/i.test(trustProxyRaw) ? true : trustProxyRaw;
  const config: Config = {
    port: int('PORT', 8080, 0, 65535),
    host: env.HOST || '0.0.0.0',
    dataDir: env.DATA_DIR || './data',
    databaseUrl,
    logLevel,
    jobIntervalSeconds: int('JOB_INTERVAL_SECONDS', 60, 0, 86_400),
    poolSize: int('DB_POOL_SIZE', 20, 1, 1000),
    dbConnectTimeoutMs: int('DB_CONNECT_TIMEOUT_MS', 5_000, 100, 600_000),
    dbStatementTimeoutMs: int('DB_STATEMENT_TIMEOUT_MS', 10_000, 100, 3_600_000),
    requestTimeoutMs: int('REQUEST_TIMEOUT_MS', 20_000, 100, 3_600_000),
    purchaseBatchSize: int('PURCHASE_BATCH_SIZE', 64, 0, 1000),
    production: env.NODE_ENV === 'production',
    trustProxy,
    adminSessionIdleMinutes: int('ADMIN_SESSION_IDLE_MINUTES', 480, 5, 43_200),
    adminSessionMaxHours: int('ADMIN_SESSION_MAX_HOURS', 168, 1, 8_760),
    memberSessionDays: int('MEMBER_SESSION_DAYS', 90, 1, 400),
    smtp: undefined,
    smsWebhook: undefined,
    outboxIntervalSeconds: int('OUTBOX_INTERVAL_SECONDS', 2, 0, 3_600),
    outboxMaxAttempts: int('OUTBOX_MAX_ATTEMPTS', 8, 1, 100),
    analyticsHeapMb: int('ANALYTICS_HEAP_MB', 2048, 64, 65_536),
    idempotencyRetentionHours: int('IDEMPOTENCY_RETENTION_HOURS', 24, 1, 8_760),
    operatorKeyHashes: [],
  };
  for (const item of (env.OPERATOR_KEY_HASH ?? '').split(',').map((h) => h.trim()).filter((h) => h !== '')) {
    if (/^[0-9a-f]{64}$/i.test(item)) config.operatorKeyHashes.push(item.toLowerCase());
    // Never echo the value: it may be the key itself, put there by mistake.
    else problems.push('OPERATOR_KEY_HASH must hold SHA-256 hashes (64 hex digits, comma-separated), not keys: `kopilka operator-key create` prints the line to set');
  }
  if (config.adminSessionIdleMinutes > config.adminSessionMaxHours * 60) problems.push('ADMIN_SESSION_IDLE_MINUTES must not exceed ADMIN_SESSION_MAX_HOURS');
  if (env.SMTP_HOST) {
    const secure = bool('SMTP_SECURE', env.SMTP_PORT === '465');
    const from = env.SMTP_FROM ?? '';
    if (!/^(.*<)?[^\s@<>]+@[^\s@<>]+>?$/.test(from.trim())) problems.push('SMTP_FROM must be a sender address, e.g. "Kopilka <no-reply@example.com>" (needed with SMTP_HOST)');
    if (Boolean(env.SMTP_USER) !== Boolean(env.SMTP_PASSWORD)) problems.push('SMTP_USER and SMTP_PASSWORD go together');
    config.smtp = { host: env.SMTP_HOST, port: int('SMTP_PORT', secure ? 465 : 587, 1, 65535), secure, from: from.trim(), user: env.SMTP_USER || undefined, password: env.SMTP_PASSWORD || undefined };
  } else {
    for (const name of ['SMTP_PORT', 'SMTP_FROM', 'SMTP_USER', 'SMTP_PASSWORD', 'SMTP_SECURE']) if (env[name]) problems.push(`${name} is set but SMTP_HOST is not`);
  }
  if (env.SMS_WEBHOOK_URL) {
    let url: URL | undefined;
    try {
      url = new URL(env.SMS_WEBHOOK_URL);
    } catch {
      url = undefined;
    }
    if (!url || !['http:', 'https:'].includes(url.protocol)) problems.push('SMS_WEBHOOK_URL must be an http:// or https:// URL');
    const secret = env.SMS_WEBHOOK_SECRET ?? '';
    const key = /^whsec_[A-Za-z0-9+/]+={0,2}$/.test(secret) ? Buffer.from(secret.slice(6), 'base64') : undefined;
    if (!key || key.length < 24 || key.length > 64) problems.push('SMS_WEBHOOK_SECRET must be a Standard Webhooks secret: whsec_ and the base64 of 24 to 64 random bytes (needed with SMS_WEBHOOK_URL)');
    config.smsWebhook = { url: env.SMS_WEBHOOK_URL, secret };
  } else if (env.SMS_WEBHOOK_SECRET) {
    problems.push('SMS_WEBHOOK_SECRET is set but SMS_WEBHOOK_URL is not');
  }
  if (problems.length > 0) throw new DomainError('INVALID_CONFIG', `invalid configuration:\n  - ${problems.join('\n  - ')}`);
  return config;
}
