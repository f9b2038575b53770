import { DomainError } from '../domain/errors.js';
import { normaliseIdentifier } from '../domain/identifiers.js';
import type { AdminRole } from '../domain/roles.js';
import { checkPassword } from '../domain/sessions.js';
import { decodeCursor, pageOf, parseSort, type ListQuery, type ListSpec, type Page } from '../domain/list-paging.js';
import { deleteAdminUser, findAdminUser, findAdminUserForSignIn, insertAdminUser, listAdminUsers, lockActiveOwners, pageAdminUsers, updateAdminUser, type AdminUserRow, type AdminUserSortKey } from '../store/admin-users.js';
import type { Executor, Tx } from '../store/executor.js';
import { afterRow } from '../store/keyset.js';
import { deleteAdminSessionsOf } from '../store/sessions.js';
import type { AppContext } from './context.js';
import { isUuid } from './members.js';
import { generatePassword, hashPassword } from './secrets.js';

/** An admin user as the API shows it: never the password hash. */
export interface AdminUserView {
  id: string;
  email: string;
  name: string;
  role: AdminRole;
  disabled: boolean;
  createdAt: string;
  updatedAt: string;
  lastSignInAt: string | null;
}

export const adminUserView = (u: AdminUserRow): AdminUserView => ({
  id: u.adminUserId,
  email: u.email,
  name: u.name,
  role: u.role,
  disabled: u.disabled,
  createdAt: u.createdAt.toISOString(),
  updatedAt: u.updatedAt.toISOString(),
  lastSignInAt: u.lastSignInAt?.toISOString() ?? null,
});

/** E-mails are compared in lower case; a malformed one is a validation error on `/email`. */
export function normaliseEmail(email: string): string {
  try {
    return normaliseIdentifier('email', email);
  } catch {
    throw new DomainError('VALIDATION_FAILED', `${email} is not an e-mail address`, { errors: [{ pointer: '/email', detail: 'not an e-mail address' }] });
  }
}

export interface NewAdminUser {
  email: string;
  name?: string | undefined;
  role: AdminRole;
  /** When absent a password is generated and returned once. */
  password?: string | undefined;
}

/** Creates an admin user of the program; returns the generated password when none was given. */
export async function createAdminUser(ctx: AppContext, programId: string, input: NewAdminUser): Promise<{ user: AdminUserView; password?: string }> {
  await ctx.programs.get(programId);
  return writeAdminUser(ctx, ctx.db, programId, input);
}

/** Creates the user through `db` (a transaction that has just made the program, on first start). */
export async function writeAdminUser(ctx: AppContext, db: Executor, programId: string, input: NewAdminUser): Promise<{ user: AdminUserView; password?: string }> {
  const email = normaliseEmail(input.email);
  const password = input.password ?? generatePassword();
  checkPassword(password, email);
  const adminUserId = ctx.newId();
  const at = ctx.clock();
  const inserted = await insertAdminUser(db, { adminUserId, programId, email, name: input.name?.trim() || email, role: input.role, passwordHash: await hashPassword(password), at });
  if (!inserted) throw new DomainError('ADMIN_USER_EXISTS', `${email} is already an admin user of this program`, { errors: [{ pointer: '/email', detail: 'already an admin user' }] });
  const user = await requireAdminUser(db, programId, adminUserId);
  return { user: adminUserView(user), ...(input.password === undefined ? { password } : {}) };
}

async function requireAdminUser(db: AppContext['db'] | Tx, programId: string, adminUserId: string, lock = false): Promise<AdminUserRow> {
  const u = isUuid(adminUserId) ? await findAdminUser(db, programId, adminUserId, lock) : undefined;
  if (!u) throw new DomainError('NOT_FOUND', `no admin user ${adminUserId} in this program`);
  return u;
}

/** Every admin user of the program, oldest first (the CLI's listing). */
export async function allProgramAdminUsers(ctx: AppContext, programId: string): Promise<AdminUserView[]> {
  return (await listAdminUsers(ctx.db, programId)).map(adminUserView);
}

