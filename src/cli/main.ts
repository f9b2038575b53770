import { parseArgs, type ParseArgsConfig } from 'node:util';
import { createApiKey, listApiKeys, revokeApiKey } from '../app/api-keys.js';
import { createContext } from '../app/context.js';
import { expirePoints } from '../app/ledger.js';
import { initFirstProgram } from '../app/first-start.js';
import { newOperatorKey } from '../app/operator.js';
import { createProgram } from '../app/programs.js';
import { cancelTimedOutHolds } from '../app/purchases/two-phase.js';
import { reviewTiers } from '../app/rules/tier-review-job.js';
import { loadConfig, type Config } from '../config.js';
import { isDomainError } from '../domain/errors.js';
import { checkBooks, type Database, migrateToLatest, openDatabase } from '../app/database.js';
import { ADMIN_USAGE, adminCommand } from './admin.js';
import { serve } from './serve.js';

const USAGE = `kopilka — loyalty program platform

Usage: kopilka <command> [options]

  serve                                 start the HTTP server (migrates first)
  migrate                               bring the database schema up to date
  init --name NAME --owner-email E [--owner-name N] [--currency RUB] [--time-zone Europe/Moscow] [--locale ru]
                                        the first program and its owner on an empty database
                                        (production makes no demo program); prints the admin
                                        key and the owner's password once
  program create --name NAME [--currency RUB] [--time-zone Europe/Moscow]
  operator-key create                   a key that may list and open programs over the API;
                                        prints it once and the OPERATOR_KEY_HASH line to set
  apikey create --program ID --role pos|admin|readonly [--name NAME] [--expires-at ISO]
                                        prints the key once; only its hash is stored
  apikey list --program ID              the program's keys (never the keys themselves)
  apikey revoke --program ID --id KEY_ID
${ADMIN_USAGE}
  verify [--program ID]                 check the books; exits 1 on any mismatch
  jobs                                  run the expiry write-down, hold timeouts and tier reviews once
  backup --out FILE                     dump the embedded database to a file
  restore --from FILE                   load a dump into an empty DATA_DIR
  move --to postgres://… [--from-data-dir ./data]
                                        copy the embedded database into an empty PostgreSQL
                                        database and check the copy (stop the server first)
  demo [--program ID] [--members N] [--months N] [--seed N]
                                        fill a program with realistic sample data
  analytics aggregate|segments|rfm|fit|run [--program ID] [--full]
                                        run the analytics job or a part of it now
  import members FILE --program ID [--map COLUMN=FIELD …] [--rejects FILE] …
  import purchases FILE --program ID [--format cdnow] [--earn] [--create-members] …
  import balances FILE --program ID [--map COLUMN=FIELD …] …
                                        import history and opening balances from CSV (docs/import.md;
                                        \`kopilka import --help\` for every option)

Configuration (environment): PORT (8080), HOST (0.0.0.0), DATA_DIR (./data),
DATABASE_URL (PostgreSQL; the embedded database when unset), LOG_LEVEL (info),
JOB_INTERVAL_SECONDS (60), DB_POOL_SIZE (20), PURCHASE_BATCH_SIZE (64); sign-in and
delivery: NODE_ENV, TRUST_PROXY, ADMIN_SESSION_IDLE_MINUTES, ADMIN_SESSION_MAX_HOURS,
MEMBER_SESSION_DAYS, SMTP_HOST, SMTP_PORT, SMTP_SECURE, SMTP_FROM, SMTP_USER, SMTP_PASSWORD,
SMS_WEBHOOK_URL, SMS_WEBHOOK_SECRET, OUTBOX_INTERVAL_SECONDS, OUTBOX_MAX_ATTEMPTS;
OPERATOR_KEY_HASH (README).`;

async function withDatabase<T>(config: Config, fn: (database: Database) => Promise<T>): Promise<T> {
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: 4 });
  try {
    await migrateToLatest(database.db);
    return await fn(database);
  } finally {
    await database.close();
  }
}

