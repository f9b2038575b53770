/**
 * A valid value for a JSON schema of the OpenAPI document, made without randomness: the same
 * schema and variant give the same value on every run. Variant 1 is the value a test sends;
 * variant 2 differs from it wherever the schema leaves a choice (another string, number, enum
 * value or anyOf branch), which makes "another request" that the schema still accepts.
 *
 * Only what the schema requires is filled in: optional properties are left out, arrays get their
 * `minItems`. A string with a `pattern` takes the first of a few candidates that matches it; when
 * none does, `sample` throws a SampleError naming the place, so the caller can say which fixture
 * to add instead of sending something the server would refuse.
 */
export type Schema = {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema | Schema[];
  minItems?: number;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  pattern?: string;
  format?: string;
  default?: unknown;
};

export class SampleError extends Error {}

/** Strings tried, in order, against a `pattern` (`$v` is the variant, `$n` the property's name). */
const PATTERN_CANDIDATES = ['gen-$n-$v', 'GEN$v', 'gen$v', '2026-03-0$v', '2026-0$v', '0$v:00', '12345$v', 'gen $n $v'];

const FORMATS: Record<string, (v: number) => string> = {
  'date-time': (v) => `2026-03-0${v}T09:00:00.000Z`,
  date: (v) => `2026-03-0${v}`,
  uuid: (v) => `00000000-0000-7000-8000-00000000000${v}`,
  email: (v) => `gen${v}@example.ru`,
  uri: (v) => `https://example.ru/${v}`,
};

export function sample(schema: Schema, variant = 1, at = ''): unknown {
  if ('const' in schema) return schema.const;
  if (schema.enum) return schema.enum[(variant - 1) % schema.enum.length];
  const branches = schema.anyOf ?? schema.oneOf;
  if (branches) return sample(branches[(variant - 1) % branches.length]!, variant, at);
  if (schema.allOf) return Object.assign({}, ...schema.allOf.map((s) => sample(s, variant, at)));
  const type: string = (Array.isArray(schema.type) ? schema.type[0] : schema.type) ?? (schema.properties ? 'object' : 'none');
  switch (type) {
    case 'null':
      return null;
    case 'boolean':
      return variant === 1;
    case 'integer':
    case 'number': {
      const min = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : 1);
      const value = Math.max(min, 1) + variant - 1;
      return schema.maximum !== undefined ? Math.min(value, schema.maximum) : value;
    }
    case 'string':
      return stringOf(schema, variant, at);
    case 'array': {
      const count = schema.minItems ?? 0;
      const items = schema.items;
      return Array.from({ length: count }, (_, i) => sample(Array.isArray(items) ? items[i]! : (items ?? {}), variant, `${at}/${i}`));
    }
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const name of schema.required ?? []) {
        const prop = schema.properties?.[name];
        if (!prop) throw new SampleError(`${at}/${name}: required but not described`);
        out[name] = sample(prop, variant, `${at}/${name}`);
      }
      return out;
    }
    default:
      throw new SampleError(`${at || '/'}: no type to make a value of (${JSON.stringify(schema).slice(0, 120)})`);
  }
}

function stringOf(schema: Schema, variant: number, at: string): string {
  if (schema.format) {
    const make = FORMATS[schema.format];
    if (!make) throw new SampleError(`${at}: no sample for format ${schema.format}`);
    return make(variant);
  }
  const name = at.split('/').filter((p) => p && !/^\d+$/.test(p)).at(-1) ?? 'value';
  const fits = (s: string) => s.length >= (schema.minLength ?? 0) && s.length <= (schema.maxLength ?? Infinity) && (!schema.pattern || new RegExp(schema.pattern, 'u').test(s));
  const candidates = PATTERN_CANDIDATES.map((c) => c.replaceAll('$v', String(variant)).replaceAll('$n', name));
  // Short limits (a currency's three letters) get the candidates cut to size.
  const found = [...candidates, ...candidates.map((c) => c.slice(0, schema.maxLength ?? c.length).padEnd(schema.minLength ?? 0, String(variant)))].find(fits);
  if (found === undefined) throw new SampleError(`${at}: no sample string fits ${JSON.stringify({ pattern: schema.pattern, minLength: schema.minLength, maxLength: schema.maxLength })}`);
  return found;
}

/** Writes `over` onto `base`: objects merge property by property, anything else replaces. */
export function overlay(base: unknown, over: unknown): unknown {
  if (over === undefined) return base;
  if (!isPlainObject(base) || !isPlainObject(over)) return over;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = overlay(base[k], v);
  return out;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
