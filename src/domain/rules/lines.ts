/** Receipt lines as the engine reads them, and compiled line filters. */
import type { ReceiptInput } from '../receipt.js';
import type { LineFilter } from './types.js';

/** A receipt as parallel arrays (cheap to scan many times). `amount` is after the till's own discount. */
export interface ReceiptView {
  n: number;
  sku: string[];
  category: (string | null)[];
  quantity: number[];
  amount: number[];
  total: number;
}

export function receiptView(receipt: ReceiptInput): ReceiptView {
  const lines = receipt.lines;
  const view: ReceiptView = { n: lines.length, sku: [], category: [], quantity: [], amount: [], total: 0 };
  for (const l of lines) {
    const amount = l.price * l.quantity - (l.discount ?? 0);
    view.sku.push(l.sku);
    view.category.push(l.category ?? null);
    view.quantity.push(l.quantity);
    view.amount.push(amount);
    view.total += amount;
  }
  return view;
}

/** Whether a line (by its SKU and category) passes a filter. */
export type LineTest = (sku: string, category: string | null) => boolean;

export interface CompiledFilter {
  test: LineTest;
  /**
   * Per line of `view`, 1 when it passes, else 0. Computed for all the rule set's filters at once
   * when a receipt is first asked about, and overwritten by the next receipt: use it at once,
   * never keep it.
   */
  mask(view: ReceiptView): ArrayLike<number>;
}

/**
 * Every line filter of a rule set, indexed by SKU and category: for a receipt, each line looks
 * up its SKU and category once and marks the filters it passes, instead of every filter testing
 * every line. One index per compiled rule set.
 */
export class FilterIndex {
  private count = 0;
  private readonly all: number[] = [];
  private readonly bySku = new Map<string, number[]>();
  private readonly byCategory = new Map<string, number[]>();
  private readonly exBySku = new Map<string, number[]>();
  private readonly exByCategory = new Map<string, number[]>();
  private lastView: ReceiptView | null = null;
  private matrix = new Uint8Array(0);

  register(f: LineFilter | undefined): CompiledFilter {
    const id = this.count++;
    const add = (map: Map<string, number[]>, keys: readonly string[] | undefined) => {
      for (const k of new Set(keys ?? [])) map.set(k, [...(map.get(k) ?? []), id]);
    };
    if (!f || (!f.skus && !f.categories)) this.all.push(id);
    add(this.bySku, f?.skus);
    add(this.byCategory, f?.categories);
    add(this.exBySku, f?.excludeSkus);
    add(this.exByCategory, f?.excludeCategories);
    return { test: filterTest(f), mask: (view) => this.rows(view).subarray(id * view.n, (id + 1) * view.n) };
  }

  private rows(view: ReceiptView): Uint8Array {
    if (view === this.lastView) return this.matrix;
    const n = view.n;
    const m = (this.matrix = new Uint8Array(this.count * n));
    for (const f of this.all) m.fill(1, f * n, (f + 1) * n);
    for (let i = 0; i < n; i++) {
      const category = view.category[i];
      for (const f of this.bySku.get(view.sku[i]!) ?? []) m[f * n + i] = 1;
      if (category !== null) for (const f of this.byCategory.get(category!) ?? []) m[f * n + i] = 1;
      for (const f of this.exBySku.get(view.sku[i]!) ?? []) m[f * n + i] = 0;
      if (category !== null) for (const f of this.exByCategory.get(category!) ?? []) m[f * n + i] = 0;
    }
    this.lastView = view;
    return m;
  }
}

/** A filter outside any rule set (the program's exclusions). */
export function compileFilter(f: LineFilter | undefined): CompiledFilter {
  return new FilterIndex().register(f);
}

const ALL: LineTest = () => true;

function filterTest(f: LineFilter | undefined): LineTest {
  if (!f) return ALL;
  const skus = f.skus ? new Set(f.skus) : null;
  const categories = f.categories ? new Set(f.categories) : null;
  const exSkus = f.excludeSkus ? new Set(f.excludeSkus) : null;
  const exCategories = f.excludeCategories ? new Set(f.excludeCategories) : null;
  const anyIncluded = skus !== null || categories !== null;
  return (sku, category) => {
    if (exSkus?.has(sku) || (category !== null && exCategories?.has(category))) return false;
    if (!anyIncluded) return true;
    return (skus?.has(sku) ?? false) || (category !== null && (categories?.has(category) ?? false));
  };
}

const list = (xs: readonly string[]) => (xs.length > 5 ? `${xs.slice(0, 5).join(', ')} and ${xs.length - 5} more` : xs.join(', '));

/** A filter in words: "lines with SKU a, b or in category milk, except SKU c". */
export function describeFilter(f: LineFilter | undefined): string {
  if (!f) return 'all lines';
  const incl = [f.skus ? `SKU ${list(f.skus)}` : '', f.categories ? `category ${list(f.categories)}` : ''].filter(Boolean).join(' or ');
  const excl = [f.excludeSkus ? `SKU ${list(f.excludeSkus)}` : '', f.excludeCategories ? `category ${list(f.excludeCategories)}` : ''].filter(Boolean).join(' or ');
  return `${incl ? `lines with ${incl}` : 'all lines'}${excl ? `, except ${excl}` : ''}`;
}
