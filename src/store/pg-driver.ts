import {
  CompiledQuery,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type QueryCompiler,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';
import type pg from 'pg';
import { PLAN_EACH_CALL } from './executor.js';

/**
 * Kysely's driver for node-postgres, written for the purchase path's round trips
 * (docs/adr/0028-purchase-path.md):
 *
 * - **Pipelining.** The pool's clients run in node-postgres's pipeline mode, so statements given to
 *   a connection one after another are written at once and answered in order, without waiting for
 *   each answer. `pipeline()` sends several statements of a transaction in one round trip (the
 *   claim-and-lock and the load); `BEGIN` is not waited for but travels with the transaction's first
 *   statement; and a write handed to `deferToCommit()` travels with the `COMMIT`. Each statement is
 *   still its own statement: under READ COMMITTED each takes its snapshot when it starts, after the
 *   ones before it have finished (the load sees what the lock waited for).
 * - **Errors are never lost.** A statement not waited for (the `BEGIN`, a deferred write) is
 *   settled with the next statement the transaction waits for: its failure fails that statement, or
 *   the `COMMIT` — where PostgreSQL would answer `ROLLBACK` to the commit of an aborted transaction
 *   and the failure would otherwise go unseen.
 * - **Fewer writes to the socket.** What a connection sends in one turn of the event loop leaves in
 *   one write (the socket is corked until the turn ends).
 * - **Prepared statements.** Parameterised statements are sent as named prepared statements, so
 *   PostgreSQL parses and plans each distinct text once per connection; statements marked
 *   PLAN_EACH_CALL are planned for their own parameters every time (executor.ts).
 */
export class PgDialect implements Dialect {
  constructor(
    private readonly pool: PgPool,
    /** Told of every failed statement with its client (db.ts marks connections that cannot be reused). */
    private readonly onError: (client: pg.PoolClient, err: unknown) => void = () => {},
  ) {}
  createAdapter(): DialectAdapter {
    return new PostgresAdapter();
  }
  createDriver(): Driver {
    return new PgDriver(this.pool, this.onError);
  }
  createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return new PostgresIntrospector(db);
  }
  createQueryCompiler(): QueryCompiler {
    return new PostgresQueryCompiler();
  }
}

/** The part of pg.Pool the driver uses (db.ts wraps the pool to release broken connections). */
export interface PgPool {
  connect(): Promise<pg.PoolClient>;
  end(): Promise<void>;
}

class PgDriver implements Driver {
  readonly #connections = new WeakMap<pg.PoolClient, PgConnection>();
  constructor(
    private readonly pool: PgPool,
    private readonly onError: (client: pg.PoolClient, err: unknown) => void,
  ) {}
  async init(): Promise<void> {}
  async acquireConnection(): Promise<DatabaseConnection> {
    const client = await this.pool.connect();
    let connection = this.#connections.get(client);
    if (!connection) this.#connections.set(client, (connection = new PgConnection(client, this.onError)));
    return connection;
  }
  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    let text = 'begin';
    if (settings.isolationLevel) text += ` isolation level ${settings.isolationLevel}`;
    if (settings.accessMode) text += ` ${settings.accessMode}`;
    (connection as PgConnection).sendUnwaited(text, []);
  }
  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as PgConnection).run('commit', []);
  }
  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as PgConnection).rollback();
  }
  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    (connection as PgConnection).release();
  }
  async destroy(): Promise<void> {
    await this.pool.end();
  }
}

/**
 * Statement names, shared by every connection: a text is named once per process and prepared once
 * per connection (node-postgres remembers which names a connection has parsed). A statement with a
 * VALUES list varies with its length, so only the first PREPARED_LIMIT distinct texts are named.
 *
 * A statement whose text holds PLAN_EACH_CALL is sent unnamed and planned for its own parameters
 * every time. From the sixth execution of a prepared statement PostgreSQL may switch to a generic
 * plan that ignores the values; for the campaign report's date ranges that plan was 2.5–12 × slower
 * (0.3 s with custom plans, 0.75–3.6 s from the sixth call on, at 1M members: bench/RESULTS.md,
 * "Campaign analytics"). Planning every statement so (`plan_cache_mode = force_custom_plan` for the
 * whole pool) cost the purchase path 9 % of its throughput in the benchmark, hence the marker.
 */
