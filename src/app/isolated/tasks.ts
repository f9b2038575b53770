import { fitModels } from '../analytics/models.js';
import { analyticsRound } from '../analytics/run.js';
import type { AppContext } from '../context.js';

/**
 * The use cases that may run in a worker thread of their own (./run.ts): the ones whose memory
 * grows with the program — the model fit holds every buyer's history and forecast, the job's
 * round also RFM's score of every member. Arguments and results cross the thread boundary by structured clone, so they are
 * plain data.
 */
export const TASKS = {
  fitModels,
  analyticsRound,
} satisfies Record<string, (ctx: AppContext, ...args: never[]) => Promise<unknown>>;

export type TaskName = keyof typeof TASKS;
export type TaskArgs<K extends TaskName> = Parameters<(typeof TASKS)[K]> extends [AppContext, ...infer A] ? A : never;
export type TaskResult<K extends TaskName> = Awaited<ReturnType<(typeof TASKS)[K]>>;
