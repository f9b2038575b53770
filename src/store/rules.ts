import { sql } from 'kysely';
import type { After, Sort } from '../domain/list-paging.js';
import type { Executor } from './executor.js';
import { json } from './executor.js';
import { keysetFragments, keysetPage, type Keyset, type SortedRow } from './keyset.js';

export interface RuleVersionRow {
  version: number;
  effectiveFrom: Date;
  rules: unknown;
  note: string | null;
  createdBy: string;
  createdAt: Date;
}

/**
 * Writes the next version of a program's rules. The program row is locked for the transaction so
 * that two publishes cannot take the same number; publishing is rare, purchases never take it.
 */
export async function insertRuleVersion(
  db: Executor,
  programId: string,
  v: { effectiveFrom: Date; rules: unknown; note: string | null; createdBy: string; at: Date },
): Promise<number> {
  await db.selectFrom('programs').select('program_id').where('program_id', '=', programId).forUpdate().execute();
  const row = await db
    .insertInto('rule_versions')
    .columns(['program_id', 'version', 'effective_from', 'rules', 'note', 'created_by', 'created_at'])
    .expression(
      db
        .selectFrom('rule_versions')
        .select([
          sql<string>`${programId}::uuid`.as('program_id'),
          sql<number>`coalesce(max(version), 0) + 1`.as('version'),
          sql<Date>`${v.effectiveFrom}::timestamptz`.as('effective_from'),
          sql<string>`${json(v.rules)}::jsonb`.as('rules'),
          sql<string | null>`${v.note}::text`.as('note'),
          sql<string>`${v.createdBy}::text`.as('created_by'),
          sql<Date>`${v.at}::timestamptz`.as('created_at'),
        ])
        .where('program_id', '=', programId),
    )
    .returning('version')
    .executeTakeFirstOrThrow();
  return row.version;
}

/** Versions' numbers and start times, newest first: enough to pick the one in force at an instant. */
export async function listRuleVersionHeads(db: Executor, programId: string): Promise<{ version: number; effectiveFrom: Date }[]> {
  const rows = await db.selectFrom('rule_versions').select(['version', 'effective_from']).where('program_id', '=', programId).orderBy('version', 'desc').execute();
  return rows.map((r) => ({ version: r.version, effectiveFrom: r.effective_from }));
}

export async function findRuleVersion(db: Executor, programId: string, version: number): Promise<RuleVersionRow | undefined> {
  const r = await db.selectFrom('rule_versions').selectAll().where('program_id', '=', programId).where('version', '=', version).executeTakeFirst();
  return r && { version: r.version, effectiveFrom: r.effective_from, rules: r.rules, note: r.note, createdBy: r.created_by, createdAt: r.created_at };
}

export const RULE_VERSION_KEYSET: Keyset<'version'> = { columns: { version: { expr: sql`version`, type: 'integer' } }, id: 'version' };

/** A page of the program's versions by number, one row more than the limit (the primary key serves it). */
export async function listRuleVersions(db: Executor, programId: string, q: { sort: Sort<'version'>; after: After | undefined; limit: number }): Promise<(Omit<RuleVersionRow, 'rules'> & SortedRow)[]> {
  const query = db.selectFrom('rule_versions').select(['version', 'effective_from', 'note', 'created_by', 'created_at']).where('program_id', '=', programId);
  const rows = await keysetPage(query, RULE_VERSION_KEYSET, q.sort, q.after, q.limit).execute();
  return rows.map((r) => ({
    sort_value: r.sort_value,
    sort_id: r.sort_id, version: r.version, effectiveFrom: r.effective_from, note: r.note, createdBy: r.created_by, createdAt: r.created_at }));
}

export type CampaignStatus = 'draft' | 'active' | 'paused' | 'archived';

export interface DefinitionRow<S extends string> {
  id: string;
  status: S;
  definition: unknown;
  createdAt: Date;
  updatedAt: Date;
}

type Kind = 'campaigns' | 'tiers' | 'coupon_series';
const idColumn = { campaigns: 'campaign_id', tiers: 'tier_id', coupon_series: 'series_id' } as const;

/**
 * Campaigns, tiers and coupon series are stored alike: an id, a status and the definition as
 * JSON (validated by the domain before it is written).
 */
export async function insertDefinition(db: Executor, kind: Kind, programId: string, d: { id: string; status: string; definition: unknown; at: Date }): Promise<boolean> {
  const rows = await sql<{ id: string }>`
    insert into ${sql.table(kind)} (program_id, ${sql.ref(idColumn[kind])}, status, definition, created_at, updated_at)
    values (${programId}, ${d.id}, ${d.status}, ${json(d.definition)}::jsonb, ${d.at}, ${d.at})
    on conflict do nothing
    returning ${sql.ref(idColumn[kind])} as id`.execute(db);
  return rows.rows.length === 1;
}

