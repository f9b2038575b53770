/**
 * Checks a value against a TypeBox schema and reports readable errors with JSON pointers.
 *
 * TypeBox's own error list, for a union, reports every variant's complaints (a bad effect gets
 * ten errors, one per kind of effect). Rule sets are unions throughout, so this walker picks
 * the variant by the value's `kind` (then `op`) and reports only that variant's errors.
 */
import type { TSchema } from 'typebox';
import { Value } from 'typebox/value';
import type { FieldError } from '../errors.js';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const esc = (key: string) => key.replaceAll('~', '~0').replaceAll('/', '~1');

/** The errors of `value` against `schema`, each with the JSON pointer of the bad part. */
export function schemaErrors(schema: TSchema, value: unknown, pointer = ''): FieldError[] {
  const s = schema as Json;
  if (Array.isArray(s.anyOf) && s.anyOf.every((v) => discriminator(v as Json, 'kind') !== undefined)) return unionErrors(s.anyOf as Json[], value, pointer);
  if (s.type === 'object' && isObject(s.properties)) return objectErrors(s, value, pointer);
  if (s.type === 'array' && isObject(s.items)) {
    if (!Array.isArray(value)) return [{ pointer, detail: 'must be an array' }];
    const errors: FieldError[] = [];
    if (typeof s.minItems === 'number' && value.length < s.minItems) errors.push({ pointer, detail: `must have at least ${s.minItems} item(s)` });
    if (typeof s.maxItems === 'number' && value.length > s.maxItems) errors.push({ pointer, detail: `must have at most ${s.maxItems} items` });
    value.forEach((item, i) => errors.push(...schemaErrors(s.items as TSchema, item, `${pointer}/${i}`)));
    return errors;
  }
  if (Value.Check(schema, value)) return [];
  return [{ pointer, detail: leafDetail(s, value) }];
}

function objectErrors(s: Json, value: unknown, pointer: string): FieldError[] {
  if (!isObject(value)) return [{ pointer, detail: 'must be an object' }];
  const props = s.properties as Record<string, TSchema>;
  const required = new Set((s.required as string[] | undefined) ?? []);
  const errors: FieldError[] = [];
  for (const key of Object.keys(props)) {
    if (value[key] === undefined) {
      if (required.has(key)) errors.push({ pointer: `${pointer}/${esc(key)}`, detail: 'is required' });
    } else errors.push(...schemaErrors(props[key]!, value[key], `${pointer}/${esc(key)}`));
  }
  if (s.additionalProperties === false) {
    for (const key of Object.keys(value)) if (!(key in props)) errors.push({ pointer: `${pointer}/${esc(key)}`, detail: 'is not a known field' });
  }
  return errors;
}

function discriminator(variant: Json, key: string): unknown[] | undefined {
  const p = isObject(variant.properties) ? (variant.properties[key] as Json | undefined) : undefined;
  if (!p) return undefined;
  if ('const' in p) return [p.const];
  return Array.isArray(p.enum) ? p.enum : undefined;
}

function unionErrors(variants: Json[], value: unknown, pointer: string): FieldError[] {
  if (!isObject(value)) return [{ pointer, detail: 'must be an object' }];
  let candidates = variants;
  for (const key of ['kind', 'op']) {
    const allowed = candidates.flatMap((v) => discriminator(v, key) ?? []);
    if (allowed.length === 0) continue;
    const narrowed = candidates.filter((v) => discriminator(v, key)?.includes(value[key]));
    if (narrowed.length === 0) {
      const detail = value[key] === undefined ? 'is required' : `must be one of: ${[...new Set(allowed)].join(', ')}`;
      return [{ pointer: `${pointer}/${key}`, detail }];
    }
    candidates = narrowed;
  }
  let best: FieldError[] | undefined;
  for (const v of candidates) {
    const errors = schemaErrors(v as TSchema, value, pointer);
    if (errors.length === 0) return [];
    if (!best || errors.length < best.length) best = errors;
  }
  return best ?? [];
}

function leafDetail(s: Json, value: unknown): string {
  if (Array.isArray(s.enum)) return `must be one of: ${s.enum.join(', ')}`;
  if ('const' in s) return `must be ${JSON.stringify(s.const)}`;
  if (s.type === 'integer' && !Number.isInteger(value)) return 'must be an integer';
  if (s.type === 'number' && typeof value !== 'number') return 'must be a number';
  if (s.type === 'string' && typeof value !== 'string') return 'must be a string';
  if (s.type === 'boolean' && typeof value !== 'boolean') return 'must be true or false';
  if (typeof value === 'number') {
    if (typeof s.minimum === 'number' && value < s.minimum) return `must be at least ${s.minimum}`;
    if (typeof s.maximum === 'number' && value > s.maximum) return `must be at most ${s.maximum}`;
  }
  if (typeof value === 'string') {
    if (typeof s.minLength === 'number' && value.length < s.minLength) return s.minLength === 1 ? 'must not be empty' : `must be at least ${s.minLength} characters`;
    if (typeof s.maxLength === 'number' && value.length > s.maxLength) return `must be at most ${s.maxLength} characters`;
    if (typeof s.pattern === 'string') return typeof s.description === 'string' ? `must be ${s.description}` : `must match ${s.pattern}`;
  }
  if (Array.isArray(s.anyOf)) return 'has the wrong type';
  return Value.Errors(s as TSchema, value)[0]?.message ?? 'is not valid';
}
