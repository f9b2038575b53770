import { sql, type Selectable } from 'kysely';
import type { Interval } from '../domain/analytics/periods.js';
import type { After, Sort } from '../domain/list-paging.js';
import { planEachCall, type Executor } from './executor.js';
import { keysetPage, type Keyset, type SortedRow } from './keyset.js';
import type { NpsSurveysTable } from './schema-analytics.js';

export type SurveyRow = Selectable<NpsSurveysTable>;

export async function insertSurvey(db: Executor, s: { programId: string; surveyId: string; name: string; question: string; linkToken: string; at: Date }): Promise<void> {
  await db
    .insertInto('nps_surveys')
    .values({ program_id: s.programId, survey_id: s.surveyId, name: s.name, question: s.question, link_token: s.linkToken, status: 'open', created_at: s.at, updated_at: s.at })
    .execute();
}

export async function findSurvey(db: Executor, programId: string, surveyId: string): Promise<SurveyRow | undefined> {
  return db.selectFrom('nps_surveys').selectAll().where('program_id', '=', programId).where('survey_id', '=', surveyId).executeTakeFirst();
}

/** A survey by its id and link token, whatever its program (an anonymous answer names no program). */
export async function findSurveyByToken(db: Executor, surveyId: string, token: string): Promise<SurveyRow | undefined> {
  return db.selectFrom('nps_surveys').selectAll().where('link_token', '=', token).where('survey_id', '=', surveyId).executeTakeFirst();
}

export async function listSurveys(db: Executor, programId: string): Promise<SurveyRow[]> {
  return db.selectFrom('nps_surveys').selectAll().where('program_id', '=', programId).orderBy('created_at', 'desc').orderBy('survey_id', 'desc').execute();
}

export type SurveySortKey = 'createdAt' | 'name' | 'status';

export const SURVEY_KEYSET: Keyset<SurveySortKey> = {
  columns: { createdAt: { expr: sql`created_at`, type: 'timestamptz' }, name: { expr: sql`lower(name)`, type: 'text' }, status: { expr: sql`status`, type: 'text' } },
  id: 'survey_id',
};

/** A page of the program's surveys in the asked order, one row more than the limit. */
export async function pageSurveys(db: Executor, programId: string, q: { sort: Sort<SurveySortKey>; after: After | undefined; limit: number }): Promise<(SurveyRow & SortedRow)[]> {
  return keysetPage(db.selectFrom('nps_surveys').selectAll().where('program_id', '=', programId), SURVEY_KEYSET, q.sort, q.after, q.limit).execute();
}

export async function setSurveyStatus(db: Executor, programId: string, surveyId: string, status: 'open' | 'closed', at: Date): Promise<void> {
  await db.updateTable('nps_surveys').set({ status, updated_at: at }).where('program_id', '=', programId).where('survey_id', '=', surveyId).execute();
}

/** A member's answer; false when the member has already answered this survey. */
export async function insertMemberResponse(db: Executor, r: { memberId: string; surveyId: string; programId: string; score: number; comment: string | null; channel: string; at: Date }): Promise<boolean> {
  const rows = await db
    .insertInto('nps_responses')
    .values({ member_id: r.memberId, survey_id: r.surveyId, program_id: r.programId, score: r.score, comment: r.comment, channel: r.channel, created_at: r.at })
    .onConflict((oc) => oc.columns(['member_id', 'survey_id']).doNothing())
    .returning('member_id')
    .execute();
  return rows.length === 1;
}

export async function insertAnonymousResponse(db: Executor, r: { responseId: string; surveyId: string; programId: string; score: number; comment: string | null; channel: string; at: Date }): Promise<void> {
  await db
    .insertInto('anonymous_nps_responses')
    .values({ program_id: r.programId, response_id: r.responseId, survey_id: r.surveyId, score: r.score, comment: r.comment, channel: r.channel, created_at: r.at })
    .execute();
}

/**
 * Answers per period and score (members' and anonymous ones together) in [start, end); the
 * period is the day, week or month of the answer in the program's time zone, not before `from`.
 */
export async function responseCounts(
  db: Executor,
  q: { programId: string; timeZone: string; from: string; start: Date; end: Date; interval: Interval; surveyId?: string | undefined },
): Promise<{ period: string; score: number; n: number }[]> {
  const survey = q.surveyId === undefined ? sql`` : sql`and survey_id = ${q.surveyId}::uuid`;
  const local = sql`(created_at at time zone ${q.timeZone}::text)`;
  const period = q.interval === 'day' ? sql`${local}::date` : sql`date_trunc(${q.interval}, ${local})::date`;
  const r = await sql<{ period: string; score: number; n: number }>`
    select ${planEachCall} greatest(${period}, ${q.from}::date) as period, score, count(*)::int as n from (
      select created_at, score from nps_responses where program_id = ${q.programId} and created_at >= ${q.start} and created_at < ${q.end} ${survey}
      union all
      select created_at, score from anonymous_nps_responses where program_id = ${q.programId} and created_at >= ${q.start} and created_at < ${q.end} ${survey}
    ) r group by 1, 2 order by 1, 2`.execute(db);
  return r.rows;
}