/** The program's admin user with this e-mail (normalised: normaliseEmail), disabled or not, if any. */
export async function findAdminUserByEmail(ctx: AppContext, programId: string, email: string): Promise<AdminUserView | undefined> {
  const user = await findAdminUserForSignIn(ctx.db, programId, email);
  return user && adminUserView(user);
}

export const ADMIN_USER_LIST: ListSpec<AdminUserSortKey> = { list: 'admin-users', keys: { createdAt: 'instant', email: 'text', name: 'text', role: 'text' }, id: 'uuid', defaultSort: 'createdAt' };

/** A page of the program's admin users, oldest first unless asked otherwise. */
export async function listProgramAdminUsers(ctx: AppContext, programId: string, q: ListQuery): Promise<Page<AdminUserView>> {
  const sort = parseSort(ADMIN_USER_LIST, q.sort);
  const after = decodeCursor(ADMIN_USER_LIST, sort, q.cursor);
  return pageOf(ADMIN_USER_LIST.list, sort, await pageAdminUsers(ctx.db, programId, { sort, after, limit: q.limit }), q.limit, afterRow, adminUserView);
}

export async function getAdminUser(ctx: AppContext, programId: string, adminUserId: string): Promise<AdminUserView> {
  return adminUserView(await requireAdminUser(ctx.db, programId, adminUserId));
}

/**
 * Locks the program's active owners, then the user to change (always in this order, so two
 * changes cannot deadlock), and refuses a change that would leave no active owner.
 */
async function lockForChange(trx: Tx, programId: string, adminUserId: string, after: (user: AdminUserRow) => { role: AdminRole; disabled: boolean } | null): Promise<AdminUserRow> {
  const owners = await lockActiveOwners(trx, programId);
  const user = await requireAdminUser(trx, programId, adminUserId, true);
  keepAnOwner(owners, user, after(user));
  return user;
}

function keepAnOwner(owners: string[], user: AdminUserRow, after: { role: AdminRole; disabled: boolean } | null): void {
  const wasOwner = user.role === 'owner' && !user.disabled;
  const staysOwner = after !== null && after.role === 'owner' && !after.disabled;
  if (wasOwner && !staysOwner && owners.filter((id) => id !== user.adminUserId).length === 0) {
    throw new DomainError('LAST_OWNER', `${user.email} is the program's last active owner; make another owner first`);
  }
}

/**
 * Changes an admin user. Disabling one or setting a new password ends all of their sessions; a
 * new role applies from their next request (the role is read with the session every time).
 */
export async function updateProgramAdminUser(
  ctx: AppContext,
  programId: string,
  adminUserId: string,
  patch: { name?: string | undefined; role?: AdminRole | undefined; disabled?: boolean | undefined; password?: string | undefined },
): Promise<AdminUserView> {
  if (patch.password !== undefined) checkPassword(patch.password, (await requireAdminUser(ctx.db, programId, adminUserId)).email);
  const passwordHash = patch.password === undefined ? undefined : await hashPassword(patch.password);
  return ctx.db.transaction().execute(async (trx) => {
    const user = await lockForChange(trx, programId, adminUserId, (u) => ({ role: patch.role ?? u.role, disabled: patch.disabled ?? u.disabled }));
    const updated = await updateAdminUser(trx, programId, adminUserId, {
      ...(patch.name !== undefined ? { name: patch.name.trim() || user.email } : {}),
      ...(patch.role !== undefined ? { role: patch.role } : {}),
      ...(patch.disabled !== undefined ? { disabled: patch.disabled } : {}),
      ...(passwordHash !== undefined ? { passwordHash } : {}),
      at: ctx.clock(),
    });
    if (patch.disabled === true || passwordHash !== undefined) await deleteAdminSessionsOf(trx, adminUserId);
    return adminUserView(updated!);
  });
}

/** Deletes an admin user and their sessions (the last active owner cannot be deleted). */
export async function deleteProgramAdminUser(ctx: AppContext, programId: string, adminUserId: string): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    await lockForChange(trx, programId, adminUserId, () => null);
    await deleteAdminUser(trx, programId, adminUserId);
  });
}
