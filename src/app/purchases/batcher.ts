import { DomainError, isDomainError } from '../../domain/errors.js';
import { databaseFailure } from '../../store/db-errors.js';
import { toMember } from '../../store/members.js';
import { planAnonymousPurchase, planPurchase, type AnonymousPurchasePlan, type PurchasePlan } from '../../domain/purchase-plan.js';
import { ruleStateOf, takesShared, type RulesContext } from '../../domain/purchase-rules.js';
import { claimLockAndLoad } from '../../store/purchase-loader.js';
import { writePurchasesWithCommit } from '../../store/purchase-writer.js';
import { findReceiptClaim } from '../../store/purchases.js';
import { normaliseIdentifier } from '../../domain/identifiers.js';
import { memberIdsByIdentifiers } from '../../store/members.js';
import { requestHash, type AppContext } from '../context.js';
import { ReadBatcher } from '../read-batcher.js';
import { isUuid } from '../members.js';
import { answerRetry, createPurchase, placeOf, walletFactsOf } from './create.js';
import { evaluateWith, occurredAtOf } from './evaluate.js';
import { loadRulesBase, loadRulesContext } from './rules.js';
import { readsBeforeLock, statesFrom } from './state.js';
import type { PurchaseInput, PurchaseResult } from '../../domain/purchase-types.js';

interface Pending {
  programId: string;
  /** null: a receipt without a member (no wallet to lock). */
  memberId: string | null;
  input: PurchaseInput;
  resolve: (r: PurchaseResult) => void;
  reject: (e: unknown) => void;
}

/**
 * Group commit for purchases (DESIGN.md, "Round trips decide the speed"): purchases of different
 * members that arrive while earlier batches are being written are written together — one claim-
 * and-lock statement, one read of every member's state (store/purchase-loader.ts; one more for
 * tier totals), one statement with all the writes, one commit —
 * instead of five round trips each. Each purchase is planned exactly as on its own
 * (domain/purchase-plan.ts), so the answers are the same; a refused purchase is refused alone (its
 * receipt claim is released in the same statement); anything unexpected sends the batch's
 * purchases down the single path one by one. A member has at most one purchase in a batch; the
 * next one waits for the following batch. Only what is committed is answered.
 */
export class PurchaseBatcher {
  readonly #queue: Pending[] = [];
  #inFlight = 0;
  #scheduled = false;

  readonly #identifiers: ReadBatcher<string, string>;

  constructor(
    private readonly ctx: AppContext,
    private readonly options: { maxBatch: number; maxInFlight: number } = { maxBatch: 64, maxInFlight: 4 },
  ) {
    this.#identifiers = new ReadBatcher((keys) => memberIdsByIdentifiers(ctx.db, keys));
  }

  async submit(programId: string, input: PurchaseInput): Promise<PurchaseResult> {
    let memberId: string | null = null;
    if (input.identifier) {
      // Receipts arriving together look their members up in one statement.
      const { kind, value } = input.identifier;
      const found = await this.#identifiers.load(JSON.stringify([programId, kind, normaliseIdentifier(kind, value)]));
      if (found === undefined) throw new DomainError('MEMBER_NOT_FOUND', `no member with ${kind} ${value}`);
      memberId = found;
    } else if (input.memberId) {
      if (!isUuid(input.memberId)) throw new DomainError('MEMBER_NOT_FOUND', `no member ${input.memberId} in this program`);
      memberId = input.memberId;
    }
    occurredAtOf(input, this.ctx.clock()); // refuse a bad date before it joins a batch
    return new Promise((resolve, reject) => {
      this.#queue.push({ programId, memberId, input, resolve, reject });
      this.#schedule();
    });
  }

  #schedule(): void {
    if (this.#scheduled || this.#queue.length === 0 || this.#inFlight >= this.options.maxInFlight) return;
    this.#scheduled = true;
    // Gather what arrives in the same turn of the event loop.
    setImmediate(() => {
      this.#scheduled = false;
      this.#flush();
    });
  }

