import closeWithGrace from 'close-with-grace';
import { createApiKey } from '../app/api-keys.js';
import { createContext } from '../app/context.js';
import { allPrograms, createProgram } from '../app/programs.js';
import type { Config } from '../config.js';
import { buildApp } from '../http/app.js';
import { startJobs } from '../jobs/scheduler.js';
import { migrateToLatest, openDatabase } from '../store/db.js';

/** `kopilka serve`: migrate, make a demo program on first start, listen, run the jobs. */
export async function serve(config: Config): Promise<void> {
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: config.poolSize });
  await migrateToLatest(database.db);
  const ctx = createContext(database.db);
  const app = await buildApp(ctx, { logger: { level: config.logLevel }, purchaseBatchSize: config.purchaseBatchSize });
  const where = database.kind === 'pglite' ? `embedded database in ${config.dataDir} (PGlite; no fsync — for trials, development and small single-store use; back it up with \`kopilka backup\`)` : 'PostgreSQL';
  app.log.info(`storage: ${where}`);

  if ((await allPrograms(ctx)).length === 0) {
    const program = await createProgram(ctx, { name: 'Demo program' });
    const key = await createApiKey(ctx, { programId: program.id, role: 'admin', name: 'first admin key' });
    console.log(
      [
        '',
        'First start: created the program "Demo program".',
        `  program id:    ${program.id}`,
        `  admin API key: ${key.key}`,
        '  (shown once; make more with `kopilka apikey create --program <id> --role pos|admin|readonly`)',
        '',
      ].join('\n'),
    );
  }

  const stopJobs = startJobs(ctx, config.jobIntervalSeconds, app.log);
  const address = await app.listen({ port: config.port, host: config.host });
  console.log(`Kopilka listens on ${address}  (API reference: ${address}/docs, health: ${address}/health)`);

  closeWithGrace({ delay: 10_000 }, async ({ err }) => {
    if (err) app.log.error({ err }, 'shutting down after an error');
    await stopJobs();
    await app.close();
    await database.close();
  });
}
