import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/**
 * The shared data directory (the CDNOW purchase history) lives outside the repository, next to it
 * as `../shared/data`. SHARED_DATA_DIR overrides it; otherwise each parent directory of the
 * checkout is tried for `shared/data`, so a checkout one level deeper still finds it. The tests
 * that need it fail with this path in the message when it is missing; they never skip.
 */
export function sharedDataDir(): string {
  if (process.env.SHARED_DATA_DIR) return path.resolve(process.env.SHARED_DATA_DIR);
  let dir = path.resolve(repoRoot, '..');
  for (;;) {
    const candidate = path.join(dir, 'shared', 'data');
    if (existsSync(candidate)) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) return path.resolve(repoRoot, '../shared/data');
    dir = parent;
  }
}
