import type { Migration, MigrationProvider } from 'kysely';
import * as m0001 from './0001-core.js';
import * as m0002 from './0002-program-admin.js';
import * as m0003 from './0003-import.js';
import * as m0004 from './0004-auth.js';
import * as m0005 from './0005-rules.js';
import * as m0006 from './0006-analytics.js';
import * as m0007 from './0007-feedback.js';
import * as m0008 from './0008-campaign-analytics.js';
import * as m0009 from './0009-list-paging.js';
import * as m0010 from './0010-purchase-indexes.js';
import * as m0011 from './0011-campaign-comparison.js';
import * as m0012 from './0012-job-rounds.js';
import * as m0013 from './0013-history-tiers-slots.js';
import * as m0014 from './0014-hold-end.js';
import * as m0015 from './0015-legal-texts.js';
import * as m0017 from './0017-opening-balances.js';
import * as m0018 from './0018-idempotency-scope.js';
import * as m0019 from './0019-appended-reversals.js';
import * as m0020 from './0020-purchase-state-columns.js';
import * as m0021 from './0021-domain-events.js';

/** Migrations in order; a static list so that the same code runs from src (tsx) and dist. */
export const migrations: Record<string, Migration> = {
  '0001-core': m0001,
  '0002-program-admin': m0002,
  '0003-import': m0003,
  '0004-auth': m0004,
  '0005-rules': m0005,
  '0006-analytics': m0006,
  '0007-feedback': m0007,
  '0008-campaign-analytics': m0008,
  '0009-list-paging': m0009,
  '0010-purchase-indexes': m0010,
  '0011-campaign-comparison': m0011,
  '0012-job-rounds': m0012,
  '0013-history-tiers-slots': m0013,
  '0014-hold-end': m0014,
  '0015-legal-texts': m0015,
  '0017-opening-balances': m0017,
  '0018-idempotency-scope': m0018,
  '0019-appended-reversals': m0019,
  '0020-purchase-state-columns': m0020,
  '0021-domain-events': m0021,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
