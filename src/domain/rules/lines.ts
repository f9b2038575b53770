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
   * Per line of `view`, whether it passes. Remembered for the last receipt asked about (one
   * evaluation asks a filter several times: condition, effect, best_of valuation), in an array
   * the next receipt overwrites: use it at once, never keep it.
   */
  mask(view: ReceiptView): readonly boolean[];
}

/** Compiles a line filter into a test over Sets; no filter passes every line. */
export function compileFilter(f: LineFilter | undefined): CompiledFilter {
  const test = filterTest(f);
  let lastView: ReceiptView | null = null;
  let lastMask: boolean[] = [];
  return {
    test,
    mask(view) {
      if (view !== lastView) {
        if (lastMask.length !== view.n) lastMask = new Array<boolean>(view.n);
        for (let i = 0; i < view.n; i++) lastMask[i] = test(view.sku[i]!, view.category[i]!);
        lastView = view;
      }
      return lastMask;
    },
  };
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
