import { sql, type Kysely } from 'kysely';
import { splitStatements } from './0001-core.js';

/*
 * A purchase's state in columns, the stored answer only for replay (issue 13, point 3;
 * docs/adr/0029-member-ledger-writer.md). Confirm reads when the earned lot becomes spendable and
 * when it expires, and returns read each line's terms, from these columns instead of from
 * `result` (the JSON the till got, whose shape may change):
 *
 * - `purchases.earned_available_at`, `earned_expires_at`: the lot the purchase earns into (at
 *   create, or on confirm for a two-phase one); null when it earns nothing.
 * - `purchases.line_terms`, `anonymous_purchases.line_terms`: per line, in line order,
 *   `[quantity, paid, pointsSpent, pointsEarned]` — compact, because the purchase's hot path
 *   writes it.
 *
 * A return's returned quantities per line were already a column of their own (`returns.lines`,
 * `anonymous_returns.lines`: `[{ line, quantity }]`); nothing to add there.
 *
 * Rows written before this migration get the columns from their stored answer, once, here.
 */
export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of splitStatements(`
    alter table purchases add column earned_available_at timestamptz, add column earned_expires_at timestamptz, add column line_terms jsonb;
    alter table anonymous_purchases add column line_terms jsonb;
    update purchases set
      earned_available_at = (result->>'earnedAvailableAt')::timestamptz,
      earned_expires_at = (result->>'earnedExpiresAt')::timestamptz,
      line_terms = ${LINE_TERMS_OF_RESULT};
    update anonymous_purchases set line_terms = ${LINE_TERMS_OF_RESULT};
    alter table purchases alter column line_terms set not null;
    alter table anonymous_purchases alter column line_terms set not null;
  `)) await sql.raw(statement).execute(db);
}

/** The terms of the stored answer's lines, in line order. */
const LINE_TERMS_OF_RESULT = `coalesce((
      select jsonb_agg(jsonb_build_array(
               coalesce((l->>'quantity')::bigint, 0), coalesce((l->>'paid')::bigint, 0),
               coalesce((l->>'pointsSpent')::bigint, 0), coalesce((l->>'pointsEarned')::bigint, 0)) order by n)
        from jsonb_array_elements(result->'lines') with ordinality as x(l, n)), '[]'::jsonb)`;

export async function down(db: Kysely<any>): Promise<void> {
  await sql.raw('alter table anonymous_purchases drop column line_terms').execute(db);
  await sql.raw('alter table purchases drop column line_terms, drop column earned_expires_at, drop column earned_available_at').execute(db);
}
