import { randomBytes } from 'node:crypto';
import { countScoreGroups, npsClass, npsOf, npsTrend, type NpsFigures, type NpsPoint } from '../../domain/analytics/nps.js';
import { addDays, checkRange, daysBetween, periodsOf, startOfDayIn, type Interval } from '../../domain/analytics/periods.js';
import { DomainError } from '../../domain/errors.js';
import { decodeCursor, pageOf, parseSort, type ListQuery, type ListSpec, type Page } from '../../domain/list-paging.js';
import { findSurvey, findSurveyByToken, insertAnonymousResponse, insertMemberResponse, insertSurvey, pageSurveys, responseCounts, setSurveyStatus, type SurveyRow, type SurveySortKey } from '../../store/analytics-nps.js';
import { afterRow } from '../../store/keyset.js';
import { audit } from '../audit.js';
import type { Actor, AppContext } from '../context.js';
import { isUuid, requireMember } from '../members.js';

export const DEFAULT_QUESTION = 'Насколько вероятно, что вы порекомендуете нас друзьям и знакомым? (0 — точно нет, 10 — точно да)';

export interface SurveyView {
  id: string;
  name: string;
  question: string;
  status: 'open' | 'closed';
  /** The secret of the survey's public link: anyone with it may answer anonymously. */
  linkToken: string;
  createdAt: string;
  updatedAt: string;
}

const view = (s: SurveyRow): SurveyView => ({
  id: s.survey_id,
  name: s.name,
  question: s.question,
  status: s.status,
  linkToken: s.link_token,
  createdAt: s.created_at.toISOString(),
  updatedAt: s.updated_at.toISOString(),
});

export async function createSurvey(ctx: AppContext, actor: Actor, input: { name: string; question?: string | undefined }): Promise<SurveyView> {
  const at = ctx.clock();
  const surveyId = ctx.newId();
  return ctx.db.transaction().execute(async (tx) => {
    await insertSurvey(tx, { programId: actor.programId, surveyId, name: input.name, question: input.question ?? DEFAULT_QUESTION, linkToken: randomBytes(18).toString('base64url'), at });
    const v = view((await findSurvey(tx, actor.programId, surveyId))!);
    await audit(ctx, tx, actor, { action: 'create', entity: 'nps_survey', entityId: surveyId, before: null, after: { ...v, linkToken: undefined }, at });
    return v;
  });
}

export const SURVEY_LIST: ListSpec<SurveySortKey> = { list: 'nps-surveys', keys: { createdAt: 'instant', name: 'text', status: 'text' }, id: 'uuid', defaultSort: '-createdAt' };

/** A page of surveys, newest first unless asked otherwise. */
export async function getSurveys(ctx: AppContext, programId: string, q: ListQuery): Promise<Page<SurveyView>> {
  const sort = parseSort(SURVEY_LIST, q.sort);
  const after = decodeCursor(SURVEY_LIST, sort, q.cursor);
  return pageOf(SURVEY_LIST.list, sort, await pageSurveys(ctx.db, programId, { sort, after, limit: q.limit }), q.limit, afterRow, view);
}

async function requireSurvey(ctx: AppContext, programId: string, surveyId: string): Promise<SurveyRow> {
  const s = isUuid(surveyId) ? await findSurvey(ctx.db, programId, surveyId) : undefined;
  if (!s) throw new DomainError('SURVEY_NOT_FOUND', `no survey ${surveyId} in this program`);
  return s;
}

export async function changeSurveyStatus(ctx: AppContext, actor: Actor, surveyId: string, status: 'open' | 'closed'): Promise<SurveyView> {
  const before = await requireSurvey(ctx, actor.programId, surveyId);
  const at = ctx.clock();
  await ctx.db.transaction().execute(async (tx) => {
    await setSurveyStatus(tx, actor.programId, surveyId, status, at);
    await audit(ctx, tx, actor, { action: 'update', entity: 'nps_survey', entityId: surveyId, before: { status: before.status }, after: { status }, at });
  });
  return view((await findSurvey(ctx.db, actor.programId, surveyId))!);
}

export interface AnswerInput {
  score: number;
  comment?: string | null | undefined;
  memberId?: string | undefined;
  token?: string | undefined;
  channel?: string | undefined;
}

export interface AnswerResult {
  surveyId: string;
  memberId: string | null;
  score: number;
  class: 'promoter' | 'passive' | 'detractor';
  createdAt: string;
}