export async function updateDefinition(db: Executor, kind: Kind, programId: string, d: { id: string; status: string; definition: unknown; at: Date }): Promise<void> {
  await sql`
    update ${sql.table(kind)} set status = ${d.status}, definition = ${json(d.definition)}::jsonb, updated_at = ${d.at}
     where program_id = ${programId} and ${sql.ref(idColumn[kind])} = ${d.id}`.execute(db);
}

export async function findDefinition<S extends string>(db: Executor, kind: Kind, programId: string, id: string, lock = false): Promise<DefinitionRow<S> | undefined> {
  const rows = await sql<{ id: string; status: S; definition: unknown; created_at: Date; updated_at: Date }>`
    select ${sql.ref(idColumn[kind])} as id, status, definition, created_at, updated_at from ${sql.table(kind)}
     where program_id = ${programId} and ${sql.ref(idColumn[kind])} = ${id} ${lock ? sql`for update` : sql``}`.execute(db);
  const r = rows.rows[0];
  return r && { id: r.id, status: r.status, definition: r.definition, createdAt: r.created_at, updatedAt: r.updated_at };
}

export async function listDefinitions<S extends string>(db: Executor, kind: Kind, programId: string, statuses?: readonly S[]): Promise<DefinitionRow<S>[]> {
  const rows = await sql<{ id: string; status: S; definition: unknown; created_at: Date; updated_at: Date }>`
    select ${sql.ref(idColumn[kind])} as id, status, definition, created_at, updated_at from ${sql.table(kind)}
     where program_id = ${programId} ${statuses ? sql`and status = any(${statuses}::text[])` : sql``}
     order by created_at, ${sql.ref(idColumn[kind])}`.execute(db);
  return rows.rows.map((r) => ({ id: r.id, status: r.status, definition: r.definition, createdAt: r.created_at, updatedAt: r.updated_at }));
}

export type DefinitionSortKey = 'createdAt' | 'updatedAt' | 'name' | 'status';

/** Campaigns and coupon series sort by these; the name is the definition's, any case. */
const definitionKeyset = (kind: Kind): Keyset<DefinitionSortKey> => ({
  columns: {
    createdAt: { expr: sql`created_at`, type: 'timestamptz' },
    updatedAt: { expr: sql`updated_at`, type: 'timestamptz' },
    name: { expr: sql`lower(coalesce(definition->>'name', ''))`, type: 'text' },
    status: { expr: sql`status`, type: 'text' },
  },
  id: idColumn[kind],
});

/** A page of campaigns or coupon series in the asked order, one row more than the limit. */
export async function pageDefinitions<S extends string>(
  db: Executor,
  kind: Kind,
  programId: string,
  q: { statuses?: readonly S[] | undefined; sort: Sort<DefinitionSortKey>; after: After | undefined; limit: number },
): Promise<(DefinitionRow<S> & SortedRow)[]> {
  const f = keysetFragments(definitionKeyset(kind), q.sort, q.after);
  const rows = await sql<{ id: string; status: S; definition: unknown; created_at: Date; updated_at: Date } & SortedRow>`
    select ${sql.ref(idColumn[kind])} as id, status, definition, created_at, updated_at, ${f.select} from ${sql.table(kind)}
     where program_id = ${programId} ${q.statuses ? sql`and status = any(${q.statuses}::text[])` : sql``} and ${f.where}
     order by ${f.orderBy}
     limit ${q.limit + 1}`.execute(db);
  return rows.rows.map((r) => ({ id: r.id, status: r.status, definition: r.definition, createdAt: r.created_at, updatedAt: r.updated_at, sort_value: r.sort_value, sort_id: r.sort_id }));
}

/**
 * When each campaign first became active: the moment the first published rule version that holds
 * it took effect (a version published for later counts from then). Campaigns never published are
 * missing from the map. One campaign when `campaignId` is given.
 */
export async function campaignsFirstInForce(db: Executor, programId: string, campaignId?: string): Promise<Map<string, Date>> {
  const one = campaignId === undefined ? sql`` : sql`and c ->> 'id' = ${campaignId}`;
  const r = await sql<{ id: string; at: Date }>`
    select c ->> 'id' as id, min(v.effective_from) as at
      from rule_versions v cross join lateral jsonb_array_elements(coalesce(v.rules -> 'campaigns', '[]'::jsonb)) c
     where v.program_id = ${programId} ${one}
     group by 1`.execute(db);
  return new Map(r.rows.map((x) => [x.id, new Date(x.at)]));
}
