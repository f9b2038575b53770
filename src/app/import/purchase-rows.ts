import { createHash } from 'node:crypto';
import { DomainError } from '../../domain/errors.js';
import { normaliseIdentifier, type IdentifierKind } from '../../domain/identifiers.js';
import { cell, MEMBER_REFERENCES, type Mapping } from '../../domain/import/mapping.js';
import { OccurrenceCounter } from '../../domain/import/occurrences.js';
import { parseAmount, parseInstant, parseQuantity, parseText, type AmountUnit } from '../../domain/import/values.js';
import { evaluatePurchase } from '../../domain/purchase.js';
import type { ReceiptLineInput } from '../../domain/receipt.js';
import { currencyMinorUnits } from '../../domain/settings.js';
import type { MemberReference } from '../../store/import-purchases.js';
import type { AppContext, CachedProgram } from '../context.js';
import { isUuid } from '../members.js';
import { purchaseResult } from '../../domain/purchase-plan.js';
import { noRuleState } from '../../domain/purchase-rules.js';
import { lineTermsOf, type LineTerms } from '../../domain/returns.js';
import { mainSchemeOnly } from '../purchases/rules.js';
import type { PurchaseInput } from '../../domain/purchase-types.js';
import { field, rejectAll, rejectionOf, type Item } from './batch.js';
import type { SourceRecord } from './source.js';
import type { RejectedRow } from './types.js';

/** A receipt as the file gives it, checked and evaluated, ready to be written. */
export interface PurchaseItem extends Item {
  ref: MemberReference;
  receiptId: string;
  /** Fingerprint of the receipt's contents: a second import of the same receipt is recognised by it. */
  requestHash: string;
  occurredAt: Date;
  input: PurchaseInput;
  purchaseId: string;
  /**
   * What is recorded when points are not earned: the receipt evaluated without earning, as JSON
   * (made once, while the previous batch is written; the member is added by the insert).
   */
  /** The lines' terms of the evaluation (nothing earned: the member is not known when the row is read). */
  lineTerms: LineTerms[];
  resultJson: string;
}

interface ParsedRow {
  line: number;
  values: string[];
  receiptId: string | undefined;
  ref: MemberReference;
  occurredAt: Date;
  total: number | undefined;
  storeId: string | undefined;
  channel: string | undefined;
  line_: { sku: string; category: string | undefined; quantity: number; price: number | undefined; lineTotal: number | undefined };
}

const REF_KINDS: Record<(typeof MEMBER_REFERENCES)[number], IdentifierKind | 'member_id'> = {
  memberId: 'member_id',
  externalId: 'external_id',
  card: 'card',
  phone: 'phone',
  email: 'email',
};

/** How a row names its member: the first of the mapped reference columns with a value (memberId, externalId, card, phone, email). */
export function memberReferenceOf(m: Mapping, v: readonly string[], columns: readonly string[]): MemberReference {
  const refField = MEMBER_REFERENCES.find((f) => cell(m, v, f) !== undefined);
  if (!refField) throw new DomainError('INVALID_ROW', `the row names no member (${MEMBER_REFERENCES.filter((f) => m.fields.has(f)).join(', ')} empty)`);
  const kind = REF_KINDS[refField];
  const value = field(columns[m.fields.get(refField)!] ?? refField, cell(m, v, refField), (t) => {
    if (kind !== 'member_id') return normaliseIdentifier(kind, t);
    if (!isUuid(t)) throw new DomainError('MEMBER_NOT_FOUND', `no member ${t} in this program`);
    return t.toLowerCase();
  })!;
  return { kind, value };
}

/** The sku of a line when the file has none (a purchase without line detail). */
export const IMPORTED_SKU = 'import';

/** An old till may be a day ahead; a sale further in the future is a mistake in the file. */
const MAX_AHEAD_MS = 86_400_000;

/**
 * Turns rows of a purchases file into receipts. Each row is a purchase of one line, unless a
 * receiptId column is mapped: then consecutive rows with the same receiptId are the lines of one
 * receipt (and must agree on the member, date, store and total). A receipt without a receiptId
 * gets one derived from its contents and its ordinal among identical rows, so that importing the
 * same file again finds the same ids (docs/import.md).
 */
export class PurchaseRows {
  readonly #occurrences = new OccurrenceCounter();
  readonly #digits: number;
  /** The receipt being gathered: its receiptId, its rows, or why it is refused. */
  #key: string | undefined;
  #group: ParsedRow[] = [];
  #refused: { code: RejectedRow['code']; reason: string; line: number } | null = null;
  #rejects: RejectedRow[] = [];

  constructor(
    private readonly ctx: AppContext,
    private readonly program: CachedProgram,
    private readonly mapping: Mapping,
    private readonly columns: readonly string[],
    private readonly amounts: AmountUnit,
  ) {
    this.#digits = currencyMinorUnits(program.settings.currency);
  }

