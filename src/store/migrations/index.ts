import type { Migration, MigrationProvider } from 'kysely';
import * as m0001 from './0001-core.js';
import * as m0003 from './0003-import.js';

/** Migrations in order; a static list so that the same code runs from src (tsx) and dist. */
export const migrations: Record<string, Migration> = {
  '0001-core': m0001,
  '0003-import': m0003,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
