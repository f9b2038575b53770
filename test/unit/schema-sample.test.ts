import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { openApiDocument } from '../../scripts/client-generate.js';
import { sample, SampleError, type Schema } from '../support/schema-sample.js';

// The sampler that test/integration/idempotency-every-route.test.ts makes requests with.

test('every write route\'s request body in the OpenAPI document gets two samples that its schema accepts, the same on every call', async () => {
  const doc = (await openApiDocument()) as { paths: Record<string, Record<string, { requestBody?: { content?: Record<string, { schema: Schema }> } }>> };
  const ajv = new Ajv({ strict: false });
  addFormats.default(ajv);
  let bodies = 0;
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const schema = op.requestBody?.content?.['application/json']?.schema;
      if (!schema || !['post', 'put', 'patch', 'delete'].includes(method)) continue;
      bodies++;
      const validate = ajv.compile(schema);
      for (const variant of [1, 2]) {
        const value = sample(schema, variant);
        assert.ok(validate(value), `${method.toUpperCase()} ${path}, sample ${variant}: ${JSON.stringify(value)} ${ajv.errorsText(validate.errors)}`);
      }
      assert.deepEqual(sample(schema, 1), sample(schema, 1), 'the same on every call');
    }
  }
  assert.ok(bodies >= 40, `only ${bodies} request bodies`);
});

test('a value is made from what the schema requires: enums, anyOf branches, formats, bounds, minItems', () => {
  const schema: Schema = {
    type: 'object',
    required: ['kind', 'at', 'n', 'lines', 'month'],
    properties: {
      kind: { anyOf: [{ type: 'string', enum: ['a'] }, { type: 'string', enum: ['b'] }] },
      at: { type: 'string', format: 'date-time' },
      n: { type: 'integer', minimum: 5, maximum: 5 },
      lines: { type: 'array', minItems: 1, items: { type: 'object', required: ['sku'], properties: { sku: { type: 'string', minLength: 1 } } } },
      month: { type: 'string', pattern: '^\\d{4}-(0[1-9]|1[0-2])$' },
      optional: { type: 'string' },
    },
  };
  assert.deepEqual(sample(schema, 1), { kind: 'a', at: '2026-03-01T09:00:00.000Z', n: 5, lines: [{ sku: 'gen-sku-1' }], month: '2026-01' });
  assert.deepEqual(sample(schema, 2), { kind: 'b', at: '2026-03-02T09:00:00.000Z', n: 5, lines: [{ sku: 'gen-sku-2' }], month: '2026-02' });
});

test('a string whose pattern no candidate fits is refused with the place, not guessed', () => {
  const schema: Schema = { type: 'object', required: ['ean'], properties: { ean: { type: 'string', pattern: '^\\d{13}$' } } };
  assert.throws(() => sample(schema), (err: unknown) => err instanceof SampleError && err.message.startsWith('/ean: no sample string fits'));
});
