// What an audit entry changed, field by field: the log keeps whole values before and after (so a
// reader can always see everything); people read the differences.

export interface FieldChange {
  /** Dotted path of the field (`settings.pendingDays`, `campaign.effects.0.percent`); '' for a whole value. */
  path: string;
  before: unknown;
  after: unknown;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Deep equality of JSON values (key order does not matter). */
function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => same(x, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) if (!same(a[k], b[k])) return false;
    return true;
  }
  return false;
}

/**
 * The fields that differ between two JSON values, leaves first-to-last in key order of `after`
 * then `before`. Objects are compared key by key; arrays of the same length element by element,
 * arrays of different lengths (an effect added) as one changed value. A field only on one side has
 * `undefined` on the other.
 *
 * @example diffFields({ settings: { pendingDays: 14 } }, { settings: { pendingDays: 7 } })
 *   // [{ path: 'settings.pendingDays', before: 14, after: 7 }]
 */
export function diffFields(before: unknown, after: unknown, path = ''): FieldChange[] {
  if (same(before, after)) return [];
  const at = (k: string | number) => (path ? `${path}.${k}` : String(k));
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = [...new Set([...Object.keys(after), ...Object.keys(before)])];
    return keys.flatMap((k) => diffFields(before[k], after[k], at(k)));
  }
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
    return before.flatMap((b, i) => diffFields(b, after[i], at(i)));
  }
  // A value created (before null) or removed (after null) lists its fields one by one too.
  if ((before === null || before === undefined) && isPlainObject(after)) return Object.keys(after).flatMap((k) => diffFields(undefined, after[k], at(k)));
  if ((after === null || after === undefined) && isPlainObject(before)) return Object.keys(before).flatMap((k) => diffFields(before[k], undefined, at(k)));
  return [{ path, before, after }];
}
