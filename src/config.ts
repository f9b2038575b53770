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
  /** Purchases of different members written together in one transaction at most (0: one by one). */
  purchaseBatchSize: number;
}

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
  const config: Config = {
    port: int('PORT', 8080, 0, 65535),
    host: env.HOST || '0.0.0.0',
    dataDir: env.DATA_DIR || './data',
    databaseUrl,
    logLevel,
    jobIntervalSeconds: int('JOB_INTERVAL_SECONDS', 60, 0, 86_400),
    poolSize: int('DB_POOL_SIZE', 20, 1, 1000),
    purchaseBatchSize: int('PURCHASE_BATCH_SIZE', 64, 0, 1000),
  };
  if (problems.length > 0) throw new DomainError('INVALID_CONFIG', `invalid configuration:\n  - ${problems.join('\n  - ')}`);
  return config;
}
