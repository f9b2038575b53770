import { sharedDataDir } from './shared-data.js';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import type { Response, TestServer } from './harness.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The CDNOW purchase history shared beside the repository (../shared/data/cdnow). */
export const CDNOW_MASTER = path.join(sharedDataDir(), 'cdnow', 'CDNOW_master.txt');

/**
 * Uploads a file to POST /v1/imports/{kind} as text/csv, as an integration would: the body is
 * streamed (a string, or a file read as it is sent). Query parameters: `map` may be repeated.
 */
export async function upload(
  s: TestServer,
  kind: 'members' | 'purchases' | 'balances',
  body: string | Uint8Array | { file: string },
  query: Record<string, string | string[]> = {},
  key: string | null = s.adminKey,
): Promise<Response> {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) for (const x of Array.isArray(v) ? v : [v]) qs.append(k, x);
  const headers: Record<string, string> = { 'content-type': 'text/csv' };
  if (key) headers.authorization = `Bearer ${key}`;
  const res = await fetch(`${s.url}/v1/imports/${kind}${qs.size > 0 ? `?${qs}` : ''}`, {
    method: 'POST',
    headers,
    body: typeof body === 'string' || body instanceof Uint8Array ? body : (Readable.toWeb(fs.createReadStream(body.file)) as ReadableStream),
    duplex: 'half',
  } as RequestInit);
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
}

/** Counts of the program's rows in the tables an import writes. */
export async function countRows(s: TestServer): Promise<{ members: number; purchases: number; claims: number; entries: number; identifiers: number }> {
  const p = s.programId;
  const r = await sql<{ members: number; purchases: number; claims: number; entries: number; identifiers: number }>`
    select (select count(*) from members where program_id = ${p})::int as members,
           (select count(*) from purchases where program_id = ${p})::int as purchases,
           (select count(*) from receipt_claims where program_id = ${p})::int as claims,
           (select count(*) from entries where program_id = ${p})::int as entries,
           (select count(*) from identifier_claims where program_id = ${p})::int as identifiers`.execute(s.database.db);
  return r.rows[0]!;
}

/** Makes every write of a purchase with this receipt id fail, as a database error the import cannot foresee. */
export async function refuseReceiptInDatabase(s: TestServer, receiptId: string): Promise<void> {
  await sql.raw(`create function test_refuse_receipt() returns trigger language plpgsql as $$
    begin if new.receipt_id = '${receiptId.replaceAll("'", "''")}' then raise exception 'refused by a test trigger'; end if; return new; end $$`).execute(s.database.db);
  await sql`create trigger test_refuse_receipt before insert on purchases for each row execute function test_refuse_receipt()`.execute(s.database.db);
}
