import assert from 'node:assert/strict';
import { DomainError, type ErrorCode } from '../../src/domain/errors.js';

/** Runs fn, which must throw a DomainError with `code`, and returns that error. */
export function domainError(fn: () => unknown, code: ErrorCode): DomainError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof DomainError, `expected a DomainError, got ${String(err)}`);
    assert.equal(err.code, code);
    return err;
  }
  assert.fail(`expected ${code} to be thrown`);
}
