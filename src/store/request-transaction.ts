import { AsyncLocalStorage } from 'node:async_hooks';
import {
  CompiledQuery,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type QueryCompiler,
  type TransactionSettings,
} from 'kysely';

/**
 * Request transactions (docs/adr/0024-idempotency-keys.md): one database transaction that spans a
 * whole HTTP request, so that an Idempotency-Key's claim, the route's writes and the saved answer
 * commit together or not at all.
 *
 * The use cases are not told: inside `RequestTransaction.run(fn)`, every query made through the
 * same Kysely instance runs on the request's connection, and `db.transaction().execute(cb)`
 * becomes a savepoint in it (released when cb returns, rolled back to when it throws). So a use
 * case keeps its own transaction boundaries and its own error handling, and PGlite's single
 * connection (which the request holds) is never asked for a second time, which would deadlock.
 * Outside `run`, and after the request transaction ended, the driver behaves as before.
 */
interface Scope {
  driver: ScopingDriver;
  connection: DatabaseConnection;
  open: boolean;
  savepoints: string[];
  next: number;
}

const scopes = new AsyncLocalStorage<Scope>();

/** Wraps a dialect so that its Kysely instance can run request transactions. */
export class ScopingDialect implements Dialect {
  /** The driver Kysely asked for (it asks once). */
  driver: ScopingDriver | undefined;
  constructor(private readonly inner: Dialect) {}
  createAdapter(): DialectAdapter {
    return this.inner.createAdapter();
  }
  createDriver(): Driver {
    this.driver ??= new ScopingDriver(this.inner.createDriver());
    return this.driver;
  }
  createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return this.inner.createIntrospector(db);
  }
  createQueryCompiler(): QueryCompiler {
    return this.inner.createQueryCompiler();
  }
}

const drivers = new WeakMap<Kysely<any>, ScopingDialect>();

class ScopingDriver implements Driver {
  readonly #scoped = new WeakSet<DatabaseConnection>();
  #init: Promise<void> | undefined;
  constructor(readonly inner: Driver) {}

  #scope(): Scope | undefined {
    const s = scopes.getStore();
    return s && s.open && s.driver === this ? s : undefined;
  }
  init(): Promise<void> {
    this.#init ??= this.inner.init();
    return this.#init;
  }
  async acquireConnection(): Promise<DatabaseConnection> {
    const s = this.#scope();
    if (s) return s.connection;
    return this.inner.acquireConnection();
  }
  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    if (this.#scoped.has(connection)) return;
    await this.inner.releaseConnection(connection);
  }
  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const s = this.#owner(connection);
    if (!s) return this.inner.beginTransaction(connection, settings);
    const name = `kpk_sp_${++s.next}`;
    s.savepoints.push(name);
    await connection.executeQuery(CompiledQuery.raw(`savepoint ${name}`));
  }
  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const s = this.#owner(connection);
    if (!s) return this.inner.commitTransaction(connection);
    const name = s.savepoints.pop();
    if (name) await connection.executeQuery(CompiledQuery.raw(`release savepoint ${name}`));
  }
  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const s = this.#owner(connection);
    if (!s) return this.inner.rollbackTransaction(connection);
    const name = s.savepoints.pop();
    if (name) await connection.executeQuery(CompiledQuery.raw(`rollback to savepoint ${name}`));
  }
  async destroy(): Promise<void> {
    await this.inner.destroy();
  }

  /** The open request transaction this connection belongs to. */
  #owner(connection: DatabaseConnection): Scope | undefined {
    if (!this.#scoped.has(connection)) return undefined;
    const s = scopes.getStore();
    return s && s.connection === connection ? s : undefined;
  }

  async begin(): Promise<Scope> {
    await this.init();
    const connection = await this.inner.acquireConnection();
    try {
      await this.inner.beginTransaction(connection, {});
    } catch (err) {
      await this.inner.releaseConnection(connection);
      throw err;
    }
    this.#scoped.add(connection);
    return { driver: this, connection, open: true, savepoints: [], next: 0 };
  }

  async end(scope: Scope, commit: boolean): Promise<void> {
    if (!scope.open) return;
    scope.open = false;
    try {
      if (commit) await this.inner.commitTransaction(scope.connection);
      else await this.inner.rollbackTransaction(scope.connection);
    } finally {
      this.#scoped.delete(scope.connection);
      await this.inner.releaseConnection(scope.connection);
    }
  }
}

/** Remembers which dialect a Kysely instance was built on (src/store/db.ts). */
export function registerScoping(db: Kysely<any>, dialect: ScopingDialect): void {
  drivers.set(db, dialect);
}

/** One open request transaction; `commit` or `rollback` ends it (the second call does nothing). */
export interface RequestTransaction {
  /** Runs fn (and everything it starts) inside the transaction. */
  run<T>(fn: () => T): T;
  commit(): Promise<void>;
  rollback(): Promise<void>;
  readonly open: boolean;
}

/** Opens a request transaction on db; refused for a Kysely instance not built by openDatabase. */
export async function beginRequestTransaction(db: Kysely<any>): Promise<RequestTransaction> {
  const dialect = drivers.get(db);
  if (!dialect) throw new Error('this database was not opened with request transactions (src/store/db.ts)');
  // Kysely creates the driver on its first query; a request transaction may come first.
  if (!dialect.driver) await db.selectNoFrom((eb) => eb.lit(1).as('one')).execute();
  const driver = dialect.driver;
  if (!driver) throw new Error('the database driver was not created');
  const scope = await driver.begin();
  return {
    run: (fn) => scopes.run(scope, fn),
    commit: () => driver.end(scope, true),
    rollback: () => driver.end(scope, false),
    get open() {
      return scope.open;
    },
  };
}

/** Whether the caller runs inside an open request transaction (read batching steps aside then). */
export function inRequestTransaction(): boolean {
  const s = scopes.getStore();
  return s !== undefined && s.open;
}

/** Runs fn outside any request transaction (work it schedules for other requests, e.g. batched reads). */
export function outsideRequestTransaction<T>(fn: () => T): T {
  return scopes.exit(fn);
}
