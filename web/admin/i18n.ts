// Every string the admin panel shows, in Russian and English (test/unit/i18n.test.ts reads it).
import { en } from './i18n-en.js';
import { ru } from './i18n-ru.js';

export type { AdminKey } from './i18n-ru.js';
export const dictionaries = { ru, en };