const PREPARED_LIMIT = 2_000;
const statementNames = new Map<string, string>();

function statementName(text: string, values: readonly unknown[]): string | undefined {
  if (values.length === 0 || text.includes(PLAN_EACH_CALL)) return undefined;
  let name = statementNames.get(text);
  if (name === undefined && statementNames.size < PREPARED_LIMIT) {
    name = `k${statementNames.size}`;
    statementNames.set(text, name);
  }
  return name;
}

type PgResult = pg.QueryResult<Record<string, unknown>>;

export class PgConnection implements DatabaseConnection {
  /** Statements sent and not yet waited for (a BEGIN, deferred writes), oldest first. */
  #unwaited: Promise<PgResult>[] = [];
  #corked = false;

  constructor(
    private readonly client: pg.PoolClient,
    private readonly onError: (client: pg.PoolClient, err: unknown) => void,
  ) {}

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    return toResult<R>(await this.run(compiled.sql, compiled.parameters));
  }

  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streaming queries are not used (the pool runs in pipeline mode, which refuses cursors)');
  }

  /** Sends statements together and waits for all of them (one round trip in pipeline mode). */
  async pipeline(compiled: readonly CompiledQuery[]): Promise<QueryResult<unknown>[]> {
    const sent = compiled.map((c) => this.#send(c.sql, c.parameters));
    const results = await this.#settle(sent);
    return results.map((r) => toResult<unknown>(r));
  }

  /** Sends a statement that is settled with the next statement waited for (or the commit). */
  sendUnwaited(text: string, values: readonly unknown[]): void {
    const sent = this.#send(text, values);
    // Handled now, so that a failure before the next wait is not an unhandled rejection; the
    // next wait still sees it.
    sent.catch(() => {});
    this.#unwaited.push(sent);
  }

  /** Sends one statement and waits for it, and for everything sent before it. */
  async run(text: string, values: readonly unknown[]): Promise<PgResult> {
    const [result] = await this.#settle([this.#send(text, values)]);
    return result!;
  }

  /** Rolls back: the failures of statements not waited for are the reason, not news. */
  async rollback(): Promise<void> {
    const unwaited = this.#unwaited;
    this.#unwaited = [];
    const rollback = this.#send('rollback', []);
    await Promise.allSettled(unwaited);
    await rollback;
  }

  release(): void {
    this.#unwaited = [];
    this.client.release();
  }

  /** The statements' results, after those of the statements sent before them; the first failure fails all. */
  async #settle(sent: Promise<PgResult>[]): Promise<PgResult[]> {
    const before = this.#unwaited;
    this.#unwaited = [];
    const all = await Promise.all([...before, ...sent]);
    return all.slice(before.length);
  }

  #send(text: string, values: readonly unknown[]): Promise<PgResult> {
    this.#cork();
    const name = statementName(text, values);
    const sent = (name === undefined ? this.client.query(text, [...values]) : this.client.query({ name, text, values: [...values] })) as Promise<PgResult>;
    return sent.catch((err: unknown) => {
      this.onError(this.client, err);
      throw err;
    });
  }

  /** Holds the socket's writes until the end of this turn of the event loop, so they leave together. */
  #cork(): void {
    if (this.#corked) return;
    const stream = (this.client as unknown as { connection?: { stream?: { cork?: () => void; uncork?: () => void } } }).connection?.stream;
    if (!stream?.cork || !stream.uncork) return;
    stream.cork();
    this.#corked = true;
    process.nextTick(() => {
      this.#corked = false;
      stream.uncork!();
    });
  }
}

function toResult<R>(r: PgResult): QueryResult<R> {
  const affects = r.command === 'INSERT' || r.command === 'UPDATE' || r.command === 'DELETE' || r.command === 'MERGE';
  return { rows: (r.rows ?? []) as R[], ...(affects ? { numAffectedRows: BigInt(r.rowCount ?? 0) } : {}) };
}
