/**
 * Who may call what. Routes name the roles they admit (`config.roles`); callers are API keys,
 * admin users (signed in to the admin panel) or members (signed in to the member app).
 * The mapping is docs/auth.md's roles table and docs/adr/0008-sessions-and-outbox.md.
 */
export const API_KEY_ROLES = ['pos', 'admin', 'readonly'] as const;
export type ApiKeyRole = (typeof API_KEY_ROLES)[number];

export const ADMIN_ROLES = ['owner', 'marketer', 'support', 'analyst'] as const;
export type AdminRole = (typeof ADMIN_ROLES)[number];

/** A member signed in to the member app; routes under /v1/me admit only this role. */
export type MemberRole = 'member';

/**
 * The operator of a server (OPERATOR_KEY_HASH, docs/adr/0023-operator-key.md): belongs to no
 * program, may only list and create programs; no other route names it, so it reads no program's data.
 */
export type OperatorRole = 'operator';

export type Role = ApiKeyRole | AdminRole | MemberRole | OperatorRole;

/**
 * What each admin-user role inherits from the API-key roles. A route that admits `admin` admits
 * owners; one that admits `readonly` admits every admin user. Marketers and support staff get
 * writes only where a route names them (PATCH /v1/program; member edits, adjustments, blocks),
 * so a new admin-only route stays closed to them until someone decides otherwise.
 */
export const ADMIN_ROLE_INHERITS: Record<AdminRole, readonly ApiKeyRole[]> = {
  owner: ['admin', 'readonly'],
  marketer: ['readonly'],
  support: ['readonly'],
  analyst: ['readonly'],
};

export const isAdminRole = (role: string): role is AdminRole => (ADMIN_ROLES as readonly string[]).includes(role);

/** May a caller with `role` call a route that admits `allowed`? */
export function mayCall(allowed: readonly Role[], role: Role): boolean {
  if (allowed.includes(role)) return true;
  return isAdminRole(role) && ADMIN_ROLE_INHERITS[role].some((r) => allowed.includes(r));
}
