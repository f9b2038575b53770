import { randomBytes } from 'node:crypto';
import { DomainError } from '../domain/errors.js';
import type { Actor, AppContext } from './context.js';
import { sameDigest, sha256 } from './secrets.js';

/*
 * The operator key (docs/adr/0023-operator-key.md): a bearer secret `kop_…` of 256 random bits that
 * belongs to no program and may only list and create programs. Servers hold only its SHA-256, in
 * the environment (OPERATOR_KEY_HASH), never in the database and never the key itself.
 */

export const OPERATOR_KEY_PREFIX = 'kop_';

/** The actor of a request made with the operator key. */
export const OPERATOR: Actor = { programId: '', role: 'operator', name: 'operator' };

/** A new operator key and the hash a server's OPERATOR_KEY_HASH holds. */
export function newOperatorKey(): { key: string; hash: string } {
  const key = `${OPERATOR_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
  return { key, hash: sha256(key) };
}

/** Accepts the key when its hash is one of the configured ones (several, while a key is rotated). */
export function authenticateOperator(ctx: AppContext, key: string): Actor {
  const hashes = ctx.auth.operatorKeyHashes;
  if (hashes.length === 0) throw new DomainError('UNAUTHORIZED', 'this server accepts no operator key: set OPERATOR_KEY_HASH (docs/operations.md)');
  const hash = sha256(key);
  // Every configured hash is compared, in constant time each, so the answer's timing tells nothing.
  const known = hashes.map((h) => sameDigest(h, hash)).includes(true);
  if (!known) throw new DomainError('UNAUTHORIZED', 'the operator key is not valid');
  return OPERATOR;
}