export async function main(argv: string[]): Promise<number> {
  const [command, sub, ...rest] = argv;
  const config = loadConfig();
  const opts = (args: string[], options: NonNullable<ParseArgsConfig['options']>) => parseArgs({ args, options, strict: true, allowPositionals: false }).values as Record<string, string | undefined>;
  switch (command) {
    case 'serve':
      await serve(config);
      return -1; // keeps running
    case 'migrate':
      return withDatabase(config, async () => {
        console.log('the schema is up to date');
        return 0;
      });
    case 'init': {
      const o = opts(sub ? [sub, ...rest] : [], {
        name: { type: 'string' },
        'owner-email': { type: 'string' },
        'owner-name': { type: 'string' },
        currency: { type: 'string' },
        'time-zone': { type: 'string' },
        locale: { type: 'string' },
      });
      if (!o.name || !o['owner-email']) throw new Error('--name NAME and --owner-email E are required');
      if (o.locale !== undefined && o.locale !== 'ru' && o.locale !== 'en') throw new Error('--locale must be ru or en');
      return withDatabase(config, async ({ db }) => {
        const result = await initFirstProgram(createContext(db), {
          name: o.name!,
          currency: o.currency,
          timeZone: o['time-zone'],
          locale: o.locale as 'ru' | 'en' | undefined,
          owner: { email: o['owner-email']!, name: o['owner-name'] },
        });
        if ('existing' in result) {
          console.error(`kopilka: this database already has ${result.existing} program(s); init opens only the first. Open more with \`kopilka program create\` or POST /v1/programs (operator key).`);
          return 1;
        }
        const { program, adminKey, owner } = result.opened;
        console.log(
          [
            `created the program "${program.name}" (${program.settings.currency}, ${program.settings.timeZone}, ${program.settings.locale})`,
            `  program id:    ${program.id}`,
            `  admin API key: ${adminKey.key}`,
            'Admin panel sign-in:',
            `  e-mail:   ${owner!.email}`,
            `  password: ${owner!.password}`,
            '(each shown once: keep them now; change the password after signing in)',
          ].join('\n'),
        );
        return 0;
      });
    }
    case 'operator-key': {
      if (sub !== 'create') break;
      opts(rest, {});
      const { key, hash } = newOperatorKey();
      console.log(`operator key: ${key}`);
      console.log(`OPERATOR_KEY_HASH=${hash}`);
      console.error('The key is shown only now: keep it in a secret store. Set the OPERATOR_KEY_HASH line in every server\'s environment and restart them (several hashes, comma-separated, while a key is rotated).');
      return 0;
    }
    case 'program': {
      if (sub !== 'create') break;
      const o = opts(rest, { name: { type: 'string' }, currency: { type: 'string' }, 'time-zone': { type: 'string' } });
      if (!o.name) throw new Error('--name is required');
      return withDatabase(config, async ({ db }) => {
        const p = await createProgram(createContext(db), {
          name: o.name!,
          settings: { ...(o.currency ? { currency: o.currency } : {}), ...(o['time-zone'] ? { timeZone: o['time-zone'] } : {}) },
        });
        console.log(`program created: ${p.id} (${p.name}, ${p.settings.currency}, ${p.settings.timeZone})`);
        return 0;
      });
    }
    case 'apikey': {
      if (sub === 'create') {
        const o = opts(rest, { program: { type: 'string' }, role: { type: 'string' }, name: { type: 'string' }, 'expires-at': { type: 'string' } });
        if (!o.program || !o.role || !['pos', 'admin', 'readonly'].includes(o.role)) throw new Error('--program ID and --role pos|admin|readonly are required');
        const expiresAt = o['expires-at'] ? new Date(o['expires-at']) : null;
        if (expiresAt && Number.isNaN(expiresAt.getTime())) throw new Error('--expires-at must be an ISO 8601 date-time');
        return withDatabase(config, async ({ db }) => {
          const k = await createApiKey(createContext(db), { programId: o.program!, role: o.role as 'pos', expiresAt, ...(o.name ? { name: o.name } : {}) });
          console.log(k.key);
          console.error(`(${k.role} key ${k.id} for program ${k.programId}; it is shown only now)`);
          return 0;
        });
      }
      if (sub === 'list') {
        const o = opts(rest, { program: { type: 'string' } });
        if (!o.program) throw new Error('--program ID is required');
        return withDatabase(config, async ({ db }) => {
          for (const k of await listApiKeys(createContext(db), o.program!)) {
            const state = k.revokedAt ? `revoked ${k.revokedAt}` : k.expiresAt ? `expires ${k.expiresAt}` : 'active';
            console.log(`${k.id}  ${k.role.padEnd(8)}  ${k.prefix}…  ${k.name}  (${state})`);
          }
          return 0;
        });
      }
      if (sub === 'revoke') {
        const o = opts(rest, { program: { type: 'string' }, id: { type: 'string' } });
        if (!o.program || !o.id) throw new Error('--program ID and --id KEY_ID are required');
        return withDatabase(config, async ({ db }) => {
          const k = await revokeApiKey(createContext(db), o.program!, o.id!);
          console.log(`revoked ${k.id} (${k.role}, ${k.name}); running servers stop accepting it within 5 seconds`);
          return 0;
        });
      }
      break;
    }
    case 'admin': {
      const o = parseArgs({
        args: rest,
        options: { program: { type: 'string' }, email: { type: 'string' }, role: { type: 'string' }, name: { type: 'string' }, 'password-stdin': { type: 'boolean' } },
        strict: true,
        allowPositionals: false,
      }).values;
      return adminCommand(sub, o, (fn) => withDatabase(config, fn));
    }
    case 'verify': {
      const o = opts(sub ? [sub, ...rest] : [], { program: { type: 'string' } });
      return withDatabase(config, async ({ db }) => {
        const report = await checkBooks(db, o.program);
        console.log(`checked ${report.programs} program(s), ${report.members} member(s), ${report.lots} lot(s), ${report.entries} entr(ies)`);
        for (const a of report.accounts) {
          console.log(`  program ${a.programId}: issued ${a.issued} − redeemed ${a.redeemed} − expired ${a.expired} + adjusted ${a.adjusted} = ${a.issued - a.redeemed - a.expired + a.adjusted}; member balances ${a.memberBalances}`);
        }
        for (const m of report.mismatches) console.log(`MISMATCH ${m.check} ${m.memberId ?? m.programId}${m.lotId ? ` lot ${m.lotId}` : ''}: ${m.detail}`);
        console.log(report.mismatches.length === 0 ? 'the books balance' : `${report.mismatches.length} mismatch(es)`);
        return report.mismatches.length === 0 ? 0 : 1;
      });
    }
    case 'jobs':
      return withDatabase(config, async ({ db }) => {
        const ctx = createContext(db);
        const holds = await cancelTimedOutHolds(ctx);
        const expired = await expirePoints(ctx);
        const tiers = await reviewTiers(ctx);
        console.log(`holds cancelled: ${holds}; points expired: ${expired.points} of ${expired.members} member(s); tier reviews written: ${tiers.changes} for ${tiers.members} member(s)`);
        return 0;
      });
    case 'analytics': {
      const { runAnalyticsCommand } = await import('./analytics.js');
      return runAnalyticsCommand(config, sub ? [sub, ...rest] : []);
    }
    case 'backup':
    case 'restore':
    case 'demo': {
      const { runMaintenance } = await import('./maintenance.js');
      return runMaintenance(config, command, sub ? [sub, ...rest] : []);
    }
    case 'move': {
      const { runMove } = await import('./move.js');
      return runMove(config, sub ? [sub, ...rest] : []);
    }
    case 'import': {
      const { runImportCommand, IMPORT_USAGE } = await import('./import.js');
      if (sub === undefined || sub === '--help' || sub === 'help') {
        console.log(`usage: ${IMPORT_USAGE}`);
        return sub === undefined ? 2 : 0;
      }
      return runImportCommand(config, [sub, ...rest]);
    }
    case undefined:
    case 'help':
    case '--help':
      console.log(USAGE);
      return 0;
  }
  console.error(`unknown command: ${argv.join(' ')}\n\n${USAGE}`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (err: unknown) => {
    console.error(isDomainError(err) || err instanceof TypeError || err instanceof Error ? `kopilka: ${(err as Error).message}` : err);
    process.exit(1);
  },
);
