import { createHash } from 'node:crypto';
import { uuidv7 } from 'uuidv7';
import { DomainError } from '../domain/errors.js';
import { settingsFromStorage, type ProgramSettings } from '../domain/settings.js';
import type { Role } from '../domain/roles.js';
import type { SessionPolicy } from '../domain/sessions.js';
import { findProgram } from '../store/programs.js';
import { RulesCache } from './rules/cache.js';
import type { Db } from '../store/executor.js';
import { RateLimiter, type Limit } from './rate-limiter.js';

/** Time as the use cases see it; tests and simulations pass their own. */
export type Clock = () => Date;

export interface AppContext {
  db: Db;
  clock: Clock;
  newId: () => string;
  programs: ProgramCache;
  /** Rule versions by program, for the purchase flow. */
  rules: RulesCache;
  auth: AuthSettings;
  /** In-process limits on sign-in attempts (per e-mail and per client address). */
  limiter: RateLimiter;
  /** Set: the analytics tasks run in worker threads of their own (src/app/isolated/run.ts). */
  isolation?: Isolation | undefined;
  /** How long an Idempotency-Key and its answer are kept (IDEMPOTENCY_RETENTION_HOURS; default 24 h). */
  idempotencyRetentionMs?: number | undefined;
}

/** Where a task's worker connects, and the most heap it may use. */
export interface Isolation {
  databaseUrl: string;
  maxHeapMb: number;
}

/** Sessions, code delivery and sign-in limits (docs/auth.md). */
export interface AuthSettings {
  adminSession: SessionPolicy;
  memberSession: SessionPolicy;
  /** Channels member codes can leave by; a code for another channel is refused (DELIVERY_NOT_CONFIGURED). */
  delivery: { email: boolean; sms: boolean };
  /** Failed sign-ins allowed per window: per program and e-mail, and per client address. */
  signInLimits: { perEmail: Limit; perIp: Limit };
  /** SHA-256 (hex) of the operator keys this server accepts (OPERATOR_KEY_HASH); none: no operator access. */
  operatorKeyHashes: readonly string[];
}

export const DEFAULT_AUTH: AuthSettings = {
  adminSession: { idleMs: 8 * 3_600_000, maxMs: 7 * 86_400_000, touchEveryMs: 60_000 },
  memberSession: { idleMs: 90 * 86_400_000, maxMs: null, touchEveryMs: 3_600_000 },
  delivery: { email: true, sms: true },
  signInLimits: { perEmail: { max: 5, windowMs: 15 * 60_000 }, perIp: { max: 30, windowMs: 15 * 60_000 } },
  operatorKeyHashes: [],
};

/**
 * Who is acting: an API key of one program, an admin user signed in to the admin panel, a member
 * signed in to the member app, or the CLI (with the admin role). The operator (role `operator`)
 * belongs to no program: its `programId` is empty, and only the routes that name the role admit it.
 */
export interface Actor {
  programId: string;
  role: Role;
  /** Recorded with manual changes, e.g. `key:0193…`, `admin-user:0193…` or `cli`. */
  name: string;
  /** Set for a member's own session. */
  memberId?: string;
  /** Set for an admin user's session. */
  adminUserId?: string;
}

export function createContext(db: Db, options: { clock?: Clock; settingsTtlMs?: number; auth?: Partial<AuthSettings>; isolation?: Isolation; idempotencyRetentionMs?: number } = {}): AppContext {
  const ttl = options.settingsTtlMs ?? 2_000;
  return {
    db,
    clock: options.clock ?? (() => new Date()),
    newId: uuidv7,
    programs: new ProgramCache(db, ttl),
    rules: new RulesCache(db, ttl),
    auth: { ...DEFAULT_AUTH, ...options.auth },
    limiter: new RateLimiter(),
    isolation: options.isolation,
    idempotencyRetentionMs: options.idempotencyRetentionMs,
  };
}

export interface CachedProgram {
  programId: string;
  name: string;
  settings: ProgramSettings;
}

/**
 * Program settings are read on every purchase and change rarely: they are cached for a couple
 * of seconds (a change made through this process is seen at once; other processes see it within
 * the TTL).
 */
export class ProgramCache {
  readonly #entries = new Map<string, { program: CachedProgram; until: number }>();
  constructor(
    private readonly db: Db,
    private readonly ttlMs: number,
  ) {}

  async get(programId: string): Promise<CachedProgram> {
    const hit = this.#entries.get(programId);
    const now = Date.now();
    if (hit && hit.until > now) return hit.program;
    const row = await findProgram(this.db, programId);
    if (!row) throw new DomainError('PROGRAM_NOT_FOUND');
    const program = { programId: row.programId, name: row.name, settings: settingsFromStorage(row.settings) };
    this.#entries.set(programId, { program, until: now + this.ttlMs });
    return program;
  }

  invalidate(programId: string): void {
    this.#entries.delete(programId);
  }
}

/** A stable fingerprint of a request body: the same JSON in any key order hashes the same. */
export function requestHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('base64url');
}

function canonicalJson(value: unknown): string {
  if (value === undefined) return 'null';
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}
