import { Worker } from 'node:worker_threads';
import { DomainError, type ErrorCode, type FieldError } from '../../domain/errors.js';
import type { AppContext } from '../context.js';
import { TASKS, type TaskArgs, type TaskName, type TaskResult } from './tasks.js';

/** What the worker is given (structured clone). */
export interface TaskRequest {
  task: TaskName;
  args: unknown[];
  databaseUrl: string;
  /** The caller's clock and the real time when the task was handed over. */
  clockAt: number;
  realAt: number;
}

/** What the worker answers. */
export type TaskMessage =
  | { ok: true; result: unknown }
  | { ok: false; domain: { code: ErrorCode; message: string; errors: FieldError[] | undefined; extra: Record<string, unknown> | undefined } }
  | { ok: false; message: string; stack: string | undefined };

// Compiled, this file is run.js beside worker.js; from source (tsx: tests, `npm run dev`) the
// worker is a .ts file, which a worker thread loads only after tsx registers itself there.
const FROM_SOURCE = import.meta.url.endsWith('.ts');
const WORKER = new URL(FROM_SOURCE ? './worker.ts' : './worker.js', import.meta.url);

function startWorker(request: TaskRequest, maxHeapMb: number): Worker {
  const options = { workerData: request, resourceLimits: { maxOldGenerationSizeMb: maxHeapMb } };
  if (!FROM_SOURCE) return new Worker(WORKER, options);
  const tsx = import.meta.resolve('tsx/esm/api');
  return new Worker(`import(${JSON.stringify(tsx)}).then((t) => { t.register(); return import(${JSON.stringify(WORKER.href)}); })`, { ...options, eval: true });
}

/**
 * Runs a use case whose memory grows with the program (./tasks.ts) in a worker thread of its own
 * when the context says so (`ctx.isolation`: on PostgreSQL, in the server), else in this thread.
 * The worker has its own heap, capped at `maxHeapMb`, and gives it all back when it ends: the
 * server's heap stays the size the purchase path needs, whatever the size of the program
 * (docs/adr/0018-isolated-analytics.md). A task that outgrows the cap fails with
 * ANALYTICS_OUT_OF_MEMORY and the server goes on. The embedded database belongs to this process
 * (one owner), so on PGlite tasks run here.
 */
export async function runIsolated<K extends TaskName>(ctx: AppContext, task: K, ...args: TaskArgs<K>): Promise<TaskResult<K>> {
  const run = TASKS[task] as (ctx: AppContext, ...args: unknown[]) => Promise<TaskResult<K>>;
  if (!ctx.isolation) return run(ctx, ...args);
  const { databaseUrl, maxHeapMb } = ctx.isolation;
  const request: TaskRequest = { task, args, databaseUrl, clockAt: ctx.clock().getTime(), realAt: Date.now() };
  // Whichever comes first settles the promise; the later events (an exit after the answer) are no-ops.
  const message = await new Promise<TaskMessage>((resolve, reject) => {
    const worker = startWorker(request, maxHeapMb);
    worker.once('message', resolve);
    worker.once('error', (err: Error & { code?: string }) => {
      if (err.code === 'ERR_WORKER_OUT_OF_MEMORY') {
        reject(new DomainError('ANALYTICS_OUT_OF_MEMORY', `${task} needed more than the ${maxHeapMb} MB its worker may use (ANALYTICS_HEAP_MB); raise it for a program of this size`));
      } else {
        reject(err);
      }
    });
    worker.once('exit', (code) => reject(new Error(`the worker of ${task} ended (exit code ${code}) without an answer`)));
  });
  if (message.ok) return message.result as TaskResult<K>;
  if ('domain' in message) {
    const d = message.domain;
    throw new DomainError(d.code, d.message, { ...(d.errors ? { errors: d.errors } : {}), ...(d.extra ? { extra: d.extra } : {}) });
  }
  const err = new Error(`${task} failed in its worker: ${message.message}`);
  if (message.stack) err.stack = `${err.message}\n--- in the worker ---\n${message.stack}`;
  throw err;
}
