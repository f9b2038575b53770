import type { DatabaseFailure } from '../app/database.js';

interface Log {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

/**
 * The database's state as the server last saw it, and a log of outages that writes two lines per
 * outage — when it began and when it ended, with how many requests were refused meanwhile —
 * instead of a stack per refused request (docs/operations.md, "When the database goes away").
 */
export class DatabaseState {
  #down: { since: number; refused: number; kind: DatabaseFailure; message: string } | null = null;
  #lastChange = Date.now();

  constructor(private readonly log: Log) {}

  get up(): boolean {
    return this.#down === null;
  }

  /** For /health: whether the database answered the last request that needed it. */
  view(): { database: 'up' | 'down'; since: string } {
    return { database: this.#down ? 'down' : 'up', since: new Date(this.#lastChange).toISOString() };
  }

  /** A request or a job failed because of the database. */
  failed(kind: DatabaseFailure, err: unknown): void {
    if (this.#down) {
      this.#down.refused++;
      return;
    }
    const message = err instanceof Error ? err.message : String(err);
    this.#down = { since: Date.now(), refused: 1, kind, message };
    this.#lastChange = this.#down.since;
    this.log.warn({ database: kind, reason: message }, kind === 'timeout' ? 'the database is not answering in time; requests get 503 until it does' : 'the database cannot be reached; requests get 503 until it is back');
  }

  /** A request that used the database succeeded. */
  succeeded(): void {
    if (!this.#down) return;
    const { since, refused, kind } = this.#down;
    this.#down = null;
    this.#lastChange = Date.now();
    this.log.info({ database: kind, downForMs: this.#lastChange - since, refused }, `the database is back after ${((this.#lastChange - since) / 1000).toFixed(1)} s; ${refused} request(s) were answered 503 meanwhile`);
  }
}
