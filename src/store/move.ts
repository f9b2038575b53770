import { sql, type RawBuilder } from 'kysely';
import type { Executor } from './executor.js';
import { planEachCall } from './executor.js';
import { FLEET_LOCKS, lockForTransaction } from './fleet-locks.js';
import { checkBooks, type BooksReport } from './verify.js';

/*
 * `kopilka move`: copies every table of one database (the embedded one) into another (an empty
 * PostgreSQL), generically — the tables, their columns and their order come from the catalogue, so
 * a table a later migration adds is moved without a change here. Both are migrated to the same
 * version first. Values travel as their text form and are cast back to the column's type on the
 * target, which is exact for every PostgreSQL type (timestamps keep their offset, floats their
 * shortest round-trip digits, jsonb its text). Rows are read in primary-key order in batches
 * (keyset, so each batch is one index range scan) and written in one transaction on the target:
 * a move that fails leaves the target as empty as it found it.
 */

/** The migrator's own tables: the target has them from its own migration. */
const SKIPPED = new Set(['kopilka_migrations', 'kopilka_migrations_lock']);
/** PostgreSQL accepts at most 65,535 parameters in one statement. */
const MAX_PARAMETERS = 60_000;

export interface TableShape {
  name: string;
  /** Columns in their order, with the type to cast their text back to. */
  columns: { name: string; type: string }[];
  /** The primary key's columns, in the key's order. */
  key: string[];
  /** Identity columns: copied with their values (`overriding system value`), their sequences moved past them. */
  identity: string[];
}

/** Every table of the public schema, parents before children (by their foreign keys). */
export async function tableShapes(db: Executor): Promise<TableShape[]> {
  const columns = await sql<{ table: string; column: string; type: string; identity: string }>`
    select c.relname as table, a.attname as column, format_type(a.atttypid, a.atttypmod) as type, a.attidentity::text as identity
    from pg_attribute a
    join pg_class c on c.oid = a.attrelid
    join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind in ('r', 'p') and a.attnum > 0 and not a.attisdropped and a.attgenerated = ''
    order by c.relname, a.attnum`.execute(db);
  const keys = await sql<{ table: string; column: string }>`
    select c.relname as table, a.attname as column
    from pg_index i
    join pg_class c on c.oid = i.indrelid
    join pg_namespace n on n.oid = c.relnamespace
    cross join lateral unnest(i.indkey) with ordinality as k(attnum, position)
    join pg_attribute a on a.attrelid = c.oid and a.attnum = k.attnum
    where n.nspname = 'public' and i.indisprimary
    order by c.relname, k.position`.execute(db);
  const references = await sql<{ child: string; parent: string }>`
    select c.relname as child, p.relname as parent
    from pg_constraint f
    join pg_class c on c.oid = f.conrelid
    join pg_class p on p.oid = f.confrelid
    join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and f.contype = 'f' and f.conrelid <> f.confrelid`.execute(db);

  const shapes = new Map<string, TableShape>();
  for (const c of columns.rows) {
    if (SKIPPED.has(c.table)) continue;
    const shape = shapes.get(c.table) ?? { name: c.table, columns: [], key: [], identity: [] };
    shape.columns.push({ name: c.column, type: c.type });
    if (c.identity !== '') shape.identity.push(c.column);
    shapes.set(c.table, shape);
  }
  for (const k of keys.rows) shapes.get(k.table)?.key.push(k.column);
  for (const s of shapes.values()) {
    if (s.key.length === 0) throw new Error(`the table ${s.name} has no primary key: it cannot be read in batches`);
  }
  // Parents first (Kahn's order, alphabetical among equals so that runs are reproducible).
  const parents = new Map([...shapes.keys()].map((t) => [t, new Set<string>()]));
  for (const r of references.rows) if (shapes.has(r.child) && shapes.has(r.parent)) parents.get(r.child)!.add(r.parent);
  const ordered: TableShape[] = [];
  const done = new Set<string>();
  while (ordered.length < shapes.size) {
    const ready = [...shapes.keys()].filter((t) => !done.has(t) && [...parents.get(t)!].every((p) => done.has(p))).sort();
    if (ready.length === 0) throw new Error(`the foreign keys between ${[...shapes.keys()].filter((t) => !done.has(t)).join(', ')} form a cycle`);
    for (const t of ready) {
      done.add(t);
      ordered.push(shapes.get(t)!);
    }
  }
  return ordered;
}

const countRows = async (db: Executor, table: string): Promise<number> =>
  Number((await sql<{ n: string }>`select count(*)::text as n from ${sql.id(table)}`.execute(db)).rows[0]!.n);

export interface MoveProgress {
  table: string;
  /** Rows of this table copied so far. */
  rows: number;
  done: boolean;
}

export interface MoveReport {
  tables: { name: string; source: number; target: number }[];
  rows: number;
  /** `kopilka verify` on the target. */
  books: BooksReport;
  /** What disagrees between source and target (row counts, program accounts, books); empty when the copy is whole. */
  problems: string[];
}

