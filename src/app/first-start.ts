import { DEFAULT_SETTINGS } from '../domain/settings.js';
import { countAdminUsers } from '../store/admin-users.js';
import { FLEET_LOCKS, lockForTransaction } from '../store/fleet-locks.js';
import { insertProgram, listPrograms } from '../store/programs.js';
import { writeAdminUser } from './admin-users.js';
import { writeApiKey } from './api-keys.js';
import { auditFirstStart } from './audit.js';
import type { AppContext } from './context.js';
import { firstKeyName, openProgram, type NewProgram, type OpenedProgram } from './programs.js';

export const FIRST_OWNER_EMAIL = 'owner@kopilka.local';

/** What a first start made; each secret is returned once, to be printed once. */
export interface FirstStart {
  /** Set when this start made the program (and its first admin key). */
  created?: { programId: string; name: string; adminKey: string };
  /** Set when this start made the only program's first owner. */
  owner?: { programId: string; programName: string; email: string; password: string };
  /** Set in production on a database without programs: nothing was made, `kopilka init` is needed. */
  needsInit?: true;
}

/**
 * The first start of an empty database: the demo program with its first admin key, and the only
 * program's first admin-panel owner (also after an upgrade from a version without admin users).
 * In production (NODE_ENV=production) it makes nothing: the operator opens the first program with
 * `kopilka init` (or `POST /v1/programs` with the operator key), and a start before that says so.
 *
 * Several servers may start together on one empty PostgreSQL; the check and the writes happen in
 * one transaction under a fleet-wide advisory lock, so exactly one of them makes the program and
 * prints its secrets, and the others find it made and print nothing.
 */
export async function firstStart(ctx: AppContext, options: { production?: boolean } = {}): Promise<FirstStart> {
  return ctx.db.transaction().execute(async (tx) => {
    await lockForTransaction(tx, FLEET_LOCKS.firstStart);
    const result: FirstStart = {};
    let adminKeyId: string | undefined;
    let programs = (await listPrograms(tx)).map((p) => ({ id: p.programId, name: p.name }));
    if (options.production) return programs.length === 0 ? { needsInit: true } : result;
    if (programs.length === 0) {
      const programId = ctx.newId();
      const name = 'Demo program';
      await insertProgram(tx, { programId, name, settings: DEFAULT_SETTINGS, at: ctx.clock() });
      const key = await writeApiKey(ctx, tx, { programId, role: 'admin', name: firstKeyName(DEFAULT_SETTINGS.locale) });
      adminKeyId = key.id;
      result.created = { programId, name, adminKey: key.key };
      programs = [{ id: programId, name }];
    }
    const only = programs.length === 1 ? programs[0]! : undefined;
    if (only && (await countAdminUsers(tx, only.id)) === 0) {
      const owner = await writeAdminUser(ctx, tx, only.id, { email: FIRST_OWNER_EMAIL, name: DEFAULT_SETTINGS.locale === 'ru' ? 'Владелец' : 'Owner', role: 'owner' });
      result.owner = { programId: only.id, programName: only.name, email: owner.user.email, password: owner.password! };
    }
    if (result.created || result.owner) {
      const programId = result.created?.programId ?? result.owner!.programId;
      await auditFirstStart(ctx, tx, { programId, programName: result.created?.name ?? result.owner!.programName, adminKeyId: adminKeyId ?? null, ownerEmail: result.owner?.email ?? null });
    }
    return result;
  });
}

/**
 * `kopilka init`: the first program and its owner, on a database without programs. Under the same
 * fleet-wide lock as the first start, so an init and servers starting beside it never make two
 * first programs; on a database that has programs it makes nothing and returns how many there are.
 */
export async function initFirstProgram(ctx: AppContext, input: NewProgram & { owner: NonNullable<NewProgram['owner']> }): Promise<{ opened: OpenedProgram } | { existing: number }> {
  return ctx.db.transaction().execute(async (tx) => {
    await lockForTransaction(tx, FLEET_LOCKS.firstStart);
    const existing = (await listPrograms(tx)).length;
    if (existing > 0) return { existing };
    return { opened: await openProgram(ctx, tx, input, 'cli') };
  });
}

/** How to open the first program, for a production server that found none. */
export const INIT_HINT = [
  'No program yet: in production (NODE_ENV=production) the server makes no demo program. Open the first one with',
  '  kopilka init --name "Shop name" --owner-email you@example.com [--currency RUB] [--time-zone Europe/Moscow] [--locale ru]',
  '(on the embedded database stop the server first), or with the operator key: POST /v1/programs (docs/operations.md).',
];

/** The lines `kopilka serve` prints about a first start (none when nothing was made). */
export function firstStartLines(start: FirstStart): string[] {
  const lines: string[] = [];
  if (start.needsInit) lines.push(...INIT_HINT);
  if (start.created) {
    const c = start.created;
    lines.push(`First start: created the program "${c.name}".`, `  program id:    ${c.programId}`, `  admin API key: ${c.adminKey}`, '  (shown once; make more with `kopilka apikey create --program <id> --role pos|admin|readonly`)');
  }
  if (start.owner) {
    const o = start.owner;
    lines.push(
      `Admin panel sign-in for "${o.programName}" (program id ${o.programId}):`,
      `  e-mail:   ${o.email}`,
      `  password: ${o.password}`,
      '  (shown once; change it after signing in, or use `kopilka admin create|password`)',
    );
  }
  return lines;
}
