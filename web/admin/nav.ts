import type { AdminKey } from './i18n';
import type { Role } from './data';

const ALL: Role[] = ['owner', 'marketer', 'support', 'analyst'];

/** The panel's sections and who may open them (the server checks again; docs/auth.md). */
export const SECTIONS: { path: string; label: AdminKey; roles: Role[] }[] = [
  { path: '/', label: 'nav.dashboard', roles: ALL },
  { path: '/analytics', label: 'nav.analytics', roles: ALL },
  { path: '/members', label: 'nav.members', roles: ALL },
  { path: '/campaigns', label: 'nav.campaigns', roles: ALL },
  { path: '/tiers', label: 'nav.tiers', roles: ALL },
  { path: '/coupons', label: 'nav.coupons', roles: ALL },
  { path: '/stores', label: 'nav.stores', roles: ALL },
  { path: '/feedback', label: 'nav.feedback', roles: ['owner', 'marketer', 'support'] },
  { path: '/settings', label: 'nav.settings', roles: ['owner', 'marketer'] },
  { path: '/import', label: 'nav.import', roles: ['owner'] },
  { path: '/audit', label: 'nav.audit', roles: ['owner', 'analyst', 'marketer'] },
  { path: '/api-keys', label: 'nav.apiKeys', roles: ['owner'] },
  { path: '/admin-users', label: 'nav.adminUsers', roles: ['owner'] },
];

/** The section a path belongs to ("/members/0193…" → "/members"). */
export const sectionOf = (path: string) => SECTIONS.find((s) => s.path !== '/' && (path === s.path || path.startsWith(`${s.path}/`))) ?? SECTIONS[0]!;

/** Who may change things, per section (others see it read-only). */
export const mayEdit = (role: Role, what: 'members' | 'rules' | 'settings' | 'owner'): boolean =>
  role === 'owner' || (what === 'members' && role === 'support') || ((what === 'rules' || what === 'settings') && role === 'marketer');
