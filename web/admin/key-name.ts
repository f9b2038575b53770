import type { AdminKey } from './i18n';
import { t } from './t';

/**
 * The role of a key made without a name: the server calls it "`<role>` key" (src/app/api-keys.ts),
 * which the panel shows in its own words instead.
 */
export function unnamedKeyRole(name: string): string | null {
  const role = /^(pos|admin|readonly) key$/.exec(name)?.[1];
  return role ? t(`keyRole.${role}` as AdminKey) : null;
}

/** An API key's name as the panel shows it: "Без названия (касса)" for a key made without one. */
export function keyName(name: string): string {
  const role = unnamedKeyRole(name);
  return role ? t('keys.defaultName', { role }) : name;
}