  #flush(): void {
    while (this.#queue.length > 0 && this.#inFlight < this.options.maxInFlight) {
      const programId = this.#queue[0]!.programId;
      const batch: Pending[] = [];
      const members = new Set<string>();
      for (let i = 0; i < this.#queue.length && batch.length < this.options.maxBatch; ) {
        const p = this.#queue[i]!;
        if (p.programId === programId && (p.memberId === null || !members.has(p.memberId))) {
          if (p.memberId !== null) members.add(p.memberId);
          batch.push(p);
          this.#queue.splice(i, 1);
        } else i++;
      }
      this.#inFlight++;
      void this.#run(programId, batch).finally(() => {
        this.#inFlight--;
        this.#schedule();
      });
    }
  }

  async #run(programId: string, batch: Pending[]): Promise<void> {
    let outcomes: Outcome[];
    try {
      outcomes = await this.#write(programId, batch);
    } catch (err) {
      // The database away or too slow: one by one would only wait as long again for each.
      if (databaseFailure(err)) {
        for (const p of batch) p.reject(err);
        return;
      }
      // A member that does not exist, a deadlock: one by one, each on its own.
      await Promise.all(batch.map((p) => createWithRetry(this.ctx, programId, p.input).then(p.resolve, p.reject)));
      return;
    }
    await Promise.all(
      outcomes.map(async (o, i) => {
        const p = batch[i]!;
        if (o.kind === 'written') p.resolve(o.result);
        else if (o.kind === 'refused') p.reject(o.error);
        else await this.#answerPrior(programId, p).then(p.resolve, p.reject);
      }),
    );
  }

  /** The batch in one transaction; throws (rolling everything back) only for the unexpected. */
  async #write(programId: string, batch: Pending[]): Promise<Outcome[]> {
    const program = await this.ctx.programs.get(programId);
    const start = this.ctx.clock();
    const items = batch.map((p) => ({ ...p, purchaseId: this.ctx.newId(), hash: requestHash(p.input), occurredAt: occurredAtOf(p.input, start) }));
    // Rules and codes are read before the transaction, once per rules version.
    const bases = new Map<number | null, Awaited<ReturnType<typeof loadRulesBase>>>();
    const contexts: RulesContext[] = [];
    for (const i of items) {
      const version = (await this.ctx.rules.inForce(programId, i.occurredAt)).version;
      let base = bases.get(version);
      if (!base) bases.set(version, (base = await loadRulesBase(this.ctx, program, i.occurredAt)));
      contexts.push(i.input.coupons?.length ? await loadRulesContext(this.ctx, program, i.occurredAt, i.input.coupons) : { ...base, codes: [] });
    }
    return this.ctx.db.transaction().execute(async (trx) => {
      const now = this.ctx.clock();
      // Claim and lock, and read every member's state, in one round trip (the read runs after the
      // lock is granted: store/purchase-loader.ts claimLockAndLoad).
      const withMember = items.flatMap((i, k) => (i.memberId === null ? [] : [{ i, k, memberId: i.memberId }]));
      const { claimed, members, reads } = await claimLockAndLoad(
        trx,
        programId,
        items.map((i) => ({ receiptId: i.input.receiptId, purchaseId: i.purchaseId, memberId: i.memberId, requestHash: i.hash })),
        readsBeforeLock(withMember.map(({ i, k, memberId }) => ({ rc: contexts[k]!, memberId, place: placeOf(i.input), occurredAt: i.occurredAt }))),
        now,
      );
      if (members.size < new Set(withMember.map((w) => w.memberId)).size) throw new Error('a member of the batch does not exist');
      const fresh = withMember.filter(({ i }) => claimed.has(i.purchaseId));
      const states = await statesFrom(
        trx,
        fresh.map(({ i, k, memberId }) => {
          const locked = members.get(memberId)!;
          return { rc: contexts[k]!, member: toMember(locked), wallet: walletFactsOf(locked), place: placeOf(i.input), occurredAt: i.occurredAt };
        }),
        reads,
      );
      const stateOf = new Map(fresh.map(({ k }, n) => [k, states[n]!]));
      // Decide: each purchase planned exactly as on its own.
      const outcomes: Outcome[] = [];
      const plans: PurchasePlan[] = [];
      const anonymous: AnonymousPurchasePlan[] = [];
      const released: { receiptId: string; purchaseId: string }[] = [];
      for (const [k, i] of items.entries()) {
        if (!claimed.has(i.purchaseId)) {
          outcomes.push({ kind: 'prior' });
          continue;
        }
        const rc = contexts[k]!;
        const pc = { programId, settings: program.settings, rc, purchaseId: i.purchaseId, occurredAt: i.occurredAt, now, newId: this.ctx.newId };
        const state = stateOf.get(k);
        try {
          if (!state) {
            // A receipt without a member: campaigns' discounts, nothing on any ledger.
            const rules = ruleStateOf(rc, null, null, null, placeOf(i.input), i.occurredAt);
            const { evaluation } = evaluateWith(rc, rules, null, { lots: [], holds: [] }, i.input, i.occurredAt, now);
            if (takesShared(rc, evaluation)) throw new Error('the purchase takes a shared row');
            const plan = planAnonymousPurchase(pc, i.input, { evaluation, rules });
            anonymous.push(plan);
            outcomes.push({ kind: 'written', result: plan.result });
            continue;
          }
          const member = toMember(members.get(i.memberId!)!);
          const { evaluation } = evaluateWith(rc, state.rules, member, state.ledger, i.input, i.occurredAt, now);
          // A single-use code or a campaign budget is a shared row: such purchases are settled one by one.
          if (takesShared(rc, evaluation)) throw new Error('the purchase takes a shared row');
          const plan = planPurchase(pc, i.input, member, state.ledger, { evaluation, rules: state.rules });
          plans.push(plan);
          outcomes.push({ kind: 'written', result: plan.result });
        } catch (err) {
          if (!isDomainError(err)) throw err;
          released.push({ receiptId: i.input.receiptId, purchaseId: i.purchaseId });
          outcomes.push({ kind: 'refused', error: err });
        }
      }
      // Commit: the batch's plans and released claims in one statement, sent with the COMMIT.
      await writePurchasesWithCommit(trx, { programId, at: now, plans, anonymous, released });
      return outcomes;
    });
  }

  /** A receipt id claimed before: the purchase as it stands (as createPurchase answers a retry), a conflict, or — if that claim was released meanwhile — a fresh try. */
  async #answerPrior(programId: string, p: Pending): Promise<PurchaseResult> {
    const prior = await findReceiptClaim(this.ctx.db, programId, p.input.receiptId).catch(() => undefined);
    if (!prior) return createWithRetry(this.ctx, programId, p.input);
    return this.ctx.db.transaction().execute((trx) => answerRetry(this.ctx, trx, programId, p.input, prior));
  }
}

/** createPurchase, tried again when PostgreSQL broke a deadlock by aborting it (nothing was written). */
async function createWithRetry(ctx: AppContext, programId: string, input: PurchaseInput): Promise<PurchaseResult> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await createPurchase(ctx, programId, input);
    } catch (err) {
      if ((err as { code?: string }).code !== '40P01' || attempt >= 3) throw err;
    }
  }
}

type Outcome = { kind: 'written'; result: PurchaseResult } | { kind: 'refused'; error: DomainError } | { kind: 'prior' };
