/**
 * Load generation with autocannon's programmatic API: every request is built by `setupRequest`,
 * so each purchase has a unique receiptId and a random member, and each balance read a random
 * member id. Non-2xx answers are counted by status and one sample body is kept.
 */
import autocannon, { type AutocannonRequest } from 'autocannon';
import type { LoadedMember } from './load-members.js';

export interface LoadResult {
  label: string;
  connections: number;
  seconds: number;
  /** 2xx answers per second. */
  rps: number;
  ok: number;
  non2xx: number;
  /** Connection errors and timeouts. */
  errors: number;
  p50: number;
  p99: number;
  max: number;
  statusCodes: Record<string, number>;
  sampleError: string | null;
}

const CATEGORIES = ['dairy', 'bakery', 'produce', 'meat', 'drinks', 'household', 'snacks'];
const randInt = (lo: number, hi: number) => lo + Math.floor(Math.random() * (hi - lo + 1));

/**
 * A 5-line receipt in kopecks. Prices 250–600 ₽ so the total is always ≥ 1,200 ₽: at the default
 * 30 % redeem share at least 360 points may be spent, far above the 10 spent here.
 */
export function receipt(receiptId: string, memberId: string, pointsToSpend: number): string {
  const lines = Array.from({ length: 5 }, () => {
    const quantity = randInt(1, 3);
    const price = randInt(25_000, 60_000);
    const discount = Math.random() < 0.3 ? randInt(1, 1_000) : 0;
    return { sku: `SKU-${randInt(1, 5_000)}`, category: CATEGORIES[randInt(0, CATEGORIES.length - 1)]!, quantity, price, ...(discount ? { discount } : {}) };
  });
  const total = lines.reduce((s, l) => s + l.quantity * l.price - (l.discount ?? 0), 0);
  return JSON.stringify({ receiptId, memberId, storeId: 'bench-store', channel: 'pos', total, lines, ...(pointsToSpend > 0 ? { pointsToSpend } : {}) });
}

/**
 * Makes purchase bodies: every second one spends 10 points of a member who was loaded with
 * points (and so has ≥ 1,000 spendable); the others only earn, for any member.
 */
export function purchaseSource(members: readonly LoadedMember[], runId: string, mode: 'mixed' | 'spend' | 'earn' = 'mixed') {
  const rich = members.filter((m) => m.rich);
  let n = 0;
  return {
    get count() {
      return n;
    },
    next(): string {
      const i = n++;
      const spend = mode === 'spend' || (mode === 'mixed' && i % 2 === 0);
      const m = spend ? rich[randInt(0, rich.length - 1)]! : members[randInt(0, members.length - 1)]!;
      return receipt(`bench-${runId}-${i}`, m.memberId, spend ? 10 : 0);
    },
  };
}

export interface LoadOptions {
  label: string;
  url: string;
  apiKey: string;
  connections: number;
  /** Seconds; or give `amount`. */
  duration?: number;
  amount?: number;
  /** Builds one request: a POST with a body, or a GET of a path. */
  request: () => { method: 'POST' | 'GET'; path: string; body?: string };
}

export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  let sampleError: string | null = null;
  const req: AutocannonRequest = {
    setupRequest: (r) => {
      const next = o.request();
      return { ...r, method: next.method, path: next.path, ...(next.body !== undefined ? { body: next.body } : {}) };
    },
    onResponse: (status, body) => {
      if ((status < 200 || status > 299) && sampleError === null) sampleError = `${status} ${body.slice(0, 600)}`;
    },
  };
  const result = await autocannon({
    url: o.url,
    connections: o.connections,
    ...(o.amount !== undefined ? { amount: o.amount } : { duration: o.duration ?? 10 }),
    timeout: 30,
    headers: { authorization: `Bearer ${o.apiKey}`, 'content-type': 'application/json' },
    requests: [req],
  });
  const statusCodes: Record<string, number> = {};
  for (const [code, s] of Object.entries(result.statusCodeStats)) statusCodes[code] = s.count;
  return {
    label: o.label,
    connections: o.connections,
    seconds: result.duration,
    rps: result['2xx'] / result.duration,
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    statusCodes,
    sampleError,
  };
}
