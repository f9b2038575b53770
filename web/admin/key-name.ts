import { t } from './t';

/**
 * An API key's name as the panel shows it: a key made without a name is called "`<role>` key" by
 * the server (src/app/api-keys.ts); that reads in the panel's language ("Ключ: касса").
 */
export function keyName(name: string): string {
  const role = /^(pos|admin|readonly) key$/.exec(name)?.[1] as 'pos' | 'admin' | 'readonly' | undefined;
  return role ? t('keys.defaultName', { role: t(`keyRole.${role}`) }) : name;
}
