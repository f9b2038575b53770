/**
 * Bulk-loads benchmark members into the PostgreSQL database named by DATABASE_URL:
 *   npx tsx bench/load-cli.ts PROGRAM_ID [COUNT]
 * and keeps a table bench_ids (i → member_id, i = 1..COUNT) for pgbench scripts to pick members.
 */
import pg from 'pg';
import { loadMembers } from './load-members.js';

const [programId, count = '100000'] = process.argv.slice(2);
if (!programId || !process.env.DATABASE_URL) {
  console.error('usage: DATABASE_URL=postgres://… npx tsx bench/load-cli.ts PROGRAM_ID [COUNT]');
  process.exit(2);
}
const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
await c.connect();
const members = await loadMembers((sql, params) => c.query(sql, params), { programId, count: Number(count) });
await c.query('create table bench_ids (i int primary key, member_id uuid not null)');
await c.query('insert into bench_ids select i, m from unnest($1::uuid[]) with ordinality as t(m, i)', [members.map((m) => m.memberId)]);
await c.query('analyze bench_ids');
await c.end();
console.log(`loaded ${members.length} members`);
