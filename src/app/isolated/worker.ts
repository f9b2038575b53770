/**
 * The entry of a task's worker thread (./run.ts): opens its own small pool to the same
 * PostgreSQL, runs the task with a clock that continues the caller's, posts the result or the
 * error, and closes the pool. The thread ends with its heap.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { isDomainError } from '../../domain/errors.js';
import { openDatabase } from '../../store/db.js';
import { createContext } from '../context.js';
import { TASKS } from './tasks.js';
import type { TaskMessage, TaskRequest } from './run.js';

const request = workerData as TaskRequest;

async function main(): Promise<TaskMessage> {
  // The caller's clock may be a test's or a simulation's: keep its offset from real time.
  const offset = request.clockAt - request.realAt;
  const database = await openDatabase({ databaseUrl: request.databaseUrl, poolSize: 4 });
  try {
    const ctx = createContext(database.db, { clock: () => new Date(Date.now() + offset) });
    const task = TASKS[request.task] as (ctx: unknown, ...args: unknown[]) => Promise<unknown>;
    return { ok: true, result: await task(ctx, ...request.args) };
  } catch (err) {
    if (isDomainError(err)) return { ok: false, domain: { code: err.code, message: err.message, errors: err.errors, extra: err.extra } };
    const e = err instanceof Error ? err : new Error(String(err));
    return { ok: false, message: e.message, stack: e.stack };
  } finally {
    await database.close();
  }
}

parentPort!.postMessage(await main());
