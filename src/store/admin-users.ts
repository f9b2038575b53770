import { sql, type Selectable } from 'kysely';
import type { After, Sort } from '../domain/list-paging.js';
import type { AdminRole } from '../domain/roles.js';
import type { Executor } from './executor.js';
import { keysetPage, type Keyset, type SortedRow } from './keyset.js';
import type { AdminUsersTable } from './schema.js';

export interface AdminUserRow {
  adminUserId: string;
  programId: string;
  email: string;
  name: string;
  role: AdminRole;
  disabled: boolean;
  createdAt: Date;
  updatedAt: Date;
  lastSignInAt: Date | null;
}

export const toAdminUser = (r: Omit<Selectable<AdminUsersTable>, 'password_hash'>): AdminUserRow => ({
  adminUserId: r.admin_user_id,
  programId: r.program_id,
  email: r.email,
  name: r.name,
  role: r.role,
  disabled: r.disabled,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  lastSignInAt: r.last_sign_in_at,
});

export const ADMIN_USER_COLUMNS = ['admin_user_id', 'program_id', 'email', 'name', 'role', 'disabled', 'created_at', 'updated_at', 'last_sign_in_at'] as const;

/** Inserts an admin user; false when the program already has one with this e-mail. */
export async function insertAdminUser(
  db: Executor,
  u: { adminUserId: string; programId: string; email: string; name: string; role: AdminRole; passwordHash: string; at: Date },
): Promise<boolean> {
  const r = await db
    .insertInto('admin_users')
    .values({ admin_user_id: u.adminUserId, program_id: u.programId, email: u.email, name: u.name, role: u.role, password_hash: u.passwordHash, disabled: false, created_at: u.at, updated_at: u.at, last_sign_in_at: null })
    .onConflict((oc) => oc.columns(['program_id', 'email']).doNothing())
    .returning('admin_user_id')
    .executeTakeFirst();
  return r !== undefined;
}

/** The user with this e-mail in the program, with the password hash (for sign-in only). */
export async function findAdminUserForSignIn(db: Executor, programId: string, email: string): Promise<(AdminUserRow & { passwordHash: string }) | undefined> {
  const r = await db.selectFrom('admin_users').selectAll().where('program_id', '=', programId).where('email', '=', email).executeTakeFirst();
  return r && { ...toAdminUser(r), passwordHash: r.password_hash };
}

export async function findAdminUser(db: Executor, programId: string, adminUserId: string, lock = false): Promise<AdminUserRow | undefined> {
  let q = db.selectFrom('admin_users').select(ADMIN_USER_COLUMNS).where('program_id', '=', programId).where('admin_user_id', '=', adminUserId);
  if (lock) q = q.forUpdate();
  const r = await q.executeTakeFirst();
  return r && toAdminUser(r);
}

export async function listAdminUsers(db: Executor, programId: string): Promise<AdminUserRow[]> {
  const rows = await db.selectFrom('admin_users').select(ADMIN_USER_COLUMNS).where('program_id', '=', programId).orderBy('created_at').orderBy('admin_user_id').execute();
  return rows.map(toAdminUser);
}

export type AdminUserSortKey = 'createdAt' | 'email' | 'name' | 'role';

export const ADMIN_USER_KEYSET: Keyset<AdminUserSortKey> = {
  columns: {
    createdAt: { expr: sql`created_at`, type: 'timestamptz' },
    email: { expr: sql`email`, type: 'text' },
    name: { expr: sql`lower(name)`, type: 'text' },
    role: { expr: sql`role`, type: 'text' },
  },
  id: 'admin_user_id',
};

/** A page of the program's admin users in the asked order, one row more than the limit. */
export async function pageAdminUsers(db: Executor, programId: string, q: { sort: Sort<AdminUserSortKey>; after: After | undefined; limit: number }): Promise<(AdminUserRow & SortedRow)[]> {
  const query = db.selectFrom('admin_users').select(ADMIN_USER_COLUMNS).where('program_id', '=', programId);
  const rows = await keysetPage(query, ADMIN_USER_KEYSET, q.sort, q.after, q.limit).execute();
  return rows.map((r) => ({ ...toAdminUser(r), sort_value: r.sort_value, sort_id: r.sort_id }));
}

export async function countAdminUsers(db: Executor, programId: string): Promise<number> {
  const r = await db.selectFrom('admin_users').select((eb) => eb.fn.countAll<number>().as('n')).where('program_id', '=', programId).executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Active owners of the program, locked: changes that could remove the last one are serialised. */
export async function lockActiveOwners(db: Executor, programId: string): Promise<string[]> {
  const rows = await db.selectFrom('admin_users').select('admin_user_id').where('program_id', '=', programId).where('role', '=', 'owner').where('disabled', '=', false).orderBy('admin_user_id').forUpdate().execute();
  return rows.map((r) => r.admin_user_id);
}

export async function updateAdminUser(
  db: Executor,
  programId: string,
  adminUserId: string,
  patch: { name?: string; role?: AdminRole; disabled?: boolean; passwordHash?: string; lastSignInAt?: Date; at: Date },
): Promise<AdminUserRow | undefined> {
  const r = await db
    .updateTable('admin_users')
    .set({
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.role !== undefined ? { role: patch.role } : {}),
      ...(patch.disabled !== undefined ? { disabled: patch.disabled } : {}),
      ...(patch.passwordHash !== undefined ? { password_hash: patch.passwordHash } : {}),
      ...(patch.lastSignInAt !== undefined ? { last_sign_in_at: patch.lastSignInAt } : { updated_at: patch.at }),
    })
    .where('program_id', '=', programId)
    .where('admin_user_id', '=', adminUserId)
    .returning(ADMIN_USER_COLUMNS)
    .executeTakeFirst();
  return r && toAdminUser(r);
}

export async function deleteAdminUser(db: Executor, programId: string, adminUserId: string): Promise<boolean> {
  const r = await db.deleteFrom('admin_users').where('program_id', '=', programId).where('admin_user_id', '=', adminUserId).returning('admin_user_id').executeTakeFirst();
  return r !== undefined;
}
