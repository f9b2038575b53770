/**
 * Bulk-loads benchmark members straight into the database, set-based, in one transaction:
 * members, their phone identifiers (claim + owner row), wallets, and for every second member a
 * spendable lot of points credited by an 'adjust' entry (account 'adjusted') with the wallet
 * balance to match — so `kopilka verify` still finds that the books balance. With `tiers`, the
 * wallets hold those tiers (since yesterday) in the given shares, as a program some years old
 * would (harmless while the rules have no tiers: a purchase then neither reads nor changes them).
 *
 * Works on PostgreSQL (a pg client) and on PGlite (statements run one at a time: PGlite's
 * extended protocol takes one statement per query).
 */

/** Runs one SQL statement with positional parameters and returns its rows. */
export type Exec = (sql: string, params?: unknown[]) => Promise<{ rows: Record<string, unknown>[] }>;

export interface LoadedMember {
  memberId: string;
  /** The member's phone, +7900nnnnnnn: their identifier. */
  phone: string;
  /** True when the member got `richPoints` spendable points. */
  rich: boolean;
}

export interface LoadOptions {
  programId: string;
  count: number;
  /** Points given to every second member (available now, expiring in a year). */
  richPoints?: number;
  /** Tiers to give the wallets: each id with the percent of members holding it (the rest hold none). */
  tiers?: { id: string; percent: number }[];
}

export async function loadMembers(exec: Exec, o: LoadOptions): Promise<LoadedMember[]> {
  const points = o.richPoints ?? 5000;
  const p = o.programId;
  // The tier of member i: a hash of i into 0–99, cut by the cumulative percents (ids go into the
  // SQL text: only plain ones are taken).
  let upto = 0;
  const cases = (o.tiers ?? []).map((t) => {
    if (!/^[a-z0-9_-]+$/i.test(t.id)) throw new Error(`tier id ${t.id}: letters, digits, - and _ only`);
    upto += t.percent;
    return `when abs(hashint4(i)) % 100 < ${upto} then '${t.id}'`;
  });
  const tierOf = cases.length ? `case ${cases.join(' ')} end` : 'null::text';
  // Phones +7 900 nnn nn nn: valid Russian mobile numbers, unique per member.
  const statements: [string, unknown[]][] = [
    ['begin', []],
    [
      `create temp table bench_members on commit drop as
         select gen_random_uuid() as member_id, gen_random_uuid() as lot_id, i, (i % 2 = 0) as rich,
                '+7900' || lpad(i::text, 7, '0') as phone, ${tierOf} as tier_id
         from generate_series(1, $1::int) as i`,
      [o.count],
    ],
    [
      `insert into members (member_id, program_id, status, name, phone, attributes, consents, created_at, updated_at)
         select member_id, $1::uuid, 'active', 'Bench member ' || i, phone, '{}'::jsonb, '{}'::jsonb, now(), now() from bench_members`,
      [p],
    ],
    [
      `insert into identifier_claims (program_id, kind, value, member_id, created_at)
         select $1::uuid, 'phone', phone, member_id, now() from bench_members`,
      [p],
    ],
    [`insert into member_identifiers (member_id, kind, value, created_at) select member_id, 'phone', phone, now() from bench_members`, []],
    [
      `insert into wallets (member_id, program_id, balance, updated_at, tier_id, tier_since)
         select member_id, $1::uuid, case when rich then $2::bigint else 0 end, now(), tier_id,
                case when tier_id is not null then now() - interval '1 day' end from bench_members`,
      [p, points],
    ],
    [
      `insert into lots (member_id, lot_id, program_id, amount, remaining, available_at, expires_at, purchase_id, created_at)
         select member_id, lot_id, $1::uuid, $2::bigint, $2::bigint, now() - interval '1 day', now() + interval '365 days', null, now()
         from bench_members where rich`,
      [p, points],
    ],
    [
      `insert into entries (member_id, entry_id, program_id, lot_id, account, kind, amount, purchase_id, return_id, reason, actor, created_at)
         select member_id, gen_random_uuid(), $1::uuid, lot_id, 'adjusted', 'adjust', $2::bigint, null, null, 'benchmark load', 'bench', now()
         from bench_members where rich`,
      [p, points],
    ],
  ];
  for (const [sql, params] of statements) await exec(sql, params);
  const { rows } = await exec('select member_id::text as member_id, phone, rich from bench_members order by i', []);
  await exec('commit', []);
  for (const t of ['members', 'member_identifiers', 'identifier_claims', 'wallets', 'lots', 'entries']) await exec(`analyze ${t}`, []);
  return rows.map((r) => ({ memberId: String(r.member_id), phone: String(r.phone), rich: Boolean(r.rich) }));
}