/**
 * Records an answer: by an API key of the survey's program for one of its members (once per
 * member and survey), or anonymously by anyone holding the survey's link token.
 */
/**
 * An answer as the API receives it: by the caller of an API key (an admin or pos one) for a
 * member, or by no one (`null`) with the survey's link token. A readonly key may not answer.
 */
export async function answerSurveyAs(ctx: AppContext, actor: Actor | null, surveyId: string, input: AnswerInput): Promise<AnswerResult> {
  if (actor && actor.role === 'readonly') throw new DomainError('FORBIDDEN', 'a readonly key may not answer surveys');
  return answerSurvey(ctx, actor, surveyId, input);
}

export async function answerSurvey(ctx: AppContext, actor: Actor | null, surveyId: string, input: AnswerInput): Promise<AnswerResult> {
  let survey: SurveyRow | undefined;
  if (actor) {
    survey = await requireSurvey(ctx, actor.programId, surveyId);
    if (input.memberId === undefined) throw new DomainError('VALIDATION_FAILED', 'memberId is required with an API key', { errors: [{ pointer: '/memberId', detail: 'is required with an API key' }] });
    await requireMember(ctx.db, actor.programId, input.memberId);
  } else {
    survey = isUuid(surveyId) && input.token !== undefined ? await findSurveyByToken(ctx.db, surveyId, input.token) : undefined;
    if (!survey) throw new DomainError('SURVEY_NOT_FOUND', 'no survey with this id and link token');
    if (input.memberId !== undefined) throw new DomainError('VALIDATION_FAILED', 'an answer by link is anonymous: send no memberId', { errors: [{ pointer: '/memberId', detail: 'not allowed without an API key' }] });
  }
  if (survey.status !== 'open') throw new DomainError('SURVEY_CLOSED', `the survey ${survey.name} is closed`);
  const at = ctx.clock();
  const base = { surveyId, programId: survey.program_id, score: input.score, comment: input.comment ?? null, at };
  if (actor) {
    const fresh = await insertMemberResponse(ctx.db, { ...base, memberId: input.memberId!, channel: input.channel ?? 'app' });
    if (!fresh) throw new DomainError('SURVEY_ALREADY_ANSWERED', `member ${input.memberId} has already answered this survey`);
  } else {
    await insertAnonymousResponse(ctx.db, { ...base, responseId: ctx.newId(), channel: 'link' });
  }
  return {
    surveyId,
    memberId: input.memberId ?? null,
    score: input.score,
    class: npsClass(input.score),
    createdAt: at.toISOString(),
  };
}

export interface NpsReport extends NpsFigures {
  from: string;
  to: string;
  interval: Interval;
  surveyId: string | null;
  /** The same figures for the range of the same length just before. */
  previous: NpsFigures;
  /** score − previous.score, one decimal; null when either has no answers. */
  change: number | null;
  series: NpsPoint[];
}

/** NPS of the answers given in a range, with a series by period and the change against the range before. */
export async function getNps(ctx: AppContext, programId: string, q: { from: string; to: string; interval?: Interval | undefined; surveyId?: string | undefined }): Promise<NpsReport> {
  checkRange(q.from, q.to);
  if (q.surveyId !== undefined) await requireSurvey(ctx, programId, q.surveyId);
  const { settings } = await ctx.programs.get(programId);
  const tz = settings.timeZone;
  const interval = q.interval ?? 'month';
  const length = daysBetween(q.from, q.to) + 1;
  const prevFrom = addDays(q.from, -length);
  const rows = await responseCounts(ctx.db, { programId, timeZone: tz, from: prevFrom, start: startOfDayIn(prevFrom, tz), end: startOfDayIn(addDays(q.to, 1), tz), interval: 'day', surveyId: q.surveyId });
  const countsOf = (from: string, to: string) => countScoreGroups(rows.filter((r) => r.period >= from && r.period <= to));
  const series = npsTrend(periodsOf(q.from, q.to, interval).map((p) => ({ period: p.period, ...countsOf(p.from, p.to) })));
  const totals = npsOf(countsOf(q.from, q.to));
  const previous = npsOf(countsOf(prevFrom, addDays(q.from, -1)));
  const change = totals.score === null || previous.score === null ? null : Math.round((totals.score - previous.score) * 10) / 10;
  return { from: q.from, to: q.to, interval, surveyId: q.surveyId ?? null, ...totals, previous, change, series };
}