  add(record: SourceRecord): { items: PurchaseItem[]; rejects: RejectedRow[] } {
    const key = cell(this.mapping, record.values, 'receiptId');
    const sameReceipt = key !== undefined && key === this.#key;
    const out = sameReceipt ? { items: [], rejects: [] } : this.end();
    this.#key = key;
    let row: ParsedRow;
    try {
      row = this.#parse(record);
    } catch (err) {
      const { code, reason } = rejectionOf(err);
      // One bad line refuses its whole receipt: the lines gathered before it, and those still to come.
      this.#rejects.push(...rejectAll({ rows: this.#group }, code, `line ${record.line} of the same receipt: ${reason}`));
      this.#rejects.push({ line: record.line, code, reason, values: record.values });
      this.#group = [];
      this.#refused ??= { code, reason, line: record.line };
      return out;
    }
    if (this.#refused) this.#rejects.push({ line: row.line, code: this.#refused.code, reason: `line ${this.#refused.line} of the same receipt: ${this.#refused.reason}`, values: row.values });
    else this.#group.push(row);
    return out;
  }

  /** The receipt gathered so far, as an item (or its rows refused). */
  end(): { items: PurchaseItem[]; rejects: RejectedRow[] } {
    const group = this.#group;
    const rejects = this.#rejects;
    this.#key = undefined;
    this.#group = [];
    this.#refused = null;
    this.#rejects = [];
    if (group.length === 0) return { items: [], rejects };
    try {
      return { items: [this.#receipt(group)], rejects };
    } catch (err) {
      const { code, reason } = rejectionOf(err);
      return { items: [], rejects: [...rejects, ...rejectAll({ rows: group }, code, reason)] };
    }
  }

  #parse(record: SourceRecord): ParsedRow {
    const m = this.mapping;
    const v = record.values;
    const col = (f: string) => this.columns[m.fields.get(f)!] ?? f;
    const get = <T>(f: string, parse: (t: string) => T) => field(col(f), cell(m, v, f), parse);
    const { kind, value } = memberReferenceOf(m, v, this.columns);
    const occurredAt = get('occurredAt', (t) => parseInstant(t, this.program.settings.timeZone));
    if (!occurredAt) throw new DomainError('INVALID_ROW', `${col('occurredAt')}: the date of the purchase is missing`);
    if (occurredAt.getTime() > this.ctx.clock().getTime() + MAX_AHEAD_MS) throw new DomainError('INVALID_ROW', `${col('occurredAt')}: ${occurredAt.toISOString()} is in the future`);
    const amount = (t: string) => parseAmount(t, this.amounts, this.#digits);
    return {
      line: record.line,
      values: v,
      receiptId: get('receiptId', (t) => parseText(t, 200)),
      ref: { kind, value },
      occurredAt,
      total: get('total', amount),
      storeId: get('storeId', (t) => parseText(t, 100)),
      channel: get('channel', (t) => parseText(t, 50)),
      line_: {
        sku: get('sku', (t) => parseText(t, 100)) ?? IMPORTED_SKU,
        category: get('category', (t) => parseText(t, 100)),
        quantity: get('quantity', parseQuantity) ?? 1,
        price: get('price', amount),
        lineTotal: get('lineTotal', amount),
      },
    };
  }

  #receipt(rows: ParsedRow[]): PurchaseItem {
    const first = rows[0]!;
    for (const r of rows.slice(1)) {
      const differs = r.ref.kind !== first.ref.kind || r.ref.value !== first.ref.value ? 'member' : r.occurredAt.getTime() !== first.occurredAt.getTime() ? 'date' : r.storeId !== first.storeId ? 'store' : r.channel !== first.channel ? 'channel' : r.total !== first.total ? 'total' : null;
      if (differs) throw new DomainError('INVALID_ROW', `the lines of receipt ${first.receiptId} (lines ${first.line}–${rows[rows.length - 1]!.line}) disagree on the ${differs}`);
    }
    const lines: ReceiptLineInput[] = rows.map((r) => {
      const l = r.line_;
      const amount = l.lineTotal ?? (l.price !== undefined ? l.price * l.quantity : rows.length === 1 ? first.total : undefined);
      if (amount === undefined) throw new DomainError('INVALID_ROW', `line ${r.line}: a receipt on several lines needs a price or lineTotal on each`);
      // A line total that is not a whole number of units at a whole price: the price is rounded up, the rest is the line's discount.
      const price = l.price ?? Math.ceil(amount / l.quantity);
      const discount = price * l.quantity - amount;
      if (discount < 0) throw new DomainError('INVALID_ROW', `line ${r.line}: the line total ${amount} is more than price × quantity (${price * l.quantity})`);
      return { sku: l.sku, ...(l.category !== undefined ? { category: l.category } : {}), quantity: l.quantity, price, ...(discount > 0 ? { discount } : {}) };
    });
    const total = first.total ?? lines.reduce((s, l) => s + l.price * l.quantity - (l.discount ?? 0), 0);
    const content = {
      member: `${first.ref.kind}:${first.ref.value}`,
      occurredAt: first.occurredAt.toISOString(),
      total,
      lines,
      storeId: first.storeId ?? null,
      channel: first.channel ?? null,
    };
    // The content object is built in a fixed key order, so its JSON is canonical as it is.
    const hash = createHash('sha256').update(JSON.stringify(content)).digest('base64url');
    const receiptId = first.receiptId ?? `imp-${hash.slice(0, 22)}-${this.#occurrences.next(hash)}`;
    const input: PurchaseInput = { receiptId, total, lines, occurredAt: content.occurredAt, storeId: first.storeId, channel: first.channel };
    const rc = mainSchemeOnly(this.program);
    const evaluation = evaluatePurchase(rc.compiled, { receipt: { total, lines }, member: null, facts: noRuleState({ storeId: null, channel: null }).facts, pointsToSpend: 0, occurredAt: first.occurredAt });
    const purchaseId = this.ctx.newId();
    const result = purchaseResult(this.program.settings, rc, input, { purchaseId, status: 'completed', member: null, occurredAt: first.occurredAt, evaluation, coupons: [], balanceBefore: null, balanceAfter: null, holdExpiresAt: null });
    return { rows: rows.map((r) => ({ line: r.line, values: r.values })), ref: first.ref, receiptId, requestHash: hash, occurredAt: first.occurredAt, input, purchaseId, lineTerms: lineTermsOf(evaluation.lines), resultJson: JSON.stringify(result) };
  }
}