export class MoveRefused extends Error {}

/**
 * Copies every row of `source` into `target`, which must have no rows yet (both migrated to the
 * same version), then compares them: rows per table, `kopilka verify` on the target, and each
 * program's accounts and member balances on both sides.
 */
export async function moveDatabase(source: Executor, target: Executor, options: { batchSize?: number; onProgress?: (p: MoveProgress) => void } = {}): Promise<MoveReport> {
  const shapes = await tableShapes(source);
  const targetShapes = new Map((await tableShapes(target)).map((s) => [s.name, s]));
  const differ = shapes.filter((s) => JSON.stringify(targetShapes.get(s.name)) !== JSON.stringify(s)).map((s) => s.name);
  if (differ.length > 0 || targetShapes.size !== shapes.length) {
    throw new MoveRefused(`the two databases' schemas differ (${differ.join(', ') || 'other tables'}): migrate both with the same version of kopilka first`);
  }
  const batchSize = options.batchSize ?? 2_000;
  const progress = options.onProgress ?? (() => {});

  await target.transaction().execute(async (tx) => {
    // A server starting on the target meanwhile waits here, then finds the programs moved and makes none.
    await lockForTransaction(tx, FLEET_LOCKS.firstStart);
    const filled: string[] = [];
    for (const s of shapes) if ((await sql`select 1 from ${sql.id(s.name)} limit 1`.execute(tx)).rows.length > 0) filled.push(s.name);
    if (filled.length > 0) throw new MoveRefused(`the target database is not empty (rows in ${filled.join(', ')}): move only into a new, empty database`);

    for (const s of shapes) {
      const perBatch = Math.max(1, Math.min(batchSize, Math.floor(MAX_PARAMETERS / s.columns.length)));
      const keyIndex = s.key.map((k) => s.columns.findIndex((c) => c.name === k));
      const keyTypes = keyIndex.map((i) => s.columns[i]!.type);
      const select = sql.join(s.columns.map((c, i) => sql`${sql.id(c.name)}::text as ${sql.id(`c${i}`)}`));
      const order = sql.join(s.key.map((k) => sql.id(k)));
      let after: (string | null)[] | undefined;
      let copied = 0;
      for (;;) {
        const from = after
          ? sql`where (${order}) > (${sql.join(after.map((v, i) => sql`${v}::${sql.raw(keyTypes[i]!)}`))})`
          : sql``;
        const rows = (await sql<Record<string, string | null>>`select ${select} from ${sql.id(s.name)} ${from} order by ${order} limit ${perBatch}`.execute(source)).rows;
        if (rows.length === 0) break;
        const values: RawBuilder<unknown>[] = rows.map((r) => sql`(${sql.join(s.columns.map((c, i) => sql`${r[`c${i}`] ?? null}::${sql.raw(c.type)}`))})`);
        const overriding = s.identity.length > 0 ? sql`overriding system value` : sql``;
        await sql`insert into ${sql.id(s.name)} (${sql.join(s.columns.map((c) => sql.id(c.name)))}) ${overriding} values ${sql.join(values)} ${planEachCall}`.execute(tx);
        copied += rows.length;
        const last = rows[rows.length - 1]!;
        after = keyIndex.map((i) => last[`c${i}`] ?? null);
        progress({ table: s.name, rows: copied, done: false });
        if (rows.length < perBatch) break;
      }
      for (const column of s.identity) {
        await sql`select setval(pg_get_serial_sequence(${s.name}, ${column}), coalesce((select max(${sql.id(column)}) from ${sql.id(s.name)}), 0) + 1, false)`.execute(tx);
      }
      progress({ table: s.name, rows: copied, done: true });
    }
    // The events' feed is ordered by the writing transaction's id (ADR 0030), and the source's
    // transaction ids mean nothing on the target: the moved events go first in the target's feed
    // (feed_tx 0), in the order they were written (feed_seq, which keeps each member's order).
    if (shapes.some((s) => s.name === 'domain_events')) await sql`update domain_events set feed_tx = 0`.execute(tx);
  });

  const tables: MoveReport['tables'] = [];
  for (const s of shapes) tables.push({ name: s.name, source: await countRows(source, s.name), target: await countRows(target, s.name) });
  const problems = tables.filter((t) => t.source !== t.target).map((t) => `${t.name}: ${t.source} row(s) in the source, ${t.target} in the target`);
  const books = await checkBooks(target);
  const before = await checkBooks(source);
  for (const m of books.mismatches) problems.push(`the target's books: ${m.check} ${m.memberId ?? m.programId}${m.lotId ? ` lot ${m.lotId}` : ''}: ${m.detail}`);
  const accounts = (r: BooksReport) => JSON.stringify([...r.accounts].sort((a, b) => a.programId.localeCompare(b.programId)));
  if (accounts(before) !== accounts(books)) problems.push(`the programs' accounts or member balances differ: source ${accounts(before)}, target ${accounts(books)}`);
  return { tables, rows: tables.reduce((n, t) => n + t.target, 0), books, problems };
}
