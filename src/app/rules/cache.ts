import { findRuleVersion, listRuleVersionHeads } from '../../store/rules.js';
import type { Db } from '../../store/executor.js';
import { emptyRules, type RuleSet } from './engine.js';

export interface RulesInForce {
  /** null before the program's first publish: the main scheme alone. */
  version: number | null;
  ruleSet: RuleSet;
}

const EMPTY: RulesInForce = { version: null, ruleSet: emptyRules() };

/**
 * Rule versions as the purchase flow needs them: the version in force at an instant, compiled
 * once. The list of versions is re-read after a short TTL (a publish through this process is seen
 * at once, other processes see it within the TTL, as with program settings); a version, once
 * written, never changes, so it is kept (and compiled once per settings: engine.ts).
 */
export class RulesCache {
  readonly #heads = new Map<string, { heads: { version: number; effectiveFrom: Date }[]; until: number }>();
  readonly #compiled = new Map<string, RulesInForce>();

  constructor(
    private readonly db: Db,
    private readonly ttlMs: number,
  ) {}

  async inForce(programId: string, at: Date): Promise<RulesInForce> {
    const heads = await this.#headsOf(programId);
    const head = heads.find((h) => h.effectiveFrom.getTime() <= at.getTime());
    return head ? this.version(programId, head.version) : EMPTY;
  }

  async version(programId: string, version: number): Promise<RulesInForce> {
    const key = `${programId}:${version}`;
    let hit = this.#compiled.get(key);
    if (!hit) {
      const row = await findRuleVersion(this.db, programId, version);
      if (!row) throw new Error(`rule version ${version} of program ${programId} is missing`);
      hit = { version, ruleSet: row.rules as RuleSet };
      if (this.#compiled.size > 500) this.#compiled.delete(this.#compiled.keys().next().value!);
      this.#compiled.set(key, hit);
    }
    return hit;
  }

  invalidate(programId: string): void {
    this.#heads.delete(programId);
  }

  async #headsOf(programId: string) {
    const now = Date.now();
    const hit = this.#heads.get(programId);
    if (hit && hit.until > now) return hit.heads;
    const heads = await listRuleVersionHeads(this.db, programId);
    this.#heads.set(programId, { heads, until: now + this.ttlMs });
    return heads;
  }
}
